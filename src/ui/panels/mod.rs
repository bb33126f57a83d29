//! One file per panel of the editor: each draws its part of the window
//! and queues edits or commands; none holds state of its own.

pub(crate) mod access;
pub(crate) mod groups;
pub(crate) mod nav;
pub(crate) mod problems;
pub(crate) mod raw;
pub(crate) mod review;
pub(crate) mod rules;
pub(crate) mod settings;
pub(crate) mod tidy;
