//! An error-tolerant JSON parser that keeps the byte range of every key and
//! value.
//!
//! The VS License Manager reads standard JSON only, but admins write comments,
//! trailing commas and unquoted keys. This parser accepts those, records each
//! one as a [`SyntaxError`] at its exact place (with a fix where one is
//! obvious) and carries on, so the rest of the file can still be understood
//! and shown. It never panics and never recurses deeper than [`MAX_DEPTH`].
//!
//! This file builds values, objects and arrays; `scan.rs` reads the tokens
//! (white space, comments, strings, numbers) at the parser's position;
//! `syntax.rs` holds the parser's state and the errors both record.

use super::scan::{is_ident_byte, quote};
pub use super::syntax::{MAX_DEPTH, Parsed, SyntaxError, SyntaxKind, TextEdit};
use super::syntax::{Parser, shorten};
use super::{Member, Node, NodeKind, Span};

/// Parses `text`. A leading UTF-8 byte order mark is skipped.
pub fn parse(text: &str) -> Parsed {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        errors: Vec::new(),
        fatal: false,
    };
    if text.starts_with('\u{feff}') {
        p.pos = '\u{feff}'.len_utf8();
    }
    p.skip_ws();
    if p.pos >= p.src.len() {
        p.error(
            SyntaxKind::EmptyFile,
            Span::new(0, text.len()),
            "the file is empty; a ServerConfig.json must hold one JSON object `{ ... }`".into(),
        );
        return Parsed {
            root: None,
            errors: p.errors,
        };
    }
    let root = p.value(0);
    if !p.fatal {
        p.skip_ws();
        if p.pos < p.src.len() {
            let start = p.pos;
            p.error_with_fix(
                SyntaxKind::TrailingContent,
                Span::new(start, text.len()),
                "unexpected text after the end of the top-level value".into(),
                "remove the text after the last `}`",
                TextEdit {
                    span: Span::new(start, text.len()),
                    replacement: String::new(),
                },
            );
        }
    }
    Parsed {
        root: Some(root),
        errors: p.errors,
    }
}

impl Parser<'_> {
    pub(super) fn value(&mut self, depth: usize) -> Node {
        self.skip_ws();
        let start = self.pos;
        let Some(b) = self.peek() else {
            self.error(
                SyntaxKind::UnexpectedEnd,
                Span::new(start, start),
                "the file ends where a value was expected".into(),
            );
            self.fatal = true;
            return Node::invalid(Span::new(start, start));
        };
        if depth >= MAX_DEPTH && (b == b'{' || b == b'[') {
            self.error(
                SyntaxKind::TooDeep,
                Span::new(start, start + 1),
                format!("values are nested more than {MAX_DEPTH} levels deep; a ServerConfig.json needs three"),
            );
            self.fatal = true;
            return Node::invalid(Span::new(start, start + 1));
        }
        match b {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' | b'\'' => {
                let (s, span) = self.string();
                Node {
                    kind: NodeKind::String(s.into()),
                    span,
                }
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => self.number(),
            _ if is_ident_byte(b) => {
                let word_end = self.word_end(self.pos);
                let word = &self.text[start..word_end];
                self.pos = word_end;
                let span = Span::new(start, word_end);
                match word {
                    "true" => Node {
                        kind: NodeKind::Bool(true),
                        span,
                    },
                    "false" => Node {
                        kind: NodeKind::Bool(false),
                        span,
                    },
                    "null" => Node {
                        kind: NodeKind::Null,
                        span,
                    },
                    _ => {
                        let msg = match word.to_ascii_lowercase().as_str() {
                            "true" | "false" | "null" => format!(
                                "`{word}` is not valid JSON; write `{}` in lower case",
                                word.to_ascii_lowercase()
                            ),
                            _ => format!(
                                "unexpected `{}`; text values must be in double quotes",
                                shorten(word)
                            ),
                        };
                        let fix_text = match word.to_ascii_lowercase().as_str() {
                            l @ ("true" | "false" | "null") => l.to_string(),
                            _ => quote(word),
                        };
                        self.error_with_fix(
                            SyntaxKind::UnexpectedToken,
                            span,
                            msg,
                            "quote or correct the value",
                            TextEdit {
                                span,
                                replacement: fix_text,
                            },
                        );
                        Node::invalid(span)
                    }
                }
            }
            _ => {
                let ch = self.char_at(start);
                let end = start + ch.len_utf8();
                self.pos = end;
                self.error(
                    SyntaxKind::UnexpectedToken,
                    Span::new(start, end),
                    format!(
                        "unexpected `{}` where a value was expected",
                        ch.escape_debug()
                    ),
                );
                Node::invalid(Span::new(start, end))
            }
        }
    }

    fn object(&mut self, depth: usize) -> Node {
        let open = self.pos;
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        let mut last_comma: Option<usize> = None;
        loop {
            if self.fatal {
                return Node {
                    kind: NodeKind::Object(members),
                    span: Span::new(open, self.pos),
                };
            }
            self.skip_ws();
            let Some(b) = self.peek() else {
                self.unclosed(open, '}');
                return Node {
                    kind: NodeKind::Object(members),
                    span: Span::new(open, self.pos),
                };
            };
            if b == b'}' {
                if let Some(c) = last_comma {
                    self.trailing_comma(c);
                }
                self.pos += 1;
                // A rule object has two or three members: room for four
                // (the first growth) would be a third of a large file's tree.
                members.shrink_to_fit();
                return Node {
                    kind: NodeKind::Object(members),
                    span: Span::new(open, self.pos),
                };
            }
            if b == b',' {
                // An extra comma: `{ "A": 1,, "B": 2 }` or `{ , }`.
                let c = self.pos;
                self.pos += 1;
                self.error_with_fix(
                    SyntaxKind::UnexpectedToken,
                    Span::new(c, c + 1),
                    "unexpected `,`; expected a key in double quotes".into(),
                    "remove the comma",
                    TextEdit {
                        span: Span::new(c, c + 1),
                        replacement: String::new(),
                    },
                );
                continue;
            }
            if !members.is_empty() && last_comma.is_none() {
                let at = members.last().map_or(self.pos, |m| m.value.span.end);
                self.missing_comma(at);
            }
            last_comma = None;
            let key_start = self.pos;
            let (key, key_span) = match b {
                b'"' | b'\'' => self.string(),
                _ if is_ident_byte(b) => {
                    let end = self.word_end(key_start);
                    let word = self.text[key_start..end].to_string();
                    self.pos = end;
                    let span = Span::new(key_start, end);
                    self.error_with_fix(
                        SyntaxKind::UnquotedKey,
                        span,
                        format!("key `{}` must be in double quotes", shorten(&word)),
                        "put the key in double quotes",
                        TextEdit {
                            span,
                            replacement: quote(&word),
                        },
                    );
                    (word, span)
                }
                _ => {
                    let ch = self.char_at(key_start);
                    let end = key_start + ch.len_utf8();
                    self.error(
                        SyntaxKind::UnexpectedToken,
                        Span::new(key_start, end),
                        format!(
                            "unexpected `{}`; expected a key in double quotes or `}}`",
                            ch.escape_debug()
                        ),
                    );
                    // Skip the character; a value may follow that we still read.
                    self.pos = end;
                    continue;
                }
            };
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(b'=') => {
                    let at = self.pos;
                    self.pos += 1;
                    self.error_with_fix(
                        SyntaxKind::MissingColon,
                        Span::new(at, at + 1),
                        "expected `:` between a key and its value".into(),
                        "replace with `:`",
                        TextEdit {
                            span: Span::new(at, at + 1),
                            replacement: ":".into(),
                        },
                    );
                }
                _ => {
                    let at = key_span.end;
                    self.error_with_fix(
                        SyntaxKind::MissingColon,
                        Span::new(at, at),
                        format!("expected `:` after the key \"{}\"", shorten(&key)),
                        "insert `:`",
                        TextEdit {
                            span: Span::new(at, at),
                            replacement: ":".into(),
                        },
                    );
                    // If what follows cannot start a value, drop this member.
                    match self.peek() {
                        None | Some(b'}' | b',') => {
                            let value = Node::invalid(Span::new(at, at));
                            members.push(Member {
                                key: key.into(),
                                key_span,
                                value,
                            });
                            if self.peek() == Some(b',') {
                                last_comma = Some(self.pos);
                                self.pos += 1;
                            }
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            let value = self.value(depth + 1);
            members.push(Member {
                key: key.into(),
                key_span,
                value,
            });
            if self.fatal {
                continue;
            }
            self.skip_ws();
            if self.peek() == Some(b',') {
                last_comma = Some(self.pos);
                self.pos += 1;
            }
        }
    }

    fn array(&mut self, depth: usize) -> Node {
        let open = self.pos;
        self.pos += 1;
        let mut items: Vec<Node> = Vec::new();
        let mut last_comma: Option<usize> = None;
        loop {
            if self.fatal {
                return Node {
                    kind: NodeKind::Array(items),
                    span: Span::new(open, self.pos),
                };
            }
            self.skip_ws();
            let Some(b) = self.peek() else {
                self.unclosed(open, ']');
                return Node {
                    kind: NodeKind::Array(items),
                    span: Span::new(open, self.pos),
                };
            };
            if b == b']' {
                if let Some(c) = last_comma {
                    self.trailing_comma(c);
                }
                self.pos += 1;
                items.shrink_to_fit();
                return Node {
                    kind: NodeKind::Array(items),
                    span: Span::new(open, self.pos),
                };
            }
            if b == b',' {
                let c = self.pos;
                self.pos += 1;
                self.error_with_fix(
                    SyntaxKind::UnexpectedToken,
                    Span::new(c, c + 1),
                    "unexpected `,`; expected a value".into(),
                    "remove the comma",
                    TextEdit {
                        span: Span::new(c, c + 1),
                        replacement: String::new(),
                    },
                );
                continue;
            }
            if b == b'}' {
                // A stray closing brace: report it and skip it.
                let c = self.pos;
                self.pos += 1;
                self.error(
                    SyntaxKind::UnexpectedToken,
                    Span::new(c, c + 1),
                    "unexpected `}` inside a list; expected a value or `]`".into(),
                );
                continue;
            }
            if !items.is_empty() && last_comma.is_none() {
                let at = items.last().map_or(self.pos, |v| v.span.end);
                self.missing_comma(at);
            }
            last_comma = None;
            let item = self.value(depth + 1);
            items.push(item);
            if self.fatal {
                continue;
            }
            self.skip_ws();
            if self.peek() == Some(b',') {
                last_comma = Some(self.pos);
                self.pos += 1;
            }
        }
    }

    fn unclosed(&mut self, open: usize, close: char) {
        let what = if close == '}' { "object" } else { "list" };
        self.error(
            SyntaxKind::UnexpectedEnd,
            Span::new(self.src.len(), self.src.len()),
            {
                let (line, col) = super::LineIndex::new(self.text).line_col(open);
                format!(
                    "the file ends inside the {what} opened at {line}:{col}; expected `{close}`"
                )
            },
        );
        // The opening position is reported through the span of the related
        // node; the message names it for the text output.
        self.fatal = true;
    }

    fn trailing_comma(&mut self, at: usize) {
        self.error_with_fix(
            SyntaxKind::TrailingComma,
            Span::new(at, at + 1),
            "trailing comma: standard JSON does not allow a comma before `]` or `}`".into(),
            "remove the comma",
            TextEdit {
                span: Span::new(at, at + 1),
                replacement: String::new(),
            },
        );
    }

    fn missing_comma(&mut self, at: usize) {
        self.error_with_fix(
            SyntaxKind::MissingComma,
            Span::new(at, at),
            "expected `,` between two entries".into(),
            "insert `,`",
            TextEdit {
                span: Span::new(at, at),
                replacement: ",".into(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan::parse_number;
    use super::*;

    fn kinds(text: &str) -> Vec<SyntaxKind> {
        parse(text).errors.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn standard_json_has_no_errors() {
        let p = parse(r#"{"A": [1, -2.5e3, "x\n\u00e9"], "B": {"C": null, "D": true}}"#);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let root = p.root.expect("root");
        let NodeKind::Object(m) = &root.kind else {
            panic!("not an object")
        };
        assert_eq!(m[0].key, "A");
        let NodeKind::Array(items) = &m[0].value.kind else {
            panic!()
        };
        assert_eq!(items.len(), 3);
        assert_eq!(items[2].kind, NodeKind::String("x\né".into()));
    }

    #[test]
    fn lenient_constructs_are_reported_and_parsed() {
        let text = "{\n // note\n A: 'x',\n \"B\": [1,2,],\n}";
        let p = parse(text);
        let k: Vec<_> = p.errors.iter().map(|e| e.kind).collect();
        assert_eq!(
            k,
            vec![
                SyntaxKind::Comment,
                SyntaxKind::UnquotedKey,
                SyntaxKind::SingleQuotedString,
                SyntaxKind::TrailingComma,
                SyntaxKind::TrailingComma
            ]
        );
        let root = p.root.expect("root");
        let NodeKind::Object(m) = &root.kind else {
            panic!()
        };
        assert_eq!(m[0].key, "A");
        assert_eq!(m[0].value.kind, NodeKind::String("x".into()));
        // The trailing comma in the list is at its exact byte.
        let tc = &p.errors[3];
        assert_eq!(&text[tc.span.start..tc.span.end], ",");
        assert_eq!(tc.span.start, text.find("2,]").map(|i| i + 1).unwrap_or(0));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let p = parse(&text);
        assert!(kinds(&text).contains(&SyntaxKind::TooDeep));
        assert!(p.root.is_some());
    }

    #[test]
    fn numbers_follow_the_grammar() {
        assert!(parse_number("0").is_ok());
        assert!(parse_number("-0.5e-3").is_ok());
        assert_eq!(parse_number("12").map(|n| n.int), Ok(Some(12)));
        assert!(parse_number("012").is_err());
        assert!(parse_number("+1").is_err());
        assert!(parse_number("1.").is_err());
        assert!(parse_number("1e999").is_err());
        assert!(parse_number("12px").is_err());
    }

    #[test]
    fn unterminated_inputs_end_cleanly() {
        for t in [
            "{",
            "{\"A\"",
            "{\"A\":",
            "{\"A\": \"x",
            "[1,",
            "{\"A\": [",
            "\"",
            "/*",
        ] {
            let p = parse(t);
            assert!(!p.errors.is_empty(), "{t:?} should report an error");
        }
    }

    #[test]
    fn missing_comma_and_colon_are_found() {
        assert!(kinds("{\"A\": 1 \"B\": 2}").contains(&SyntaxKind::MissingComma));
        assert!(kinds("{\"A\" 1}").contains(&SyntaxKind::MissingColon));
        assert!(kinds("[1 2]").contains(&SyntaxKind::MissingComma));
    }

    #[test]
    fn windows_paths_get_an_escape_fix() {
        let p = parse(r#"{"LOG_PATH": "C:\Logs"}"#);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].kind, SyntaxKind::InvalidEscape);
        let (_, edit) = p.errors[0].fix.clone().expect("fix");
        assert_eq!(edit.replacement, "\\\\L");
    }
}
