//! Sessions from CSV (`user,host,ip,feature,serial,kind`), as a license
//! server's session list exports them, and the decision matrix to CSV.
//!
//! A first line naming the columns is optional; with it, the columns may
//! come in any order and unknown ones are ignored. Fields may be quoted
//! (`"a,b"`, `""` for a quote). Every error says line:column.

use crate::engine::Action;
use crate::engine::pool::Session;

pub const COLUMNS: [&str; 6] = ["user", "host", "ip", "feature", "serial", "kind"];

/// One field with the column (1-based, in characters) it starts at.
type Field = (String, usize);

/// Splits one line into fields.
fn split(line: &str, n: usize) -> Result<Vec<Field>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    let mut col = 1usize;
    loop {
        let start = col;
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            col += 1;
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        col += 2;
                        field.push('"');
                    }
                    Some('"') => {
                        col += 1;
                        break;
                    }
                    Some(c) => {
                        col += 1;
                        field.push(c);
                    }
                    None => {
                        return Err(format!(
                            "{n}:{start}: the quoted field is not closed: add a \" at its end"
                        ));
                    }
                }
            }
            match chars.peek() {
                None | Some(',') => {}
                Some(_) => {
                    return Err(format!(
                        "{n}:{col}: text after a quoted field: put a comma after the closing quote"
                    ));
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                field.push(c);
                chars.next();
                col += 1;
            }
        }
        out.push((field.trim().to_string(), start));
        match chars.next() {
            Some(',') => col += 1,
            _ => return Ok(out),
        }
    }
}

/// Reads sessions. Returns them or the first error, with its line:column.
pub fn sessions(text: &str) -> Result<Vec<Session>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let mut order: Vec<Option<usize>> = (0..COLUMNS.len()).map(Some).collect();
    let mut sessions = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields = split(line, n)?;
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
            let col = get(3).map_or(line.chars().count() + 1, |(_, c)| *c);
            return Err(format!(
                "{n}:{col}: no feature: every session names the feature it holds (columns {})",
                COLUMNS.join(",")
            ));
        };
        let ip = text(2);
        if let Err(e) = crate::engine::matcher::parse_ip(ip.as_deref()) {
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
        let back = split(&field("a,\"b\""), 1).expect("splits");
        assert_eq!(back[0].0, "a,\"b\"");
    }
}
