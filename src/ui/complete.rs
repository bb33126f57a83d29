//! Completion of the entry being typed in a FEATURES or SERIALNUMBERS
//! field, from the names the file already uses.

use egui::RichText;

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

/// Offers the names the file already uses for the entry being typed in
/// `resp` (a FEATURES or SERIALNUMBERS field) in a list below it. A
/// click or Enter takes one: the field's new text is returned, and the
/// cursor stays at its end for the next entry. `completing` is the field
/// whose list is open, kept by the caller between frames.
pub(crate) fn offer(
    resp: &egui::Response,
    completing: &mut Option<String>,
    field_ptr: &str,
    text: &str,
    words: &[String],
) -> Option<String> {
    if resp.gained_focus() || resp.changed() {
        *completing = Some(field_ptr.to_string());
    }
    if completing.as_deref() != Some(field_ptr) {
        return None;
    }
    let (start, found) = suggest(text, words);
    let enter = resp.lost_focus() && resp.ctx.input(|i| i.key_pressed(egui::Key::Enter));
    let mut chosen = enter.then(|| found.first().copied()).flatten();
    let shown = (!found.is_empty() && !enter).then(|| {
        egui::Popup::from_response(resp)
            .id(egui::Id::unique(("complete", field_ptr)))
            .open(true)
            .show(|ui| {
                ui.set_min_width(resp.rect.width().min(320.0));
                ui.label(RichText::new("Used in this file").small().weak());
                for w in found.iter().take(MAX) {
                    if ui.button(*w).clicked() {
                        chosen = Some(*w);
                    }
                }
                if found.len() > MAX {
                    ui.label(
                        RichText::new(format!("{} more: type to narrow", found.len() - MAX))
                            .small()
                            .weak(),
                    );
                }
            })
    });
    let over_list = shown
        .flatten()
        .is_some_and(|r| r.response.contains_pointer());
    if let Some(word) = chosen {
        *completing = None;
        let done = accept(text, start, word);
        // Back into the field, cursor at the end, for the next entry.
        if let Some(mut state) = egui::TextEdit::load_state(&resp.ctx, resp.id) {
            let end = egui::text::CCursor::new(done.chars().count());
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::one(end)));
            state.store(&resp.ctx, resp.id);
        }
        resp.request_focus();
        return Some(done);
    }
    if !resp.has_focus() && !over_list {
        *completing = None;
    }
    None
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
