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
use super::space::{self, Budget, Candidates, What};
use crate::engine::matcher::Scratch;
use crate::engine::{Action, Decision, Engine, Reason, RuleRole, Verdict};
use crate::model::Config;
use crate::pattern::Pattern;
use crate::request::Principal;
use crate::rule_id::RuleId;
use crate::spec::{Effect, RuleKind};

mod by_rule;
mod examine;
mod kept;
mod noted;
mod others;
mod quick;
mod solved;
mod together;

use by_rule::{by_rule, settled};
use examine::examine;
use others::{denies_others, named_names};
use quick::{LARGE_RULES, quick_effects};
use together::together;

/// Why a rule has no effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoEffectReason {
    /// It covers no principal for any feature it lists.
    MatchesNobody,
    /// Everyone it covers is denied before it is read: by these deny rules
    /// (`not_allowed` empty), or for not being in these allow lists.
    /// `some`: the rules and lists named are some of those that do it
    /// (seen on the classes' witnesses of a rule examined rule by rule).
    Shadowed {
        by: Vec<RuleId>,
        not_allowed: Vec<RuleKind>,
        example: Principal,
        some: bool,
    },
    /// Other rules already do the same for everyone it covers (one of
    /// them covers all of them when `with` has one rule and not `some`).
    Redundant {
        with: Vec<RuleId>,
        example: Principal,
        some: bool,
    },
    /// An allow rule for everyone, alone in its list for its features:
    /// without it nobody is restricted either.
    AllowsEveryone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoEffect {
    pub rule: RuleId,
    pub why: NoEffectReason,
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
    /// Rules whose effect is not known (a feature they apply to was not
    /// examined wholly for them), by list and number: not reported either
    /// way.
    pub rules_left: Vec<RuleId>,
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

/// The actions and licenses of the feature's requests that `role` applies
/// to: every checkout and borrow, for each license asked for (`serials`).
fn requests_of<'a>(
    role: &'a RuleRole,
    serials: &'a [Option<String>],
) -> impl Iterator<Item = (Action, &'a Option<String>)> + 'a {
    [Action::Checkout, Action::Borrow]
        .into_iter()
        .filter(|&a| role.applies_to_action(a))
        .flat_map(move |a| {
            serials
                .iter()
                .filter(|s| role.applies_to_serial(s.as_deref()))
                .map(move |s| (a, s))
        })
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
    /// For allow rules: the features where no principal it lets in is
    /// denied by a deny rule (proven as a condition on the lists,
    /// [`solved`]).
    no_override_in: Vec<String>,
    /// The features where it has no effect and why was worked out as
    /// conditions on the lists ([`noted`]): nothing is left there.
    noted_in: Vec<String>,
    /// Examined in classes that tell its own lists apart, not every list:
    /// the rules seen doing the same (or denying first) are some of them.
    coarse: bool,
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
    /// The simplest example first: the fewest parts named, then none of
    /// them a host (a name is met as a user first: "user ivan, IP
    /// 4.3.2.10" before "user ivan, host anna"), a checkout before a
    /// borrow.
    rank: (usize, bool, u8),
}

fn judged(role: &RuleRole) -> Option<Judged> {
    match role.kind.effect() {
        Effect::Allow | Effect::Deny => Some(Judged::Removal),
        Effect::Limit if role.count.is_some() => Some(Judged::CountLimit),
        Effect::Limit if role.hours.is_some() => Some(Judged::Removal),
        _ => None,
    }
}

/// How long the window (beside it) and `privy check` work on the findings
/// before they report what they have (`findings-partial`). Findings that
/// finish sooner end there: a 5 000-rule file's take about 3.5 s.
pub const TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

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

/// A feature whose space with every list apart has at most this many
/// classes is examined in it, every rule at once (the notes then name
/// exactly the rules that do the same); a larger one rule by rule, each in
/// the decisions' space with that rule's lists apart.
pub const EXACT_CLASSES: usize = 2_000;

/// The findings of `cfg` (compiled as `engine`) within `budget`.
pub fn findings(cfg: &Config, engine: &Engine, budget: &Budget) -> Findings {
    findings_with(
        cfg,
        engine,
        budget,
        cfg.all_rules().count() > LARGE_RULES,
        EXACT_CLASSES,
    )
}

/// [`findings`], trying each rule's own entries before the principal space
/// when `quick` (as on large files), and examining a feature rule by rule
/// when its space with every list apart has more than `exact_classes`
/// classes. The rules reported are the same either way (a property test
/// checks it); only the notes' examples may differ.
pub fn findings_with(
    cfg: &Config,
    engine: &Engine,
    budget: &Budget,
    quick: bool,
    exact_classes: usize,
) -> Findings {
    std::thread::scope(|s| findings_in(s, cfg, engine, budget, quick, exact_classes))
}

/// [`findings_with`], the candidates of a large file's features worked out
/// ahead on another thread of `s`.
fn findings_in<'scope, 'env: 'scope>(
    s: &'scope std::thread::Scope<'scope, 'env>,
    cfg: &'env Config,
    engine: &'env Engine,
    budget: &Budget,
    quick: bool,
    exact_classes: usize,
) -> Findings {
    // New work stops at nine tenths of the time left: what is under way
    // when it stops (a feature's candidates, a rule's classes, taking the
    // rules out together) finishes within the budget.
    let now = Instant::now();
    let budget = &Budget {
        deadline: budget
            .deadline
            .map(|d| d - d.saturating_duration_since(now) / 10),
        ..*budget
    };
    // Every list apart: which rule covers whom is told apart, not only
    // what decisions see (two allow rules of one list are one bit to a
    // decision).
    let pruned = &Budget {
        per_list: false,
        ..*budget
    };
    // Large files go rule by rule at once: the space with every list
    // apart is rarely small there, and trying it costs more than the rules.
    let every_list = &Budget {
        per_list: true,
        classes: if quick {
            0
        } else {
            exact_classes.min(budget.classes)
        },
        ..*budget
    };
    let budget = pruned;
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
    let mut names_once: Option<others::Named> = None;
    let mut scratch = Scratch::default();
    let mut kept = kept::Kept::new();
    if quick {
        let features: Vec<String> = features_of(v, engine, engine)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        kept.ahead(s, cfg, engine, features, *budget);
    }
    // Small files are examined class by class whatever happens (the
    // simplest examples for the notes); large ones try the rules' own
    // entries first.
    let large = quick;
    // Features examined rule by rule, for the second pass.
    let mut later: Vec<Later> = Vec::new();
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
            left(&mut out, &mut seen, &feature, &roles);
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
        }
        // Every rule shown to matter on its own entries, and no allow rule
        // whose overriding deny rules are still to be found: no principal
        // space is needed for the feature.
        let decided = large
            && roles.iter().all(|r| {
                r.kind.effect() != Effect::Allow && seen.get(&r.rule).is_some_and(|s| s.effect)
            });
        let whole = decided
            || !out_of_time() && {
                let cands = kept.of(cfg, engine, &feature, budget);
                (every_list.classes > 0 && {
                    let sp = cands.space(every_list);
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
                            None,
                        )
                }) || {
                    // Rule by rule: a first look now, the rest once every
                    // feature had its look (most rules are settled by then).
                    by_rule(
                        engine,
                        &cands,
                        (&feature, other),
                        &roles,
                        &serials,
                        &mut seen,
                        &mut scratch,
                        &out_of_time,
                        budget,
                        &mut out,
                        false,
                    );
                    later.push((feature.clone(), other, roles.clone(), serials.clone()));
                    true
                }
            };
        if !whole {
            left(&mut out, &mut seen, &feature, &roles);
            continue;
        }
        let names = names_once.get_or_insert_with(|| named_names(cfg, engine));
        out.denies_others.extend(denies_others(
            engine,
            (&feature, other),
            &roles,
            names,
            &mut scratch,
            &out_of_time,
        ));
    }
    // The rules the first looks did not settle, examined whole.
    let out_of_time = || budget.deadline.is_some_and(|d| Instant::now() >= d);
    for (feature, other, roles, serials) in later {
        if !roles.iter().any(|r| !settled(r, &seen, &feature)) {
            continue;
        }
        if out_of_time() {
            let open: Vec<RuleRole> = roles
                .into_iter()
                .filter(|r| !settled(r, &seen, &feature))
                .collect();
            left(&mut out, &mut seen, &feature, &open);
            continue;
        }
        let cands = kept.of(cfg, engine, &feature, budget);
        by_rule(
            engine,
            &cands,
            (&feature, other),
            &roles,
            &serials,
            &mut seen,
            &mut scratch,
            &out_of_time,
            budget,
            &mut out,
            true,
        );
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
        if s.unknown && !s.effect {
            out.rules_left.push(id);
        }
        if s.effect || s.unknown {
            continue;
        }
        let why = if !s.covered {
            NoEffectReason::MatchesNobody
        } else if let Some(example) = s.with_example {
            let (with, some) = match s.with_all {
                Some(all) if !all.is_empty() => (all[..1].to_vec(), false),
                _ => (s.with_any.clone(), s.coarse),
            };
            NoEffectReason::Redundant {
                with,
                example,
                some,
            }
        } else if s.allows_everyone {
            NoEffectReason::AllowsEveryone
        } else if let Some(example) = s.shadow_example {
            let (by, some) = match s.shadow_all {
                Some(all) if !all.is_empty() => (all[..1].to_vec(), false),
                _ => (s.shadow_by, s.coarse),
            };
            NoEffectReason::Shadowed {
                by,
                not_allowed: s.not_allowed,
                example,
                some,
            }
        } else {
            continue;
        };
        out.no_effect.push(NoEffect { rule: id, why });
        helpers.push((id, with_any));
    }
    out.rules_left.sort();
    together(cfg, engine, budget, &mut out.no_effect, &helpers, &mut kept);
    out
}

/// A feature examined rule by rule, kept for the second pass: its name,
/// whether it stands for every feature not named, its rules and licenses.
type Later = (String, bool, Vec<RuleRole>, Vec<Option<String>>);

/// A feature not examined wholly: it is said, and its rules are not
/// claimed to have no effect.
fn left(out: &mut Findings, seen: &mut FxHashMap<RuleId, Seen>, feature: &str, roles: &[RuleRole]) {
    out.exhaustive = false;
    out.features_left.push(feature.to_string());
    for r in roles {
        if let Some(s) = seen.get_mut(&r.rule) {
            s.unknown = true;
        }
    }
}
