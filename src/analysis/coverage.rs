//! What a test suite covers (analysis.md 6.5): the rules and entries the
//! cases reach, from each case's full trace.
//!
//! A rule is **covered** when it applies to some case and matches its
//! principal in a step the server reaches (up to and including the
//! deciding step): its USERS cover the principal, and for limits and
//! reservations the principal is not in its EXCEPT_USERS. An entry of a
//! covered rule's USERS or EXCEPT_USERS, or of the MEMBERS of a group such
//! an entry names (at any depth), is covered when the principal of a case
//! the rule is matched against in a reached step matches it.

use std::collections::{HashMap, HashSet};

use crate::engine::pool::PoolIndex;
use crate::engine::{Cover, Why};
use crate::engine::{Engine, Outcome, PoolView, Request};
use crate::model::{Config, EntryList, EntryRef};
use crate::pattern::{Pattern, fold};
use crate::request::FoldedPrincipal;
use crate::rule_id::RuleId;

/// A rule and the cases that reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCoverage {
    pub rule: RuleId,
    pub cases: Vec<String>,
}

/// An entry no case reached: its list's pointer and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub pointer: String,
    pub entry: String,
}

/// The coverage of a suite.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Every rule but empty presets, in file order, with the cases that
    /// reach it (none: not covered).
    pub rules: Vec<RuleCoverage>,
    /// The entries of those rules' lists and of every group's MEMBERS no
    /// case reached, in file order (rules, then groups).
    pub uncovered_entries: Vec<Entry>,
    /// Entries in all (of the lists above).
    pub entries: usize,
}

impl Coverage {
    pub fn uncovered_rules(&self) -> impl Iterator<Item = RuleId> + '_ {
        self.rules
            .iter()
            .filter(|r| r.cases.is_empty())
            .map(|r| r.rule)
    }
}

/// The coverage of the cases (each a name and its request) over the rules
/// of `cfg` (compiled as `engine`), decided with `pool`.
pub fn coverage(
    cfg: &Config,
    engine: &Engine,
    cases: &[(String, Request)],
    pool: Option<&PoolIndex>,
) -> Coverage {
    let view = pool.map(|p| PoolView::new(engine, p));
    // Per rule: the cases that cover it, and the principals it was
    // matched against in a reached step.
    let mut covered: HashMap<RuleId, Vec<String>> = HashMap::new();
    let mut matched_against: HashMap<RuleId, Vec<FoldedPrincipal>> = HashMap::new();
    for (name, req) in cases {
        let d = engine.decide(req, view.as_ref());
        let p = req.folded();
        for step in &d.trace {
            if matches!(step.outcome, Outcome::NotReached | Outcome::Skipped) {
                continue;
            }
            for check in &step.rules {
                if !check.applies {
                    continue;
                }
                let cover = match &check.why {
                    Why::Users(c)
                    | Why::Hours { cover: c, .. }
                    | Why::Limit { cover: c, .. }
                    | Why::ReservesMine { cover: c, .. } => Some(c),
                    _ => None,
                };
                let Some(cover) = cover else {
                    continue;
                };
                let seen = matched_against.entry(check.rule).or_default();
                if !seen.contains(&p) {
                    seen.push(p.clone());
                }
                if matches!(cover, Cover::Everyone { .. } | Cover::Matched(_)) {
                    let names = covered.entry(check.rule).or_default();
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
        }
    }
    let mut out = Coverage::default();
    // Entries reached: (list pointer, entry index).
    let mut reached: HashSet<(String, usize)> = HashSet::new();
    for r in cfg.all_rules() {
        if r.empty_preset {
            continue;
        }
        let id = RuleId::new(r.kind, r.index);
        let cases = covered.get(&id).cloned().unwrap_or_default();
        if !cases.is_empty() {
            for p in matched_against.get(&id).into_iter().flatten() {
                for list in r.principal_lists() {
                    mark(cfg, list, p, &mut reached, &mut Vec::new());
                }
            }
        }
        out.rules.push(RuleCoverage { rule: id, cases });
    }
    let mut lists: Vec<&EntryList> = cfg
        .all_rules()
        .filter(|r| !r.empty_preset)
        .flat_map(|r| r.principal_lists())
        .collect();
    lists.extend(cfg.groups.iter().filter_map(|g| g.members.as_ref()));
    for list in lists {
        for (i, e) in list.iter().enumerate() {
            if e.text.trim().is_empty() {
                continue;
            }
            out.entries += 1;
            if !reached.contains(&(list.pointer.clone(), i)) {
                out.uncovered_entries.push(Entry {
                    pointer: list.pointer.clone(),
                    entry: e.text.trim().to_string(),
                });
            }
        }
    }
    out
}

/// Marks the entries of `list` that `p` matches, and through the groups
/// they name, the MEMBERS entries it matches (each group once on a path:
/// a cycle matches nothing more, as the engine reads it). Returns whether
/// some entry matched.
fn mark(
    cfg: &Config,
    list: &EntryList,
    p: &FoldedPrincipal,
    reached: &mut HashSet<(String, usize)>,
    path: &mut Vec<usize>,
) -> bool {
    let mut any = false;
    for (i, e) in list.iter().enumerate() {
        let hit = match cfg.group_index.lookup_entry(&e) {
            Some(g) if path.contains(&g) => false,
            Some(g) => match cfg.groups.get(g).and_then(|x| x.members.as_ref()) {
                Some(m) => {
                    path.push(g);
                    let hit = mark(cfg, m, p, reached, path);
                    path.pop();
                    hit
                }
                None => false,
            },
            None => entry_matches(&e, p),
        };
        if hit {
            reached.insert((list.pointer.clone(), i));
            any = true;
        }
    }
    any
}

/// Whether one entry (not a group) matches the principal, as the engine
/// matches it (semantics.md 3).
pub fn entry_matches(e: &EntryRef<'_>, p: &FoldedPrincipal) -> bool {
    match e.pattern() {
        Pattern::Any => true,
        Pattern::LocalGroup(g) => {
            let g = fold(g.trim());
            p.local_groups.contains(&g)
        }
        Pattern::Name(n) => [&p.user, &p.host]
            .into_iter()
            .flatten()
            .any(|x| n.matches_folded(x)),
        pattern if pattern.is_ip_form() => p.ip.is_some_and(|ip| pattern.matches_ip(ip)),
        _ => false,
    }
}

/// A request that reaches `rule` (analysis.md 6.5): tried on the witness
/// of every principal class of each feature the rule lists (the stand-in
/// for every other feature when it lists none), for each action and each
/// license it names, until one reaches it; `None` when none does within
/// `budget` (a rule no principal reaches: it has no effect).
pub fn reaching(
    cfg: &Config,
    engine: &Engine,
    pool: Option<&PoolIndex>,
    rule: RuleId,
    budget: &super::Budget,
) -> Option<Request> {
    let r = cfg.rule(rule)?;
    if r.empty_preset {
        return None;
    }
    let mut features: Vec<String> = r
        .features
        .as_deref()
        .into_iter()
        .flat_map(|l| l.iter())
        .map(|e| e.text.trim().to_string())
        .filter(|f| !f.is_empty() && f != "*")
        .collect();
    if r.any_feature() {
        let named: HashSet<String> = engine.named_features().into_iter().collect();
        features.push(super::diff::other_feature_name(&named));
    }
    let mut serials: Vec<Option<String>> = r
        .serials
        .as_deref()
        .into_iter()
        .flat_map(|l| l.iter())
        .map(|e| Some(e.text.trim().to_string()))
        .collect();
    if serials.is_empty() {
        serials.push(None);
    }
    for feature in features {
        let sp = super::space::space(&[engine], &[cfg], pool, &feature, budget);
        for class in &sp.classes {
            for action in [
                crate::engine::Action::Checkout,
                crate::engine::Action::Borrow,
            ] {
                for serial in &serials {
                    let mut req = class.witness.request(&feature, action);
                    req.serial = serial.clone();
                    let c = coverage(cfg, engine, &[(String::new(), req.clone())], pool);
                    if c.rules
                        .iter()
                        .any(|x| x.rule == rule && !x.cases.is_empty())
                    {
                        return Some(req);
                    }
                }
            }
        }
    }
    None
}
