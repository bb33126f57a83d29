//! What a test suite covers (analysis.md 6.5): `privy test --coverage`.

use privy::document::Document;
use privy::engine::{Engine, Verdict};
use privy::request::Principal;
use proptest::prelude::*;
use serde_json::Value;

use super::analysis::principals;
use super::common::{privy, write};

const RULES: &str = r#"{
  "DENY_CHECKOUTS": [
    { "FEATURES": "CAD", "USERS": "10.0.0.*; mallory" }
  ],
  "ALLOW_CHECKOUTS": [
    { "FEATURES": "CAD", "USERS": "Designers; PC*" },
    { "FEATURES": "KAS", "USERS": "kim" }
  ],
  "LIMIT_CHECKOUTS": [
    { "FEATURES": "CAD", "USERS": "*", "EXCEPT_USERS": "boss", "COUNT": 2 }
  ],
  "ALLOW_BORROWS": [ { "FEATURES": "", "USERS": "" } ],
  "GROUPS": [
    { "NAME": "Designers", "MEMBERS": "anna; ben; &CAD" },
    { "NAME": "Old", "MEMBERS": "ghost" }
  ]
}
"#;

const CASES: &str = r#"{ "cases": [
  { "name": "anna designs", "request": { "user": "anna", "feature": "CAD" }, "expect": "granted" },
  { "name": "mallory is kept out", "request": { "user": "mallory", "feature": "CAD" }, "expect": "denied" },
  { "name": "wrong on purpose", "request": { "user": "zed", "feature": "CAD" }, "expect": "granted" }
] }
"#;

#[test]
fn coverage_lists_the_rules_and_entries_no_case_reaches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "r.json", RULES.as_bytes());
    let c = write(dir.path(), "c.json", CASES.as_bytes());
    let (code, out, err) = privy(&["test", &f, &c, "--coverage"]);
    assert_eq!(code, 1, "{out} {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.last(), Some(&"2 passed, 1 failed"), "{out}");
    assert!(
        out.contains("FAIL wrong on purpose: expected granted, got denied"),
        "{out}"
    );
    // KAS has no case; the limit covers anna (not excepted).
    assert!(
        out.contains("rule not reached: Allow checkouts rule 2 (/ALLOW_CHECKOUTS/1)"),
        "{out}"
    );
    assert!(
        !out.contains("rule not reached: Limit checkouts rule 1"),
        "{out}"
    );
    assert!(
        !out.contains("rule not reached: Deny checkouts rule 1"),
        "{out}"
    );
    // The empty preset is not a rule to reach.
    assert!(!out.contains("Allow borrows"), "{out}");
    for entry in [
        "`10.0.0.*`",
        "`PC*`",
        "`ben`",
        "`&CAD`",
        "`ghost`",
        "`kim`",
        "`boss`",
    ] {
        assert!(
            out.contains(&format!("entry not reached: {entry}")),
            "{entry}: {out}"
        );
    }
    for entry in ["`mallory`", "`anna`", "`Designers`", "`*`"] {
        assert!(
            !out.contains(&format!("entry not reached: {entry}")),
            "{entry}: {out}"
        );
    }
    // In file order: the deny rule's entries before the groups'.
    let at = |s: &str| out.find(s).unwrap_or(usize::MAX);
    assert!(
        at("`10.0.0.*`") < at("`PC*`") && at("`PC*`") < at("`ben`") && at("`ben`") < at("`ghost`"),
        "{out}"
    );

    let (code, out, _) = privy(&["test", &f, &c, "--coverage", "--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["passed"], 2);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["results"][2]["name"], "wrong on purpose");
    assert_eq!(v["results"][2]["passed"], false);
    let cov = &v["coverage"];
    assert_eq!(
        cov["uncovered_rules"],
        serde_json::json!(["/ALLOW_CHECKOUTS/1"])
    );
    let deny = cov["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["rule"] == "/DENY_CHECKOUTS/0")
        .expect("deny rule");
    assert_eq!(deny["cases"], serde_json::json!(["mallory is kept out"]));
    assert!(
        cov["uncovered_entries"]
            .as_array()
            .expect("entries")
            .contains(&serde_json::json!({"pointer": "/GROUPS/1/MEMBERS", "entry": "ghost"}))
    );
    // Without --coverage: no coverage lines, no key.
    let (_, out, _) = privy(&["test", &f, &c]);
    assert!(!out.contains("coverage"), "{out}");
    let (_, out, _) = privy(&["test", &f, &c, "--format", "json"]);
    assert!(
        serde_json::from_str::<Value>(&out)
            .expect("json")
            .get("coverage")
            .is_none()
    );
}

const ENTRIES: [&str; 12] = [
    "*",
    "anna",
    "PC*",
    "*cad",
    "ws*cad",
    "10.0.0.1",
    "10.0.0.*",
    "10.0.0.5-9",
    "::1",
    "::ffff:10.0.0.7",
    "&Staff",
    "&cad",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var("CI").is_ok() { 24 } else { 64 },
        ..ProptestConfig::default()
    })]

    /// An entry is reached exactly when the engine matches the principal
    /// with that entry alone.
    #[test]
    fn an_entry_is_reached_as_the_engine_matches_it(people in principals()) {
        for entry in ENTRIES {
            let doc = Document::from_text(format!(
                r#"{{ "ALLOW_CHECKOUTS": [ {{ "FEATURES": "Z", "USERS": {entry:?} }} ] }}"#
            ));
            let engine = Engine::new(doc.config());
            let list = doc.config().all_rules().next().and_then(|r| r.users.as_deref()).expect("users");
            let e = list.get(0).expect("entry");
            for p in &people {
                let req = p.request("Z", privy::engine::Action::Checkout);
                let granted = engine.decide(&req, None).decision == Verdict::Granted;
                let folded = Principal::folded(p);
                prop_assert_eq!(
                    privy::analysis::coverage::entry_matches(&e, &folded),
                    granted,
                    "{} {:?}",
                    entry,
                    p
                );
            }
        }
    }
}
