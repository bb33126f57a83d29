//! Sessions from CSV (`user,host,ip,feature,serial,kind`), as a license
//! server's session list exports them, and the decision matrix to CSV.
//!
//! A first line naming the columns is optional; with it, the columns may
//! come in any order and unknown ones are ignored. Fields may be quoted
//! (`"a,b"`, `""` for a quote, line breaks inside quotes). The `csv` crate
//! reads the records; one pass of our own places each field at its
//! line:column and finds the quoting mistakes the crate reads past, so
//! every error says where.

use crate::engine::Action;
use crate::engine::pool::Session;

pub const COLUMNS: [&str; 6] = ["user", "host", "ip", "feature", "serial", "kind"];

/// One field with the column (1-based, in characters) it starts at.
type Field = (String, usize);

/// Where each record's fields start, and the quoting mistakes the `csv`
/// crate reads past without a word (it takes an unclosed quote to the end
/// of the text, and text after a closing quote into the field): one pass
/// over the text, by the same rules. Gives, per record start (byte
/// offset), the column of each of its fields.
fn field_starts(text: &str) -> Result<std::collections::HashMap<usize, Vec<usize>>, String> {
    let mut out = std::collections::HashMap::new();
    let (mut line, mut col) = (1usize, 1usize);
    let mut record = 0usize;
    let mut starts = vec![1usize];
    let mut field_start = (1usize, 1usize);
    let mut at_start = true;
    let mut quoted = false;
    let mut closed = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek().is_some_and(|(_, n)| *n == '"') {
                    chars.next();
                    col += 1;
                } else {
                    quoted = false;
                    closed = true;
                }
            }
        } else if c == ',' {
            starts.push(col + 1);
            field_start = (line, col + 1);
            at_start = true;
            closed = false;
            col += 1;
            continue;
        } else if c == '\n' {
            out.insert(record, std::mem::replace(&mut starts, vec![1]));
            record = i + 1;
            line += 1;
            col = 1;
            field_start = (line, 1);
            at_start = true;
            closed = false;
            continue;
        } else if c == '"' && at_start {
            quoted = true;
        } else if closed && c != '\r' {
            return Err(format!(
                "{line}:{col}: text after a quoted field: put a comma after the closing quote"
            ));
        }
        at_start = false;
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    if quoted {
        let (l, c) = field_start;
        return Err(format!(
            "{l}:{c}: the quoted field is not closed: add a \" at its end"
        ));
    }
    out.insert(record, starts);
    Ok(out)
}

/// Reads sessions. Returns them or the first error, with its line:column.
pub fn sessions(text: &str) -> Result<Vec<Session>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let starts = field_starts(text)?;
    let mut order: Vec<Option<usize>> = (0..COLUMNS.len()).map(Some).collect();
    let mut sessions = Vec::new();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line());
            format!("{line}:1: {e}")
        })?;
        let (n, at) = record
            .position()
            .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
        let cols = starts.get(&at).cloned().unwrap_or_default();
        let fields: Vec<Field> = record
            .iter()
            .enumerate()
            .map(|(i, f)| (f.trim().to_string(), cols.get(i).copied().unwrap_or(1)))
            .collect();
        if fields.iter().all(|(f, _)| f.is_empty()) {
            continue;
        }
        let line_len = text
            .get(at..)
            .and_then(|rest| rest.lines().next())
            .map_or(0, |l| l.chars().count());
        let is_header = sessions.is_empty()
            && fields
                .iter()
                .any(|(f, _)| f.eq_ignore_ascii_case("feature"));
        if is_header {
            order = COLUMNS
                .iter()
                .map(|c| fields.iter().position(|(f, _)| f.eq_ignore_ascii_case(c)))
                .collect();
            continue;
        }
        let get = |c: usize| -> Option<&Field> { order[c].and_then(|i| fields.get(i)) };
        let text = |c: usize| get(c).map(|(f, _)| f.clone()).filter(|f| !f.is_empty());
        let Some(feature) = text(3) else {
            let col = get(3).map_or(line_len + 1, |(_, c)| *c);
            return Err(format!(
                "{n}:{col}: no feature: every session names the feature it holds (columns {})",
                COLUMNS.join(",")
            ));
        };
        let ip = text(2);
        if let Err(e) = crate::request::parse_ip(ip.as_deref()) {
            let col = get(2).map_or(1, |(_, c)| *c);
            return Err(format!("{n}:{col}: {e}"));
        }
        let kind = match text(5).map(|k| k.to_ascii_lowercase()).as_deref() {
            None | Some("checkout") => Action::Checkout,
            Some("borrow") => Action::Borrow,
            Some(other) => {
                let col = get(5).map_or(1, |(_, c)| *c);
                return Err(format!(
                    "{n}:{col}: the kind `{other}` is neither checkout nor borrow"
                ));
            }
        };
        sessions.push(Session {
            user: text(0),
            host: text(1),
            ip,
            local_groups: Vec::new(),
            feature,
            serial: text(4),
            kind,
        });
    }
    Ok(sessions)
}

/// A field for CSV output, quoted when it must be.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_with_and_without_a_header() {
        let plain =
            sessions("anna,PC001,4.3.2.11,CAD,,checkout\nbob,,,CAD,S1,borrow\n").expect("reads");
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[0].user.as_deref(), Some("anna"));
        assert_eq!(plain[0].ip.as_deref(), Some("4.3.2.11"));
        assert_eq!(plain[0].serial, None);
        assert_eq!(plain[1].kind, Action::Borrow);
        assert_eq!(plain[1].serial.as_deref(), Some("S1"));
        let headed = sessions("\u{feff}Feature,User,Kind\r\nCAD,\"doe, jane\",\n").expect("reads");
        assert_eq!(headed.len(), 1);
        assert_eq!(headed[0].user.as_deref(), Some("doe, jane"));
        assert_eq!(headed[0].feature, "CAD");
        assert_eq!(headed[0].kind, Action::Checkout);
    }

    #[test]
    fn errors_say_where() {
        let e = sessions("anna,PC1,,CAD,,checkout\nbob,PC2,1.2.3,CAD\n").expect_err("bad ip");
        assert!(e.starts_with("2:9:"), "{e}");
        let e = sessions("anna,PC1,,CAD,,lend\n").expect_err("bad kind");
        assert!(e.starts_with("1:16:") && e.contains("lend"), "{e}");
        let e = sessions("anna,PC1,,,,\n").expect_err("no feature");
        assert!(e.starts_with("1:11:"), "{e}");
        let e = sessions("\"anna,PC1\n").expect_err("open quote");
        assert!(e.starts_with("1:1:"), "{e}");
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(field("PC1"), "PC1");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    /// Privy's own output reads back, a newline and quotes inside a field
    /// included (the hand-written reader split on lines and could not).
    #[test]
    fn its_own_output_reads_back() {
        let user = "doe,\n\"jane\"";
        let line = [user, "PC1", "", "CAD", "S1", "borrow"]
            .iter()
            .map(|f| field(f))
            .collect::<Vec<_>>()
            .join(",");
        let text = format!("user,host,ip,feature,serial,kind\n{line}\nbob,,,CAD,,\n");
        let back = sessions(&text).expect("reads back");
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].user.as_deref(), Some(user));
        assert_eq!(back[0].kind, Action::Borrow);
        assert_eq!(back[1].user.as_deref(), Some("bob"));
        // And a mistake after the multi-line record is still placed.
        let e = sessions(&format!("{line}\nbob,,1.2.3,CAD\n")).expect_err("bad ip");
        assert!(e.starts_with("3:6:"), "{e}");
    }
}
