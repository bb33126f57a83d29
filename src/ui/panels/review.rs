//! Review changes: the access diff (`access.rs`), then the diff of the
//! text against the file on disk.

use crate::document::Document;
use crate::secrets::Secrets;
use crate::ui::Command;
use crate::ui::WindowAction;
use crate::ui::state::Reviewing;
use egui::Color32;
use egui::RichText;

/// Review changes: what saving changes for people, then the diff of the
/// text against the version compared. Its work is kept in `reviewing`;
/// what the user asks is returned.
pub(crate) fn review(
    ui: &mut egui::Ui,
    doc: &Document,
    reviewing: &mut Reviewing,
) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    if reviewing.offer_revert {
        revert_question(ui, doc, reviewing, &mut asked);
    }
    // What the edit does to people first, then what it does to bytes.
    if doc.is_json() {
        super::access::access_review(ui, doc, reviewing, &mut asked);
    }
    ui.heading("Review changes");
    // Reading the file and diffing happen once per change of the text
    // or of the file, not once per frame.
    let key = (doc.generation(), doc.is_dirty(), doc.changed_on_disk());
    if reviewing.review.as_ref().is_none_or(|(k, _)| *k != key) {
        reviewing.review = Some((
            key,
            doc.disk_text()
                .map(|disk| hunks(&disk, doc.text(), doc.secrets())),
        ));
    }
    let Some((_, review)) = &reviewing.review else {
        return asked;
    };
    let Some(hunks) = review else {
        ui.label("The file is not on disk yet: everything is new.");
        return asked;
    };
    if key.2 {
        ui.colored_label(
                ui.visuals().warn_fg_color,
                "The file was changed by another program since it was opened; saving will ask before overwriting it.",
            );
    }
    if hunks.is_empty() {
        ui.label("No changes against the file on disk.");
        return asked;
    }
    ui.add_space(6.0);
    for hunk in hunks {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            for (tag, line, text) in hunk {
                let (sign, color) = match tag {
                    similar::ChangeTag::Delete => ("-", ui.visuals().error_fg_color),
                    similar::ChangeTag::Insert => ("+", Color32::from_rgb(90, 170, 90)),
                    similar::ChangeTag::Equal => (" ", ui.visuals().weak_text_color()),
                };
                ui.label(
                    RichText::new(format!("{line:>5} {sign} {text}"))
                        .monospace()
                        .color(color),
                );
            }
        });
    }
    ui.add_space(6.0);
    if ui.button("Save these changes").clicked() {
        asked.push(WindowAction::Run(Command::Save));
    }
    asked
}

/// Revert or Reload was asked: the question above what it would drop.
fn revert_question(
    ui: &mut egui::Ui,
    doc: &Document,
    reviewing: &mut Reviewing,
    asked: &mut Vec<WindowAction>,
) {
    let changed = doc.changed_on_disk();
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(if changed {
                    "Reload the file from disk?"
                } else {
                    "Revert to the file on disk?"
                })
                .strong(),
            );
            ui.label(if doc.path().is_none() {
                "This file is not on disk yet: there is nothing to go back to."
            } else if changed {
                "Another program changed the file. Below, what your text has that the file on disk does not: reloading drops it, and Undo brings it back."
            } else {
                "Below, what your unsaved edits changed: reverting drops them, and Undo brings them back."
            });
            ui.horizontal(|ui| {
                let label = if changed {
                    "Reload from disk"
                } else {
                    "Revert to the file on disk"
                };
                if ui
                    .add_enabled(doc.path().is_some(), egui::Button::new(label))
                    .clicked()
                {
                    asked.push(WindowAction::Revert);
                }
                if ui.button("Keep my text").clicked() {
                    reviewing.offer_revert = false;
                }
            });
        });
    ui.add_space(8.0);
}

/// One changed line of the review: what happened, its line number (new
/// file, or old for deletions) and its text.
pub(crate) type ReviewLine = (similar::ChangeTag, usize, String);

pub(crate) type Hunks = Vec<Vec<ReviewLine>>;

/// The line changes from `old` to `new`, in hunks with two lines of
/// context. A diff that takes over a second is cut short (still correct,
/// only less minimal).
pub(crate) fn hunks(old: &str, new: &str, secrets: &Secrets) -> Hunks {
    // Password values never show: each line is masked by the secrets of
    // the text it comes from (the file on disk may have its own), and by
    // the other's values as well.
    let old_secrets = Secrets::of_text(old);
    let (old_starts, new_starts) = (line_starts(old), line_starts(new));
    let line_of = |text: &str, starts: &[usize], i: usize, own: &Secrets, other: &Secrets| {
        let start = starts.get(i).copied().unwrap_or(text.len());
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let masked = own.mask_range(text, crate::json::Span::new(start, end));
        other
            .mask_str(&masked)
            .trim_end_matches(['\r', '\n'])
            .to_string()
    };
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_lines(old, new);
    diff.grouped_ops(2)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|c| {
                    let text = match (c.new_index(), c.old_index()) {
                        (Some(i), _) => line_of(new, &new_starts, i, secrets, &old_secrets),
                        (None, Some(i)) => line_of(old, &old_starts, i, &old_secrets, secrets),
                        (None, None) => String::new(),
                    };
                    let line = c.new_index().or(c.old_index()).map_or(0, |i| i + 1);
                    (c.tag(), line, text)
                })
                .collect()
        })
        .collect()
}

/// Where each line of `text` starts (as `similar` splits lines: after
/// each `\n`).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len() || i == 0)
        .collect()
}
