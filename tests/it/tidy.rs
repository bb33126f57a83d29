//! Tidy (analysis.md 6.6) against brute force on random small files:
//! - nothing decides differently after tidying, for random principals
//!   (names, IPs and local groups the file does not mention too), every
//!   feature, action and license, with and without random pools;
//! - tidying a tidied file proposes nothing;
//! - each edit takes out exactly what it says (an entry's text, a whole
//!   rule or group), and the tidied file reads without new problems.
//!
//! And through the CLI: the contract's JSON, `--write` with its `.bak`,
//! exit codes, and the subtle cases (an entry covered only through a
//! nested group; two rules each redundant with the other).

use privy::analysis::tidy::{Proof, Removal, TidyOptions, tidy};
use privy::document::Document;
use privy::engine::matcher::Scratch;
use privy::engine::pool::{Pool, PoolIndex};
use privy::engine::{Action, Engine, PoolView};
use privy::request::Principal;
use proptest::prelude::*;
use serde_json::Value;

use super::analysis::{file, key, pool, principals, text};
use super::common::{privy, write};

const TIME: std::time::Duration = std::time::Duration::from_secs(20);

fn check(
    cfg_text: &str,
    pool_text: Option<&str>,
    people: &[Principal],
) -> Result<(), TestCaseError> {
    let doc = Document::from_text(cfg_text);
    let t = tidy(
        doc.text(),
        doc.parsed(),
        doc.config(),
        TidyOptions::default(),
        TIME,
    );
    prop_assert!(
        matches!(t.proof, Proof::Holds { .. } | Proof::Nothing),
        "{:?}",
        t.proof
    );
    prop_assert!(!t.rules_left_out, "the rule removals failed their proof");
    if t.edits.is_empty() {
        return Ok(());
    }
    let tidied_text = t.apply(doc.text());
    let tidied = Document::from_text(tidied_text.clone());
    // Each edit takes out what it says.
    for e in &t.edits {
        let cut = &doc.text()[e.span.start..e.span.end];
        match &e.removal {
            Removal::DuplicateEntry { entry, .. } | Removal::CoveredEntry { entry, .. } => {
                prop_assert!(
                    cut.contains(entry.as_str()),
                    "{:?} cuts {:?}",
                    e.removal,
                    cut
                );
                prop_assert!(!cut.contains('"'), "{:?} cuts {:?}", e.removal, cut);
            }
            _ => {
                let place = &doc.text()[e.place.start..e.place.end];
                prop_assert!(
                    place.starts_with('{') && place.ends_with('}'),
                    "{:?}",
                    place
                );
                prop_assert!(cut.contains(place));
            }
        }
    }
    prop_assert!(tidied.parsed().errors.is_empty(), "{}", tidied_text);
    prop_assert!(tidied.error_count() <= doc.error_count(), "{}", tidied_text);
    // Brute force: every principal decides the same, with the pool too.
    let pool: Option<PoolIndex> =
        pool_text.map(|p| Pool::from_json(p).and_then(Pool::index).expect("pool"));
    let (a, b) = (Engine::new(doc.config()), Engine::new(tidied.config()));
    let va = pool.as_ref().map(|p| PoolView::new(&a, p));
    let vb = pool.as_ref().map(|p| PoolView::new(&b, p));
    let mut s = Scratch::default();
    for p in people {
        for feature in ["A", "B", "C"] {
            for action in [Action::Checkout, Action::Borrow] {
                for serial in [None, Some("S1"), Some("S2")] {
                    let mut req = p.request(feature, action);
                    req.serial = serial.map(String::from);
                    let da = a.decide_quiet(&req, va.as_ref(), &mut s);
                    let db = b.decide_quiet(&req, vb.as_ref(), &mut s);
                    prop_assert_eq!(
                        key(&da),
                        key(&db),
                        "{:?}\n{}\n=>\n{}",
                        req,
                        cfg_text,
                        tidied_text
                    );
                }
            }
        }
    }
    // One pass is complete.
    let again = tidy(
        tidied.text(),
        tidied.parsed(),
        tidied.config(),
        TidyOptions::default(),
        TIME,
    );
    prop_assert!(
        again.edits.is_empty(),
        "a second pass proposes {:?}\n{}",
        again.edits.iter().map(|e| &e.removal).collect::<Vec<_>>(),
        tidied_text
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var("CI").is_ok() { 48 } else { ProptestConfig::default().cases },
        ..ProptestConfig::default()
    })]

    #[test]
    fn tidying_changes_no_decision_and_is_complete_in_one_pass(
        f in file(), pool in pool(), people in principals()
    ) {
        check(&text(&f), pool.as_deref(), &people)?;
    }
}

fn json_of(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The subtle cruft: `fred` is covered only through a group nested in a
/// group of the same list; rules 1 and 2 each do what the other does, and
/// only one of them may go; a COUNT limit stays unless an identical one
/// stays beside it.
#[test]
fn tidy_removes_subtle_cruft_and_keeps_one_of_two_twins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "s.json",
        br#"{
  "DENY_CHECKOUTS": [
    { "FEATURES": "CAD", "USERS": "zed" },
    { "FEATURES": "CAD", "USERS": "zed" }
  ],
  "ALLOW_CHECKOUTS": [
    { "FEATURES": "CAD", "USERS": "Outer; fred; anna" }
  ],
  "LIMIT_CHECKOUTS": [
    { "FEATURES": "CAD", "USERS": "anna", "COUNT": 1 },
    { "FEATURES": "CAD", "USERS": "nobody_at_all", "COUNT": 1 },
    { "FEATURES": "CAD", "USERS": "anna", "COUNT": 1 }
  ],
  "GROUPS": [
    { "NAME": "Outer", "MEMBERS": "Inner" },
    { "NAME": "Inner", "MEMBERS": "fred; erik" }
  ]
}
"#,
    );
    let (code, out, err) = privy(&["tidy", &f, "--format", "json"]);
    assert_eq!(code, 1, "{out} {err}");
    let v = json_of(&out);
    assert_eq!(v["exhaustive"], true);
    assert!(v["classes"].as_u64().unwrap_or(0) > 0);
    let edits = v["edits"].as_array().expect("edits");
    let kinds: Vec<&str> = edits.iter().filter_map(|e| e["kind"].as_str()).collect();
    let said: Vec<&str> = edits
        .iter()
        .filter_map(|e| e["description"].as_str())
        .collect();
    assert!(
        said.iter()
            .any(|d| d.starts_with("`fred` in Allow checkouts rule 1 USERS")
                && d.contains("`Outer`")),
        "{said:?}"
    );
    // One twin goes, not both.
    let twins = said
        .iter()
        .filter(|d| d.starts_with("Deny checkouts rule"))
        .count();
    assert_eq!(twins, 1, "{said:?}");
    // The identical COUNT limit goes; the one that covers nobody stays.
    assert!(
        said.iter().any(|d| d.starts_with("Limit checkouts rule 3")),
        "{said:?}"
    );
    assert!(
        !said.iter().any(|d| d.starts_with("Limit checkouts rule 2")),
        "{said:?}"
    );
    assert_eq!(kinds.len(), 3, "{said:?}");
    for e in edits {
        let edit = &e["edit"];
        for k in ["line", "column", "end_line", "end_column"] {
            assert!(edit[k].as_u64().is_some_and(|n| n >= 1), "{e}");
        }
        assert_eq!(edit["replacement"], "");
    }
    // The file is untouched without --write.
    let before = std::fs::read(&f).expect("read");
    let (code, out, _) = privy(&["tidy", &f, "--write"]);
    assert_eq!(code, 0, "{out}");
    let after = std::fs::read_to_string(&f).expect("read");
    assert_ne!(before, after.as_bytes());
    assert_eq!(std::fs::read(format!("{f}.bak")).expect("bak"), before);
    assert!(after.contains("\"USERS\": \"Outer; anna\""), "{after}");
    // Tidied: nothing more, and access unchanged.
    let (code, out, _) = privy(&["tidy", &f]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nothing to tidy"), "{out}");
    let bak = format!("{f}.bak");
    let (code, out, _) = privy(&["diff", &bak, &f]);
    assert_eq!(code, 0, "{out}");
}

/// Formatting stays byte for byte: a BOM, CRLF line endings, odd spacing,
/// unknown keys and key order are kept; only the duplicate goes.
#[test]
fn tidy_keeps_every_other_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = "\u{feff}{\r\n  \"X_UNKNOWN\" : [1,2],\r\n  \"ALLOW_CHECKOUTS\":[ {\"USERS\":\"anna ;  bob;anna\",   \"FEATURES\":\"KAS\"} ]\r\n}\r\n";
    let f = write(dir.path(), "b.json", original.as_bytes());
    let (code, out, _) = privy(&["tidy", &f, "--write"]);
    assert_eq!(code, 0, "{out}");
    let after = std::fs::read_to_string(&f).expect("read");
    assert_eq!(
        after,
        "\u{feff}{\r\n  \"X_UNKNOWN\" : [1,2],\r\n  \"ALLOW_CHECKOUTS\":[ {\"USERS\":\"anna ;  bob\",   \"FEATURES\":\"KAS\"} ]\r\n}\r\n"
    );
}

/// Empty presets stay unless asked; a file with syntax errors is refused
/// (exit 2, where), nothing written.
#[test]
fn tidy_presets_and_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "p.json",
        br#"{ "ALLOW_BORROWS": [ { "FEATURES": "", "USERS": "" } ], "ALLOW_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "anna" } ] }"#,
    );
    let (code, out, _) = privy(&["tidy", &f]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = privy(&["tidy", &f, "--drop-presets", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v = json_of(&out);
    assert_eq!(v["edits"][0]["kind"], "empty-preset");
    let bad = write(
        dir.path(),
        "bad.json",
        b"{ \"ALLOW_CHECKOUTS\": [ { \"USERS\": \"anna\" ",
    );
    let before = std::fs::read(&bad).expect("read");
    let (code, _, err) = privy(&["tidy", &bad, "--write"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.json:1:"), "{err}");
    assert_eq!(std::fs::read(&bad).expect("read"), before);
}
