//! The license pool as the engine reads it: see [`crate::pool`], where the
//! types live (below the engine and the validation, which both use them).

pub use crate::pool::*;
