//! One file per panel of the editor: each draws its part of the window
//! from what it is given, changes only its own state, and returns what it
//! asks of the rest of the window as [`crate::ui::WindowAction`]s.

pub(crate) mod access;
pub(crate) mod cards;
pub(crate) mod go_to;
pub(crate) mod groups;
pub(crate) mod history;
pub(crate) mod nav;
pub(crate) mod problems;
pub(crate) mod raw;
pub(crate) mod review;
pub(crate) mod rules;
pub(crate) mod settings;
pub(crate) mod tidy;
