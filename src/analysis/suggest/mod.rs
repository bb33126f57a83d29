//! How to turn a no into a yes (`docs/semantics.md`, "Suggestions"): the
//! smallest single changes that grant a denied request, each verified by
//! deciding the request again with the change made.
//!
//! Two kinds: another value of one field of the request, and one edit of
//! the rule file or the pool, as the text edit the editor applies (the
//! splice of a structured [`Edit`], as the editor's fixes are). Each file
//! edit carries its impact, the access diff between the file before and
//! after it. Request changes come first, then edits by least collateral.
//!
//! - `mod.rs`: the suggestions' types, their verification and impact;
//! - `request.rs`: the other values of the request to try;
//! - `edits.rs`: the edits of the file and the pool to try.

mod edits;
mod other_values;

use edits::{file_edits, pool_edits};
use other_values::request_changes;

use super::atoms::Atoms;
use super::diff::{ChangeKind, Versions, diff, diff_pools};
use super::space::Budget;
use crate::document::{Edit, Version};
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{Action, Decision, Engine, PoolView, Request, Verdict};
use crate::json::parse::TextEdit;
use crate::model::Config;
use crate::request::Principal;
use crate::rule_id::RuleId;
use crate::spec::RuleKind;

/// What a suggestion changes, as data (`crate::words::proposal` words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    /// Ask from another host / IP / as another user, matching `entry`.
    Host {
        host: String,
        entry: String,
    },
    Ip {
        ip: String,
        entry: String,
    },
    User {
        user: String,
        entry: String,
    },
    /// Add a Windows local group.
    LocalGroup {
        group: String,
    },
    /// Ask another license.
    Serial {
        serial: String,
    },
    /// Borrow for at most this many hours.
    Hours {
        hours: u64,
    },
    /// Check out instead of borrowing.
    Checkout,
    /// Remove an entry from a rule's list.
    RemoveEntry {
        rule: RuleId,
        entry: String,
    },
    /// Remove a member from a group.
    RemoveMember {
        group: String,
        entry: String,
    },
    /// Remove a whole rule.
    RemoveRule {
        rule: RuleId,
    },
    /// Add the principal to a rule's USERS.
    AddToUsers {
        rule: RuleId,
        entry: String,
    },
    /// Add the principal to a group a rule lists.
    AddToGroup {
        group: String,
        rule: RuleId,
        entry: String,
    },
    /// Add the principal to a limit's EXCEPT_USERS.
    AddToExcept {
        rule: RuleId,
        entry: String,
    },
    /// Change a COUNT (raise a limit, lower a reservation).
    SetCount {
        rule: RuleId,
        from: i64,
        to: i64,
    },
    /// Raise a LIMIT_BORROWS rule's HOURS.
    SetHours {
        rule: RuleId,
        from: i64,
        to: i64,
    },
    /// Add seats of a feature to a license of the pool.
    AddSeat {
        serial: String,
        feature: String,
        from: u64,
        to: u64,
    },
}

impl Proposal {
    /// The names and values it writes or asks with.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Proposal::Host { host: a, entry: b }
            | Proposal::Ip { ip: a, entry: b }
            | Proposal::User { user: a, entry: b }
            | Proposal::RemoveMember { group: a, entry: b } => vec![a, b],
            Proposal::LocalGroup { group } => vec![group],
            Proposal::Serial { serial } => vec![serial],
            Proposal::RemoveEntry { entry, .. }
            | Proposal::AddToUsers { entry, .. }
            | Proposal::AddToExcept { entry, .. } => vec![entry],
            Proposal::AddToGroup { group, entry, .. } => vec![group, entry],
            Proposal::AddSeat {
                serial, feature, ..
            } => vec![serial, feature],
            Proposal::Hours { .. }
            | Proposal::Checkout
            | Proposal::RemoveRule { .. }
            | Proposal::SetCount { .. }
            | Proposal::SetHours { .. } => Vec::new(),
        }
    }
}

impl Suggestion {
    /// Whether a password value shows in what it asks or writes: shown
    /// masked it would be another request or edit (`anna;****;zed` makes
    /// a wildcard), so such a suggestion is withheld, never masked.
    pub fn shows_secret(&self, secrets: &crate::secrets::Secrets) -> bool {
        let request = self.request.iter().flat_map(|r| r.principal.names());
        let serial = self.request.iter().filter_map(|r| r.serial.as_deref());
        let edit = self.edit.iter().map(|e| e.replacement.as_str());
        self.proposal
            .texts()
            .into_iter()
            .chain(request)
            .chain(serial)
            .chain(edit)
            .any(|t| secrets.shows_in(t))
    }
}

/// Where a suggestion applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    Request,
    File,
    Pool,
}

impl SuggestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::Request => "request",
            SuggestionKind::File => "file",
            SuggestionKind::Pool => "pool",
        }
    }
}

/// What a file edit changes for everyone: the access diff it makes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Impact {
    pub gained: usize,
    pub revoked: usize,
    pub reason_changed: usize,
    /// Gained or revoked changes for principals of another user than the
    /// asker's (all of them when the asker has no user).
    pub others: usize,
    /// A few gained or revoked changes other than the request's own.
    pub examples: Vec<ImpactExample>,
    pub exhaustive: bool,
    /// The principal classes the diff decided (all of them when
    /// exhaustive; those before its budget stopped it otherwise).
    pub examined: u64,
}

/// One access an edit gains or revokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactExample {
    pub gained: bool,
    pub feature: String,
    pub action: Action,
    pub witness: Principal,
    /// Everyone the change stands for (analysis.md 6.2), not only the
    /// witness.
    pub what: super::space::What,
}

impl Impact {
    /// How much the edit changes beyond what was asked (for ranking). An
    /// impact the diff did not finish is not known to be small: it ranks
    /// after every finished one.
    pub fn collateral(&self) -> usize {
        let known = self.gained.saturating_sub(1) + self.revoked * 2 + self.reason_changed;
        if self.exhaustive {
            known
        } else {
            usize::MAX / 2 + known
        }
    }
}

/// One verified change that grants the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub proposal: Proposal,
    /// For a request change: the request it makes.
    pub request: Option<Request>,
    /// For a file or pool change: the splice in that file's text.
    pub edit: Option<TextEdit>,
    /// For a file change: what it does for everyone.
    pub impact: Option<Impact>,
}

/// The pool a decision was made with, and its text (for pool edits).
#[derive(Debug, Clone, Copy)]
pub struct PoolFile<'a> {
    pub text: &'a str,
    pub index: &'a PoolIndex,
}

/// At most this many request changes of each field.
const PER_FIELD: usize = 3;
/// At most this many values of one field tried.
const TRIES_PER_FIELD: usize = 400;
/// The time all impacts of one request's suggestions may take together;
/// past it an impact is what the diff found so far (`exhaustive: false`).
const IMPACT_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// The suggestions for a denied request (none for a granted one). `d` is
/// the traced decision of `req` in `doc` with `pool`.
pub fn suggest(
    doc: &Version,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
    budget: &Budget,
) -> Vec<Suggestion> {
    if d.decision == Verdict::Granted {
        return Vec::new();
    }
    let engine = Engine::for_features(doc.config(), &[req.feature.as_str()]);
    let atoms = Atoms::of(&[doc.config()], pool.map(|p| p.index), &req.feature);
    suggest_with(doc, &engine, pool, req, d, &atoms, budget)
}

/// [`suggest`] with the engine of `doc` (compiled for at least the
/// request's feature) and the feature's entries already at hand.
pub fn suggest_with(
    doc: &Version,
    engine: &Engine,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
    atoms: &Atoms,
    budget: &Budget,
) -> Vec<Suggestion> {
    if d.decision == Verdict::Granted {
        return Vec::new();
    }
    let cfg = doc.config();
    let view = pool.map(|p| PoolView::new(engine, p.index));
    // One scratch for every request tried (it follows the principal).
    let mut scratch = crate::engine::matcher::Scratch::default();
    // Request changes, verified in order: at most a few per field, and
    // no more than so many tried per field (a file naming thousands of
    // hosts need not have each tried).
    let mut out: Vec<Suggestion> = Vec::new();
    let mut per: std::collections::HashMap<std::mem::Discriminant<Proposal>, (usize, usize)> =
        Default::default();
    for (proposal, r) in request_changes(atoms, pool, req, d) {
        let (granted, tried) = per.entry(std::mem::discriminant(&proposal)).or_default();
        if *granted >= PER_FIELD || *tried >= TRIES_PER_FIELD {
            continue;
        }
        *tried += 1;
        if engine.verdict(&r, view.as_ref(), &mut scratch).0 == Verdict::Granted {
            *granted += 1;
            out.push(Suggestion {
                kind: SuggestionKind::Request,
                proposal,
                request: Some(r),
                edit: None,
                impact: None,
            });
        }
    }
    // The impacts share one budget: each is a diff of the file.
    let impact_budget = Budget {
        deadline: Some(
            budget
                .deadline
                .map_or(std::time::Instant::now() + IMPACT_TIME, |d| {
                    d.min(std::time::Instant::now() + IMPACT_TIME)
                }),
        ),
        ..*budget
    };
    let budget = &impact_budget;
    let mut edits: Vec<Suggestion> = Vec::new();
    // A COUNT is tried from the smallest change on: the first that grants
    // is the least that suffices, and the rest are not offered.
    let mut counted: std::collections::HashSet<RuleId> = Default::default();
    // The edit made in the next version of the text (its parse and model
    // followed in part as the editor does, no checks run), and the request
    // decided again: that version when it grants.
    let grants = |edit: &Edit| -> Option<(TextEdit, Version)> {
        let splice = doc.splice_for(edit).ok()?;
        let after = doc.spliced(&splice);
        let e2 = Engine::for_features(after.config(), &[req.feature.as_str()]);
        let v2 = pool.map(|p| PoolView::new(&e2, p.index));
        let mut s = crate::engine::matcher::Scratch::default();
        (e2.verdict(req, v2.as_ref(), &mut s).0 == Verdict::Granted).then_some((splice, after))
    };
    for (mut proposal, edit) in file_edits(doc, req, d) {
        if let Proposal::SetCount { rule, .. } = proposal
            && counted.contains(&rule)
        {
            continue;
        }
        let Some((mut splice, mut after)) = grants(&edit) else {
            continue;
        };
        // A raised limit is the least COUNT that suffices (analysis.md 3):
        // a higher COUNT only lets more in, so the least is found by
        // halving between the present COUNT and the one that granted.
        if let Proposal::SetCount { rule, from, to } = &mut proposal
            && *to > *from
            && matches!(rule.kind, RuleKind::LimitCheckouts | RuleKind::LimitBorrows)
            && let Some(r) = cfg.rule(*rule)
        {
            let (mut lo, mut hi) = (*from, *to);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                match grants(&edits::set_number(r, "COUNT", mid)) {
                    Some(found) => {
                        hi = mid;
                        (splice, after) = found;
                    }
                    None => lo = mid,
                }
            }
            *to = hi;
        }
        if let Proposal::SetCount { rule, .. } = proposal {
            counted.insert(rule);
        }
        let features = touched_features(cfg, &proposal);
        let impact = impact(
            cfg,
            after.config(),
            pool.map(|p| p.index),
            &features,
            req,
            budget,
        );
        edits.push(Suggestion {
            kind: SuggestionKind::File,
            proposal,
            request: None,
            edit: Some(splice),
            impact: Some(impact),
        });
    }
    if let Some(p) = pool {
        for (proposal, splice) in pool_edits(p, req, d) {
            let mut text = p.text.to_string();
            crate::json::edit::apply(&mut text, &splice);
            let Ok(index) = Pool::from_json(&text).and_then(Pool::index) else {
                continue;
            };
            let v2 = PoolView::new(engine, &index);
            let mut s = crate::engine::matcher::Scratch::default();
            if engine.verdict(req, Some(&v2), &mut s).0 != Verdict::Granted {
                continue;
            }
            // Its impact, as a file edit's: the same rules decided with the
            // pool before and after (analysis.md 3: every edit has one).
            let d = diff_pools(
                Versions {
                    old: cfg,
                    new: cfg,
                    pool: Some(p.index),
                },
                Some(&index),
                std::slice::from_ref(&req.feature),
                budget,
            );
            edits.push(Suggestion {
                kind: SuggestionKind::Pool,
                proposal,
                request: None,
                edit: Some(splice),
                impact: Some(summarise(&d, req)),
            });
        }
    }
    edits.sort_by_key(|s| s.impact.as_ref().map_or(0, Impact::collateral));
    out.extend(edits);
    out
}

/// The features an edit can change decisions of: those of the rule it
/// edits (every feature, `[]`, for a rule on every feature or a group).
fn touched_features(cfg: &Config, p: &Proposal) -> Vec<String> {
    let rule = match p {
        Proposal::RemoveEntry { rule, .. }
        | Proposal::RemoveRule { rule }
        | Proposal::AddToUsers { rule, .. }
        | Proposal::AddToExcept { rule, .. }
        | Proposal::SetCount { rule, .. }
        | Proposal::SetHours { rule, .. } => *rule,
        _ => return Vec::new(),
    };
    match cfg.rule(rule) {
        Some(r) if !r.any_feature() => r
            .features
            .as_deref()
            .map(|f| f.iter().map(|e| e.text.to_string()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The access diff an edit makes, summarised.
fn impact(
    old: &Config,
    new: &Config,
    pool: Option<&PoolIndex>,
    features: &[String],
    req: &Request,
    budget: &Budget,
) -> Impact {
    summarise(&diff(Versions { old, new, pool }, features, budget), req)
}

/// An access diff as an impact on others than the asker.
fn summarise(d: &super::diff::Diff, req: &Request) -> Impact {
    let own = &req.principal;
    let examples = d
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::ReasonChanged)
        .filter(|c| !(c.feature == req.feature && c.class.witness == *own))
        // Other people first: the asker's own other hosts say little.
        .filter(|c| c.class.witness.user != own.user || own.user.is_none())
        .map(|c| ImpactExample {
            gained: c.kind == ChangeKind::Gained,
            feature: c.feature.clone(),
            action: c.action,
            witness: c.class.witness.clone(),
            what: c.what.clone(),
        })
        .fold(Vec::<ImpactExample>::new(), |mut v, e| {
            if v.len() < 3
                && !v
                    .iter()
                    .any(|x| x.feature == e.feature && x.witness == e.witness)
            {
                v.push(e);
            }
            v
        });
    // A class is the asker's own only when every principal in it has the
    // asker's user name: one whose witness is the asker may stand for
    // other users too.
    let others = d
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::ReasonChanged)
        .filter(|c| !own.user.as_deref().is_some_and(|u| c.what.only_user(u)))
        .count();
    Impact {
        others,
        gained: d.count(ChangeKind::Gained),
        revoked: d.count(ChangeKind::Revoked),
        reason_changed: d.count(ChangeKind::ReasonChanged),
        examples,
        exhaustive: d.exhaustive,
        examined: d.classes,
    }
}
