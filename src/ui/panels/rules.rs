//! The rule lists: cards, fields, completion and entry chips.

use crate::ui::WindowAction;

use crate::diag::Diagnostic;
use crate::diag::Severity;
use crate::document::Document;
use crate::document::Edit;
use crate::json::Node;
use crate::json::child_pointer;
use crate::spec;
use crate::spec::Field;
use crate::spec::RuleKind;
use crate::spec::ValueType;
use crate::ui::PrivyApp;
use crate::ui::Section;
use crate::ui::complete;
use crate::ui::derived::Derived;
use crate::ui::index_pointer;
use crate::ui::number_or_text;
use crate::ui::value_text;
use crate::ui::virtual_list;
use crate::words::rule::describe;
use egui::RichText;
use serde_json::Value;

impl PrivyApp {
    pub(crate) fn rules(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        kind: RuleKind,
        viewport: egui::Rect,
    ) {
        ui.heading(kind.title());
        ui.label(RichText::new(kind.description()).weak());
        ui.add_space(8.0);
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
            let deciding = self.sim_panel.open && self.sim.deciding().iter().any(|r| *r == pointer);
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
            let list_exists = doc
                .parsed()
                .root
                .as_ref()
                .and_then(|r| r.pointer(&list_ptr))
                .and_then(Node::as_array)
                .is_some();
            let edit = if list_exists {
                Edit::InsertItem {
                    pointer: list_ptr.clone(),
                    value: Value::Object(rule),
                    index: None,
                }
            } else {
                Edit::InsertMember {
                    pointer: String::new(),
                    key: kind.key().into(),
                    value: Value::Array(vec![Value::Object(rule)]),
                    index: None,
                }
            };
            self.editor.pending.push((edit, None));
            // A new rule must show even when the filter would hide it.
            self.editor.filter.clear();
            self.editor.scroll_to = Some(child_pointer(&list_ptr, count));
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
                                completed = self.completion(&resp, &field_ptr, &text, words);
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
            let del = ui.button("Delete");
            if up.clicked() {
                self.editor.pending.push((
                    Edit::MoveItem {
                        pointer: list_ptr.clone(),
                        from: index,
                        to: index - 1,
                    },
                    None,
                ));
            }
            if down.clicked() {
                self.editor.pending.push((
                    Edit::MoveItem {
                        pointer: list_ptr.clone(),
                        from: index,
                        to: index + 1,
                    },
                    None,
                ));
            }
            if dup.clicked()
                && let Some(node) = doc.parsed().root.as_ref().and_then(|r| r.pointer(pointer))
            {
                self.editor.pending.push((
                    Edit::InsertItem {
                        pointer: list_ptr.clone(),
                        value: node.to_value(),
                        index: Some(index + 1),
                    },
                    None,
                ));
            }
            if del.clicked() {
                self.editor.pending.push((
                    Edit::RemoveItem {
                        pointer: list_ptr.clone(),
                        index,
                    },
                    None,
                ));
            }
        });
    }

    /// Offers the names the file already uses for the entry being typed in
    /// `resp` (a FEATURES or SERIALNUMBERS field) in a list below it. A
    /// click or Enter takes one: the field's new text is returned, and the
    /// cursor stays at its end for the next entry.
    pub(crate) fn completion(
        &mut self,
        resp: &egui::Response,
        field_ptr: &str,
        text: &str,
        words: &[String],
    ) -> Option<String> {
        if resp.gained_focus() || resp.changed() {
            self.editor.completing = Some(field_ptr.to_string());
        }
        if self.editor.completing.as_deref() != Some(field_ptr) {
            return None;
        }
        let (start, found) = complete::suggest(text, words);
        let enter = resp.lost_focus() && resp.ctx.input(|i| i.key_pressed(egui::Key::Enter));
        let mut chosen = enter.then(|| found.first().copied()).flatten();
        let shown = (!found.is_empty() && !enter).then(|| {
            egui::Popup::from_response(resp)
                .id(egui::Id::unique(("complete", field_ptr)))
                .open(true)
                .show(|ui| {
                    ui.set_min_width(resp.rect.width().min(320.0));
                    ui.label(RichText::new("Used in this file").small().weak());
                    for w in found.iter().take(complete::MAX) {
                        if ui.button(*w).clicked() {
                            chosen = Some(*w);
                        }
                    }
                    if found.len() > complete::MAX {
                        ui.label(
                            RichText::new(format!(
                                "{} more: type to narrow",
                                found.len() - complete::MAX
                            ))
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
            self.editor.completing = None;
            let done = complete::accept(text, start, word);
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
            self.editor.completing = None;
        }
        None
    }

    /// Queues setting `key` of the object at `object` to `value`: replaced if
    /// the key is there, added (at `index`) if not. Typing in one field is
    /// one undo step.
    pub(crate) fn set_field(
        &mut self,
        object: &str,
        key: &str,
        exists: bool,
        value: Value,
        index: Option<usize>,
    ) {
        self.act(field_edit(object, key, exists, value, index));
    }

    /// One chip per entry saying what it is; a group's chip opens it.
    /// With no entries yet, the row keeps its room: the first key typed
    /// must not push the fields below from under the pointer.
    pub(crate) fn entry_chips(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        list: Option<&crate::model::EntryList>,
    ) {
        let Some(list) = list.filter(|l| !l.is_empty()) else {
            let h = (ui.text_style_height(&egui::TextStyle::Small)
                + 2.0 * ui.spacing().button_padding.y)
                .max(ui.spacing().interact_size.y);
            ui.allocate_exact_size(egui::vec2(0.0, h), egui::Sense::hover());
            return;
        };
        let index = &doc.config().group_index;
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            for e in list.iter().take(40) {
                let group = e.kind.is_name().then(|| index.lookup_entry(&e)).flatten();
                let kind = if group.is_some() {
                    "group"
                } else {
                    e.kind.label()
                };
                let chip = egui::Button::new(RichText::new(format!("{} · {kind}", e.text)).small())
                    .corner_radius(8.0);
                let resp = ui.add(chip);
                if let Some(g) = group
                    && resp.on_hover_text("Open this group").clicked()
                {
                    self.act(WindowAction::Show(Section::Groups));
                    self.editor.scroll_to = index_pointer(doc, g);
                }
            }
            if list.len() > 40 {
                ui.label(
                    RichText::new(format!("and {} more", list.len() - 40))
                        .small()
                        .weak(),
                );
            }
        });
    }
}

/// The edit of one field typed into: its value set, or the member inserted
/// at `index` when the object has no such key yet; typing in one field is
/// one undo step.
pub(crate) fn field_edit(
    object: &str,
    key: &str,
    exists: bool,
    value: Value,
    index: Option<usize>,
) -> WindowAction {
    let pointer = child_pointer(object, key);
    let edit = if exists {
        Edit::SetValue {
            pointer: pointer.clone(),
            value,
        }
    } else {
        Edit::InsertMember {
            pointer: object.to_string(),
            key: key.to_string(),
            value,
            index,
        }
    };
    WindowAction::Typed(edit, pointer)
}
