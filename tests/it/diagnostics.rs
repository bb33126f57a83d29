//! Every diagnostic code, each with a small file and the exact line:column it
//! is reported at; and every example in docs/diagnostics.md produces its code.

use privy::diag::{Code, Severity};
use privy::document::Document;

/// What `privy check` reports: the document's diagnostics and the findings
/// over every principal.
fn all(doc: &Document) -> Vec<privy::diag::Diagnostic> {
    let mut v = doc.diagnostics().to_vec();
    let findings = privy::analysis::effect::of_document(doc.parsed(), doc.config());
    let found = privy::words::findings::beside(doc.config(), &findings, &v);
    v.extend(found);
    v
}

/// (code, file text, line, column) — the first diagnostic with that code must
/// be at that position.
const CASES: &[(&str, &str, usize, usize)] = &[
    (
        "no-effect",
        "{ \"DENY_CHECKOUTS\": [\n  { \"USERS\": \"bob\" },\n  { \"USERS\": \"bob\" } ] }",
        3,
        3,
    ),
    (
        "overridden-in-part",
        "{ \"ALLOW_CHECKOUTS\": [\n  { \"USERS\": \"bob;ann\" } ],\n  \"DENY_CHECKOUTS\": [ { \"USERS\": \"bob\" } ] }",
        2,
        3,
    ),
    (
        "denies-everyone-else",
        "{ \"ALLOW_CHECKOUTS\": [\n  { \"FEATURES\": \"CAD\", \"USERS\": \"ann\" } ],\n  \"DENY_CHECKOUTS\": [ { \"FEATURES\": \"X\", \"USERS\": \"bob\" } ] }",
        2,
        3,
    ),
    ("empty-file", "\n  \n", 1, 1),
    (
        "trailing-comma",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"bob\" },\n  ]\n}",
        3,
        23,
    ),
    (
        "comment",
        "{\n  \"TCP_PORT\": 6200, // default\n  \"HTTP_PORT\": 0\n}",
        2,
        21,
    ),
    ("unquoted-key", "{\n    TCP_PORT: 6200\n}", 2, 5),
    ("single-quotes", "{\n  \"LOG_PATH\": './Logs'\n}", 2, 15),
    (
        "missing-comma",
        "{\n  \"TCP_PORT\": 6200\n  \"HTTP_PORT\": 0\n}",
        2,
        19,
    ),
    ("missing-colon", "{\n  \"TCP_PORT\" 6200\n}", 2, 13),
    (
        "unterminated-string",
        "{\n  \"LOG_PATH\": \"./Logs\n}",
        2,
        15,
    ),
    (
        "invalid-escape",
        "{\n  \"LOG_PATH\": \"C:\\Logs\"\n}",
        2,
        18,
    ),
    ("control-character", "{\n  \"LOG_PATH\": \"a\tb\"\n}", 2, 17),
    ("invalid-number", "{\n  \"TCP_PORT\": 06200\n}", 2, 15),
    ("unexpected-end", "{\n  \"DENY_CHECKOUTS\": [\n", 3, 1),
    ("unexpected-token", "{\n  \"HTTP_PORT\": off\n}", 2, 16),
    (
        "too-deep",
        "{\"A\":\n[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        2,
        128,
    ),
    ("trailing-content", "{\n  \"TCP_PORT\": 6200\n}\n}", 4, 1),
    ("not-an-object", "\n[ { \"USERS\": \"bob\" } ]", 2, 1),
    (
        "list-not-array",
        "{\n  \"DENY_CHECKOUTS\": { \"USERS\": \"bob\" }\n}",
        2,
        21,
    ),
    (
        "rule-not-object",
        "{\n  \"DENY_CHECKOUTS\": [\n    \"bob\"\n  ]\n}",
        3,
        5,
    ),
    (
        "wrong-type",
        "{\n  \"LIMIT_CHECKOUTS\": [\n    { \"USERS\": \"CAD\", \"COUNT\": \"3\" }\n  ]\n}",
        3,
        32,
    ),
    (
        "not-positive",
        "{\n  \"LIMIT_BORROWS\": [\n    { \"HOURS\": -2 }\n  ]\n}",
        3,
        16,
    ),
    ("out-of-range", "{\n  \"TCP_PORT\": 70000\n}", 2, 15),
    (
        "invalid-choice",
        "{\n  \"LOG_FORMAT\": \"VERBOSE\"\n}",
        2,
        17,
    ),
    (
        "missing-key",
        "{\n  \"RESERVE_CHECKOUTS\": [\n    { \"USERS\": \"HostX\" }\n  ]\n}",
        3,
        5,
    ),
    (
        "key-not-for-kind",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"bob\", \"HOURS\": 5 }\n  ]\n}",
        3,
        23,
    ),
    (
        "unknown-key",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USER\": \"bob\" }\n  ]\n}",
        3,
        7,
    ),
    ("unknown-setting", "{\n  \"MY_NOTE\": \"kept\"\n}", 2, 3),
    (
        "duplicate-key",
        "{\n  \"TCP_PORT\": 6200,\n  \"TCP_PORT\": 6201\n}",
        2,
        3,
    ),
    (
        "duplicate-entry",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"bob; Bob\" }\n  ]\n}",
        3,
        22,
    ),
    (
        "duplicate-group",
        "{\n  \"DENY_CHECKOUTS\": [ { \"USERS\": \"CAD\" } ],\n  \"GROUPS\": [\n    { \"NAME\": \"CAD\", \"MEMBERS\": \"a\" },\n    { \"NAME\": \"cad\", \"MEMBERS\": \"b\" }\n  ]\n}",
        5,
        15,
    ),
    (
        "invalid-ip",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"anna;4.3.2.50-10\" }\n  ]\n}",
        3,
        22,
    ),
    (
        "cidr",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"10.0.0.0/8\" }\n  ]\n}",
        3,
        17,
    ),
    (
        "group-name-mismatch",
        "{\n  \"DENY_CHECKOUTS\": [ { \"USERS\": \"CAD  users\" } ],\n  \"GROUPS\": [ { \"NAME\": \"CAD Users\", \"MEMBERS\": \"anna\" } ]\n}",
        2,
        35,
    ),
    (
        "star-among-entries",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"ext.*\", \"FEATURES\": \"EXPORT_ALL;*\" }\n  ]\n}",
        3,
        37,
    ),
    (
        "deny-everyone",
        "{\n  \"DENY_BORROWS\": [\n    { \"FEATURES\": \"IMPORT_ALL\", \"USERS\": \";\" }\n  ]\n}",
        3,
        42,
    ),
    (
        "group-cycle",
        "{\n  \"DENY_CHECKOUTS\": [ { \"USERS\": \"A\" } ],\n  \"GROUPS\": [\n    { \"NAME\": \"A\", \"MEMBERS\": \"x;B\" },\n    { \"NAME\": \"B\", \"MEMBERS\": \"A\" }\n  ]\n}",
        5,
        32,
    ),
    (
        "except-not-covered",
        "{\n  \"LIMIT_CHECKOUTS\": [\n    { \"USERS\": \"10.0.0.1;10.0.0.2\", \"EXCEPT_USERS\": \"10.0.0.2;10.0.0.9\", \"COUNT\": 1 }\n  ]\n}",
        3,
        63,
    ),
    (
        "unused-group",
        "{\n  \"GROUPS\": [\n    { \"NAME\": \"Lonely\", \"MEMBERS\": \"a\" }\n  ]\n}",
        3,
        15,
    ),
    (
        "empty-preset",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"\", \"COMMENT\": \"preset\" }\n  ]\n}",
        3,
        5,
    ),
    (
        "empty-users",
        "{\n  \"ALLOW_CHECKOUTS\": [\n    { \"USERS\": \" ; \", \"FEATURES\": \"KAS\" }\n  ]\n}",
        3,
        16,
    ),
    (
        "empty-group-name",
        "{\n  \"GROUPS\": [\n    { \"NAME\": \"\", \"MEMBERS\": \"a\" }\n  ]\n}",
        3,
        15,
    ),
    (
        "feature-case",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"FEATURES\": \"EXPORT_ALL\" },\n    { \"FEATURES\": \"EXPORT_ALL;export_all\" }\n  ]\n}",
        4,
        31,
    ),
    (
        "monitor-without-password",
        "{\n  \"TCP_PORT\": 6200,\n  \"HTTP_PORT\": 6280\n}",
        3,
        16,
    ),
];

#[test]
fn every_code_at_its_line_and_column() {
    let mut wrong = Vec::new();
    for &(code, text, line, col) in CASES {
        let doc = Document::from_text(text);
        let every = all(&doc);
        let found: Vec<_> = every.iter().filter(|d| d.code.as_str() == code).collect();
        let Some(d) = found.first() else {
            panic!(
                "{code}: not reported for {text:?}; got {:?}",
                doc.diagnostics()
                    .iter()
                    .map(|d| d.code.as_str())
                    .collect::<Vec<_>>()
            );
        };
        if doc.line_col(d.span.start) != (line, col) {
            wrong.push(format!(
                "{code}: at {:?}, expected {:?}: {}",
                doc.line_col(d.span.start),
                (line, col),
                d.message
            ));
        }
        assert!(!d.message.is_empty());
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn cases_cover_every_code() {
    for code in Code::ALL {
        // not-utf8 is found before parsing (tests/cli.rs covers it); the
        // pool codes need a pool (POOL_CASES below).
        // findings-partial needs a budget that runs out (tests/it/effect.rs).
        if *code == Code::NotUtf8
            || *code == Code::FindingsPartial
            || POOL_CASES.iter().any(|c| c.0 == code.as_str())
            || POOL_FILE_CASES.iter().any(|c| c.0 == code.as_str())
        {
            continue;
        }
        assert!(
            CASES.iter().any(|c| c.0 == code.as_str()),
            "no case for {code}"
        );
    }
}

#[test]
fn documented_examples_produce_their_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let mut documented = 0;
    for section in doc.split("\n## `").skip(1) {
        let code = section.split('`').next().unwrap_or_default();
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == code),
            "unknown code {code} in docs"
        );
        documented += 1;
        let Some(start) = section.find("```json\n") else {
            continue;
        };
        let rest = &section[start + 8..];
        let example = &rest[..rest.find("\n```").unwrap_or(rest.len())];
        let d = all(&Document::from_text(example));
        assert!(
            d.iter().any(|x| x.code.as_str() == code),
            "the example of {code} does not produce it: {:?}",
            d.iter().map(|x| x.code.as_str()).collect::<Vec<_>>()
        );
    }
    assert_eq!(documented, Code::ALL.len(), "every code has a section");
}

#[test]
fn the_vendor_examples_are_valid() {
    // Each rule example from the vendor's page, as it stands there.
    let text = r#"{
    "ALLOW_CHECKOUTS": [
        { "FEATURES": "FUNCTIONALITY_ADVANCED_ANALYSIS;FUNCTIONALITY_TECHDOC", "USERS": "Some user; Some other user; Another user" },
        { "FEATURES": "EXPORT_ALL", "USERS": "&WindowsGroup" },
        { "FEATURES": "EXPORT_ALL", "USERS": "PC*;WS*CAD" },
        { "SERIALNUMBERS": "2024-0101-123456", "USERS": "4.3.2.*" },
        { "COMMENT": "A specific IP range", "USERS": "4.3.2.10-50" }
    ],
    "ALLOW_BORROWS": [ { "FEATURES": "EXPORT_ALL", "USERS": "Borrow Users" }, { "USERS": "Borrow Users" } ],
    "DENY_CHECKOUTS": [ { "FEATURES": "FUNCTIONALITY_ADVANCED_ANALYSIS;FUNCTIONALITY_TECHDOC", "USERS": "Some user; Some other user; Another user" } ],
    "DENY_BORROWS": [ { "FEATURES": "EXPORT_ALL", "USERS": "Borrow denied" }, { "FEATURES": "EXPORT_ALL" } ],
    "LIMIT_CHECKOUTS": [ { "FEATURES": "IMPORT_ALL", "USERS": "User 1;User 2; User 3;User 30", "COUNT": 15 } ],
    "LIMIT_BORROWS": [ { "HOURS": 2160 }, { "EXCEPT_USERS": "Privileged User", "HOURS": 168 } ],
    "RESERVE_CHECKOUTS": [ { "FEATURES": "IMPORT_2D_ADVANCED", "USERS": "HostX;HostY;HostZ", "COUNT": 3 } ],
    "GROUPS": [
        { "NAME": "Borrow Users", "MEMBERS": "Some user; Some other user; Another user" },
        { "NAME": "Borrow denied", "MEMBERS": "Some user; Some other user; Another user" }
    ]
}"#;
    let doc = Document::from_text(text);
    let problems: Vec<_> = doc
        .diagnostics()
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn fixes_repair_what_they_say() {
    for &(code, text, _, _) in CASES {
        let doc = Document::from_text(text);
        for d in doc.diagnostics().iter().filter(|d| d.code.as_str() == code) {
            let Some(fix) = &d.fix else { continue };
            let mut fixed = Document::from_text(text);
            fixed
                .apply(&privy::document::Edit::Text(fix.edit.clone()))
                .expect("fix applies");
            let still = fixed
                .diagnostics()
                .iter()
                .filter(|x| x.code == d.code && x.span.start == d.span.start)
                .count();
            assert_eq!(
                still,
                0,
                "{code}: fix `{}` did not repair {text:?}:\n{}",
                fix.label,
                fixed.text()
            );
        }
    }
}

/// Codes that need a pool: (code, file text, pool, line, column).
const POOL_CASES: &[(&str, &str, &str, usize, usize)] = &[
    (
        "count-per-license",
        "{\n  \"LIMIT_CHECKOUTS\": [\n    { \"USERS\": \"a\", \"FEATURES\": \"IMPORT_ALL\", \"COUNT\": 15 }\n  ]\n}",
        r#"{"licenses": [{"serial": "A", "features": {"IMPORT_ALL": 20}}, {"serial": "B", "features": {"IMPORT_ALL": 10}}]}"#,
        3,
        56,
    ),
    (
        "unknown-serial",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"a\", \"SERIALNUMBERS\": \"A;Z\" }\n  ]\n}",
        r#"{"licenses": [{"serial": "A", "features": {"KAS": 1}}]}"#,
        3,
        41,
    ),
    (
        "unlicensed-feature",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"a\", \"FEATURES\": \"KAS;CAD\" }\n  ]\n}",
        r#"{"licenses": [{"serial": "A", "features": {"KAS": 1}}]}"#,
        3,
        38,
    ),
    (
        "feature-case",
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"a\", \"FEATURES\": \"kas\" }\n  ]\n}",
        r#"{"licenses": [{"serial": "A", "features": {"KAS": 1}}]}"#,
        3,
        34,
    ),
];

/// (code, pool text, line, column in the pool): what is wrong in a pool,
/// located in it (semantics.md 8.10).
const POOL_FILE_CASES: &[(&str, &str, usize, usize)] = &[
    (
        "pool-duplicate-license",
        "{\"licenses\": [\n {\"serial\": \"A\", \"features\": {\"CAD\": 1}},\n {\"serial\": \"A\", \"features\": {}}]}",
        3,
        13,
    ),
    (
        "pool-negative-seats",
        "{\"licenses\": [\n {\"serial\": \"A\", \"features\": {\"CAD\": -2}}]}",
        2,
        38,
    ),
    (
        "pool-unknown-license",
        "{\"licenses\": [{\"serial\": \"A\", \"features\": {\"CAD\": 1}}],\n \"sessions\": [{\"feature\": \"CAD\", \"serial\": \"Z\", \"kind\": \"checkout\"}]}",
        2,
        44,
    ),
    (
        "pool-unlicensed-session",
        "{\"licenses\": [{\"serial\": \"A\", \"features\": {\"CAD\": 1}}],\n \"sessions\": [{\"feature\": \"CAM\", \"kind\": \"checkout\"}]}",
        2,
        27,
    ),
    (
        "pool-oversubscribed",
        "{\"licenses\": [{\"serial\": \"A\", \"features\": {\"CAD\": 1}}],\n \"sessions\": [{\"feature\": \"CAD\", \"kind\": \"checkout\"}, {\"feature\": \"CAD\", \"kind\": \"borrow\"}]}",
        1,
        51,
    ),
    (
        "pool-bad-ip",
        "{\"licenses\": [{\"serial\": \"A\", \"features\": {\"CAD\": 1}}],\n \"sessions\": [{\"feature\": \"CAD\", \"ip\": \"4.3.2.x\", \"kind\": \"checkout\"}]}",
        2,
        40,
    ),
];

#[test]
fn pool_file_codes_at_their_line_and_column_in_the_pool() {
    for &(code, pool, line, col) in POOL_FILE_CASES {
        let (_, diags) = privy::pool::file::read(pool).expect("readable");
        let d = diags
            .iter()
            .find(|d| d.code.as_str() == code)
            .unwrap_or_else(|| panic!("{code} not reported: {diags:?}"));
        let lines = privy::json::LineIndex::new(pool);
        assert_eq!(
            lines.line_col_in(pool, d.span.start),
            (line, col),
            "{code}: {}",
            d.message
        );
        assert_eq!(d.severity, Severity::Error);
    }
    // A pool that is not JSON, or not of the pool's shape, is not read.
    for bad in [
        "{\"licenses\": [",
        "[1]",
        "{\"licenses\": [{\"serial\": \"A\", \"features\": {\"CAD\": 1.5}}]}",
    ] {
        assert!(privy::pool::file::read(bad).is_err(), "{bad}");
    }
    // A good pool has nothing to say.
    let good = r#"{"licenses": [{"serial": "A", "features": {"CAD": 2}}],
                   "sessions": [{"user": "bob", "feature": "CAD", "kind": "checkout"}]}"#;
    assert!(privy::pool::file::read(good).expect("read").1.is_empty());
}

/// `check --pool` with a bad pool: located in the pool, `"file"` in JSON,
/// exit 1; `explain --pool` with it: exit 2 with the same messages.
#[test]
fn a_bad_pool_is_located_in_the_pool_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = super::common::write(dir.path(), "ServerConfig.json", b"{}");
    let pool = super::common::write(
        dir.path(),
        "pool.json",
        b"{\"licenses\": [{\"serial\": \"A\", \"features\": {\"CAD\": 1}}],\n \"sessions\": [{\"feature\": \"CAM\", \"kind\": \"checkout\"}]}",
    );
    let (code, out, _) = super::common::privy(&["check", &cfg, "--pool", &pool]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("{pool}:2:27: error[pool-unlicensed-session]")),
        "{out}"
    );
    let (code, json, _) =
        super::common::privy(&["check", &cfg, "--pool", &pool, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "pool-unlicensed-session");
    assert_eq!(d["file"], pool.as_str());
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(27))
    );
    let (code, _, err) = super::common::privy(&[
        "explain",
        &cfg,
        "--pool",
        &pool,
        "--user",
        "bob",
        "--feature",
        "CAD",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{pool}:2:27: error[pool-unlicensed-session]")),
        "{err}"
    );
    // Not JSON: exit 2, not located as findings.
    let broken = super::common::write(dir.path(), "broken.json", b"{\"licenses\": [");
    let (code, _, err) = super::common::privy(&["check", &cfg, "--pool", &broken]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn pool_codes_at_their_line_and_column() {
    for &(code, text, pool, line, col) in POOL_CASES {
        let doc = Document::from_text(text);
        let pool = privy::engine::pool::Pool::from_json(pool).expect("pool");
        let diags = privy::validate::against_pool(doc.config(), &pool);
        let d = diags
            .iter()
            .find(|d| d.code.as_str() == code)
            .unwrap_or_else(|| panic!("{code} not reported: {diags:?}"));
        assert_eq!(
            doc.line_col(d.span.start),
            (line, col),
            "{code}: {}",
            d.message
        );
        // Without the pool, none of these is reported.
        assert!(
            !doc.diagnostics()
                .iter()
                .any(|x| x.code.as_str() == code && code != "feature-case")
        );
    }
}

/// Near-miss group names (`docs/semantics.md` section 8 point 8): a
/// misspelt group in a rule is warned at the entry with its fix; an entry
/// that is the group in another case is information only; what is merely
/// like a group is left alone.
#[test]
fn near_miss_group_names_are_warned_with_a_fix_and_near_nothing_is_not() {
    use privy::diag::Severity;
    let file = |users: &str, members: &str| {
        format!(
            r#"{{ "DENY_CHECKOUTS": [ {{ "USERS": "{users}" }} ],
  "GROUPS": [ {{ "NAME": "Contractors", "MEMBERS": "ext.*" }}, {{ "NAME": "CAD Team", "MEMBERS": "{members}" }} ] }}"#
        )
    };
    let found = |text: &str| -> Vec<(Severity, String, Option<String>)> {
        privy::document::Document::from_text(text)
            .diagnostics()
            .iter()
            .filter(|d| d.code.as_str() == "group-name-mismatch")
            .map(|d| {
                (
                    d.severity,
                    d.message.clone(),
                    d.fix.as_ref().map(|f| f.edit.replacement.clone()),
                )
            })
            .collect()
    };
    for (entry, group) in [
        ("Contractorz", "Contractors"),
        ("Contarctors", "Contractors"),
        ("CADTeam", "CAD Team"),
        ("cad-team", "CAD Team"),
        ("CAD  Team", "CAD Team"),
    ] {
        let got = found(&file(entry, "anna"));
        assert_eq!(got.len(), 1, "{entry}: {got:?}");
        let (sev, message, fix) = &got[0];
        assert_eq!(*sev, Severity::Warning, "{entry}");
        assert!(
            message.contains(&format!("did you mean group \"{group}\"")),
            "{message}"
        );
        assert_eq!(fix.as_deref(), Some(group));
        // The fix applied, the entry is the group and nothing is said.
        let fixed = file(entry, "anna").replacen(
            &format!("\"USERS\": \"{entry}\""),
            &format!("\"USERS\": \"{group}\""),
            1,
        );
        assert!(found(&fixed).is_empty(), "{fixed}");
    }
    // The group in another case is the group: information only.
    let got = found(&file("contractors", "anna"));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, Severity::Info);
    // Nearly, and not: names far from every group, and wildcards.
    for users in ["Contracts;zed;ext.bob", "Contractor*", "Team", "anna;bob"] {
        assert!(found(&file(users, "anna")).is_empty(), "{users}");
    }
    // A group's members are entries like any other (analysis.md 5, "an
    // entry"; the third release): a short edit away from a group is
    // warned there too, with its fix. Before, MEMBERS were left out.
    let got = found(&file("anna", "Contractorz"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Severity::Warning);
    assert_eq!(got[0].2.as_deref(), Some("Contractors"));
    // The same spelling as a member is still a near miss.
    assert_eq!(
        found(&file("anna", "Contractors;CONTRACTORS ;contr-actors")).len(),
        2
    );
}

/// `*` among FEATURES means any (semantics.md 8.5), a deny rule without
/// users denies everyone (8.4), and a backwards range has a certain fix:
/// each said, each nearly-case not.
#[test]
fn star_among_entries_empty_deny_users_and_backwards_ranges() {
    use privy::document::Document;
    use privy::engine::{Engine, Request, Verdict};
    let codes = |t: &str| -> Vec<String> {
        Document::from_text(t)
            .diagnostics()
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect()
    };
    let star = r#"{ "DENY_CHECKOUTS": [ { "USERS": "anna", "FEATURES": "A;*" } ] }"#;
    assert!(codes(star).contains(&"star-among-entries".to_string()));
    // It means any: anna is denied a feature the list does not name.
    let doc = Document::from_text(star);
    let d = Engine::new(doc.config()).decide(
        &Request {
            principal: privy::request::Principal {
                user: Some("anna".into()),
                ..Default::default()
            },
            feature: "OTHER".into(),
            ..Request::default()
        },
        None,
    );
    assert_eq!(d.decision, Verdict::Denied);
    for nearly in [
        r#"{ "DENY_CHECKOUTS": [ { "USERS": "anna", "FEATURES": "*" } ] }"#,
        r#"{ "DENY_CHECKOUTS": [ { "USERS": "anna", "FEATURES": "A;B*" } ] }"#,
        r#"{ "DENY_CHECKOUTS": [ { "USERS": "anna;*", "FEATURES": "A" } ] }"#,
    ] {
        assert!(
            !codes(nearly).contains(&"star-among-entries".to_string()),
            "{nearly}"
        );
    }
    for everyone in [
        r#"{ "DENY_BORROWS": [ { "FEATURES": "A" } ] }"#,
        r#"{ "DENY_BORROWS": [ { "FEATURES": "A", "USERS": "" } ] }"#,
        r#"{ "DENY_CHECKOUTS": [ { "FEATURES": "A", "USERS": " ; ;" } ] }"#,
    ] {
        assert!(
            codes(everyone).contains(&"deny-everyone".to_string()),
            "{everyone}"
        );
    }
    for nearly in [
        r#"{ "DENY_CHECKOUTS": [ { "FEATURES": "A", "USERS": "anna;" } ] }"#,
        r#"{ "ALLOW_CHECKOUTS": [ { "FEATURES": "A", "USERS": "anna" } ] }"#,
        r#"{ "DENY_CHECKOUTS": [ { "FEATURES": "", "USERS": "" } ] }"#,
    ] {
        assert!(
            !codes(nearly).contains(&"deny-everyone".to_string()),
            "{nearly}"
        );
    }
    // The backwards range's fix swaps the bounds and the error goes.
    let text = r#"{ "DENY_CHECKOUTS": [ { "USERS": "anna;4.3.2.50-10" } ] }"#;
    let doc = Document::from_text(text);
    let d = doc
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "invalid-ip")
        .expect("invalid-ip");
    let fix = d.fix.as_ref().expect("a certain fix");
    let mut fixed = text.to_string();
    fixed.replace_range(
        fix.edit.span.start..fix.edit.span.end,
        &fix.edit.replacement,
    );
    assert!(fixed.contains("4.3.2.10-50"), "{fixed}");
    assert!(!codes(&fixed).contains(&"invalid-ip".to_string()));
    let bad = r#"{ "DENY_CHECKOUTS": [ { "USERS": "4.3.2.300-1" } ] }"#;
    let doc = Document::from_text(bad);
    assert!(
        doc.diagnostics()
            .iter()
            .all(|d| d.code.as_str() != "invalid-ip" || d.fix.is_none())
    );
}

/// Settings the server cannot use: ports out of range are errors (checked
/// with the schema), an IP_VERSION other than IPv4 or IPv6 a warning with a
/// fix where the digit says which.
#[test]
fn settings_the_server_cannot_use() {
    let codes = |text: &str| -> Vec<(String, Severity, bool)> {
        Document::from_text(text)
            .diagnostics()
            .iter()
            .map(|d| (d.code.as_str().to_string(), d.severity, d.fix.is_some()))
            .collect()
    };
    assert_eq!(codes(r#"{ "TCP_PORT": 0 }"#)[0].0, "out-of-range");
    assert_eq!(codes(r#"{ "HTTP_PORT": 65536 }"#)[0].0, "out-of-range");
    assert!(codes(r#"{ "HTTP_PORT": 0, "TCP_PORT": 65535 }"#).is_empty());
    assert_eq!(
        codes(r#"{ "IP_VERSION": "IPv5" }"#),
        [("invalid-choice".to_string(), Severity::Warning, false)]
    );
    assert_eq!(
        codes(r#"{ "IP_VERSION": "v6" }"#),
        [("invalid-choice".to_string(), Severity::Warning, true)]
    );
    assert!(codes(r#"{ "IP_VERSION": "ipv6" }"#).is_empty());
    assert!(codes(r#"{ "IP_VERSION": "IPv4" }"#).is_empty());
}

fn users_of(doc: &Document) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(doc.text()).expect("json");
    v["DENY_CHECKOUTS"][0]["USERS"]
        .as_str()
        .unwrap_or_default()
        .split(';')
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

proptest::proptest! {
    /// A Fix leaves the list without a new problem (#30.9): taking out a
    /// repeat removes that entry and nothing else, and a misspelt group
    /// already listed is taken out rather than written again.
    #[test]
    fn a_fix_of_a_list_adds_no_problem(
        entries in proptest::collection::vec(
            proptest::sample::select(vec!["a", "b", "Team", "Teem", "1.2.3.4", "&L"]), 1..7),
        spaced in proptest::collection::vec(proptest::bool::ANY, 7),
    ) {
        let mut list = String::new();
        for (i, e) in entries.iter().enumerate() {
            if i > 0 {
                list.push_str(if spaced[i] { "; " } else { ";" });
            }
            list.push_str(e);
        }
        let text = format!(
            r#"{{"GROUPS": [{{"NAME": "Team", "MEMBERS": "x"}}], "DENY_CHECKOUTS": [{{"FEATURES": "A", "USERS": "{list}"}}]}}"#
        );
        let doc = Document::from_text(text.as_str());
        let before = users_of(&doc);
        let count = |d: &Document, code: &str| d.diagnostics().iter().filter(|x| x.code.as_str() == code).count();
        for d in doc.diagnostics() {
            let code = d.code.as_str();
            if !["duplicate-entry", "group-name-mismatch"].contains(&code) {
                continue;
            }
            let fix = d.fix.as_ref().expect("a list's repeat or misspelt group has a fix");
            let mut fixed = Document::from_text(text.as_str());
            fixed.apply(&privy::document::Edit::Text(fix.edit.clone())).expect("fix applies");
            for c in ["duplicate-entry", "group-name-mismatch", "unknown-key", "empty-entry"] {
                proptest::prop_assert!(count(&fixed, c) <= count(&doc, c), "{} after `{}` on {}:\n{}", c, fix.label, list, fixed.text());
            }
            proptest::prop_assert!(fixed.diagnostics().len() < doc.diagnostics().len(), "`{}` on {}", fix.label, list);
            let after = users_of(&fixed);
            if fix.edit.replacement.is_empty() {
                // One entry fewer, the others in their order.
                proptest::prop_assert_eq!(after.len() + 1, before.len(), "{}", fixed.text());
                let gone = (0..before.len()).find(|&i| {
                    let mut v = before.clone();
                    v.remove(i);
                    v == after
                });
                proptest::prop_assert!(gone.is_some(), "{:?} -> {:?}", before, after);
            }
        }
    }
}
