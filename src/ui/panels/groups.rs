//! The groups: cards with their members and where each is used.

use crate::document::Document;
use crate::document::Edit;
use crate::json::child_pointer;
use crate::spec;
use crate::ui::WindowAction;
use crate::ui::derived::Derived;
use crate::ui::panels::cards::Cards;
use crate::ui::place_name;
use crate::ui::value_text;
use crate::ui::virtual_list;
use egui::RichText;
use serde_json::Value;

impl Cards<'_> {
    pub(crate) fn groups(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        viewport: egui::Rect,
    ) {
        self.paste(ui, doc, spec::GROUPS_KEY);
        ui.heading("Groups");
        ui.label(RichText::new("Named lists of users, hosts, IP forms, local groups and other groups, usable in any USERS list.").weak());
        ui.add_space(8.0);
        self.elsewhere(ui, derived, crate::ui::Section::Groups);
        let cfg = doc.config();
        if cfg.groups.is_empty() {
            ui.label("No groups yet.");
        } else if derived.groups.is_empty() {
            ui.label(format!(
                "No group mentions \"{}\".",
                self.editor.filter.trim()
            ));
        }
        let list_ptr = format!("/{}", spec::GROUPS_KEY);
        let force = self.scroll_target(&list_ptr);
        let mut heights = self.editor.heights.remove(&list_ptr).unwrap_or_default();
        virtual_list::show(
            ui,
            viewport,
            &mut heights,
            &derived.groups,
            force,
            |ui, gi| {
                let Some(g) = cfg.groups.get(gi) else { return };
                let r = egui::Frame::group(ui.style())
                    .inner_margin(10.0)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        egui::Grid::new(("group", &g.pointer))
                            .num_columns(2)
                            .min_col_width(110.0)
                            .spacing([12.0, 6.0])
                            .show(ui, |ui| {
                                for (key, label) in
                                    [(spec::GROUP_NAME, "Name"), (spec::GROUP_MEMBERS, "Members")]
                                {
                                    let ptr = child_pointer(&g.pointer, key);
                                    let node =
                                        doc.parsed().root.as_ref().and_then(|r| r.pointer(&ptr));
                                    let mut text =
                                        node.map(|n| value_text(doc, n)).unwrap_or_default();
                                    let l = ui.label(label);
                                    let id = egui::Id::unique(("group-field", &ptr));
                                    // A new group's empty name is not an
                                    // error yet while it is being typed.
                                    let typing_new = key == spec::GROUP_NAME
                                        && text.is_empty()
                                        && ui.memory(|m| m.has_focus(id));
                                    let resp = ui
                                        .vertical(|ui| {
                                            let resp = ui.add(
                                                egui::TextEdit::singleline(&mut text)
                                                    .id(id)
                                                    .hint_text(if key == spec::GROUP_NAME {
                                                        "the group's name, as rules list it"
                                                    } else {
                                                        "names, hosts, IPs, &local groups; ; between"
                                                    })
                                                    .desired_width(f32::INFINITY),
                                            );
                                            if self.editor.focus_next.as_deref() == Some(ptr.as_str()) {
                                                resp.request_focus();
                                                self.editor.focus_next = None;
                                            }
                                            if key == spec::GROUP_MEMBERS {
                                                self.entry_chips(ui, doc, g.members.as_ref());
                                            }
                                            for &d in derived.diags_at(&ptr) {
                                                let d = &doc.diagnostics()[d];
                                                if typing_new
                                                    && d.code == crate::diag::Code::EmptyGroupName
                                                {
                                                    continue;
                                                }
                                                self.diagnostic_line(ui, doc, d);
                                            }
                                            resp
                                        })
                                        .inner
                                        .labelled_by(l.id);
                                    if resp.changed() {
                                        let value = Value::String(text.clone());
                                        self.set_field(
                                            &g.pointer,
                                            key,
                                            node.is_some(),
                                            value,
                                            None,
                                        );
                                    }
                                    if resp.lost_focus() {
                                        self.editor.end_group = true;
                                    }
                                    ui.end_row();
                                }
                            });
                        for &d in derived.diags_at(&g.pointer) {
                            self.diagnostic_line(ui, doc, &doc.diagnostics()[d]);
                        }
                        ui.horizontal_wrapped(|ui| {
                            let uses = derived.used_by.get(gi).map_or(&[][..], Vec::as_slice);
                            if uses.is_empty() {
                                ui.label(RichText::new("Not used by any rule or group.").weak());
                            } else {
                                ui.label(RichText::new("Used by").weak());
                                for u in uses.iter().filter_map(|u| u.pointer(cfg)) {
                                    if ui.link(place_name(cfg, u)).on_hover_text(u).clicked() {
                                        self.act(WindowAction::GoTo(u.to_string()));
                                    }
                                }
                            }
                        });
                        ui.horizontal(|ui| {
                            if ui
                                .button("Copy group")
                                .on_hover_text("Copy this group as JSON text: Ctrl+V pastes it into Groups, here or in another file")
                                .clicked()
                            {
                                let name = format!("group {}", g.name.as_deref().unwrap_or(""));
                                self.copy(ui, doc, &g.pointer, name);
                            }
                            if ui.button("Delete group").clicked() {
                                self.act(WindowAction::Edit(Edit::RemoveItem {
                                    pointer: "/GROUPS".into(),
                                    index: g.index,
                                }));
                            }
                        });
                    });
                if self.editor.scroll_to.as_deref() == Some(g.pointer.as_str()) {
                    r.response.scroll_to_me(Some(egui::Align::TOP));
                    self.editor.scroll_to = None;
                }
                ui.add_space(6.0);
            },
        );
        self.editor.heights.insert(list_ptr, heights);
        if ui.button("Add group").clicked() {
            let group = serde_json::json!({ "NAME": "", "MEMBERS": "" });
            let at = self.append(doc, spec::GROUPS_KEY, vec![group]);
            // The new group's name field takes the keyboard.
            self.editor.focus_next = Some(child_pointer(
                &child_pointer("/GROUPS", at),
                spec::GROUP_NAME,
            ));
        }
    }
}
