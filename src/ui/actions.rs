//! What a panel asks of the rest of the window, and the one place that
//! does it (after rerun's `command_handling.rs`): a panel changes its own
//! state itself, and anything beyond it (another section, the simulator,
//! the status bar) is an [`WindowAction`] given to [`PrivyApp::act`].

use std::path::PathBuf;

use super::dialogs::DialogPurpose;
use super::prompts::Answer;
use super::saved;
use super::{AfterPrompt, Command, PrivyApp, Section, Status};
use crate::document::Edit;
use crate::document::{Document, HardLinks, SaveError, SaveOptions};
use crate::sim::form::RequestForm;
use crate::spec::{self, RuleKind};
use crate::ui::sim::{SimDialog, SimTab};

/// Something a panel asks of the window beyond its own state.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowAction {
    /// Show the place a pointer names: its rule card, the groups or the
    /// settings.
    GoTo(String),
    /// Show a section of the main area.
    Show(Section),
    /// Ask this request in the simulator's Request tab (opening it).
    Ask(RequestForm),
    /// Everything this user can use: the simulator's Access tab.
    AccessOf(String),
    /// A message in the status bar.
    Say(Status),
    /// An edit of the file, as its own undo step (a Fix).
    Edit(Edit),
    /// An edit typed into a field: the edits of one `group` in a row are
    /// one undo step.
    Typed(Edit, String),
    /// A field lost the keyboard: the typing in it is one undo step.
    EndTyping,
    /// Tidy up with only the edits of one kind ticked ("Fix all …").
    TidyOnly(&'static str),
    /// Review changes against this file (`None`: the file on disk).
    CompareWith(Option<PathBuf>),
    /// Pick the file Review changes compares with.
    PickCompared,
    /// A command, as from the menu.
    Run(Command),
    /// Open one of the simulator's file dialogs.
    Dialog(SimDialog),
    /// Show a tab of the simulator (opening it).
    SimTab(SimTab),
    /// Undo or redo to this state of the undo history (0: before every
    /// edit in it).
    HistoryTo(usize),
    /// Replace the text with the file on disk (Revert, Reload), as one
    /// undoable edit.
    Revert,
}

impl PrivyApp {
    /// Does what a panel asked.
    pub fn act(&mut self, action: WindowAction) {
        match action {
            WindowAction::GoTo(pointer) => self.go_to(&pointer),
            WindowAction::Show(section) => self.editor.section = section,
            WindowAction::Ask(form) => {
                self.sim.form = form;
                self.sim_panel.tab = SimTab::Request;
                self.sim_panel.open = true;
            }
            WindowAction::AccessOf(user) => {
                self.sim.access_user = user;
                self.sim_panel.tab = SimTab::Access;
                self.sim_panel.open = true;
            }
            WindowAction::Say(status) => self.status = Some(status),
            WindowAction::Edit(edit) => self.editor.pending.push((edit, None)),
            WindowAction::Typed(edit, group) => self.editor.pending.push((edit, Some(group))),
            WindowAction::EndTyping => self.editor.end_group = true,
            WindowAction::CompareWith(path) => self.compare_with(path),
            WindowAction::PickCompared => self.start_compare_dialog(),
            WindowAction::Run(command) => self.run(command),
            WindowAction::Dialog(dialog) => self.start_sim_dialog(dialog),
            WindowAction::HistoryTo(state) => {
                if let Some(doc) = self.doc.as_mut()
                    && doc.go_to_state(state)
                    && self.status.as_ref().is_some_and(|s| !s.error)
                {
                    // "Applied … Ctrl+Z undoes it" may no longer be true.
                    self.status = None;
                }
            }
            WindowAction::Revert => self.revert(),
            WindowAction::SimTab(tab) => {
                self.sim_panel.tab = tab;
                self.sim_panel.open = true;
            }
            WindowAction::TidyOnly(kind) => {
                self.tidying.tidy_only = Some(kind);
                self.editor.section = Section::Tidy;
            }
        }
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
        if matches!(cmd, Command::Revert | Command::Reload) {
            // What it drops is shown first, under the question.
            self.compare_with(None);
            self.reviewing.offer_revert = true;
            return;
        }
        if cmd == Command::GoToRule {
            self.editor.go_to = Some((String::new(), None));
            return;
        }
        if cmd == Command::UndoHistory {
            self.editor.history_open = !self.editor.history_open;
            return;
        }
        if matches!(cmd, Command::NextProblem | Command::PreviousProblem) {
            return self.step_problem(cmd == Command::NextProblem);
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
            | Command::GoToRule
            | Command::Revert
            | Command::Reload
            | Command::UndoHistory
            | Command::NextProblem
            | Command::PreviousProblem
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
    pub(super) fn switch_sim(&mut self, to: Option<&std::path::Path>) {
        let from = self
            .doc
            .as_ref()
            .and_then(Document::path)
            .map(PathBuf::from);
        self.sims.switch(&mut self.sim, from.as_deref(), to);
    }

    pub(super) fn perform(&mut self, action: AfterPrompt) {
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
            AfterPrompt::Open(path) => {
                if let Some(size) = crate::analysis::background::opens_beside(&path) {
                    // Read and checked beside the window, which says so.
                    let p = path.clone();
                    let worker =
                        crate::analysis::background::Worker::start(move || Document::open(&p));
                    self.opening = Some((path, size, worker));
                } else {
                    let result = Document::open(&path);
                    self.opened(path, result);
                }
            }
        }
    }

    /// Review changes compares with this version (`None`: the file on
    /// disk).
    pub fn compare_with(&mut self, path: Option<PathBuf>) {
        self.reviewing.compare_with = path;
        self.reviewing.access = None;
        self.editor.section = Section::Review;
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

    pub(super) fn apply_pending(&mut self) {
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

    /// The item of the list at `list_ptr` being scrolled to, if any: it is
    /// drawn even when out of view, so it can be brought into view.
    /// Shows the place a pointer names: its rule card, the groups or the
    /// settings.
    pub fn go_to(&mut self, pointer: &str) {
        let mut parts = pointer.trim_start_matches('/').split('/');
        let first = parts.next().unwrap_or_default();
        let index = |part: Option<&str>| part.and_then(|i| i.parse::<usize>().ok());
        let hidden = if let Some(kind) = RuleKind::from_key(first) {
            self.editor.section = Section::Rules(kind);
            let i = index(parts.next());
            if let Some(i) = i {
                self.editor.scroll_to = Some(format!("/{first}/{i}"));
            }
            i.is_some_and(|i| !self.editor.derived.list(kind).1.contains(&i))
        } else if first == spec::GROUPS_KEY {
            self.editor.section = Section::Groups;
            let i = index(parts.next());
            if let Some(i) = i {
                self.editor.scroll_to = Some(format!("/{first}/{i}"));
            }
            i.is_some_and(|i| !self.editor.derived.groups.contains(&i))
        } else {
            self.editor.section = Section::Settings;
            false
        };
        // The place must show: a filter that hides it goes, and says so.
        if hidden && !self.editor.filter.trim().is_empty() {
            self.editor.filter.clear();
            self.status = Some(Status {
                text: "The filter is cleared to show it.".into(),
                error: false,
            });
        }
    }

    /// Does what the answer to one of the window's questions says.
    pub(super) fn answer(&mut self, answer: Answer) {
        self.prompts.close_shown();
        match answer {
            // Saving a file with errors is asked about first; the action
            // follows that save.
            Answer::SaveFirst(action) if self.doc.as_ref().is_some_and(|d| d.error_count() > 0) => {
                self.prompts.save_with_errors = Some(Some(action));
            }
            Answer::SaveFirst(action) => {
                self.run(Command::Save);
                // Only go on when the save worked; otherwise the error shows
                // in the status bar and the edits stay.
                if self.doc.as_ref().is_some_and(|d| !d.is_dirty()) {
                    self.perform(action);
                }
            }
            Answer::Discard(action) => self.perform(action),
            Answer::SaveAnyway(after) => {
                self.save_now(false, HardLinks::Ask);
                if let Some(action) = after
                    && self.doc.as_ref().is_some_and(|d| !d.is_dirty())
                {
                    self.perform(action);
                }
            }
            Answer::ShowProblems => self.editor.section = Section::Problems,
            Answer::Overwrite => self.save_now(true, HardLinks::Ask),
            Answer::Reload => self.revert(),
            Answer::SaveLinked { overwrite, how } => self.save_now(overwrite, how),
            Answer::Cancel(note) => {
                if let Some(text) = note {
                    self.status = Some(Status {
                        text: text.into(),
                        error: false,
                    });
                }
            }
        }
    }

    /// Saves the document (with its `.bak`), routing what needs the user's
    /// word to a question: a file changed on disk, a file with hard links.
    pub(super) fn save_now(&mut self, overwrite_changed: bool, hard_links: HardLinks) {
        let Some(doc) = self.doc.as_mut() else { return };
        let result = doc.save_with(SaveOptions {
            overwrite_changed,
            backup: true,
            hard_links,
        });
        match result {
            Err(SaveError::ChangedOnDisk { .. }) => self.prompts.conflict = true,
            Err(SaveError::HardLinked { links, .. }) => {
                self.prompts.hard_linked = Some((links, overwrite_changed));
            }
            result => {
                let ok = result.is_ok();
                self.status = Some(saved(doc, result));
                self.saved_at = ok.then(|| doc.generation());
            }
        }
    }

    /// The next (or previous) problem after the last one stepped to, in
    /// the order of the text: the file's own and the findings over every
    /// principal together, going round at the end. Its place is shown and
    /// the problem said in the status bar, so that F8 alone walks them.
    fn step_problem(&mut self, forward: bool) {
        let Some(doc) = self.doc.as_ref() else { return };
        let mut all: Vec<&crate::diag::Diagnostic> = doc
            .diagnostics()
            .iter()
            .chain(self.findings.diagnostics())
            .collect();
        let key = |d: &crate::diag::Diagnostic| {
            (
                d.span.start,
                d.span.end,
                d.code.to_string(),
                d.message.clone(),
            )
        };
        all.sort_by_cached_key(|d| key(d));
        all.dedup_by(|a, b| key(a) == key(b));
        if all.is_empty() {
            self.status = Some(Status {
                text: "No problems in this file".into(),
                error: false,
            });
            return;
        }
        // By where the last one was, not by its number: the list changes
        // as the file is edited.
        let last = self.editor.problem_at.clone();
        let at = match (&last, forward) {
            (None, true) => 0,
            (None, false) => all.len() - 1,
            (Some(k), true) => all.iter().position(|d| key(d) > *k).unwrap_or(0),
            (Some(k), false) => all
                .iter()
                .rposition(|d| key(d) < *k)
                .unwrap_or(all.len() - 1),
        };
        let d = all[at];
        let (line, col) = doc.line_col(d.span.start);
        let secrets = doc.secrets();
        let text = format!(
            "Problem {} of {} ({line}:{col}): {}",
            at + 1,
            all.len(),
            secrets.mask_str(&d.message)
        );
        let error = d.severity == crate::diag::Severity::Error;
        let pointer = d.pointer.clone();
        let json = doc.is_json();
        self.editor.problem_at = Some(key(d));
        if json && !pointer.is_empty() {
            self.go_to(&pointer);
        } else if !json {
            self.editor.section = Section::Raw;
        }
        self.status = Some(Status { text, error });
    }

    /// Replaces the text with the file on disk, as one undoable edit.
    fn revert(&mut self) {
        self.reviewing.offer_revert = false;
        let Some(doc) = self.doc.as_mut() else { return };
        let name = doc
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        self.status = Some(match doc.reload_from_disk() {
            Ok(()) => Status {
                text: format!("Back to {name} as it is on disk; Undo brings your text back"),
                error: false,
            },
            Err(e) => Status {
                text: e.to_string(),
                error: true,
            },
        });
    }

    /// A file opened (in the frame or beside it) becomes the document; one
    /// that could not be leaves the open document as it was.
    pub(super) fn opened(
        &mut self,
        path: PathBuf,
        result: Result<Document, crate::document::LoadError>,
    ) {
        match result {
            Ok(d) => {
                self.drop_recovery();
                // Over no document (the window opened on a large file), the
                // simulator was restored for this file already.
                if self.doc.is_some() {
                    self.switch_sim(Some(&path));
                }
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
                self.findings = super::findings::Beside::default();
                self.status = Some(Status {
                    text: format!("Opened {}", path.display()),
                    error: false,
                });
            }
            // The open document stays as it was; with none, the reason is
            // the window's.
            Err(e) if self.doc.is_none() => self.load_error = Some(e.to_string()),
            Err(e) => {
                self.status = Some(Status {
                    text: e.to_string(),
                    error: true,
                })
            }
        }
    }
}
