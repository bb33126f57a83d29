//! The window's state in groups, each with one concern: the editor, the
//! questions and dialogs it waits on, Review changes, Tidy up. `PrivyApp`
//! holds one of each beside the document and the simulator.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use super::derived::Derived;
use super::dialogs::{DialogAnswer, DialogPurpose};
use super::panels::review::Hunks;
use super::{AccessKey, AfterPrompt, Section};
use crate::document::Edit;

/// What the editor shows and what it has queued while drawing.
pub(super) struct Editor {
    /// What the main area shows.
    pub(super) section: Section,
    /// Narrows rules and groups to those mentioning this text.
    pub(super) filter: String,
    /// The field (by pointer) that takes the keyboard when next drawn: a
    /// new group's name.
    pub(super) focus_next: Option<String>,
    /// The filter takes the keyboard when next drawn (Find).
    pub(super) focus_filter: bool,
    /// The card to bring into view.
    pub(super) scroll_to: Option<String>,
    /// Edits queued while drawing, with their undo group.
    pub(super) pending: Vec<(Edit, Option<String>)>,
    /// A field lost focus: the typing group ends.
    pub(super) end_group: bool,
    /// The FEATURES or SERIALNUMBERS field whose completions are offered.
    pub(super) completing: Option<String>,
    /// Counts, filter results and indexes, worked out once per change.
    pub(super) derived: Derived,
    /// Measured card heights per list, for drawing only what is in view.
    pub(super) heights: HashMap<String, super::virtual_list::Heights>,
    /// The JSON text view shows password values (off: masked, read-only).
    pub(super) show_passwords: bool,
    /// Where the last problem stepped to (F8) was: its place, code and
    /// message.
    pub(super) problem_at: Option<(usize, usize, String, String)>,
    /// The Undo history window is open.
    pub(super) history_open: bool,
    /// Where the main area was scrolled to, for the paging keys.
    pub(super) page: super::paging::Paging,
    /// Go to rule… is open: the text typed, and why it names no place.
    pub(super) go_to: Option<(String, Option<String>)>,
    /// What the Problems page shows of them.
    pub(super) problems: super::panels::problems::ProblemsView,
}

impl Editor {
    pub(super) fn new(section: Section) -> Editor {
        Editor {
            section,
            filter: String::new(),
            focus_next: None,
            focus_filter: false,
            scroll_to: None,
            pending: Vec::new(),
            end_group: false,
            completing: None,
            derived: Derived::default(),
            heights: HashMap::new(),
            show_passwords: false,
            problem_at: None,
            history_open: false,
            page: Default::default(),
            go_to: None,
            problems: Default::default(),
        }
    }
}

/// The questions and file dialogs the window is waiting on.
#[derive(Default)]
pub struct Prompts {
    /// The unsaved-changes prompt is open, for this action.
    pub prompt: Option<AfterPrompt>,
    /// A native file dialog running on its own thread, and what it is for;
    /// its answer is the path picked and how long it took (an empty answer
    /// at once: no dialog could be shown).
    pub(super) dialog: Option<(DialogPurpose, Receiver<DialogAnswer>)>,
    /// A path asked for in the window, when no native dialog could be shown.
    pub(super) path_prompt: Option<super::path_prompt::PathPrompt>,
    /// Saving found the file changed on disk: ask whether to overwrite it
    /// or reload it.
    pub conflict: bool,
    /// Save was asked with errors in the file: asking first (the server may
    /// refuse it), with what to do after a save that was itself asked for
    /// by the unsaved-changes question.
    pub save_with_errors: Option<Option<AfterPrompt>>,
    /// A save stopped at a file with this many hard links, and whether it
    /// was overwriting a change on disk: ask how to save.
    pub hard_linked: Option<(u64, bool)>,
}

impl Prompts {
    /// Closes the question shown: the first open, in the order
    /// [`super::prompts::questions`] shows them.
    pub(super) fn close_shown(&mut self) {
        if self.prompt.take().is_some() || self.save_with_errors.take().is_some() {
            return;
        }
        if std::mem::take(&mut self.conflict) {
            return;
        }
        self.hard_linked = None;
    }
}

/// Review changes: the text's changes and the access they change.
#[derive(Default)]
pub(super) struct Reviewing {
    /// The review of changes, for (generation, dirty, changed on disk):
    /// `None` when the file is not on disk.
    pub(super) review: Option<((u64, bool, bool), Option<Hunks>)>,
    /// The access review: what it was worked out for (the text's
    /// generation, whether it was unsaved, whether the file changed on
    /// disk, the version compared with) and its job.
    pub(super) access: Option<(AccessKey, crate::analysis::background::Job)>,
    /// The version Review changes compares with: the file on disk (`None`)
    /// or another file the user picked (its backup, say).
    pub(super) compare_with: Option<PathBuf>,
    /// Revert (or Reload) was asked: Review changes shows what it drops,
    /// under the question.
    pub(super) offer_revert: bool,
}

/// Tidy up: what was found for a version of the text, and the choice.
#[derive(Default)]
pub(super) struct Tidying {
    pub(super) tidy: Option<super::panels::tidy::TidyState>,
    /// Tidy up was opened to fix all of one kind (Problems): only that kind
    /// is ticked when its edits arrive.
    pub(super) tidy_only: Option<&'static str>,
}
