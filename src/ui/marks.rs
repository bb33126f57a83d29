//! The JSON text with the places of diagnostics marked: underlined and
//! tinted in their severity's colour.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Stroke};

/// Byte ranges of `text` to mark, each with its colour. Ranges are clamped
/// to the text and to character boundaries; an empty range marks the
/// character it points at (or the last one, at the end), so an error at
/// "end of file" still shows.
pub fn job(
    text: &str,
    marks: &[(Range<usize>, Color32)],
    font: FontId,
    color: Color32,
    wrap_width: f32,
) -> LayoutJob {
    let mut marks: Vec<(Range<usize>, Color32)> = marks
        .iter()
        .filter_map(|(r, c)| visible(text, r.clone()).map(|r| (r, *c)))
        .collect();
    marks.sort_by_key(|(r, _)| (r.start, r.end));
    let plain = TextFormat {
        font_id: font.clone(),
        color,
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap_width;
    let mut at = 0;
    for (r, c) in marks {
        // Overlaps: the earlier mark wins the shared part.
        let start = r.start.max(at);
        if start >= r.end {
            continue;
        }
        job.append(&text[at..start], 0.0, plain.clone());
        job.append(
            &text[start..r.end],
            0.0,
            TextFormat {
                font_id: font.clone(),
                color,
                background: c.gamma_multiply(0.18),
                underline: Stroke::new(1.5, c),
                ..Default::default()
            },
        );
        at = r.end;
    }
    job.append(&text[at..], 0.0, plain);
    job
}

fn visible(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    if text.is_empty() {
        return None;
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let mut start = floor(r.start);
    let mut end = ceil(r.end.max(r.start));
    // A place between two tokens (a missing comma right after a value,
    // before the line break): the character before it is marked, which
    // shows; a line break or a space would not.
    if start == end && start > 0 && text[start..].chars().next().is_none_or(char::is_whitespace) {
        let before = text[..start].trim_end();
        if !before.is_empty() {
            let last = before.chars().next_back().map_or(1, char::len_utf8);
            return Some(before.len() - last..before.len());
        }
    }
    if start == end {
        if end < text.len() {
            end = ceil(end + 1);
        } else {
            start = floor(start - 1);
        }
    }
    Some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, marks: &[(usize, usize)]) -> Vec<String> {
        let m: Vec<_> = marks.iter().map(|&(a, b)| (a..b, Color32::RED)).collect();
        let job = job(text, &m, FontId::monospace(12.0), Color32::WHITE, 100.0);
        job.sections
            .iter()
            .filter(|s| s.format.underline.width > 0.0)
            .map(|s| job.text[s.byte_range.start.0..s.byte_range.end.0].to_string())
            .collect()
    }

    #[test]
    fn marks_the_ranges_and_keeps_the_text() {
        let text = "{\"A\": 1,, \"B\": é}";
        assert_eq!(marked(text, &[(8, 9), (15, 16)]), [",", "é"]);
        let job = job(text, &[], FontId::monospace(12.0), Color32::WHITE, 100.0);
        assert_eq!(job.text, text);
    }

    #[test]
    fn empty_and_out_of_range_marks_still_show_a_character() {
        assert_eq!(marked("[1,", &[(3, 3)]), [","]);
        assert_eq!(marked("[1,", &[(1, 1)]), ["1"]);
        assert_eq!(marked("[1,", &[(9, 12)]), [","]);
        // Inside a two-byte character: widened to the whole character.
        assert_eq!(marked("aé", &[(2, 2)]), ["é"]);
        assert_eq!(marked("aé", &[(0, 1), (0, 3)]), ["a", "é"]);
    }

    #[test]
    fn a_missing_comma_before_a_line_break_marks_the_value_before_it() {
        // `"TCP_PORT": 6200` then a new line without `,`: the parser points
        // just after 6200, at the line break.
        let text = "{\n  \"TCP_PORT\": 6200\n  \"HTTP_PORT\": 0\n}";
        let at = text.find("6200").expect("value") + 4;
        assert_eq!(marked(text, &[(at, at)]), ["0"]);
        // Spaces before the line break too.
        let text = "[1   \n 2]";
        assert_eq!(marked(text, &[(2, 2)]), ["1"]);
    }
}
