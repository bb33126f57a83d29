//! The Scenario tab: requests decided one after another.

use crate::ui::WindowAction;

use super::field;
use super::verdict_color;
use crate::document::Document;
use crate::engine::Action;
use crate::engine::Request;
use crate::ui::Status;
use crate::ui::sim::SimCx;
use crate::ui::sim::row_buttons;
use crate::words::verdict_word;
use egui::RichText;

impl SimCx<'_> {
    pub(super) fn scenario_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        ui.label(
            RichText::new(
                "Requests decided in order; each granted one holds its seat from then on.",
            )
            .weak(),
        );
        if !self.sim.use_pool {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                crate::words::simulator::SCENARIO_WITHOUT_POOL,
            );
        }
        // A request written here: one after another, the principal and
        // feature staying for the next.
        let mut add = false;
        egui::Grid::new("scenario-form")
            .num_columns(2)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                let f = &mut self.sim.scenario_form;
                field(ui, "User", &mut f.user, "optional");
                field(ui, "Host", &mut f.host, "optional");
                field(ui, "IP address", &mut f.ip, "optional");
                field(
                    ui,
                    "Local groups",
                    &mut f.groups,
                    "optional: Windows groups, ; between",
                );
                let r = field(ui, "Feature", &mut f.feature, "the feature asked for");
                add |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                field(ui, "Serial", &mut f.serial, "any license");
                ui.label("Action");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut f.action, Action::Checkout, "Checkout");
                    ui.radio_value(&mut f.action, Action::Borrow, "Borrow");
                });
                ui.end_row();
                if f.action == Action::Borrow {
                    field(ui, "Borrow hours", &mut f.hours, "hours asked");
                }
            });
        ui.horizontal(|ui| {
            add |= ui
                .button("Add this request")
                .on_hover_text("Add the request written above as the next step")
                .clicked();
            if ui
                .button("Add the Request tab's request")
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
        if add && let Err(e) = self.sim.add_scenario_form() {
            self.sim_panel.note = Some(Status {
                text: e.to_string(),
                error: true,
            });
        }
        self.sim.refresh(doc, self.sim_panel.wanted());
        let steps = self.sim.steps().cloned();
        let mut remove = None;
        let mut load = None;
        match steps {
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok(steps)) => {
                let forms = self.sim.scenario.clone();
                let requests: Vec<Request> =
                    forms.iter().filter_map(|f| f.to_request().ok()).collect();
                // Features no license offers have no seats to count.
                let tally: Vec<_> = if self.sim.use_pool && requests.len() == steps.len() {
                    crate::sim::scenario::tally(&self.sim.pool, &requests, &steps)
                        .into_iter()
                        .filter(|t| t.seats > 0)
                        .collect()
                } else {
                    Vec::new()
                };
                if !tally.is_empty() {
                    // Where the seats stand after the last step.
                    let last = steps.len().saturating_sub(1);
                    let now: Vec<String> = tally
                        .iter()
                        .map(|t| {
                            let n = t.after.get(last).copied().unwrap_or(t.at_start);
                            format!("{}: {n} of {} seats in use", t.feature, t.seats)
                        })
                        .collect();
                    ui.label(
                        RichText::new(format!("After the last step: {}", now.join(" · "))).strong(),
                    );
                }
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
                    });
                    // In words: why, and where that leaves the seats.
                    let mut why = match form.to_request() {
                        Ok(req) => crate::words::reason_sentence(d, &req),
                        Err(e) => e.to_string(),
                    };
                    why.push_str(&crate::words::simulator::step_detail(
                        d,
                        self.sim.use_pool,
                        step.took_seat,
                    ));
                    if let Some(t) = tally.iter().find(|t| t.feature == form.feature.trim()) {
                        let n = t.after.get(i).copied().unwrap_or(t.at_start);
                        why.push_str(&format!(
                            " ({n} of {} seats of {} in use)",
                            t.seats, t.feature
                        ));
                    }
                    ui.label(RichText::new(why).weak());
                    egui::CollapsingHeader::new(RichText::new("trace").small())
                        .id_salt(("step", i))
                        .show(ui, |ui| self.trace(ui, doc, d));
                }
            }
            None => {}
        }
        if let Some(i) = load {
            self.act(WindowAction::Ask(self.sim.scenario[i].clone()));
        }
        if let Some(i) = remove {
            self.sim.scenario.remove(i);
            self.sim.scenario_rev += 1;
        }
    }
}
