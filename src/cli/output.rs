//! Everything the command line prints goes through here.
//!
//! Promises (tests in `tests/it/cli.rs`, `tests/it/adversarial.rs`):
//! - **The file cannot drive the terminal.** Text output escapes every
//!   control character (ESC, BEL, `\r`, C1 controls such as CSI, DEL) and
//!   every bidirectional formatting character (U+202E and its kin) as
//!   `\u{..}`, like ripgrep and git: an OSC 8 hyperlink or a cursor move in
//!   a feature name is shown, not obeyed. Fields that should be one line (a
//!   message, a case name, a trace line) escape `\n` and `\t` too
//!   ([`one_line`]). JSON and SARIF stay the exact same JSON values: the
//!   characters JSON may carry raw are written as `\uXXXX` escapes instead.
//! - **A closed pipe is not a crash.** `privy check big.json | head -1`
//!   ends quietly with the exit status the command would have had.
//! - **A full disk is an error.** A failed write says so on standard error
//!   and exits 2.

use std::borrow::Cow;
use std::io::Write as _;

use super::EXIT_UNREADABLE;

/// Characters that must never reach a terminal raw: controls (C0 but `\n`
/// and `\t`, DEL, C1) and the bidirectional formatting characters.
pub(crate) fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi(c)
}

pub(crate) fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}'
    )
}

fn escape_where(s: &str, bad: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if bad(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.extend(c.escape_unicode()),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal: line breaks and tabs kept, everything that could
/// drive the terminal escaped.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    escape_where(s, is_dangerous)
}

/// A field printed on one line (a message, a name from the file): like
/// [`terminal_text`], and line breaks and tabs escaped too, so a value
/// cannot forge a line of output.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c == '\n' || c == '\t' || is_dangerous(c))
}

/// JSON text with the characters a terminal would obey (DEL, C1 controls,
/// bidi formatting; serde_json already escapes C0) written as `\uXXXX`.
/// They can only stand inside strings, so the JSON value is the same.
pub fn json_text(s: &str) -> Cow<'_, str> {
    // Printable ASCII, line breaks and tabs: nothing to escape (almost every
    // output; bidi marks and other controls are not ASCII or below 0x20).
    let plain = |b: &u8| (0x20..0x7f).contains(b) || *b == b'\n' || *b == b'\t';
    if s.as_bytes().iter().all(plain) || !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_dangerous(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// What a command has to say, made before anything is printed, so that
/// tests read exactly what a terminal would get.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Standard output, escaped for its format already.
    pub stdout: String,
    /// Standard error (escaped): the reason a command could not run.
    pub stderr: String,
    pub status: i32,
}

impl Report {
    /// Text output: escaped for a terminal.
    pub fn text(out: &str, status: i32) -> Report {
        Report {
            stdout: terminal_text(out).into_owned(),
            stderr: String::new(),
            status,
        }
    }

    /// JSON output, same value, nothing a terminal would obey.
    pub fn json(out: &str, status: i32) -> Report {
        Report {
            stdout: json_text(out).into_owned(),
            stderr: String::new(),
            status,
        }
    }

    /// The command could not run: `privy: MESSAGE` and exit 2.
    pub fn failed(message: &str) -> Report {
        Report {
            stdout: String::new(),
            stderr: format!("privy: {}\n", terminal_text(message)),
            status: EXIT_UNREADABLE,
        }
    }

    /// Prints the report and returns the exit status.
    pub fn emit(self) -> i32 {
        if !self.stderr.is_empty() {
            let _ = std::io::stderr().lock().write_all(self.stderr.as_bytes());
        }
        if self.stdout.is_empty() {
            return self.status;
        }
        emit(&self.stdout, self.status)
    }
}

/// Writes `text` to standard output and returns the exit status: `status`
/// when it was written or the reader went away, [`EXIT_UNREADABLE`] with a
/// message when the write failed (a full disk).
pub fn emit(text: &str, status: i32) -> i32 {
    emit_to(&mut std::io::stdout().lock(), text, status)
}

/// [`emit`] for text output: escaped for a terminal first.
pub fn emit_text(text: &str, status: i32) -> i32 {
    emit(&terminal_text(text), status)
}

/// [`emit`] for JSON output.
pub fn emit_json(text: &str, status: i32) -> i32 {
    emit(&json_text(text), status)
}

pub fn emit_to(out: &mut impl std::io::Write, text: &str, status: i32) -> i32 {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => status,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => status,
        Err(e) => {
            error(&format!("cannot write the output: {e}"));
            EXIT_UNREADABLE
        }
    }
}

/// Prints `privy: MESSAGE` on standard error, escaped for a terminal. A
/// failure to write it is ignored: there is nowhere left to say it.
pub fn error(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "privy: {}",
        terminal_text(message)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_drives_a_terminal() {
        let hostile = "a\u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7}\r\u{9b}2J\u{202e}txt\u{7f}";
        let t = terminal_text(hostile);
        assert!(!t.chars().any(is_dangerous), "{t}");
        assert_eq!(
            t,
            "a\\u{1b}]8;;http://x\\u{7}link\\u{1b}]8;;\\u{7}\\r\\u{9b}2J\\u{202e}txt\\u{7f}"
        );
        assert_eq!(terminal_text("two\nlines\tkept"), "two\nlines\tkept");
        assert_eq!(one_line("two\nlines\tkept"), "two\\nlines\\tkept");
        assert!(matches!(terminal_text("plain é ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_the_same_value() {
        let v = serde_json::json!({ "m": "x\u{9b}y\u{202e}z\u{1b}\u{1F600}" });
        let raw = serde_json::to_string(&v).unwrap_or_default();
        let safe = json_text(&raw);
        assert!(!safe.chars().any(is_dangerous));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back, v);
    }

    struct Failing(std::io::ErrorKind);
    impl std::io::Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(self.0))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_keeps_the_status_and_a_full_disk_is_an_error() {
        assert_eq!(
            emit_to(&mut Failing(std::io::ErrorKind::BrokenPipe), "x", 1),
            1
        );
        assert_eq!(
            emit_to(&mut Failing(std::io::ErrorKind::StorageFull), "x", 0),
            EXIT_UNREADABLE
        );
    }
}
