//! What the simulator says beyond the verdict: when an input not given
//! could change it (each alternative a button that fills the field), a
//! feature nothing names (with a one-click did-you-mean), and under a
//! denial "How to allow this": the verified suggestions, request changes
//! first, each file edit with Apply (one undoable edit) and its impact.

use crate::ui::WindowAction;

use crate::document::Document;
use crate::engine::Action;
use crate::engine::Decision;
use crate::engine::Verdict;
use crate::ui::Status;
use crate::ui::sim::RequestForm;
use crate::ui::sim::SimCx;
use crate::words::verdict_word;
use egui::RichText;

use crate::analysis::determined::{Alternative, Input, UnsetValue};
use crate::analysis::suggest::{Suggestion, SuggestionKind};
use crate::document::Edit;
use crate::words::explained as w;

impl SimCx<'_> {
    /// Inside the verdict box: the undetermined verdict and the unknown
    /// feature, in words a support engineer cannot miss.
    pub(super) fn answer_in_verdict(&mut self, ui: &mut egui::Ui, d: &Decision) {
        let Some(answer) = self.sim.explained().cloned() else {
            if self.sim.explaining() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(RichText::new("Checking the inputs not given…").weak());
                });
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(30));
            }
            return;
        };
        let e = &answer.explained;
        let warn = ui.visuals().warn_fg_color;
        if let Some(u) = &e.unknown_feature {
            ui.add_space(4.0);
            ui.label(RichText::new(format!("⚠ {}", w::unknown_feature(u))).color(warn));
            ui.horizontal_wrapped(|ui| {
                for f in &u.did_you_mean {
                    if ui
                        .button(format!("Use {f}"))
                        .on_hover_text("Ask for this feature instead")
                        .clicked()
                    {
                        self.sim.form.feature = f.clone();
                    }
                }
            });
        }
        for caution in w::cautions(e) {
            ui.add_space(4.0);
            ui.label(RichText::new(format!("⚠ {caution}")).color(warn));
        }
        let det = &e.determination;
        if det.determined {
            return;
        }
        ui.add_space(4.0);
        // What it could be instead is in the verdict ("but DENIED with …");
        // here, why it is not settled, and the ways to try.
        let headline = format!(
            "{} ({})",
            verdict_word(d.decision),
            w::unset_given(det.unset)
        );
        ui.label(
            RichText::new(format!("⚠ Not determined: {headline}"))
                .strong()
                .color(warn),
        );
        // The alternatives by the verdict and rules they come through, the
        // first three of each group and three groups, unless asked for all:
        // the trace stays in view.
        let groups = by_outcome(&det.would_change);
        let all_id = egui::Id::unique("sim-alternatives-all");
        let show_all = ui.data(|m| m.get_temp::<bool>(all_id)).unwrap_or(false);
        let few = if show_all { usize::MAX } else { 3 };
        for group in groups.iter().take(few) {
            if det.would_change.len() > 1 {
                ui.label(w::alternatives_group(group));
            }
            ui.horizontal_wrapped(|ui| {
                for a in group.iter().take(few) {
                    if ui
                        .button(format!("Try {}", example_text(a)))
                        .on_hover_text(w::alternative(a))
                        .clicked()
                    {
                        fill(&mut self.sim.form, a);
                    }
                }
                if group.len() > few {
                    ui.label(RichText::new(format!("+{} more", group.len() - few)).weak());
                }
            });
        }
        let hidden = groups.len() > 3 || groups.iter().any(|g| g.len() > 3);
        if hidden {
            let label = if show_all {
                "Show fewer".to_string()
            } else {
                format!("Show all {} alternatives", det.would_change.len())
            };
            if ui.link(label).clicked() {
                ui.data_mut(|m| m.insert_temp(all_id, !show_all));
            }
        }
    }

    /// Under a denial: how to allow it.
    pub(super) fn how_to_allow(&mut self, ui: &mut egui::Ui, doc: &Document, d: &Decision) {
        if d.decision != Verdict::Denied {
            return;
        }
        let Some(answer) = self.sim.explained().cloned() else {
            return;
        };
        ui.add_space(6.0);
        // Open when it is short; a long list would push the trace out.
        let short = answer.explained.suggestions.len() <= 4;
        egui::CollapsingHeader::new(RichText::new("How to allow this").strong())
            .id_salt("sim-how-to-allow")
            .default_open(short)
            .show(ui, |ui| {
                let all = &answer.explained.suggestions;
                if all.is_empty() {
                    ui.label(
                        RichText::new(
                            "No single change of the request, the file or the pool grants it.",
                        )
                        .weak(),
                    );
                }
                for (i, s) in all.iter().enumerate() {
                    self.suggestion_row(ui, doc, i, s, answer.pool_text.as_deref());
                }
            });
    }

    fn suggestion_row(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        i: usize,
        s: &Suggestion,
        pool_text: Option<&str>,
    ) {
        ui.horizontal_wrapped(|ui| {
            let kind = match s.kind {
                SuggestionKind::Request => "Request",
                SuggestionKind::File => "File",
                SuggestionKind::Pool => "Pool",
            };
            ui.label(RichText::new(format!("{}. {kind}:", i + 1)).weak());
            ui.label(w::proposal(&s.proposal));
            match (s.kind, &s.request, &s.edit) {
                (SuggestionKind::Request, Some(r), _)
                    if ui
                        .button("Try")
                        .on_hover_text("Put this request in the form")
                        .clicked() =>
                {
                    let hours = self.sim.form.hours.clone();
                    self.sim.form = RequestForm::from_request(r);
                    if r.hours.is_none() && r.action == Action::Borrow {
                        self.sim.form.hours = hours;
                    }
                }
                (SuggestionKind::File, _, Some(edit)) => {
                    let (line, _) = doc.line_col(edit.span.start);
                    if ui
                        .button("Apply")
                        .on_hover_text(format!(
                            "Make this edit at line {line} (one step: Ctrl+Z undoes it)"
                        ))
                        .clicked()
                    {
                        self.act(WindowAction::Edit(Edit::Text(edit.clone())));
                        self.act(WindowAction::Say(Status {
                            text: format!(
                                "Applied: {}. Ctrl+Z undoes it; Review changes shows what it changes for everyone.",
                                w::proposal(&s.proposal)
                            ),
                            error: false,
                        }));
                    }
                }
                (SuggestionKind::Pool, _, Some(edit)) => {
                    if ui
                        .button("Apply to pool")
                        .on_hover_text("Change the simulator's pool")
                        .clicked()
                        && let Some(text) = pool_text
                    {
                        let mut t = text.to_string();
                        crate::json::edit::apply(&mut t, edit);
                        if let Ok(p) = crate::engine::pool::Pool::from_json(&t) {
                            self.sim.pool = p;
                            self.sim.pool_changed();
                        }
                    }
                }
                _ => {}
            }
        });
        if let Some(imp) = &s.impact {
            ui.horizontal_wrapped(|ui| {
                ui.add_space(22.0);
                ui.label(RichText::new(w::impact(imp)).small().weak());
                if let Some(edit) = &s.edit
                    && ui
                        .small_button("Apply and review")
                        .on_hover_text(
                            "Make the edit, then see every access it changes in Review changes",
                        )
                        .clicked()
                {
                    self.act(WindowAction::Edit(Edit::Text(edit.clone())));
                    self.act(WindowAction::Show(crate::ui::Section::Review));
                }
            });
        }
    }
}

/// The example an alternative fills in, as its button says it.
fn example_text(a: &Alternative) -> String {
    let what = match a.input {
        Input::User => "user",
        Input::Host => "host",
        Input::UserOrHost => "user",
        Input::Ip => "IP",
        Input::LocalGroups => "local group",
    };
    let ex = match &a.example {
        UnsetValue::Text(t) => t.clone(),
        UnsetValue::Groups(g) => g.join("; "),
    };
    format!("{what} {ex}")
}

/// Fills the form's field with an alternative's example (and what it
/// needs with it).
fn fill(form: &mut RequestForm, a: &Alternative) {
    match (&a.input, &a.example) {
        (Input::User | Input::UserOrHost, UnsetValue::Text(t)) => form.user = t.clone(),
        (Input::Host, UnsetValue::Text(t)) => form.host = t.clone(),
        (Input::Ip, UnsetValue::Text(t)) => form.ip = t.clone(),
        (Input::LocalGroups, UnsetValue::Groups(g)) => form.groups = g.join("; "),
        _ => {}
    }
    if let Some(u) = &a.with.user {
        form.user = u.clone();
    }
    if let Some(h) = &a.with.host {
        form.host = h.clone();
    }
    if let Some(ip) = a.with.ip {
        form.ip = ip.to_string();
    }
    if !a.with.local_groups.is_empty() {
        form.groups = a.with.local_groups.join("; ");
    }
}

/// The alternatives grouped by what they lead to (verdict, reason and
/// rules), in the order the first of each came.
fn by_outcome(all: &[Alternative]) -> Vec<Vec<&Alternative>> {
    let mut groups: Vec<Vec<&Alternative>> = Vec::new();
    for a in all {
        match groups.iter_mut().find(|g| {
            let f = g[0];
            (f.decision, f.reason, &f.rules) == (a.decision, a.reason, &a.rules)
        }) {
            Some(g) => g.push(a),
            None => groups.push(vec![a]),
        }
    }
    groups
}
