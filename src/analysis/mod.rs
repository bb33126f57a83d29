//! Reasoning over every principal (`docs/semantics.md`, "Reasoning over
//! every principal"): the principal space of one or more rule files and
//! the answers built on it.
//!
//! - `access.rs`: who can use what, the access report;
//! - `atoms.rs`: the entries a feature's rules reach, in every version;
//! - `names.rs`: every set of name patterns one name can match at once;
//! - `space/`: the principal classes of a feature, each with a witness and a description;
//! - `suggest/`: verified changes that turn a denial into a grant;
//! - `determined.rs`: whether a request's unset inputs could change it;
//! - `diff.rs`: the access diff between two versions;
//! - `effect/`: rules that do nothing, or more than meant;
//! - `explained.rs`: the rest of one request's answer, put together;
//! - `features.rs`: a requested feature nothing names, and did-you-mean;
//! - `tidy/`: a clean-up proven not to change access;
//! - `coverage.rs`: what a test suite reaches, rule by rule and entry by entry;
//! - `background.rs`: the diff on a worker thread, for the window.
//!
//! Everything here decides through the engine itself, so what it reports
//! reproduces through `privy explain`; where a budget stopped the work,
//! `exhaustive` says so.

pub mod access;
pub mod atoms;
pub mod background;
pub mod coverage;
pub mod determined;
pub mod diff;
pub mod effect;
pub mod explained;
pub mod features;
pub mod names;
pub mod space;
pub mod suggest;
pub mod tidy;

pub use diff::{Change, ChangeKind, Diff, Versions, diff};

/// How long `privy diff` and the window's diff work before they answer
/// with what they have (`exhaustive: false`).
pub const TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(8);
pub use space::{Budget, Class, Space, Vary, space, space_around};
