//! Malformed and hostile inputs: each gives a diagnostic or a clean error
//! message, never a panic, and the file is never changed.

use privy::diag::Severity;
use privy::document::{Document, LoadError};

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let example = include_str!("../../assets/examples/ServerConfig.json");
    let mut v: Vec<(&'static str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("only white space", b" \r\n\t ".to_vec()),
        ("only a BOM", b"\xEF\xBB\xBF".to_vec()),
        ("invalid UTF-8 in a string", b"{\"USERS\": \"a\xFF\xFEb\"}".to_vec()),
        ("truncated UTF-8 sequence", b"{\"A\": \"\xE2\x82\"}".to_vec()),
        ("UTF-16 LE with BOM", b"\xFF\xFE{\0}\0".to_vec()),
        ("UTF-16 BE with BOM", b"\xFE\xFF\0{\0}".to_vec()),
        ("UTF-16 without BOM", "{\"TCP_PORT\": 1}".encode_utf16().flat_map(u16::to_le_bytes).collect()),
        ("NUL bytes between tokens", b"{\0\"A\"\0:\x001}".to_vec()),
        ("NUL inside a string", b"{\"A\": \"x\0y\"}".to_vec()),
        ("100 000 nested arrays", "[".repeat(100_000).into_bytes()),
        ("100 000 nested objects", "{\"a\":".repeat(100_000).into_bytes()),
        ("closing brackets only", "]}]}".repeat(1000).into_bytes()),
        ("duplicate keys", b"{\"TCP_PORT\": 1, \"TCP_PORT\": 2, \"DENY_CHECKOUTS\": [], \"DENY_CHECKOUTS\": {}}".to_vec()),
        ("huge integer", b"{\"LIMIT_CHECKOUTS\": [{\"USERS\": \"a\", \"COUNT\": 123456789012345678901234567890}]}".to_vec()),
        ("number out of f64 range", b"{\"TCP_PORT\": 1e400}".to_vec()),
        ("negative zero and fractions", b"{\"LIMIT_BORROWS\": [{\"HOURS\": -0.0}, {\"COUNT\": 2.5}]}".to_vec()),
        ("NaN and Infinity", b"{\"A\": NaN, \"B\": Infinity, \"C\": -Infinity}".to_vec()),
        ("lone surrogate escape", b"{\"A\": \"\\ud800\"}".to_vec()),
        ("bad unicode escape", b"{\"A\": \"\\u12G4\"}".to_vec()),
        ("backslash at end", b"{\"A\": \"\\".to_vec()),
        ("unclosed comment", b"{ /* never closed".to_vec()),
        ("top-level string", b"\"ServerConfig\"".to_vec()),
        ("top-level number", b"42".to_vec()),
        ("two top-level objects", b"{}{}".to_vec()),
        ("garbage", b"@#$%^&*()".to_vec()),
        ("rules of every wrong type", b"{\"ALLOW_CHECKOUTS\": [1, null, true, [], \"x\", {\"USERS\": 5, \"FEATURES\": [\"A\"], \"SERIALNUMBERS\": {}}]}".to_vec()),
        ("groups that are not objects", b"{\"GROUPS\": [\"A\", 1, {\"NAME\": 2, \"MEMBERS\": null}]}".to_vec()),
        ("IP-like entries", b"{\"DENY_CHECKOUTS\": [{\"USERS\": \"1.2.3.4-;-;.;...;1..2.3;*.*.*.*;::;:::;1.2.3.4/99;999.999.999.999-1\"}]}".to_vec()),
    ];
    // Truncations of the example at many points.
    let bytes = example.as_bytes();
    for cut in [
        1,
        2,
        17,
        100,
        333,
        777,
        1234,
        bytes.len() / 2,
        bytes.len() - 3,
        bytes.len() - 2,
    ] {
        if cut < bytes.len() {
            v.push(("truncated example", bytes[..cut].to_vec()));
        }
    }
    v
}

#[test]
fn malformed_inputs_give_diagnostics_or_clean_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let all = inputs();
    assert!(all.len() >= 25, "{} inputs", all.len());
    for (i, (name, bytes)) in all.iter().enumerate() {
        let path = dir.path().join(format!("case{i}.json"));
        std::fs::write(&path, bytes).expect("write");
        match Document::open(&path) {
            Ok(doc) => {
                let errors = doc
                    .diagnostics()
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                assert!(errors > 0, "{name}: no error reported");
                for d in doc.diagnostics() {
                    assert!(
                        d.span.end <= doc.text().len(),
                        "{name}: span out of the text"
                    );
                    assert!(
                        doc.text().is_char_boundary(d.span.start),
                        "{name}: span not on a char boundary"
                    );
                    let (line, col) = doc.line_col(d.span.start);
                    assert!(line >= 1 && col >= 1);
                    assert!(!d.message.is_empty());
                }
            }
            Err(LoadError::Encoding {
                line,
                column,
                message,
                ..
            }) => {
                assert!(line >= 1 && column >= 1, "{name}");
                assert!(message.contains("UTF"), "{name}: {message}");
            }
            Err(e) => panic!("{name}: unexpected error {e}"),
        }
        assert_eq!(
            &std::fs::read(&path).expect("read back"),
            bytes,
            "{name}: file changed"
        );
    }
}

#[test]
fn a_folder_and_a_missing_file_are_clean_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = Document::open(dir.path()).expect_err("a folder is refused");
    assert!(e.to_string().contains("folder"), "{e}");
    let e = Document::open(dir.path().join("missing.json")).expect_err("missing is refused");
    assert!(e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn a_million_entries_in_one_users_string() {
    let users: Vec<String> = (0..1_000_000).map(|i| format!("u{i}")).collect();
    let text = format!(
        "{{\"DENY_CHECKOUTS\": [{{\"USERS\": \"{}\"}}]}}",
        users.join(";")
    );
    let doc = Document::from_text(text);
    let rule = &doc.config().rules(privy::spec::RuleKind::DenyCheckouts)[0];
    assert_eq!(rule.users.as_deref().map(|u| u.len()), Some(1_000_000));
}

#[test]
fn a_50_mb_string_loads_as_one_entry() {
    // Odd but valid: the whole value is one (very long) user name.
    let mut s = b"{\"DENY_CHECKOUTS\": [{\"USERS\": \"".to_vec();
    s.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    s.extend_from_slice(b"\"}]}");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.json");
    std::fs::write(&path, &s).expect("write");
    let doc = Document::open(&path).expect("loads");
    assert!(doc.is_json());
    let rule = &doc.config().rules(privy::spec::RuleKind::DenyCheckouts)[0];
    let users = rule.users.as_deref().expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users.get(0).map(|e| e.text.len()), Some(50 * 1024 * 1024));
}
