//! The Tests tab: saved expected-decision cases, run again on every edit.

use crate::ui::WindowAction;

use super::verdict_color;
use crate::document::Document;
use crate::engine::Verdict;
use crate::ui::place_name;
use crate::ui::sim::RequestForm;
use crate::ui::sim::SimCx;
use crate::ui::sim::SimDialog;
use crate::ui::sim::row_buttons;
use egui::RichText;

impl SimCx<'_> {
    pub(super) fn tests_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
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
                let name = std::mem::take(&mut self.sim_panel.case_name);
                self.sim.save_request_as_case(&name);
            }
        });
        if let Some(p) = &self.sim.cases_path {
            ui.label(RichText::new(p.display().to_string()).small().weak());
        }
        self.sim.refresh(doc, self.sim_panel.wanted());
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
                    ui.label(RichText::new(crate::words::coverage::tally(passed, failed)).strong());
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
                        let text = crate::words::coverage::case_line(
                            (case.expect, case.reason),
                            (!got.passed).then_some((got.got, got.reason)),
                        );
                        ui.label(RichText::new(text).weak());
                        for r in &got.rules {
                            if ui.link(place_name(doc.config(), &r.pointer())).clicked() {
                                self.go_to(&r.pointer());
                            }
                        }
                    });
                }
            }
        }
        self.coverage_section(ui, doc);
        if let Some(i) = load
            && let Ok(req) = self.sim.cases.cases[i].request.to_request()
        {
            self.act(WindowAction::Ask(RequestForm::from_request(&req)));
        }
        if let Some(i) = remove {
            self.sim.cases.cases.remove(i);
            self.sim.cases_rev += 1;
        }
    }
}

impl SimCx<'_> {
    /// What the cases reach: the rules and entries none reaches, in file
    /// order, each rule with a one-click case that reaches it.
    fn coverage_section(&mut self, ui: &mut egui::Ui, doc: &Document) {
        if self.sim.cases.cases.is_empty() {
            return;
        }
        let Some(Ok(c)) = self.sim.coverage(doc).cloned() else {
            return;
        };
        ui.add_space(8.0);
        let reached = c.rules.iter().filter(|r| !r.cases.is_empty()).count();
        let mut add = None;
        egui::CollapsingHeader::new(format!(
            "Coverage: {reached} of {} rules reached, {} of {} entries",
            c.rules.len(),
            c.entries - c.uncovered_entries.len(),
            c.entries
        ))
        .id_salt("coverage")
        .default_open(reached < c.rules.len())
        .show(ui, |ui| {
            for id in c.uncovered_rules() {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Not reached:");
                    if ui.link(crate::words::rule_name(id)).clicked() {
                        self.go_to(&id.pointer());
                    }
                    if ui
                        .small_button("Add a case that reaches it")
                        .on_hover_text(
                            "A request that reaches this rule, expecting the verdict it gets now",
                        )
                        .clicked()
                    {
                        add = Some(id);
                    }
                });
            }
            if !c.uncovered_entries.is_empty() {
                ui.add_space(4.0);
                ui.label(format!(
                    "Entries no case reaches ({}):",
                    c.uncovered_entries.len()
                ));
                for e in &c.uncovered_entries {
                    ui.label(
                        RichText::new(crate::words::coverage::entry_place(doc.config(), e)).weak(),
                    );
                }
            }
        });
        if let Some(id) = add
            && let Some(added) = self.sim.add_case_reaching(doc, id)
        {
            self.sim_panel.said(added);
        }
    }
}
