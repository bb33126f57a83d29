//! The JSON text view, with each problem marked at its place.

#[allow(unused_imports)]
use super::super::*;

impl PrivyApp {
    pub(crate) fn raw(&mut self, ui: &mut egui::Ui, doc: &Document) {
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
                self.diagnostic_line(ui, doc, d);
            }
        }
        // The count of Problems (the findings included), less what is said
        // above: one count, one meaning.
        let others = doc.diagnostics().len() + self.findings.diagnostics().len() - syntax_count;
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
        // looking over a shoulder, or at a screen share); hidden, the text
        // is shown but not edited, so no star is ever written back.
        let secrets = doc.secrets();
        let masked = !secrets.is_empty() && !self.show_passwords;
        if !secrets.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.checkbox(&mut self.show_passwords, "Show passwords")
                    .on_hover_text("Show the password values and edit the text");
                if masked {
                    ui.label(
                        RichText::new(
                            "Passwords are hidden; the text can be edited once they are shown.",
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
                    .desired_rows(30)
                    .interactive(!masked),
            )
            .labelled_by(label.id);
        if resp.changed() && !masked {
            let span = crate::json::Span::new(0, doc.text().len());
            self.pending.push((
                Edit::Text(crate::json::parse::TextEdit {
                    span,
                    replacement: text,
                }),
                Some("raw".into()),
            ));
        }
        if resp.lost_focus() {
            self.end_group = true;
        }
    }
}
