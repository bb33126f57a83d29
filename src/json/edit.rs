//! Edits as text splices.
//!
//! Each function looks at the parsed tree and returns the single [`TextEdit`]
//! that performs the change, touching nothing outside the edited value and
//! the separators next to it. New entries copy the white space of their
//! siblings, so a file indented with two spaces, tabs or written on one line
//! keeps its own style.

use super::parse::TextEdit;
use super::{Node, NodeKind, Span, to_styled_text};
use serde_json::Value;

/// The formatting conventions of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation (`"    "`, `"  "`, `"\t"`).
    pub indent: String,
    /// `"\n"` or `"\r\n"`.
    pub newline: &'static str,
    /// The whole document is on one line: new values are written compactly.
    pub compact: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            indent: "    ".into(),
            newline: "\n",
            compact: false,
        }
    }
}

impl Style {
    /// Detects indentation, line ending and compactness from the text.
    pub fn detect(text: &str) -> Style {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let compact = !text.trim_end().contains('\n');
        let mut indent: Option<String> = None;
        for line in text.lines().take(2000) {
            let ws: &str = &line[..line.len() - line.trim_start().len()];
            if ws.is_empty() || line.trim().is_empty() {
                continue;
            }
            if ws.starts_with('\t') {
                indent = Some("\t".into());
                break;
            }
            if ws.bytes().all(|b| b == b' ') && indent.as_ref().is_none_or(|i| ws.len() < i.len()) {
                indent = Some(ws.to_string());
            }
        }
        Style {
            indent: indent.unwrap_or_else(|| "    ".into()),
            newline,
            compact,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    NotFound(String),
    NotAContainer(String),
    IndexOutOfRange {
        pointer: String,
        index: usize,
        len: usize,
    },
    KeyExists(String),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::NotFound(p) => write!(f, "nothing at {p}"),
            EditError::NotAContainer(p) => write!(f, "{p} is not an object or a list"),
            EditError::IndexOutOfRange {
                pointer,
                index,
                len,
            } => {
                write!(
                    f,
                    "index {index} is out of range for {pointer} ({len} entries)"
                )
            }
            EditError::KeyExists(k) => write!(f, "the key \"{k}\" exists already"),
        }
    }
}

impl std::error::Error for EditError {}

fn find<'a>(root: &'a Node, pointer: &str) -> Result<&'a Node, EditError> {
    root.pointer(pointer)
        .ok_or_else(|| EditError::NotFound(pointer.to_string()))
}

/// The span of each entry of a container: `"key": value` for members, the
/// value for list items.
fn entry_spans(node: &Node) -> Option<Vec<Span>> {
    match &node.kind {
        NodeKind::Object(m) => Some(
            m.iter()
                .map(|m| Span::new(m.key_span.start, m.value.span.end))
                .collect(),
        ),
        NodeKind::Array(a) => Some(a.iter().map(|v| v.span).collect()),
        _ => None,
    }
}

/// The indentation of the line containing `offset`.
fn line_indent(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[line_start..];
    let rest = rest.strip_prefix('\u{feff}').unwrap_or(rest);
    let ws_len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..ws_len]
}

/// The white space right before `offset` (what separates an entry from the
/// comma or bracket before it).
fn lead_ws(text: &str, offset: usize) -> &str {
    let before = &text[..offset];
    let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n']);
    &before[trimmed.len()..]
}

/// Replaces the value at `pointer`.
pub fn set_value(
    text: &str,
    root: &Node,
    style: &Style,
    pointer: &str,
    value: &Value,
) -> Result<TextEdit, EditError> {
    let node = find(root, pointer)?;
    let base = line_indent(text, node.span.start);
    Ok(TextEdit {
        span: node.span,
        replacement: to_styled_text(value, base, style),
    })
}

/// Inserts a new entry (already serialised by `render`, which receives the
/// indentation the entry starts at) at `index` of the container.
fn insert_entry(
    text: &str,
    container: &Node,
    pointer: &str,
    style: &Style,
    index: usize,
    render: impl FnOnce(&str) -> String,
) -> Result<TextEdit, EditError> {
    let entries =
        entry_spans(container).ok_or_else(|| EditError::NotAContainer(pointer.to_string()))?;
    let n = entries.len();
    if index > n {
        return Err(EditError::IndexOutOfRange {
            pointer: pointer.to_string(),
            index,
            len: n,
        });
    }
    if n == 0 {
        let open = container.span.start + 1;
        let close = container.span.end.saturating_sub(1).max(open);
        if style.compact {
            return Ok(TextEdit {
                span: Span::new(open, close),
                replacement: render(""),
            });
        }
        let outer = line_indent(text, container.span.start);
        let inner = format!("{outer}{}", style.indent);
        let body = render(&inner);
        return Ok(TextEdit {
            span: Span::new(open, close),
            replacement: format!("{nl}{inner}{body}{nl}{outer}", nl = style.newline),
        });
    }
    // Copy the white space that separates entries (after a comma); with a
    // single entry, the white space before it, or one space on one line.
    let neighbour = entries[index.min(n - 1)];
    let mut lead = if n >= 2 {
        lead_ws(text, entries[1].start).to_string()
    } else {
        lead_ws(text, entries[0].start).to_string()
    };
    if lead.is_empty() && !style.compact {
        lead = " ".into();
    }
    let inner = if lead.contains('\n') {
        lead.rsplit('\n').next().unwrap_or("").to_string()
    } else {
        line_indent(text, neighbour.start).to_string()
    };
    let body = render(&inner);
    if index == n {
        let at = entries[n - 1].end;
        Ok(TextEdit {
            span: Span::new(at, at),
            replacement: format!(",{lead}{body}"),
        })
    } else {
        let at = entries[index].start;
        Ok(TextEdit {
            span: Span::new(at, at),
            replacement: format!("{body},{lead}"),
        })
    }
}

/// Inserts `"key": value` into the object at `pointer`, at member `index`
/// (`None`: at the end).
pub fn insert_member(
    text: &str,
    root: &Node,
    style: &Style,
    pointer: &str,
    key: &str,
    value: &Value,
    index: Option<usize>,
) -> Result<TextEdit, EditError> {
    let obj = find(root, pointer)?;
    let members = obj
        .as_object()
        .ok_or_else(|| EditError::NotAContainer(pointer.to_string()))?;
    if members.iter().any(|m| m.key == key) {
        return Err(EditError::KeyExists(key.to_string()));
    }
    let index = index.unwrap_or(members.len());
    let key_json = Value::String(key.to_string()).to_string();
    insert_entry(text, obj, pointer, style, index, |base| {
        format!("{key_json}: {}", to_styled_text(value, base, style))
    })
}

/// Inserts `value` into the list at `pointer`, at `index` (`None`: at the end).
pub fn insert_item(
    text: &str,
    root: &Node,
    style: &Style,
    pointer: &str,
    value: &Value,
    index: Option<usize>,
) -> Result<TextEdit, EditError> {
    let arr = find(root, pointer)?;
    let items = arr
        .as_array()
        .ok_or_else(|| EditError::NotAContainer(pointer.to_string()))?;
    let index = index.unwrap_or(items.len());
    insert_entry(text, arr, pointer, style, index, |base| {
        to_styled_text(value, base, style)
    })
}

fn remove_entry(container: &Node, pointer: &str, index: usize) -> Result<TextEdit, EditError> {
    let entries =
        entry_spans(container).ok_or_else(|| EditError::NotAContainer(pointer.to_string()))?;
    let n = entries.len();
    if index >= n {
        return Err(EditError::IndexOutOfRange {
            pointer: pointer.to_string(),
            index,
            len: n,
        });
    }
    let span = if n == 1 {
        let open = container.span.start + 1;
        Span::new(open, container.span.end.saturating_sub(1).max(open))
    } else if index + 1 < n {
        Span::new(entries[index].start, entries[index + 1].start)
    } else {
        Span::new(entries[index - 1].end, entries[index].end)
    };
    Ok(TextEdit {
        span,
        replacement: String::new(),
    })
}

/// Removes the member `key` of the object at `pointer` (the last one, if the
/// key is duplicated).
pub fn remove_member(root: &Node, pointer: &str, key: &str) -> Result<TextEdit, EditError> {
    let obj = find(root, pointer)?;
    let members = obj
        .as_object()
        .ok_or_else(|| EditError::NotAContainer(pointer.to_string()))?;
    let index = members
        .iter()
        .rposition(|m| m.key == key)
        .ok_or_else(|| EditError::NotFound(super::child_pointer(pointer, key)))?;
    remove_entry(obj, pointer, index)
}

/// Removes item `index` of the list at `pointer`.
pub fn remove_item(root: &Node, pointer: &str, index: usize) -> Result<TextEdit, EditError> {
    let arr = find(root, pointer)?;
    if arr.as_array().is_none() {
        return Err(EditError::NotAContainer(pointer.to_string()));
    }
    remove_entry(arr, pointer, index)
}

/// Moves entry `from` of the container at `pointer` to position `to`,
/// keeping each entry's own text and the separators where they were.
pub fn move_entry(
    text: &str,
    root: &Node,
    pointer: &str,
    from: usize,
    to: usize,
) -> Result<TextEdit, EditError> {
    let node = find(root, pointer)?;
    let entries = entry_spans(node).ok_or_else(|| EditError::NotAContainer(pointer.to_string()))?;
    let n = entries.len();
    for i in [from, to] {
        if i >= n {
            return Err(EditError::IndexOutOfRange {
                pointer: pointer.to_string(),
                index: i,
                len: n,
            });
        }
    }
    let (lo, hi) = (from.min(to), from.max(to));
    let region = Span::new(entries[lo].start, entries[hi].end);
    let mut order: Vec<usize> = (lo..=hi).collect();
    let moved = order.remove(from - lo);
    order.insert(to - lo, moved);
    let mut out = String::with_capacity(region.len());
    for (k, &i) in order.iter().enumerate() {
        out.push_str(&text[entries[i].start..entries[i].end]);
        if k + lo < hi {
            let sep = Span::new(entries[lo + k].end, entries[lo + k + 1].start);
            out.push_str(&text[sep.start..sep.end]);
        }
    }
    Ok(TextEdit {
        span: region,
        replacement: out,
    })
}

/// Applies an edit to a string, returning the edit that undoes it.
pub fn apply(text: &mut String, edit: &TextEdit) -> TextEdit {
    let old = text[edit.span.start..edit.span.end].to_string();
    text.replace_range(edit.span.start..edit.span.end, &edit.replacement);
    TextEdit {
        span: Span::new(edit.span.start, edit.span.start + edit.replacement.len()),
        replacement: old,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse::parse;
    use serde_json::json;

    fn run(
        text: &str,
        f: impl FnOnce(&str, &Node, &Style) -> Result<TextEdit, EditError>,
    ) -> String {
        let root = parse(text).root.expect("root");
        let style = Style::detect(text);
        let edit = f(text, &root, &style).expect("edit");
        let mut out = text.to_string();
        let undo = apply(&mut out, &edit);
        let mut back = out.clone();
        apply(&mut back, &undo);
        assert_eq!(back, text, "undo restores the text");
        assert!(
            parse(&out).errors.is_empty(),
            "result is valid JSON:\n{out}"
        );
        out
    }

    #[test]
    fn append_member_copies_sibling_indentation() {
        let text = "{\n  \"A\": 1,\n  \"B\": [\n    {\"X\": 1}\n  ]\n}\n";
        let out = run(text, |t, r, s| {
            insert_member(t, r, s, "", "C", &json!({"K": "v"}), None)
        });
        assert_eq!(
            out,
            "{\n  \"A\": 1,\n  \"B\": [\n    {\"X\": 1}\n  ],\n  \"C\": {\n    \"K\": \"v\"\n  }\n}\n"
        );
    }

    #[test]
    fn insert_into_empty_list_and_crlf() {
        let text = "{\r\n\t\"L\": []\r\n}";
        let out = run(text, |t, r, s| {
            insert_item(t, r, s, "/L", &json!({"USERS": "a"}), None)
        });
        assert_eq!(
            out,
            "{\r\n\t\"L\": [\r\n\t\t{\r\n\t\t\t\"USERS\": \"a\"\r\n\t\t}\r\n\t]\r\n}"
        );
    }

    #[test]
    fn insert_first_and_remove_each_position() {
        let text = "{ \"L\": [1, 2, 3] }";
        assert_eq!(
            run(text, |t, r, s| insert_item(
                t,
                r,
                s,
                "/L",
                &json!(0),
                Some(0)
            )),
            "{ \"L\": [0, 1, 2, 3] }"
        );
        assert_eq!(
            run(text, |_, r, _| remove_item(r, "/L", 0)),
            "{ \"L\": [2, 3] }"
        );
        assert_eq!(
            run(text, |_, r, _| remove_item(r, "/L", 1)),
            "{ \"L\": [1, 3] }"
        );
        assert_eq!(
            run(text, |_, r, _| remove_item(r, "/L", 2)),
            "{ \"L\": [1, 2] }"
        );
        let one = "{ \"L\": [ 1 ] }";
        assert_eq!(run(one, |_, r, _| remove_item(r, "/L", 0)), "{ \"L\": [] }");
    }

    #[test]
    fn move_keeps_each_entry_text() {
        let text = "[\n  {\"a\": 1},\n  {\"b\":2},\n  3\n]";
        assert_eq!(
            run(text, |t, r, _| move_entry(t, r, "", 0, 2)),
            "[\n  {\"b\":2},\n  3,\n  {\"a\": 1}\n]"
        );
        assert_eq!(
            run(text, |t, r, _| move_entry(t, r, "", 2, 1)),
            "[\n  {\"a\": 1},\n  3,\n  {\"b\":2}\n]"
        );
    }

    #[test]
    fn set_value_changes_only_that_value() {
        let text = "{\"A\":   \"x\" , \"B\":2}";
        assert_eq!(
            run(text, |t, r, s| set_value(t, r, s, "/A", &json!("y;z"))),
            "{\"A\":   \"y;z\" , \"B\":2}"
        );
    }

    #[test]
    fn errors_are_reported() {
        let root = parse("{\"A\": [1]}").root.expect("root");
        let s = Style::default();
        assert!(matches!(
            remove_item(&root, "/A", 3),
            Err(EditError::IndexOutOfRange { .. })
        ));
        assert!(matches!(
            insert_member("", &root, &s, "/A", "k", &json!(1), None),
            Err(EditError::NotAContainer(_))
        ));
        assert!(matches!(
            insert_member("{\"A\": [1]}", &root, &s, "", "A", &json!(1), None),
            Err(EditError::KeyExists(_))
        ));
        assert!(matches!(
            remove_member(&root, "/Z", "k"),
            Err(EditError::NotFound(_))
        ));
    }
}
