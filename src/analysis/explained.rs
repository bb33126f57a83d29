//! Everything `privy explain` and the simulator say beyond the decision
//! itself: whether it is determined, a warning for a feature nothing
//! names, and for a denial the verified suggestions.

use super::atoms::Atoms;
use super::determined::{Determination, determine_with};
use super::features::{UnknownFeature, unknown_feature};
use super::space::Budget;
use super::suggest::{PoolFile, Suggestion, suggest_with};
use crate::document::Version;
use crate::engine::{Decision, Engine, PoolView, Request};

/// What the caller says about inputs it left unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExplainedOptions {
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
    /// Verified suggestions and alternatives left out because a password
    /// value shows in them (see [`Suggestion::shows_secret`]).
    pub withheld: usize,
    /// The file's `IP_VERSION` names a family the request's IP is not of
    /// (analysis.md 6.3): the server would never see that address.
    pub other_family: Option<super::atoms::Family>,
}

/// Works out the rest of the answer for `req`, decided as `d` in the
/// version `doc` of the file (with `engine` compiled from it) and `pool`.
pub fn explained(
    doc: &Version,
    engine: &Engine,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
    options: ExplainedOptions,
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
    let mut suggestions = if options.suggestions {
        suggest_with(doc, engine, pool, req, d, &atoms, budget)
    } else {
        Vec::new()
    };
    let secrets = doc.secrets();
    let before = suggestions.len() + determination.would_change.len();
    suggestions.retain(|s| !s.shows_secret(secrets));
    // An alternative's example is pasted back ("Try"): one that is a
    // password value would be pasted masked, as someone else.
    let mut determination = determination;
    determination.would_change.retain(|a| {
        let p = a.apply(&Request::default()).principal.clone();
        !p.names().any(|t| secrets.shows_in(t))
    });
    let other_family = super::atoms::Family::of(doc.config())
        .filter(|f| req.principal.ip.is_some_and(|ip| !f.admits(ip)));
    let withheld = before - suggestions.len() - determination.would_change.len();
    Explained {
        determination,
        unknown_feature,
        withheld,
        suggestions,
        other_family,
    }
}
