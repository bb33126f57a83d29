//! The Problems list, and one problem as a line elsewhere.

use crate::ui::WindowAction;

use crate::diag::Diagnostic;
use crate::diag::Severity;
use crate::document::Document;
use crate::document::Edit;
use crate::ui::Command;
use crate::ui::Section;
use crate::ui::derived::Derived;
use crate::ui::place_name;
use crate::ui::severity_color;
use egui::RichText;

/// The Problems page: the file's own problems, then the findings over
/// every principal (`found`; `pending` while they are worked out). A
/// function of what it shows; what the user asks is returned.
pub(crate) fn problems(
    ui: &mut egui::Ui,
    doc: &Document,
    derived: &Derived,
    found: &[Diagnostic],
    pending: bool,
    view: &mut ProblemsView,
) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    ui.horizontal(|ui| {
        ui.heading("Problems");
        if doc.is_json()
            && ui
                .button(Command::TidyUp.label())
                .on_hover_text(Command::TidyUp.description())
                .clicked()
        {
            asked.push(WindowAction::Show(Section::Tidy));
        }
    });
    // Fix all of a kind, through Tidy up (found and proven there, only
    // that kind ticked).
    let duplicates = doc
        .diagnostics()
        .iter()
        .filter(|d| d.code == crate::diag::Code::DuplicateEntry)
        .count();
    let no_effect = found
        .iter()
        .filter(|d| d.code == crate::diag::Code::NoEffect)
        .count();
    if doc.is_json() && (duplicates > 0 || no_effect > 0) {
        ui.horizontal_wrapped(|ui| {
                for (n, kind, what) in [
                    (duplicates, "duplicate-entry", "duplicate entries"),
                    (no_effect, "no-effect", "rules with no effect"),
                ] {
                    if n > 0
                        && ui
                            .button(format!("Fix all {n} {what}…"))
                            .on_hover_text("Tidy up with only these ticked: they are removed only if nobody's access changes")
                            .clicked()
                    {
                        asked.push(WindowAction::TidyOnly(kind));
                    }
                }
            });
    }
    let [mut errors, mut warnings, mut notes] = derived.by_severity;
    for d in found {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Info => notes += 1,
        }
    }
    ui.label(
            RichText::new(format!(
                "{errors} to fix before the server will do what the file says, {warnings} worth a look, {notes} for information. Click a place to go to it."
            ))
            .weak(),
        );
    ui.add_space(6.0);
    view.controls(ui, [errors, warnings, notes]);
    ui.add_space(6.0);
    let own: Vec<&Diagnostic> = doc.diagnostics().iter().filter(|d| view.keeps(d)).collect();
    let narrowed = own.len() < doc.diagnostics().len();
    problem_list(
        ui,
        doc,
        "problems",
        &own,
        view.by_kind,
        if narrowed {
            "None of the file's own problems is shown: see the choices above."
        } else if !pending && found.is_empty() {
            "No problems found."
        } else {
            "No problems in the file itself."
        },
        &mut asked,
    );
    ui.add_space(12.0);
    ui.label(RichText::new("Over every principal").strong());
    ui.label(
            RichText::new(
                "Rules that do nothing, or more than meant, decided for every user, host, IP and local group the file can tell apart.",
            )
            .weak(),
        );
    if pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Pending: still working out which rules have no effect…");
        });
    } else if found.is_empty() {
        ui.label("Every rule has an effect; nothing overridden or denied to everyone else.");
    } else {
        let kept: Vec<&Diagnostic> = found.iter().filter(|d| view.keeps(d)).collect();
        problem_list(
            ui,
            doc,
            "findings",
            &kept,
            view.by_kind,
            "None of these is shown: see the choices above.",
            &mut asked,
        );
    }
    asked
}

/// What the Problems page shows of them: which severities, a text the
/// problem's code or message contains, and by place or grouped by kind.
#[derive(Debug)]
pub(crate) struct ProblemsView {
    /// Errors, warnings, notes.
    pub(crate) show: [bool; 3],
    pub(crate) text: String,
    pub(crate) by_kind: bool,
}

impl Default for ProblemsView {
    fn default() -> Self {
        ProblemsView {
            show: [true; 3],
            text: String::new(),
            by_kind: false,
        }
    }
}

impl ProblemsView {
    fn keeps(&self, d: &Diagnostic) -> bool {
        let i = match d.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        let text = self.text.trim().to_lowercase();
        self.show[i]
            && (text.is_empty()
                || d.code.to_string().to_lowercase().contains(&text)
                || d.message.to_lowercase().contains(&text))
    }

    fn controls(&mut self, ui: &mut egui::Ui, counts: [usize; 3]) {
        ui.horizontal_wrapped(|ui| {
            for (i, what) in ["Errors", "Warnings", "Notes"].into_iter().enumerate() {
                ui.checkbox(&mut self.show[i], format!("{what} ({})", counts[i]));
            }
            ui.separator();
            let l = ui.label("Show problems with");
            ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .hint_text("a code or words")
                    .desired_width(180.0),
            )
            .labelled_by(l.id);
            ui.separator();
            ui.radio_value(&mut self.by_kind, false, "By place");
            ui.radio_value(&mut self.by_kind, true, "By kind");
        });
    }
}

/// Problems by place, or grouped by their code (largest group first),
/// each group folded under a line that counts it.
fn problem_list(
    ui: &mut egui::Ui,
    doc: &Document,
    id: &str,
    diags: &[&Diagnostic],
    by_kind: bool,
    none: &str,
    asked: &mut Vec<WindowAction>,
) {
    if diags.is_empty() {
        ui.label(none);
        return;
    }
    if !by_kind {
        problem_grid(ui, doc, id, diags, asked);
        return;
    }
    let mut kinds: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    for d in diags {
        let code = d.code.to_string();
        match kinds.iter_mut().find(|(c, _)| *c == code) {
            Some((_, list)) => list.push(d),
            None => kinds.push((code, vec![d])),
        }
    }
    kinds.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    for (code, list) in kinds {
        let head = format!("{} × {code}", list.len());
        egui::CollapsingHeader::new(RichText::new(head).strong())
            .id_salt((id, &code))
            .default_open(list.len() <= 3)
            .show(ui, |ui| {
                // A long kind shows its first rows; the rest are the same
                // kind, and Problems' filter narrows them.
                const SHOWN: usize = 200;
                problem_grid(
                    ui,
                    doc,
                    &format!("{id}-{code}"),
                    &list[..list.len().min(SHOWN)],
                    asked,
                );
                if list.len() > SHOWN {
                    ui.label(
                        RichText::new(format!(
                            "and {} more of this kind: narrow them with the text above",
                            list.len() - SHOWN
                        ))
                        .weak(),
                    );
                }
            });
    }
}

/// One grid of problems: severity, place (a link), message and fix.
fn problem_grid(
    ui: &mut egui::Ui,
    doc: &Document,
    id: &str,
    diags: &[&Diagnostic],
    asked: &mut Vec<WindowAction>,
) {
    let cfg = doc.config();
    let mut go = None;
    let mut fix = None;
    // Severity and place take about 250 points; the message the rest
    // (wrapped, never under the simulator beside it).
    let message_width = (ui.available_width() - 250.0).max(120.0);
    // Passwords never show, whatever the file's syntax.
    let secrets = doc.secrets();
    egui::Grid::new(id)
        .num_columns(3)
        .striped(true)
        .spacing([14.0, 8.0])
        .show(ui, |ui| {
            for d in diags {
                let (line, col) = doc.line_col(d.span.start);
                ui.label(
                    RichText::new(d.severity.as_str())
                        .color(severity_color(ui, d.severity))
                        .strong(),
                );
                let place = if d.pointer.is_empty() {
                    format!("line {line}:{col}")
                } else {
                    format!("{} · {line}:{col}", place_name(cfg, &d.pointer))
                };
                if ui
                    .link(secrets.mask_str(&place))
                    .on_hover_text(secrets.mask_str(&d.pointer))
                    .clicked()
                {
                    go = Some(d.pointer.clone());
                }
                ui.vertical(|ui| {
                    ui.set_max_width(message_width);
                    ui.horizontal_wrapped(|ui| {
                        ui.label(secrets.mask_str(&d.message));
                        ui.label(RichText::new(d.code.to_string()).weak().monospace());
                    });
                    if let Some(f) = &d.fix
                        && ui
                            .small_button(format!("Fix: {}", secrets.mask_str(&f.label)))
                            .on_hover_text("Apply this change to the file (Undo takes it back)")
                            .clicked()
                    {
                        fix = Some(f.edit.clone());
                    }
                });
                ui.end_row();
            }
        });
    if let Some(p) = go {
        asked.push(WindowAction::GoTo(p));
    }
    if let Some(edit) = fix {
        asked.push(WindowAction::Edit(Edit::Text(edit)));
    }
}

/// One diagnostic: severity and code, line:column, the message, and its
/// fix as a button where there is one; the fix asked for, if its button
/// was clicked.
pub(crate) fn diagnostic_line(ui: &mut egui::Ui, doc: &Document, d: &Diagnostic) -> Option<Edit> {
    let mut asked = None;
    let (line, col) = doc.line_col(d.span.start);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{}[{}]", d.severity.as_str(), d.code))
                .color(severity_color(ui, d.severity))
                .monospace(),
        );
        ui.label(RichText::new(format!("{line}:{col}")).weak().monospace());
        // Passwords never show, whatever the file's syntax.
        let secrets = doc.secrets();
        ui.label(secrets.mask_str(&d.message));
        if let Some(fix) = &d.fix
            && ui
                .small_button(format!("Fix: {}", secrets.mask_str(&fix.label)))
                .on_hover_text("Apply this change to the file (Undo takes it back)")
                .clicked()
        {
            asked = Some(Edit::Text(fix.edit.clone()));
        }
    });
    asked
}
