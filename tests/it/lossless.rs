//! Lossless loading and saving, by property: random valid configurations in
//! random formatting (indentation, CRLF, BOM, one line) load and save back
//! byte-identical, and one edit changes only the bytes of the edited value.

use privy::document::{Document, Edit};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const LISTS: [&str; 7] = privy::spec::RuleKind::ALL_KEYS;

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9 ._]{0,10}",
        "PC[0-9]{0,3}\\*",
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("10.{a}.{b}.*")),
        (0u8..=100, 100u8..=255).prop_map(|(a, b)| format!("4.3.2.{a}-{b}")),
        "&[A-Z][a-z]{2,8}",
        Just("*".to_string()),
        "[a-zé€😀]{1,6}",
    ]
}

fn entries() -> impl Strategy<Value = String> {
    prop::collection::vec(entry(), 0..5).prop_map(|v| v.join(";"))
}

fn rule() -> impl Strategy<Value = Value> {
    (
        prop::option::of(entries()),
        prop::option::of(entries()),
        prop::option::of(1i64..1000),
        prop::option::of("[ -~]{0,20}"),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(users, features, count, comment, unknown)| {
            let mut m = Map::new();
            if let Some(u) = users {
                m.insert("USERS".into(), json!(u));
            }
            if let Some(f) = features {
                m.insert("FEATURES".into(), json!(f));
            }
            if let Some(c) = count {
                m.insert("COUNT".into(), json!(c));
            }
            if let Some(c) = comment {
                m.insert("COMMENT".into(), json!(c));
            }
            if let Some(b) = unknown {
                m.insert("X_VENDOR_EXTRA".into(), json!(b));
            }
            Value::Object(m)
        })
}

fn config() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((0usize..7, prop::collection::vec(rule(), 0..4)), 1..5),
        prop::collection::vec(("[A-Z][a-z]{1,8}", entries()), 0..4),
        prop::option::of(1i64..65535),
        prop::option::of(-1e6f64..1e6),
    )
        .prop_map(|(lists, groups, port, float)| {
            let mut m = Map::new();
            if let Some(p) = port {
                m.insert("TCP_PORT".into(), json!(p));
            }
            if let Some(f) = float {
                m.insert("UNKNOWN_NUMBER".into(), json!(f));
            }
            for (k, rules) in lists {
                m.insert(LISTS[k].into(), Value::Array(rules));
            }
            let groups: Vec<Value> = groups
                .into_iter()
                .map(|(n, mem)| json!({"NAME": n, "MEMBERS": mem}))
                .collect();
            m.insert("GROUPS".into(), Value::Array(groups));
            Value::Object(m)
        })
}

#[derive(Debug, Clone)]
struct Format {
    indent: &'static str,
    crlf: bool,
    bom: bool,
    one_line: bool,
    trailing_newline: bool,
}

fn format() -> impl Strategy<Value = Format> {
    (
        prop::sample::select(vec!["  ", "    ", "\t"]),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        any::<bool>(),
    )
        .prop_map(|(indent, crlf, bom, one_line, trailing_newline)| Format {
            indent,
            crlf,
            bom,
            one_line,
            trailing_newline,
        })
}

fn render(v: &Value, f: &Format) -> String {
    let mut text = if f.one_line {
        serde_json::to_string(v).unwrap_or_default()
    } else {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(f.indent.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        serde::Serialize::serialize(v, &mut ser).unwrap_or_default();
        String::from_utf8(buf).unwrap_or_default()
    };
    if f.trailing_newline {
        text.push('\n');
    }
    if f.crlf {
        text = text.replace('\n', "\r\n");
    }
    if f.bom {
        text.insert(0, '\u{feff}');
    }
    text
}

/// Pointers of every string value under a rule or group.
fn string_pointers(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(top) = v {
        for (k, list) in top {
            if let Value::Array(items) = list {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(m) = item {
                        for (key, val) in m {
                            if val.is_string() {
                                out.push(format!("/{k}/{i}/{key}"));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn save_without_edits_is_byte_identical(v in config(), f in format()) {
        let text = render(&v, &f);
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut doc = Document::open(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(doc.is_json(), "generated text is valid JSON");
        doc.save(false, false).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(std::fs::read(&path).map_err(|e| TestCaseError::fail(e.to_string()))?, text.as_bytes());
    }

    #[test]
    fn one_edit_changes_only_the_edited_value(v in config(), f in format(), pick in any::<prop::sample::Index>(), new in entries()) {
        let ptrs = string_pointers(&v);
        prop_assume!(!ptrs.is_empty());
        let ptr = &ptrs[pick.index(ptrs.len())];
        let text = render(&v, &f);
        let mut doc = Document::from_text(text.clone());
        let span = doc.parsed().root.as_ref().and_then(|r| r.pointer(ptr)).map(|n| n.span);
        let span = span.ok_or_else(|| TestCaseError::fail("pointer not found"))?;
        doc.apply(&Edit::SetValue { pointer: ptr.clone(), value: json!(new) }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let out = doc.text();
        // Everything before and after the edited value is untouched.
        let tail = text.len() - span.end;
        prop_assert_eq!(&out[..span.start], &text[..span.start]);
        prop_assert_eq!(&out[out.len() - tail..], &text[span.end..]);
        // The edit did what it says, and nothing else changed in meaning.
        let mut expected = v.clone();
        if let Some(slot) = expected.pointer_mut(ptr) { *slot = json!(new); }
        let got: Value = serde_json::from_str(out.trim_start_matches('\u{feff}')).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn insert_and_remove_keep_the_rest_and_the_style(v in config(), f in format(), list in 0usize..7) {
        let text = render(&v, &f);
        let mut doc = Document::from_text(text.clone());
        let key = LISTS[list];
        let before: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let has_list = before.get(key).is_some();
        let edit = if has_list {
            Edit::InsertItem { pointer: format!("/{key}"), value: json!({"USERS": "new", "COUNT": 2}), index: Some(0) }
        } else {
            Edit::InsertMember { pointer: String::new(), key: key.into(), value: json!([{"USERS": "new", "COUNT": 2}]), index: None }
        };
        doc.apply(&edit).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(doc.is_json(), "still valid JSON:\n{}", doc.text());
        prop_assert_eq!(doc.text().starts_with('\u{feff}'), f.bom);
        if !f.crlf { prop_assert!(!doc.text().contains('\r')); }
        if f.crlf { prop_assert!(!doc.text().replace("\r\n", "").contains('\n'), "only CRLF line endings"); }
        let after: Value = serde_json::from_str(doc.text().trim_start_matches('\u{feff}')).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&after[key][0]["USERS"], "new");
        prop_assert!(doc.undo());
        prop_assert_eq!(doc.text(), text.as_str());
        prop_assert!(!doc.is_dirty());
    }
}
