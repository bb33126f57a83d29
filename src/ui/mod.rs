//! The desktop window (feature `gui`). Everything here reads the core
//! (`Document`, `Config`, diagnostics); nothing in the core knows about egui.
//!
//! This first window shows a file the way the editor will: navigation with
//! rule and problem counts, rule cards with their plain-language meaning,
//! groups, settings and the problems list. Editing comes next.

use std::path::PathBuf;

use egui::{Color32, RichText};

use crate::diag::{Diagnostic, Severity};
use crate::document::Document;
use crate::spec::{self, RuleKind, SettingType};
use crate::summary::describe;

/// What the main area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Settings,
    Rules(RuleKind),
    Groups,
    Problems,
}

pub struct PrivyApp {
    doc: Option<Document>,
    /// A file that could not be opened, with the reason.
    error: Option<String>,
    pub section: Section,
}

impl PrivyApp {
    pub fn open(path: Option<PathBuf>) -> Self {
        let (doc, error) = match path {
            Some(p) => match Document::open(&p) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e.to_string())),
            },
            None => (Some(Document::from_text(crate::document::TEMPLATE)), None),
        };
        PrivyApp {
            doc,
            error,
            section: Section::Rules(RuleKind::AllowCheckouts),
        }
    }

    pub fn document(&self) -> Option<&Document> {
        self.doc.as_ref()
    }

    fn title(&self) -> String {
        match self.doc.as_ref().and_then(Document::path) {
            Some(p) => format!("{} — Privy", p.display()),
            None => "Untitled — Privy".into(),
        }
    }

    /// Draws the whole window into `ui` (also used by the GUI tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("title").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Privy");
                ui.separator();
                ui.label(self.title());
            });
        });
        if let Some(err) = &self.error {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, err);
            });
            return;
        }
        let Some(doc) = &self.doc else { return };
        let mut section = self.section;
        egui::Panel::left("nav").default_size(230.0).show(ui, |ui| {
            navigation(ui, doc, &mut section);
        });
        self.section = section;
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| match section {
                    Section::Settings => settings(ui, doc),
                    Section::Rules(kind) => rules(ui, doc, kind),
                    Section::Groups => groups(ui, doc),
                    Section::Problems => problems(ui, doc),
                });
        });
    }
}

impl eframe::App for PrivyApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let title = self.title();
        ui.ctx()
            .send_viewport_cmd(egui::ViewportCommand::Title(title));
        self.show(ui);
    }
}

/// Opens the window.
pub fn run(file: Option<PathBuf>) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([640.0, 400.0])
            .with_title("Privy"),
        ..Default::default()
    };
    eframe::run_native(
        "Privy",
        options,
        Box::new(move |_cc| Ok(Box::new(PrivyApp::open(file)))),
    )
}

fn diags_under<'a>(
    doc: &'a Document,
    pointer: &'a str,
) -> impl Iterator<Item = &'a Diagnostic> + 'a {
    doc.diagnostics().iter().filter(move |d| {
        d.pointer == pointer
            || d.pointer.starts_with(pointer) && d.pointer[pointer.len()..].starts_with('/')
    })
}

fn severity_color(ui: &egui::Ui, s: Severity) -> Color32 {
    match s {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Info => ui.visuals().weak_text_color(),
    }
}

fn navigation(ui: &mut egui::Ui, doc: &Document, section: &mut Section) {
    ui.add_space(6.0);
    ui.selectable_value(section, Section::Settings, "Server settings");
    ui.add_space(4.0);
    ui.label(RichText::new("RULES").small().weak());
    for kind in RuleKind::ALL {
        let n = doc.config().rules(kind).len();
        let pointer = format!("/{}", kind.key());
        let problems = diags_under(doc, &pointer)
            .filter(|d| d.severity != Severity::Info)
            .count();
        let label = if problems > 0 {
            format!("{} ({n}) · {problems} ⚠", kind.title())
        } else {
            format!("{} ({n})", kind.title())
        };
        ui.selectable_value(section, Section::Rules(kind), label)
            .on_hover_text(kind.description());
    }
    ui.add_space(4.0);
    ui.selectable_value(
        section,
        Section::Groups,
        format!("Groups ({})", doc.config().groups.len()),
    );
    let count = doc.diagnostics().len();
    ui.selectable_value(section, Section::Problems, format!("Problems ({count})"));
}

fn diagnostic_row(ui: &mut egui::Ui, doc: &Document, d: &Diagnostic) {
    let (line, col) = doc.line_col(d.span.start);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{}[{}]", d.severity.as_str(), d.code))
                .color(severity_color(ui, d.severity))
                .monospace(),
        );
        ui.label(RichText::new(format!("{line}:{col}")).weak().monospace());
        ui.label(&d.message);
    });
}

fn rules(ui: &mut egui::Ui, doc: &Document, kind: RuleKind) {
    ui.heading(kind.title());
    ui.label(RichText::new(kind.description()).weak());
    ui.add_space(8.0);
    let rules = doc.config().rules(kind);
    if rules.is_empty() {
        ui.label("No rules of this kind.");
    }
    for rule in rules {
        let frame = egui::Frame::group(ui.style()).inner_margin(10.0);
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            let sentence = RichText::new(describe(rule)).strong();
            if rule.empty_preset {
                ui.label(sentence.weak());
            } else {
                ui.label(sentence);
            }
            egui::Grid::new(&rule.pointer)
                .num_columns(2)
                .min_col_width(110.0)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    for spec in kind.fields() {
                        let value = match spec.field {
                            spec::Field::Count => rule.count.as_ref().map(|c| c.value.to_string()),
                            spec::Field::Hours => rule.hours.as_ref().map(|c| c.value.to_string()),
                            spec::Field::Comment => rule.comment.clone(),
                            f => rule.list(f).map(|l| l.raw.clone()),
                        };
                        if let Some(v) = value {
                            ui.label(RichText::new(spec.field.label()).weak())
                                .on_hover_text(spec.meaning);
                            ui.label(v);
                            ui.end_row();
                        }
                    }
                });
            for d in diags_under(doc, &rule.pointer) {
                diagnostic_row(ui, doc, d);
            }
        });
        ui.add_space(6.0);
    }
}

fn groups(ui: &mut egui::Ui, doc: &Document) {
    ui.heading("Groups");
    ui.add_space(8.0);
    for g in &doc.config().groups {
        egui::Frame::group(ui.style())
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(RichText::new(g.name.as_deref().unwrap_or("(no name)")).strong());
                if let Some(m) = &g.members {
                    ui.horizontal_wrapped(|ui| {
                        for e in &m.entries {
                            ui.label(RichText::new(&e.text).monospace())
                                .on_hover_text(e.pattern.kind_label());
                        }
                    });
                }
                for d in diags_under(doc, &g.pointer) {
                    diagnostic_row(ui, doc, d);
                }
            });
        ui.add_space(6.0);
    }
}

fn settings(ui: &mut egui::Ui, doc: &Document) {
    ui.heading("Server settings");
    ui.add_space(8.0);
    egui::Grid::new("settings")
        .num_columns(3)
        .spacing([16.0, 8.0])
        .striped(true)
        .show(ui, |ui| {
            for s in &doc.config().settings {
                let spec = spec::setting(&s.key);
                let label = spec.map_or(s.key.as_str(), |sp| sp.label);
                let shown = match spec.map(|sp| sp.kind) {
                    Some(SettingType::Secret) => match s.value.as_str() {
                        Some("") | None => "(not set)".to_string(),
                        Some(_) => "••••••••".to_string(),
                    },
                    _ => doc.text()[s.value.span.start..s.value.span.end].to_string(),
                };
                ui.label(label).on_hover_text(&s.key);
                ui.label(RichText::new(shown).monospace());
                ui.label(
                    RichText::new(spec.map_or("Unknown setting, kept as it is.", |sp| sp.meaning))
                        .weak(),
                );
                ui.end_row();
            }
        });
}

fn problems(ui: &mut egui::Ui, doc: &Document) {
    ui.heading("Problems");
    ui.add_space(8.0);
    if doc.diagnostics().is_empty() {
        ui.label("No problems found.");
    }
    for d in doc.diagnostics() {
        diagnostic_row(ui, doc, d);
    }
}
