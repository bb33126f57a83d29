//! Tidy up: the clean-up proven not to change access (analysis.md 6.6),
//! worked out beside the window, every edit shown with a tick box; a
//! choice other than all is proven again before it can be applied, and
//! applying is one undoable edit.

use crate::ui::WindowAction;

use crate::document::Document;
use crate::document::Edit;
use crate::ui::Section;
use crate::ui::Status;
use crate::ui::state::Tidying;

use egui::RichText;

use crate::analysis::background::Worker;
use crate::analysis::tidy::{Proof, Tidy, TidyEdit, TidyOptions, as_one_edit, prove, tidy};
use crate::words;

/// How long the findings, and then the proof, may take each.
const TIME: std::time::Duration = crate::analysis::TIME_BUDGET;

/// Edits listed under each kind before "and N more".
const LISTED: usize = 200;

/// What Tidy up found for one version of the text, and the user's choice.
pub(crate) struct TidyState {
    /// The text's generation it was worked out for.
    generation: u64,
    job: Worker<Tidy>,
    /// Per edit: ticked (all at first).
    ticked: Vec<bool>,
    /// The proof of a choice other than all, for that choice.
    choice: Option<(Vec<bool>, Worker<Proof>)>,
}

impl TidyState {
    fn start(doc: &Document) -> TidyState {
        let text = doc.text().to_string();
        TidyState {
            generation: doc.generation(),
            job: Worker::start(move || {
                let d = crate::document::Version::from_text(text);
                tidy(
                    d.text(),
                    d.parsed(),
                    d.config(),
                    TidyOptions::default(),
                    TIME,
                )
            }),
            ticked: Vec::new(),
            choice: None,
        }
    }
}

/// The kinds of edit, in the order shown, with their headings.
const KINDS: [(&str, &str); 5] = [
    ("duplicate-entry", "Entries listed twice in one list"),
    (
        "covered-entry",
        "Entries another entry of the same list already covers",
    ),
    ("no-effect", "Rules with no effect"),
    ("unused-group", "Groups nothing refers to"),
    ("empty-preset", "Empty presets"),
];

/// Tidy up: the edits found and proven on a worker (kept in `tidying`),
/// tick boxes by kind, and a choice proven again before it is applied as
/// one edit. What the user asks is returned.
pub(crate) fn tidy_page(
    ui: &mut egui::Ui,
    doc: &Document,
    tidying: &mut Tidying,
) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    ui.heading("Tidy up");
    ui.label(
            "Removes what changes nobody's access: entries listed twice, entries another entry of the same list already covers, rules with no effect and groups nothing refers to. Every other byte of the file stays as it is. Nothing is offered unless the access diff between the file and the tidied file finds no change for any principal.",
        );
    ui.add_space(6.0);
    if !doc.is_json() || !doc.parsed().errors.is_empty() {
        ui.label("The file has syntax errors: fix them first (JSON text), then tidy up.");
        return asked;
    }
    if tidying
        .tidy
        .as_ref()
        .is_none_or(|t| t.generation != doc.generation())
    {
        tidying.tidy = Some(TidyState::start(doc));
    }
    let Some(state) = tidying.tidy.as_mut() else {
        return asked;
    };
    let started = state.job.started;
    let Some(found) = state.job.poll() else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "Finding what can go and proving that nobody's access changes… {} s",
                started.elapsed().as_secs()
            ));
        });
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(200));
        return asked;
    };
    let edits: Vec<TidyEdit> = found.edits.clone();
    let proof_line = words::tidy::proof(found);
    if state.ticked.len() != edits.len() || tidying.tidy_only.is_some() {
        state.ticked = match tidying.tidy_only.take() {
            Some(kind) => edits.iter().map(|e| e.removal.kind() == kind).collect(),
            None => vec![true; edits.len()],
        };
    }
    ui.label(RichText::new(format!("Proof: {proof_line}")).strong());
    if edits.is_empty() {
        ui.label("Nothing to tidy.");
        return asked;
    }
    let chosen = state.ticked.iter().filter(|&&t| t).count();
    // A choice other than all: proven again.
    let all_ticked = chosen == edits.len();
    if all_ticked || chosen == 0 {
        state.choice = None;
    } else if state
        .choice
        .as_ref()
        .is_none_or(|(for_, _)| *for_ != state.ticked)
    {
        let text = doc.text().to_string();
        let picked = ticked_edits(&edits, &state.ticked);
        state.choice = Some((
            state.ticked.clone(),
            Worker::start(move || {
                let d = crate::document::Version::from_text(text);
                prove(d.text(), d.config(), &picked, TIME)
            }),
        ));
    }
    let choice_proof: Option<Option<Proof>> = state.choice.as_mut().map(|(_, w)| w.poll().cloned());
    let can_apply = chosen > 0 && matches!(&choice_proof, None | Some(Some(Proof::Holds { .. })));
    let mut applied = false;
    ui.horizontal(|ui| {
        let apply = ui.add_enabled(
            can_apply,
            egui::Button::new(format!(
                "Apply {chosen} edit{}",
                if chosen == 1 { "" } else { "s" }
            )),
        );
        if apply.clicked() {
            let picked = ticked_edits(&edits, &state.ticked);
            if let Some(edit) = as_one_edit(doc.text(), &picked) {
                asked.push(WindowAction::Edit(Edit::Text(edit)));
                applied = true;
            }
        }
        if ui.button("Tick all").clicked() {
            state.ticked.iter_mut().for_each(|t| *t = true);
        }
        if ui.button("Untick all").clicked() {
            state.ticked.iter_mut().for_each(|t| *t = false);
        }
    });
    match &choice_proof {
        Some(None) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Proving the edits ticked…");
            });
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(200));
        }
        Some(Some(p @ Proof::Holds { .. })) => {
            ui.label(format!("The edits ticked: {}", words::tidy::proof_of(p)));
        }
        Some(Some(p)) => {
            ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "The edits ticked cannot be applied alone: {} (a group may go while a rule that uses it stays; tick them together)",
                        words::tidy::proof_of(p)
                    ),
                );
        }
        None => {}
    }
    ui.add_space(6.0);
    let lines = doc.lines();
    for (kind, heading) in KINDS {
        let at: Vec<usize> = (0..edits.len())
            .filter(|&i| edits[i].removal.kind() == kind)
            .collect();
        if at.is_empty() {
            continue;
        }
        let ticked = at.iter().filter(|&&i| state.ticked[i]).count();
        ui.horizontal(|ui| {
            let mut all = ticked == at.len();
            if ui
                .checkbox(&mut all, format!("{heading} ({})", at.len()))
                .changed()
            {
                for &i in &at {
                    state.ticked[i] = all;
                }
            }
        });
        egui::CollapsingHeader::new(format!("Show the {} edits", at.len()))
            .id_salt(kind)
            .default_open(at.len() <= 20)
            .show(ui, |ui| {
                for &i in at.iter().take(LISTED) {
                    let e = &edits[i];
                    let (line, _) = lines.line_col_in(doc.text(), e.place.start);
                    ui.checkbox(
                        &mut state.ticked[i],
                        format!("line {line}: {}", words::tidy::description(&e.removal)),
                    );
                }
                if at.len() > LISTED {
                    ui.label(
                        RichText::new(format!(
                            "… and {} more (ticked or not with the box above)",
                            at.len() - LISTED
                        ))
                        .weak(),
                    );
                }
            });
        ui.add_space(4.0);
    }
    if applied {
        asked.push(WindowAction::Say(Status {
                text: format!(
                    "Tidied: {chosen} edit{} applied as one step (Ctrl+Z undoes it). Review changes shows what saving changes.",
                    if chosen == 1 { "" } else { "s" }
                ),
                error: false,
            }));
        asked.push(WindowAction::Show(Section::Review));
    }
    asked
}

/// The edits ticked, in their order.
fn ticked_edits(edits: &[TidyEdit], ticked: &[bool]) -> Vec<TidyEdit> {
    edits
        .iter()
        .zip(ticked)
        .filter(|(_, t)| **t)
        .map(|(e, _)| e.clone())
        .collect()
}
