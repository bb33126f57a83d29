//! The decision engine: the procedure of `docs/semantics.md` (from the
//! vendor's rule documentation), step by step.
//!
//! Rules are compiled once per configuration ([`Engine::new`]); a decision
//! then only looks at the rules indexed under the requested feature. One
//! evaluation path serves both fast decisions and full traces: the trace is
//! only written when asked for.

pub mod matcher;
pub mod pool;

use std::cell::RefCell;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::{Config, Rule};
pub use crate::request::{Action, Request};
use crate::spec::{Effect, RuleKind};
use matcher::{Groups, Hit, Matcher, NameIndex, Principal, Scratch};
use pool::{PoolIndex, SeatSharing};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Granted,
    Denied,
}

/// The reason codes of semantics.md section 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Granted,
    NotLicensed,
    DenyRule,
    NotInAllowRule,
    BorrowHoursExceeded,
    LimitReached,
    ReservedForOthers,
    NoFreeSeat,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Granted => "granted",
            Reason::NotLicensed => "not_licensed",
            Reason::DenyRule => "deny_rule",
            Reason::NotInAllowRule => "not_in_allow_rule",
            Reason::BorrowHoursExceeded => "borrow_hours_exceeded",
            Reason::LimitReached => "limit_reached",
            Reason::ReservedForOthers => "reserved_for_others",
            Reason::NoFreeSeat => "no_free_seat",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepName {
    Licensed,
    Deny,
    Allow,
    BorrowHours,
    Limit,
    Seats,
}

impl StepName {
    pub fn as_str(self) -> &'static str {
        match self {
            StepName::Licensed => "licensed",
            StepName::Deny => "deny",
            StepName::Allow => "allow",
            StepName::BorrowHours => "borrow_hours",
            StepName::Limit => "limit",
            StepName::Seats => "seats",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Denied,
    Skipped,
}

/// What a step found out about one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCheck {
    pub pointer: String,
    pub applies: bool,
    pub matched: bool,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceStep {
    pub step: StepName,
    pub outcome: Outcome,
    pub rules: Vec<RuleCheck>,
    pub detail: String,
}

/// The full answer, as `privy explain --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub decision: Verdict,
    pub reason: Reason,
    /// The determining rules, as JSON Pointers.
    pub rules: Vec<String>,
    pub serial: Option<String>,
    pub max_borrow_hours: Option<u64>,
    pub assumptions: Vec<String>,
    pub missing_inputs: Vec<String>,
    pub trace: Vec<TraceStep>,
}

/// A rule compiled for evaluation.
#[derive(Debug, Clone)]
struct CRule {
    kind: RuleKind,
    pointer: String,
    /// USERS: `None` means everyone.
    users: Option<Matcher>,
    except: Option<Matcher>,
    serials: Option<HashSet<String>>,
    serial_text: String,
    count: Option<u64>,
    hours: Option<u64>,
}

impl CRule {
    /// Its USERS and EXCEPT_USERS, where compiled.
    fn lists(&self) -> impl Iterator<Item = &Matcher> {
        [&self.users, &self.except].into_iter().flatten()
    }
}

/// The rules of one list, indexed by feature.
#[derive(Debug, Clone, Default)]
struct ListIndex {
    by_feature: rustc_hash::FxHashMap<String, Vec<u32>>,
    any_feature: Vec<u32>,
}

impl ListIndex {
    /// Adds rule `id` under its features, keeping every list in file
    /// (id) order.
    fn insert(&mut self, rule: &Rule, id: u32) {
        fn put(v: &mut Vec<u32>, id: u32) {
            if let Err(at) = v.binary_search(&id) {
                v.insert(at, id);
            }
        }
        if rule.any_feature() {
            put(&mut self.any_feature, id);
        } else if let Some(f) = &rule.features {
            for e in f.iter() {
                put(self.by_feature.entry(e.text.to_string()).or_default(), id);
            }
        }
    }

    /// Takes rule `id` out of every feature's list.
    fn remove(&mut self, id: u32) {
        let out = |v: &mut Vec<u32>| {
            if let Ok(at) = v.binary_search(&id) {
                v.remove(at);
            }
        };
        out(&mut self.any_feature);
        self.by_feature.values_mut().for_each(out);
        self.by_feature.retain(|_, v| !v.is_empty());
    }

    /// Indices of the rules that cover `feature`, in file order.
    fn for_feature(&self, feature: &str) -> impl Iterator<Item = u32> + '_ {
        let specific = self.by_feature.get(feature).map_or(&[][..], Vec::as_slice);
        merge(specific, &self.any_feature)
    }
}

fn merge<'a>(a: &'a [u32], b: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || match (a.get(i), b.get(j)) {
        (Some(&x), Some(&y)) if x <= y => {
            i += 1;
            Some(x)
        }
        (_, Some(&y)) => {
            j += 1;
            Some(y)
        }
        (Some(&x), None) => {
            i += 1;
            Some(x)
        }
        (None, None) => None,
    })
}

/// A configuration compiled for decisions. Rebuild it after every edit.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Unique per compilation: a scratch memo is only reused for the engine
    /// it was made with.
    id: u64,
    rules: Vec<CRule>,
    /// Per rule of the configuration (in `Config::all_rules` order): its
    /// index in `rules`, `None` for an empty preset (which is not compiled).
    by_position: Vec<Option<u32>>,
    /// One index per rule kind, in the order of `RuleKind::ALL`.
    lists: [ListIndex; 7],
    groups: Groups,
    /// The name entries of every list, built when first needed: groups are
    /// numbered by position, rule `r`'s USERS and EXCEPT_USERS
    /// `groups + 2r` and `groups + 2r + 1`.
    names: std::sync::OnceLock<NameIndex>,
}

impl Engine {
    /// Numbers rule `id`'s lists for the name index.
    fn number_rule(&mut self, id: u32) {
        let base = (self.groups.matchers.len() + 2 * id as usize) as u32;
        let r = &mut self.rules[id as usize];
        for (m, n) in [(&mut r.users, base), (&mut r.except, base + 1)] {
            if let Some(m) = m {
                m.index_id = Some(n);
            }
        }
    }

    /// Builds now what is otherwise built on a principal's second decision
    /// (the index of every list's names), so that a worker compiling an
    /// engine can do it too.
    pub fn warm_up(&self) {
        self.names();
    }

    /// The name index (built on first use).
    fn names(&self) -> &NameIndex {
        self.names.get_or_init(|| {
            let mut names = NameIndex::default();
            for m in &self.groups.matchers {
                names.add(m);
            }
            for r in &self.rules {
                for m in r.lists() {
                    names.add(m);
                }
            }
            names.finish();
            names
        })
    }

    /// Prepares the scratch for the principal; from its second decision on,
    /// its names are looked up in the index once rather than per list.
    fn prepare(&self, scratch: &mut Scratch, p: &Principal) {
        let again = scratch.prepare(self.id, self.groups.matchers.len(), p);
        if again && !scratch.has_names() {
            scratch.look_up_names(self.names(), |id| self.list(id));
        }
    }

    /// A list by its number in the name index.
    fn list(&self, id: u32) -> Option<&Matcher> {
        let groups = self.groups.matchers.len();
        match (id as usize).checked_sub(groups) {
            None => self.groups.matchers.get(id as usize),
            Some(r) => {
                let rule = self.rules.get(r / 2)?;
                if r % 2 == 0 {
                    rule.users.as_ref()
                } else {
                    rule.except.as_ref()
                }
            }
        }
    }
}

fn next_engine_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Engine {
    pub fn new(cfg: &Config) -> Engine {
        Engine::compile(cfg, |_| true)
    }

    /// An engine that decides requests for `features` only, exactly as
    /// [`Engine::new`] would: the rules that name none of them (and are
    /// not for every feature) are never looked at for such a request, so
    /// they are not compiled. For one decision on a large file (`privy
    /// explain` of one feature among hundreds): a fraction of the time and
    /// memory. Deciding another feature with it is wrong.
    pub fn for_features(cfg: &Config, features: &[&str]) -> Engine {
        Engine::compile(cfg, |rule| {
            rule.any_feature()
                || rule
                    .features
                    .as_deref()
                    .is_some_and(|f| f.iter().any(|e| features.contains(&e.text)))
        })
    }

    fn compile(cfg: &Config, wanted: impl Fn(&Rule) -> bool + Sync) -> Engine {
        let groups = Groups::compile(cfg);
        // Rules compile independently: on every core for a large file. Only
        // those compiled take room (a compiled rule is large: a slot for
        // each of a million rules skipped would be most of the memory).
        // Empty presets are ignored by the server.
        let chosen: Vec<&Rule> = cfg
            .all_rules()
            .filter(|r| !r.empty_preset && wanted(r))
            .collect();
        let bytes = cfg.lists.iter().map(|l| l.span.len()).sum();
        let rules = crate::par::map(&chosen, crate::par::threads_for(bytes), |_, rule| {
            compile_rule(rule, &groups)
        });
        drop(chosen);
        let mut by_position = Vec::new();
        let mut lists: [ListIndex; 7] = Default::default();
        let mut next = 0u32;
        for list in &cfg.lists {
            let idx = &mut lists[kind_index(list.kind)];
            for rule in &list.rules {
                if rule.empty_preset || !wanted(rule) {
                    by_position.push(None);
                    continue;
                }
                by_position.push(Some(next));
                idx.insert(rule, next);
                next += 1;
            }
        }
        let mut engine = Engine {
            id: next_engine_id(),
            rules,
            by_position,
            lists,
            groups,
            names: std::sync::OnceLock::new(),
        };
        for (i, m) in engine.groups.matchers.iter_mut().enumerate() {
            m.index_id = Some(i as u32);
        }
        for id in 0..engine.rules.len() as u32 {
            engine.number_rule(id);
        }
        engine
    }

    /// Follows one edit of the configuration in place, instead of compiling
    /// it all again: `cfg` is the model after the edit and `touched` what
    /// the edit changed, as [`Document::last_change`] says (one field of one
    /// rule, or one group's MEMBERS, with no rule becoming or ceasing to be
    /// an empty preset and no group renamed). Gives false, changing
    /// nothing, when the engine does not fit `cfg` (then compile anew).
    ///
    /// [`Document::last_change`]: crate::document::Document::last_change
    pub fn update(&mut self, cfg: &Config, touched: crate::change::Touched) -> bool {
        use crate::change::Touched;
        match touched {
            Touched::Rule { position, field } => {
                let Some(rule) = cfg.all_rules().nth(position) else {
                    return false;
                };
                let Some(slot) = self.by_position.get(position) else {
                    return false;
                };
                if slot.is_some() == rule.empty_preset
                    || self.by_position.len() != cfg.all_rules().count()
                {
                    return false;
                }
                let Some(id) = *slot else {
                    // An empty preset stays one: the server ignores it.
                    self.id = next_engine_id();
                    return true;
                };
                if self.rules[id as usize].kind != rule.kind {
                    return false;
                }
                let new = compile_rule(rule, &self.groups);
                let old = std::mem::replace(&mut self.rules[id as usize], new);
                self.number_rule(id);
                if let Some(names) = self.names.get_mut() {
                    names.replace(old.lists(), self.rules[id as usize].lists());
                }
                if field == crate::spec::Field::Features {
                    let idx = &mut self.lists[kind_index(rule.kind)];
                    idx.remove(id);
                    idx.insert(rule, id);
                }
            }
            Touched::GroupMembers { position } => {
                let Some(g) = cfg.groups.get(position) else {
                    return false;
                };
                if cfg.groups.len() != self.groups.matchers.len() {
                    return false;
                }
                let Some(old) = self.groups.recompile(position, g) else {
                    return false;
                };
                let new = &mut self.groups.matchers[position];
                new.index_id = Some(position as u32);
                if let Some(names) = self.names.get_mut() {
                    names.replace([&old], [&*new]);
                }
            }
        }
        // A new identity: memos made with the engine before are stale.
        self.id = next_engine_id();
        true
    }

    /// Decides without a trace (fast).
    pub fn verdict(
        &self,
        req: &Request,
        pool: Option<&Counts<'_>>,
        scratch: &mut Scratch,
    ) -> (Verdict, Reason) {
        let d = self.run(req, pool, scratch, Mode::Fast);
        (d.decision, d.reason)
    }

    /// Decides and explains.
    pub fn decide(&self, req: &Request, pool: Option<&Counts<'_>>) -> Decision {
        let mut scratch = Scratch::default();
        self.run(req, pool, &mut scratch, Mode::Trace)
    }

    /// The decision with the determining rules (no trace), for callers that
    /// need the rules but not the text.
    pub fn decide_quiet(
        &self,
        req: &Request,
        pool: Option<&Counts<'_>>,
        scratch: &mut Scratch,
    ) -> Decision {
        self.run(req, pool, scratch, Mode::Quiet)
    }

    fn run(
        &self,
        req: &Request,
        pool: Option<&Counts<'_>>,
        scratch: &mut Scratch,
        mode: Mode,
    ) -> Decision {
        let p = req.principal();
        self.prepare(scratch, &p);
        let mut ctx = Ctx {
            engine: self,
            req,
            p: &p,
            scratch,
            mode,
            missing: Vec::new(),
            steps: Vec::new(),
        };
        let mut assumptions = Vec::new();
        let record = mode != Mode::Fast;
        let Some(counts) = pool else {
            if record {
                assumptions.push("no license pool: seat counts are unknown, usage is taken as zero, and the licensed and seats steps are skipped".to_string());
            }
            if record && req.ip.is_none() {
                assumptions.push("no IP address given: IP entries match nothing".to_string());
            }
            let out = ctx.evaluate(None, req.serial.as_deref());
            return ctx.finish(out, req.serial.clone(), assumptions);
        };
        if record && req.ip.is_none() {
            assumptions.push("no IP address given: IP entries match nothing".to_string());
        }
        let licenses = &counts.index.pool.licenses;
        // Step 1: which licenses can serve the request.
        let candidates: Vec<usize> = match &req.serial {
            Some(s) => licenses
                .iter()
                .position(|l| &l.serial == s && l.seats(&req.feature).is_some())
                .into_iter()
                .collect(),
            None => licenses
                .iter()
                .enumerate()
                .filter(|(_, l)| l.seats(&req.feature).is_some())
                .map(|(i, _)| i)
                .collect(),
        };
        if candidates.is_empty() {
            let detail = match &req.serial {
                Some(s) if licenses.iter().any(|l| &l.serial == s) => {
                    format!("license {s} does not offer {}", req.feature)
                }
                Some(s) => format!("the pool has no license {s}"),
                None => format!("no license in the pool offers {}", req.feature),
            };
            ctx.step(StepName::Licensed, Outcome::Denied, Vec::new(), || {
                detail.clone()
            });
            let out = Out::deny(Reason::NotLicensed, Vec::new(), None);
            return ctx.finish(out, req.serial.clone(), assumptions);
        }
        let mut first: Option<(Out, Vec<TraceStep>, Vec<String>, String)> = None;
        let mut tried = Vec::new();
        for &l in &candidates {
            let serial = licenses[l].serial.clone();
            let start = ctx.steps.len();
            let missing_start = ctx.missing.len();
            ctx.step(StepName::Licensed, Outcome::Passed, Vec::new(), || {
                let seats = licenses[l].seats(&req.feature).unwrap_or(0);
                let held = counts.index.sessions_on(l, &req.feature).len();
                let mut d = format!(
                    "license {serial} offers {} ({seats} seats, {held} in use)",
                    req.feature
                );
                // The last few licenses tried, not all of them: the trace of
                // a pool of thousands of full licenses stays linear.
                const SHOWN: usize = 3;
                if !tried.is_empty() {
                    let from = tried.len().saturating_sub(SHOWN);
                    let earlier = if from > 0 {
                        format!("{from} more, then ")
                    } else {
                        String::new()
                    };
                    d.push_str(&format!(
                        "; tried before: {earlier}{}",
                        tried[from..].join(", ")
                    ));
                }
                d
            });
            let out = ctx.evaluate(Some((counts, l)), Some(&serial));
            if out.verdict == Verdict::Granted {
                if !tried.is_empty() {
                    // Only the license that served the request is traced.
                    ctx.steps.drain(..start);
                }
                return ctx.finish(out, Some(serial), assumptions);
            }
            tried.push(format!("{serial} ({})", out.reason.as_str()));
            let steps: Vec<TraceStep> = ctx.steps.drain(start..).collect();
            let missing: Vec<String> = ctx.missing.drain(missing_start..).collect();
            if first.is_none() {
                first = Some((out, steps, missing, serial));
            }
        }
        // None granted: report the first license's denial.
        let (out, steps, missing, serial) = first.unwrap_or_else(|| {
            (
                Out::deny(Reason::NotLicensed, Vec::new(), None),
                Vec::new(),
                Vec::new(),
                String::new(),
            )
        });
        if candidates.len() > 1 {
            assumptions.push(format!(
                "every license offering {} denied the request: {}; the first one's denial is reported",
                req.feature,
                tried.join(", ")
            ));
        }
        ctx.steps = steps;
        ctx.missing = missing;
        ctx.finish(out, Some(serial), assumptions)
    }
}

fn kind_index(kind: RuleKind) -> usize {
    RuleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Rules of `kind` that apply to the feature and serial, in file order.
/// Rules limited to other serials (or to serials, when there is none) are
/// left out.
fn applicable<'a>(
    engine: &'a Engine,
    feature: &'a str,
    kind: RuleKind,
    serial: Option<&'a str>,
) -> impl Iterator<Item = u32> + 'a {
    engine.lists[kind_index(kind)]
        .for_feature(feature)
        .filter(
            move |&id| match (&engine.rules[id as usize].serials, serial) {
                (None, _) => true,
                (Some(set), Some(s)) => set.contains(s),
                (Some(_), None) => false,
            },
        )
}

fn compile_rule(rule: &Rule, groups: &Groups) -> CRule {
    let users = if rule.any_user() {
        None
    } else {
        // A required USERS that is missing or empty matches nobody.
        Some(
            rule.users
                .as_ref()
                .map(|u| Matcher::compile(u, &groups.index))
                .unwrap_or_default(),
        )
    };
    let except = rule
        .except_users
        .as_ref()
        .filter(|e| !e.is_empty())
        .map(|e| Matcher::compile(e, &groups.index));
    let serials = (!rule.any_serial()).then(|| {
        rule.serials
            .as_ref()
            .map(|s| s.iter().map(|e| e.text.to_string()).collect())
            .unwrap_or_default()
    });
    CRule {
        kind: rule.kind,
        pointer: rule.pointer.clone(),
        users,
        except,
        serial_text: rule
            .serials
            .as_ref()
            .map(|s| s.raw.to_string())
            .unwrap_or_default(),
        serials,
        count: rule
            .count
            .as_ref()
            .and_then(|c| u64::try_from(c.value).ok())
            .filter(|&c| c > 0),
        hours: rule
            .hours
            .as_ref()
            .and_then(|c| u64::try_from(c.value).ok())
            .filter(|&c| c > 0),
    }
}

/// Who holds a feature on a license: (user, host) pairs, folded.
type Holders = rustc_hash::FxHashSet<(String, Option<String>)>;

/// A pool prepared for one engine: sessions by license and feature, with the
/// counts of rules cached (they do not depend on the request).
pub struct Counts<'a> {
    pub index: &'a PoolIndex,
    engine: &'a Engine,
    /// (rule, license, feature position on the license) → sessions covered
    /// (limit) or matched (reserve).
    cache: RefCell<rustc_hash::FxHashMap<(u32, usize, usize), u64>>,
    /// Keys of held sessions per license and feature position, for seat
    /// sharing.
    holders: Vec<Vec<Holders>>,
}

impl<'a> Counts<'a> {
    pub fn new(engine: &'a Engine, index: &'a PoolIndex) -> Self {
        let holders = index
            .sessions
            .iter()
            .map(|features| {
                features
                    .iter()
                    .map(|(_, sessions)| {
                        sessions
                            .iter()
                            .filter_map(|s| {
                                let u = s.principal.user.clone()?;
                                Some((u, s.principal.host.clone()))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Counts {
            index,
            engine,
            cache: RefCell::new(rustc_hash::FxHashMap::default()),
            holders,
        }
    }

    fn sharing(&self) -> SeatSharing {
        self.index.pool.seat_sharing
    }

    /// Whether the principal already holds the feature on the license under
    /// the seat-sharing key.
    fn holds(&self, license: usize, feature: &str, p: &Principal) -> bool {
        let Some(user) = &p.user else { return false };
        let Some(set) = self
            .index
            .feature_position(license, feature)
            .and_then(|f| self.holders.get(license)?.get(f))
        else {
            return false;
        };
        match self.sharing() {
            SeatSharing::None => false,
            SeatSharing::User => set.iter().any(|(u, _)| u == user),
            SeatSharing::UserHost => set.contains(&(user.clone(), p.host.clone())),
        }
    }

    /// Sessions of the feature on the license held by principals the rule
    /// covers (`limit`: USERS and not EXCEPT_USERS, borrows only for
    /// LIMIT_BORROWS) or matches (reserve: USERS).
    fn usage(&self, rule: u32, license: usize, feature: &str, scratch: &mut Scratch) -> u64 {
        let Some(pos) = self.index.feature_position(license, feature) else {
            return 0;
        };
        let key = (rule, license, pos);
        if let Some(&n) = self.cache.borrow().get(&key) {
            return n;
        }
        let r = &self.engine.rules[rule as usize];
        let groups = &self.engine.groups;
        let mut n = 0;
        for s in self.index.sessions_on(license, feature) {
            if r.kind == RuleKind::LimitBorrows && s.kind != Action::Borrow {
                continue;
            }
            scratch.reset(groups.matchers.len());
            let in_users = r
                .users
                .as_ref()
                .is_none_or(|m| matcher::matches(m, groups, &s.principal, scratch));
            let excepted = r.kind.effect() == Effect::Limit
                && r.except
                    .as_ref()
                    .is_some_and(|m| matcher::matches(m, groups, &s.principal, scratch));
            if in_users && !excepted {
                n += 1;
            }
        }
        self.cache.borrow_mut().insert(key, n);
        n
    }
}

/// How the seats of one feature on one license are taken, as the seats
/// step sees them for a principal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatUsage {
    pub seats: u64,
    /// Sessions holding the feature on the license.
    pub used: u64,
    /// Free seats kept for users of reserve rules that do not match the
    /// principal (all reserve rules, without one).
    pub reserved_for_others: u64,
    /// Seats the principal could take: free and not reserved for others.
    pub available: u64,
}

impl Counts<'_> {
    /// Seat usage of `feature` on the license at `license` for `p`, or
    /// `None` when the license does not offer the feature.
    pub fn seat_usage(
        &self,
        license: usize,
        feature: &str,
        p: Option<&Principal>,
    ) -> Option<SeatUsage> {
        let lic = self.index.pool.licenses.get(license)?;
        let seats = lic.seats(feature)?;
        let used = self.index.sessions_on(license, feature).len() as u64;
        let free = seats.saturating_sub(used);
        let engine = self.engine;
        let mut scratch = Scratch::default();
        let mut reserved = 0u64;
        for id in applicable(
            engine,
            feature,
            RuleKind::ReserveCheckouts,
            Some(lic.serial.as_str()),
        ) {
            let r = &engine.rules[id as usize];
            let Some(count) = r.count else { continue };
            scratch.reset(engine.groups.matchers.len());
            let mine = p.is_some_and(|p| {
                r.users
                    .as_ref()
                    .is_none_or(|m| matcher::matches(m, &engine.groups, p, &mut scratch))
            });
            if !mine {
                reserved += count.saturating_sub(self.usage(id, license, feature, &mut scratch));
            }
        }
        let reserved_for_others = reserved.min(free);
        Some(SeatUsage {
            seats,
            used,
            reserved_for_others,
            available: free - reserved_for_others,
        })
    }
}

/// The result of evaluating on one license.
struct Out {
    verdict: Verdict,
    reason: Reason,
    rules: Vec<String>,
    max_hours: Option<u64>,
}

impl Out {
    fn deny(reason: Reason, rules: Vec<String>, max_hours: Option<u64>) -> Out {
        Out {
            verdict: Verdict::Denied,
            reason,
            rules,
            max_hours,
        }
    }
}

struct Ctx<'e, 's> {
    engine: &'e Engine,
    req: &'e Request,
    p: &'e Principal,
    scratch: &'s mut Scratch,
    mode: Mode,
    missing: Vec<String>,
    steps: Vec<TraceStep>,
}

/// How much a decision records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The verdict and reason only (no rules, assumptions or trace).
    Fast,
    /// Also the determining rules, assumptions and missing inputs.
    Quiet,
    /// Everything, with the trace.
    Trace,
}

/// How a rule's USERS (and EXCEPT_USERS) relate to the principal.
enum Cover {
    /// Covered; the hit explains why (None: USERS means everyone).
    Yes(Option<Hit>),
    /// In USERS but excepted.
    Excepted(Option<Hit>),
    No,
}

fn describe_hit(h: &Hit) -> String {
    let entry = match h.attr {
        matcher::Attr::Everyone => "`*` (everyone)".to_string(),
        a => format!("{} matched `{}`", a.as_str(), h.entry),
    };
    match h.via.as_slice() {
        [] => entry,
        [g] => format!("{entry} in group `{g}`"),
        chain => {
            let inner = chain.last().cloned().unwrap_or_default();
            let outer: Vec<&str> = chain[..chain.len() - 1]
                .iter()
                .rev()
                .map(String::as_str)
                .collect();
            format!(
                "{entry} in group `{inner}`, member of `{}`",
                outer.join("`, member of `")
            )
        }
    }
}

impl Ctx<'_, '_> {
    /// The determining rule, unless only the verdict is wanted.
    fn determining(&self, pointer: &str) -> Vec<String> {
        if self.mode == Mode::Fast {
            Vec::new()
        } else {
            vec![pointer.to_string()]
        }
    }

    fn tracing(&self) -> bool {
        self.mode == Mode::Trace
    }

    fn step(
        &mut self,
        step: StepName,
        outcome: Outcome,
        mut rules: Vec<RuleCheck>,
        detail: impl FnOnce() -> String,
    ) {
        if self.tracing() {
            // In file order: list by list, then by position.
            rules.sort_by_key(|r| {
                let mut parts = r.pointer.rsplitn(2, '/');
                let index: usize = parts.next().and_then(|i| i.parse().ok()).unwrap_or(0);
                let list = parts.next().unwrap_or("").trim_start_matches('/');
                let kind = RuleKind::ALL
                    .iter()
                    .position(|k| k.key() == list)
                    .unwrap_or(usize::MAX);
                (kind, index)
            });
            self.steps.push(TraceStep {
                step,
                outcome,
                rules,
                detail: detail(),
            });
        }
    }

    fn note_missing(&mut self, m: &Matcher) {
        if self.mode == Mode::Fast {
            return;
        }
        let needs = matcher::needs(m, &self.engine.groups);
        let mut add = |what: &str| {
            if !self.missing.iter().any(|x| x == what) {
                self.missing.push(what.to_string());
            }
        };
        if needs.ip && self.p.ip.is_none() {
            add("ip");
        }
        if needs.names && self.p.user.is_none() {
            add("user");
        }
        if needs.names && self.p.host.is_none() {
            add("host");
        }
        if needs.local_groups && self.p.local_groups.is_empty() {
            add("local_groups");
        }
    }

    fn list_matches(&mut self, m: &Matcher) -> Option<Option<Hit>> {
        let groups = &self.engine.groups;
        let hit = if self.tracing() {
            matcher::explain(m, groups, self.p, self.scratch).map(Some)
        } else {
            matcher::matches(m, groups, self.p, self.scratch).then_some(None)
        };
        if hit.is_none() {
            self.note_missing(m);
        }
        hit
    }

    /// Whether the rule's USERS match; in a trace, also records why.
    fn check_users(&mut self, r: &CRule, checks: &mut Vec<RuleCheck>) -> bool {
        let c = self.in_users(r);
        let matched = matches!(c, Cover::Yes(_));
        if self.tracing() {
            checks.push(RuleCheck {
                pointer: r.pointer.clone(),
                applies: true,
                matched,
                why: self.cover_text(r, &c),
            });
        }
        matched
    }

    /// Whether the rule's USERS match (EXCEPT_USERS aside).
    fn in_users(&mut self, r: &CRule) -> Cover {
        match &r.users {
            None => Cover::Yes(None),
            Some(m) => self.list_matches(m).map_or(Cover::No, Cover::Yes),
        }
    }

    fn cover(&mut self, r: &CRule) -> Cover {
        let in_users = match &r.users {
            None => Some(None),
            Some(m) => self.list_matches(m),
        };
        let Some(hit) = in_users else {
            return Cover::No;
        };
        if let Some(ex) = &r.except
            && let Some(ex_hit) = self.list_matches(ex)
        {
            return Cover::Excepted(ex_hit);
        }
        Cover::Yes(hit)
    }

    fn cover_text(&self, r: &CRule, c: &Cover) -> String {
        if !self.tracing() {
            return String::new();
        }
        match c {
            Cover::Yes(None) if r.except.is_some() => {
                "covers everyone not in EXCEPT_USERS, the principal included".into()
            }
            Cover::Yes(None) => "covers everyone".into(),
            Cover::Yes(Some(h)) => describe_hit(h),
            Cover::Excepted(h) => format!(
                "in USERS but excepted: {}",
                h.as_ref()
                    .map_or_else(|| "EXCEPT_USERS".to_string(), describe_hit)
            ),
            Cover::No => {
                let who: Vec<&str> = r
                    .users
                    .as_ref()
                    .map(|m| m.list.iter().take(4).map(|e| e.text).collect())
                    .unwrap_or_default();
                if who.is_empty() {
                    "USERS is empty: matches nobody".into()
                } else {
                    format!(
                        "the principal is not in USERS ({}{})",
                        who.join("; "),
                        if r.users.as_ref().is_some_and(|m| m.list.len() > 4) {
                            "; …"
                        } else {
                            ""
                        }
                    )
                }
            }
        }
    }

    /// In a trace, the rules of `kind` for the feature that are left out
    /// because they are limited to serials and the request has none.
    fn serial_skips(&self, kind: RuleKind, serial: Option<&str>, out: &mut Vec<RuleCheck>) {
        if !self.tracing() || serial.is_some() {
            return;
        }
        let list = &self.engine.lists[kind_index(kind)];
        for id in list.for_feature(&self.req.feature) {
            let r = &self.engine.rules[id as usize];
            if r.serials.is_some() {
                out.push(RuleCheck {
                    pointer: r.pointer.clone(),
                    applies: false,
                    matched: false,
                    why: format!(
                        "limited to serial numbers {}; the request names no serial and there is no pool",
                        r.serial_text
                    ),
                });
            }
        }
    }

    fn evaluate(&mut self, pool: Option<(&Counts<'_>, usize)>, serial: Option<&str>) -> Out {
        let borrow = self.req.action == Action::Borrow;
        let engine = self.engine;
        let req = self.req;
        let rules = &engine.rules;
        if pool.is_none() {
            self.step(StepName::Licensed, Outcome::Skipped, Vec::new(), || {
                "no pool: whether a license offers the feature is unknown".into()
            });
        }

        // Step 2: deny rules.
        let mut checks = Vec::new();
        for kind in RuleKind::lists_for(Effect::Deny, borrow) {
            self.serial_skips(kind, serial, &mut checks);
            for id in applicable(engine, &req.feature, kind, serial) {
                let r = &rules[id as usize];
                let matched = self.check_users(r, &mut checks);
                if matched {
                    let pointer = r.pointer.clone();
                    self.step(StepName::Deny, Outcome::Denied, checks, || {
                        format!("denied by {pointer}: deny rules override allow rules")
                    });
                    return Out::deny(Reason::DenyRule, self.determining(&r.pointer), None);
                }
            }
        }
        let n = checks.len();
        self.step(StepName::Deny, Outcome::Passed, checks, || {
            if n == 0 {
                "no deny rule applies".into()
            } else {
                "no applicable deny rule matches".into()
            }
        });

        // Step 3: allow rules, list by list.
        let mut checks = Vec::new();
        // Whether any allow rule applied at all: rules skipped for their
        // serial numbers are in the trace but do not restrict.
        let mut any_applied = false;
        for kind in RuleKind::lists_for(Effect::Allow, borrow) {
            self.serial_skips(kind, serial, &mut checks);
            let mut applies = false;
            let mut any = false;
            for id in applicable(engine, &req.feature, kind, serial) {
                applies = true;
                any_applied = true;
                let r = &rules[id as usize];
                let matched = self.check_users(r, &mut checks);
                if matched {
                    any = true;
                    if !self.tracing() {
                        break;
                    }
                }
            }
            if applies && !any {
                let pointers: Vec<String> = if self.mode == Mode::Fast {
                    Vec::new()
                } else {
                    applicable(engine, &req.feature, kind, serial)
                        .map(|i| rules[i as usize].pointer.clone())
                        .collect()
                };
                let feature = self.req.feature.clone();
                self.step(StepName::Allow, Outcome::Denied, checks, || {
                    format!("{} allows {feature} only to the users it lists, and the principal is in none of them", kind.key())
                });
                return Out::deny(Reason::NotInAllowRule, pointers, None);
            }
        }
        self.step(StepName::Allow, Outcome::Passed, checks, || {
            if !any_applied {
                "no allow rule applies: everyone is allowed".into()
            } else {
                "the principal is in an applicable allow rule".into()
            }
        });

        // Step 4: borrow hours.
        let mut max_hours: Option<u64> = None;
        let mut max_rule: Option<u32> = None;
        if borrow {
            let mut checks = Vec::new();
            self.serial_skips(RuleKind::LimitBorrows, serial, &mut checks);
            for id in applicable(engine, &req.feature, RuleKind::LimitBorrows, serial) {
                let r = &rules[id as usize];
                let Some(h) = r.hours else { continue };
                let c = self.cover(r);
                let covered = matches!(c, Cover::Yes(_));
                if self.tracing() {
                    checks.push(RuleCheck {
                        pointer: r.pointer.clone(),
                        applies: true,
                        matched: covered,
                        why: format!("HOURS {h}: {}", self.cover_text(r, &c)),
                    });
                }
                if covered && max_hours.is_none_or(|m| h < m) {
                    max_hours = Some(h);
                    max_rule = Some(id);
                }
            }
            let from_license = pool.and_then(|(c, l)| c.index.pool.licenses[l].max_borrow_hours);
            if max_hours.is_none() {
                max_hours = from_license;
            }
            let source = match max_rule {
                Some(id) => rules[id as usize].pointer.clone(),
                None if from_license.is_some() => "the license's max_borrow_hours".into(),
                None => String::new(),
            };
            match (self.req.hours, max_hours) {
                (Some(want), Some(max)) if want > max => {
                    self.step(StepName::BorrowHours, Outcome::Denied, checks, || {
                        format!("{want} hours asked, at most {max} allowed (from {source})")
                    });
                    let rules = max_rule
                        .map(|id| vec![rules[id as usize].pointer.clone()])
                        .unwrap_or_default();
                    return Out::deny(Reason::BorrowHoursExceeded, rules, max_hours);
                }
                (want, max) => {
                    self.step(StepName::BorrowHours, Outcome::Passed, checks, || {
                        match (want, max) {
                            (Some(w), Some(m)) => {
                                format!("{w} hours asked, at most {m} allowed (from {source})")
                            }
                            (None, Some(m)) => format!(
                                "no length asked; at most {m} hours allowed (from {source})"
                            ),
                            (Some(w), None) => format!("{w} hours asked; no maximum applies"),
                            (None, None) => "no maximum applies".into(),
                        }
                    })
                }
            }
        } else {
            self.step(StepName::BorrowHours, Outcome::Skipped, Vec::new(), || {
                "a checkout, not a borrow".into()
            });
        }

        // Seat sharing: a principal already holding the feature reuses it.
        if let Some((counts, l)) = pool
            && counts.holds(l, &self.req.feature, self.p)
        {
            let mode = match counts.sharing() {
                SeatSharing::User => "user",
                _ => "user and host",
            };
            self.step(StepName::Limit, Outcome::Skipped, Vec::new(), || format!("seat sharing by {mode}: the principal already holds this feature on the license and reuses that session"));
            self.step(StepName::Seats, Outcome::Skipped, Vec::new(), || {
                "reuses the session it holds: takes no new seat".into()
            });
            return Out {
                verdict: Verdict::Granted,
                reason: Reason::Granted,
                rules: Vec::new(),
                max_hours,
            };
        }

        // Step 5: limits.
        let mut checks = Vec::new();
        for kind in RuleKind::lists_for(Effect::Limit, borrow) {
            self.serial_skips(kind, serial, &mut checks);
            for id in applicable(engine, &req.feature, kind, serial) {
                let r = &rules[id as usize];
                let Some(count) = r.count else { continue };
                let c = self.cover(r);
                let covered = matches!(c, Cover::Yes(_));
                let usage = match (covered, pool) {
                    (true, Some((counts, l))) => {
                        counts.usage(id, l, &self.req.feature, self.scratch)
                    }
                    _ => 0,
                };
                // `usage` may have used the scratch memo for the sessions;
                // back to the requester's.
                self.scratch
                    .prepare(self.engine.id, self.engine.groups.matchers.len(), self.p);
                let reached = covered && usage >= count;
                if self.tracing() {
                    let why = if covered {
                        format!(
                            "{}; {usage} of {count} in use{}",
                            self.cover_text(r, &c),
                            if pool.is_none() {
                                " (no pool: taken as zero)"
                            } else {
                                ""
                            }
                        )
                    } else {
                        self.cover_text(r, &c)
                    };
                    checks.push(RuleCheck {
                        pointer: r.pointer.clone(),
                        applies: true,
                        matched: covered,
                        why,
                    });
                }
                if reached {
                    let pointer = r.pointer.clone();
                    self.step(StepName::Limit, Outcome::Denied, checks, || format!("{pointer} allows {count} at once to the users it covers, and {usage} are in use"));
                    return Out::deny(
                        Reason::LimitReached,
                        self.determining(&r.pointer),
                        max_hours,
                    );
                }
            }
        }
        let n = checks.len();
        self.step(StepName::Limit, Outcome::Passed, checks, || {
            if n == 0 {
                "no limit rule applies".into()
            } else {
                "no applicable limit is reached".into()
            }
        });

        // Step 6: seats and reservations.
        let Some((counts, l)) = pool else {
            self.step(StepName::Seats, Outcome::Skipped, Vec::new(), || {
                "no pool: free seats are unknown".into()
            });
            return Out {
                verdict: Verdict::Granted,
                reason: Reason::Granted,
                rules: Vec::new(),
                max_hours,
            };
        };
        let seats = counts.index.pool.licenses[l]
            .seats(&self.req.feature)
            .unwrap_or(0);
        let held = counts.index.sessions_on(l, &self.req.feature).len() as u64;
        let free = seats.saturating_sub(held);
        let mut checks = Vec::new();
        let mut reserved_for_others = 0u64;
        let mut reserving = Vec::new();
        self.serial_skips(RuleKind::ReserveCheckouts, serial, &mut checks);
        for id in applicable(engine, &req.feature, RuleKind::ReserveCheckouts, serial) {
            let r = &rules[id as usize];
            let Some(count) = r.count else { continue };
            let c = self.in_users(r);
            let mine = matches!(c, Cover::Yes(_));
            let used = counts.usage(id, l, &self.req.feature, self.scratch);
            self.scratch
                .prepare(self.engine.id, self.engine.groups.matchers.len(), self.p);
            let remaining = count.saturating_sub(used);
            if !mine {
                reserved_for_others += remaining;
                if remaining > 0 {
                    reserving.push(r.pointer.clone());
                }
            }
            if self.tracing() {
                let why = if mine {
                    format!(
                        "reserves {count} for users including the principal ({}); the principal may use them",
                        self.cover_text(r, &c)
                    )
                } else {
                    format!(
                        "reserves {count} for others, {used} of them in use: {remaining} kept free"
                    )
                };
                checks.push(RuleCheck {
                    pointer: r.pointer.clone(),
                    applies: true,
                    matched: mine,
                    why,
                });
            }
        }
        let available = free.saturating_sub(reserved_for_others);
        if available >= 1 {
            self.step(StepName::Seats, Outcome::Passed, checks, || format!("{seats} seats, {held} in use, {free} free, {reserved_for_others} reserved for others: {available} available"));
            Out {
                verdict: Verdict::Granted,
                reason: Reason::Granted,
                rules: Vec::new(),
                max_hours,
            }
        } else if free >= 1 {
            self.step(StepName::Seats, Outcome::Denied, checks, || {
                format!("{free} of {seats} seats are free, but all are reserved for others")
            });
            Out::deny(Reason::ReservedForOthers, reserving, max_hours)
        } else {
            self.step(StepName::Seats, Outcome::Denied, checks, || {
                format!("all {seats} seats are in use")
            });
            Out::deny(Reason::NoFreeSeat, Vec::new(), max_hours)
        }
    }

    fn finish(self, out: Out, serial: Option<String>, assumptions: Vec<String>) -> Decision {
        Decision {
            decision: out.verdict,
            reason: out.reason,
            rules: out.rules,
            serial,
            max_borrow_hours: out.max_hours,
            assumptions,
            missing_inputs: self.missing,
            trace: self.steps,
        }
    }
}
