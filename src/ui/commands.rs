//! One list of commands drives the menus, the keyboard shortcuts and the
//! tooltips, so they can never disagree.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Save,
    Undo,
    Redo,
    ShowProblems,
}

impl Command {
    pub const ALL: [Command; 4] = [
        Command::Save,
        Command::Undo,
        Command::Redo,
        Command::ShowProblems,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Command::Save => "Save",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::ShowProblems => "Problems",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Command::Save => "Write the file (atomically, keeping a .bak of the previous version)",
            Command::Undo => "Undo the last edit (typing in one field is one step)",
            Command::Redo => "Redo the edit just undone",
            Command::ShowProblems => "List every problem in the file",
        }
    }

    /// The shortcuts, the first of which is shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const SAVE: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::S)];
        const UNDO: &[KeyboardShortcut] = &[KeyboardShortcut::new(Modifiers::COMMAND, Key::Z)];
        const REDO: &[KeyboardShortcut] = &[
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
            KeyboardShortcut::new(Modifiers::COMMAND, Key::Y),
        ];
        const PROBLEMS: &[KeyboardShortcut] = &[KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::M,
        )];
        match self {
            Command::Save => SAVE,
            Command::Undo => UNDO,
            Command::Redo => REDO,
            Command::ShowProblems => PROBLEMS,
        }
    }
}
