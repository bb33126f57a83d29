//! Typing in a field is analysed in part (the edited rule or group, and the
//! checks that span rules), not the whole file again. These tests hold that
//! to the same parse, model, line index and findings as a fresh analysis of
//! the same text, over random edits of tricky and generated files, with
//! undo and redo.

use privy::document::{Document, Edit};
use privy::generate::{self, Shape};
use proptest::prelude::*;
use serde_json::Value;

/// A file with something for every check that spans rules or groups:
/// group references in every case, a cycle, an unused group, a duplicate
/// name, exceptions through groups, feature spellings, presets, escapes,
/// duplicate keys, CRLF line ends and a byte order mark.
const TRICKY: &str = "\u{feff}{\r\n  // a comment the server would refuse\r\n  \"TCP_PORT\": 6200,\r\n  \"HTTP_PORT\": 6280,\r\n  \"DENY_CHECKOUTS\": [\r\n    { \"USERS\": \"bob;PC*;cad users\", \"FEATURES\": \"EXPORT_ALL;export_all\" },\r\n    { \"USERS\": \"\", \"COMMENT\": \"preset\" },\r\n    { \"USERS\": \"a\\u0062c;10.0.0.1-20\", \"SERIALNUMBERS\": \"S-1;S-1\" },\r\n    7\r\n  ],\r\n  \"ALLOW_CHECKOUTS\": [\r\n    { \"USERS\": \"CAD Users;Designers\", \"EXCEPT_USERS\": \"ext.*;zed\", \"FEATURES\": \"EXPORT_ALL;CAD\" },\r\n    { \"USERS\": \"10.0.0.*\", \"USERS\": \"anna\", \"FEATURES\": \"Cad\" }\r\n  ],\r\n  \"LIMIT_CHECKOUTS\": [ { \"USERS\": \"CAD Users;Designers\", \"EXCEPT_USERS\": \"ext.*;zed\", \"COUNT\": 1 } ],\r\n  \"LIMIT_BORROWS\": [ { \"EXCEPT_USERS\": \"Loop A\", \"HOURS\": 24, \"COMMENT\": \"\" } ],\r\n  \"RESERVE_CHECKOUTS\": [ { \"USERS\": \"&Staff\", \"COUNT\": 2, \"FEATURES\": \"CAD\" } ],\r\n  \"GROUPS\": [\r\n    { \"NAME\": \"CAD Users\", \"MEMBERS\": \"anna;ext.bob;Designers\" },\r\n    { \"NAME\": \"Designers\", \"MEMBERS\": \"carl;PC0*;4.3.2.1\" },\r\n    { \"NAME\": \"Loop A\", \"MEMBERS\": \"Loop B;x\" },\r\n    { \"NAME\": \"Loop B\", \"MEMBERS\": \"loop a\" },\r\n    \"not a group\",\r\n    { \"NAME\": \"designers\", \"MEMBERS\": \"dup\" },\r\n    { \"NAME\": \"Nobody Uses Me\", \"MEMBERS\": \"\" },\r\n    { \"NAME\": \"\", \"MEMBERS\": \"orphan;CAD Users\" }\r\n  ]\r\n}\r\n";

/// Pointers of every string field of the rules and groups of a document
/// (plus a number and a group NAME, which take the long way).
fn targets(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    let Some(root) = doc.parsed().root.as_ref() else {
        return out;
    };
    for m in root.as_object().unwrap_or(&[]) {
        let Some(items) = m.value.as_array() else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            for f in item.as_object().unwrap_or(&[]) {
                out.push(format!("/{}/{i}/{}", m.key, f.key));
            }
        }
    }
    out
}

/// Pieces new values are made of: names of groups in other cases and
/// spacing, wildcards, IP forms, local groups, feature spellings, and
/// characters that need escapes.
const PIECES: &[&str] = &[
    "CAD Users",
    "cad  users",
    "Designers",
    "designers",
    "Loop A",
    "loop b",
    "Nobody Uses Me",
    "anna",
    "ANNA",
    "ext.*",
    "PC*",
    "*",
    "10.0.0.*",
    "10.0.0.5-9",
    "4.3.2.1",
    "1.2.3",
    "10.0.0.0/8",
    "&Staff",
    "EXPORT_ALL",
    "export_all",
    "CAD",
    "Cad",
    "S-1",
    "",
    " ",
    "a\"b",
    "tab\there",
    "zed",
];

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 0..5).prop_map(|ix| {
        ix.into_iter()
            .map(|i| PIECES[i])
            .collect::<Vec<_>>()
            .join(";")
    })
}

#[derive(Debug, Clone)]
enum Step {
    Set { target: usize, value: String },
    Undo,
    Redo,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            6 => (any::<usize>(), value()).prop_map(|(target, value)| Step::Set { target, value }),
            1 => Just(Step::Undo),
            1 => Just(Step::Redo),
        ],
        1..12,
    )
}

/// Runs the steps, comparing after each with a fresh analysis of the text.
fn check(mut doc: Document, steps: &[Step]) -> Result<(), TestCaseError> {
    let pointers = targets(&doc);
    prop_assume!(!pointers.is_empty());
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Set { target, value } => {
                let pointer = pointers[target % pointers.len()].clone();
                let typed = doc.apply_grouped(
                    &Edit::SetValue {
                        pointer: pointer.clone(),
                        value: Value::String(value.clone()),
                    },
                    Some(&pointer),
                );
                // Pointers can go stale after an undo; that is not under test.
                if typed.is_err() {
                    continue;
                }
            }
            Step::Undo => {
                doc.undo();
            }
            Step::Redo => {
                doc.redo();
            }
        }
        let fresh = Document::from_text(doc.text());
        prop_assert_eq!(doc.lines(), fresh.lines(), "line index after step {}", n);
        prop_assert!(
            doc.parsed() == fresh.parsed(),
            "parse differs after step {} ({:?})",
            n,
            step
        );
        prop_assert!(
            doc.config() == fresh.config(),
            "model differs after step {} ({:?})",
            n,
            step
        );
        prop_assert_eq!(
            doc.diagnostics(),
            fresh.diagnostics(),
            "findings after step {} ({:?})",
            n,
            step
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn typing_in_the_tricky_file_is_analysed_as_a_fresh_load_would(steps in steps()) {
        check(Document::from_text(TRICKY), &steps)?;
    }

    #[test]
    fn typing_in_generated_files_is_analysed_as_a_fresh_load_would(seed in 0u64..1000, steps in steps()) {
        let text = generate::config(Shape {
            rules: 12,
            groups: 10,
            members: 60,
            features: 5,
            users: 30,
            seed,
        });
        check(Document::from_text(text), &steps)?;
    }
}

/// The property above would pass if nothing were ever analysed in part;
/// this shows the edits it makes mostly are.
#[test]
fn field_edits_are_analysed_in_part_and_structural_ones_are_not() {
    let mut doc = Document::from_text(TRICKY);
    let set = |pointer: &str, v: Value| Edit::SetValue {
        pointer: pointer.into(),
        value: v,
    };
    let not_covered = |doc: &Document| -> Vec<String> {
        doc.diagnostics()
            .iter()
            .filter(|d| d.code.as_str() == "except-not-covered")
            .map(|d| doc.text()[d.span.start..d.span.end].to_string())
            .collect()
    };
    assert_eq!(not_covered(&doc), ["zed"]);
    // Groups are found by their position among the groups the model
    // holds, not by their index in GROUPS (which counts "not a group").
    let unused: Vec<&str> = doc
        .diagnostics()
        .iter()
        .filter(|d| d.code.as_str() == "unused-group")
        .map(|d| &doc.text()[d.span.start..d.span.end])
        .collect();
    assert_eq!(unused, ["\"Nobody Uses Me\""]);
    let before = doc.followed_in_part();
    for (pointer, v) in [
        ("/DENY_CHECKOUTS/0/USERS", "bob;Designers"),
        ("/ALLOW_CHECKOUTS/0/FEATURES", "cad"),
        ("/GROUPS/1/MEMBERS", "carl;CAD Users;zed"),
        ("/LIMIT_CHECKOUTS/0/EXCEPT_USERS", "carl;zed;nobody"),
        ("/LIMIT_BORROWS/0/COMMENT", "not blank"),
    ] {
        doc.apply(&set(pointer, Value::String(v.into())))
            .expect("edit applies");
    }
    assert_eq!(
        doc.followed_in_part() - before,
        4,
        "COMMENT went from blank to text"
    );
    // The findings follow: zed is now in Designers (a group's members
    // changed what an exception covers), and a new cycle runs through CAD
    // Users and Designers.
    assert_eq!(not_covered(&doc), ["nobody"]);
    let codes: Vec<&str> = doc.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"group-cycle"), "{codes:?}");
    assert_eq!(
        doc.diagnostics(),
        Document::from_text(doc.text()).diagnostics()
    );

    let before = doc.followed_in_part();
    doc.apply(&set("/GROUPS/0/NAME", Value::String("CAD People".into())))
        .expect("rename");
    doc.apply(&set("/RESERVE_CHECKOUTS/0/COUNT", Value::from(3)))
        .expect("count");
    doc.apply(&set("/DENY_CHECKOUTS/0/USERS", Value::from(5)))
        .expect("number");
    assert_eq!(
        doc.followed_in_part(),
        before,
        "renames and numbers take the long way"
    );
    assert_eq!(
        doc.diagnostics(),
        Document::from_text(doc.text()).diagnostics()
    );
}
