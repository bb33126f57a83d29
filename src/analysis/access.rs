//! Who can use what (analysis.md 6.4): for each feature, action and
//! license, the principal space split by the decision, each part a row of
//! classes described by what they have in common, and every name the
//! feature's rules reach with its own verdict; or one principal's verdict
//! over every feature and action.
//!
//! Every row is decided by the engine on each of its classes' witnesses,
//! so a row's witness reproduces through `privy explain`; the rows of one
//! feature, action and license partition the principal space (every
//! principal falls in the class the space puts it in, and each class in
//! exactly one row).

use std::sync::Arc;
use std::time::Instant;

use super::diff::{Side, Versions, features_of, serials_for};
use super::space::{self, Budget, Class, What};
use crate::engine::matcher::Scratch;
use crate::engine::{Action, Engine, PoolView, Verdict};
use crate::model::Config;
use crate::pattern::{Kind, fold};
use crate::pool::PoolIndex;
use crate::request::Principal;

/// One group of classes decided alike.
#[derive(Debug, Clone)]
pub struct Row {
    pub side: Side,
    /// What the classes have in common (analysis.md 6.2).
    pub what: What,
    /// The first class's witness.
    pub witness: Principal,
    /// How many classes the decisions told apart here.
    pub classes: usize,
    /// Every class's witness (one principal of each class of the row).
    pub class_witnesses: Vec<Principal>,
    /// The maximum borrow hours of its principals, each once (a grant of
    /// a borrow; empty otherwise).
    pub hours: Vec<u64>,
}

/// A name the feature's rules reach, with its own verdict (the principal
/// with that user name and nothing else known, as `privy explain --user`
/// decides it).
///
/// A report holds one for every name, feature, action and license (400 000
/// on a 500-rule file): the groups and the verdict are shared between the
/// actions and between the names decided alike, not copied.
#[derive(Debug, Clone)]
pub struct Named {
    pub principal: Arc<Principal>,
    /// The groups (names as written) through which the rules reach it,
    /// empty when a rule lists it itself.
    pub via: Arc<[String]>,
    pub side: Arc<Side>,
}

/// The access to one feature for one action and license.
#[derive(Debug, Clone)]
pub struct FeatureAccess {
    pub feature: String,
    /// The rows' rules are every rule deciding some of their principals
    /// (false: on a file too large for that, those deciding the rows'
    /// classes' witnesses).
    pub rules_complete: bool,
    /// Stands for every feature no rule or license names.
    pub other_feature: bool,
    pub action: Action,
    pub serial: Option<String>,
    pub rows: Vec<Row>,
    pub named: Vec<Named>,
}

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Access {
    pub exhaustive: bool,
    pub examined: u64,
    pub left: u64,
    /// Features not reached before the deadline.
    pub features_left: Vec<String>,
    pub features: Vec<FeatureAccess>,
}

/// What to report on.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only these features (every feature when empty).
    pub features: Vec<String>,
    /// Only this action (both when `None`).
    pub action: Option<Action>,
    /// One principal's access instead of everyone's.
    pub principal: Option<Principal>,
    /// Keep every class's witness in its row (for checking the report).
    pub keep_classes: bool,
}

impl Scope {
    fn actions(&self) -> Vec<Action> {
        match self.action {
            Some(a) => vec![a],
            None => vec![Action::Checkout, Action::Borrow],
        }
    }
}

/// The features of the report: every feature the file or the pool names,
/// and one for all others when a rule covers every feature; or those
/// asked for.
fn features(
    cfg: &Config,
    pool: Option<&PoolIndex>,
    engine: &Engine,
    scope: &Scope,
) -> Vec<(String, bool)> {
    let v = Versions {
        old: cfg,
        new: cfg,
        pool,
    };
    let mut all = features_of(v, engine, engine);
    if !scope.features.is_empty() {
        let others: Vec<(String, bool)> = scope
            .features
            .iter()
            .filter(|f| !all.iter().any(|(a, _)| a == *f))
            .map(|f| (f.clone(), false))
            .collect();
        all.retain(|(f, _)| scope.features.contains(f));
        all.extend(others);
    }
    all
}

/// The access report of `cfg` (with `pool`, when given) within `budget`:
/// the features on as many threads as there are cores (each feature's
/// space and decisions are its own), put back in order.
pub fn access(cfg: &Config, pool: Option<&PoolIndex>, scope: &Scope, budget: &Budget) -> Access {
    let engine = Engine::new(cfg);
    let all = features(cfg, pool, &engine, scope);
    let shared = Shared::default();
    let parts = crate::par::map_pulled(&all, Scratch::eager, |scratch, _, (feature, other)| {
        of_feature(
            cfg, pool, &engine, scope, budget, feature, *other, scratch, &shared,
        )
    });
    let mut out = Access {
        exhaustive: true,
        ..Access::default()
    };
    for a in parts {
        out.exhaustive &= a.exhaustive;
        out.examined += a.examined;
        out.left += a.left;
        out.features_left.extend(a.features_left);
        out.features.extend(a.features);
    }
    if out.exhaustive {
        out.left = 0;
    } else {
        out.left = out.left.max(1) + out.features_left.len() as u64;
    }
    out
}

/// What the features of one report share between their threads.
#[derive(Default)]
struct Shared {
    /// How many features found the space that tells every list apart too
    /// large.
    too_fine: std::sync::atomic::AtomicUsize,
    /// Each name's principal, made once for the report: most names are
    /// reached by many features (18 900 names a feature, 50 features, on
    /// the 5 000-rule file).
    principals: std::sync::Mutex<rustc_hash::FxHashMap<String, Arc<Principal>>>,
}

/// How long the space that tells every rule apart is tried for one
/// feature before the coarser one is used.
const PER_LIST_TIME: std::time::Duration = std::time::Duration::from_millis(250);

/// The report's part for one feature.
#[allow(clippy::too_many_arguments)]
fn of_feature(
    cfg: &Config,
    pool: Option<&PoolIndex>,
    engine: &Engine,
    scope: &Scope,
    budget: &Budget,
    feature: &str,
    other: bool,
    scratch: &mut Scratch,
    shared: &Shared,
) -> Access {
    let feature = feature.to_string();
    let view = pool.map(|p| PoolView::new(engine, p));
    let v = Versions {
        old: cfg,
        new: cfg,
        pool,
    };
    let mut out = Access {
        exhaustive: true,
        ..Access::default()
    };
    let serials = serials_for(v, engine, engine, &feature);
    if let Some(p) = &scope.principal {
        let atoms = space::Atoms::of(&[cfg], pool, &feature);
        let what = space::describe_principal(&atoms, p);
        for action in scope.actions() {
            for serial in &serials {
                let mut req = p.request(&feature, action);
                req.serial = serial.clone();
                let side = Side::of(engine.decide_quiet(&req, view.as_ref(), scratch));
                out.features.push(FeatureAccess {
                    feature: feature.clone(),
                    rules_complete: true,
                    other_feature: other,
                    action,
                    serial: serial.clone(),
                    rows: vec![Row {
                        hours: side.max_borrow_hours.into_iter().collect(),
                        side,
                        what: what.clone(),
                        witness: p.clone(),
                        classes: 1,
                        class_witnesses: vec![p.clone()],
                    }],
                    named: Vec::new(),
                });
            }
        }
        out.examined += 1;
        return out;
    }
    if budget.deadline.is_some_and(|d| Instant::now() >= d) {
        out.exhaustive = false;
        out.features_left.push(feature);
        return out;
    }
    // A row names every rule deciding some of its principals: classes that
    // tell apart which rules cover whom give them all. That space is tried
    // first, briefly; on a file where it is too large, the space the
    // verdicts need is used and the rows' rules are those deciding their
    // classes' witnesses (`rules_complete: false`).
    let fine = Budget {
        per_list: true,
        deadline: Some(budget.deadline.map_or(Instant::now() + PER_LIST_TIME, |d| {
            d.min(Instant::now() + PER_LIST_TIME)
        })),
        ..*budget
    };
    // Once it has failed twice the file is too large for it: not tried
    // again.
    use std::sync::atomic::Ordering::Relaxed;
    let too_fine = &shared.too_fine;
    let tried = (too_fine.load(Relaxed) < 2)
        .then(|| space::space(&[engine], &[cfg], pool, &feature, &fine))
        .filter(|sp| {
            if !sp.exhaustive {
                too_fine.fetch_add(1, Relaxed);
            }
            sp.exhaustive
        });
    let rules_complete = tried.is_some();
    let sp = match tried {
        Some(sp) => sp,
        None => space::space(&[engine], &[cfg], pool, &feature, budget),
    };
    out.exhaustive &= sp.exhaustive;
    out.examined += sp.examined;
    out.left += sp.left;
    let names = named_of(cfg, &feature);
    // Each principal decided for every action and license in a row:
    // the engine keeps what it looked up for the principal between
    // its decisions (group memo, name index hits).
    let asks: Vec<(Action, &Option<String>)> = scope
        .actions()
        .into_iter()
        .flat_map(|a| serials.iter().map(move |s| (a, s)))
        .collect();
    // A name alone decides as the lists of the feature it matches say
    // (and, with seat sharing, whether it is a session's name): names that
    // match the same lists are decided once.
    let folded: Vec<String> = names.iter().map(|(n, _)| fold(n)).collect();
    let refs: Vec<&str> = folded.iter().map(String::as_str).collect();
    let lists = engine.lists_for_feature(&feature);
    let sigs = engine.names_matching(&lists, &refs);
    // A name's decisions take which of the feature's lists it matches as
    // known (worked out for every name at once): the engine does not walk
    // the lists' groups again for each (1.5 million decisions at 5 000
    // rules).
    let mut decide_all = |p: &Principal, known: Option<&[u64]>| -> Vec<Arc<Side>> {
        if let Some(bits) = known {
            engine.prepare_known(scratch, &p.folded(), &lists, bits);
        }
        // One request, its action and license changed between decisions.
        let mut req = p.request(&feature, Action::Checkout);
        asks.iter()
            .map(|(action, serial)| {
                req.action = *action;
                req.serial.clone_from(serial);
                Arc::new(Side::of(engine.decide_quiet(&req, view.as_ref(), scratch)))
            })
            .collect()
    };
    let class_sides: Vec<Vec<Arc<Side>>> = sp
        .classes
        .iter()
        .map(|c| decide_all(&c.witness, None))
        .collect();

    let sessions: std::collections::HashSet<String> = match pool {
        Some(p) if p.pool.seat_sharing != crate::pool::SeatSharing::None => p
            .pool
            .sessions
            .iter()
            .flat_map(|s| [&s.user, &s.host])
            .flatten()
            .map(|n| fold(n.trim()))
            .collect(),
        _ => std::collections::HashSet::new(),
    };
    let mut seen: rustc_hash::FxHashMap<(&[u64], Option<&str>), usize> =
        rustc_hash::FxHashMap::default();
    let mut decided: Vec<Vec<Arc<Side>>> = Vec::new();
    let mut named_at: Vec<usize> = Vec::with_capacity(names.len());
    for (i, (name, _)) in names.iter().enumerate() {
        let known = sigs.get(i).map(Vec::as_slice);
        let sig: &[u64] = known.unwrap_or_default();
        let own = sessions.contains(&folded[i]).then_some(folded[i].as_str());
        let at = *seen.entry((sig, own)).or_insert_with(|| {
            decided.push(decide_all(&Principal::user(name), known));
            decided.len() - 1
        });
        named_at.push(at);
    }
    let named_sides: Vec<&Vec<Arc<Side>>> = named_at.iter().map(|&k| &decided[k]).collect();
    let named_once: Vec<(Arc<Principal>, Arc<[String]>)> = {
        // A poisoned lock only means another feature panicked: the map is
        // still whole (every insert is complete).
        let mut known = shared
            .principals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        names
            .into_iter()
            .map(|(name, via)| {
                let p = known
                    .entry(name)
                    .or_insert_with_key(|n| Arc::new(Principal::user(n)));
                (Arc::clone(p), via.into())
            })
            .collect()
    };
    for (k, (action, serial)) in asks.iter().enumerate() {
        // Rows by verdict and reason: every principal falls in exactly one.
        let mut groups: Vec<((Verdict, crate::engine::Reason), Vec<usize>)> = Vec::new();
        for (i, sides) in class_sides.iter().enumerate() {
            let key = (sides[k].decision, sides[k].reason);
            match groups.iter_mut().find(|(g, _)| *g == key) {
                Some((_, g)) => g.push(i),
                None => groups.push((key, vec![i])),
            }
        }
        let mut rows: Vec<Row> = groups
            .into_iter()
            .map(|((decision, reason), members)| {
                let mut rules: Vec<crate::rule_id::RuleId> = members
                    .iter()
                    .flat_map(|&i| class_sides[i][k].rules.iter().copied())
                    .collect();
                rules.sort_by_key(|r| cfg.rule(*r).map_or(usize::MAX, |x| x.span.start));
                rules.dedup();
                let mut hours: Vec<u64> = members
                    .iter()
                    .filter_map(|&i| class_sides[i][k].max_borrow_hours)
                    .collect();
                hours.sort_unstable();
                hours.dedup();
                Row {
                    what: join_what(&sp, members.iter().map(|&i| &sp.classes[i])),
                    witness: sp.classes[members[0]].witness.clone(),
                    classes: members.len(),
                    class_witnesses: if scope.keep_classes {
                        members
                            .iter()
                            .map(|&i| sp.classes[i].witness.clone())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    side: Side {
                        decision,
                        reason,
                        rules,
                        max_borrow_hours: match hours.as_slice() {
                            [one] => Some(*one),
                            _ => None,
                        },
                    },
                    hours,
                }
            })
            .collect();
        rows.sort_by_key(row_order);
        let named = named_once
            .iter()
            .zip(&named_sides)
            .map(|((principal, via), sides)| Named {
                principal: principal.clone(),
                via: via.clone(),
                side: sides[k].clone(),
            })
            .collect();
        out.features.push(FeatureAccess {
            feature: feature.clone(),
            rules_complete,
            other_feature: other,
            action: *action,
            serial: (*serial).clone(),
            rows,
            named,
        });
    }
    out
}

/// What several classes stand for together: the ways of the first classes
/// up to the ways a description keeps, the others counted without being
/// worded.
fn join_what<'a>(sp: &space::Space, classes: impl Iterator<Item = &'a Class>) -> What {
    let mut out = What {
        ways: Vec::new(),
        more_ways: 0,
        alike: 0,
    };
    for c in classes {
        if out.ways.len() < space::WAYS_KEPT {
            out = What::join([&out, &sp.what(c)]);
        } else {
            out.alike = out.alike.saturating_add(c.alike);
            out.more_ways = out.more_ways.saturating_add(c.ways.max(1));
        }
    }
    out
}

/// Granted rows first, then denials by a rule, then denials for want of
/// an allow rule; within each, by the deciding rules in file order.
fn row_order(r: &Row) -> (u8, bool, Vec<crate::rule_id::RuleId>) {
    (
        u8::from(r.side.decision != Verdict::Granted),
        r.side.rules.is_empty(),
        r.side.rules.clone(),
    )
}

/// The literal names the rules for `feature` reach, in the order found
/// (each once, case folded), each with the groups it is reached through
/// (none when a rule lists it itself).
pub fn named_of(cfg: &Config, feature: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    // Hashed fast: a feature's rules reach 19 000 names on a large file.
    let mut at: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let mut seen = vec![false; cfg.groups.len()];
    // (list, the group it is the MEMBERS of)
    let mut lists: Vec<(&crate::model::EntryList, Option<usize>)> = cfg
        .all_rules()
        .filter(|r| space::applies_to(r, feature))
        .flat_map(crate::model::Rule::principal_lists)
        .map(|l| (l, None))
        .collect();
    let mut i = 0;
    while i < lists.len() {
        let (list, via) = lists[i];
        i += 1;
        for e in list.iter() {
            if let Some(g) = cfg.group_index.lookup_entry(&e) {
                if !std::mem::replace(&mut seen[g], true)
                    && let Some(m) = cfg.groups.get(g).and_then(|g| g.members.as_ref())
                {
                    lists.push((m, Some(g)));
                }
                continue;
            }
            if !matches!(
                e.kind,
                Kind::Name {
                    wildcard: false,
                    ..
                }
            ) {
                continue;
            }
            let name = e.text.trim();
            if name.is_empty() {
                continue;
            }
            // The group's name, copied only where it is kept.
            let group = via
                .and_then(|g| cfg.groups.get(g))
                .and_then(|g| g.name.as_deref());
            let key = fold(name);
            match at.get(&key) {
                Some(&k) => {
                    // Listed by a rule itself beats through a group.
                    if let Some(gname) = group {
                        let v = &mut out[k].1;
                        if !v.is_empty() && !v.iter().any(|x| x == gname) {
                            v.push(gname.to_string());
                        }
                    } else {
                        out[k].1.clear();
                    }
                }
                None => {
                    at.insert(key, out.len());
                    out.push((
                        name.to_string(),
                        group.map(str::to_string).into_iter().collect(),
                    ));
                }
            }
        }
    }
    out
}
