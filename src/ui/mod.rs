//! The desktop window (feature `gui`). Everything here reads and edits the
//! core [`Document`]; nothing in the core knows about egui.
//!
//! Drawing never changes the document: widgets queue [`Edit`]s, which are
//! applied after the frame, so every change goes through the same path
//! (splice, reparse, revalidate, undo step).

mod actions;
mod commands;
mod complete;
mod derived;
mod findings;
pub mod launch;
mod marks;
mod panels;
mod path_prompt;
mod prompts;
mod recover;
pub mod sim;
mod state;
mod virtual_list;

use std::path::PathBuf;

use egui::{Color32, RichText};
use serde_json::Value;

pub use actions::WindowAction;
pub use commands::Command;

/// What an access review was worked out for.
type AccessKey = (u64, bool, bool, Option<PathBuf>);
use derived::Derived;
use panels::nav::{navigation, status_bar};
use prompts::ask;

use crate::diag::Severity;
use crate::document::Document;
use crate::json::{Node, NodeKind};
use crate::spec::{self, RuleKind};

/// What the main area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Settings,
    Rules(RuleKind),
    Groups,
    Problems,
    /// The JSON text itself, with syntax errors marked.
    Raw,
    /// The changes against the file on disk, before saving.
    Review,
    /// Tidy up: the clean-up proven not to change access, to choose from.
    Tidy,
}

/// What to do once unsaved changes are saved or discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterPrompt {
    Close,
    Open(PathBuf),
    New,
}

/// What a native dialog answered, and how long it took.
type DialogAnswer = (Option<PathBuf>, std::time::Duration);

/// Which native dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DialogPurpose {
    Open,
    SaveAs,
    /// Another version for Review changes to compare with.
    Compare,
    Sim(sim::SimDialog),
}

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    fn preference(self) -> egui::ThemePreference {
        match self {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What is kept between runs (the window's size is kept by eframe).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    pub theme: Theme,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The zoom in percent (`None`: 100).
    #[serde(default)]
    pub zoom_percent: Option<u16>,
}

/// Zoom steps and bounds, in percent.
const ZOOM_STEP: u16 = 10;
const ZOOM_MIN: u16 = 70;
const ZOOM_MAX: u16 = 250;

impl Settings {
    /// The zoom as a factor.
    pub fn zoom(&self) -> f32 {
        f32::from(self.zoom_percent.unwrap_or(100)) / 100.0
    }

    fn zoom_by(&mut self, up: bool) {
        let now = self.zoom_percent.unwrap_or(100);
        let next = if up {
            now.saturating_add(ZOOM_STEP).min(ZOOM_MAX)
        } else {
            now.saturating_sub(ZOOM_STEP).max(ZOOM_MIN)
        };
        self.zoom_percent = (next != 100).then_some(next);
    }
}

const SETTINGS_KEY: &str = "privy-settings";
const SIM_KEY: &str = "privy-simulator";
/// The simulator's work per file (its path; "" for a new file).
const SIMS_KEY: &str = "privy-simulator-by-file";
const MAX_RECENT: usize = 10;

impl Settings {
    fn remember(&mut self, path: &std::path::Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// A message for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The window: the open file and its editor, the simulator beside it, the
/// prompts and dialogs, Review changes and Tidy up. Panels draw from it and
/// queue edits; [`PrivyApp::run`] carries out commands from menus,
/// shortcuts and buttons.
pub struct PrivyApp {
    doc: Option<Document>,
    /// A file that could not be opened, with the reason.
    load_error: Option<String>,
    pub status: Option<Status>,
    /// The text version a "Saved" status was said for: an edit since
    /// makes it untrue, and it goes.
    saved_at: Option<u64>,
    /// The window should close (set by the prompt; the frame closes it).
    pub wants_close: bool,
    pub settings: Settings,
    /// The theme last applied to the context.
    applied_theme: Option<Theme>,
    /// The window title last sent.
    sent_title: Option<String>,
    /// Recovery files for unsaved edits (off unless turned on).
    keeper: Option<recover::Keeper>,
    /// The findings over every principal of the open file.
    findings: findings::Beside,
    /// What the editor shows and what it has queued.
    editor: state::Editor,
    /// The questions and file dialogs the window is waiting on.
    pub prompts: state::Prompts,
    /// Review changes: what the edits change in the text and for people.
    reviewing: state::Reviewing,
    /// Tidy up: what was found and proven, and the choice.
    tidying: state::Tidying,
    /// The what-if simulator beside the editor: its state in the core, and
    /// the panel's own (open, tab, text being typed, the last message).
    pub sim: sim::SimState,
    pub sim_panel: sim::SimPanel,
    /// The simulator's request, pool, scenario and cases of the other files
    /// opened, by path: each file keeps its own.
    sims: crate::sim::by_file::SimByFile,
    /// A principal just added to the matrix, whose row is to be brought
    /// into view.
    matrix_scroll: Option<String>,
}

impl PrivyApp {
    /// The window on an already loaded document (a generated one, in the
    /// benchmarks).
    pub fn with_document(doc: Document) -> Self {
        let mut app = PrivyApp::open(None);
        app.editor.section = if doc.is_json() {
            Section::Rules(RuleKind::AllowCheckouts)
        } else {
            Section::Raw
        };
        app.doc = Some(doc);
        app
    }

    pub fn open(path: Option<PathBuf>) -> Self {
        let (doc, load_error) = match path {
            Some(p) => match Document::open(&p) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e.to_string())),
            },
            None => (Some(Document::from_text(crate::document::TEMPLATE)), None),
        };
        let section = match &doc {
            Some(d) if !d.is_json() => Section::Raw,
            _ => Section::Rules(RuleKind::AllowCheckouts),
        };
        PrivyApp {
            doc,
            load_error,
            status: None,
            saved_at: None,
            wants_close: false,
            settings: Settings::default(),
            applied_theme: None,
            sent_title: None,
            keeper: None,
            findings: findings::Beside::default(),
            editor: state::Editor::new(section),
            prompts: state::Prompts::default(),
            reviewing: state::Reviewing::default(),
            tidying: state::Tidying::default(),
            sim: sim::SimState::default(),
            sim_panel: Default::default(),
            sims: Default::default(),
            matrix_scroll: None,
        }
    }

    pub fn document(&self) -> Option<&Document> {
        self.doc.as_ref()
    }

    /// What the main area shows.
    pub fn section(&self) -> Section {
        self.editor.section
    }

    /// The navigation's filter as typed.
    pub fn filter(&self) -> &str {
        &self.editor.filter
    }

    pub fn title(&self) -> String {
        let doc = self.doc.as_ref();
        let name = match doc.and_then(Document::path) {
            // Saving writes the real file behind a symlink: say which.
            Some(p) => match doc.and_then(Document::link_target) {
                Some(real) => format!("{} (a link to {})", p.display(), real.display()),
                None => p.display().to_string(),
            },
            None => "Untitled".into(),
        };
        let dirty = if self.doc.as_ref().is_some_and(Document::is_dirty) {
            "• "
        } else {
            ""
        };
        format!("{dirty}{name} — Privy")
    }

    /// Runs a command from a menu, a shortcut or a button.
    pub fn run(&mut self, cmd: Command) {
        if cmd == Command::Quit {
            return self.request(AfterPrompt::Close);
        }
        if cmd == Command::Simulator {
            self.sim_panel.open = !self.sim_panel.open;
            return;
        }
        match cmd {
            Command::ZoomIn => return self.settings.zoom_by(true),
            Command::ZoomOut => return self.settings.zoom_by(false),
            Command::ZoomReset => {
                self.settings.zoom_percent = None;
                return;
            }
            _ => {}
        }
        let Some(doc) = self.doc.as_mut() else { return };
        match cmd {
            Command::Save if doc.path().is_none() => self.start_dialog(DialogPurpose::SaveAs),
            Command::Save if doc.error_count() > 0 => self.prompts.save_with_errors = Some(None),
            Command::Save => self.save_now(false, crate::document::HardLinks::Ask),
            Command::Undo => {
                if !doc.undo() {
                    self.status = Some(Status {
                        text: "Nothing to undo".into(),
                        error: false,
                    });
                } else if self.status.as_ref().is_some_and(|s| !s.error) {
                    // "Applied … Ctrl+Z undoes it" is no longer true.
                    self.status = None;
                }
            }
            Command::Redo => {
                if !doc.redo() {
                    self.status = Some(Status {
                        text: "Nothing to redo".into(),
                        error: false,
                    });
                }
            }
            Command::ShowProblems => self.editor.section = Section::Problems,
            Command::TidyUp => self.editor.section = Section::Tidy,
            Command::Find => self.editor.focus_filter = true,
            Command::New => self.request(AfterPrompt::New),
            Command::Open => self.start_dialog(DialogPurpose::Open),
            Command::SaveAs => self.start_dialog(DialogPurpose::SaveAs),
            Command::Quit
            | Command::Simulator
            | Command::ZoomIn
            | Command::ZoomOut
            | Command::ZoomReset => {}
        }
    }

    /// Does `action` now, or first asks about unsaved changes.
    pub fn request(&mut self, action: AfterPrompt) {
        if self.doc.as_ref().is_some_and(Document::is_dirty) {
            self.prompts.prompt = Some(action);
        } else {
            self.perform(action);
        }
    }

    /// Another file is opened: the simulator's work goes with the file.
    fn switch_sim(&mut self, to: Option<&std::path::Path>) {
        let from = self
            .doc
            .as_ref()
            .and_then(Document::path)
            .map(PathBuf::from);
        self.sims.switch(&mut self.sim, from.as_deref(), to);
    }

    fn perform(&mut self, action: AfterPrompt) {
        match action {
            AfterPrompt::Close => {
                self.drop_recovery();
                self.wants_close = true;
            }
            AfterPrompt::New => {
                self.drop_recovery();
                self.switch_sim(None);
                self.doc = Some(Document::from_text(crate::document::TEMPLATE));
                self.load_error = None;
                self.editor.section = Section::Rules(RuleKind::AllowCheckouts);
                self.status = Some(Status {
                    text: "New file from the default template".into(),
                    error: false,
                });
            }
            AfterPrompt::Open(path) => match Document::open(&path) {
                Ok(d) => {
                    self.drop_recovery();
                    self.switch_sim(Some(&path));
                    self.settings.remember(&path);
                    self.editor.section = if d.is_json() {
                        Section::Rules(RuleKind::AllowCheckouts)
                    } else {
                        Section::Raw
                    };
                    self.doc = Some(d);
                    self.load_error = None;
                    self.reviewing.compare_with = None;
                    self.reviewing.access = None;
                    self.findings = findings::Beside::default();
                    self.status = Some(Status {
                        text: format!("Opened {}", path.display()),
                        error: false,
                    });
                }
                // The open document stays as it was.
                Err(e) => {
                    self.status = Some(Status {
                        text: e.to_string(),
                        error: true,
                    })
                }
            },
        }
    }

    fn start_dialog(&mut self, purpose: DialogPurpose) {
        if self.prompts.dialog.is_some() {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let start_dir = self
            .doc
            .as_ref()
            .and_then(Document::path)
            .and_then(|p| p.parent())
            .map(PathBuf::from);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let mut d = rfd::FileDialog::new();
            d = match purpose {
                DialogPurpose::Sim(s) if s.csv() => d.add_filter("CSV", &["csv"]),
                _ => d.add_filter("JSON", &["json"]),
            };
            d = d.add_filter("All files", &["*"]);
            if let Some(dir) = start_dir {
                d = d.set_directory(dir);
            }
            let picked = match purpose {
                DialogPurpose::Open | DialogPurpose::Compare => d.pick_file(),
                DialogPurpose::SaveAs => d.set_file_name("ServerConfig.json").save_file(),
                DialogPurpose::Sim(s) if s.is_save() => d.set_file_name(s.file_name()).save_file(),
                DialogPurpose::Sim(_) => d.pick_file(),
            };
            let _ = tx.send((picked, started.elapsed()));
        });
        self.prompts.dialog = Some((purpose, rx));
    }

    fn poll_dialog(&mut self) {
        let Some((purpose, rx)) = &self.prompts.dialog else {
            return;
        };
        let purpose = *purpose;
        match rx.try_recv() {
            Ok((Some(path), _)) => {
                self.prompts.dialog = None;
                self.dialog_picked(purpose, path);
            }
            Ok((None, took)) if took < path_prompt::NOT_SHOWN && !cfg!(windows) => {
                // Nothing, at once: no dialog was shown. Ask in the window.
                self.prompts.dialog = None;
                self.ask_path(purpose);
            }
            Ok((None, _)) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.prompts.dialog = None
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }

    /// A path picked in a dialog (native or the window's own), for `purpose`.
    fn dialog_picked(&mut self, purpose: DialogPurpose, path: PathBuf) {
        match purpose {
            DialogPurpose::Open => self.request(AfterPrompt::Open(path)),
            DialogPurpose::Compare => self.compare_with(Some(path)),
            DialogPurpose::SaveAs => self.save_as(path),
            DialogPurpose::Sim(s) => self.finish_sim_dialog(s, &path),
        }
    }

    /// Review changes compares with this version (`None`: the file on
    /// disk).
    pub fn compare_with(&mut self, path: Option<PathBuf>) {
        self.reviewing.compare_with = path;
        self.reviewing.access = None;
        self.editor.section = Section::Review;
    }

    pub(crate) fn start_compare_dialog(&mut self) {
        self.start_dialog(DialogPurpose::Compare);
    }

    /// Opens a native dialog for the simulator (pool, cases, CSV).
    pub(crate) fn start_sim_dialog(&mut self, d: sim::SimDialog) {
        self.start_dialog(DialogPurpose::Sim(d));
    }

    /// Does what the simulator's dialog was for, with the path picked
    /// (tests call it directly).
    pub fn finish_sim_dialog(&mut self, d: sim::SimDialog, path: &std::path::Path) {
        use sim::SimDialog::*;
        let result = match d {
            OpenPool => self.sim.load_pool(path),
            SavePool => self.sim.save_pool(path),
            ImportSessions => self.sim.import_sessions(path),
            OpenCases => self.sim.load_cases(path),
            SaveCases => self.sim.save_cases(path),
            ExportMatrix => self.sim.export_matrix(path),
            ExportAccessCsv | ExportAccessHtml => {
                let title = self
                    .doc
                    .as_ref()
                    .and_then(|d| d.path())
                    .map_or_else(|| "a new file".to_string(), |p| p.display().to_string());
                self.sim.export_access(path, d == ExportAccessHtml, &title)
            }
        };
        self.sim_panel.said(result);
    }

    /// Saves under a new name, which becomes the document's file.
    pub fn save_as(&mut self, path: PathBuf) {
        let Some(doc) = self.doc.as_mut() else { return };
        self.status = Some(match doc.save_as(&path) {
            Ok(()) => {
                self.settings.remember(&path);
                self.saved_at = Some(doc.generation());
                Status {
                    text: format!("Saved {}", path.display()),
                    error: false,
                }
            }
            Err(e) => Status {
                text: e.to_string(),
                error: true,
            },
        });
    }

    fn apply_pending(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        for (edit, group) in self.editor.pending.drain(..) {
            if let Err(e) = doc.apply_grouped(&edit, group.as_deref()) {
                self.status = Some(Status {
                    text: format!("Could not apply the edit: {e}"),
                    error: true,
                });
            }
        }
        if self.editor.end_group {
            doc.break_group();
            self.editor.end_group = false;
        }
    }

    /// The theme, the legible small text and the zoom, when they change.
    fn apply_look(&mut self, ctx: &egui::Context) {
        if self.applied_theme != Some(self.settings.theme) {
            ctx.set_theme(self.settings.theme.preference());
            self.applied_theme = Some(self.settings.theme);
            // egui's small text is 9 points: too small to read every day.
            // Small stays smaller than the body, but legible.
            ctx.all_styles_mut(|style| {
                if let Some(f) = style.text_styles.get_mut(&egui::TextStyle::Small) {
                    f.size = f.size.max(11.0);
                }
            });
            // Zoom is the View menu's (and its shortcuts'), kept between
            // runs; egui's own keys would zoom a second time.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        let zoom = self.settings.zoom();
        if (ctx.zoom_factor() - zoom).abs() > f32::EPSILON {
            ctx.set_zoom_factor(zoom);
        }
    }

    /// A "Saved" status stops being true once the text is edited again.
    fn forget_stale_saved(&mut self) {
        if let (Some(at), Some(doc)) = (self.saved_at, self.doc.as_ref())
            && doc.generation() != at
        {
            // Edited since the save: "Saved" is no longer true.
            self.saved_at = None;
            self.status = None;
        }
    }

    /// A native dialog's answer, and a file dropped on the window.
    fn take_dialogs_and_drops(&mut self, ctx: &egui::Context) {
        self.poll_dialog();
        if self.prompts.dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.request(AfterPrompt::Open(path));
        }
    }

    /// Draws the whole window into `ui` (also used by the GUI tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.apply_look(ui.ctx());
        self.forget_stale_saved();
        self.take_dialogs_and_drops(ui.ctx());
        let pressed = pressed_commands(ui.ctx());
        self.draw(ui);
        // Also over a file that could not be read: the way to another.
        self.path_prompt(ui);
        // The keys' commands run after the frame's edits are in: text typed
        // in the same frame as Ctrl+S (fast typing, or a slow frame on a
        // large file) is saved, reviewed and undone with the rest, never
        // left behind in the field.
        self.apply_pending();
        if !pressed.is_empty() {
            for cmd in pressed {
                self.run(cmd);
            }
            ui.ctx().request_repaint();
        }
    }

    /// The frame's panels, after the keys' commands were taken: the menu,
    /// then over a file the status bar, the navigation, the simulator and
    /// the main area, then the questions waiting, then the edits queued.
    fn draw(&mut self, ui: &mut egui::Ui) {
        self.menu_bar(ui);
        if let Some(err) = &self.load_error {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, err);
            });
            return;
        }
        let Some(doc) = self.doc.take() else { return };
        let now = ui.input(|i| i.time);
        if let Some(after) = self.findings.follow(&doc, now) {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(after));
        }
        let mut derived = std::mem::take(&mut self.editor.derived);
        derived.refresh(&doc, &self.editor.filter);
        let found = self.findings.diagnostics();
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar(ui, &derived, found, self.status.as_ref())
        });
        self.nav_panel(ui, &doc, &derived);
        if self.sim_panel.open {
            egui::Panel::right("simulator")
                .default_size(480.0)
                .resizable(true)
                .show(ui, |ui| self.simulator(ui, &doc, &derived.features));
        }
        self.main_area(ui, &doc, &derived);
        self.doc = Some(doc);
        self.editor.derived = derived;
        self.waiting_questions(ui);
        self.apply_pending();
        self.keep_recovery(ui.ctx());
    }

    /// The menu bar; its commands run at once.
    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let mut clicked: Option<Command> = None;
        let mut recent: Option<PathBuf> = None;
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    for cmd in [Command::New, Command::Open] {
                        menu_item(ui, cmd, &mut clicked);
                    }
                    ui.menu_button("Open Recent", |ui| {
                        if self.settings.recent.is_empty() {
                            ui.label(RichText::new("No recent files").weak());
                        }
                        for p in self.settings.recent.clone() {
                            if ui.button(p.display().to_string()).clicked() {
                                recent = Some(p);
                                ui.close();
                            }
                        }
                    });
                    for cmd in [Command::Save, Command::SaveAs] {
                        menu_item(ui, cmd, &mut clicked);
                    }
                    ui.separator();
                    menu_item(ui, Command::Quit, &mut clicked);
                });
                ui.menu_button("Edit", |ui| {
                    let named = |what: Option<&crate::document::StepWhat>, cmd: Command| match (
                        what,
                        self.doc.as_ref(),
                    ) {
                        (Some(w), Some(d)) => (
                            format!("{} {}", cmd.label(), crate::words::step_name(d.config(), w)),
                            true,
                        ),
                        _ => (cmd.label().to_string(), false),
                    };
                    let (undo, can_undo) = named(
                        self.doc.as_ref().and_then(Document::undo_what),
                        Command::Undo,
                    );
                    let (redo, can_redo) = named(
                        self.doc.as_ref().and_then(Document::redo_what),
                        Command::Redo,
                    );
                    menu_item_as(ui, Command::Undo, &undo, can_undo, &mut clicked);
                    menu_item_as(ui, Command::Redo, &redo, can_redo, &mut clicked);
                    ui.separator();
                    menu_item(ui, Command::TidyUp, &mut clicked);
                });
                ui.menu_button("View", |ui| {
                    menu_item(ui, Command::Find, &mut clicked);
                    menu_item(ui, Command::ShowProblems, &mut clicked);
                    menu_item(ui, Command::Simulator, &mut clicked);
                    ui.separator();
                    for cmd in [Command::ZoomIn, Command::ZoomOut, Command::ZoomReset] {
                        menu_item(ui, cmd, &mut clicked);
                    }
                    ui.label(
                        RichText::new(format!(
                            "Zoom: {}%",
                            self.settings.zoom_percent.unwrap_or(100)
                        ))
                        .weak(),
                    );
                    ui.separator();
                    ui.label(RichText::new("Theme").weak());
                    for (t, name) in [
                        (Theme::System, "Follow the system"),
                        (Theme::Light, "Light"),
                        (Theme::Dark, "Dark"),
                    ] {
                        ui.radio_value(&mut self.settings.theme, t, name);
                    }
                });
                ui.separator();
                let shortcut = Command::Simulator
                    .shortcuts()
                    .first()
                    .map(|s| ui.ctx().format_shortcut(s))
                    .unwrap_or_default();
                ui.toggle_value(&mut self.sim_panel.open, "▶ Simulator")
                    .on_hover_text(format!("{} ({shortcut})", Command::Simulator.description()));
                ui.separator();
                ui.label(RichText::new(self.title()).weak());
            });
        });
        if let Some(cmd) = clicked {
            self.run(cmd);
        }
        if let Some(path) = recent {
            self.request(AfterPrompt::Open(path));
        }
    }

    /// The navigation: the filter, what it shows, and the sections.
    fn nav_panel(&mut self, ui: &mut egui::Ui, doc: &Document, derived: &Derived) {
        let mut section = self.editor.section;
        egui::Panel::left("nav").default_size(240.0).show(ui, |ui| {
            ui.add_space(6.0);
            let label = ui.label("Filter");
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut self.editor.filter)
                        .hint_text("text, or user:anna feature:CAD")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "Text shows the rules and groups that mention it. user:NAME, host:NAME, ip:ADDRESS, local:GROUP and feature:NAME show who is affected: the rules about that principal (through groups, wildcards and IP ranges), the rules for that feature (and for every feature), and the groups the principal is in. Quote values with spaces: user:\"Privileged User\".",
                );
            if self.editor.focus_filter {
                resp.request_focus();
                self.editor.focus_filter = false;
            }
            let more = (self.findings.diagnostics(), self.findings.pending());
            if !derived.filter_words.is_empty() {
                ui.label(RichText::new(&derived.filter_words).weak());
            }
            // "What can anna use?": the Access tab for the filter's user.
            let mut access_of = None;
            if let crate::who::Filter::Who { principal, .. } = crate::who::Filter::parse(&self.editor.filter)
                && let Some(user) = principal.user.as_deref().map(str::trim).filter(|u| !u.is_empty())
                && ui
                    .link(format!("Everything {user} can use"))
                    .on_hover_text("Every feature, checkout or borrow, for this user: the simulator's Access tab")
                    .clicked()
            {
                access_of = Some(user.to_string());
            }
            navigation(ui, doc, derived, &mut section, &self.editor.filter, more);
            if let Some(user) = access_of {
                self.act(WindowAction::AccessOf(user));
            }
        });
        self.editor.section = section;
    }

    /// The section shown, in the middle of the window.
    fn main_area(&mut self, ui: &mut egui::Ui, doc: &Document, derived: &Derived) {
        let section = self.editor.section;
        egui::CentralPanel::default().show(ui, |ui| {
            // The forms of a file that is not standard JSON show only what
            // could be read: said above them, with the way to the text.
            let form = matches!(section, Section::Settings | Section::Rules(_) | Section::Groups);
            if form && !doc.is_json() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(
                            "⚠ The file has syntax errors: the server cannot read it, and these forms show only what could be understood.",
                        )
                        .color(ui.visuals().warn_fg_color),
                    );
                    if ui.link("Fix them in the JSON text").clicked() {
                        self.editor.section = Section::Raw;
                    }
                });
                ui.separator();
            }
            egui::ScrollArea::vertical()
                .id_salt(section)
                .auto_shrink(false)
                .show_viewport(ui, |ui, viewport| match section {
                    Section::Settings => {
                        for a in panels::settings::settings(ui, doc, derived) {
                            self.act(a);
                        }
                    }
                    Section::Rules(kind) => self.rules(ui, doc, derived, kind, viewport),
                    Section::Groups => self.groups(ui, doc, derived, viewport),
                    Section::Problems => {
                        let asked = panels::problems::problems(
                            ui,
                            doc,
                            derived,
                            self.findings.diagnostics(),
                            self.findings.pending(),
                        );
                        for a in asked {
                            self.act(a);
                        }
                    }
                    Section::Raw => {
                        let asked = panels::raw::raw(
                            ui,
                            doc,
                            self.findings.diagnostics().len(),
                            &mut self.editor.show_passwords,
                        );
                        for a in asked {
                            self.act(a);
                        }
                    }
                    Section::Review => {
                        for a in panels::review::review(ui, doc, &mut self.reviewing) {
                            self.act(a);
                        }
                    }
                    Section::Tidy => {
                        for a in panels::tidy::tidy_page(ui, doc, &mut self.tidying) {
                            self.act(a);
                        }
                    }
                });
        });
    }

    /// The questions the window may be waiting on, each drawn when asked.
    fn waiting_questions(&mut self, ui: &mut egui::Ui) {
        self.unsaved_prompt(ui);
        self.errors_prompt(ui);
        self.conflict_prompt(ui);
        self.hard_link_prompt(ui);
        self.recovery_prompt(ui);
    }

    /// The item of the list at `list_ptr` being scrolled to, if any: it is
    /// drawn even when out of view, so it can be brought into view.
    fn scroll_target(&self, list_ptr: &str) -> Option<usize> {
        self.editor
            .scroll_to
            .as_deref()
            .and_then(|p| p.strip_prefix(list_ptr))
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|i| i.parse::<usize>().ok())
    }

    /// Shows the place a pointer names: its rule card, the groups or the
    /// settings.
    pub fn go_to(&mut self, pointer: &str) {
        let mut parts = pointer.trim_start_matches('/').split('/');
        let first = parts.next().unwrap_or_default();
        if let Some(kind) = RuleKind::from_key(first) {
            self.editor.section = Section::Rules(kind);
            if let Some(i) = parts.next() {
                self.editor.scroll_to = Some(format!("/{first}/{i}"));
            }
        } else if first == spec::GROUPS_KEY {
            self.editor.section = Section::Groups;
            if let Some(i) = parts.next() {
                self.editor.scroll_to = Some(format!("/{first}/{i}"));
            }
        } else {
            self.editor.section = Section::Settings;
        }
    }
}

/// The commands whose shortcuts were pressed this frame, each once. The
/// most specific chords first: egui matches Ctrl+Z also when Shift is
/// held, so Ctrl+Shift+Z (Redo) and Ctrl+Shift+S (Save As) must be taken
/// before Ctrl+Z and Ctrl+S are looked at.
fn pressed_commands(ctx: &egui::Context) -> Vec<Command> {
    let mut chords: Vec<(Command, &egui::KeyboardShortcut)> = Command::ALL
        .iter()
        .flat_map(|&c| c.shortcuts().iter().map(move |s| (c, s)))
        .collect();
    chords.sort_by_key(|(_, s)| {
        let m = s.modifiers;
        std::cmp::Reverse(
            u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl || m.mac_cmd),
        )
    });
    let mut pressed: Vec<Command> = Vec::new();
    for (cmd, s) in chords {
        if ctx.input_mut(|i| i.consume_shortcut(s)) && !pressed.contains(&cmd) {
            pressed.push(cmd);
        }
    }
    pressed
}

fn place_name(cfg: &crate::model::Config, pointer: &str) -> String {
    crate::words::place_name(cfg, pointer)
}

/// The pointer of the group at position `g` of `Config::groups`.
fn index_pointer(doc: &Document, g: usize) -> Option<String> {
    doc.config().groups.get(g).map(|g| g.pointer.clone())
}

/// The status line for the outcome of a save.
fn saved(doc: &Document, result: Result<(), crate::document::SaveError>) -> Status {
    match result {
        Ok(()) => Status {
            // Through a symlink, the file written is its target: say so.
            text: match (doc.path(), doc.link_target()) {
                (Some(p), Some(real)) => {
                    format!("Saved {} (through {})", real.display(), p.display())
                }
                (Some(p), None) => format!("Saved {}", p.display()),
                (None, _) => "Saved".to_string(),
            },
            error: false,
        },
        Err(e) => Status {
            text: e.to_string(),
            error: true,
        },
    }
}

fn menu_item(ui: &mut egui::Ui, cmd: Command, clicked: &mut Option<Command>) {
    menu_item_as(ui, cmd, cmd.label(), true, clicked);
}

/// A menu item with its own label (Undo names what it undoes), greyed out
/// when it has nothing to do.
fn menu_item_as(
    ui: &mut egui::Ui,
    cmd: Command,
    label: &str,
    enabled: bool,
    clicked: &mut Option<Command>,
) {
    let shortcut = cmd
        .shortcuts()
        .first()
        .map(|s| ui.ctx().format_shortcut(s))
        .unwrap_or_default();
    if ui
        .add_enabled(enabled, egui::Button::new(label).shortcut_text(shortcut))
        .on_hover_text(cmd.description())
        .clicked()
    {
        *clicked = Some(cmd);
        ui.close();
    }
}

/// A whole number if the text is one, else the text (which validation then
/// reports where a number is needed).
fn number_or_text(text: &str) -> Value {
    text.trim()
        .parse::<i64>()
        .map_or_else(|_| Value::String(text.to_string()), Value::from)
}

/// The text to edit for a value: strings as they read, anything else as its
/// JSON text.
fn value_text(doc: &Document, n: &Node) -> String {
    match &n.kind {
        NodeKind::String(s) => s.to_string(),
        _ => doc.text()[n.span.start..n.span.end].to_string(),
    }
}

impl eframe::App for PrivyApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        let path = self.doc.as_ref().and_then(Document::path);
        eframe::set_value(storage, SIMS_KEY, &self.sims.with_open(&self.sim, path));
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && !self.wants_close
            && self.doc.as_ref().is_some_and(Document::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.prompts.prompt = Some(AfterPrompt::Close);
        }
        // Only when it changes: every viewport command wakes the event loop
        // for another frame, and sending it each frame kept an idle window
        // repainting at full speed.
        let title = self.title();
        if self.sent_title.as_deref() != Some(title.as_str()) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.sent_title = Some(title);
        }
        self.show(ui);
        if self.wants_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// Opens the window on `file`; with `pool`, the simulator opens with that
/// license pool loaded.
/// [`launch::open`] tries other renderers when this fails.
pub fn run(file: Option<PathBuf>, pool: Option<PathBuf>) -> eframe::Result<()> {
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
        Box::new(move |cc| {
            let mut app = PrivyApp::open(file.clone());
            if let Some(store) = crate::recovery::Recovery::in_profile() {
                app = app.with_recovery(store);
            }
            if let Some(settings) = cc
                .storage
                .and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY))
            {
                app.settings = settings;
            }
            if let Some(p) = file.as_deref().filter(|_| app.document().is_some()) {
                app.settings.remember(p);
            }
            // The simulator as it was for this file (each file has its
            // own); before per-file keeping, one for all (SIM_KEY), taken
            // for the file it is opened with.
            let by_file = cc
                .storage
                .and_then(|s| eframe::get_value::<crate::sim::by_file::SimByFile>(s, SIMS_KEY));
            match by_file {
                Some(mut sims) => {
                    let path = app.doc.as_ref().and_then(Document::path).map(PathBuf::from);
                    sims.restore_into(&mut app.sim, path.as_deref());
                    app.sims = sims;
                }
                None => {
                    if let Some(saved) = cc
                        .storage
                        .and_then(|s| eframe::get_value::<sim::SimSaved>(s, SIM_KEY))
                    {
                        app.sim.restore(saved);
                    }
                }
            }
            if let Some(p) = pool.as_deref() {
                let read = app.sim.load_pool(p);
                app.sim_panel.said(read);
                app.sim_panel.open = true;
            }
            Ok(Box::new(app))
        }),
    )
}

fn severity_color(ui: &egui::Ui, s: Severity) -> Color32 {
    match s {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Info => ui.visuals().weak_text_color(),
    }
}
