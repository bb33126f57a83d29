//! The Request tab: the request form, the verdict and the trace.

use super::field;
use super::verdict_color;
use crate::document::Document;
use crate::engine::Action;
use crate::engine::Decision;
use crate::engine::Outcome;
use crate::engine::Request;
use crate::engine::Verdict;
use crate::ui::place_name;
use crate::ui::sim::SimCx;
use crate::ui::sim::deciding_rules;
use crate::words::step_title;
use crate::words::verdict_word;
use egui::RichText;

impl SimCx<'_> {
    pub(super) fn request_form(&mut self, ui: &mut egui::Ui, words: &[String]) {
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
                if form.groups.trim().is_empty() {
                    ui.label("");
                    ui.checkbox(&mut form.no_local_groups, "Has no local groups")
                        .on_hover_text(
                            "Otherwise, left empty, the local groups are not known: the verdict says whether they could change it",
                        );
                    ui.end_row();
                }
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
            if let Some(done) = crate::ui::complete::offer(
                &resp,
                &mut self.sim_panel.completing,
                "sim:feature",
                &form.feature,
                &known,
            ) {
                form.feature = done;
            }
        }
        self.sim.form = form;
    }

    pub(super) fn request_tab(&mut self, ui: &mut egui::Ui, doc: &Document, words: &[String]) {
        self.request_form(ui, words);
        self.sim.refresh(doc, self.sim_panel.wanted());
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
                        crate::words::simulator::pool_unusable(e),
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
                        egui::TextEdit::singleline(&mut self.sim_panel.case_name)
                            .hint_text("optional")
                            .desired_width(140.0),
                    )
                    .labelled_by(l.id);
                    if ui
                        .button("Save as test case")
                        .on_hover_text("Expect this verdict and reason from now on (Tests tab)")
                        .clicked()
                    {
                        let name = std::mem::take(&mut self.sim_panel.case_name);
                        self.sim.save_request_as_case(&name);
                    }
                });
                ui.add_space(6.0);
                self.trace(ui, doc, &d);
            }
        }
    }

    /// The large verdict and its reason in one sentence.
    pub(super) fn verdict(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        req: &Request,
        d: &Decision,
    ) {
        // An input not given could change it: a state of its own, in the
        // verdict itself, not a green word over a small warning.
        let otherwise = self
            .sim
            .explained()
            .filter(|a| !a.explained.determination.determined)
            .map(|a| {
                crate::words::explained::but_otherwise(
                    d.decision,
                    &a.explained.determination.would_change,
                )
            });
        let (color, word) = match &otherwise {
            Some(_) => (
                ui.visuals().warn_fg_color,
                crate::words::explained::undetermined_verdict(d.decision),
            ),
            None => (
                verdict_color(ui, d.decision),
                verdict_word(d.decision).to_string(),
            ),
        };
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(2.0, color))
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(RichText::new(word).size(30.0).strong().color(color));
                if let Some(Some(but)) = &otherwise {
                    ui.label(RichText::new(but).size(16.0).strong().color(color));
                }
                ui.label(crate::words::simulator::verdict_line(req, d));
                let by = crate::words::simulator::decided_by(d.decision);
                for r in &deciding_rules(d) {
                    let r = r.pointer();
                    ui.horizontal(|ui| {
                        ui.label(by);
                        if ui.link(place_name(doc.config(), &r)).clicked() {
                            self.go_to(&r);
                        }
                    });
                }
                // Right under the verdict: whether an input not given
                // could change it, and an unknown feature.
                self.answer_in_verdict(ui, d);
                if let Some(s) = &d.serial {
                    ui.label(RichText::new(crate::words::simulator::license_line(s)).weak());
                }
                if req.action == Action::Borrow {
                    ui.label(RichText::new(crate::words::simulator::borrowing_line(d)).weak());
                }
                if !d.missing_inputs.is_empty() {
                    ui.label(
                        RichText::new(crate::words::simulator::not_given(&d.missing_inputs))
                            .small(),
                    );
                }
                // What the answer takes for granted is part of it: the
                // theme's normal text colour, not the dim one.
                for a in &d.assumptions {
                    ui.label(RichText::new(crate::words::simulator::assumes(a)).small());
                }
            });
        self.how_to_allow(ui, doc, d);
    }

    /// The ladder of steps, each with the rules it looked at.
    pub(super) fn trace(&mut self, ui: &mut egui::Ui, doc: &Document, d: &Decision) {
        let mut said = false;
        for step in &d.trace {
            let later = step.outcome == Outcome::NotReached;
            if later && !std::mem::replace(&mut said, true) {
                ui.add_space(4.0);
                ui.label(
                    RichText::new(
                        "The server stops at the step above. It never reaches these; shown for what they would find:",
                    )
                    .weak()
                    .italics(),
                );
            }
            let (mark, color) = match step.outcome {
                Outcome::Passed => ("✔", verdict_color(ui, Verdict::Granted)),
                Outcome::Denied => ("✖", verdict_color(ui, Verdict::Denied)),
                Outcome::Skipped => ("–", ui.visuals().weak_text_color()),
                Outcome::NotReached => ("·", ui.visuals().weak_text_color()),
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(mark).color(color).strong());
                ui.label(RichText::new(step_title(step.step)).strong());
                ui.label(RichText::new(crate::words::found(&step.found)).color(
                    if matches!(step.outcome, Outcome::Skipped | Outcome::NotReached) {
                        ui.visuals().weak_text_color()
                    } else {
                        ui.visuals().text_color()
                    },
                ));
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
                        .link(place_name(doc.config(), &check.rule.pointer()))
                        .on_hover_text(format!("Show {} in the editor", check.rule))
                        .clicked()
                    {
                        self.go_to(&check.rule.pointer());
                    }
                    ui.label(crate::words::why(&check.why));
                });
            }
        }
    }
}
