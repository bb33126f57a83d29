//! Completion of the entry being typed in a FEATURES or SERIALNUMBERS
//! field, from the names the file already uses.

use crate::pattern::fold;

/// At most this many suggestions are offered at once.
pub const MAX: usize = 8;

/// The suggestions for the last entry of `text` (a `;`-separated list):
/// the byte offset where that entry starts, and the words from `known`
/// that begin with it (case-insensitively), leaving out the entry itself
/// and the ones the list already has.
pub fn suggest<'a>(text: &str, known: &'a [String]) -> (usize, Vec<&'a str>) {
    let after_sep = text.rfind(';').map_or(0, |i| i + 1);
    let partial = &text[after_sep..];
    let start = after_sep + (partial.len() - partial.trim_start().len());
    let typed = fold(partial.trim());
    let present: Vec<String> = text[..after_sep]
        .split(';')
        .map(|e| fold(e.trim()))
        .filter(|e| !e.is_empty())
        .collect();
    let words = known
        .iter()
        .filter(|w| {
            let f = fold(w);
            f.starts_with(&typed) && f != typed && !present.contains(&f)
        })
        .map(String::as_str)
        .collect();
    (start, words)
}

/// `text` with its last entry replaced by `word`.
pub fn accept(text: &str, start: usize, word: &str) -> String {
    format!("{}{word}", &text[..start])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["EXPORT_ALL", "EXPORT_DXF", "IMPORT_STEP", "VIEWER"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn completes_the_last_entry_case_insensitively() {
        let k = known();
        let (start, words) = suggest("VIEWER; exp", &k);
        assert_eq!(start, 8);
        assert_eq!(words, ["EXPORT_ALL", "EXPORT_DXF"]);
        assert_eq!(accept("VIEWER; exp", start, words[1]), "VIEWER; EXPORT_DXF");
    }

    #[test]
    fn leaves_out_what_is_there_and_what_is_typed_in_full() {
        let k = known();
        assert_eq!(
            suggest("EXPORT_ALL;", &k).1,
            ["EXPORT_DXF", "IMPORT_STEP", "VIEWER"]
        );
        assert!(suggest("VIEWER", &k).1.is_empty());
        assert!(suggest("CAD", &k).1.is_empty());
        assert_eq!(suggest("", &k).1.len(), 4);
    }
}
