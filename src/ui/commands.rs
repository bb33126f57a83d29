//! One list of commands drives the menus, the keyboard shortcuts and the
//! tooltips, so they can never disagree.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    New,
    Open,
    Save,
    SaveAs,
    Undo,
    Redo,
    Find,
    ShowProblems,
    Simulator,
    Quit,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    TidyUp,
    NextProblem,
    PreviousProblem,
    UndoHistory,
    Revert,
    Reload,
    GoToRule,
}

impl Command {
    pub const ALL: [Command; 20] = [
        Command::New,
        Command::Open,
        Command::Save,
        Command::SaveAs,
        Command::Undo,
        Command::Redo,
        Command::Find,
        Command::ShowProblems,
        Command::Simulator,
        Command::Quit,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::ZoomReset,
        Command::TidyUp,
        Command::NextProblem,
        Command::PreviousProblem,
        Command::UndoHistory,
        Command::Revert,
        Command::Reload,
        Command::GoToRule,
    ];

    /// Position in [`ALL`](Self::ALL). The match is exhaustive, so a new
    /// command cannot be added without a place; a test checks `ALL` agrees.
    pub fn index(self) -> usize {
        match self {
            Command::New => 0,
            Command::Open => 1,
            Command::Save => 2,
            Command::SaveAs => 3,
            Command::Undo => 4,
            Command::Redo => 5,
            Command::Find => 6,
            Command::ShowProblems => 7,
            Command::Simulator => 8,
            Command::Quit => 9,
            Command::ZoomIn => 10,
            Command::ZoomOut => 11,
            Command::ZoomReset => 12,
            Command::TidyUp => 13,
            Command::NextProblem => 14,
            Command::PreviousProblem => 15,
            Command::UndoHistory => 16,
            Command::Revert => 17,
            Command::Reload => 18,
            Command::GoToRule => 19,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Command::New => "New",
            Command::Open => "Open…",
            Command::Save => "Save",
            Command::SaveAs => "Save As…",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Find => "Filter…",
            Command::ShowProblems => "Problems",
            Command::Simulator => "Simulator",
            Command::Quit => "Quit",
            Command::ZoomIn => "Zoom in",
            Command::ZoomOut => "Zoom out",
            Command::ZoomReset => "Actual size",
            Command::TidyUp => "Tidy up…",
            Command::NextProblem => "Next problem",
            Command::PreviousProblem => "Previous problem",
            Command::UndoHistory => "Undo history…",
            Command::Revert => "Revert to the file on disk…",
            Command::Reload => "Reload from disk…",
            Command::GoToRule => "Go to rule…",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Command::New => {
                "Start a new file from the vendor's default (every rule list with its empty presets)"
            }
            Command::Open => "Open a ServerConfig.json (you can also drop a file on the window)",
            Command::Save => "Write the file (atomically, keeping a .bak of the previous version)",
            Command::SaveAs => "Write the file under a new name",
            Command::Undo => "Undo the last edit (typing in one field is one step)",
            Command::Redo => "Redo the edit just undone",
            Command::Find => {
                "Show only the rules and groups that mention a user, host, feature or text"
            }
            Command::ShowProblems => "List every problem in the file",
            Command::Simulator => {
                "Show or hide the what-if simulator: decide a request against these rules and see why"
            }
            Command::Quit => "Close the window (asks first if there are unsaved changes)",
            Command::ZoomIn => "Make everything larger (kept for the next time)",
            Command::ZoomOut => "Make everything smaller",
            Command::ZoomReset => "Back to 100%",
            Command::TidyUp => {
                "Remove duplicate and covered entries, rules with no effect and unused groups, proven not to change anyone's access"
            }
            Command::NextProblem => {
                "Go to the next problem in the file, in the order of the text, and say it in the status bar"
            }
            Command::PreviousProblem => "Go to the previous problem in the file",
            Command::UndoHistory => {
                "The edits made, as a list: go back (or forward) to the text after any of them"
            }
            Command::Revert => {
                "Drop the unsaved edits and go back to the file on disk, after seeing what that drops (Undo brings them back)"
            }
            Command::Reload => {
                "The file changed on disk: see how it differs, then load it (Undo brings your text back)"
            }
            Command::GoToRule => {
                "Show a rule by its number (\"12\", \"Deny checkouts 12\"), a list, or a group by its name"
            }
        }
    }

    /// The shortcuts, the first of which is shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NEW: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::N)];
        const OPEN: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::O)];
        const SAVE: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::S)];
        const SAVE_AS: &[KeyboardShortcut] = &[KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::S,
        )];
        const UNDO: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::Z)];
        const REDO: &[KeyboardShortcut] = &[
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
            KeyboardShortcut::new(Modifiers::COMMAND, Key::Y),
        ];
        const FIND: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::F)];
        const PROBLEMS: &[KeyboardShortcut] = &[KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::M,
        )];
        const SIMULATOR: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::NONE, Key::F5)];
        const QUIT: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::Q)];
        const ZOOM_IN: &[KeyboardShortcut] = &[
            KeyboardShortcut::new(Modifiers::COMMAND, Key::Plus),
            KeyboardShortcut::new(Modifiers::COMMAND, Key::Equals),
        ];
        const ZOOM_OUT: &[KeyboardShortcut] =
            &[KeyboardShortcut::new(Modifiers::COMMAND, Key::Minus)];
        const ZOOM_RESET: &[KeyboardShortcut] =
            &[KeyboardShortcut::new(Modifiers::COMMAND, Key::Num0)];
        const TIDY: &[KeyboardShortcut] = &[KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::T,
        )];
        const NEXT_PROBLEM: &[KeyboardShortcut] =
            &[KeyboardShortcut::new(Modifiers::NONE, Key::F8)];
        const PREVIOUS_PROBLEM: &[KeyboardShortcut] =
            &[KeyboardShortcut::new(Modifiers::SHIFT, Key::F8)];
        const HISTORY: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::H)];
        const REVERT: &[KeyboardShortcut] = &[KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::R,
        )];
        const RELOAD: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::R)];
        const GO_TO: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::G)];
        match self {
            Command::GoToRule => GO_TO,
            Command::Revert => REVERT,
            Command::Reload => RELOAD,
            Command::UndoHistory => HISTORY,
            Command::NextProblem => NEXT_PROBLEM,
            Command::PreviousProblem => PREVIOUS_PROBLEM,
            Command::TidyUp => TIDY,
            Command::New => NEW,
            Command::Open => OPEN,
            Command::Save => SAVE,
            Command::SaveAs => SAVE_AS,
            Command::Undo => UNDO,
            Command::Redo => REDO,
            Command::Find => FIND,
            Command::ShowProblems => PROBLEMS,
            Command::Simulator => SIMULATOR,
            Command::Quit => QUIT,
            Command::ZoomIn => ZOOM_IN,
            Command::ZoomOut => ZOOM_OUT,
            Command::ZoomReset => ZOOM_RESET,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_command_once_with_a_shortcut() {
        for (i, c) in Command::ALL.iter().enumerate() {
            assert_eq!(c.index(), i, "{c:?}");
            assert!(!c.shortcuts().is_empty(), "{c:?}");
            assert!(!c.label().is_empty() && !c.description().is_empty());
        }
        let mut shortcuts: Vec<_> = Command::ALL.iter().flat_map(|c| c.shortcuts()).collect();
        let n = shortcuts.len();
        shortcuts.sort_by_key(|s| format!("{s:?}"));
        shortcuts.dedup();
        assert_eq!(shortcuts.len(), n, "no shortcut is bound twice");
    }
}
