//! Structural checks through the JSON Schema (`jsonschema` crate, compiled
//! once, no remote references). Schema errors are mapped onto Privy's codes,
//! with messages in the admin's terms and fixes where they are certain.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;

use crate::diag::{Code, Diagnostic, Severity, did_you_mean};
use crate::json::{Node, NodeKind, Span, unescape_token};
use crate::spec::{self, Field, GROUPS_KEY, RuleKind};

fn validator() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| jsonschema::draft202012::new(&crate::schema::schema()).ok())
        .as_ref()
}

fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .strip_prefix('/')
        .map(|p| p.split('/').map(unescape_token).collect())
        .unwrap_or_default()
}

/// The span of just the opening of a container (for "missing key" carets).
fn head(span: Span) -> Span {
    Span::new(span.start, (span.start + 1).min(span.end))
}

/// Items of a rule list validated at once: the schema is applied member by
/// member, and long lists in slices of this many items, so the JSON value
/// the validator reads is never the whole file (a file of a million small
/// rules held a second copy of itself as a `serde_json::Value`).
const SLICE: usize = 4096;

/// Runs the schema over the tree. `ignored` holds pointers of empty presets,
/// whose contents the server ignores.
///
/// Exact as one run over the whole file: the schema's root is an object
/// with a sub-schema per member and no constraint across members or on a
/// list's length, so each member (the last of duplicate keys, as
/// [`Node::to_value`] and [`Node::get`] take it) and each slice of a list
/// is judged alone, and a slice's item numbers are moved back to the list's.
pub fn check(root: &Node, ignored: &[String], out: &mut Vec<Diagnostic>) {
    check_in_slices(root, ignored, out, SLICE);
}

fn check_in_slices(root: &Node, ignored: &[String], out: &mut Vec<Diagnostic>, size: usize) {
    let Some(validator) = validator() else {
        return;
    };
    let NodeKind::Object(members) = &root.kind else {
        report(validator, root, &root.to_value(), None, ignored, out);
        return;
    };
    for (i, m) in members.iter().enumerate() {
        if members[i + 1..].iter().any(|later| later.key == m.key) {
            continue;
        }
        match &m.value.kind {
            NodeKind::Array(items) if items.len() > size => {
                for (n, slice) in items.chunks(size).enumerate() {
                    let list = serde_json::Value::Array(slice.iter().map(Node::to_value).collect());
                    let mut one = serde_json::Map::with_capacity(1);
                    one.insert(m.key.to_string(), list);
                    let value = serde_json::Value::Object(one);
                    report(
                        validator,
                        root,
                        &value,
                        Some((&m.key, n * size)),
                        ignored,
                        out,
                    );
                }
            }
            _ => {
                let mut one = serde_json::Map::with_capacity(1);
                one.insert(m.key.to_string(), m.value.to_value());
                let value = serde_json::Value::Object(one);
                report(validator, root, &value, None, ignored, out);
            }
        }
    }
}

/// The findings of the schema over `value` (all or part of the file),
/// placed in `root`. `slice`: the list key and the number of its first item
/// when `value` holds a slice of that list.
fn report(
    validator: &jsonschema::Validator,
    root: &Node,
    value: &serde_json::Value,
    slice: Option<(&str, usize)>,
    ignored: &[String],
    out: &mut Vec<Diagnostic>,
) {
    for err in validator.iter_errors(value) {
        let mut pointer = err.instance_path().as_str().to_string();
        if let Some((key, first)) = slice {
            pointer = moved(&pointer, key, first);
        }
        if ignored
            .iter()
            .any(|p| pointer == *p || pointer.starts_with(&format!("{p}/")))
        {
            continue;
        }
        let Some(node) = root.pointer(&pointer) else {
            continue;
        };
        let toks = tokens(&pointer);
        if let Some(d) = map_error(err.kind(), node, &pointer, &toks) {
            out.push(d);
        }
    }
}

/// `/KEY/i/rest` → `/KEY/(i + first)/rest`.
fn moved(pointer: &str, key: &str, first: usize) -> String {
    let head = crate::json::child_pointer("", key);
    let Some(rest) = pointer.strip_prefix(head.as_str()) else {
        return pointer.to_string();
    };
    let Some(rest) = rest.strip_prefix('/') else {
        return pointer.to_string();
    };
    let (index, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match index.parse::<usize>() {
        Ok(i) => format!("{head}/{}{tail}", i + first),
        Err(_) => pointer.to_string(),
    }
}

fn rule_kind(toks: &[String]) -> Option<RuleKind> {
    toks.first().and_then(|t| RuleKind::from_key(t))
}

fn what_is(toks: &[String]) -> String {
    match toks {
        [list, i, ..] if list == GROUPS_KEY => {
            format!("group {}", i.parse::<usize>().map_or(0, |n| n + 1))
        }
        [list, i, ..] => format!("{list} rule {}", i.parse::<usize>().map_or(0, |n| n + 1)),
        _ => "this object".into(),
    }
}

fn map_error(
    kind: &ValidationErrorKind,
    node: &Node,
    pointer: &str,
    toks: &[String],
) -> Option<Diagnostic> {
    let span = node.span;
    let d = match kind {
        ValidationErrorKind::Type { .. } => match toks.len() {
            0 => Diagnostic::new(
                Code::NotAnObject,
                span,
                pointer,
                format!(
                    "the file holds {} at the top; a ServerConfig.json must be one object `{{ ... }}`",
                    node.type_name()
                ),
            ),
            1 if RuleKind::from_key(&toks[0]).is_some() || toks[0] == GROUPS_KEY => {
                Diagnostic::new(
                    Code::ListNotArray,
                    span,
                    pointer,
                    format!(
                        "{} must be a list `[ {{ ... }}, ... ]`, not {}",
                        toks[0],
                        node.type_name()
                    ),
                )
            }
            2 => Diagnostic::new(
                Code::RuleNotObject,
                span,
                pointer,
                format!(
                    "each entry of {} must be an object `{{ ... }}`, not {}",
                    toks[0],
                    node.type_name()
                ),
            ),
            _ => wrong_type(node, pointer, toks),
        },
        ValidationErrorKind::Minimum { .. } if toks.len() == 1 => out_of_range(node, pointer, toks),
        ValidationErrorKind::Minimum { .. } => Diagnostic::new(
            Code::NotPositive,
            span,
            pointer,
            format!(
                "{} must be at least 1, not {}",
                toks.last().map_or("", String::as_str),
                number_text(node)
            ),
        ),
        ValidationErrorKind::Maximum { .. } => out_of_range(node, pointer, toks),
        ValidationErrorKind::Enum { options } => Diagnostic::new(
            Code::InvalidChoice,
            span,
            pointer,
            format!(
                "{} must be {}, not {}",
                toks.last().map_or("", String::as_str),
                options
                    .as_array()
                    .map(|o| o
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(" or "))
                    .unwrap_or_default(),
                serde_json::Value::from(node.as_str().unwrap_or(node.type_name()))
            ),
        ),
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
            if toks.first().is_some_and(|t| t == GROUPS_KEY) {
                Diagnostic::new(
                    Code::EmptyGroupName,
                    head(span),
                    pointer,
                    format!("{} has no NAME, so no rule can refer to it", what_is(toks)),
                )
            } else {
                let meaning = rule_kind(toks)
                    .and_then(|k| Field::from_key(key).and_then(|f| k.field(f)))
                    .map_or("", |s| s.meaning);
                Diagnostic::new(
                    Code::MissingKey,
                    head(span),
                    pointer,
                    format!(
                        "{} has no {key}, which it requires. {key}: {meaning}",
                        what_is(toks)
                    ),
                )
            }
        }
        ValidationErrorKind::AnyOf { .. } => Diagnostic::new(
            Code::MissingKey,
            head(span),
            pointer,
            format!(
                "{} needs HOURS (longest borrow) or COUNT (how many borrowed at once), or both",
                what_is(toks)
            ),
        ),
        // Reported key by key, at each key's own position, by
        // `unknown_member_keys`.
        ValidationErrorKind::AdditionalProperties { .. } => return None,
        other => Diagnostic::new(
            Code::WrongType,
            span,
            pointer,
            format!("{} is not valid here ({})", pointer, other.keyword()),
        ),
    };
    Some(d)
}

fn number_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Number(n) => n.int.map_or_else(|| n.value.to_string(), |i| i.to_string()),
        _ => node.type_name().to_string(),
    }
}

fn out_of_range(node: &Node, pointer: &str, toks: &[String]) -> Diagnostic {
    let key = toks.last().map_or("", String::as_str);
    let msg = match spec::setting(key).map(|s| s.kind) {
        Some(spec::SettingType::Port { min }) => format!(
            "{key} must be a port from {min} to 65535, not {}{}",
            number_text(node),
            if min == 0 { " (0 turns it off)" } else { "" }
        ),
        _ => format!(
            "{key} is too large ({}); the server accepts at most {}",
            number_text(node),
            spec::MAX_COUNT
        ),
    };
    Diagnostic::new(Code::OutOfRange, node.span, pointer, msg)
}

fn wrong_type(node: &Node, pointer: &str, toks: &[String]) -> Diagnostic {
    let key = toks.last().map_or("", String::as_str);
    let field = Field::from_key(key);
    let wants_int = field.is_some_and(|f| f.value_type() == spec::ValueType::PositiveInteger)
        || matches!(
            spec::setting(key).map(|s| s.kind),
            Some(spec::SettingType::Port { .. })
        );
    if wants_int {
        if let NodeKind::Number(_) = node.kind {
            return Diagnostic::new(
                Code::NotPositive,
                node.span,
                pointer,
                format!("{key} must be a whole number, not {}", number_text(node)),
            );
        }
        let d = Diagnostic::new(
            Code::WrongType,
            node.span,
            pointer,
            format!(
                "{key} must be a number without quotes, not {}",
                node.type_name()
            ),
        );
        if let Some(n) = node.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
            return d.with_fix(
                format!("write {n} without quotes"),
                node.span,
                n.to_string(),
            );
        }
        return d;
    }
    let d = Diagnostic::new(
        Code::WrongType,
        node.span,
        pointer,
        format!(
            "{key} must be text in double quotes, not {}",
            node.type_name()
        ),
    );
    match &node.kind {
        NodeKind::Number(_) | NodeKind::Bool(_) => {
            let text = number_or_bool_text(node);
            d.with_fix("put the value in quotes", node.span, format!("\"{text}\""))
        }
        NodeKind::Array(items) if items.iter().all(|i| i.as_str().is_some()) => {
            let joined: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
            let s = serde_json::Value::String(joined.join(";")).to_string();
            d.with_fix("join the list with `;`", node.span, s)
        }
        _ => d,
    }
}

fn number_or_bool_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Bool(b) => b.to_string(),
        _ => number_text(node),
    }
}

/// Reports each key of rule and group objects that their kind does not have:
/// known keys of other kinds as `key-not-for-kind`, others as `unknown-key`
/// with a "did you mean".
pub fn unknown_member_keys(root: &Node, out: &mut Vec<Diagnostic>) {
    let Some(top) = root.as_object() else {
        return;
    };
    for list in top {
        let kind = RuleKind::from_key(&list.key);
        if kind.is_none() && list.key != GROUPS_KEY {
            continue;
        }
        let Some(items) = list.value.as_array() else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(members) = item.as_object() else {
                continue;
            };
            // Pointers are written only for what is reported: almost every
            // key is known.
            let ptr = |m: &crate::json::Member| {
                format!(
                    "/{}/{i}/{}",
                    crate::json::escape_token(&list.key),
                    crate::json::escape_token(&m.key)
                )
            };
            for m in members {
                match kind {
                    Some(kind) => {
                        if kind.fields().iter().any(|s| s.field.key() == m.key) {
                            continue;
                        }
                        let own: Vec<&str> = kind.fields().iter().map(|s| s.field.key()).collect();
                        let ptr = ptr(m);
                        if let Some(field) = Field::from_key(&m.key) {
                            let is_preset = m.value.as_str().is_some_and(|s| s.trim().is_empty());
                            out.push(
                                Diagnostic::new(
                                    Code::KeyNotForKind,
                                    m.key_span,
                                    ptr,
                                    format!(
                                        "{} is not a key of {} rules; the server ignores it here. {} rules have: {}",
                                        field.key(),
                                        kind.key(),
                                        kind.key(),
                                        own.join(", ")
                                    ),
                                )
                                .severity(if is_preset { Severity::Info } else { Severity::Warning }),
                            );
                            continue;
                        }
                        unknown(m, &own, ptr, out);
                    }
                    None => {
                        if spec::GROUP_KEYS.contains(&m.key.as_str()) {
                            continue;
                        }
                        unknown(m, &spec::GROUP_KEYS, ptr(m), out);
                    }
                }
            }
        }
    }
}

fn unknown(m: &crate::json::Member, own: &[&'static str], ptr: String, out: &mut Vec<Diagnostic>) {
    match did_you_mean(&m.key, own.iter().copied()) {
        Some(s) => out.push(
            Diagnostic::new(
                Code::UnknownKey,
                m.key_span,
                ptr,
                format!("unknown key \"{}\"; did you mean \"{s}\"?", m.key),
            )
            .with_fix(format!("rename to \"{s}\""), m.key_span, format!("\"{s}\"")),
        ),
        None => out.push(
            Diagnostic::new(
                Code::UnknownKey,
                m.key_span,
                ptr,
                format!(
                    "unknown key \"{}\"; the server does not read it. Known keys here: {}",
                    m.key,
                    own.join(", ")
                ),
            )
            .severity(Severity::Warning),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema over slices finds exactly what it finds over the whole
    /// file at once, in the same places.
    #[test]
    fn slices_find_what_the_whole_file_does() {
        let rule = |i: usize| match i % 5 {
            0 => format!(r#"{{"USERS": "u{i}", "FEATURES": "F"}}"#),
            1 => format!(r#"{{"USERS": {i}, "COUNT": "x"}}"#),
            2 => r#"{"USERZ": "a", "FEATURES": ["F"]}"#.to_string(),
            3 => r#""not a rule""#.to_string(),
            _ => format!(r#"{{"COUNT": -{i}, "USERS": "a/b~c"}}"#),
        };
        let list = |n: usize| (0..n).map(rule).collect::<Vec<_>>().join(",");
        let text = format!(
            r#"{{"LIMIT_CHECKOUTS": [{}], "a/b~c": [{}], "GROUPS": [{{"NAME": 3}}], "TCP_PORT": "x", "DENY_CHECKOUTS": [{}], "LIMIT_CHECKOUTS": [{}]}}"#,
            list(7),
            list(3),
            list(11),
            list(13)
        );
        let parsed = crate::json::parse::parse(&text);
        let root = parsed.root.as_ref().expect("parses");
        let ignored = vec!["/DENY_CHECKOUTS/4".to_string()];
        let mut whole = Vec::new();
        report(
            validator().expect("schema"),
            root,
            &root.to_value(),
            None,
            &ignored,
            &mut whole,
        );
        assert!(whole.len() > 20, "{}", whole.len());
        let key = |d: &Diagnostic| (d.span.start, d.span.end, d.code, d.message.clone());
        whole.sort_by_key(key);
        for size in [1, 2, 3, 5, SLICE] {
            let mut sliced = Vec::new();
            check_in_slices(root, &ignored, &mut sliced, size);
            sliced.sort_by_key(key);
            assert_eq!(sliced, whole, "slices of {size}");
        }
        assert_eq!(moved("/a~1b~0c/2/USERS", "a/b~c", 10), "/a~1b~0c/12/USERS");
    }
}
