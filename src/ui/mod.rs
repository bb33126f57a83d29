//! The desktop window (feature `gui`). Everything here reads and edits the
//! core [`Document`]; nothing in the core knows about egui.
//!
//! Drawing never changes the document: widgets queue [`Edit`]s, which are
//! applied after the frame, so every change goes through the same path
//! (splice, reparse, revalidate, undo step).

mod commands;
mod complete;
mod derived;
mod marks;
mod recover;
pub mod sim;
mod virtual_list;

use std::path::PathBuf;

use egui::{Color32, RichText};
use serde_json::Value;

pub use commands::Command;
use derived::Derived;

use crate::diag::{Diagnostic, Severity};
use crate::document::{Document, Edit};
use crate::json::{Node, NodeKind, child_pointer};
use crate::spec::{self, Field, RuleKind, SettingType, ValueType};
use crate::summary::describe;

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
}

/// What to do once unsaved changes are saved or discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterPrompt {
    Close,
    Open(PathBuf),
    New,
}

/// Which native dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DialogPurpose {
    Open,
    SaveAs,
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
}

const SETTINGS_KEY: &str = "privy-settings";
const SIM_KEY: &str = "privy-simulator";
const MAX_RECENT: usize = 10;

impl Settings {
    fn remember(&mut self, path: &std::path::Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct PrivyApp {
    doc: Option<Document>,
    /// A file that could not be opened, with the reason.
    load_error: Option<String>,
    pub section: Section,
    pub status: Option<Status>,
    /// Edits queued while drawing, with their undo group.
    pending: Vec<(Edit, Option<String>)>,
    /// A field lost focus: the typing group ends.
    end_group: bool,
    /// The card to bring into view.
    scroll_to: Option<String>,
    /// The unsaved-changes prompt is open, for this action.
    pub prompt: Option<AfterPrompt>,
    /// A native file dialog running on its own thread.
    dialog: Option<(DialogPurpose, std::sync::mpsc::Receiver<Option<PathBuf>>)>,
    /// The window should close (set by the prompt; the frame closes it).
    pub wants_close: bool,
    /// Narrows rules and groups to those mentioning this text.
    pub filter: String,
    pub settings: Settings,
    /// The theme last applied to the context.
    applied_theme: Option<Theme>,
    focus_filter: bool,
    /// The window title last sent.
    sent_title: Option<String>,
    /// Recovery files for unsaved edits (off unless turned on).
    keeper: Option<recover::Keeper>,
    /// The review of changes, for (generation, dirty, changed on disk):
    /// `None` when the file is not on disk.
    review: Option<((u64, bool, bool), Option<Hunks>)>,
    /// Saving found the file changed on disk: ask whether to overwrite it
    /// or reload it.
    pub conflict: bool,
    /// A save stopped at a file with this many hard links, and whether it
    /// was overwriting a change on disk: ask how to save.
    pub hard_linked: Option<(u64, bool)>,
    /// The FEATURES or SERIALNUMBERS field whose completions are offered.
    completing: Option<String>,
    /// Counts, filter results and indexes, worked out once per change.
    derived: Derived,
    /// Measured card heights per list, for drawing only what is in view.
    heights: std::collections::HashMap<String, virtual_list::Heights>,
    /// The what-if simulator beside the editor.
    pub sim: sim::SimState,
}

impl PrivyApp {
    /// The window on an already loaded document (a generated one, in the
    /// benchmarks).
    pub fn with_document(doc: Document) -> Self {
        let mut app = PrivyApp::open(None);
        app.section = if doc.is_json() {
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
            section,
            status: None,
            pending: Vec::new(),
            end_group: false,
            scroll_to: None,
            prompt: None,
            dialog: None,
            wants_close: false,
            filter: String::new(),
            settings: Settings::default(),
            applied_theme: None,
            focus_filter: false,
            sent_title: None,
            keeper: None,
            review: None,
            conflict: false,
            hard_linked: None,
            completing: None,
            derived: Derived::default(),
            heights: std::collections::HashMap::new(),
            sim: sim::SimState::default(),
        }
    }

    pub fn document(&self) -> Option<&Document> {
        self.doc.as_ref()
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
            self.sim.open = !self.sim.open;
            return;
        }
        let Some(doc) = self.doc.as_mut() else { return };
        match cmd {
            Command::Save if doc.path().is_none() => self.start_dialog(DialogPurpose::SaveAs),
            Command::Save => self.save_now(false, crate::document::HardLinks::Ask),
            Command::Undo => {
                if !doc.undo() {
                    self.status = Some(Status {
                        text: "Nothing to undo".into(),
                        error: false,
                    });
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
            Command::ShowProblems => self.section = Section::Problems,
            Command::Find => self.focus_filter = true,
            Command::New => self.request(AfterPrompt::New),
            Command::Open => self.start_dialog(DialogPurpose::Open),
            Command::SaveAs => self.start_dialog(DialogPurpose::SaveAs),
            Command::Quit | Command::Simulator => {}
        }
    }

    /// Does `action` now, or first asks about unsaved changes.
    pub fn request(&mut self, action: AfterPrompt) {
        if self.doc.as_ref().is_some_and(Document::is_dirty) {
            self.prompt = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: AfterPrompt) {
        match action {
            AfterPrompt::Close => {
                self.drop_recovery();
                self.wants_close = true;
            }
            AfterPrompt::New => {
                self.drop_recovery();
                self.doc = Some(Document::from_text(crate::document::TEMPLATE));
                self.load_error = None;
                self.section = Section::Rules(RuleKind::AllowCheckouts);
                self.status = Some(Status {
                    text: "New file from the default template".into(),
                    error: false,
                });
            }
            AfterPrompt::Open(path) => match Document::open(&path) {
                Ok(d) => {
                    self.drop_recovery();
                    self.settings.remember(&path);
                    self.section = if d.is_json() {
                        Section::Rules(RuleKind::AllowCheckouts)
                    } else {
                        Section::Raw
                    };
                    self.doc = Some(d);
                    self.load_error = None;
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
        if self.dialog.is_some() {
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
                DialogPurpose::Open => d.pick_file(),
                DialogPurpose::SaveAs => d.set_file_name("ServerConfig.json").save_file(),
                DialogPurpose::Sim(s) if s.is_save() => d.set_file_name(s.file_name()).save_file(),
                DialogPurpose::Sim(_) => d.pick_file(),
            };
            let _ = tx.send(picked);
        });
        self.dialog = Some((purpose, rx));
    }

    fn poll_dialog(&mut self) {
        let Some((purpose, rx)) = &self.dialog else {
            return;
        };
        let purpose = *purpose;
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.dialog = None;
                match purpose {
                    DialogPurpose::Open => self.request(AfterPrompt::Open(path)),
                    DialogPurpose::SaveAs => self.save_as(path),
                    DialogPurpose::Sim(s) => self.finish_sim_dialog(s, &path),
                }
            }
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => self.dialog = None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }

    /// Opens a native dialog for the simulator (pool, cases, CSV).
    pub(crate) fn start_sim_dialog(&mut self, d: sim::SimDialog) {
        self.start_dialog(DialogPurpose::Sim(d));
    }

    /// Does what the simulator's dialog was for, with the path picked
    /// (tests call it directly).
    pub fn finish_sim_dialog(&mut self, d: sim::SimDialog, path: &std::path::Path) {
        use sim::SimDialog::*;
        match d {
            OpenPool => self.sim.load_pool(path),
            SavePool => self.sim.save_pool(path),
            ImportSessions => self.sim.import_sessions(path),
            OpenCases => self.sim.load_cases(path),
            SaveCases => self.sim.save_cases(path),
            ExportMatrix => self.sim.export_matrix(path),
        }
    }

    /// Saves under a new name, which becomes the document's file.
    pub fn save_as(&mut self, path: PathBuf) {
        let Some(doc) = self.doc.as_mut() else { return };
        self.status = Some(match doc.save_as(&path) {
            Ok(()) => {
                self.settings.remember(&path);
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
        for (edit, group) in self.pending.drain(..) {
            if let Err(e) = doc.apply_grouped(&edit, group.as_deref()) {
                self.status = Some(Status {
                    text: format!("Could not apply the edit: {e}"),
                    error: true,
                });
            }
        }
        if self.end_group {
            doc.break_group();
            self.end_group = false;
        }
    }

    /// Draws the whole window into `ui` (also used by the GUI tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if self.applied_theme != Some(self.settings.theme) {
            ui.ctx().set_theme(self.settings.theme.preference());
            self.applied_theme = Some(self.settings.theme);
        }
        self.poll_dialog();
        if self.dialog.is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        let dropped = ui.ctx().input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.request(AfterPrompt::Open(path));
        }
        for cmd in Command::ALL {
            let pressed = ui
                .ctx()
                .input_mut(|i| cmd.shortcuts().iter().any(|s| i.consume_shortcut(s)));
            if pressed {
                self.run(cmd);
            }
        }
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
                    menu_item(ui, Command::Undo, &mut clicked);
                    menu_item(ui, Command::Redo, &mut clicked);
                });
                ui.menu_button("View", |ui| {
                    menu_item(ui, Command::Find, &mut clicked);
                    menu_item(ui, Command::ShowProblems, &mut clicked);
                    menu_item(ui, Command::Simulator, &mut clicked);
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
                ui.toggle_value(&mut self.sim.open, "▶ Simulator")
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
        if let Some(err) = &self.load_error {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, err);
            });
            return;
        }
        let Some(doc) = self.doc.take() else { return };
        let mut derived = std::mem::take(&mut self.derived);
        derived.refresh(&doc, &self.filter);
        egui::Panel::bottom("status").show(ui, |ui| status_bar(ui, &derived, self.status.as_ref()));
        let mut section = self.section;
        egui::Panel::left("nav").default_size(240.0).show(ui, |ui| {
            ui.add_space(6.0);
            let label = ui.label("Filter");
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("user, host, feature or text")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if self.focus_filter {
                resp.request_focus();
                self.focus_filter = false;
            }
            navigation(ui, &doc, &derived, &mut section, &self.filter);
        });
        self.section = section;
        if self.sim.open {
            egui::Panel::right("simulator")
                .default_size(480.0)
                .resizable(true)
                .show(ui, |ui| self.simulator(ui, &doc, &derived.features));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(section)
                .auto_shrink(false)
                .show_viewport(ui, |ui, viewport| match section {
                    Section::Settings => self.settings(ui, &doc, &derived),
                    Section::Rules(kind) => self.rules(ui, &doc, &derived, kind, viewport),
                    Section::Groups => self.groups(ui, &doc, &derived, viewport),
                    Section::Problems => self.problems(ui, &doc, &derived),
                    Section::Raw => self.raw(ui, &doc),
                    Section::Review => self.review(ui, &doc),
                });
        });
        self.doc = Some(doc);
        self.derived = derived;
        self.unsaved_prompt(ui);
        self.conflict_prompt(ui);
        self.hard_link_prompt(ui);
        self.recovery_prompt(ui);
        self.apply_pending();
        self.keep_recovery(ui.ctx());
    }

    /// Saves the document (with its `.bak`), routing what needs the user's
    /// word to a prompt: a file changed on disk, a file with hard links.
    fn save_now(&mut self, overwrite_changed: bool, hard_links: crate::document::HardLinks) {
        use crate::document::{SaveError, SaveOptions};
        let Some(doc) = self.doc.as_mut() else { return };
        let result = doc.save_with(SaveOptions {
            overwrite_changed,
            backup: true,
            hard_links,
        });
        match result {
            Err(SaveError::ChangedOnDisk { .. }) => self.conflict = true,
            Err(SaveError::HardLinked { links, .. }) => {
                self.hard_linked = Some((links, overwrite_changed));
            }
            result => self.status = Some(saved(doc, result)),
        }
    }

    /// The file has other hard links: a save as usual (a new file renamed
    /// over this name) would leave them with the old text.
    fn hard_link_prompt(&mut self, ui: &mut egui::Ui) {
        use crate::document::HardLinks;
        let Some((links, overwrite)) = self.hard_linked else {
            return;
        };
        let name = self
            .doc
            .as_ref()
            .and_then(Document::path)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let choice = ask(
            ui,
            "hard-linked",
            "The file has other names",
            &format!(
                "{name} has {} other hard link(s). Writing in place keeps every name showing the new text; replacing gives only this name the new text.",
                links - 1
            ),
            Some(
                "Writing in place is not atomic: a crash while writing can leave the file torn. The .bak keeps the previous text either way.",
            ),
            &["Write in place", "Replace this name only", "Cancel"],
        );
        match choice {
            Some(0) => {
                self.hard_linked = None;
                self.save_now(overwrite, HardLinks::InPlace);
            }
            Some(1) => {
                self.hard_linked = None;
                self.save_now(overwrite, HardLinks::Break);
            }
            Some(_) => {
                self.hard_linked = None;
                self.status = Some(Status {
                    text: "Not saved".into(),
                    error: false,
                });
            }
            None => {}
        }
    }

    /// The file changed on disk since it was read, and a save would
    /// overwrite that: overwrite, reload (the edits stay in Undo) or cancel.
    fn conflict_prompt(&mut self, ui: &mut egui::Ui) {
        if !self.conflict {
            return;
        }
        let Some(doc) = self.doc.as_mut() else {
            self.conflict = false;
            return;
        };
        let name = doc
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let choice = ask(
            ui,
            "changed-on-disk",
            "The file changed on disk",
            &format!(
                "{name} was changed by another program since you opened it. Saving now would overwrite those changes."
            ),
            Some(
                "Reloading replaces your edits with the file as it is now; Undo brings them back.",
            ),
            &["Overwrite", "Reload from disk", "Cancel"],
        );
        match choice {
            Some(0) => {
                self.conflict = false;
                self.save_now(true, crate::document::HardLinks::Ask);
            }
            Some(1) => {
                self.conflict = false;
                self.status = Some(match doc.reload_from_disk() {
                    Ok(()) => Status {
                        text: format!("Reloaded {name}; Undo brings your edits back"),
                        error: false,
                    },
                    Err(e) => Status {
                        text: e.to_string(),
                        error: true,
                    },
                });
            }
            Some(_) => {
                self.conflict = false;
                self.status = Some(Status {
                    text: "Not saved: the file on disk was left as it is".into(),
                    error: false,
                });
            }
            None => {}
        }
    }

    fn unsaved_prompt(&mut self, ui: &mut egui::Ui) {
        let Some(action) = self.prompt.clone() else {
            return;
        };
        let question = match &action {
            AfterPrompt::Close => "Save changes before closing?".to_string(),
            AfterPrompt::New => "Save changes before starting a new file?".to_string(),
            AfterPrompt::Open(p) => format!("Save changes before opening {}?", p.display()),
        };
        let choice = ask(
            ui,
            "unsaved-changes",
            &question,
            "Your edits to this file have not been saved.",
            None,
            &["Save", "Discard", "Cancel"],
        );
        match choice {
            Some(0) => {
                self.prompt = None;
                self.run(Command::Save);
                // Only go on when the save worked; otherwise the error shows
                // in the status bar and the edits stay.
                if self.doc.as_ref().is_some_and(|d| !d.is_dirty()) {
                    self.perform(action);
                }
            }
            Some(1) => {
                self.prompt = None;
                self.perform(action);
            }
            Some(_) => self.prompt = None,
            None => {}
        }
    }

    fn rules(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        kind: RuleKind,
        viewport: egui::Rect,
    ) {
        ui.heading(kind.title());
        ui.label(RichText::new(kind.description()).weak());
        ui.add_space(8.0);
        let list_ptr = format!("/{}", kind.key());
        let (count, shown) = derived.list(kind);
        if count == 0 {
            ui.label("No rules of this kind yet.");
        } else if shown.is_empty() {
            ui.label(format!("No rule here mentions \"{}\".", self.filter.trim()));
        }
        let force = self.scroll_target(&list_ptr);
        let mut heights = self.heights.remove(&list_ptr).unwrap_or_default();
        virtual_list::show(ui, viewport, &mut heights, shown, force, |ui, i| {
            let pointer = child_pointer(&list_ptr, i);
            let deciding = self.sim.deciding().contains(&pointer);
            let mut frame = egui::Frame::group(ui.style()).inner_margin(10.0);
            if deciding {
                frame = frame.stroke(egui::Stroke::new(2.5, ui.visuals().selection.stroke.color));
            }
            let r = frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                if deciding {
                    ui.label(
                        RichText::new("▶ Decides the simulated request")
                            .small()
                            .color(ui.visuals().selection.stroke.color),
                    );
                }
                self.rule_card(ui, doc, derived, kind, (i, count), &pointer);
            });
            if self.scroll_to.as_deref() == Some(pointer.as_str()) {
                r.response.scroll_to_me(Some(egui::Align::TOP));
                self.scroll_to = None;
            }
            ui.add_space(6.0);
        });
        self.heights.insert(list_ptr.clone(), heights);
        ui.add_space(4.0);
        if ui
            .button(format!("Add {} rule", kind.title().to_lowercase()))
            .clicked()
        {
            let mut rule = serde_json::Map::new();
            rule.insert("USERS".into(), Value::String(String::new()));
            rule.insert("FEATURES".into(), Value::String(String::new()));
            if kind
                .field(Field::Count)
                .is_some_and(|s| s.presence == spec::Presence::Required)
            {
                rule.insert("COUNT".into(), Value::from(1));
            }
            let list_exists = doc
                .parsed()
                .root
                .as_ref()
                .and_then(|r| r.pointer(&list_ptr))
                .and_then(Node::as_array)
                .is_some();
            let edit = if list_exists {
                Edit::InsertItem {
                    pointer: list_ptr.clone(),
                    value: Value::Object(rule),
                    index: None,
                }
            } else {
                Edit::InsertMember {
                    pointer: String::new(),
                    key: kind.key().into(),
                    value: Value::Array(vec![Value::Object(rule)]),
                    index: None,
                }
            };
            self.pending.push((edit, None));
            // A new rule must show even when the filter would hide it.
            self.filter.clear();
            self.scroll_to = Some(child_pointer(&list_ptr, count));
        }
    }

    fn rule_card(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        kind: RuleKind,
        (index, count): (usize, usize),
        pointer: &str,
    ) {
        let rule = doc.config().rule_at(pointer);
        ui.horizontal_wrapped(|ui| {
            let sentence = match rule {
                Some(r) => describe(r),
                None => "Not a rule object: fix it in the file.".into(),
            };
            let text = RichText::new(sentence).strong();
            let preset = rule.is_some_and(|r| r.empty_preset);
            ui.label(if preset { text.weak() } else { text });
            if preset {
                ui.label(
                    RichText::new("(empty preset: ignored by the server)")
                        .weak()
                        .italics(),
                );
            }
        });
        let list_ptr = format!("/{}", kind.key());
        egui::Grid::new(("fields", pointer))
            .num_columns(2)
            .min_col_width(110.0)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for spec in kind.fields() {
                    let key = spec.field.key();
                    let field_ptr = child_pointer(pointer, key);
                    let node = doc
                        .parsed()
                        .root
                        .as_ref()
                        .and_then(|r| r.pointer(&field_ptr));
                    let mut text = node.map(|n| value_text(doc, n)).unwrap_or_default();
                    let label = ui.label(spec.field.label()).on_hover_text(spec.meaning);
                    let hint = match spec.presence {
                        spec::Presence::Required => "required",
                        spec::Presence::OneOfGroup => "HOURS or COUNT",
                        spec::Presence::Optional => "optional",
                    };
                    let mut completed = None;
                    let resp = ui
                        .vertical(|ui| {
                            let resp = ui.add(
                                egui::TextEdit::singleline(&mut text)
                                    .id(egui::Id::unique(("field", &field_ptr)))
                                    .hint_text(hint)
                                    .desired_width(f32::INFINITY),
                            );
                            let words = match spec.field {
                                Field::Features => Some(&derived.features),
                                Field::SerialNumbers => Some(&derived.serials),
                                _ => None,
                            };
                            if let Some(words) = words {
                                completed = self.completion(&resp, &field_ptr, &text, words);
                            }
                            if spec.field.value_type() == ValueType::Principals
                                && let Some(list) = rule.and_then(|r| r.list(spec.field))
                            {
                                self.entry_chips(ui, doc, list);
                            }
                            for &d in derived.diags_at(&field_ptr) {
                                self.diagnostic_line(ui, doc, &doc.diagnostics()[d]);
                            }
                            resp
                        })
                        .inner
                        .labelled_by(label.id);
                    if let Some(done) = completed {
                        self.set_field(pointer, key, node.is_some(), Value::String(done), None);
                    } else if resp.changed() {
                        let value = match spec.field.value_type() {
                            ValueType::PositiveInteger => number_or_text(&text),
                            _ => Value::String(text.clone()),
                        };
                        self.set_field(pointer, key, node.is_some(), value, None);
                    }
                    if resp.lost_focus() {
                        self.end_group = true;
                    }
                    ui.end_row();
                }
            });
        for d in doc.diagnostics().iter().filter(|d| {
            d.pointer.starts_with(pointer)
                && (d.pointer.len() == pointer.len()
                    || kind
                        .fields()
                        .iter()
                        .all(|s| d.pointer != child_pointer(pointer, s.field.key())))
                && (d.pointer.len() == pointer.len() || d.pointer[pointer.len()..].starts_with('/'))
        }) {
            self.diagnostic_line(ui, doc, d);
        }
        ui.horizontal(|ui| {
            let up = ui.add_enabled(index > 0, egui::Button::new("Move up"));
            let down = ui.add_enabled(index + 1 < count, egui::Button::new("Move down"));
            let dup = ui.button("Duplicate");
            let del = ui.button("Delete");
            if up.clicked() {
                self.pending.push((
                    Edit::MoveItem {
                        pointer: list_ptr.clone(),
                        from: index,
                        to: index - 1,
                    },
                    None,
                ));
            }
            if down.clicked() {
                self.pending.push((
                    Edit::MoveItem {
                        pointer: list_ptr.clone(),
                        from: index,
                        to: index + 1,
                    },
                    None,
                ));
            }
            if dup.clicked()
                && let Some(node) = doc.parsed().root.as_ref().and_then(|r| r.pointer(pointer))
            {
                self.pending.push((
                    Edit::InsertItem {
                        pointer: list_ptr.clone(),
                        value: node.to_value(),
                        index: Some(index + 1),
                    },
                    None,
                ));
            }
            if del.clicked() {
                self.pending.push((
                    Edit::RemoveItem {
                        pointer: list_ptr.clone(),
                        index,
                    },
                    None,
                ));
            }
        });
    }

    /// Offers the names the file already uses for the entry being typed in
    /// `resp` (a FEATURES or SERIALNUMBERS field) in a list below it. A
    /// click or Enter takes one: the field's new text is returned, and the
    /// cursor stays at its end for the next entry.
    fn completion(
        &mut self,
        resp: &egui::Response,
        field_ptr: &str,
        text: &str,
        words: &[String],
    ) -> Option<String> {
        if resp.gained_focus() || resp.changed() {
            self.completing = Some(field_ptr.to_string());
        }
        if self.completing.as_deref() != Some(field_ptr) {
            return None;
        }
        let (start, found) = complete::suggest(text, words);
        let enter = resp.lost_focus() && resp.ctx.input(|i| i.key_pressed(egui::Key::Enter));
        let mut chosen = enter.then(|| found.first().copied()).flatten();
        let shown = (!found.is_empty() && !enter).then(|| {
            egui::Popup::from_response(resp)
                .id(egui::Id::unique(("complete", field_ptr)))
                .open(true)
                .show(|ui| {
                    ui.set_min_width(resp.rect.width().min(320.0));
                    ui.label(RichText::new("Used in this file").small().weak());
                    for w in found.iter().take(complete::MAX) {
                        if ui.button(*w).clicked() {
                            chosen = Some(*w);
                        }
                    }
                    if found.len() > complete::MAX {
                        ui.label(
                            RichText::new(format!(
                                "{} more: type to narrow",
                                found.len() - complete::MAX
                            ))
                            .small()
                            .weak(),
                        );
                    }
                })
        });
        let over_list = shown
            .flatten()
            .is_some_and(|r| r.response.contains_pointer());
        if let Some(word) = chosen {
            self.completing = None;
            let done = complete::accept(text, start, word);
            // Back into the field, cursor at the end, for the next entry.
            if let Some(mut state) = egui::TextEdit::load_state(&resp.ctx, resp.id) {
                let end = egui::text::CCursor::new(done.chars().count());
                state
                    .cursor
                    .set_char_range(Some(egui::text::CCursorRange::one(end)));
                state.store(&resp.ctx, resp.id);
            }
            resp.request_focus();
            return Some(done);
        }
        if !resp.has_focus() && !over_list {
            self.completing = None;
        }
        None
    }

    fn problems(&mut self, ui: &mut egui::Ui, doc: &Document, derived: &Derived) {
        ui.heading("Problems");
        let [errors, warnings, notes] = derived.by_severity;
        ui.label(
            RichText::new(format!(
                "{errors} to fix before the server will do what the file says, {warnings} worth a look, {notes} for information. Click a place to go to it."
            ))
            .weak(),
        );
        ui.add_space(8.0);
        if doc.diagnostics().is_empty() {
            ui.label("No problems found.");
            return;
        }
        let cfg = doc.config();
        let mut go = None;
        let mut fix = None;
        // Severity and place take about 280 points; the message the rest.
        let message_width = (ui.available_width() - 300.0).max(240.0);
        // Passwords never show, whatever the file's syntax.
        let secrets = doc.secrets();
        egui::Grid::new("problems")
            .num_columns(3)
            .striped(true)
            .spacing([14.0, 8.0])
            .show(ui, |ui| {
                for d in doc.diagnostics() {
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
            self.go_to(&p);
        }
        if let Some(edit) = fix {
            self.pending.push((Edit::Text(edit), None));
        }
    }

    /// Queues setting `key` of the object at `object` to `value`: replaced if
    /// the key is there, added (at `index`) if not. Typing in one field is
    /// one undo step.
    fn set_field(
        &mut self,
        object: &str,
        key: &str,
        exists: bool,
        value: Value,
        index: Option<usize>,
    ) {
        let pointer = child_pointer(object, key);
        let edit = if exists {
            Edit::SetValue {
                pointer: pointer.clone(),
                value,
            }
        } else {
            Edit::InsertMember {
                pointer: object.to_string(),
                key: key.to_string(),
                value,
                index,
            }
        };
        self.pending.push((edit, Some(pointer)));
    }

    /// One chip per entry saying what it is; a group's chip opens it.
    fn entry_chips(&mut self, ui: &mut egui::Ui, doc: &Document, list: &crate::model::EntryList) {
        if list.is_empty() {
            return;
        }
        let index = &doc.config().group_index;
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            for e in list.iter().take(40) {
                let group = e.kind.is_name().then(|| index.lookup_entry(&e)).flatten();
                let kind = if group.is_some() {
                    "group"
                } else {
                    e.kind.label()
                };
                let chip = egui::Button::new(RichText::new(format!("{} · {kind}", e.text)).small())
                    .corner_radius(8.0);
                let resp = ui.add(chip);
                if let Some(g) = group
                    && resp.on_hover_text("Open this group").clicked()
                {
                    self.section = Section::Groups;
                    self.scroll_to = index_pointer(doc, g);
                }
            }
            if list.len() > 40 {
                ui.label(
                    RichText::new(format!("and {} more", list.len() - 40))
                        .small()
                        .weak(),
                );
            }
        });
    }

    fn groups(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
        viewport: egui::Rect,
    ) {
        ui.heading("Groups");
        ui.label(RichText::new("Named lists of users, hosts, IP forms, local groups and other groups, usable in any USERS list.").weak());
        ui.add_space(8.0);
        let cfg = doc.config();
        if cfg.groups.is_empty() {
            ui.label("No groups yet.");
        } else if derived.groups.is_empty() {
            ui.label(format!("No group mentions \"{}\".", self.filter.trim()));
        }
        let list_ptr = format!("/{}", spec::GROUPS_KEY);
        let force = self.scroll_target(&list_ptr);
        let mut heights = self.heights.remove(&list_ptr).unwrap_or_default();
        virtual_list::show(
            ui,
            viewport,
            &mut heights,
            &derived.groups,
            force,
            |ui, gi| {
                let Some(g) = cfg.groups.get(gi) else { return };
                let r = egui::Frame::group(ui.style())
                    .inner_margin(10.0)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        egui::Grid::new(("group", &g.pointer))
                            .num_columns(2)
                            .min_col_width(110.0)
                            .spacing([12.0, 6.0])
                            .show(ui, |ui| {
                                for (key, label) in
                                    [(spec::GROUP_NAME, "Name"), (spec::GROUP_MEMBERS, "Members")]
                                {
                                    let ptr = child_pointer(&g.pointer, key);
                                    let node =
                                        doc.parsed().root.as_ref().and_then(|r| r.pointer(&ptr));
                                    let mut text =
                                        node.map(|n| value_text(doc, n)).unwrap_or_default();
                                    let l = ui.label(label);
                                    let resp = ui
                                        .vertical(|ui| {
                                            let resp = ui.add(
                                                egui::TextEdit::singleline(&mut text)
                                                    .id(egui::Id::unique(("group-field", &ptr)))
                                                    .desired_width(f32::INFINITY),
                                            );
                                            if key == spec::GROUP_MEMBERS
                                                && let Some(m) = &g.members
                                            {
                                                self.entry_chips(ui, doc, m);
                                            }
                                            for &d in derived.diags_at(&ptr) {
                                                self.diagnostic_line(
                                                    ui,
                                                    doc,
                                                    &doc.diagnostics()[d],
                                                );
                                            }
                                            resp
                                        })
                                        .inner
                                        .labelled_by(l.id);
                                    if resp.changed() {
                                        let value = Value::String(text.clone());
                                        self.set_field(
                                            &g.pointer,
                                            key,
                                            node.is_some(),
                                            value,
                                            None,
                                        );
                                    }
                                    if resp.lost_focus() {
                                        self.end_group = true;
                                    }
                                    ui.end_row();
                                }
                            });
                        for &d in derived.diags_at(&g.pointer) {
                            self.diagnostic_line(ui, doc, &doc.diagnostics()[d]);
                        }
                        ui.horizontal_wrapped(|ui| {
                            let uses = derived.used_by.get(gi).map_or(&[][..], Vec::as_slice);
                            if uses.is_empty() {
                                ui.label(RichText::new("Not used by any rule or group.").weak());
                            } else {
                                ui.label(RichText::new("Used by").weak());
                                for u in uses.iter().filter_map(|u| u.pointer(cfg)) {
                                    if ui.link(place_name(cfg, u)).on_hover_text(u).clicked() {
                                        self.go_to(u);
                                    }
                                }
                            }
                        });
                        if ui.button("Delete group").clicked() {
                            self.pending.push((
                                Edit::RemoveItem {
                                    pointer: "/GROUPS".into(),
                                    index: g.index,
                                },
                                None,
                            ));
                        }
                    });
                if self.scroll_to.as_deref() == Some(g.pointer.as_str()) {
                    r.response.scroll_to_me(Some(egui::Align::TOP));
                    self.scroll_to = None;
                }
                ui.add_space(6.0);
            },
        );
        self.heights.insert(list_ptr, heights);
        if ui.button("Add group").clicked() {
            let group = serde_json::json!({ "NAME": "", "MEMBERS": "" });
            let edit = if cfg.groups_span.is_some() {
                Edit::InsertItem {
                    pointer: "/GROUPS".into(),
                    value: group,
                    index: None,
                }
            } else {
                Edit::InsertMember {
                    pointer: String::new(),
                    key: spec::GROUPS_KEY.into(),
                    value: Value::Array(vec![group]),
                    index: None,
                }
            };
            self.pending.push((edit, None));
            self.filter.clear();
            self.scroll_to = Some(child_pointer("/GROUPS", cfg.groups.len()));
        }
    }

    fn raw(&mut self, ui: &mut egui::Ui, doc: &Document) {
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
        let others = doc.diagnostics().len() - syntax_count;
        if others > 0 {
            ui.label(
                RichText::new(format!(
                    "{others} other problem{} marked in the text below (see Problems).",
                    if others == 1 { " is" } else { "s are" }
                ))
                .weak(),
            );
        }
        ui.add_space(6.0);
        let mut text = doc.text().to_string();
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

    fn review(&mut self, ui: &mut egui::Ui, doc: &Document) {
        ui.heading("Review changes");
        // Reading the file and diffing happen once per change of the text
        // or of the file, not once per frame.
        let key = (doc.generation(), doc.is_dirty(), doc.changed_on_disk());
        if self.review.as_ref().is_none_or(|(k, _)| *k != key) {
            self.review = Some((key, doc.disk_text().map(|disk| hunks(&disk, doc.text()))));
        }
        let Some((_, review)) = &self.review else {
            return;
        };
        let Some(hunks) = review else {
            ui.label("The file is not on disk yet: everything is new.");
            return;
        };
        if key.2 {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "The file was changed by another program since it was opened; saving will ask before overwriting it.",
            );
        }
        if hunks.is_empty() {
            ui.label("No changes against the file on disk.");
            return;
        }
        ui.add_space(6.0);
        for hunk in hunks {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                for (tag, line, text) in hunk {
                    let (sign, color) = match tag {
                        similar::ChangeTag::Delete => ("-", ui.visuals().error_fg_color),
                        similar::ChangeTag::Insert => ("+", Color32::from_rgb(90, 170, 90)),
                        similar::ChangeTag::Equal => (" ", ui.visuals().weak_text_color()),
                    };
                    ui.label(
                        RichText::new(format!("{line:>5} {sign} {text}"))
                            .monospace()
                            .color(color),
                    );
                }
            });
        }
        ui.add_space(6.0);
        if ui.button("Save these changes").clicked() {
            self.run(Command::Save);
        }
    }

    fn settings(&mut self, ui: &mut egui::Ui, doc: &Document, derived: &Derived) {
        ui.heading("Server settings");
        ui.add_space(8.0);
        egui::Grid::new("settings")
            .num_columns(3)
            .min_col_width(140.0)
            .spacing([16.0, 8.0])
            .striped(true)
            .show(ui, |ui| {
                for spec in spec::SETTINGS {
                    let pointer = child_pointer("", spec.key);
                    let node = doc.parsed().root.as_ref().and_then(|r| r.pointer(&pointer));
                    let mut text = node.map(|n| value_text(doc, n)).unwrap_or_default();
                    let label = ui.label(spec.label).on_hover_text(spec.key);
                    let changed = match spec.kind {
                        SettingType::Choice(words) => {
                            let before = text.clone();
                            let combo = egui::ComboBox::from_id_salt(spec.key)
                                .selected_text(if text.is_empty() {
                                    "(not set)".to_string()
                                } else {
                                    text.clone()
                                })
                                .show_ui(ui, |ui| {
                                    for w in words {
                                        ui.selectable_value(&mut text, (*w).to_string(), *w);
                                    }
                                });
                            combo.response.labelled_by(label.id);
                            text != before
                        }
                        kind => {
                            let edit = egui::TextEdit::singleline(&mut text)
                                .id(egui::Id::unique(("setting", spec.key)))
                                .password(kind == SettingType::Secret)
                                .hint_text("not set")
                                .desired_width(260.0);
                            let r = ui.add(edit).labelled_by(label.id);
                            if r.lost_focus() {
                                self.end_group = true;
                            }
                            r.changed()
                        }
                    };
                    if changed {
                        let value = match spec.kind {
                            SettingType::Port { .. } => number_or_text(&text),
                            _ => Value::String(text.clone()),
                        };
                        self.set_field("", spec.key, node.is_some(), value, Some(0));
                    }
                    ui.vertical(|ui| {
                        ui.label(RichText::new(spec.meaning).weak());
                        for &d in derived.diags_at(&pointer) {
                            self.diagnostic_line(ui, doc, &doc.diagnostics()[d]);
                        }
                    });
                    ui.end_row();
                }
                for s in doc
                    .config()
                    .settings
                    .iter()
                    .filter(|s| spec::setting(&s.key).is_none())
                {
                    ui.label(&s.key);
                    ui.label(
                        RichText::new(&doc.text()[s.value.span.start..s.value.span.end])
                            .monospace(),
                    );
                    ui.label(RichText::new("Unknown setting: kept exactly as it is.").weak());
                    ui.end_row();
                }
            });
    }

    /// One diagnostic: severity and code, line:column, the message, and
    /// its fix as a button where there is one.
    fn diagnostic_line(&mut self, ui: &mut egui::Ui, doc: &Document, d: &Diagnostic) {
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
                self.pending.push((Edit::Text(fix.edit.clone()), None));
            }
        });
    }

    /// The item of the list at `list_ptr` being scrolled to, if any: it is
    /// drawn even when out of view, so it can be brought into view.
    fn scroll_target(&self, list_ptr: &str) -> Option<usize> {
        self.scroll_to
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
            self.section = Section::Rules(kind);
            if let Some(i) = parts.next() {
                self.scroll_to = Some(format!("/{first}/{i}"));
            }
        } else if first == spec::GROUPS_KEY {
            self.section = Section::Groups;
            if let Some(i) = parts.next() {
                self.scroll_to = Some(format!("/{first}/{i}"));
            }
        } else {
            self.section = Section::Settings;
        }
    }
}

/// A question in a modal window: a heading, what it is about, an optional
/// quieter hint, and buttons. Returns the index of the button clicked.
fn ask(
    ui: &egui::Ui,
    id: &str,
    heading: &str,
    text: &str,
    hint: Option<&str>,
    buttons: &[&str],
) -> Option<usize> {
    let mut choice = None;
    egui::Modal::new(egui::Id::unique(id)).show(ui.ctx(), |ui| {
        ui.heading(heading);
        ui.label(text);
        if let Some(h) = hint {
            ui.label(RichText::new(h).weak());
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            for (i, b) in buttons.iter().enumerate() {
                if ui.button(*b).clicked() {
                    choice = Some(i);
                }
            }
        });
    });
    choice
}

/// A pointer to a rule or group, as a person would name it ("Deny
/// checkouts rule 2", "group CAD").
fn place_name(cfg: &crate::model::Config, pointer: &str) -> String {
    let mut parts = pointer.trim_start_matches('/').split('/');
    let list = parts.next().unwrap_or_default();
    let index = parts.next().and_then(|i| i.parse::<usize>().ok());
    match (RuleKind::from_key(list), index) {
        (Some(kind), Some(i)) => format!("{} rule {}", kind.title(), i + 1),
        (None, Some(i)) if list == spec::GROUPS_KEY => {
            format!(
                "group {}",
                cfg.groups
                    .iter()
                    .find(|g| g.index == i)
                    .and_then(|g| g.name.as_deref())
                    .unwrap_or("?")
            )
        }
        (None, None) if !list.is_empty() => format!("setting {list}"),
        _ => pointer.to_string(),
    }
}

/// The pointer of the group at position `g` of `Config::groups`.
fn index_pointer(doc: &Document, g: usize) -> Option<String> {
    doc.config().groups.get(g).map(|g| g.pointer.clone())
}

/// One changed line of the review: what happened, its line number (new
/// file, or old for deletions) and its text.
type ReviewLine = (similar::ChangeTag, usize, String);
type Hunks = Vec<Vec<ReviewLine>>;

/// The line changes from `old` to `new`, in hunks with two lines of
/// context. A diff that takes over a second is cut short (still correct,
/// only less minimal).
fn hunks(old: &str, new: &str) -> Hunks {
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_lines(old, new);
    diff.grouped_ops(2)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|c| {
                    let line = c.new_index().or(c.old_index()).map_or(0, |i| i + 1);
                    (
                        c.tag(),
                        line,
                        c.value().trim_end_matches(['\r', '\n']).to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

/// The status line for the outcome of a save.
fn saved(doc: &Document, result: Result<(), crate::document::SaveError>) -> Status {
    match result {
        Ok(()) => Status {
            text: format!(
                "Saved {}",
                doc.path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ),
            error: false,
        },
        Err(e) => Status {
            text: e.to_string(),
            error: true,
        },
    }
}

fn menu_item(ui: &mut egui::Ui, cmd: Command, clicked: &mut Option<Command>) {
    let shortcut = cmd
        .shortcuts()
        .first()
        .map(|s| ui.ctx().format_shortcut(s))
        .unwrap_or_default();
    if ui
        .add(egui::Button::new(cmd.label()).shortcut_text(shortcut))
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
        eframe::set_value(storage, SIM_KEY, &self.sim.saved());
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && !self.wants_close
            && self.doc.as_ref().is_some_and(Document::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.prompt = Some(AfterPrompt::Close);
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

/// Opens the window.
/// Opens the window on `file`; with `pool`, the simulator opens with that
/// license pool loaded.
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
            if let Some(saved) = cc
                .storage
                .and_then(|s| eframe::get_value::<sim::SimSaved>(s, SIM_KEY))
            {
                app.sim.restore(saved);
            }
            if let Some(p) = pool.as_deref() {
                app.sim.load_pool(p);
                app.sim.open = true;
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

fn status_bar(ui: &mut egui::Ui, derived: &Derived, status: Option<&Status>) {
    ui.horizontal(|ui| {
        let count = |n: usize, one: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        let [errors, warnings, notes] = derived.by_severity;
        ui.label(format!(
            "{} · {} · {}",
            count(errors, "error"),
            count(warnings, "warning"),
            count(notes, "note")
        ));
        if let Some(s) = status {
            ui.separator();
            let color = if s.error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().text_color()
            };
            ui.colored_label(color, &s.text);
        }
    });
}

fn navigation(
    ui: &mut egui::Ui,
    doc: &Document,
    derived: &Derived,
    section: &mut Section,
    filter: &str,
) {
    ui.add_space(6.0);
    ui.selectable_value(section, Section::Settings, "Server settings");
    ui.add_space(4.0);
    ui.label(RichText::new("RULES").small().weak());
    let filtering = !filter.trim().is_empty();
    for kind in RuleKind::ALL {
        let (len, shown) = derived.list(kind);
        let n = if filtering {
            format!("{} of {len}", shown.len())
        } else {
            len.to_string()
        };
        let problems = derived.problems_in(kind);
        let label = if problems > 0 {
            format!("{} ({n}) · {problems} to fix", kind.title())
        } else {
            format!("{} ({n})", kind.title())
        };
        ui.selectable_value(section, Section::Rules(kind), label)
            .on_hover_text(kind.description());
    }
    ui.add_space(4.0);
    let groups = doc.config().groups.len();
    let g = if filtering {
        format!("{} of {groups}", derived.groups.len())
    } else {
        groups.to_string()
    };
    ui.selectable_value(section, Section::Groups, format!("Groups ({g})"));
    let count = doc.diagnostics().len();
    ui.selectable_value(section, Section::Problems, format!("Problems ({count})"));
    ui.add_space(4.0);
    let raw = if doc.is_json() {
        "JSON text"
    } else {
        "JSON text · not standard JSON"
    };
    ui.selectable_value(section, Section::Raw, raw);
    let review = if doc.is_dirty() {
        "Review changes (unsaved)"
    } else {
        "Review changes"
    };
    ui.selectable_value(section, Section::Review, review);
}
