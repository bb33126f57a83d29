//! The Pool tab: licenses, sessions, seat sharing and seat bars.

use crate::engine::Action;
use crate::engine::SeatUsage;
use crate::pool::License;
use crate::pool::SeatSharing;
use crate::pool::Session;
use crate::ui::sim::SimCx;
use crate::ui::sim::SimDialog;
use egui::Color32;
use egui::RichText;

impl SimCx<'_> {
    pub(super) fn pool_tab(&mut self, ui: &mut egui::Ui) {
        let mut changed = false;
        changed |= ui
            .checkbox(&mut self.sim.use_pool, "Use a license pool")
            .on_hover_text("Without a pool, licenses and seats are not checked")
            .changed();
        ui.horizontal_wrapped(|ui| {
            if ui.button("Open pool…").clicked() {
                self.start_sim_dialog(SimDialog::OpenPool);
            }
            if ui.button("Save pool…").clicked() {
                self.start_sim_dialog(SimDialog::SavePool);
            }
            if ui
                .button("Import sessions (CSV)…")
                .on_hover_text(
                    "Columns: user,host,ip,feature,serial,kind; a header line is optional",
                )
                .clicked()
            {
                self.start_sim_dialog(SimDialog::ImportSessions);
            }
        });
        if let Some(p) = &self.sim.pool_path {
            ui.label(RichText::new(p.display().to_string()).small().weak());
        }
        if let Some(e) = self.sim.pool_error() {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("This pool cannot be true: {e}"),
            );
        }
        ui.horizontal(|ui| {
            ui.label("Seat sharing");
            let s = &mut self.sim.pool.seat_sharing;
            changed |= ui.radio_value(s, SeatSharing::None, "none").changed();
            changed |= ui
                .radio_value(s, SeatSharing::User, "same user")
                .on_hover_text("A user who holds the feature takes no second seat")
                .changed();
            changed |= ui
                .radio_value(s, SeatSharing::UserHost, "same user and host")
                .changed();
        });
        ui.add_space(6.0);
        ui.label(RichText::new("SEAT USAGE").small().weak());
        let seats = self
            .sim
            .seats
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default();
        if seats.is_empty() {
            ui.label(RichText::new("No licenses in use.").weak());
        }
        for (serial, feature, u) in &seats {
            seat_bar(ui, serial, feature, u);
        }
        ui.add_space(8.0);
        ui.label(RichText::new("LICENSES").small().weak());
        let mut remove_license = None;
        for (li, lic) in self.sim.pool.licenses.iter_mut().enumerate() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    let l = ui.label("Serial");
                    changed |= ui
                        .add(egui::TextEdit::singleline(&mut lic.serial).desired_width(150.0))
                        .labelled_by(l.id)
                        .changed();
                    let l = ui.label("Max borrow hours");
                    let mut hours = lic
                        .max_borrow_hours
                        .map(|h| h.to_string())
                        .unwrap_or_default();
                    if ui
                        .add(
                            egui::TextEdit::singleline(&mut hours)
                                .hint_text("none")
                                .desired_width(60.0),
                        )
                        .labelled_by(l.id)
                        .changed()
                    {
                        lic.max_borrow_hours = hours.trim().parse().ok();
                        changed = true;
                    }
                    if ui
                        .small_button("✖")
                        .on_hover_text("Remove this license")
                        .clicked()
                    {
                        remove_license = Some(li);
                    }
                });
                let mut remove_feature = None;
                // The name as wide as the longest needs, within what the
                // seats and the button leave.
                let font = egui::TextStyle::Body.resolve(ui.style());
                let color = ui.visuals().text_color();
                let longest = lic
                    .features
                    .0
                    .iter()
                    .map(|(n, _)| {
                        ui.fonts_mut(|f| f.layout_no_wrap(n.clone(), font.clone(), color))
                            .size()
                            .x
                    })
                    .fold(120.0f32, f32::max)
                    + 16.0;
                let name_w = longest.min((ui.available_width() - 120.0).max(160.0));
                egui::Grid::new(("lic", li)).num_columns(3).show(ui, |ui| {
                    for (fi, (name, seats)) in lic.features.0.iter_mut().enumerate() {
                        changed |= ui
                            .add_sized([name_w, 20.0], egui::TextEdit::singleline(name))
                            .accessible_name(format!("License {} feature {}", li + 1, fi + 1))
                            .changed();
                        changed |= ui
                            .add(
                                egui::DragValue::new(seats)
                                    .range(0..=100_000)
                                    .suffix(" seats"),
                            )
                            .accessible_name(format!("License {} feature {} seats", li + 1, fi + 1))
                            .changed();
                        if ui
                            .small_button("✖")
                            .on_hover_text("Remove this feature")
                            .clicked()
                        {
                            remove_feature = Some(fi);
                        }
                        ui.end_row();
                    }
                });
                if let Some(fi) = remove_feature {
                    lic.features.0.remove(fi);
                    changed = true;
                }
                if ui.small_button("Add feature").clicked() {
                    lic.features
                        .0
                        .push((format!("FEATURE_{}", lic.features.0.len() + 1), 1));
                    changed = true;
                }
            });
        }
        if let Some(li) = remove_license {
            self.sim.pool.licenses.remove(li);
            changed = true;
        }
        if ui.button("Add license").clicked() {
            let n = self.sim.pool.licenses.len() + 1;
            self.sim.pool.licenses.push(License {
                serial: format!("SERIAL-{n}"),
                features: Default::default(),
                max_borrow_hours: None,
            });
            self.sim.use_pool = true;
            changed = true;
        }
        ui.add_space(8.0);
        ui.label(
            RichText::new(format!("SESSIONS ({})", self.sim.pool.sessions.len()))
                .small()
                .weak(),
        );
        let mut remove_session = None;
        // Two lines a session, three fields a line, so that the table fits
        // the panel at its usual width (seven columns in one line cut the
        // feature, the serial and the remove button).
        let spacing = ui.spacing().item_spacing.x;
        let button = ui.spacing().interact_size.y + spacing;
        // Feature names are the longest, under the user; the kind and the
        // IP take least.
        let room = (ui.available_width() - 3.0 * spacing - button).max(300.0);
        let widths = [0.40, 0.33, 0.27].map(|share: f32| (room * share).floor());
        let count = self.sim.pool.sessions.len();
        egui::Grid::new("sessions")
            .num_columns(4)
            .spacing([spacing, 3.0])
            .min_row_height(0.0)
            .show(ui, |ui| {
                if count > 0 {
                    for h in ["User", "Host", "IP"] {
                        ui.label(RichText::new(h).small().strong());
                    }
                    ui.end_row();
                    for h in ["Feature", "Serial", "Kind"] {
                        ui.label(RichText::new(h).small().strong());
                    }
                    ui.end_row();
                }
                for (si, s) in self.sim.pool.sessions.iter_mut().enumerate() {
                    let n = si + 1;
                    for ((text, what), w) in [
                        (&mut s.user, "user"),
                        (&mut s.host, "host"),
                        (&mut s.ip, "IP"),
                    ]
                    .into_iter()
                    .zip(widths)
                    {
                        let mut t = text.clone().unwrap_or_default();
                        if ui
                            .add_sized([w, 20.0], egui::TextEdit::singleline(&mut t))
                            .accessible_name(format!("Session {n} {what}"))
                            .changed()
                        {
                            *text = Some(t).filter(|t| !t.trim().is_empty());
                            changed = true;
                        }
                    }
                    if ui
                        .small_button("✖")
                        .on_hover_text("Remove this session")
                        .clicked()
                    {
                        remove_session = Some(si);
                    }
                    ui.end_row();
                    changed |= ui
                        .add_sized(
                            [widths[0], 20.0],
                            egui::TextEdit::singleline(&mut s.feature),
                        )
                        .accessible_name(format!("Session {n} feature"))
                        .changed();
                    let mut t = s.serial.clone().unwrap_or_default();
                    if ui
                        .add_sized(
                            [widths[1], 20.0],
                            egui::TextEdit::singleline(&mut t).hint_text("first offering it"),
                        )
                        .accessible_name(format!("Session {n} serial"))
                        .on_hover_text(
                            "The license the session is on. Left empty, it is on the first license in the pool that offers the feature.",
                        )
                        .changed()
                    {
                        s.serial = Some(t).filter(|t| !t.trim().is_empty());
                        changed = true;
                    }
                    egui::ComboBox::from_id_salt(("kind", si))
                        .selected_text(crate::words::action_word(s.kind))
                        .width(widths[2])
                        .show_ui(ui, |ui| {
                            changed |= ui
                                .selectable_value(&mut s.kind, Action::Checkout, "checkout")
                                .changed();
                            changed |= ui
                                .selectable_value(&mut s.kind, Action::Borrow, "borrow")
                                .changed();
                        })
                        .response
                        .accessible_name(format!("Session {n} kind"));
                    ui.end_row();
                    // A gap between sessions, so that the two lines read
                    // as one.
                    if n < count {
                        ui.allocate_exact_size(egui::vec2(0.0, 6.0), egui::Sense::hover());
                        ui.end_row();
                    }
                }
            });
        if let Some(si) = remove_session {
            self.sim.pool.sessions.remove(si);
            changed = true;
        }
        if ui
            .button("Add session")
            .on_hover_text("A session of the current request's principal and feature")
            .clicked()
        {
            let f = &self.sim.form;
            let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            self.sim.pool.sessions.push(Session {
                user: opt(&f.user),
                host: opt(&f.host),
                ip: opt(&f.ip),
                local_groups: Vec::new(),
                feature: f.feature.trim().to_string(),
                serial: opt(&f.serial),
                kind: f.action,
            });
            changed = true;
        }
        if changed {
            self.sim.pool_changed();
        }
    }
}

/// One feature's seats on one license as a bar: used, reserved for others,
/// available.
pub(super) fn seat_bar(ui: &mut egui::Ui, serial: &str, feature: &str, u: &SeatUsage) {
    let text = format!(
        "{feature} on {serial}: {} used · {} reserved for others · {} free of {}",
        u.used, u.reserved_for_others, u.available, u.seats
    );
    ui.label(RichText::new(&text).small());
    let width = ui.available_width().min(420.0);
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(width, 10.0), egui::Sense::hover());
    let name = format!("Seat usage of {feature} on {serial}");
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &name));
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    if u.seats == 0 {
        return;
    }
    let dark = ui.visuals().dark_mode;
    let parts = [
        (
            u.used,
            if dark {
                Color32::from_rgb(110, 140, 200)
            } else {
                Color32::from_rgb(60, 100, 180)
            },
        ),
        (u.reserved_for_others, Color32::from_rgb(230, 160, 40)),
        (
            u.available,
            if dark {
                Color32::from_rgb(90, 200, 120)
            } else {
                Color32::from_rgb(40, 160, 80)
            },
        ),
    ];
    let mut x = rect.left();
    for (n, color) in parts {
        let w = rect.width() * n as f32 / u.seats as f32;
        if w > 0.0 {
            let r =
                egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w, rect.height()));
            painter.rect_filled(r, 0.0, color);
            x += w;
        }
    }
}
