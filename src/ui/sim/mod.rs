//! The what-if simulator, a panel beside the editor: a request and its
//! verdict with the full trace, the license pool, scenario replay, the
//! decision matrix and saved test cases. Everything it shows is worked out
//! by the core (`engine`, `sim`) and recomputed when the file, the pool or
//! the request changes, never per frame.

mod access_tab;
mod answer;
mod matrix_tab;
mod panel;
mod pool_tab;
mod request_tab;
mod scenario_tab;
mod tests_tab;

use egui::{Color32, RichText};

use crate::document::Document;
use crate::engine::Verdict;
pub use crate::sim::session::*;
use crate::ui::WindowAction;
pub use panel::{SimDialog, SimPanel, SimTab, status_of};

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

/// What the simulator's tabs draw from and change: the simulator's state
/// in the core and the panel's own. Anything beyond them (a rule shown in
/// the editor, an edit, a file dialog) is asked of the window: collected in
/// `asked`, and done by [`crate::ui::PrivyApp::act`] once the panel is drawn.
pub(crate) struct SimCx<'a> {
    pub(crate) sim: &'a mut SimState,
    pub(crate) sim_panel: &'a mut SimPanel,
    pub(crate) asked: Vec<WindowAction>,
}

impl<'a> SimCx<'a> {
    pub(crate) fn new(sim: &'a mut SimState, sim_panel: &'a mut SimPanel) -> Self {
        SimCx {
            sim,
            sim_panel,
            asked: Vec::new(),
        }
    }

    /// Asks the window for something beyond the simulator.
    fn act(&mut self, action: WindowAction) {
        self.asked.push(action);
    }

    /// Asks the window to show the place a pointer names.
    fn go_to(&mut self, pointer: &str) {
        self.act(WindowAction::GoTo(pointer.to_string()));
    }

    /// Asks the window to open one of the simulator's file dialogs.
    fn start_sim_dialog(&mut self, dialog: SimDialog) {
        self.act(WindowAction::Dialog(dialog));
    }
}

impl SimCx<'_> {
    /// The simulator panel; what it asks of the window is left in
    /// `self.asked`.
    pub(crate) fn simulator(&mut self, ui: &mut egui::Ui, doc: &Document, words: &[String]) {
        self.sim.refresh(doc, self.sim_panel.wanted());
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
                ui.selectable_value(&mut self.sim_panel.tab, tab, title);
            }
        });
        // Which pool the verdicts use, always in sight (a support engineer
        // may have one customer's file and another's pool).
        let pool_line = crate::words::simulator::pool_line(
            self.sim.use_pool,
            self.sim.pool_path.as_ref().map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            }),
            self.sim.pool.licenses.len(),
            self.sim.pool.sessions.len(),
        );
        let hover = self.sim.pool_path.as_ref().map_or_else(
            || "See the Pool tab".to_string(),
            |p| p.display().to_string(),
        );
        ui.label(RichText::new(pool_line).weak())
            .on_hover_text(hover);
        if let Some(note) = &self.sim_panel.note {
            let color = if note.error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().weak_text_color()
            };
            ui.colored_label(color, &note.text);
        }
        ui.separator();
        // The tab may have changed: its content is worked out now.
        self.sim.refresh(doc, self.sim_panel.wanted());
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
        match self.sim_panel.tab {
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
                        SimTab::Access => self.access_tab(ui, doc),
                        SimTab::Matrix => {}
                    });
            }
        }
    }
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
