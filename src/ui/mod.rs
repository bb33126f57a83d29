//! The desktop window (feature `gui`). Everything here reads and edits the
//! core [`Document`]; nothing in the core knows about egui.
//!
//! Panels draw from what they are given and change only their own state;
//! what they ask beyond it is a [`WindowAction`], done in one place
//! ([`PrivyApp::act`], `actions.rs`). Drawing never changes the document:
//! edits are queued and applied after the frame, so every change goes
//! through the same path (splice, reparse, revalidate, undo step).

mod actions;
mod commands;
mod complete;
mod derived;
mod dialogs;
mod findings;
mod frame;
pub mod launch;
mod marks;
mod paging;
mod panels;
mod path_prompt;
mod preferences;
mod prompts;
mod recover;
pub mod sim;
mod state;
mod virtual_list;

use std::path::PathBuf;

use egui::Color32;
use serde_json::Value;

pub use actions::WindowAction;
pub use commands::Command;
pub use preferences::{Settings, Theme};

/// What an access review was worked out for.
type AccessKey = (u64, bool, bool, Option<PathBuf>);

use crate::diag::Severity;
use crate::document::Document;
use crate::json::{Node, NodeKind};
use crate::spec::RuleKind;

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
    status: Option<Status>,
    /// The text version a "Saved" status was said for: an edit since
    /// makes it untrue, and it goes.
    saved_at: Option<u64>,
    /// The window should close (set by the prompt; the frame closes it).
    wants_close: bool,
    settings: Settings,
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
    prompts: state::Prompts,
    /// Review changes: what the edits change in the text and for people.
    reviewing: state::Reviewing,
    /// Tidy up: what was found and proven, and the choice.
    tidying: state::Tidying,
    /// The what-if simulator beside the editor: its state in the core, and
    /// the panel's own (open, tab, text being typed, the last message).
    sim: sim::SimState,
    sim_panel: sim::SimPanel,
    /// The simulator's request, pool, scenario and cases of the other files
    /// opened, by path: each file keeps its own.
    sims: crate::sim::by_file::SimByFile,
    /// A large file being read and checked beside the window, and its size.
    opening: Option<(PathBuf, u64, Opening)>,
}

/// A file read and checked on a worker.
type Opening = crate::analysis::background::Worker<Result<Document, crate::document::LoadError>>;

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
            opening: None,
        }
    }

    /// The window on `path`: a large file is read and checked beside the
    /// window, which shows its progress meanwhile; a small one at once.
    pub fn opening(path: PathBuf) -> Self {
        if crate::analysis::background::opens_beside(&path).is_none() {
            return PrivyApp::open(Some(path));
        }
        let mut app = PrivyApp::open(None);
        app.doc = None;
        app.perform(AfterPrompt::Open(path));
        app
    }

    /// Whether a file is being opened beside the window.
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// Whether the open file's work is all done: opened, and the findings
    /// over every principal worked out (Problems settled).
    pub fn is_settled(&self) -> bool {
        self.opening.is_none() && self.doc.is_some() && !self.findings.pending()
    }

    pub fn document(&self) -> Option<&Document> {
        self.doc.as_ref()
    }

    /// The status bar's message.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// The window is to close (the unsaved-changes question was answered).
    pub fn wants_close(&self) -> bool {
        self.wants_close
    }

    /// What is kept between runs.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The questions and dialogs the window waits on.
    pub fn prompts(&self) -> &state::Prompts {
        &self.prompts
    }

    /// The simulator's state.
    pub fn sim(&self) -> &sim::SimState {
        &self.sim
    }

    /// The simulator panel's own state (open, tab).
    pub fn sim_panel(&self) -> &sim::SimPanel {
        &self.sim_panel
    }

    /// The simulator's state, to set up what a benchmark or a test needs
    /// beside the window (a compile worker started, a matrix view chosen).
    pub fn sim_mut(&mut self) -> &mut sim::SimState {
        &mut self.sim
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
        if let (None, Some((path, _, _))) = (doc, &self.opening) {
            return format!("Opening {} — Privy", path.display());
        }
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
}

fn place_name(cfg: &crate::model::Config, pointer: &str) -> String {
    crate::words::place_name(cfg, pointer)
}

/// The pointer of the group at position `g` of `Config::groups`.
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

fn severity_color(ui: &egui::Ui, s: Severity) -> Color32 {
    match s {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Info => ui.visuals().weak_text_color(),
    }
}
