//! What one edit changed, so that the validation and the engine can follow
//! it in part instead of starting again. Below both, which both read it.

use crate::spec::Field;

/// What an edit changed, for `validate::Semantic::update` and `engine::Engine::update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched {
    /// A string field of the rule at this position of
    /// `Config::all_rules`.
    Rule { position: usize, field: Field },
    /// The MEMBERS of the group at this position of `Config::groups`.
    GroupMembers { position: usize },
}
