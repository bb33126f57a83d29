//! The decision procedure of `docs/semantics.md` section 5: license
//! choice, then the steps in order, with the trace written only when asked.

use super::compile::{applicable, kind_index};
use super::matcher::{Hit, Matcher, Principal, Scratch};
use super::pool::SeatSharing;
use super::*;
use crate::spec::{Effect, RuleKind};

impl Engine {
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

    pub(super) fn run(
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

/// The result of evaluating on one license.
pub(super) struct Out {
    pub(super) verdict: Verdict,
    pub(super) reason: Reason,
    pub(super) rules: Vec<String>,
    pub(super) max_hours: Option<u64>,
}

impl Out {
    pub(super) fn deny(reason: Reason, rules: Vec<String>, max_hours: Option<u64>) -> Out {
        Out {
            verdict: Verdict::Denied,
            reason,
            rules,
            max_hours,
        }
    }
}

pub(super) struct Ctx<'e, 's> {
    pub(super) engine: &'e Engine,
    pub(super) req: &'e Request,
    pub(super) p: &'e Principal,
    pub(super) scratch: &'s mut Scratch,
    pub(super) mode: Mode,
    pub(super) missing: Vec<String>,
    pub(super) steps: Vec<TraceStep>,
}

/// How much a decision records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// The verdict and reason only (no rules, assumptions or trace).
    Fast,
    /// Also the determining rules, assumptions and missing inputs.
    Quiet,
    /// Everything, with the trace.
    Trace,
}

/// How a rule's USERS (and EXCEPT_USERS) relate to the principal.
pub(super) enum Cover {
    /// Covered; the hit explains why (None: USERS means everyone).
    Yes(Option<Hit>),
    /// In USERS but excepted.
    Excepted(Option<Hit>),
    No,
}

pub(super) fn describe_hit(h: &Hit) -> String {
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
    pub(super) fn determining(&self, pointer: &str) -> Vec<String> {
        if self.mode == Mode::Fast {
            Vec::new()
        } else {
            vec![pointer.to_string()]
        }
    }

    pub(super) fn tracing(&self) -> bool {
        self.mode == Mode::Trace
    }

    pub(super) fn step(
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

    pub(super) fn note_missing(&mut self, m: &Matcher) {
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

    /// Whether the rule's USERS match; in a trace, also records why.
    pub(super) fn check_users(&mut self, r: &CRule, checks: &mut Vec<RuleCheck>) -> bool {
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
    pub(super) fn in_users(&mut self, r: &CRule) -> Cover {
        match &r.users {
            None => Cover::Yes(None),
            Some(m) => self.list_matches(m).map_or(Cover::No, Cover::Yes),
        }
    }

    pub(super) fn cover(&mut self, r: &CRule) -> Cover {
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

    pub(super) fn cover_text(&self, r: &CRule, c: &Cover) -> String {
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

    /// The steps of `docs/semantics.md` section 5 after the choice of a
    /// license, in order, on one license (`pool`) or without a pool: the
    /// first that denies decides.
    pub(super) fn evaluate(
        &mut self,
        pool: Option<(&Counts<'_>, usize)>,
        serial: Option<&str>,
    ) -> Out {
        self.licensed_without_pool(pool);
        if let Err(out) = self.deny_step(serial) {
            return out;
        }
        if let Err(out) = self.allow_step(serial) {
            return out;
        }
        let max_hours = match self.borrow_hours_step(pool, serial) {
            Ok(max) => max,
            Err(out) => return out,
        };
        if let Some(out) = self.reuses_a_session(pool, max_hours) {
            return out;
        }
        if let Err(out) = self.limit_step(pool, serial, max_hours) {
            return out;
        }
        self.seats_step(pool, serial, max_hours)
    }

    /// Step 1 without a pool: whether a license offers the feature is
    /// unknown (with a pool, `Engine::run` chose the license).
    fn licensed_without_pool(&mut self, pool: Option<(&Counts<'_>, usize)>) {
        if pool.is_none() {
            self.step(StepName::Licensed, Outcome::Skipped, Vec::new(), || {
                "no pool: whether a license offers the feature is unknown".into()
            });
        }
    }

    /// Step 2: an applicable deny rule that matches the principal denies.
    fn deny_step(&mut self, serial: Option<&str>) -> Result<(), Out> {
        let borrow = self.req.action == Action::Borrow;
        let engine = self.engine;
        let req = self.req;
        let rules = &engine.rules;
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
                    return Err(Out::deny(
                        Reason::DenyRule,
                        self.determining(&r.pointer),
                        None,
                    ));
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
        Ok(())
    }

    /// Step 3: for each allow list that has applicable rules, the principal
    /// must match one of them.
    fn allow_step(&mut self, serial: Option<&str>) -> Result<(), Out> {
        let borrow = self.req.action == Action::Borrow;
        let engine = self.engine;
        let req = self.req;
        let rules = &engine.rules;
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
                return Err(Out::deny(Reason::NotInAllowRule, pointers, None));
            }
        }
        self.step(StepName::Allow, Outcome::Passed, checks, || {
            if !any_applied {
                "no allow rule applies: everyone is allowed".into()
            } else {
                "the principal is in an applicable allow rule".into()
            }
        });
        Ok(())
    }

    /// Step 4: a borrow may not ask for more hours than the smallest
    /// covering HOURS (else the license's maximum). Gives that maximum.
    fn borrow_hours_step(
        &mut self,
        pool: Option<(&Counts<'_>, usize)>,
        serial: Option<&str>,
    ) -> Result<Option<u64>, Out> {
        let borrow = self.req.action == Action::Borrow;
        let engine = self.engine;
        let req = self.req;
        let rules = &engine.rules;
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
                    return Err(Out::deny(Reason::BorrowHoursExceeded, rules, max_hours));
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
        Ok(max_hours)
    }

    /// Seat sharing: a principal already holding the feature on the license
    /// reuses that session, and the limit and seat steps do not count it.
    fn reuses_a_session(
        &mut self,
        pool: Option<(&Counts<'_>, usize)>,
        max_hours: Option<u64>,
    ) -> Option<Out> {
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
            return Some(Out {
                verdict: Verdict::Granted,
                reason: Reason::Granted,
                rules: Vec::new(),
                max_hours,
            });
        }
        None
    }

    /// Step 5: an applicable limit that covers the principal and whose
    /// count is reached denies.
    fn limit_step(
        &mut self,
        pool: Option<(&Counts<'_>, usize)>,
        serial: Option<&str>,
        max_hours: Option<u64>,
    ) -> Result<(), Out> {
        let borrow = self.req.action == Action::Borrow;
        let engine = self.engine;
        let req = self.req;
        let rules = &engine.rules;
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
                    return Err(Out::deny(
                        Reason::LimitReached,
                        self.determining(&r.pointer),
                        max_hours,
                    ));
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
        Ok(())
    }

    /// Step 6: a free seat for this principal on the license, after the
    /// seats reserved for others.
    fn seats_step(
        &mut self,
        pool: Option<(&Counts<'_>, usize)>,
        serial: Option<&str>,
        max_hours: Option<u64>,
    ) -> Out {
        let engine = self.engine;
        let req = self.req;
        let rules = &engine.rules;
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

    pub(super) fn finish(
        self,
        out: Out,
        serial: Option<String>,
        assumptions: Vec<String>,
    ) -> Decision {
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
