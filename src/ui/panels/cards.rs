//! What the rule lists and the groups share: the context their cards are
//! drawn in, and the parts every card has (entry chips, findings, fields
//! typed into).

use egui::RichText;
use serde_json::Value;

use crate::diag::Diagnostic;
use crate::document::Document;
use crate::document::Edit;
use crate::json::child_pointer;
use crate::model::EntryList;
use crate::rule_id::RuleId;
use crate::spec::RuleKind;
use crate::ui::Section;
use crate::ui::WindowAction;
use crate::ui::derived::Derived;
use crate::ui::findings::Beside;
use crate::ui::panels::problems::diagnostic_line;
use crate::ui::state::Editor;

/// What the cards draw from beside the document, the editor state they
/// keep (card heights, the card to bring into view, completion, focus, the
/// filter a new card clears), and what they ask of the window: collected
/// in `asked`, done by [`crate::ui::PrivyApp::act`] once they are drawn.
pub(crate) struct Cards<'a> {
    pub(crate) editor: &'a mut Editor,
    /// The findings over every principal, shown on the cards they are about.
    pub(crate) findings: &'a Beside,
    /// The rules deciding the simulated request (none when the simulator
    /// is closed), marked on their cards.
    pub(crate) deciding: &'a [RuleId],
    pub(crate) asked: Vec<WindowAction>,
}

impl Cards<'_> {
    /// Asks the window for something beyond the cards.
    pub(crate) fn act(&mut self, action: WindowAction) {
        self.asked.push(action);
    }

    /// The index in the list at `list_ptr` of the card to bring into view.
    pub(crate) fn scroll_target(&self, list_ptr: &str) -> Option<usize> {
        self.editor
            .scroll_to
            .as_deref()
            .and_then(|p| p.strip_prefix(list_ptr))
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|i| i.parse::<usize>().ok())
    }

    /// Under a filter, the other sections with matches, each a link: the
    /// matches are never only where the user happens to be.
    pub(crate) fn elsewhere(&mut self, ui: &mut egui::Ui, derived: &Derived, here: Section) {
        if self.editor.filter.trim().is_empty() {
            return;
        }
        let mut places: Vec<(Section, String)> = RuleKind::ALL
            .into_iter()
            .map(|kind| {
                (
                    Section::Rules(kind),
                    kind.title(),
                    derived.list(kind).1.len(),
                )
            })
            .chain(std::iter::once((
                Section::Groups,
                "Groups",
                derived.groups.len(),
            )))
            .filter(|(section, _, n)| *n > 0 && *section != here)
            .map(|(section, title, n)| (section, format!("{title} ({n})")))
            .collect();
        if places.is_empty() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Also matching in").weak());
            for (section, text) in places.drain(..) {
                if ui.link(text).clicked() {
                    self.act(WindowAction::Show(section));
                }
            }
        });
        ui.add_space(4.0);
    }

    /// Copies the rule or group at `pointer` to the clipboard as JSON text,
    /// to paste into any list or another file (not one in which a password
    /// value shows).
    pub(crate) fn copy(&mut self, ui: &egui::Ui, doc: &Document, pointer: &str, what: String) {
        let Some(node) = doc.parsed().root.as_ref().and_then(|r| r.pointer(pointer)) else {
            return;
        };
        let text = serde_json::to_string_pretty(&node.to_value()).unwrap_or_default();
        // A password value never reaches the clipboard, and a masked one
        // must not come back as an edit when pasted: not copied at all.
        if doc.secrets().shows_in(&text) {
            self.act(WindowAction::Say(crate::ui::Status {
                text: format!("{what} is not copied: a password value of the file shows in it"),
                error: true,
            }));
            return;
        }
        ui.ctx().copy_text(text);
        self.act(WindowAction::Say(crate::ui::Status {
            text: format!("Copied {what} as JSON: Ctrl+V pastes it at the end of the list shown"),
            error: false,
        }));
    }

    /// Ctrl+V where no field takes it: the rules (or groups) on the
    /// clipboard, as JSON text of one object or a list of them, added at
    /// the end of the list at `list_key`, as one undo step.
    pub(crate) fn paste(&mut self, ui: &egui::Ui, doc: &Document, list_key: &str) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let pasted = ui.input(|i| {
            i.events.iter().find_map(|e| match e {
                egui::Event::Paste(text) => Some(text.clone()),
                _ => None,
            })
        });
        let Some(text) = pasted else { return };
        let items = match serde_json::from_str::<Value>(text.trim()) {
            Ok(Value::Object(o)) => vec![Value::Object(o)],
            Ok(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => a,
            _ => {
                self.act(WindowAction::Say(crate::ui::Status {
                    text: "The clipboard holds no rule or group: copy one with its card's Copy button (JSON text of an object, or a list of them)".into(),
                    error: true,
                }));
                return;
            }
        };
        let n = items.len();
        self.append(doc, list_key, items);
        self.act(WindowAction::Say(crate::ui::Status {
            text: match n {
                1 => "Pasted 1 item at the end of the list; Ctrl+Z takes it back".to_string(),
                n => format!("Pasted {n} items at the end of the list; Ctrl+Z takes them back"),
            },
            error: false,
        }));
    }

    /// Adds `items` at the end of the list at `list_key` (making the list
    /// when the file has none) as one undo step, and brings the first into
    /// view even where the filter would hide it. The index of the first.
    pub(crate) fn append(&mut self, doc: &Document, list_key: &str, items: Vec<Value>) -> usize {
        let list_ptr = format!("/{list_key}");
        let len = doc
            .parsed()
            .root
            .as_ref()
            .and_then(|r| r.pointer(&list_ptr))
            .and_then(crate::json::Node::as_array)
            .map(|a| a.len());
        let edits: Vec<Edit> = match len {
            Some(_) => items
                .into_iter()
                .map(|value| Edit::InsertItem {
                    pointer: list_ptr.clone(),
                    value,
                    index: None,
                })
                .collect(),
            None => vec![Edit::InsertMember {
                pointer: String::new(),
                key: list_key.to_string(),
                value: Value::Array(items),
                index: None,
            }],
        };
        if let [edit] = edits.as_slice() {
            self.act(WindowAction::Edit(edit.clone()));
        } else {
            // Several edits, one undo step.
            let group = format!("append {list_ptr} {}", doc.generation());
            for edit in edits {
                self.act(WindowAction::Typed(edit, group.clone()));
            }
            self.act(WindowAction::EndTyping);
        }
        let first = len.unwrap_or(0);
        self.editor.filter.clear();
        self.editor.scroll_to = Some(child_pointer(&list_ptr, first));
        first
    }

    /// One finding in a line, with its Fix.
    pub(crate) fn diagnostic_line(&mut self, ui: &mut egui::Ui, doc: &Document, d: &Diagnostic) {
        if let Some(edit) = diagnostic_line(ui, doc, d) {
            self.act(WindowAction::Edit(edit));
        }
    }

    /// Sets `key` of the object at `object` to `value`: replaced if the
    /// key is there, added (at `index`) if not. Typing in one field is one
    /// undo step.
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
        list: Option<&EntryList>,
    ) {
        let Some(list) = list.filter(|l| !l.is_empty()) else {
            let h = (ui.text_style_height(&egui::TextStyle::Small)
                + 2.0 * ui.spacing().button_padding.y)
                .max(ui.spacing().interact_size.y);
            ui.allocate_exact_size(egui::vec2(0.0, h), egui::Sense::hover());
            return;
        };
        let cfg = doc.config();
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            for e in list.iter().take(40) {
                let group = e
                    .kind
                    .is_name()
                    .then(|| cfg.group_index.lookup_entry(&e))
                    .flatten()
                    .and_then(|g| cfg.groups.get(g));
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
                    self.act(WindowAction::GoTo(g.pointer.clone()));
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
