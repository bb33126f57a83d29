//! The second hardening round (`docs/reliability.md`): every file-like
//! input through one guarded reader, no secret and no terminal control in
//! any output, a closed or full standard output, bounded work.
#![cfg(unix)]

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};

use privy::cli::output::Report;
use privy::cli::{CheckFormat, check, explain};
use privy::engine::{Action, Request};
use proptest::prelude::*;

use crate::adversarial::{bounded, text};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples/ServerConfig.json")
        .display()
        .to_string()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.display().to_string()).expect("path");
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// `--pool` of check and explain and the CASES of test: a folder, a
/// device, a FIFO and a 2 GB sparse file are refused (before the guard a
/// FIFO hung and /dev/zero grew without end).
#[test]
fn every_file_like_input_goes_through_the_guarded_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pool.fifo");
    mkfifo(&fifo);
    let sparse = dir.path().join("sparse.json");
    std::fs::File::create(&sparse)
        .and_then(|f| f.set_len(2 << 30))
        .expect("sparse file");
    let folder = dir.path().display().to_string();
    let ex = example();
    for (input, says) in [
        ("/dev/zero", "not a regular file"),
        (fifo.to_str().unwrap_or_default(), "not a regular file"),
        (folder.as_str(), "folder"),
        (sparse.to_str().unwrap_or_default(), "MB or more"),
    ] {
        for args in [
            vec!["check", &ex, "--pool", input],
            vec!["explain", &ex, "--feature", "KAS", "--pool", input],
            vec!["test", &ex, input],
        ] {
            let out = bounded(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
            assert!(text(&out).contains(says), "{args:?}: {}", text(&out));
        }
    }
}

#[test]
fn a_pool_or_cases_that_is_not_an_object_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ex = example();
    for body in ["[]", "[\"user\"]", " 7", ""] {
        let p = write(dir.path(), "p.json", body.as_bytes());
        for args in [
            vec!["check", &ex, "--pool", &p],
            vec!["explain", &ex, "--feature", "KAS", "--pool", &p],
            vec!["test", &ex, &p],
        ] {
            let out = bounded(&args);
            assert_eq!(out.status.code(), Some(2), "{body}: {args:?}");
            assert!(
                text(&out).contains("must be a JSON object"),
                "{body}: {}",
                text(&out)
            );
        }
    }
}

#[test]
fn standard_input_is_read_with_the_same_bound() {
    let run = |stdin: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_privy"))
            .args(["check", "-", "--format", "json"])
            .stdin(stdin)
            .output()
            .expect("run")
    };
    let out = run(Stdio::from(
        std::fs::File::open(example()).expect("example"),
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"diagnostics\""));
    // An endless standard input stops at the bound.
    let out = run(Stdio::from(
        std::fs::File::open("/dev/zero").expect("/dev/zero"),
    ));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard input") && err.contains("MB or more"),
        "{err}"
    );
}

// ---- secrets -------------------------------------------------------------

/// Everything a report prints.
fn all(r: &Report) -> String {
    format!("{}{}", r.stdout, r.stderr)
}

fn outputs(file: &Path) -> Vec<(String, Report)> {
    let mut out = Vec::new();
    for (name, f) in [
        ("check text", CheckFormat::Text),
        ("check json", CheckFormat::Json),
        ("check sarif", CheckFormat::Sarif),
    ] {
        out.push((name.to_string(), check::report(file, f, None)));
    }
    for json in [false, true] {
        for (user, feature) in [("ext.jim", "F1"), ("anna", "EXPORT_ALL")] {
            let req = Request {
                principal: privy::request::Principal {
                    user: Some(user.into()),
                    host: Some("PC1".into()),
                    ip: None,
                    local_groups: vec![],
                },
                feature: feature.into(),
                action: Action::Checkout,
                serial: None,
                hours: None,
            };
            out.push((
                format!("explain json={json} {user}"),
                explain::explain_report(
                    file,
                    req,
                    None,
                    explain::ExplainOptions {
                        json,
                        ..Default::default()
                    },
                ),
            ));
        }
    }
    out
}

fn password_key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "ADMIN_PASSWORD",
        "MAIN_PASSWORD",
        "ADMIN_PASWORD",
        "admin_password",
        "ADMIN_PASSWORD ",
        "Main-Password",
        "MAIN_PASSWRD",
    ])
    .prop_map(str::to_string)
}

/// A small rule file with `secret` under `key` among its members, on one
/// line or many.
fn file_with(key: &str, secret: &str, at: usize, one_line: bool) -> String {
    let mut members = vec![
        r#""TCP_PORT": 7000"#.to_string(),
        r#""DENY_CHECKOUTS": [{"USERS": "ext.*;4.3.2.50-10", "FEATURES": "F1"}]"#.to_string(),
        r#""ALLOW_CHECKOUTS": [{"USERS": "anna;Team", "FEATURES": "EXPORT_ALL"}]"#.to_string(),
        r#""GROUPS": [{"NAME": "Team", "MEMBERS": "bob;PC*"}]"#.to_string(),
        r#""LIMIT_BORROWS": [{"HOURS": 0}]"#.to_string(),
    ];
    let at = at % (members.len() + 1);
    members.insert(at, format!("\"{key}\": \"{secret}\""));
    if one_line {
        format!("{{{}}}", members.join(", "))
    } else {
        format!("{{\n  {}\n}}\n", members.join(",\n  "))
    }
}

#[derive(Debug, Clone)]
enum Break {
    None,
    Delete(usize),
    Insert(usize, char),
    Truncate(usize),
}

fn breaks() -> impl Strategy<Value = Break> {
    prop_oneof![
        Just(Break::None),
        any::<usize>().prop_map(Break::Delete),
        (
            any::<usize>(),
            prop::sample::select(vec!['"', '{', '}', '[', ']', ':', ',', '\n'])
        )
            .prop_map(|(i, c)| Break::Insert(i, c)),
        any::<usize>().prop_map(Break::Truncate),
    ]
}

fn broken(text: &str, b: &Break) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut chars = chars;
    match *b {
        Break::None => {}
        Break::Delete(i) => {
            chars.remove(i % chars.len());
        }
        Break::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
        Break::Truncate(i) => chars.truncate(i % chars.len()),
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Random files with a random secret under a password-like key, broken
    /// at a random place: no format of check or explain prints the secret.
    #[test]
    fn secrets_never_reach_any_output(
        key in password_key(),
        secret in "[A-Za-z0-9!#%&*+=?@^_~-]{8,16}",
        at in any::<usize>(),
        one_line in any::<bool>(),
        b in breaks(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = broken(&file_with(&key, &secret, at, one_line), &b);
        let p = dir.path().join("c.json");
        std::fs::write(&p, &text).expect("write");
        for (name, r) in outputs(&p) {
            let printed = all(&r);
            prop_assert!(!printed.contains(&secret), "{name} shows the secret of\n{text}\n---\n{printed}");
        }
    }
}

/// The examples of the issue, each of which printed the value before.
#[test]
fn the_reported_leaks_are_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (text, secret) in [
        // explain's deciding-rule snippet on a one-line file
        (
            r#"{"ADMIN_PASSWORD": "hunter2-Secret", "DENY_CHECKOUTS": [{"USERS": "ext.*", "FEATURES": "F1"}]}"#,
            "hunter2-Secret",
        ),
        // broken around the password
        (
            r#"{"ADMIN_PASSWORD": "hunter2-Secret" "TCP_PORT": 1}"#,
            "hunter2-Secret",
        ),
        (
            r#"{"ADMIN_PASSWORD" "hunter2-Secret", "TCP_PORT": 1}"#,
            "hunter2-Secret",
        ),
        (
            r#"{"ADMIN_PASSWORD: "hunter2-Secret", "TCP_PORT": 1}"#,
            "hunter2-Secret",
        ),
        // misspelt and miscased keys
        (r#"{"ADMIN_PASWORD": "hunter2-Secret"}"#, "hunter2-Secret"),
        (r#"{"admin_password": "hunter2-Secret"}"#, "hunter2-Secret"),
        (r#"{"ADMIN_PASSWORD ": "hunter2-Secret"}"#, "hunter2-Secret"),
    ] {
        let p = dir.path().join("c.json");
        std::fs::write(&p, text).expect("write");
        for (name, r) in outputs(&p) {
            assert!(!all(&r).contains(secret), "{name} of {text}:\n{}", all(&r));
        }
    }
}

// ---- escapes -------------------------------------------------------------

const HOSTILE: [&str; 5] = [
    "\u{1b}[2J",
    "\u{7}",
    "\r",
    "\u{1b}]8;;https://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\",
    "\u{202e}",
];

fn dangerous(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// A valid JSON file puts control and bidi characters into messages,
/// pointers, trace lines, case names and error messages: none reaches the
/// output raw, and JSON output keeps the same values.
#[test]
fn file_text_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    for h in HOSTILE {
        let e = serde_json::to_string(h).unwrap_or_default();
        let e = e.trim_matches('"');
        let cfg = format!(
            r#"{{"UNKNOWN{e}KEY": 1, "DENY_CHECKOUTS": [{{"USERS": "ext.*;bad{e}entry;Grp{e}", "FEATURES": "F{e}1"}}],
              "GROUPS": [{{"NAME": "Grp{e}", "MEMBERS": "x{e}y"}}]}}"#
        );
        let f = write(dir.path(), "c.json", cfg.as_bytes());
        let cases = format!(
            r#"{{"cases": [{{"name": "case{e}name", "request": {{"user": "ext.jim", "feature": "F{e}1"}}, "expect": "granted"}}]}}"#
        );
        let c = write(dir.path(), "cases.json", cases.as_bytes());
        let pool = format!(r#"{{"licenses": [], "sessions": [{{"feature": "F{e}1"}}]}}"#);
        let p = write(dir.path(), "pool.json", pool.as_bytes());
        let feature = format!("F{h}1");
        let runs: Vec<Vec<&str>> = vec![
            vec!["check", &f],
            vec!["check", &f, "--format", "json"],
            vec!["check", &f, "--format", "sarif"],
            vec!["explain", &f, "--feature", &feature, "--user", "ext.jim"],
            vec![
                "explain",
                &f,
                "--feature",
                &feature,
                "--user",
                "ext.jim",
                "--format",
                "json",
            ],
            vec!["test", &f, &c],
            vec!["check", &f, "--pool", &p],
        ];
        for args in runs {
            let out = bounded(&args);
            let all = text(&out);
            assert!(
                dangerous(&all).is_none(),
                "{args:?} printed {:?} raw:\n{all:?}",
                dangerous(&all)
            );
            if args.contains(&"json") || args.contains(&"sarif") {
                let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&out.stdout);
                assert!(parsed.is_ok(), "{args:?}: the JSON output still parses");
            }
        }
        // The JSON output carries the very strings of the file.
        let out = bounded(&["check", &f, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let messages: String = v["diagnostics"]
            .as_array()
            .map(|d| {
                d.iter()
                    .map(|d| d["message"].as_str().unwrap_or(""))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            messages.contains(h),
            "{h:?} kept exactly in JSON: {messages:?}"
        );
    }
}

// ---- standard output -----------------------------------------------------

/// `privy check big.json | head -1`: the reader goes away; privy ends with
/// the status the check has (1: errors), no panic.
#[test]
fn a_closed_pipe_ends_quietly_with_the_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let groups: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"NAME": "G{i}", "MEMBERS": "4.3.2.9-1"}}"#))
        .collect();
    let f = write(
        dir.path(),
        "big.json",
        format!("{{\"GROUPS\": [\n{}\n]}}", groups.join(",\n")).as_bytes(),
    );
    for format in ["text", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_privy"))
            .args(["check", &f, "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut first = [0u8; 16];
        let mut stdout = child.stdout.take().expect("stdout");
        let _ = stdout.read(&mut first);
        drop(stdout);
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {err}");
        assert!(err.is_empty(), "{format}: {err}");
    }
}

#[test]
fn a_full_disk_is_an_error_and_exit_2() {
    let ex = example();
    for args in [
        vec!["explain", &ex, "--feature", "KAS", "--user", "erik"],
        vec!["check", &ex, "--format", "json"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_privy"))
            .args(&args)
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .expect("/dev/full"),
            )
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write the output"), "{err}");
        assert!(!err.contains("internal error"), "{err}");
    }
}

// ---- usage ---------------------------------------------------------------

#[test]
fn an_unknown_subcommand_is_bad_usage_with_did_you_mean() {
    let out = bounded(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out);
    assert!(
        err.contains("unrecognized subcommand 'frobnicate'"),
        "{err}"
    );
    assert!(!err.contains("winit") && !err.contains("window"), "{err}");
    let out = bounded(&["chek"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("similar subcommand exists: 'check'"),
        "{}",
        text(&out)
    );
    let out = bounded(&["no/such/ServerConfig.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no such file"), "{}", text(&out));
}

#[test]
fn utf32_is_called_utf32() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = vec![0xFF, 0xFE, 0, 0];
    for c in "{}".chars() {
        bytes.extend((c as u32).to_le_bytes());
    }
    let f = write(dir.path(), "c.json", &bytes);
    let out = bounded(&["check", &f]);
    assert!(text(&out).contains("UTF-32"), "{}", text(&out));
    assert!(!text(&out).contains("UTF-16"), "{}", text(&out));
}

proptest::proptest! {
    /// #30.10: an edit of the text with the passwords hidden is the same
    /// edit of the file: a password the edit does not fall on stays as it
    /// was (no star is written back), and the rest is what was typed.
    #[test]
    fn an_edit_with_passwords_hidden_keeps_them(
        password in "[a-zé€0-9]{3,12}",
        at in 0usize..400,
        cut in 0usize..4,
        typed in "[A-Za-z0-9 ,:\n]{0,6}",
    ) {
        let real = format!(
            "{{\n  \"ADMIN_PASSWORD\": \"{password}\",\n  \"TCP_PORT\": 6200,\n  \"DENY_CHECKOUTS\": [ {{ \"FEATURES\": \"CAD\", \"USERS\": \"bob\" }} ]\n}}\n"
        );
        let doc = privy::document::Document::from_text(real.clone());
        let shown = doc.secrets().mask_text(&real);
        proptest::prop_assert!(!shown.contains(&password));
        // An edit of the shown text somewhere (by characters).
        let chars: Vec<char> = shown.chars().collect();
        let at = at % (chars.len() + 1);
        let end = (at + cut).min(chars.len());
        let mut edited: String = chars[..at].iter().collect();
        edited.push_str(&typed);
        edited.extend(&chars[end..]);
        let edit = privy::secrets::unmasked_edit(&real, &shown, &edited).expect("one char for each");
        let mut after = real.clone();
        after.replace_range(edit.span.start..edit.span.end, &edit.replacement);
        // Where the value is, in characters.
        let v0 = real[..real.find(&password).expect("value")].chars().count();
        let v1 = v0 + password.chars().count();
        let touches = at <= v1 && end >= v0;
        if !touches {
            // The same edit of the file's text, by characters.
            let real_chars: Vec<char> = real.chars().collect();
            let mut expected: String = real_chars[..at].iter().collect();
            expected.push_str(&typed);
            expected.extend(&real_chars[end..]);
            proptest::prop_assert_eq!(&after, &expected);
            proptest::prop_assert!(after.contains(&password), "{:?} -> {:?}", real, after);
            proptest::prop_assert!(!after.contains('*'), "a star written back: {:?}", after);
        }
    }
}
