//! The `;`-separated lists of `USERS`, `MEMBERS`, `EXCEPT_USERS`,
//! `FEATURES` and `SERIALNUMBERS`: split into entries with their offsets,
//! and edited an entry at a time in the list's own style.

/// One entry of a `;`-separated list: its trimmed text and its byte offset
/// inside the (decoded) string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry<'a> {
    pub text: &'a str,
    pub offset: usize,
}

/// Splits a list string at `;`, trims each entry and skips empty ones.
/// Separators are found with SIMD, and an entry that starts and ends
/// with a printable ASCII character (almost all) is not trimmed at all.
pub fn split_entries(s: &str) -> impl Iterator<Item = RawEntry<'_>> {
    let mut rest = Some(0usize);
    std::iter::from_fn(move || {
        while let Some(start) = rest {
            let tail = &s[start..];
            let part = match memchr::memchr(b';', tail.as_bytes()) {
                Some(i) => {
                    rest = Some(start + i + 1);
                    &tail[..i]
                }
                None => {
                    rest = None;
                    tail
                }
            };
            let b = part.as_bytes();
            let (lead, text) = match (b.first(), b.last()) {
                (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => (0, part),
                _ => (part.len() - part.trim_start().len(), part.trim()),
            };
            if !text.is_empty() {
                return Some(RawEntry {
                    text,
                    offset: start + lead,
                });
            }
        }
        None
    })
}

/// A backwards last-part range (`4.3.2.50-10`) with its bounds swapped
/// (`4.3.2.10-50`): the certain fix of that mistake. `None` for anything
/// else.
pub fn swapped_range(entry: &str) -> Option<String> {
    let (head, last) = entry.trim().rsplit_once('.')?;
    let (x, y) = last.split_once('-')?;
    let (lo, hi) = (x.trim().parse::<u8>().ok()?, y.trim().parse::<u8>().ok()?);
    let prefix: Vec<&str> = head.split('.').collect();
    let ok = prefix.len() == 3 && prefix.iter().all(|p| p.trim().parse::<u8>().is_ok());
    (ok && lo > hi).then(|| format!("{head}.{hi}-{lo}"))
}

/// The list string without its `index`-th entry and one separator beside
/// it, the rest as written (`"a; b; c"` without `b` is `"a; c"`).
pub fn without_entry(raw: &str, index: usize) -> String {
    let Some(e) = split_entries(raw).nth(index) else {
        return raw.to_string();
    };
    let (start, end) = (e.offset, e.offset + e.text.len());
    let after = &raw[end..];
    let gap = after.len() - after.trim_start().len();
    if after[gap..].starts_with(';') {
        // "b; " goes: the entry, the separator after it, the space after.
        let rest = &after[gap + 1..];
        let space = rest.len() - rest.trim_start().len();
        format!("{}{}", &raw[..start], &rest[space..])
    } else {
        // The last entry: the separator before it goes instead.
        let before = raw[..start].trim_end();
        let before = before.strip_suffix(';').unwrap_or(before).trim_end();
        format!("{before}{after}")
    }
}

/// The list string with `entry` added at the end, in the list's own style
/// of separator (`"a;b"` + `c` is `"a;b;c"`, `"a; b"` + `c` is
/// `"a; b; c"`).
pub fn with_entry(raw: &str, entry: &str) -> String {
    let body = raw.trim_end().trim_end_matches(';').trim_end();
    if body.trim().is_empty() {
        return entry.to_string();
    }
    let sep = if raw.contains("; ") || !raw.contains(';') {
        "; "
    } else {
        ";"
    };
    format!("{body}{sep}{entry}")
}

/// Whether a list string means "any" (missing is handled by the caller):
/// empty, only separators, or with `*` among its entries (`"A;*"` is any,
/// like `*` alone: `docs/semantics.md` section 8 point 5).
pub fn means_any(s: &str) -> bool {
    let mut entries = split_entries(s).peekable();
    entries.peek().is_none() || entries.any(|e| e.text == "*")
}

#[cfg(test)]
mod list_edit_tests {
    use super::*;

    #[test]
    fn entries_are_removed_and_added_in_the_list_style() {
        assert_eq!(without_entry("a; b; c", 1), "a; c");
        assert_eq!(without_entry("a; b; c", 0), "b; c");
        assert_eq!(without_entry("a; b; c", 2), "a; b");
        assert_eq!(without_entry("a;b", 0), "b");
        assert_eq!(without_entry("a", 0), "");
        assert_eq!(without_entry(" ; a; ; b", 0), " ; ; b");
        assert_eq!(with_entry("a;b", "c"), "a;b;c");
        assert_eq!(with_entry("a; b", "c"), "a; b; c");
        assert_eq!(with_entry("a", "c"), "a; c");
        assert_eq!(with_entry("", "c"), "c");
        assert_eq!(with_entry("a; ", "c"), "a; c");
        assert_eq!(swapped_range("4.3.2.50-10").as_deref(), Some("4.3.2.10-50"));
        assert_eq!(swapped_range("4.3.2.10-50"), None);
        assert_eq!(swapped_range("4.3.2.300-10"), None);
        assert_eq!(swapped_range("4.3.50-10"), None);
        for (raw, i) in [("a; b; c", 1), (" x ;y;; z", 2), ("p;q", 1)] {
            let before: Vec<&str> = split_entries(raw).map(|e| e.text).collect();
            let after = without_entry(raw, i);
            let mut expect = before.clone();
            expect.remove(i);
            let got: Vec<&str> = split_entries(&after).map(|e| e.text).collect();
            assert_eq!(got, expect, "{raw:?} without {i}: {after:?}");
        }
    }
}
