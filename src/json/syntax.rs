//! The parser's state and what it records: the syntax errors, each with its
//! place and, where one is certain, the edit that fixes it. `scan.rs` reads
//! tokens and `parse.rs` builds values over this state; neither imports the
//! other's internals through here.

use super::{Node, Span};

/// Deepest nesting accepted. A `ServerConfig.json` needs three levels; the
/// limit only exists so that hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 128;

/// What kind of syntax problem was found. Mapped onto diagnostic codes by the
/// validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxKind {
    EmptyFile,
    TrailingComma,
    Comment,
    UnquotedKey,
    SingleQuotedString,
    MissingComma,
    MissingColon,
    UnterminatedString,
    InvalidEscape,
    ControlCharacter,
    InvalidNumber,
    UnexpectedEnd,
    UnexpectedToken,
    TooDeep,
    TrailingContent,
}

/// A replacement of a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxKind,
    pub span: Span,
    pub message: String,
    /// A label and the edit that repairs the problem, where one is certain.
    pub fix: Option<(String, TextEdit)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The root value; `None` only for an empty file or one cut short by a
    /// fatal error before any value started.
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
}

impl TextEdit {
    /// Moves the edit's span as [`Span::shift`] does.
    pub fn shift(&mut self, at: usize, delta: isize) {
        self.span.shift(at, delta);
    }
}

impl SyntaxError {
    /// Moves the error and its fix as [`Span::shift`] does.
    pub fn shift(&mut self, at: usize, delta: isize) {
        self.span.shift(at, delta);
        if let Some((_, edit)) = &mut self.fix {
            edit.shift(at, delta);
        }
    }
}

pub(super) struct Parser<'a> {
    pub(super) src: &'a [u8],
    pub(super) text: &'a str,
    pub(super) pos: usize,
    pub(super) errors: Vec<SyntaxError>,
    /// Set when parsing cannot continue meaningfully (too deep, end of input
    /// inside a container). Every loop checks it and unwinds.
    pub(super) fatal: bool,
}

impl<'a> Parser<'a> {
    pub(super) fn error(&mut self, kind: SyntaxKind, span: Span, message: String) {
        self.errors.push(SyntaxError {
            kind,
            span,
            message,
            fix: None,
        });
    }

    pub(super) fn error_with_fix(
        &mut self,
        kind: SyntaxKind,
        span: Span,
        message: String,
        label: &str,
        edit: TextEdit,
    ) {
        self.errors.push(SyntaxError {
            kind,
            span,
            message,
            fix: Some((label.to_string(), edit)),
        });
    }
}

/// Cuts long tokens for messages.
pub(super) fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
