//! The access diff between two versions of a rule file: for every
//! principal class, feature, action and license, whether the verdict, the
//! reason or the maximum borrow hours differ (`docs/semantics.md`,
//! "The access diff").
//!
//! Features whose rules and groups read the same in both versions cannot
//! decide differently (the pool is the same) and are not examined; every
//! other feature is decided for every class of its principal space in both
//! versions by the engine itself, so every change reported reproduces
//! through `privy explain` on its witness.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::space::{self, Budget, Class, Space, applies_to};
use crate::engine::matcher::Scratch;
use crate::engine::{Action, Decision, Engine, PoolView, Reason, Request, Verdict};
use crate::model::{Config, Rule};
use crate::pattern::fold;
use crate::pool::PoolIndex;
use crate::rule_id::RuleId;

/// One version's answer for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub decision: Verdict,
    pub reason: Reason,
    pub rules: Vec<RuleId>,
    pub max_borrow_hours: Option<u64>,
}

impl Side {
    pub fn of(d: Decision) -> Side {
        Side {
            decision: d.decision,
            reason: d.reason,
            rules: d.rules,
            max_borrow_hours: d.max_borrow_hours,
        }
    }

    /// What a change compares: the verdict, the reason, the maximum hours.
    pub fn key(&self) -> (Verdict, Reason, Option<u64>) {
        (self.decision, self.reason, self.max_borrow_hours)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Denied before, granted now.
    Gained,
    /// Granted before, denied now.
    Revoked,
    /// The same verdict for another reason or another maximum of hours.
    ReasonChanged,
}

/// A rule or group that explains a change, in the version that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    Rule { id: RuleId, in_new: bool },
    Group { index: usize, in_new: bool },
}

impl Cause {
    /// The JSON Pointer (into NEW, or into OLD for what NEW no longer has).
    pub fn pointer(&self) -> String {
        match self {
            Cause::Rule { id, .. } => id.pointer(),
            Cause::Group { index, .. } => format!("/GROUPS/{index}"),
        }
    }

    pub fn in_new(&self) -> bool {
        match self {
            Cause::Rule { in_new, .. } | Cause::Group { in_new, .. } => *in_new,
        }
    }
}

/// One access change.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    pub feature: String,
    /// The feature stands for every feature no rule or license names.
    pub other_feature: bool,
    pub action: Action,
    /// The license asked for (`None`: the server chooses).
    pub serial: Option<String>,
    pub class: Class,
    pub what: space::What,
    pub before: Side,
    pub after: Side,
    pub cause: Vec<Cause>,
}

impl Change {
    /// Before and after as compared: verdict, reason, maximum hours.
    pub fn before_key(&self) -> (Verdict, Reason, Option<u64>) {
        self.before.key()
    }

    pub fn after_key(&self) -> (Verdict, Reason, Option<u64>) {
        self.after.key()
    }

    /// The request that shows it.
    pub fn request(&self) -> Request {
        let mut r = self.class.witness.request(&self.feature, self.action);
        r.serial = self.serial.clone();
        r
    }
}

/// Per feature: what was compared and how much changed.
#[derive(Debug, Clone, Default)]
pub struct FeatureSummary {
    pub feature: String,
    pub other_feature: bool,
    /// The rules and groups for it read the same in both versions.
    pub unchanged: bool,
    pub classes: usize,
}

/// The whole diff.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// Every class of every feature was examined.
    pub exhaustive: bool,
    /// Classes examined over all features (as the decisions tell them
    /// apart: each may stand for many principal classes).
    pub classes: u64,
    /// The principal classes (combinations of the entries' candidates)
    /// those stand for.
    pub alike: u64,
    /// Combinations examined, and an estimate of those left (0 when
    /// exhaustive).
    pub examined: u64,
    pub left: u64,
    /// Features not reached before the deadline.
    pub features_left: Vec<String>,
    pub features: Vec<FeatureSummary>,
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// The changes of one kind for one feature.
    pub fn count_for(&self, feature: &str, kind: ChangeKind) -> usize {
        self.changes
            .iter()
            .filter(|c| c.kind == kind && c.feature == feature)
            .count()
    }
}

/// What to compare.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'a> {
    pub old: &'a Config,
    pub new: &'a Config,
    pub pool: Option<&'a PoolIndex>,
}

/// A feature name that no rule and no license names, for the rules that
/// cover every feature.
pub fn other_feature_name(named: &HashSet<String>) -> String {
    let mut name = "ANY_OTHER_FEATURE".to_string();
    let mut n = 2;
    while named.contains(&name) {
        name = format!("ANY_OTHER_FEATURE_{n}");
        n += 1;
    }
    name
}

/// The features to compare: every feature either version or the pool
/// names, and one for all others when a rule covers every feature.
pub fn features_of(v: Versions<'_>, old: &Engine, new: &Engine) -> Vec<(String, bool)> {
    let mut named: Vec<String> = old.named_features();
    named.extend(new.named_features());
    if let Some(p) = v.pool {
        for l in &p.pool.licenses {
            named.extend(l.features.iter().map(|(f, _)| f.clone()));
        }
    }
    named.sort();
    named.dedup();
    let mut out: Vec<(String, bool)> = named.iter().map(|f| (f.clone(), false)).collect();
    let any = [v.old, v.new]
        .iter()
        .any(|c| c.all_rules().any(|r| !r.empty_preset && r.any_feature()));
    if any {
        let set: HashSet<String> = named.into_iter().collect();
        out.push((other_feature_name(&set), true));
    }
    out
}

/// One version read once for the comparison: every rule's key (without
/// and with its FEATURES), every group's key, and which groups each rule
/// list and each group names, so that a feature's key and the groups it
/// reaches are worked out without reading an entry again.
struct Keys<'c> {
    cfg: &'c Config,
    /// In `Config::all_rules` order.
    rules: Vec<(RuleId, String, String)>,
    groups: Vec<String>,
    /// Groups (positions) named by each rule's USERS and EXCEPT_USERS, and
    /// by each group's MEMBERS.
    rule_refs: Vec<Vec<usize>>,
    group_refs: Vec<Vec<usize>>,
}

impl<'c> Keys<'c> {
    fn of(cfg: &'c Config) -> Keys<'c> {
        let refs = |lists: &[Option<&crate::model::EntryList>]| -> Vec<usize> {
            let mut out: Vec<usize> = lists
                .iter()
                .flatten()
                .flat_map(|l| l.iter())
                .filter_map(|e| cfg.group_index.lookup_entry(&e))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        Keys {
            cfg,
            rules: cfg
                .all_rules()
                .map(|r| {
                    (
                        RuleId::new(r.kind, r.index),
                        rule_key(r, false),
                        rule_key(r, true),
                    )
                })
                .collect(),
            groups: cfg.groups.iter().map(group_key).collect(),
            rule_refs: cfg
                .all_rules()
                .map(|r| refs(&[r.users.as_deref(), r.except_users.as_deref()]))
                .collect(),
            group_refs: cfg
                .groups
                .iter()
                .map(|g| refs(&[g.members.as_ref()]))
                .collect(),
        }
    }

    /// The positions (in `all_rules` order) of the rules for `feature`.
    fn rules_for<'a>(&'a self, feature: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.cfg
            .all_rules()
            .enumerate()
            .filter(move |(_, r)| applies_to(r, feature))
            .map(|(i, _)| i)
    }

    /// The groups (positions) the rules for `feature` reach, at any depth.
    fn reached(&self, feature: &str) -> Vec<usize> {
        let mut seen = vec![false; self.group_refs.len()];
        let mut todo: Vec<usize> = self
            .rules_for(feature)
            .flat_map(|i| self.rule_refs[i].iter().copied())
            .collect();
        let mut out = Vec::new();
        while let Some(g) = todo.pop() {
            if g < seen.len() && !std::mem::replace(&mut seen[g], true) {
                out.push(g);
                todo.extend(&self.group_refs[g]);
            }
        }
        out
    }

    /// What decides a feature in this version, as text: its rules (in
    /// order) and the groups they reach. Equal keys cannot decide
    /// differently.
    fn feature(&self, feature: &str) -> String {
        let mut key = String::new();
        for i in self.rules_for(feature) {
            key.push_str(&self.rules[i].1);
            key.push('\n');
        }
        let mut groups: Vec<&str> = self
            .reached(feature)
            .into_iter()
            .map(|g| self.groups[g].as_str())
            .collect();
        groups.sort_unstable();
        key.push_str(&groups.join("\n"));
        key
    }

    /// The groups (by their index in GROUPS) the rules for `feature` reach.
    fn reached_indices(&self, feature: &str) -> HashSet<usize> {
        self.reached(feature)
            .into_iter()
            .filter_map(|g| self.cfg.groups.get(g).map(|g| g.index))
            .collect()
    }
}

/// A rule as compared for being identical: kind, lists as written, COUNT
/// and HOURS, and (with `with_features`) FEATURES.
pub(super) fn rule_key(r: &Rule, with_features: bool) -> String {
    let raw =
        |l: Option<&crate::model::EntryList>| l.map_or("\u{0}", |l| l.raw.as_str()).to_string();
    format!(
        "{}\u{1}{}\u{1}{}\u{1}{}\u{1}{:?}\u{1}{:?}\u{1}{}",
        r.kind.key(),
        raw(r.users.as_deref()),
        raw(r.except_users.as_deref()),
        raw(r.serials.as_deref()),
        r.count.as_ref().map(|c| c.value),
        r.hours.as_ref().map(|c| c.value),
        if with_features {
            raw(r.features.as_deref())
        } else {
            String::new()
        }
    )
}

fn group_key(g: &crate::model::Group) -> String {
    format!(
        "{}\u{1}{}",
        g.name.as_deref().map(fold).unwrap_or_default(),
        g.members.as_ref().map_or("", |m| m.raw.as_str())
    )
}

/// The rules and groups that one version has and the other has not.
struct Edits {
    new_rules: HashSet<RuleId>,
    old_rules: HashSet<RuleId>,
    new_groups: Vec<(usize, String)>,
    old_groups: Vec<(usize, String)>,
}

impl Edits {
    fn of(old: &Keys<'_>, new: &Keys<'_>) -> Edits {
        fn live<'k>(k: &'k Keys<'_>) -> Vec<(RuleId, &'k str)> {
            k.cfg
                .all_rules()
                .zip(&k.rules)
                .filter(|(r, _)| !r.empty_preset)
                .map(|(_, (id, _, full))| (*id, full.as_str()))
                .collect()
        }
        let (lo, ln) = (live(old), live(new));
        let set = |l: &[(RuleId, &str)]| -> HashSet<String> {
            l.iter().map(|(_, k)| k.to_string()).collect()
        };
        let (ko, kn) = (set(&lo), set(&ln));
        let changed = |l: &[(RuleId, &str)], other: &HashSet<String>| -> HashSet<RuleId> {
            l.iter()
                .filter(|(_, k)| !other.contains(*k))
                .map(|(id, _)| *id)
                .collect()
        };
        let gset = |k: &Keys<'_>| -> HashSet<String> { k.groups.iter().cloned().collect() };
        let (go, gn) = (gset(old), gset(new));
        let gchanged = |k: &Keys<'_>, other: &HashSet<String>| -> Vec<(usize, String)> {
            k.cfg
                .groups
                .iter()
                .zip(&k.groups)
                .filter(|(_, key)| !other.contains(*key))
                .map(|(g, _)| (g.index, g.name.as_deref().map(fold).unwrap_or_default()))
                .collect()
        };
        Edits {
            new_rules: changed(&ln, &ko),
            old_rules: changed(&lo, &kn),
            new_groups: gchanged(new, &go),
            old_groups: gchanged(old, &gn),
        }
    }

    /// What explains a change of `feature` from `before` to `after`: the
    /// deciding rules that were edited, else the edited groups the
    /// feature's rules reach, else the feature's edited rules (at most 3).
    fn cause(
        &self,
        v: Versions<'_>,
        keys: (&Keys<'_>, &Keys<'_>),
        feature: &str,
        reached: &mut Option<(HashSet<usize>, HashSet<usize>)>,
        before: &Side,
        after: &Side,
    ) -> Vec<Cause> {
        let mut out: Vec<Cause> = after
            .rules
            .iter()
            .filter(|r| self.new_rules.contains(r))
            .map(|&id| Cause::Rule { id, in_new: true })
            .chain(
                before
                    .rules
                    .iter()
                    .filter(|r| self.old_rules.contains(r))
                    // Edited in place: the rule at the same place in NEW.
                    .map(|&id| Cause::Rule {
                        id,
                        in_new: self.new_rules.contains(&id),
                    }),
            )
            .collect();
        out.dedup();
        if out.is_empty() {
            // Worked out once per feature, not once per change.
            let (reach_new, reach_old) = reached.get_or_insert_with(|| {
                (
                    keys.1.reached_indices(feature),
                    keys.0.reached_indices(feature),
                )
            });
            out.extend(
                self.new_groups
                    .iter()
                    .filter(|(i, _)| reach_new.contains(i))
                    .map(|&(index, _)| Cause::Group {
                        index,
                        in_new: true,
                    }),
            );
            out.extend(
                self.old_groups
                    .iter()
                    .filter(|(i, name)| {
                        reach_old.contains(i) && !self.new_groups.iter().any(|(_, n)| n == name)
                    })
                    .map(|&(index, _)| Cause::Group {
                        index,
                        in_new: false,
                    }),
            );
        }
        if out.is_empty() {
            let mut rules: Vec<Cause> = v
                .new
                .all_rules()
                .filter(|r| applies_to(r, feature))
                .map(|r| RuleId::new(r.kind, r.index))
                .filter(|id| self.new_rules.contains(id))
                .map(|id| Cause::Rule { id, in_new: true })
                .chain(
                    v.old
                        .all_rules()
                        .filter(|r| applies_to(r, feature))
                        .map(|r| RuleId::new(r.kind, r.index))
                        .filter(|id| self.old_rules.contains(id))
                        .map(|id| Cause::Rule { id, in_new: false }),
                )
                .collect();
            if rules.len() <= 3 {
                out.append(&mut rules);
            }
        }
        out
    }
}

/// The access diff of `v` for `features` (every feature when empty).
pub fn diff(v: Versions<'_>, features: &[String], budget: &Budget) -> Diff {
    diff_pools(v, None, features, budget)
}

/// [`diff`], with NEW decided with `new_pool` instead of `v.pool` when
/// given: what an edit of the pool changes. The principal space is that
/// of `v.pool`, so the pools must hold the same sessions (an edit of seat
/// counts, as a suggestion makes); every feature asked is examined, since
/// the rules alone no longer say which features can differ.
pub fn diff_pools(
    v: Versions<'_>,
    new_pool: Option<&PoolIndex>,
    features: &[String],
    budget: &Budget,
) -> Diff {
    let old = Engine::new(v.old);
    let new = Engine::new(v.new);
    let mut all = features_of(v, &old, &new);
    if !features.is_empty() {
        let others: Vec<(String, bool)> = features
            .iter()
            .filter(|f| !all.iter().any(|(a, _)| a == *f))
            .map(|f| (f.clone(), false))
            .collect();
        all.retain(|(f, _)| features.contains(f));
        all.extend(others);
    }
    let (keys_old, keys_new) = (Keys::of(v.old), Keys::of(v.new));
    let edits = Edits::of(&keys_old, &keys_new);
    let mut out = Diff {
        exhaustive: true,
        ..Diff::default()
    };
    // Each feature on its own (its space, its decisions), on as many
    // threads as there are cores, put back in order.
    let one = |feature: String,
               other: bool,
               (view_old, view_new): (&Option<PoolView<'_>>, &Option<PoolView<'_>>),
               so: &mut Scratch,
               sn: &mut Scratch|
     -> Diff {
        let mut out = Diff {
            exhaustive: true,
            ..Diff::default()
        };
        let mut summary = FeatureSummary {
            feature: feature.clone(),
            other_feature: other,
            ..FeatureSummary::default()
        };
        if new_pool.is_none() && keys_old.feature(&feature) == keys_new.feature(&feature) {
            summary.unchanged = true;
            out.features.push(summary);
            return out;
        }
        if budget.deadline.is_some_and(|d| Instant::now() >= d) {
            out.exhaustive = false;
            out.features_left.push(feature);
            return out;
        }
        let sp: Space = space::space(&[&old, &new], &[v.old, v.new], v.pool, &feature, budget);
        out.exhaustive &= sp.exhaustive;
        out.examined += sp.examined;
        out.left += sp.left;
        out.classes += sp.classes.len() as u64;
        out.alike = sp
            .classes
            .iter()
            .fold(out.alike, |a, c| a.saturating_add(c.alike));
        summary.classes = sp.classes.len();
        let serials = serials_for(v, &old, &new, &feature);
        let mut reached = None;
        for class in &sp.classes {
            // Described once, when it first changes.
            let mut what: Option<space::What> = None;
            for action in [Action::Checkout, Action::Borrow] {
                for serial in &serials {
                    let mut req = class.witness.request(&feature, action);
                    req.serial = serial.clone();
                    let before = Side::of(old.decide_quiet(&req, view_old.as_ref(), so));
                    let after = Side::of(new.decide_quiet(&req, view_new.as_ref(), sn));
                    if before.key() == after.key() {
                        continue;
                    }
                    let kind = match (before.decision, after.decision) {
                        (Verdict::Denied, Verdict::Granted) => ChangeKind::Gained,
                        (Verdict::Granted, Verdict::Denied) => ChangeKind::Revoked,
                        _ => ChangeKind::ReasonChanged,
                    };
                    let cause = edits.cause(
                        v,
                        (&keys_old, &keys_new),
                        &feature,
                        &mut reached,
                        &before,
                        &after,
                    );
                    out.changes.push(Change {
                        kind,
                        feature: feature.clone(),
                        other_feature: other,
                        action,
                        serial: serial.clone(),
                        class: class.clone(),
                        what: what.get_or_insert_with(|| sp.what(class)).clone(),
                        before,
                        after,
                        cause,
                    });
                }
            }
        }
        out.features.push(summary);
        out
    };
    // A pool's view caches usage as it is asked: one per thread.
    let views = || {
        (
            v.pool.map(|p| PoolView::new(&old, p)),
            new_pool.or(v.pool).map(|p| PoolView::new(&new, p)),
            Scratch::default(),
            Scratch::default(),
        )
    };
    let parts = crate::par::map_pulled(&all, views, |(vo, vn, so, sn), _, (feature, other)| {
        one(feature.clone(), *other, (&*vo, &*vn), so, sn)
    });
    for d in parts {
        out.exhaustive &= d.exhaustive;
        out.examined += d.examined;
        out.left += d.left;
        out.classes += d.classes;
        out.alike = out.alike.saturating_add(d.alike);
        out.features_left.extend(d.features_left);
        out.features.extend(d.features);
        out.changes.extend(d.changes);
    }
    if out.exhaustive {
        out.left = 0;
    } else {
        // Features never reached have at least one class each left.
        out.left = out.left.max(1) + out.features_left.len() as u64;
    }
    // Most important first: gained, revoked, then other reasons; within
    // a feature and action the simplest classes (fewest parts named), the
    // broadest first.
    out.changes.sort_by(|a, b| {
        (a.kind, &a.feature, a.action as u8, &a.serial)
            .cmp(&(b.kind, &b.feature, b.action as u8, &b.serial))
            .then(a.what.named_parts().cmp(&b.what.named_parts()))
            .then(b.class.alike.cmp(&a.class.alike))
    });
    out
}

/// The licenses a request for `feature` may ask for: none (the server
/// chooses), and with a pool each license offering it when there are
/// several, without one each serial the feature's rules name.
pub fn serials_for(
    v: Versions<'_>,
    old: &Engine,
    new: &Engine,
    feature: &str,
) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None];
    let named: Vec<String> = match v.pool {
        // One license: asking for it is asking for none.
        Some(p) => {
            let offering: Vec<String> = p
                .pool
                .licenses
                .iter()
                .filter(|l| l.seats(feature).is_some())
                .map(|l| l.serial.clone())
                .collect();
            if offering.len() > 1 {
                offering
            } else {
                Vec::new()
            }
        }
        None => {
            let mut s = old.serials_for_feature(feature);
            s.extend(new.serials_for_feature(feature));
            s
        }
    };
    let mut seen = HashMap::new();
    for s in named {
        if seen.insert(s.clone(), ()).is_none() {
            out.push(Some(s));
        }
    }
    out
}

/// Changes that differ only in the class, together, in the order of the
/// first of each (for showing one example per group).
pub fn grouped<'a>(changes: impl Iterator<Item = &'a Change>) -> Vec<Vec<&'a Change>> {
    let mut groups: Vec<Vec<&Change>> = Vec::new();
    for c in changes {
        let same = |g: &&mut Vec<&Change>| {
            let f = g[0];
            (
                &f.feature, f.action, &f.serial, &f.before, &f.after, &f.cause,
            ) == (
                &c.feature, c.action, &c.serial, &c.before, &c.after, &c.cause,
            )
        };
        match groups.iter_mut().find(same) {
            Some(g) => g.push(c),
            None => groups.push(vec![c]),
        }
    }
    groups
}
