//! The decision procedure of `docs/semantics.md` section 5: license
//! choice, then the steps in order, with the trace written only when asked.

use super::compile::{applicable, kind_index};
use super::matcher::{FoldedPrincipal, Hit, Matcher, Scratch};
use super::trace::{Mode, Recorder};
use super::*;
use crate::rule_id::RuleId;
use crate::spec::{Effect, RuleKind};

impl Engine {
    /// Decides without a trace (fast).
    pub fn verdict(
        &self,
        req: &Request,
        pool: Option<&PoolView<'_>>,
        scratch: &mut Scratch,
    ) -> (Verdict, Reason) {
        let d = self.run(req, pool, scratch, Mode::Fast);
        (d.decision, d.reason)
    }

    /// Decides and explains.
    pub fn decide(&self, req: &Request, pool: Option<&PoolView<'_>>) -> Decision {
        let mut scratch = Scratch::default();
        self.run(req, pool, &mut scratch, Mode::Trace)
    }

    /// The decision with the determining rules (no trace), for callers that
    /// need the rules but not the text.
    pub fn decide_quiet(
        &self,
        req: &Request,
        pool: Option<&PoolView<'_>>,
        scratch: &mut Scratch,
    ) -> Decision {
        self.run(req, pool, scratch, Mode::Quiet)
    }

    /// The decision (with its determining rules, no trace) of the file
    /// without the rules `without`: what removing them would change,
    /// without compiling the file again.
    pub fn decide_without(
        &self,
        without: &Without,
        req: &Request,
        pool: Option<&PoolView<'_>>,
        scratch: &mut Scratch,
    ) -> Decision {
        self.run_skipping(req, pool, scratch, Mode::Quiet, &without.0)
    }

    /// The rules `ids` (of this engine's file) for [`Engine::decide_without`].
    pub fn without(&self, ids: &[RuleId]) -> Without {
        if ids.is_empty() {
            return Without(Vec::new());
        }
        // A few are looked for in the list; many (rules taken out together)
        // in a set, not each compiled rule against each of them.
        let set: rustc_hash::FxHashSet<RuleId> = if ids.len() > 8 {
            ids.iter().copied().collect()
        } else {
            Default::default()
        };
        let mut v: Vec<u32> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                if set.is_empty() {
                    ids.contains(&r.id)
                } else {
                    set.contains(&r.id)
                }
            })
            .map(|(i, _)| i as u32)
            .collect();
        v.sort_unstable();
        Without(v)
    }

    pub(super) fn run(
        &self,
        req: &Request,
        pool: Option<&PoolView<'_>>,
        scratch: &mut Scratch,
        mode: Mode,
    ) -> Decision {
        self.run_skipping(req, pool, scratch, mode, &[])
    }

    fn run_skipping(
        &self,
        req: &Request,
        pool: Option<&PoolView<'_>>,
        scratch: &mut Scratch,
        mode: Mode,
        skip: &[u32],
    ) -> Decision {
        let p = req.folded();
        self.prepare(scratch, &p);
        let mut ctx = Deciding {
            engine: self,
            req,
            p: &p,
            scratch,
            rec: Recorder::new(mode),
            missing: Vec::new(),
            skip,
        };
        let mut assumptions = Vec::new();
        let record = ctx.rec.quiet_or_more();
        if record && pool.is_none() {
            assumptions.push(Assumption::NoPool);
        }
        if record && req.principal.ip.is_none() {
            assumptions.push(Assumption::NoIp);
        }
        let Some(counts) = pool else {
            let out = ctx.evaluate(None, req.serial.as_deref());
            return ctx.finish(out, req.serial.clone(), assumptions);
        };
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
            ctx.rec.step(
                StepName::Licensed,
                Outcome::Denied,
                Vec::new(),
                || match &req.serial {
                    Some(s) if licenses.iter().any(|l| &l.serial == s) => {
                        Found::LicenseLacksFeature {
                            serial: s.clone(),
                            feature: req.feature.clone(),
                        }
                    }
                    Some(s) => Found::NoSuchLicense { serial: s.clone() },
                    None => Found::NoLicenseOffers {
                        feature: req.feature.clone(),
                    },
                },
            );
            // In a trace, the later steps are still recorded as not
            // reached (semantics 9.5): "no license offers it, and a deny
            // rule would also match".
            if ctx.tracing() {
                let (at, missing_at) = (ctx.rec.steps.len(), ctx.missing.len());
                let _ = ctx.steps(None, req.serial.as_deref());
                ctx.not_reached(at, missing_at);
                // Its seats step ran as if there were no pool; there is
                // one, and no license in it to count seats on.
                for step in &mut ctx.rec.steps[at..] {
                    if step.found == Found::SeatsUnknown {
                        step.found = Found::NoSeatsWithoutLicense;
                    }
                }
            }
            let out = Evaluated::deny(Reason::NotLicensed, Vec::new(), None);
            return ctx.finish(out, req.serial.clone(), assumptions);
        }
        let mut first: Option<(Evaluated, Vec<TraceStep>, Vec<String>, String)> = None;
        let mut tried: Vec<(String, Reason)> = Vec::new();
        for &l in &candidates {
            let serial = licenses[l].serial.clone();
            let start = ctx.rec.mark();
            let missing_start = ctx.missing.len();
            ctx.rec
                .step(StepName::Licensed, Outcome::Passed, Vec::new(), || {
                    // The last few licenses tried, not all of them: the trace of
                    // a pool of thousands of full licenses stays linear.
                    const SHOWN: usize = 3;
                    let from = tried.len().saturating_sub(SHOWN);
                    Found::Offers {
                        serial: serial.clone(),
                        feature: req.feature.clone(),
                        seats: licenses[l].seats(&req.feature).unwrap_or(0),
                        held: counts.index.sessions_on(l, &req.feature).len(),
                        earlier: from,
                        tried: tried[from..].to_vec(),
                    }
                });
            let out = ctx.evaluate(Some((counts, l)), Some(&serial));
            if out.verdict == Verdict::Granted {
                if !tried.is_empty() {
                    // Only the license that served the request is traced.
                    ctx.rec.steps.drain(..start);
                }
                return ctx.finish(out, Some(serial), assumptions);
            }
            tried.push((serial.clone(), out.reason));
            let steps: Vec<TraceStep> = ctx.rec.steps.drain(start..).collect();
            let missing: Vec<String> = ctx.missing.drain(missing_start..).collect();
            if first.is_none() {
                first = Some((out, steps, missing, serial));
            }
        }
        // None granted: report the first license's denial.
        let (out, steps, missing, serial) = first.unwrap_or_else(|| {
            (
                Evaluated::deny(Reason::NotLicensed, Vec::new(), None),
                Vec::new(),
                Vec::new(),
                String::new(),
            )
        });
        if record && candidates.len() > 1 {
            assumptions.push(Assumption::EveryLicenseDenied {
                feature: req.feature.clone(),
                tried,
            });
        }
        ctx.rec.steps = steps;
        ctx.missing = missing;
        ctx.finish(out, Some(serial), assumptions)
    }
}

/// The result of evaluating on one license.
pub(super) struct Evaluated {
    pub(super) verdict: Verdict,
    pub(super) reason: Reason,
    pub(super) rules: Vec<RuleId>,
    pub(super) max_hours: Option<u64>,
}

impl Evaluated {
    pub(super) fn grant(max_hours: Option<u64>) -> Evaluated {
        Evaluated {
            verdict: Verdict::Granted,
            reason: Reason::Granted,
            rules: Vec::new(),
            max_hours,
        }
    }

    /// A grant names the allow rules that matched (semantics 9.2).
    fn granted_by(mut self, allowed: Vec<RuleId>) -> Evaluated {
        if self.verdict == Verdict::Granted {
            self.rules = allowed;
        }
        self
    }

    pub(super) fn deny(reason: Reason, rules: Vec<RuleId>, max_hours: Option<u64>) -> Evaluated {
        Evaluated {
            verdict: Verdict::Denied,
            reason,
            rules,
            max_hours,
        }
    }
}

/// One decision under way: what it asks, the memo, and where it records.
pub(super) struct Deciding<'e, 's> {
    pub(super) engine: &'e Engine,
    pub(super) req: &'e Request,
    pub(super) p: &'e FoldedPrincipal,
    pub(super) scratch: &'s mut Scratch,
    pub(super) rec: Recorder,
    pub(super) missing: Vec<String>,
    /// Rules (compiled ids) decided as if the file did not have them.
    pub(super) skip: &'e [u32],
}

impl Deciding<'_, '_> {
    pub(super) fn tracing(&self) -> bool {
        self.rec.tracing()
    }

    pub(super) fn note_missing(&mut self, m: &Matcher) {
        if !self.rec.quiet_or_more() {
            return;
        }
        let unknown = self.unknown(m);
        let mut add = |what: &str| {
            if !self.missing.iter().any(|x| x == what) {
                self.missing.push(what.to_string());
            }
        };
        if unknown.ip {
            add("ip");
        }
        if unknown.user {
            add("user");
        }
        if unknown.host {
            add("host");
        }
        if unknown.local_groups {
            add("local_groups");
        }
    }

    /// Whether the principal matches the list: `Some(hit)` if it does (the
    /// hit only in a trace).
    pub(super) fn list_matches(&mut self, m: &Matcher) -> Option<Option<Hit>> {
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

    /// How the rule's USERS cover the principal (EXCEPT_USERS aside, unless
    /// `with_except`). What matched is only known in a trace; else the
    /// cover says only yes or no.
    pub(super) fn cover(&mut self, r: &CompiledRule, with_except: bool) -> Cover {
        let in_users = match &r.users {
            None => Some(None),
            Some(m) => self.list_matches(m),
        };
        let Some(hit) = in_users else {
            return self.not_in(r);
        };
        if with_except
            && let Some(ex) = &r.except
            && let Some(ex_hit) = self.list_matches(ex)
        {
            return Cover::Excepted(ex_hit);
        }
        match hit {
            Some(h) => Cover::Matched(h),
            // USERS means everyone (or, in a fast decision, matched).
            None => Cover::Everyone {
                except: r.except.is_some(),
            },
        }
    }

    fn not_in(&self, r: &CompiledRule) -> Cover {
        let (true, Some(m)) = (self.tracing(), &r.users) else {
            return Cover::NotIn {
                first: Vec::new(),
                more: false,
                unknown: Unknown::default(),
            };
        };
        Cover::NotIn {
            first: m.list.iter().take(4).map(|e| e.text.to_string()).collect(),
            more: m.list.len() > 4,
            unknown: self.unknown(m),
        }
    }

    /// The unset inputs that entries of `m` could have matched.
    fn unknown(&self, m: &Matcher) -> Unknown {
        let needs = matcher::needs(m, &self.engine.groups);
        Unknown {
            user: needs.names && self.p.user.is_none(),
            host: needs.names && self.p.host.is_none(),
            ip: needs.ip && self.p.ip.is_none(),
            local_groups: needs.local_groups && self.p.local_groups.is_empty(),
        }
    }

    /// In a trace, the rules of `kind` for the feature that are left out
    /// because they are limited to serials and the request has none.
    pub(super) fn serial_skips(
        &self,
        kind: RuleKind,
        serial: Option<&str>,
        out: &mut Vec<RuleCheck>,
    ) {
        if !self.tracing() || serial.is_some() {
            return;
        }
        let list = &self.engine.lists[kind_index(kind)];
        for id in list.for_feature(&self.req.feature) {
            let r = &self.engine.rules[id as usize];
            if r.serials.is_some() {
                out.push(RuleCheck {
                    rule: r.id,
                    applies: false,
                    matched: false,
                    why: Why::SerialOnly {
                        serials: r.serial_text.clone(),
                    },
                });
            }
        }
    }

    /// The steps of `docs/semantics.md` section 5 after the choice of a
    /// license, in order, on one license (`pool`) or without a pool: the
    /// first that denies decides.
    pub(super) fn evaluate(
        &mut self,
        pool: Option<(&PoolView<'_>, usize)>,
        serial: Option<&str>,
    ) -> Evaluated {
        self.licensed_without_pool(pool);
        self.steps(pool, serial)
    }

    /// The steps after "licensed" (see [`Deciding::evaluate`]).
    fn steps(&mut self, pool: Option<(&PoolView<'_>, usize)>, serial: Option<&str>) -> Evaluated {
        let mut decided: Option<Evaluated> = None;
        // In a trace, the steps after the deciding one are still taken and
        // recorded as not reached (what they would have found: "the allow
        // rule matched but the deny rule won"); otherwise the first denial
        // ends the decision.
        let go_on = self.tracing();
        let mut from = usize::MAX;
        let mut missing_at = usize::MAX;
        macro_rules! step {
            ($e:expr) => {
                if let Err(out) = $e {
                    if decided.is_none() {
                        from = self.rec.steps.len();
                        missing_at = self.missing.len();
                        decided = Some(out);
                        if !go_on {
                            return decided.take().unwrap_or_else(|| unreachable!());
                        }
                    }
                }
            };
        }
        step!(self.deny_step(serial));
        let mut allowed_by = Vec::new();
        match self.allow_step(serial) {
            Ok(rules) => allowed_by = rules,
            Err(out) => step!(Err::<(), _>(out)),
        }
        let max_hours = match self.borrow_hours_step(pool, serial) {
            Ok(max) => max,
            Err(out) => {
                step!(Err::<(), _>(out));
                None
            }
        };
        if let Some(out) = self.reuses_a_session(pool, max_hours) {
            if let Some(first) = decided {
                self.not_reached(from, missing_at);
                return first;
            }
            return out.granted_by(allowed_by);
        }
        step!(self.limit_step(pool, serial, max_hours));
        let last = self.seats_step(pool, serial, max_hours);
        match decided {
            Some(first) => {
                self.not_reached(from, missing_at);
                first
            }
            None => last.granted_by(allowed_by),
        }
    }

    /// Marks the steps recorded from `from` on (after the deciding one) as
    /// not reached, but those that would not apply anyway (skipped).
    fn not_reached(&mut self, from: usize, missing_at: usize) {
        // The inputs the decision needed are those of the steps it took.
        self.missing.truncate(missing_at);
        for step in self.rec.steps.iter_mut().skip(from) {
            if step.outcome != Outcome::Skipped {
                step.outcome = Outcome::NotReached;
            }
        }
    }

    /// Step 1 without a pool: whether a license offers the feature is
    /// unknown (with a pool, `Engine::run` chose the license).
    fn licensed_without_pool(&mut self, pool: Option<(&PoolView<'_>, usize)>) {
        if pool.is_none() {
            self.rec
                .step(StepName::Licensed, Outcome::Skipped, Vec::new(), || {
                    Found::NoPool
                });
        }
    }

    /// Step 2: an applicable deny rule that matches the principal denies.
    fn deny_step(&mut self, serial: Option<&str>) -> Result<(), Evaluated> {
        let borrow = self.req.action == Action::Borrow;
        let (engine, req) = (self.engine, self.req);
        let mut checks = Vec::new();
        let mut denied_by: Vec<(u32, RuleId)> = Vec::new();
        for kind in RuleKind::lists_for(Effect::Deny, borrow) {
            self.serial_skips(kind, serial, &mut checks);
            for id in applicable(engine, &req.feature, kind, serial, self.skip) {
                let r = &engine.rules[id as usize];
                let cover = self.cover(r, false);
                let matched = cover.covered();
                self.rec
                    .check(&mut checks, r.id, matched, || Why::Users(cover));
                if matched {
                    // Every matching deny rule determines (all of them must
                    // go for the request to pass); a fast decision stops at
                    // the first.
                    if !self.rec.quiet_or_more() {
                        return Err(Evaluated::deny(Reason::DenyRule, Vec::new(), None));
                    }
                    denied_by.push((id, r.id));
                }
            }
        }
        // File order, whichever list comes first in the file (semantics
        // 9.4): rules are numbered in file order when compiled.
        denied_by.sort_unstable_by_key(|&(id, _)| id);
        let denied_by: Vec<RuleId> = denied_by.into_iter().map(|(_, rule)| rule).collect();
        if let Some(&first) = denied_by.first() {
            self.rec.step(StepName::Deny, Outcome::Denied, checks, || {
                Found::DeniedBy(first)
            });
            return Err(Evaluated::deny(Reason::DenyRule, denied_by, None));
        }
        let none = checks.is_empty();
        self.rec.step(StepName::Deny, Outcome::Passed, checks, || {
            if none {
                Found::NoDenyApplies
            } else {
                Found::NoDenyMatches
            }
        });
        Ok(())
    }

    /// Step 3: for each allow list that has applicable rules, the principal
    /// must match one of them.
    fn allow_step(&mut self, serial: Option<&str>) -> Result<Vec<RuleId>, Evaluated> {
        let borrow = self.req.action == Action::Borrow;
        let (engine, req) = (self.engine, self.req);
        let mut checks = Vec::new();
        // Whether any allow rule applied at all: rules skipped for their
        // serial numbers are in the trace but do not restrict.
        let mut any_applied = false;
        // The allow rules that matched, in file order: a grant names them.
        let mut allowed_by: Vec<(u32, RuleId)> = Vec::new();
        for kind in RuleKind::lists_for(Effect::Allow, borrow) {
            self.serial_skips(kind, serial, &mut checks);
            let mut applies = false;
            let mut any = false;
            for id in applicable(engine, &req.feature, kind, serial, self.skip) {
                applies = true;
                any_applied = true;
                let r = &engine.rules[id as usize];
                let cover = self.cover(r, false);
                let matched = cover.covered();
                self.rec
                    .check(&mut checks, r.id, matched, || Why::Users(cover));
                if matched {
                    any = true;
                    if !self.rec.quiet_or_more() {
                        break;
                    }
                    allowed_by.push((id, r.id));
                }
            }
            if applies && !any {
                let rules: Vec<RuleId> = if self.rec.quiet_or_more() {
                    applicable(engine, &req.feature, kind, serial, self.skip)
                        .map(|i| engine.rules[i as usize].id)
                        .collect()
                } else {
                    Vec::new()
                };
                self.rec.step(StepName::Allow, Outcome::Denied, checks, || {
                    Found::NotInAllowList {
                        kind,
                        feature: req.feature.clone(),
                    }
                });
                return Err(Evaluated::deny(Reason::NotInAllowRule, rules, None));
            }
        }
        self.rec.step(StepName::Allow, Outcome::Passed, checks, || {
            if any_applied {
                Found::InAllowRule
            } else {
                Found::NoAllowApplies
            }
        });
        allowed_by.sort_unstable_by_key(|&(id, _)| id);
        Ok(allowed_by.into_iter().map(|(_, rule)| rule).collect())
    }

    /// Step 4: a borrow may not ask for more hours than the smallest
    /// covering HOURS (else the license's maximum). Gives that maximum.
    fn borrow_hours_step(
        &mut self,
        pool: Option<(&PoolView<'_>, usize)>,
        serial: Option<&str>,
    ) -> Result<Option<u64>, Evaluated> {
        if self.req.action != Action::Borrow {
            self.rec
                .step(StepName::BorrowHours, Outcome::Skipped, Vec::new(), || {
                    Found::NotABorrow
                });
            return Ok(None);
        }
        let (engine, req) = (self.engine, self.req);
        let mut max_hours: Option<u64> = None;
        // Every covering rule at the smallest HOURS (ties all determine).
        let mut max_rules: Vec<RuleId> = Vec::new();
        let mut checks = Vec::new();
        self.serial_skips(RuleKind::LimitBorrows, serial, &mut checks);
        for id in applicable(
            engine,
            &req.feature,
            RuleKind::LimitBorrows,
            serial,
            self.skip,
        ) {
            let r = &engine.rules[id as usize];
            if let Some(field) = r.ignored {
                self.rec.ignored(&mut checks, r.id, field);
                continue;
            }
            let Some(hours) = r.hours else { continue };
            let cover = self.cover(r, true);
            let covered = cover.covered();
            self.rec
                .check(&mut checks, r.id, covered, || Why::Hours { hours, cover });
            if covered && max_hours.is_none_or(|m| hours < m) {
                max_hours = Some(hours);
                max_rules.clear();
            }
            if covered && max_hours == Some(hours) {
                max_rules.push(r.id);
            }
        }
        let from_license = pool.and_then(|(c, l)| c.index.pool.licenses[l].max_borrow_hours);
        if max_hours.is_none() {
            max_hours = from_license;
        }
        let source = match max_rules.first() {
            Some(&id) => HoursSource::Rule(id),
            None if from_license.is_some() => HoursSource::License,
            None => HoursSource::Nowhere,
        };
        let wanted = req.hours;
        let exceeded = matches!((wanted, max_hours), (Some(w), Some(m)) if w > m);
        let outcome = if exceeded {
            Outcome::Denied
        } else {
            Outcome::Passed
        };
        self.rec
            .step(StepName::BorrowHours, outcome, checks, || Found::Hours {
                wanted,
                max: max_hours,
                source,
            });
        if exceeded {
            return Err(Evaluated::deny(
                Reason::BorrowHoursExceeded,
                max_rules,
                max_hours,
            ));
        }
        Ok(max_hours)
    }

    /// Seat sharing: a principal already holding the feature on the license
    /// reuses that session, and the limit and seat steps do not count it.
    fn reuses_a_session(
        &mut self,
        pool: Option<(&PoolView<'_>, usize)>,
        max_hours: Option<u64>,
    ) -> Option<Evaluated> {
        let (counts, l) = pool?;
        if !counts.holds(l, &self.req.feature, self.p) {
            return None;
        }
        let sharing = counts.sharing();
        self.rec
            .step(StepName::Limit, Outcome::Skipped, Vec::new(), || {
                Found::ReusesSession(sharing)
            });
        self.rec
            .step(StepName::Seats, Outcome::Skipped, Vec::new(), || {
                Found::TakesNoSeat
            });
        Some(Evaluated::grant(max_hours))
    }

    /// Step 5: an applicable limit that covers the principal and whose
    /// count is reached denies.
    fn limit_step(
        &mut self,
        pool: Option<(&PoolView<'_>, usize)>,
        serial: Option<&str>,
        max_hours: Option<u64>,
    ) -> Result<(), Evaluated> {
        let borrow = self.req.action == Action::Borrow;
        let (engine, req) = (self.engine, self.req);
        let mut checks = Vec::new();
        let mut reached: Vec<(u32, LimitAt)> = Vec::new();
        for kind in RuleKind::lists_for(Effect::Limit, borrow) {
            self.serial_skips(kind, serial, &mut checks);
            for id in applicable(engine, &req.feature, kind, serial, self.skip) {
                let r = &engine.rules[id as usize];
                if let Some(field) = r.ignored {
                    self.rec.ignored(&mut checks, r.id, field);
                    continue;
                }
                let Some(count) = r.count else { continue };
                let cover = self.cover(r, true);
                let covered = cover.covered();
                let usage = match (covered, pool) {
                    (true, Some((counts, l))) => counts.usage(id, l, &req.feature, self.scratch),
                    _ => 0,
                };
                // `usage` may have used the scratch memo for the sessions;
                // back to the requester's.
                self.scratch
                    .prepare(engine.id, engine.groups.matchers.len(), self.p);
                let pooled = pool.is_some();
                self.rec.check(&mut checks, r.id, covered, || Why::Limit {
                    cover,
                    usage,
                    count,
                    pooled,
                });
                if covered && usage >= count {
                    // Every limit at its count determines; a fast decision
                    // stops at the first.
                    if !self.rec.quiet_or_more() {
                        return Err(Evaluated::deny(Reason::LimitReached, Vec::new(), max_hours));
                    }
                    reached.push((
                        id,
                        LimitAt {
                            rule: r.id,
                            count,
                            usage,
                        },
                    ));
                }
            }
        }
        if !reached.is_empty() {
            reached.sort_unstable_by_key(|&(id, _)| id);
            let reached: Vec<LimitAt> = reached.into_iter().map(|(_, at)| at).collect();
            let rules = reached.iter().map(|at| at.rule).collect();
            self.rec.step(StepName::Limit, Outcome::Denied, checks, || {
                Found::LimitReached(reached)
            });
            return Err(Evaluated::deny(Reason::LimitReached, rules, max_hours));
        }
        let none = checks.is_empty();
        self.rec.step(StepName::Limit, Outcome::Passed, checks, || {
            if none {
                Found::NoLimitApplies
            } else {
                Found::NoLimitReached
            }
        });
        Ok(())
    }

    /// Step 6: a free seat for this principal on the license, after the
    /// seats reserved for others.
    fn seats_step(
        &mut self,
        pool: Option<(&PoolView<'_>, usize)>,
        serial: Option<&str>,
        max_hours: Option<u64>,
    ) -> Evaluated {
        let (engine, req) = (self.engine, self.req);
        let Some((counts, l)) = pool else {
            self.rec
                .step(StepName::Seats, Outcome::Skipped, Vec::new(), || {
                    Found::SeatsUnknown
                });
            return Evaluated::grant(max_hours);
        };
        let seats = counts.index.pool.licenses[l]
            .seats(&req.feature)
            .unwrap_or(0);
        let held = counts.index.sessions_on(l, &req.feature).len() as u64;
        let free = seats.saturating_sub(held);
        let mut checks = Vec::new();
        let mut reserved_for_others = 0u64;
        let mut reserving = Vec::new();
        self.serial_skips(RuleKind::ReserveCheckouts, serial, &mut checks);
        for id in applicable(
            engine,
            &req.feature,
            RuleKind::ReserveCheckouts,
            serial,
            self.skip,
        ) {
            let r = &engine.rules[id as usize];
            if let Some(field) = r.ignored {
                self.rec.ignored(&mut checks, r.id, field);
                continue;
            }
            let Some(count) = r.count else { continue };
            let cover = self.cover(r, false);
            let mine = cover.covered();
            let used = counts.usage(id, l, &req.feature, self.scratch);
            self.scratch
                .prepare(engine.id, engine.groups.matchers.len(), self.p);
            let remaining = count.saturating_sub(used);
            if !mine {
                reserved_for_others += remaining;
                if remaining > 0 {
                    reserving.push(r.id);
                }
            }
            self.rec.check(&mut checks, r.id, mine, || {
                if mine {
                    Why::ReservesMine { count, cover }
                } else {
                    Why::ReservesForOthers {
                        count,
                        used,
                        remaining,
                    }
                }
            });
        }
        let available = free.saturating_sub(reserved_for_others);
        if available >= 1 {
            self.rec
                .step(StepName::Seats, Outcome::Passed, checks, || Found::Seats {
                    seats,
                    held,
                    free,
                    reserved_for_others,
                });
            Evaluated::grant(max_hours)
        } else if free >= 1 {
            self.rec.step(StepName::Seats, Outcome::Denied, checks, || {
                Found::AllReserved { free, seats }
            });
            Evaluated::deny(Reason::ReservedForOthers, reserving, max_hours)
        } else {
            self.rec.step(StepName::Seats, Outcome::Denied, checks, || {
                Found::AllInUse { seats }
            });
            Evaluated::deny(Reason::NoFreeSeat, Vec::new(), max_hours)
        }
    }

    pub(super) fn finish(
        self,
        out: Evaluated,
        serial: Option<String>,
        assumptions: Vec<Assumption>,
    ) -> Decision {
        Decision {
            decision: out.verdict,
            reason: out.reason,
            rules: out.rules,
            serial,
            max_borrow_hours: out.max_hours,
            assumptions,
            missing_inputs: self.missing,
            trace: self.rec.steps,
        }
    }
}
