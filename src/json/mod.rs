//! Lossless JSON: a tolerant parser that keeps source ranges, line/column
//! mapping, JSON Pointers, and text-splicing edits.
//!
//! The document text is the single source of truth. The tree produced by
//! [`parse::parse`] is a view of it; edits are splices of the text, after
//! which the tree is parsed again. Everything the model does not understand
//! (unknown keys, order, formatting) therefore survives untouched.

pub mod edit;
pub mod parse;
mod scan;
mod syntax;

use std::fmt::Write as _;

/// A half-open byte range `start..end` into the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The span after the text from `at` on moved by `delta` bytes (an edit
    /// that ended at `at` changed the length by `delta`). Positions before
    /// `at` stay.
    pub fn shifted(self, at: usize, delta: isize) -> Span {
        Span {
            start: shift_pos(self.start, at, delta),
            end: shift_pos(self.end, at, delta),
        }
    }

    /// [`shifted`](Self::shifted) in place.
    pub fn shift(&mut self, at: usize, delta: isize) {
        *self = self.shifted(at, delta);
    }
}

/// A byte position after an edit that ended at `at` and changed the length
/// of the text by `delta`.
pub fn shift_pos(pos: usize, at: usize, delta: isize) -> usize {
    if pos >= at {
        pos.saturating_add_signed(delta)
    } else {
        pos
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    /// Set when the token is an integer literal that fits in `i64`.
    pub int: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Number(Number),
    String(compact_str::CompactString),
    Array(Vec<Node>),
    Object(Vec<Member>),
    /// A value that could not be parsed (already reported as a syntax error).
    Invalid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: compact_str::CompactString,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn invalid(span: Span) -> Self {
        Node {
            kind: NodeKind::Invalid,
            span,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member of an object with this key. With duplicate keys the last
    /// one wins, as in most JSON readers (a duplicate is reported anyway).
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    /// Moves every span of the tree as [`Span::shift`] does.
    pub fn shift(&mut self, at: usize, delta: isize) {
        // Spans that end before the edit have nothing after it to move.
        if self.span.end < at {
            return;
        }
        self.span.shift(at, delta);
        match &mut self.kind {
            NodeKind::Array(items) => {
                for item in items {
                    item.shift(at, delta);
                }
            }
            NodeKind::Object(members) => {
                for m in members {
                    m.key_span.shift(at, delta);
                    m.value.shift(at, delta);
                }
            }
            _ => {}
        }
    }

    /// A name for the JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "true/false",
            NodeKind::Number(_) => "a number",
            NodeKind::String(_) => "text",
            NodeKind::Array(_) => "a list `[...]`",
            NodeKind::Object(_) => "an object `{...}`",
            NodeKind::Invalid => "an invalid value",
        }
    }

    /// Follows a JSON Pointer (RFC 6901).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = self;
        for raw in rest.split('/') {
            let token = unescape_token(raw);
            node = match &node.kind {
                NodeKind::Object(_) => &node.get(&token)?.value,
                NodeKind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Converts to a `serde_json::Value` (invalid parts become `null`; the
    /// last of duplicate keys wins).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null | NodeKind::Invalid => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => match n.int {
                Some(i) => Value::from(i),
                None => serde_json::Number::from_f64(n.value).map_or(Value::Null, Value::Number),
            },
            NodeKind::String(s) => Value::String(s.to_string()),
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Object(members) => {
                let mut map = serde_json::Map::with_capacity(members.len());
                for m in members {
                    // Remove first so the value lands in the position of the
                    // last occurrence, matching `get`.
                    map.shift_remove(m.key.as_str());
                    map.insert(m.key.to_string(), m.value.to_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// Escapes one reference token of a JSON Pointer.
pub fn escape_token(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Builds a pointer from a parent pointer and a key or index.
pub fn child_pointer(parent: &str, token: impl std::fmt::Display) -> String {
    let mut s = String::with_capacity(parent.len() + 16);
    s.push_str(parent);
    s.push('/');
    let t = token.to_string();
    s.push_str(&escape_token(&t));
    s
}

/// Maps byte offsets to 1-based line and column (columns count characters,
/// not bytes; a leading byte order mark is not counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    bom: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = vec![bom];
        starts.extend(newline_positions(text.as_bytes()).map(|i| i + 1));
        LineIndex { starts, bom }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn line_col_in(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len()).max(self.bom.min(offset));
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts[line].min(offset);
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// [`line_col_in`](Self::line_col_in) of many offsets at once (the
    /// same answers, a property test holds it), in one
    /// sweep: linear in the text and the offsets (after sorting them),
    /// where one call each would count the characters of a long line again
    /// for every offset on it (quadratic on a minified file).
    pub fn line_cols_in(&self, text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![(1, 1); offsets.len()];
        // (line, offset, column counted from the line's start to it)
        let mut cursor: Option<(usize, usize, usize)> = None;
        for i in order {
            let offset = offsets[i].min(text.len()).max(self.bom.min(offsets[i]));
            let line = match self.starts.binary_search(&offset) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
            let start = self.starts[line].min(offset);
            if !text.is_char_boundary(offset) {
                // As `line_col_in` counts it: bytes, the cursor kept.
                out[i] = (line + 1, offset - start + 1);
                continue;
            }
            let (from, base) = match cursor {
                Some((l, at, col)) if l == line && at >= start && at <= offset => (at, col),
                _ => (start, 0),
            };
            let col = base
                + text
                    .get(from..offset)
                    .map_or(offset - from, |s| s.chars().count());
            cursor = Some((line, offset, col));
            out[i] = (line + 1, col + 1);
        }
        out
    }

    /// Like [`line_col_in`](Self::line_col_in) but counts bytes for the column
    /// when the text is not at hand (only used in messages inside the parser).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        (line + 1, offset.saturating_sub(self.starts[line]) + 1)
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let mut end = self.starts.get(i + 1).map_or(text.len(), |n| n - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Follows an edit that ended at `at`, changed the length by `delta` and
    /// neither removed nor added a line break.
    pub fn shift(&mut self, at: usize, delta: isize) {
        let first = self.starts.partition_point(|&s| s < at);
        for s in &mut self.starts[first..] {
            *s = shift_pos(*s, at, delta);
        }
    }
}

fn newline_positions(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

/// Serialises a JSON value as text in the document's style. `base` is the
/// indentation of the line the value starts on, `unit` one level of
/// indentation, `newline` the line ending. Objects are written one member per
/// line, lists of scalars on one line. With `compact`, everything is on one
/// line (for files that are written on one line).
pub fn to_styled_text(value: &serde_json::Value, base: &str, style: &edit::Style) -> String {
    if style.compact {
        return value.to_string();
    }
    let mut out = String::new();
    write_styled(&mut out, value, base, style);
    out
}

fn write_styled(out: &mut String, value: &serde_json::Value, base: &str, style: &edit::Style) {
    use serde_json::Value;
    let inner = format!("{base}{}", style.indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(style.newline);
                out.push_str(&inner);
                let _ = write!(out, "{}: ", Value::String(k.clone()));
                write_styled(out, v, &inner, style);
            }
            out.push_str(style.newline);
            out.push_str(base);
            out.push('}');
        }
        Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(style.newline);
                out.push_str(&inner);
                write_styled(out, v, &inner, style);
            }
            out.push_str(style.newline);
            out.push_str(base);
            out.push(']');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_styled(out, v, base, style);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters_and_skips_bom() {
        let text = "\u{feff}{\r\n  \"é\": 1\n}";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col_in(text, 3), (1, 1));
        let one = text.find('1').unwrap_or(0);
        assert_eq!(idx.line_col_in(text, one), (2, 8));
        assert_eq!(idx.line_span(text, 1), Span::new(3, 4));
    }

    #[test]
    fn pointers_resolve_and_escape() {
        let p = parse::parse(r#"{"a/b": [{"c~d": 5}]}"#);
        let root = p.root.expect("root");
        let n = root.pointer("/a~1b/0/c~0d").expect("found");
        assert!(matches!(
            n.kind,
            NodeKind::Number(Number { int: Some(5), .. })
        ));
        assert_eq!(child_pointer("/x", "a/b"), "/x/a~1b");
        assert!(root.pointer("/a~1b/1").is_none());
    }

    #[test]
    fn duplicate_keys_last_wins_everywhere() {
        let p = parse::parse(r#"{"A": 1, "B": 2, "A": 3}"#);
        let root = p.root.expect("root");
        assert!(matches!(
            root.pointer("/A").map(|n| &n.kind),
            Some(NodeKind::Number(Number { int: Some(3), .. }))
        ));
        let v = root.to_value();
        assert_eq!(v["A"], 3);
    }
}

#[cfg(test)]
mod line_cols_tests {
    use super::LineIndex;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn line_cols_agree_with_one_look_up_each(
            text in "(\u{feff})?[a-zé€\n\r 😀]{0,60}",
            offsets in prop::collection::vec(0usize..80, 0..20),
        ) {
            let index = LineIndex::new(&text);
            let swept = index.line_cols_in(&text, &offsets);
            for (o, got) in offsets.iter().zip(swept) {
                prop_assert_eq!(got, index.line_col_in(&text, *o), "offset {}", o);
            }
        }
    }
}
