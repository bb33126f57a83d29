//! The scanner half of the parser: white space and comments, strings
//! with their escapes, numbers and bare words, each read at the parser's
//! position, with every lexical error recorded where it is (and its fix).
//! `parse.rs` builds values, objects and arrays from these.

use super::syntax::{Parser, SyntaxKind, TextEdit, shorten};
use super::{Node, NodeKind, Number, Span};

/// How many bytes at the start of `b` are none of `stops` and, with
/// `controls`, no control character (below U+0020): the run a string
/// scan can step over without looking at each byte. Eight bytes at a
/// time; exact (a word that may hold a stop is looked at byte by byte).
fn plain_run(b: &[u8], stops: [u8; 3], controls: bool) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // A high bit for every zero byte (and, after the first, maybe more):
    // zero or not is exact, which is all the loop asks.
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut i = 0;
    while let Some(word) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let v = u64::from_le_bytes(word);
        // Any byte below 0x20 (exact in the same way).
        let control = if controls {
            v.wrapping_sub(LO * 0x20) & !v & HI
        } else {
            0
        };
        let hit = stops
            .iter()
            .fold(control, |acc, &s| acc | zero(v ^ (LO * u64::from(s))));
        if hit != 0 {
            break;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if stops.contains(&c) || (controls && c < 0x20) {
            break;
        }
        i += 1;
    }
    i
}

impl Parser<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Skips white space and comments (reporting each comment).
    pub(super) fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if self.src.get(self.pos + 1) == Some(&b'/') => {
                    let start = self.pos;
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                    let end = if self.src[start..self.pos].ends_with(b"\r") {
                        self.pos - 1
                    } else {
                        self.pos
                    };
                    self.comment(start, end);
                }
                b'/' if self.src.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    self.pos += 2;
                    let mut closed = false;
                    while self.pos < self.src.len() {
                        if self.src[self.pos] == b'*' && self.src.get(self.pos + 1) == Some(&b'/') {
                            self.pos += 2;
                            closed = true;
                            break;
                        }
                        self.pos += 1;
                    }
                    if closed {
                        self.comment(start, self.pos);
                    } else {
                        self.error(
                            SyntaxKind::Comment,
                            Span::new(start, self.pos),
                            "comment `/* ...` is never closed, and JSON does not allow comments; \
                             use a \"COMMENT\" key in the rule instead"
                                .into(),
                        );
                    }
                }
                _ => break,
            }
        }
    }

    pub(super) fn comment(&mut self, start: usize, end: usize) {
        self.error_with_fix(
            SyntaxKind::Comment,
            Span::new(start, end),
            "comments are not standard JSON and the server rejects the file; \
             use a \"COMMENT\" key in the rule instead"
                .into(),
            "remove the comment",
            TextEdit {
                span: Span::new(start, end),
                replacement: String::new(),
            },
        );
    }

    pub(super) fn char_at(&self, pos: usize) -> char {
        self.text[pos..].chars().next().unwrap_or('\u{fffd}')
    }

    pub(super) fn word_end(&self, mut pos: usize) -> usize {
        while pos < self.src.len() && is_ident_byte(self.src[pos]) {
            pos += 1;
        }
        // Stay on a character boundary even if the word ends inside one.
        while !self.text.is_char_boundary(pos) {
            pos += 1;
        }
        pos
    }

    /// Reads a string starting at the current quote. Returns the decoded
    /// text and the span including the quotes.
    pub(super) fn string(&mut self) -> (String, Span) {
        let start = self.pos;
        let quote_byte = self.src[start];
        self.pos += 1;
        let mut out = String::new();
        let mut seg_start = self.pos;
        loop {
            self.pos += plain_run(&self.src[self.pos..], [quote_byte, b'\\', quote_byte], true);
            let Some(b) = self.peek() else {
                out.push_str(&self.text[seg_start..self.pos]);
                self.error(
                    SyntaxKind::UnterminatedString,
                    Span::new(start, self.pos),
                    "text is never closed: the file ends before the closing `\"`".into(),
                );
                self.fatal = true;
                return (out, Span::new(start, self.pos));
            };
            if b == quote_byte {
                out.push_str(&self.text[seg_start..self.pos]);
                self.pos += 1;
                break;
            }
            match b {
                b'\\' => {
                    out.push_str(&self.text[seg_start..self.pos]);
                    self.escape(&mut out);
                    seg_start = self.pos;
                }
                b'\n' | b'\r' => {
                    // A line break inside a string: almost always a missing quote.
                    out.push_str(&self.text[seg_start..self.pos]);
                    self.error(
                        SyntaxKind::UnterminatedString,
                        Span::new(start, self.pos),
                        "text is not closed before the end of the line; add the closing `\"`"
                            .into(),
                    );
                    return (out, Span::new(start, self.pos));
                }
                0x00..=0x1f => {
                    let at = self.pos;
                    self.error_with_fix(
                        SyntaxKind::ControlCharacter,
                        Span::new(at, at + 1),
                        format!(
                            "control character U+{:04X} inside text is not allowed in JSON",
                            b
                        ),
                        "replace it with its escape",
                        TextEdit {
                            span: Span::new(at, at + 1),
                            replacement: format!("\\u{:04x}", b),
                        },
                    );
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        let span = Span::new(start, self.pos);
        if quote_byte == b'\'' {
            let mut fixed = String::with_capacity(out.len() + 2);
            fixed.push_str(&serde_json::to_string(&out).unwrap_or_default());
            self.error_with_fix(
                SyntaxKind::SingleQuotedString,
                span,
                "text must be in double quotes `\"...\"`, not single quotes".into(),
                "use double quotes",
                TextEdit {
                    span,
                    replacement: fixed,
                },
            );
        }
        (out, span)
    }

    pub(super) fn escape(&mut self, out: &mut String) {
        let at = self.pos;
        self.pos += 1; // the backslash
        let Some(e) = self.peek() else {
            return; // the caller reports the unterminated string
        };
        self.pos += 1;
        match e {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'\'' => out.push('\''),
            b'u' => match self.hex4() {
                Some(hi @ 0xD800..=0xDBFF) => {
                    if self.src.get(self.pos) == Some(&b'\\')
                        && self.src.get(self.pos + 1) == Some(&b'u')
                    {
                        let save = self.pos;
                        self.pos += 2;
                        match self.hex4() {
                            Some(lo @ 0xDC00..=0xDFFF) => {
                                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                            }
                            _ => {
                                self.pos = save;
                                self.lone_surrogate(at);
                                out.push('\u{fffd}');
                            }
                        }
                    } else {
                        self.lone_surrogate(at);
                        out.push('\u{fffd}');
                    }
                }
                Some(0xDC00..=0xDFFF) => {
                    self.lone_surrogate(at);
                    out.push('\u{fffd}');
                }
                Some(c) => out.push(char::from_u32(c).unwrap_or('\u{fffd}')),
                None => {
                    self.error(
                        SyntaxKind::InvalidEscape,
                        Span::new(at, self.pos),
                        "`\\u` must be followed by four hexadecimal digits".into(),
                    );
                    out.push('\u{fffd}');
                }
            },
            _ => {
                // Keep char boundaries: an escape of a multi-byte character.
                while !self.text.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
                let esc = &self.text[at..self.pos];
                let mut literal = String::from("\\\\");
                literal.push_str(&esc[1..]);
                self.error_with_fix(
                    SyntaxKind::InvalidEscape,
                    Span::new(at, self.pos),
                    format!(
                        "`{esc}` is not a JSON escape; write a backslash as `\\\\` (Windows paths: `C:\\\\Logs`)"
                    ),
                    "double the backslash",
                    TextEdit {
                        span: Span::new(at, self.pos),
                        replacement: literal,
                    },
                );
                out.push_str(&esc[1..]);
            }
        }
    }

    pub(super) fn lone_surrogate(&mut self, at: usize) {
        self.error(
            SyntaxKind::InvalidEscape,
            Span::new(at, at + 6),
            "this `\\u` escape is half of a surrogate pair without its other half; it is not a character".into(),
        );
    }

    pub(super) fn hex4(&mut self) -> Option<u32> {
        let digits = self.src.get(self.pos..self.pos + 4)?;
        let s = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        self.pos += 4;
        Some(v)
    }

    pub(super) fn number(&mut self) -> Node {
        let start = self.pos;
        let mut end = start;
        while end < self.src.len()
            && matches!(
                self.src[end],
                b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
            )
        {
            end += 1;
        }
        // Letters glued to a number (`12px`) belong to the bad token.
        let tail = self.word_end(end);
        self.pos = tail;
        let span = Span::new(start, tail);
        let raw = &self.text[start..tail];
        match parse_number(raw) {
            Ok(n) => Node {
                kind: NodeKind::Number(n),
                span,
            },
            Err(why) => {
                self.error(
                    SyntaxKind::InvalidNumber,
                    span,
                    format!("`{}` is not a valid JSON number: {why}", shorten(raw)),
                );
                Node::invalid(span)
            }
        }
    }
}

pub(super) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'-' || b >= 0x80
}

/// Validates a number token against the JSON grammar and converts it.
pub(super) fn parse_number(raw: &str) -> Result<Number, &'static str> {
    let b = raw.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    } else if b.get(i) == Some(&b'+') {
        return Err("a leading `+` is not allowed");
    }
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            if matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err("leading zeros are not allowed");
            }
        }
        Some(b'1'..=b'9') => {
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        _ => return Err("expected a digit"),
    }
    let mut integral = true;
    if b.get(i) == Some(&b'.') {
        integral = false;
        i += 1;
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err("expected a digit after `.`");
        }
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        integral = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err("expected a digit in the exponent");
        }
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    if i != b.len() {
        return Err("unexpected characters");
    }
    let value: f64 = raw.parse().map_err(|_| "not a number")?;
    if !value.is_finite() {
        return Err("it is too large");
    }
    let int = if integral {
        raw.parse::<i64>().ok()
    } else {
        None
    };
    Ok(Number { value, int })
}

pub(super) fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

#[cfg(test)]
mod tests {
    use super::plain_run;
    use proptest::prelude::*;

    /// The run, one byte at a time.
    fn by_bytes(b: &[u8], stops: [u8; 3], controls: bool) -> usize {
        b.iter()
            .position(|&c| stops.contains(&c) || (controls && c < 0x20))
            .unwrap_or(b.len())
    }

    proptest! {
        #[test]
        fn eight_bytes_at_a_time_stop_where_one_at_a_time_does(
            b in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b'\\'), Just(b'\n'), Just(0x1fu8), Just(0x20u8),
                    Just(0x7fu8), Just(0x80u8), Just(0xffu8), any::<u8>(), 0x21u8..0x7e],
                0..40,
            ),
            controls: bool,
        ) {
            for stops in [[b'"', b'\\', b'"'], [b'"', b'\\', b'\n'], [b'\'', b'\\', b'\'']] {
                prop_assert_eq!(plain_run(&b, stops, controls), by_bytes(&b, stops, controls));
            }
        }

        #[test]
        fn a_long_plain_run_then_anything(
            plain in "[a-zA-Z0-9 ;.*é]{0,30}",
            tail in proptest::collection::vec(any::<u8>(), 0..12),
            controls: bool,
        ) {
            let b = [plain.as_bytes(), &tail].concat();
            for stops in [[b'"', b'\\', b'"'], [b'"', b'\\', b'\n']] {
                prop_assert_eq!(plain_run(&b, stops, controls), by_bytes(&b, stops, controls));
            }
        }
    }
}
