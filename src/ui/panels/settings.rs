//! The server settings as typed fields.

use crate::document::Document;
use crate::json::child_pointer;
use crate::spec;
use crate::spec::SettingType;
use crate::ui::WindowAction;
use crate::ui::derived::Derived;
use crate::ui::number_or_text;
use crate::ui::value_text;
use egui::RichText;
use serde_json::Value;

/// The server settings as typed fields, each with its meaning and its
/// problems, and the file's unknown settings as they are. A function of
/// what it shows; what the user asks is returned.
pub(crate) fn settings(ui: &mut egui::Ui, doc: &Document, derived: &Derived) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    ui.heading("Server settings");
    ui.add_space(8.0);
    egui::Grid::new("settings")
        .num_columns(3)
        .min_col_width(140.0)
        .spacing([16.0, 8.0])
        .striped(true)
        .show(ui, |ui| {
            for spec in spec::SETTINGS {
                let pointer = child_pointer("", spec.key);
                let node = doc.parsed().root.as_ref().and_then(|r| r.pointer(&pointer));
                let mut text = node.map(|n| value_text(doc, n)).unwrap_or_default();
                let label = ui.label(spec.label).on_hover_text(spec.key);
                let known = spec::known_values(spec.key);
                let kind = match spec.kind {
                    SettingType::Loose if !known.is_empty() => SettingType::Choice(known),
                    k => k,
                };
                let changed = match kind {
                    SettingType::Choice(words) => {
                        let before = text.clone();
                        let combo = egui::ComboBox::from_id_salt(spec.key)
                            .selected_text(if text.is_empty() {
                                "(not set)".to_string()
                            } else {
                                text.clone()
                            })
                            .show_ui(ui, |ui| {
                                for w in words {
                                    ui.selectable_value(&mut text, (*w).to_string(), *w);
                                }
                                // A value the file has that is not one of
                                // the known ones stays selectable as it is.
                                if !before.is_empty() && !words.contains(&before.as_str()) {
                                    ui.selectable_value(&mut text, before.clone(), before.as_str());
                                }
                            });
                        combo.response.labelled_by(label.id);
                        text != before
                    }
                    kind => {
                        let edit = egui::TextEdit::singleline(&mut text)
                            .id(egui::Id::unique(("setting", spec.key)))
                            .password(kind == SettingType::Secret)
                            .hint_text("not set")
                            .desired_width(260.0);
                        let r = ui.add(edit).labelled_by(label.id);
                        if r.lost_focus() {
                            asked.push(WindowAction::EndTyping);
                        }
                        r.changed()
                    }
                };
                if changed {
                    let value = match spec.kind {
                        SettingType::Port { .. } => number_or_text(&text),
                        _ => Value::String(text.clone()),
                    };
                    asked.push(super::cards::field_edit(
                        "",
                        spec.key,
                        node.is_some(),
                        value,
                        Some(0),
                    ));
                }
                ui.vertical(|ui| {
                    ui.label(RichText::new(spec.meaning).weak());
                    for &d in derived.diags_at(&pointer) {
                        let d = &doc.diagnostics()[d];
                        if let Some(fix) = super::problems::diagnostic_line(ui, doc, d) {
                            asked.push(WindowAction::Edit(fix));
                        }
                    }
                });
                ui.end_row();
            }
            for s in doc
                .config()
                .settings
                .iter()
                .filter(|s| spec::setting(&s.key).is_none())
            {
                ui.label(&s.key);
                ui.label(
                    RichText::new(&doc.text()[s.value.span.start..s.value.span.end]).monospace(),
                );
                ui.label(RichText::new("Unknown setting: kept exactly as it is.").weak());
                ui.end_row();
            }
        });
    asked
}
