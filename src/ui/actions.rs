//! What a panel asks of the rest of the window, and the one place that
//! does it (after rerun's `command_handling.rs`): a panel changes its own
//! state itself, and anything beyond it (another section, the simulator,
//! the status bar) is an [`WindowAction`] given to [`PrivyApp::act`].

use std::path::PathBuf;

use super::{Command, PrivyApp, Section, Status};
use crate::document::Edit;
use crate::sim::form::RequestForm;
use crate::ui::sim::SimTab;

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
}

impl PrivyApp {
    /// Does what a panel asked.
    pub(crate) fn act(&mut self, action: WindowAction) {
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
            WindowAction::TidyOnly(kind) => {
                self.tidying.tidy_only = Some(kind);
                self.editor.section = Section::Tidy;
            }
        }
    }
}
