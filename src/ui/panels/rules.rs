//! The rule lists: cards, fields, completion and entry chips.

use crate::ui::WindowAction;

use crate::diag::Diagnostic;
use crate::diag::Severity;
use crate::document::Document;
use crate::document::Edit;
use crate::json::child_pointer;
use crate::spec;
use crate::spec::Field;
use crate::spec::RuleKind;
use crate::spec::ValueType;
use crate::ui::complete;
use crate::ui::derived::Derived;
use crate::ui::number_or_text;
use crate::ui::panels::cards::Cards;
use crate::ui::value_text;
use crate::ui::virtual_list;
use crate::words::rule::describe;
use egui::RichText;
use serde_json::Value;

impl Cards<'_> {
    pub(crate) fn rules(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        kind: RuleKind,
        viewport: egui::Rect,
    ) {
        self.paste(ui, doc, kind.key());
        ui.heading(kind.title());
        ui.label(RichText::new(kind.description()).weak());
        ui.add_space(8.0);
        self.elsewhere(ui, derived, crate::ui::Section::Rules(kind));
        let list_ptr = format!("/{}", kind.key());
        let (count, shown) = derived.list(kind);
        if count == 0 {
            ui.label("No rules of this kind yet.");
        } else if shown.is_empty() {
            ui.label(match crate::who::Filter::parse(&self.editor.filter) {
                crate::who::Filter::Who { .. } => {
                    "No rule of this kind decides about them (see the line under the filter)."
                        .to_string()
                }
                _ => format!("No rule here mentions \"{}\".", self.editor.filter.trim()),
            });
        }
        let force = self.scroll_target(&list_ptr);
        let mut heights = self.editor.heights.remove(&list_ptr).unwrap_or_default();
        virtual_list::show(ui, viewport, &mut heights, shown, force, |ui, i| {
            let pointer = child_pointer(&list_ptr, i);
            let deciding = self.deciding.iter().any(|r| *r == pointer);
            let mut frame = egui::Frame::group(ui.style()).inner_margin(10.0);
            if deciding {
                frame = frame.stroke(egui::Stroke::new(2.5, ui.visuals().selection.stroke.color));
            }
            let r = frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                if deciding {
                    ui.label(
                        RichText::new("▶ Decides the simulated request")
                            .small()
                            .color(ui.visuals().selection.stroke.color),
                    );
                }
                self.rule_card(ui, doc, derived, kind, (i, count), &pointer);
            });
            if self.editor.scroll_to.as_deref() == Some(pointer.as_str()) {
                r.response.scroll_to_me(Some(egui::Align::TOP));
                self.editor.scroll_to = None;
            }
            ui.add_space(6.0);
        });
        self.editor.heights.insert(list_ptr.clone(), heights);
        ui.add_space(4.0);
        if ui
            .button(format!("Add {} rule", kind.title().to_lowercase()))
            .clicked()
        {
            let mut rule = serde_json::Map::new();
            rule.insert("USERS".into(), Value::String(String::new()));
            rule.insert("FEATURES".into(), Value::String(String::new()));
            if kind
                .field(Field::Count)
                .is_some_and(|s| s.presence == spec::Presence::Required)
            {
                rule.insert("COUNT".into(), Value::from(1));
            }
            self.append(doc, kind.key(), vec![Value::Object(rule)]);
        }
    }

    pub(crate) fn rule_card(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        kind: RuleKind,
        (index, count): (usize, usize),
        pointer: &str,
    ) {
        let rule = doc.config().rule_at(pointer);
        ui.horizontal_wrapped(|ui| {
            let sentence = match rule {
                Some(r) => describe(r),
                None => "Not a rule object: fix it in the file.".into(),
            };
            // The rule's number, in the form every message uses
            // ("Deny checkouts rule 2").
            ui.label(
                RichText::new(crate::words::rule_name(crate::rule_id::RuleId::new(
                    kind, index,
                )))
                .weak(),
            );
            let text = RichText::new(sentence).strong();
            // An empty preset's sentence says it is one; said once.
            let preset = rule.is_some_and(|r| r.empty_preset);
            ui.label(if preset { text.weak().italics() } else { text });
        });
        // What the rule does over every principal: a rule with no effect
        // says so; the notes (overridden in part, denies everyone else)
        // wait under one line, so that the card stays a form.
        let found: Vec<Diagnostic> = self.findings.at(pointer).cloned().collect();
        let (notes, said): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            found.iter().partition(|d| d.severity == Severity::Info);
        for d in said {
            self.diagnostic_line(ui, doc, d);
        }
        if !notes.is_empty() {
            let title = if notes.len() == 1 {
                "1 note on what this rule does to everyone".to_string()
            } else {
                format!("{} notes on what this rule does to everyone", notes.len())
            };
            egui::CollapsingHeader::new(RichText::new(title))
                .id_salt(("notes", pointer))
                .show(ui, |ui| {
                    for d in notes {
                        self.diagnostic_line(ui, doc, d);
                    }
                });
        }
        let list_ptr = format!("/{}", kind.key());
        egui::Grid::new(("fields", pointer))
            .num_columns(2)
            .min_col_width(110.0)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for spec in kind.fields() {
                    let key = spec.field.key();
                    let field_ptr = child_pointer(pointer, key);
                    let node = doc
                        .parsed()
                        .root
                        .as_ref()
                        .and_then(|r| r.pointer(&field_ptr));
                    let mut text = node.map(|n| value_text(doc, n)).unwrap_or_default();
                    let label = ui.label(spec.field.label()).on_hover_text(spec.meaning);
                    let hint = match spec.presence {
                        spec::Presence::Required => "required",
                        spec::Presence::OneOfGroup => "HOURS or COUNT",
                        spec::Presence::Optional => "optional",
                    };
                    let mut completed = None;
                    let resp = ui
                        .vertical(|ui| {
                            let resp = ui.add(
                                egui::TextEdit::singleline(&mut text)
                                    .id(egui::Id::unique(("field", &field_ptr)))
                                    .hint_text(hint)
                                    .desired_width(f32::INFINITY),
                            );
                            let words = match spec.field {
                                Field::Features => Some(&derived.features),
                                Field::SerialNumbers => Some(&derived.serials),
                                _ => None,
                            };
                            if let Some(words) = words {
                                completed = complete::offer(
                                    &resp,
                                    &mut self.editor.completing,
                                    &field_ptr,
                                    &text,
                                    words,
                                );
                            }
                            if spec.field.value_type() == ValueType::Principals {
                                self.entry_chips(ui, doc, rule.and_then(|r| r.list(spec.field)));
                            }
                            for &d in derived.diags_at(&field_ptr) {
                                self.diagnostic_line(ui, doc, &doc.diagnostics()[d]);
                            }
                            resp
                        })
                        .inner
                        .labelled_by(label.id);
                    if let Some(done) = completed {
                        self.set_field(pointer, key, node.is_some(), Value::String(done), None);
                    } else if resp.changed() {
                        let value = match spec.field.value_type() {
                            ValueType::PositiveInteger => number_or_text(&text),
                            _ => Value::String(text.clone()),
                        };
                        self.set_field(pointer, key, node.is_some(), value, None);
                    }
                    if resp.lost_focus() {
                        self.editor.end_group = true;
                    }
                    ui.end_row();
                }
            });
        // The card's own findings (an empty preset's is its sentence
        // already; Problems still lists it).
        for d in doc.diagnostics().iter().filter(|d| {
            d.code != crate::diag::Code::EmptyPreset
                && d.pointer.starts_with(pointer)
                && (d.pointer.len() == pointer.len()
                    || kind
                        .fields()
                        .iter()
                        .all(|s| d.pointer != child_pointer(pointer, s.field.key())))
                && (d.pointer.len() == pointer.len() || d.pointer[pointer.len()..].starts_with('/'))
        }) {
            self.diagnostic_line(ui, doc, d);
        }
        ui.horizontal(|ui| {
            let up = ui.add_enabled(index > 0, egui::Button::new("Move up"));
            let down = ui.add_enabled(index + 1 < count, egui::Button::new("Move down"));
            let dup = ui.button("Duplicate");
            if ui
                .button("Copy")
                .on_hover_text("Copy this rule as JSON text: Ctrl+V pastes it into any list, here or in another file")
                .clicked()
            {
                let name = crate::words::rule_name(crate::rule_id::RuleId::new(kind, index));
                self.copy(ui, doc, pointer, name);
            }
            let del = ui.button("Delete");
            if up.clicked() {
                self.act(WindowAction::Edit(Edit::MoveItem {
                    pointer: list_ptr.clone(),
                    from: index,
                    to: index - 1,
                }));
            }
            if down.clicked() {
                self.act(WindowAction::Edit(Edit::MoveItem {
                    pointer: list_ptr.clone(),
                    from: index,
                    to: index + 1,
                }));
            }
            if dup.clicked()
                && let Some(node) = doc.parsed().root.as_ref().and_then(|r| r.pointer(pointer))
            {
                self.act(WindowAction::Edit(Edit::InsertItem {
                    pointer: list_ptr.clone(),
                    value: node.to_value(),
                    index: Some(index + 1),
                }));
            }
            if del.clicked() {
                self.act(WindowAction::Edit(Edit::RemoveItem {
                    pointer: list_ptr.clone(),
                    index,
                }));
            }
        });
    }
}
