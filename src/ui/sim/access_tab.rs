//! The Access tab: who can use a feature (every principal, grouped by
//! their answer and described by what they have in common, with the names
//! the rules reach), or everything one user can use. Worked out on a
//! worker; each row can be tried in the simulator; CSV and HTML exports.

use crate::ui::WindowAction;

use super::verdict_color;
use crate::document::Document;
use crate::engine::Action;
use crate::ui::sim::RequestForm;
use crate::ui::sim::SimCx;
use crate::ui::sim::SimDialog;
use crate::words::verdict_word;
use egui::RichText;

use crate::analysis::access::Access;
use crate::words;

/// Named principals listed under a row before "and N more".
const NAMES_SHOWN: usize = 30;

impl SimCx<'_> {
    pub(super) fn access_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        if !doc.is_json() {
            ui.label("The file is not a JSON object: there are no rules to report on.");
            return;
        }
        let mut features: Vec<String> = doc
            .config()
            .all_rules()
            .filter(|r| !r.empty_preset)
            .flat_map(|r| r.features.as_deref().into_iter().flat_map(|l| l.iter()))
            .map(|e| e.text.trim().to_string())
            .filter(|f| !f.is_empty() && f != "*")
            .collect();
        features.sort();
        features.dedup();
        if self.sim.access_feature.is_none() {
            self.sim.access_feature = features.first().cloned();
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Who can use");
            let shown = self.sim.access_feature.clone().unwrap_or_default();
            egui::ComboBox::from_id_salt("access-feature")
                .selected_text(if shown.is_empty() {
                    "(a feature)".to_string()
                } else {
                    shown
                })
                .show_ui(ui, |ui| {
                    for f in &features {
                        ui.selectable_value(&mut self.sim.access_feature, Some(f.clone()), f);
                    }
                });
            ui.selectable_value(&mut self.sim.access_action, Action::Checkout, "checkout");
            ui.selectable_value(&mut self.sim.access_action, Action::Borrow, "borrow");
        });
        ui.horizontal(|ui| {
            let l = ui.label("or everything this user can use:");
            ui.add(
                egui::TextEdit::singleline(&mut self.sim.access_user)
                    .hint_text("user name")
                    .desired_width(160.0),
            )
            .labelled_by(l.id);
        });
        let user = Some(self.sim.access_user.trim().to_string()).filter(|u| !u.is_empty());
        let feature = if user.is_some() {
            None
        } else {
            self.sim.access_feature.clone()
        };
        if feature.is_none() && user.is_none() {
            ui.label(RichText::new("The file names no feature yet.").weak());
            return;
        }
        let action = self.sim.access_action;
        let Some((worker, done)) =
            self.sim
                .access_report(doc, feature.clone(), action, user.clone())
        else {
            return;
        };
        if !done {
            let secs = worker.started.elapsed().as_secs();
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Deciding every principal… {secs} s"));
            });
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
            return;
        }
        let Some(report) = self
            .sim
            .access
            .as_mut()
            .and_then(|(_, w)| w.poll())
            .cloned()
        else {
            return;
        };
        ui.horizontal(|ui| {
            if ui.button("Export CSV…").clicked() {
                self.start_sim_dialog(SimDialog::ExportAccessCsv);
            }
            if ui
                .button("Save as HTML…")
                .on_hover_text("A self-contained page to print or file with an audit")
                .clicked()
            {
                self.start_sim_dialog(SimDialog::ExportAccessHtml);
            }
        });
        // Names the file uses may be password values of the file: masked
        // here as `privy access` masks them.
        let secrets = doc.secrets();
        ui.label(RichText::new(secrets.mask_str(&words::access::summary(&report))).weak());
        ui.separator();
        match user {
            Some(u) => self.access_of_user(ui, &report, &u, secrets),
            None => self.access_rows(ui, &report, secrets),
        }
    }

    /// One user's answer for every feature.
    fn access_of_user(
        &mut self,
        ui: &mut egui::Ui,
        report: &Access,
        user: &str,
        secrets: &crate::secrets::Secrets,
    ) {
        ui.label(
            RichText::new(secrets.mask_str(&format!(
                "What user `{user}` can {}",
                words::action_word(self.sim.access_action)
            )))
            .strong(),
        );
        let mut try_it = None;
        for f in report.features.iter().filter(|f| f.serial.is_none()) {
            let Some(r) = f.rows.first() else { continue };
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(verdict_word(r.side.decision))
                        .color(verdict_color(ui, r.side.decision))
                        .strong(),
                );
                ui.label(secrets.mask_str(&words::access::heading(f)));
                ui.label(RichText::new(secrets.mask_str(&words::access::own_verdict(r))).weak());
                // A request in which a password value shows is not made.
                let shows = secrets.shows_in(&words::findings::principal(&r.witness));
                if !shows
                    && ui
                        .small_button("Try")
                        .on_hover_text("Put this request in the Request tab")
                        .clicked()
                {
                    try_it = Some(r.witness.request(&f.feature, f.action));
                }
            });
        }
        self.try_in_simulator(try_it);
    }

    /// Who is granted and denied the feature, row by row.
    fn access_rows(
        &mut self,
        ui: &mut egui::Ui,
        report: &Access,
        secrets: &crate::secrets::Secrets,
    ) {
        let mut try_it = None;
        for f in report.features.iter().filter(|f| f.serial.is_none()) {
            ui.label(RichText::new(secrets.mask_str(&words::access::heading(f))).heading());
            for r in &f.rows {
                ui.add_space(4.0);
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(words::access::row_verdict(r))
                            .color(verdict_color(ui, r.side.decision))
                            .strong(),
                    );
                    let who = words::findings::principal(&r.witness);
                    // A request in which a password value shows is not made.
                    if !secrets.shows_in(&who)
                        && ui
                            .small_button("Try in the simulator")
                            .on_hover_text(format!("Decide {who} in the Request tab"))
                            .clicked()
                    {
                        try_it = Some(r.witness.request(&f.feature, f.action));
                    }
                });
                ui.label(secrets.mask_str(&format!("to {}", words::access::row_who(r))));
                ui.label(
                    RichText::new(
                        secrets.mask_str(&format!("e.g. {}", words::access::row_examples(r))),
                    )
                    .weak(),
                );
                if let Some(list) = words::access::row_names(f, r, NAMES_SHOWN, "in the CSV") {
                    ui.label(secrets.mask_str(&format!("Named: {list}")));
                }
            }
            let licenses: Vec<&str> = report
                .features
                .iter()
                .filter(|g| g.feature == f.feature && g.action == f.action)
                .filter_map(|g| g.serial.as_deref())
                .collect();
            if !licenses.is_empty() {
                ui.add_space(4.0);
                ui.label(
                    RichText::new(secrets.mask_str(&words::access::other_licenses(&licenses)))
                        .weak(),
                );
            }
        }
        self.try_in_simulator(try_it);
    }

    fn try_in_simulator(&mut self, req: Option<crate::engine::Request>) {
        if let Some(req) = req {
            self.act(WindowAction::Ask(RequestForm::from_request(&req)));
        }
    }
}
