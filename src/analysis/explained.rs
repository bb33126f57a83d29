//! Everything `privy explain` and the simulator say beyond the decision
//! itself: whether it is determined, a warning for a feature nothing
//! names, and for a denial the verified suggestions.

use super::atoms::Atoms;
use super::determined::{Determination, determine_with};
use super::features::{UnknownFeature, unknown_feature};
use super::space::Budget;
use super::suggest::{PoolFile, Suggestion, suggest_with};
use crate::document::Document;
use crate::engine::{Decision, Engine, PoolView, Request};

/// What the caller says about inputs it left unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The principal has no local groups (`--no-local-groups`).
    pub no_local_groups: bool,
    /// Work out suggestions for a denial (they need a diff per edit).
    pub suggestions: bool,
}

/// The rest of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explained {
    pub determination: Determination,
    pub unknown_feature: Option<UnknownFeature>,
    pub suggestions: Vec<Suggestion>,
}

/// Works out the rest of the answer for `req`, decided as `d` in `doc`
/// (with `engine` compiled from it) and `pool`.
pub fn explained(
    doc: &Document,
    engine: &Engine,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
    options: Options,
    budget: &Budget,
) -> Explained {
    let view = pool.map(|p| PoolView::new(engine, p.index));
    // The feature's entries, read once for both.
    let atoms = Atoms::of(&[doc.config()], pool.map(|p| p.index), &req.feature);
    let determination = determine_with(
        engine,
        view.as_ref(),
        req,
        &atoms,
        options.no_local_groups,
        budget,
    );
    let unknown_feature = unknown_feature(doc.config(), pool.map(|p| p.index), &req.feature);
    let suggestions = if options.suggestions {
        suggest_with(doc, engine, pool, req, d, &atoms, budget)
    } else {
        Vec::new()
    };
    Explained {
        determination,
        unknown_feature,
        suggestions,
    }
}
