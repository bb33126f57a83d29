//! The Scenario tab: requests decided one after another.

#[allow(unused_imports)]
use super::*;

impl PrivyApp {
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
}
