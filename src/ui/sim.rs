//! The what-if simulator, a panel beside the editor: a request and its
//! verdict with the full trace, the license pool, scenario replay, the
//! decision matrix and saved test cases. Everything it shows is worked out
//! by the core (`engine`, `sim`) and recomputed when the file, the pool or
//! the request changes, never per frame.

use egui::{Color32, RichText};

use super::{PrivyApp, place_name};
use crate::document::Document;
use crate::engine::pool::{License, SeatSharing, Session};
use crate::engine::{Action, Decision, Outcome, Request, SeatUsage, Verdict};
use crate::sim::matrix::{Matrix, Principal};
pub use crate::sim::session::*;
use crate::words::{reason_short, step_title, verdict_word};

fn verdict_color(ui: &egui::Ui, v: Verdict) -> Color32 {
    match v {
        Verdict::Granted if ui.visuals().dark_mode => Color32::from_rgb(90, 200, 120),
        Verdict::Granted => Color32::from_rgb(20, 130, 60),
        Verdict::Denied => ui.visuals().error_fg_color,
    }
}

/// A labelled single-line field in a two-column grid.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) -> egui::Response {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
    ui.end_row();
    r
}

impl PrivyApp {
    /// The simulator panel. Returns nothing: clicks on rules move the
    /// editor (`go_to`), dialogs are started on the window's dialog thread.
    pub(super) fn simulator(&mut self, ui: &mut egui::Ui, doc: &Document, words: &[String]) {
        self.sim.refresh(doc);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading("Simulator");
            if doc.diagnostics().iter().any(|d| d.severity == crate::diag::Severity::Error) {
                ui.label(RichText::new("⚠ the file has errors: what could be read is used").small())
                    .on_hover_text("Rules with errors may be left out or read differently by the server. See Problems.");
            }
        });
        ui.horizontal_wrapped(|ui| {
            for tab in SimTab::ALL {
                let mut title = tab.title().to_string();
                let failing = self.sim.failing_cases();
                if tab == SimTab::Tests && failing > 0 {
                    title = format!("Tests ({failing} failing)");
                }
                ui.selectable_value(&mut self.sim.tab, tab, title);
            }
        });
        if let Some(note) = &self.sim.note {
            let color = if note.error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().weak_text_color()
            };
            ui.colored_label(color, &note.text);
        }
        ui.separator();
        // The tab may have changed: its content is worked out now.
        self.sim.refresh(doc);
        if self.sim.busy() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Working out the changed rules…")
                    .on_hover_text("A large file's rules are compiled beside the window, which goes on meanwhile. What is shown below is from before the last change.");
            });
            // Looked at again shortly: the worker does not wake the window.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(30));
        }
        match self.sim.tab {
            SimTab::Matrix => self.matrix_tab(ui, doc),
            tab => {
                // The pool's tables scroll sideways rather than widen the
                // panel over the editor; text elsewhere wraps.
                let scroll = if tab == SimTab::Pool {
                    egui::ScrollArea::both()
                } else {
                    egui::ScrollArea::vertical()
                };
                scroll
                    .id_salt(("sim", tab.title()))
                    .auto_shrink(false)
                    .show(ui, |ui| match tab {
                        SimTab::Request => self.request_tab(ui, doc, words),
                        SimTab::Pool => self.pool_tab(ui),
                        SimTab::Scenario => self.scenario_tab(ui, doc),
                        SimTab::Tests => self.tests_tab(ui, doc),
                        SimTab::Matrix => {}
                    });
            }
        }
    }

    fn request_form(&mut self, ui: &mut egui::Ui, words: &[String]) {
        let mut form = self.sim.form.clone();
        let mut feature_resp = None;
        egui::Grid::new("sim-request")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                field(ui, "User", &mut form.user, "optional");
                field(ui, "Host", &mut form.host, "optional");
                field(ui, "IP address", &mut form.ip, "optional, e.g. 4.3.2.11");
                field(
                    ui,
                    "Local groups",
                    &mut form.groups,
                    "optional: Windows groups, ; between",
                );
                feature_resp = Some(field(
                    ui,
                    "Feature",
                    &mut form.feature,
                    "the feature asked for",
                ));
                field(ui, "Serial", &mut form.serial, "any license");
                ui.label("Action");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut form.action, Action::Checkout, "Checkout");
                    ui.radio_value(&mut form.action, Action::Borrow, "Borrow");
                });
                ui.end_row();
                if form.action == Action::Borrow {
                    field(ui, "Borrow hours", &mut form.hours, "hours asked");
                }
            });
        if let Some(resp) = feature_resp {
            let mut known: Vec<String> = words.to_vec();
            for l in &self.sim.pool.licenses {
                known.extend(l.features.iter().map(|(f, _)| f.clone()));
            }
            known.sort();
            known.dedup();
            if let Some(done) = self.completion(&resp, "sim:feature", &form.feature, &known) {
                form.feature = done;
            }
        }
        self.sim.form = form;
    }

    fn request_tab(&mut self, ui: &mut egui::Ui, doc: &Document, words: &[String]) {
        self.request_form(ui, words);
        self.sim.refresh(doc);
        ui.add_space(6.0);
        let decided = self.sim.decision.as_ref().map(|c| c.value.clone());
        match decided {
            None => {}
            Some(Err(e)) => {
                ui.label(RichText::new(e).weak());
            }
            Some(Ok((req, d))) => {
                if let Some(e) = self.sim.pool_error() {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("The pool is not usable ({e}): decided without it."),
                    );
                }
                self.verdict(ui, doc, &req, &d);
                ui.horizontal(|ui| {
                    if ui
                        .button("Add to scenario")
                        .on_hover_text("Append this request to the Scenario tab's replay")
                        .clicked()
                    {
                        self.sim.add_to_scenario();
                    }
                    let l = ui.label("Case name");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.sim.case_name)
                            .hint_text("optional")
                            .desired_width(140.0),
                    )
                    .labelled_by(l.id);
                    if ui
                        .button("Save as test case")
                        .on_hover_text("Expect this verdict and reason from now on (Tests tab)")
                        .clicked()
                    {
                        self.sim.save_request_as_case();
                    }
                });
                ui.add_space(6.0);
                self.trace(ui, doc, &d);
            }
        }
    }

    /// The large verdict and its reason in one sentence.
    fn verdict(&mut self, ui: &mut egui::Ui, doc: &Document, req: &Request, d: &Decision) {
        let color = verdict_color(ui, d.decision);
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(2.0, color))
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(verdict_word(d.decision))
                        .size(30.0)
                        .strong()
                        .color(color),
                );
                ui.label(format!(
                    "{}: {} [{}]",
                    crate::sim::who(req),
                    crate::sim::reason_sentence(d, req),
                    d.reason.as_str()
                ));
                let by = if d.decision == Verdict::Denied {
                    "Denied by"
                } else {
                    "Allowed by"
                };
                for r in &deciding_rules(d) {
                    ui.horizontal(|ui| {
                        ui.label(by);
                        if ui.link(place_name(doc.config(), r)).clicked() {
                            self.go_to(r);
                        }
                    });
                }
                if let Some(s) = &d.serial {
                    ui.label(RichText::new(format!("License {s}")).weak());
                }
                if req.action == Action::Borrow {
                    let max = d
                        .max_borrow_hours
                        .map_or("no maximum".to_string(), |h| format!("at most {h} hours"));
                    ui.label(RichText::new(format!("Borrowing: {max}")).weak());
                }
                if !d.missing_inputs.is_empty() {
                    ui.label(
                        RichText::new(format!(
                            "Not given: {}. Rules list entries of these kinds; without them those entries match nothing.",
                            d.missing_inputs.join(", ")
                        ))
                        .small()
                        .weak(),
                    );
                }
                for a in &d.assumptions {
                    ui.label(RichText::new(format!("Assumes: {a}")).small().weak());
                }
            });
    }

    /// The ladder of steps, each with the rules it looked at.
    fn trace(&mut self, ui: &mut egui::Ui, doc: &Document, d: &Decision) {
        for step in &d.trace {
            let (mark, color) = match step.outcome {
                Outcome::Passed => ("✔", verdict_color(ui, Verdict::Granted)),
                Outcome::Denied => ("✖", verdict_color(ui, Verdict::Denied)),
                Outcome::Skipped => ("–", ui.visuals().weak_text_color()),
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(mark).color(color).strong());
                ui.label(RichText::new(step_title(step.step)).strong());
                ui.label(
                    RichText::new(&step.detail).color(if step.outcome == Outcome::Skipped {
                        ui.visuals().weak_text_color()
                    } else {
                        ui.visuals().text_color()
                    }),
                );
            });
            for check in &step.rules {
                ui.horizontal_wrapped(|ui| {
                    ui.add_space(22.0);
                    let tag = match (check.applies, check.matched) {
                        (false, _) => RichText::new("not applicable").weak(),
                        (true, true) => RichText::new("matches").strong(),
                        (true, false) => RichText::new("no match").weak(),
                    };
                    ui.label(tag.small());
                    if ui
                        .link(place_name(doc.config(), &check.pointer))
                        .on_hover_text(format!("Show {} in the editor", check.pointer))
                        .clicked()
                    {
                        self.go_to(&check.pointer);
                    }
                    ui.label(&check.why);
                });
            }
        }
    }

    fn pool_tab(&mut self, ui: &mut egui::Ui) {
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
                egui::Grid::new(("lic", li)).num_columns(3).show(ui, |ui| {
                    for (fi, (name, seats)) in lic.features.0.iter_mut().enumerate() {
                        changed |= ui
                            .add_sized([200.0, 20.0], egui::TextEdit::singleline(name))
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
        egui::Grid::new("sessions")
            .num_columns(7)
            .striped(true)
            .show(ui, |ui| {
                for h in ["User", "Host", "IP", "Feature", "Serial", "Kind", ""] {
                    ui.label(RichText::new(h).small().strong());
                }
                ui.end_row();
                for (si, s) in self.sim.pool.sessions.iter_mut().enumerate() {
                    let n = si + 1;
                    for (text, w, what) in [
                        (&mut s.user, 90.0, "user"),
                        (&mut s.host, 90.0, "host"),
                        (&mut s.ip, 100.0, "IP"),
                    ] {
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
                    changed |= ui
                        .add_sized([130.0, 20.0], egui::TextEdit::singleline(&mut s.feature))
                        .accessible_name(format!("Session {n} feature"))
                        .changed();
                    let mut t = s.serial.clone().unwrap_or_default();
                    if ui
                        .add_sized(
                            [120.0, 20.0],
                            egui::TextEdit::singleline(&mut t).hint_text("first"),
                        )
                        .accessible_name(format!("Session {n} serial"))
                        .changed()
                    {
                        s.serial = Some(t).filter(|t| !t.trim().is_empty());
                        changed = true;
                    }
                    egui::ComboBox::from_id_salt(("kind", si))
                        .selected_text(crate::sim::action_word(s.kind))
                        .width(80.0)
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
                    if ui
                        .small_button("✖")
                        .on_hover_text("Remove this session")
                        .clicked()
                    {
                        remove_session = Some(si);
                    }
                    ui.end_row();
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

    fn scenario_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        ui.label(
            RichText::new(
                "Requests decided in order; each granted one holds its seat from then on.",
            )
            .weak(),
        );
        if !self.sim.use_pool {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "No pool: seats are not counted, so requests cannot run out of them. Turn the pool on in the Pool tab.",
            );
        }
        ui.horizontal(|ui| {
            if ui
                .button("Add the current request")
                .on_hover_text(self.sim.form.summary())
                .clicked()
            {
                self.sim.add_to_scenario();
            }
            if ui.button("Clear").clicked() {
                self.sim.scenario.clear();
                self.sim.scenario_rev += 1;
            }
        });
        self.sim.refresh(doc);
        let steps = self.sim.steps().cloned();
        let mut remove = None;
        let mut load = None;
        match steps {
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok(steps)) => {
                let forms = self.sim.scenario.clone();
                for (i, (form, step)) in forms.iter().zip(&steps).enumerate() {
                    let d = &step.decision;
                    let color = verdict_color(ui, d.decision);
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(format!("{}.", i + 1)).strong());
                        row_buttons(ui, i, "step", &mut load, &mut remove);
                        ui.label(form.summary());
                        ui.label(
                            RichText::new(verdict_word(d.decision))
                                .color(color)
                                .strong(),
                        );
                        let mut why = d.reason.as_str().to_string();
                        if step.took_seat {
                            why.push_str(&format!(
                                ", seat taken on {}",
                                d.serial.as_deref().unwrap_or("?")
                            ));
                        }
                        ui.label(RichText::new(why).weak());
                    });
                    egui::CollapsingHeader::new(RichText::new("trace").small())
                        .id_salt(("step", i))
                        .show(ui, |ui| self.trace(ui, doc, d));
                }
            }
            None => {}
        }
        if let Some(i) = load {
            self.sim.form = self.sim.scenario[i].clone();
            self.sim.tab = SimTab::Request;
        }
        if let Some(i) = remove {
            self.sim.scenario.remove(i);
            self.sim.scenario_rev += 1;
        }
    }

    fn matrix_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        let mut action = self.sim.matrix_action;
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut action, Action::Checkout, "Checkout");
            ui.radio_value(&mut action, Action::Borrow, "Borrow");
            ui.separator();
            if ui.button("Export CSV…").clicked() {
                self.start_sim_dialog(SimDialog::ExportMatrix);
            }
        });
        self.sim.matrix_action = action;
        ui.horizontal(|ui| {
            let l = ui.label("Add a principal");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.sim.new_row)
                        .hint_text("user, user@host, IP or &group")
                        .desired_width(200.0),
                )
                .labelled_by(l.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add").clicked() || enter) && !self.sim.new_row.trim().is_empty() {
                let p = parse_principal(&self.sim.new_row);
                self.sim.extra_rows.push(p);
                self.sim.new_row.clear();
            }
        });
        self.sim.refresh(doc);
        let Some(Cached {
            value: (m, took, more),
            ..
        }) = &self.sim.matrix
        else {
            return;
        };
        let mut info = format!(
            "{} principals × {} features, decided in {:.1} ms. Hover a cell for the reason; click it for the trace.",
            m.rows.len(),
            m.features.len(),
            took.as_secs_f64() * 1000.0
        );
        if *more {
            info.push_str(&format!(
                " The file names more principals than these first {MAX_FILE_ROWS}: add the ones you need above."
            ));
        }
        ui.label(RichText::new(info).small().weak());
        if m.rows.is_empty() || m.features.is_empty() {
            ui.label("The file names no principals or no features yet: add a principal above.");
            return;
        }
        if let Some(req) = matrix_grid(ui, m) {
            self.sim.form = RequestForm::from_request(&req);
            self.sim.tab = SimTab::Request;
        }
    }

    fn tests_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        ui.horizontal_wrapped(|ui| {
            if ui.button("Open cases…").clicked() {
                self.start_sim_dialog(SimDialog::OpenCases);
            }
            if ui.button("Save cases…").clicked() {
                self.start_sim_dialog(SimDialog::SaveCases);
            }
            if ui
                .button("Save the current request")
                .on_hover_text("Expect the verdict it gets now")
                .clicked()
            {
                self.sim.save_request_as_case();
            }
        });
        if let Some(p) = &self.sim.cases_path {
            ui.label(RichText::new(p.display().to_string()).small().weak());
        }
        self.sim.refresh(doc);
        let results = self.sim.case_results().cloned();
        let mut remove = None;
        let mut load = None;
        match results {
            None => {}
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok(outcomes)) => {
                let failed = outcomes.iter().filter(|o| !o.passed).count();
                let passed = outcomes.len() - failed;
                if outcomes.is_empty() {
                    ui.label(
                        RichText::new("No cases yet: decide a request and save it as a case.")
                            .weak(),
                    );
                } else {
                    ui.label(RichText::new(format!("{passed} passed, {failed} failed")).strong());
                }
                let cases = self.sim.cases.cases.clone();
                for (i, (case, got)) in cases.iter().zip(&outcomes).enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        let (mark, color) = if got.passed {
                            ("✔", verdict_color(ui, Verdict::Granted))
                        } else {
                            ("✖", verdict_color(ui, Verdict::Denied))
                        };
                        ui.label(RichText::new(mark).color(color).strong());
                        row_buttons(ui, i, "case", &mut load, &mut remove);
                        ui.label(&case.name);
                        let expected = match case.reason {
                            Some(r) => format!("{} ({})", verdict_word(case.expect), r.as_str()),
                            None => verdict_word(case.expect).to_string(),
                        };
                        let text = if got.passed {
                            format!("expects {expected}")
                        } else {
                            format!(
                                "expects {expected}, now {} ({})",
                                verdict_word(got.got),
                                got.reason.as_str()
                            )
                        };
                        ui.label(RichText::new(text).weak());
                        for r in &got.rules {
                            if ui.link(place_name(doc.config(), r)).clicked() {
                                self.go_to(r);
                            }
                        }
                    });
                }
            }
        }
        if let Some(i) = load
            && let Ok(req) = self.sim.cases.cases[i].request.to_request()
        {
            self.sim.form = RequestForm::from_request(&req);
            self.sim.tab = SimTab::Request;
        }
        if let Some(i) = remove {
            self.sim.cases.cases.remove(i);
            self.sim.cases_rev += 1;
        }
    }
}

/// The matrix as a grid: feature names written upwards over narrow
/// columns, one row per principal. Only the rows and columns in view are
/// drawn, so a large matrix costs no more per frame than a screenful.
/// Returns the request of the cell clicked.
fn matrix_grid(ui: &mut egui::Ui, m: &Matrix) -> Option<Request> {
    let cell = 26.0f32;
    let gap = 2.0f32;
    let font = egui::TextStyle::Small.resolve(ui.style());
    let body = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    // The width of the widest text, kept between `least` and `most`.
    let widest = |texts: &mut dyn Iterator<Item = String>, font: &egui::FontId, least, most| {
        texts
            .map(|t| {
                ui.fonts_mut(|fo| fo.layout_no_wrap(t, font.clone(), color))
                    .size()
                    .x
            })
            .fold(least, f32::max)
            .min(most)
    };
    let header = widest(&mut m.features.iter().cloned(), &font, 40.0, 220.0) + 8.0;
    let labels: Vec<String> = m.rows.iter().map(Principal::label).collect();
    let label_w = widest(&mut labels.iter().cloned(), &body, 60.0, 240.0) + 10.0;
    let pitch = cell + gap;
    let mut open = None;
    egui::ScrollArea::both()
        .id_salt("matrix")
        .auto_shrink(false)
        .show_viewport(ui, |ui, viewport| {
            let size = egui::vec2(
                label_w + pitch * m.features.len() as f32,
                header + pitch * m.rows.len() as f32,
            );
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let origin = rect.min;
            let visible = |from: f32, to: f32, offset: f32, n: usize| {
                let first = ((from - offset) / pitch).floor().max(0.0) as usize;
                let last = (((to - offset) / pitch).ceil().max(0.0) as usize + 1).min(n);
                first..last.max(first)
            };
            let cols = visible(viewport.min.x, viewport.max.x, label_w, m.features.len());
            let rows = visible(viewport.min.y, viewport.max.y, header, m.rows.len());
            let painter = ui.painter().clone();
            for c in cols.clone() {
                let x = origin.x + label_w + c as f32 * pitch + cell / 2.0;
                let galley = painter.layout_no_wrap(m.features[c].clone(), font.clone(), color);
                let h = galley.size().y;
                let pos = egui::pos2(x - h / 2.0, origin.y + header - 4.0);
                painter.add(
                    egui::epaint::TextShape::new(pos, galley, color)
                        .with_angle(-std::f32::consts::FRAC_PI_2),
                );
            }
            for r in rows {
                let y = origin.y + header + r as f32 * pitch;
                let label_rect =
                    egui::Rect::from_min_size(egui::pos2(origin.x, y), egui::vec2(label_w, cell));
                ui.put(label_rect, egui::Label::new(labels[r].as_str()).truncate());
                for c in cols.clone() {
                    let Some(x) = m.cell(r, c) else { continue };
                    let f = &m.features[c];
                    let fill = verdict_color(ui, x.verdict);
                    let mark = if x.verdict == Verdict::Granted {
                        "✔"
                    } else {
                        "✖"
                    };
                    let at = egui::Rect::from_min_size(
                        egui::pos2(origin.x + label_w + c as f32 * pitch, y),
                        egui::vec2(cell, cell),
                    );
                    let resp = ui
                        .put(
                            at,
                            egui::Button::new(RichText::new(mark).color(Color32::WHITE)).fill(fill),
                        )
                        .on_hover_text(format!(
                            "{} · {f}: {} ({})",
                            labels[r],
                            verdict_word(x.verdict),
                            reason_short(x.reason)
                        ));
                    let name = format!("{} × {f}: {}", labels[r], x.reason.as_str());
                    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if resp.clicked() {
                        open = m.request(r, c);
                    }
                }
            }
        });
    open
}

/// A request row's Open and Remove buttons (scenario steps, cases); sets
/// `load` or `remove` to the row clicked.
fn row_buttons(
    ui: &mut egui::Ui,
    i: usize,
    what: &str,
    load: &mut Option<usize>,
    remove: &mut Option<usize>,
) {
    if ui
        .small_button("Open")
        .on_hover_text("Put this request in the Request tab")
        .clicked()
    {
        *load = Some(i);
    }
    if ui
        .small_button("✖")
        .on_hover_text(format!("Remove this {what}"))
        .clicked()
    {
        *remove = Some(i);
    }
}

/// One feature's seats on one license as a bar: used, reserved for others,
/// available.
fn seat_bar(ui: &mut egui::Ui, serial: &str, feature: &str, u: &SeatUsage) {
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
