//! The JSON text view, with each problem marked at its place.

use crate::ui::WindowAction;

use crate::diag::Diagnostic;
use crate::document::Document;
use crate::document::Edit;
use crate::ui::Status;
use crate::ui::marks;
use crate::ui::severity_color;
use egui::RichText;

/// The JSON text view: the text (passwords hidden unless `show_passwords`)
/// with each problem marked, and what the server cannot read said above
/// it; `findings` is how many findings over every principal there are. A
/// function of what it shows; what the user asks is returned.
pub(crate) fn raw(
    ui: &mut egui::Ui,
    doc: &Document,
    findings: usize,
    show_passwords: &mut bool,
) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    ui.heading("JSON text");
    let syntax: Vec<&Diagnostic> = doc
        .diagnostics()
        .iter()
        .filter(|d| d.pointer.is_empty())
        .collect();
    let syntax_count = syntax.len();
    if syntax.is_empty() {
        ui.label(RichText::new("Standard JSON: the server can read it.").weak());
    } else {
        ui.label(
                RichText::new(
                    "The server cannot read this file until these are fixed; the forms show what could be understood.",
                )
                .color(ui.visuals().warn_fg_color),
            );
        for d in syntax {
            if let Some(fix) = super::problems::diagnostic_line(ui, doc, d) {
                asked.push(WindowAction::Edit(fix));
            }
        }
    }
    // The count of Problems (the findings included), less what is said
    // above: one count, one meaning.
    let others = doc.diagnostics().len() + findings - syntax_count;
    if others > 0 {
        ui.label(
            RichText::new(format!(
                "{others} other problem{} in Problems; those of this text are marked below.",
                if others == 1 { " is" } else { "s are" }
            ))
            .weak(),
        );
    }
    ui.add_space(6.0);
    // Password values are hidden unless asked for (someone may be
    // looking over a shoulder, or at a screen share). Hidden, the text
    // is still edited: masking keeps one character for each, so an edit
    // of the shown text is the same edit of the file's, and a hidden
    // value changes only where the edit itself falls on it.
    let secrets = doc.secrets();
    let masked = !secrets.is_empty() && !*show_passwords;
    if !secrets.is_empty() {
        ui.horizontal_wrapped(|ui| {
                ui.checkbox(show_passwords, "Show passwords")
                    .on_hover_text("Show the password values and edit the text");
                if masked {
                    ui.label(
                        RichText::new(
                            "Passwords are hidden; edits elsewhere keep them, and what is typed over one replaces that part of it.",
                        )
                        .weak(),
                    );
                }
            });
    }
    let mut text = if masked {
        secrets.mask_text(doc.text())
    } else {
        doc.text().to_string()
    };
    let shown = masked.then(|| text.clone());
    let marks: Vec<_> = doc
        .diagnostics()
        .iter()
        .map(|d| (d.span.start..d.span.end, severity_color(ui, d.severity)))
        .collect();
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let color = ui.visuals().text_color();
    let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        let job = marks::job(buf.as_str(), &marks, font.clone(), color, wrap);
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let label = ui.label("File text");
    let resp = ui
        .add(
            egui::TextEdit::multiline(&mut text)
                .id(egui::Id::unique("raw-text"))
                .code_editor()
                .layouter(&mut layouter)
                .desired_width(f32::INFINITY)
                .desired_rows(30),
        )
        .labelled_by(label.id);
    if resp.changed() {
        let edit = match &shown {
            None => Some(crate::json::parse::TextEdit {
                span: crate::json::Span::new(0, doc.text().len()),
                replacement: text,
            }),
            Some(shown) => crate::secrets::unmasked_edit(doc.text(), shown, &text),
        };
        asked.push(match edit {
            Some(edit) => WindowAction::Typed(Edit::Text(edit), "raw".into()),
            None => WindowAction::Say(Status {
                text:
                    "That edit could not be made with the passwords hidden; show them to make it."
                        .into(),
                error: true,
            }),
        });
    }
    if resp.lost_focus() {
        asked.push(WindowAction::EndTyping);
    }
    asked
}
