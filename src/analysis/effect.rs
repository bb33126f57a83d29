//! What each rule does over every principal (`docs/semantics.md`, "Rules
//! that do nothing, or more than meant"): rules whose removal changes no
//! decision (and why), allow rules a deny rule overrides in part, and the
//! first allow rule of a feature, which denies everyone it does not list.
//!
//! Decided by the engine itself over the principal space of each feature,
//! for both actions and every license the rules name: a rule has no effect
//! when no class, action and license decides differently without it
//! ([`Engine::decide_without`]; the verdict, the reason and the maximum of
//! borrow hours count, which rules are listed as determining does not).
//! Where the space or the time budget stopped short, the rules of the
//! features left are not reported (a miss, never a false finding) and
//! `exhaustive` is false.
//!
//! The decisions are taken without a pool: deny and allow rules, and the
//! HOURS of borrow limits, decide the same whatever the pool holds. COUNT
//! limits only count with a pool, so they are reported only when they
//! cover nobody or everyone they cover is denied before limits are
//! counted; reservations hold seats even for nobody and are never
//! reported.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;
use std::time::Instant;

use super::diff::{Versions, features_of, serials_for};
use super::space::{self, Budget, What};
use crate::engine::matcher::Scratch;
use crate::engine::{Action, Decision, Engine, Reason, RuleRole, Verdict};
use crate::model::Config;
use crate::pattern::{Pattern, fold};
use crate::request::Principal;
use crate::rule_id::RuleId;
use crate::spec::{Effect, RuleKind};

/// Why a rule has no effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// It covers no principal for any feature it lists.
    MatchesNobody,
    /// Everyone it covers is denied before it is read: by these deny rules
    /// (`not_allowed` empty), or for not being in these allow lists.
    Shadowed {
        by: Vec<RuleId>,
        not_allowed: Vec<RuleKind>,
        example: Principal,
    },
    /// Other rules already do the same for everyone it covers (one of
    /// them covers all of them when `with` has one rule).
    Redundant {
        with: Vec<RuleId>,
        example: Principal,
    },
    /// An allow rule for everyone, alone in its list for its features:
    /// without it nobody is restricted either.
    AllowsEveryone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoEffect {
    pub rule: RuleId,
    pub why: Why,
}

/// An allow rule some of whose principals a deny rule denies anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overridden {
    pub allow: RuleId,
    /// The deny rules that deny the example.
    pub deny: Vec<RuleId>,
    /// One such principal and feature.
    pub feature: String,
    pub other_feature: bool,
    /// What the example is denied: a checkout (and so a borrow too), or
    /// only a borrow.
    pub action: Action,
    /// The license the example asks for, when the rules name one.
    pub serial: Option<String>,
    pub example: Principal,
    pub what: What,
}

/// The first allow rule of a list for a feature: from it on, whoever the
/// list does not name is denied the feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeniesOthers {
    pub rule: RuleId,
    pub feature: String,
    pub other_feature: bool,
    /// Of the user and host names the file names, how many are granted the
    /// feature without the list and denied with it.
    pub lose: usize,
    /// The time ran out before every name was tried: at least `lose`.
    pub at_least: bool,
    /// A few of them, as written.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    pub no_effect: Vec<NoEffect>,
    pub overridden: Vec<Overridden>,
    pub denies_others: Vec<DeniesOthers>,
    /// Every feature examined over its whole principal space.
    pub exhaustive: bool,
    /// Features not examined (or not wholly): their rules are not reported.
    pub features_left: Vec<String>,
    /// Classes examined in all.
    pub examined: u64,
}

/// How a rule's effect is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judged {
    /// By deciding without it.
    Removal,
    /// A COUNT limit: only "covers nobody" or "denied before limits".
    CountLimit,
}

/// What is known of one rule so far.
#[derive(Debug, Default)]
struct Seen {
    effect: bool,
    /// A feature it applies to was not examined wholly.
    unknown: bool,
    covered: bool,
    /// Covered requests that were decided before the rule was read.
    shadow_by: Vec<RuleId>,
    /// The deny rules that deny every one of them (`None` before the first).
    shadow_all: Option<Vec<RuleId>>,
    not_allowed: Vec<RuleKind>,
    shadow_example: Option<Principal>,
    /// Covered requests that other rules explain: the rules that explain
    /// every one of them so far (`None` before the first), and all of
    /// them.
    with_all: Option<Vec<RuleId>>,
    with_any: Vec<RuleId>,
    with_example: Option<Principal>,
    /// A covered request granted without it, no other rule of its list
    /// covering it: the rule allows everyone, as no list would.
    allows_everyone: bool,
    /// For allow rules: where a deny rule overrides it (the simplest
    /// example found).
    overridden_at: Option<OverriddenAt>,
}

#[derive(Debug)]
struct OverriddenAt {
    deny: Vec<RuleId>,
    serial: Option<String>,
    feature: String,
    other: bool,
    action: Action,
    example: Principal,
    what: What,
    rank: (usize, u8),
}

fn judged(role: &RuleRole) -> Option<Judged> {
    match role.kind.effect() {
        Effect::Allow | Effect::Deny => Some(Judged::Removal),
        Effect::Limit if role.count.is_some() => Some(Judged::CountLimit),
        Effect::Limit if role.hours.is_some() => Some(Judged::Removal),
        _ => None,
    }
}

/// How long the window works on the findings (beside it) before it reports
/// what it has (`findings-partial`).
pub const TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// `privy check` gives the findings as long as the rest of the check took,
/// at least this and at most [`TIME_BUDGET`]: a small file is always
/// examined whole (in milliseconds), and a huge one does not take ten times
/// longer to check for findings that would stop short anyway.
pub const CHECK_AT_LEAST: std::time::Duration = std::time::Duration::from_millis(250);

/// Files larger than this get no findings in `privy check` (said in
/// `findings-partial`): compiling the engine and the first principal
/// space alone would take longer than the rest of the check, for findings
/// that stop short anyway on such files.
pub const CHECK_MAX_BYTES: usize = 4 << 20;

/// The findings of a file too large to examine: none, and not exhaustive.
pub fn not_examined() -> Findings {
    Findings {
        exhaustive: false,
        ..Findings::default()
    }
}

/// The findings of a file read without syntax errors (else none: a file
/// read in part could make a rule look useless), within [`TIME_BUDGET`].
pub fn of_document(parsed: &crate::json::parse::Parsed, cfg: &Config) -> Findings {
    of_document_within(parsed, cfg, TIME_BUDGET)
}

/// [`of_document`] within `time` (the engine's compilation included).
pub fn of_document_within(
    parsed: &crate::json::parse::Parsed,
    cfg: &Config,
    time: std::time::Duration,
) -> Findings {
    let start = Instant::now();
    if !parsed.errors.is_empty() {
        return Findings {
            exhaustive: true,
            ..Findings::default()
        };
    }
    let engine = Engine::new(cfg);
    let budget = Budget {
        deadline: Some(start + time),
        ..Budget::default()
    };
    findings(cfg, &engine, &budget)
}

/// The findings of `cfg` (compiled as `engine`) within `budget`.
pub fn findings(cfg: &Config, engine: &Engine, budget: &Budget) -> Findings {
    findings_with(cfg, engine, budget, cfg.all_rules().count() > LARGE_RULES)
}

/// [`findings`], trying each rule's own entries before the principal space
/// when `quick` (as on large files). The rules reported are the same
/// either way (a property test checks it); only the notes' examples may
/// differ.
pub fn findings_with(cfg: &Config, engine: &Engine, budget: &Budget, quick: bool) -> Findings {
    // Which rule covers whom must be told apart, not only what decisions
    // see (two allow rules of one list are one bit to a decision).
    let budget = &Budget {
        per_list: true,
        ..*budget
    };
    let v = Versions {
        old: cfg,
        new: cfg,
        pool: None,
    };
    let mut out = Findings {
        exhaustive: true,
        ..Findings::default()
    };
    let mut seen: FxHashMap<RuleId, Seen> = FxHashMap::default();
    let mut order: Vec<RuleId> = Vec::new();
    // The names the file names, read once when first needed.
    let mut names_once: Option<Vec<String>> = None;
    let mut scratch = Scratch::default();
    // Small files are examined class by class whatever happens (the
    // simplest examples for the notes); large ones try the rules' own
    // entries first.
    let large = quick;
    for (feature, other) in features_of(v, engine, engine) {
        let roles: Vec<RuleRole> = engine
            .rules_for_feature(&feature)
            .into_iter()
            .filter(|r| judged(r).is_some())
            .collect();
        for r in &roles {
            if !seen.contains_key(&r.rule) {
                order.push(r.rule);
            }
            seen.entry(r.rule).or_default();
        }
        if roles.is_empty() {
            continue;
        }
        let out_of_time = || budget.deadline.is_some_and(|d| Instant::now() >= d);
        if out_of_time() {
            // Nothing more is tried: this feature's rules are not claimed.
            out.exhaustive = false;
            out.features_left.push(feature.clone());
            for r in &roles {
                if let Some(s) = seen.get_mut(&r.rule) {
                    s.unknown = true;
                }
            }
            continue;
        }
        let serials = serials_for(v, engine, engine, &feature);
        // On a large file, the rules' own entries first: a rule shown to
        // change a decision there needs no principal space, and a feature
        // whose rules all do skips it.
        if large {
            quick_effects(
                cfg,
                engine,
                &feature,
                &roles,
                &serials,
                &mut seen,
                &mut scratch,
            );
            if roles
                .iter()
                .all(|r| seen.get(&r.rule).is_some_and(|s| s.effect))
            {
                let names = names_once.get_or_insert_with(|| named_names(cfg));
                out.denies_others.extend(denies_others(
                    engine,
                    (&feature, other),
                    &roles,
                    names,
                    &mut scratch,
                    &out_of_time,
                ));
                continue;
            }
        }
        let whole = !out_of_time() && {
            let sp = space::space(&[engine], &[cfg], None, &feature, budget);
            out.examined += sp.classes.len() as u64;
            sp.exhaustive
                && examine(
                    engine,
                    &sp,
                    (&feature, other),
                    &roles,
                    &serials,
                    &mut seen,
                    &mut scratch,
                    &out_of_time,
                )
        };
        if !whole {
            out.exhaustive = false;
            out.features_left.push(feature.clone());
            for r in &roles {
                if let Some(s) = seen.get_mut(&r.rule) {
                    s.unknown = true;
                }
            }
            continue;
        }
        let names = names_once.get_or_insert_with(|| named_names(cfg));
        out.denies_others.extend(denies_others(
            engine,
            (&feature, other),
            &roles,
            names,
            &mut scratch,
            &out_of_time,
        ));
    }
    let mut helpers: Vec<(RuleId, Vec<RuleId>)> = Vec::new();
    for id in order {
        let Some(mut s) = seen.remove(&id) else {
            continue;
        };
        let with_any = s.with_any.clone();
        if let Some(at) = s.overridden_at.take()
            && (s.effect || s.unknown)
        {
            out.overridden.push(Overridden {
                allow: id,
                deny: at.deny,
                serial: at.serial,
                feature: at.feature,
                other_feature: at.other,
                action: at.action,
                example: at.example,
                what: at.what,
            });
        }
        if s.effect || s.unknown {
            continue;
        }
        let why = if !s.covered {
            Why::MatchesNobody
        } else if let Some(example) = s.with_example {
            let with = match s.with_all {
                Some(all) if !all.is_empty() => all[..1].to_vec(),
                _ => s.with_any.clone(),
            };
            Why::Redundant { with, example }
        } else if s.allows_everyone {
            Why::AllowsEveryone
        } else if let Some(example) = s.shadow_example {
            let by = match s.shadow_all {
                Some(all) if !all.is_empty() => all[..1].to_vec(),
                _ => s.shadow_by,
            };
            Why::Shadowed {
                by,
                not_allowed: s.not_allowed,
                example,
            }
        } else {
            continue;
        };
        out.no_effect.push(NoEffect { rule: id, why });
        helpers.push((id, with_any));
    }
    together(cfg, engine, budget, &mut out.no_effect, &helpers);
    out
}

/// The rules reported, taken out one after the other from the last in
/// the file: each must still change nothing with the later ones already
/// out, so that all of them can go together. Of two rules that do the same,
/// the later goes and the earlier stays; a rule named as doing the same
/// must be one that stays.
fn together(
    cfg: &Config,
    engine: &Engine,
    budget: &Budget,
    found: &mut Vec<NoEffect>,
    helpers: &[(RuleId, Vec<RuleId>)],
) {
    let v = Versions {
        old: cfg,
        new: cfg,
        pool: None,
    };
    found.sort_by_key(|n| std::cmp::Reverse(n.rule));
    let mut out: Vec<RuleId> = Vec::new();
    let mut kept: Vec<NoEffect> = Vec::new();
    let mut spaces: HashMap<String, (space::Space, Vec<Option<String>>)> = HashMap::new();
    let mut scratch = Scratch::default();
    for mut n in std::mem::take(found) {
        if let Why::Redundant { with, .. } = &mut n.why {
            let all = helpers
                .iter()
                .find(|(id, _)| *id == n.rule)
                .map(|(_, w)| w.clone())
                .unwrap_or_default();
            with.retain(|w| !out.contains(w));
            if with.is_empty() {
                with.extend(all.into_iter().filter(|w| !out.contains(w)).take(1));
            }
        }
        if let Why::Redundant { with, .. } = &n.why
            && with.is_empty()
        {
            // The rules that did the same go too: if it still changes
            // nothing, it is an allow rule whose list would let everyone
            // in (verified below like any other).
            if n.rule.kind.effect() != Effect::Allow {
                continue;
            }
            n.why = Why::AllowsEveryone;
        }
        if out.is_empty() {
            out.push(n.rule);
            kept.push(n);
            continue;
        }
        let Some(rule) = cfg.rule(n.rule) else {
            continue;
        };
        let mut trial = out.clone();
        trial.push(n.rule);
        let without = engine.without(&trial);
        let mut same = true;
        'features: for (feature, _) in features_of(v, engine, engine) {
            if !space::applies_to(rule, &feature) {
                continue;
            }
            let (sp, serials) = spaces.entry(feature.clone()).or_insert_with(|| {
                (
                    space::space(&[engine], &[cfg], None, &feature, budget),
                    serials_for(v, engine, engine, &feature),
                )
            });
            if !sp.exhaustive {
                same = false;
                break;
            }
            for class in &sp.classes {
                for action in [Action::Checkout, Action::Borrow] {
                    for serial in serials.iter() {
                        let mut req = class.witness.request(&feature, action);
                        req.serial = serial.clone();
                        let a = engine.decide_quiet(&req, None, &mut scratch);
                        let b = engine.decide_without(&without, &req, None, &mut scratch);
                        if (a.decision, a.reason, a.max_borrow_hours)
                            != (b.decision, b.reason, b.max_borrow_hours)
                        {
                            same = false;
                            break 'features;
                        }
                    }
                }
            }
        }
        if same {
            out.push(n.rule);
            kept.push(n);
        }
    }
    kept.sort_by_key(|n| n.rule);
    *found = kept;
}

/// From this many rules on, a rule's own entries are tried before the
/// principal space ([`quick_effects`]).
const LARGE_RULES: usize = 300;

/// Principals a rule's USERS name (through its groups): a user or host of
/// each name (a wildcard's `*` read as nothing), an address in each IP
/// form, each local group; and one the file does not name (an allow rule
/// alone in its list denies them). At most a few per rule.
fn own_principals(cfg: &Config, rule: &crate::model::Rule) -> Vec<Principal> {
    const MOST: usize = 6;
    let mut out = vec![Principal::default()];
    let mut stack: Vec<&crate::model::EntryList> = rule.users.as_deref().into_iter().collect();
    let mut groups_seen = HashSet::new();
    while let Some(list) = stack.pop() {
        for e in list.iter() {
            if out.len() > MOST {
                return out;
            }
            if let Some(g) = cfg.group_index.lookup_entry(&e) {
                if groups_seen.insert(g)
                    && let Some(m) = &cfg.groups[g].members
                {
                    stack.push(m);
                }
                continue;
            }
            let p = match Pattern::parse(e.text) {
                Pattern::Name(_) => Principal {
                    user: Some(e.text.trim().replace('*', "")),
                    ..Principal::default()
                },
                Pattern::Ip(ip) => Principal {
                    ip: Some(ip),
                    ..Principal::default()
                },
                Pattern::Ipv4Wildcard { octets, fixed } => {
                    let mut o = octets;
                    for x in o.iter_mut().skip(fixed as usize) {
                        *x = 1;
                    }
                    Principal {
                        ip: Some(std::net::IpAddr::from(o)),
                        ..Principal::default()
                    }
                }
                Pattern::Ipv4Range { prefix, lo, .. } => Principal {
                    ip: Some(std::net::IpAddr::from([
                        prefix[0], prefix[1], prefix[2], lo,
                    ])),
                    ..Principal::default()
                },
                Pattern::LocalGroup(g) => Principal {
                    local_groups: vec![g],
                    ..Principal::default()
                },
                _ => continue,
            };
            out.push(p);
        }
    }
    out
}

/// Shows rules to have an effect on their own entries' principals: the
/// decision with and without the rule differs there (a sound shortcut: a
/// rule it cannot show still goes through the principal space).
fn quick_effects(
    cfg: &Config,
    engine: &Engine,
    feature: &str,
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
    scratch: &mut Scratch,
) {
    for role in roles {
        let Some(s) = seen.get_mut(&role.rule) else {
            continue;
        };
        let Some(judged) = judged(role) else { continue };
        if s.effect {
            continue;
        }
        let Some(rule) = cfg.rule(role.rule) else {
            continue;
        };
        let without = engine.without(&[role.rule]);
        'found: for p in own_principals(cfg, rule) {
            for action in [Action::Checkout, Action::Borrow] {
                if !role.applies_to_action(action) {
                    continue;
                }
                for serial in serials {
                    if !role.applies_to_serial(serial.as_deref()) {
                        continue;
                    }
                    let mut req = p.request(feature, action);
                    req.serial = serial.clone();
                    let a = engine.decide_quiet(&req, None, scratch);
                    if judged == Judged::CountLimit {
                        // It covers someone not denied before limits are
                        // counted: with a pool it may count (as `examine`).
                        if engine.covers(role, &req.folded(), scratch)
                            && !matches!(a.reason, Reason::DenyRule | Reason::NotInAllowRule)
                        {
                            s.effect = true;
                            break 'found;
                        }
                        continue;
                    }
                    let b = engine.decide_without(&without, &req, None, scratch);
                    if (a.decision, a.reason, a.max_borrow_hours)
                        != (b.decision, b.reason, b.max_borrow_hours)
                    {
                        s.effect = true;
                        break 'found;
                    }
                }
            }
        }
    }
}

/// Decides every class, action and license of the feature with and
/// without each rule. False when the time ran out (nothing is then known
/// of this feature's rules).
#[allow(clippy::too_many_arguments)]
fn examine(
    engine: &Engine,
    sp: &space::Space,
    (feature, other): (&str, bool),
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
) -> bool {
    let without: Vec<_> = roles.iter().map(|r| engine.without(&[r.rule])).collect();
    for class in &sp.classes {
        if out_of_time() {
            return false;
        }
        // Whether each rule covers the class: one answer for every action
        // and license, worked out when first needed.
        let p = class.witness.request(feature, Action::Checkout).folded();
        let mut cov: Vec<Option<bool>> = vec![None; roles.len()];
        for action in [Action::Checkout, Action::Borrow] {
            for serial in serials {
                let mut req = class.witness.request(feature, action);
                req.serial = serial.clone();
                let base = engine.decide_quiet(&req, None, scratch);
                let key = |d: &Decision| (d.decision, d.reason, d.max_borrow_hours);
                for (i, role) in roles.iter().enumerate() {
                    if !role.applies_to_action(action) || !role.applies_to_serial(serial.as_deref())
                    {
                        continue;
                    }
                    let Some(s) = seen.get_mut(&role.rule) else {
                        continue;
                    };
                    let is_allow = role.kind.effect() == Effect::Allow;
                    // Known to have an effect: only an allow rule a deny
                    // rule overrides here has more to learn.
                    if s.effect && !(is_allow && base.reason == Reason::DenyRule) {
                        continue;
                    }
                    let covers = *cov[i].get_or_insert_with(|| engine.covers(role, &p, scratch));
                    if covers && is_allow && base.reason == Reason::DenyRule {
                        // The simplest example: fewest parts named, a
                        // checkout before a borrow.
                        let what = sp.describe(&class.witness, class.alike);
                        let rank = (what.named_parts(), action as u8);
                        if s.overridden_at.as_ref().is_none_or(|o| rank < o.rank) {
                            s.overridden_at = Some(OverriddenAt {
                                deny: base.rules.clone(),
                                serial: serial.clone(),
                                feature: feature.to_string(),
                                other,
                                action,
                                example: class.witness.clone(),
                                what,
                                rank,
                            });
                        }
                    }
                    if s.effect {
                        continue;
                    }
                    let judged = judged(role).unwrap_or(Judged::CountLimit);
                    if covers {
                        s.covered = true;
                    }
                    // Decided before the rule is read: deny rules come
                    // first, then the allow lists, then hours and limits.
                    let before = match role.kind.effect() {
                        Effect::Deny => false,
                        Effect::Allow => base.reason == Reason::DenyRule,
                        _ => matches!(base.reason, Reason::DenyRule | Reason::NotInAllowRule),
                    };
                    if before {
                        if covers {
                            note_shadow(s, &base, &req);
                        }
                        continue;
                    }
                    if judged == Judged::CountLimit {
                        if covers {
                            // It may count: nothing certain without a pool.
                            s.effect = true;
                        }
                        continue;
                    }
                    let sole_allow = is_allow
                        && !roles.iter().any(|o| {
                            o.rule != role.rule
                                && o.kind == role.kind
                                && o.applies_to_serial(serial.as_deref())
                        });
                    if !covers && !sole_allow {
                        // Not covered: the rule plays no part here (an
                        // allow list keeps its other rules).
                        continue;
                    }
                    let after = engine.decide_without(&without[i], &req, None, scratch);
                    if key(&after) != key(&base) {
                        s.effect = true;
                        continue;
                    }
                    if !covers {
                        continue;
                    }
                    // Covered and the same without it: other rules do it.
                    let with: Vec<RuleId> = match role.kind.effect() {
                        Effect::Deny => base
                            .rules
                            .iter()
                            .copied()
                            .filter(|r| *r != role.rule)
                            .collect(),
                        _ => roles
                            .iter()
                            .filter(|o| {
                                o.rule != role.rule
                                    && o.kind == role.kind
                                    && o.applies_to_serial(serial.as_deref())
                                    && (role.hours.is_none()
                                        || o.hours.is_some_and(|h| Some(h) <= role.hours))
                            })
                            .filter(|o| engine.covers(o, &p, scratch))
                            .map(|o| o.rule)
                            .collect(),
                    };
                    let Some(s) = seen.get_mut(&role.rule) else {
                        continue;
                    };
                    if with.is_empty() {
                        // No other rule of its kind covers it: the list
                        // would be empty without it and let everyone in,
                        // or another list denies the request anyway.
                        if base.decision == Verdict::Granted {
                            s.allows_everyone = true;
                        } else {
                            note_shadow(s, &base, &req);
                        }
                        continue;
                    }
                    for w in &with {
                        if !s.with_any.contains(w) {
                            s.with_any.push(*w);
                        }
                    }
                    s.with_all = Some(match s.with_all.take() {
                        None => with,
                        Some(all) => all.into_iter().filter(|w| with.contains(w)).collect(),
                    });
                    if s.with_example.is_none() {
                        s.with_example = Some(class.witness.clone());
                    }
                }
            }
        }
    }
    true
}

/// Notes a covered request decided before the rule is read.
fn note_shadow(s: &mut Seen, base: &Decision, req: &crate::engine::Request) {
    match base.reason {
        Reason::DenyRule => {
            for d in &base.rules {
                if !s.shadow_by.contains(d) {
                    s.shadow_by.push(*d);
                }
            }
            s.shadow_all = Some(match s.shadow_all.take() {
                None => base.rules.clone(),
                Some(all) => all.into_iter().filter(|w| base.rules.contains(w)).collect(),
            });
        }
        _ => {
            for d in &base.rules {
                if !s.not_allowed.contains(&d.kind) {
                    s.not_allowed.push(d.kind);
                }
            }
        }
    }
    if s.shadow_example.is_none() {
        s.shadow_example = Some(base_witness(req));
    }
}

fn base_witness(req: &crate::engine::Request) -> Principal {
    Principal {
        user: req.user.clone(),
        host: req.host.clone(),
        ip: req.ip,
        local_groups: req.local_groups.clone(),
    }
}

/// The user and host names the file names (literal name entries that are
/// not groups), as first written, one per folded spelling.
fn named_names(cfg: &Config) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let lists = cfg
        .all_rules()
        .flat_map(|r| [r.users.as_deref(), r.except_users.as_deref()])
        .chain(cfg.groups.iter().map(|g| g.members.as_ref()))
        .flatten();
    for list in lists {
        for e in list.iter() {
            if cfg.group_index.lookup_entry(&e).is_some() {
                continue;
            }
            if let Pattern::Name(n) = Pattern::parse(e.text)
                && !n.has_wildcard()
                && seen.insert(fold(e.text))
            {
                out.push(e.text.trim().to_string());
            }
        }
    }
    out
}

/// For each allow list of the feature, its first rule, when some of the
/// names the file names are granted the feature without the list and
/// denied with it.
fn denies_others(
    engine: &Engine,
    (feature, other): (&str, bool),
    roles: &[RuleRole],
    names: &[String],
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
) -> Vec<DeniesOthers> {
    let mut out = Vec::new();
    for (kind, action) in [
        (RuleKind::AllowCheckouts, Action::Checkout),
        (RuleKind::AllowBorrows, Action::Borrow),
    ] {
        let list: Vec<RuleId> = roles
            .iter()
            .filter(|r| r.kind == kind && r.serials.is_none())
            .map(|r| r.rule)
            .collect();
        let Some(&first) = list.iter().min_by_key(|r| r.index) else {
            continue;
        };
        let without = engine.without(&list);
        let mut lose = Vec::new();
        let mut at_least = false;
        for (i, n) in names.iter().enumerate() {
            if i % 256 == 255 && out_of_time() {
                at_least = true;
                break;
            }
            let req = Principal {
                user: Some(n.clone()),
                ..Principal::default()
            }
            .request(feature, action);
            let with = engine.decide_quiet(&req, None, scratch);
            if with.decision != Verdict::Denied || with.reason != Reason::NotInAllowRule {
                continue;
            }
            if !with.rules.iter().any(|r| r.kind == kind) {
                continue;
            }
            let after = engine.decide_without(&without, &req, None, scratch);
            if after.decision == Verdict::Granted {
                lose.push(n.clone());
            }
        }
        if !lose.is_empty() {
            out.push(DeniesOthers {
                rule: first,
                feature: feature.to_string(),
                other_feature: other,
                lose: lose.len(),
                at_least,
                examples: lose.into_iter().take(3).collect(),
            });
        }
    }
    out
}
