//! A rule's effect, and for an allow rule a deny rule overriding it, found
//! as a condition on the lists a principal matches ([`Candidates::find`])
//! instead of over the classes: what would make the decision differ
//! without the rule is written as lists to match and lists to avoid, for
//! each action and license, and one principal that meets it is asked for.
//!
//! Whatever is found is decided again by the engine, with and without the
//! rule, before it counts (a condition written wrong can only miss). A
//! condition met by nobody is a proof over every principal: an allow rule
//! that nobody is denied by a deny rule needs no more looking. A rule
//! shown to have no effect gets the notes that say why from conditions
//! too ([`super::noted`]), or from the classes when one is not known.

use super::*;
use crate::analysis::space::{Found, Need};

/// A rule's match as a condition: its USERS (`None`: everyone) and not its
/// EXCEPT_USERS.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lit {
    users: Option<crate::engine::ListId>,
    except: Option<crate::engine::ListId>,
}

impl Lit {
    pub(super) fn of(role: &RuleRole) -> Lit {
        Lit {
            users: role.users,
            except: role.except,
        }
    }
}

/// A condition on a principal: it matches each of `all`, none of `none`,
/// and one rule of each set of `any`.
#[derive(Debug, Default, Clone)]
pub(super) struct Cond {
    pub all: Vec<Lit>,
    pub none: Vec<Lit>,
    pub any: Vec<Vec<Lit>>,
}

/// The most conditions a rule's EXCEPT_USERS may split one into.
const MOST_NEEDS: usize = 64;

impl Cond {
    /// The condition as conditions on lists, one of which must hold
    /// (`None`: more than [`MOST_NEEDS`], or a list not to be found). An
    /// empty result: nobody meets it.
    fn needs(&self) -> Option<Vec<Need>> {
        let mut out = vec![Need::default()];
        let add = |out: &mut Vec<Need>, f: &dyn Fn(&mut Need) -> Vec<Need>| -> Option<()> {
            let next: Vec<Need> = out.iter_mut().flat_map(f).collect();
            if next.len() > MOST_NEEDS {
                return None;
            }
            *out = next;
            Some(())
        };
        for l in &self.all {
            add(&mut out, &|n: &mut Need| {
                let mut n = n.clone();
                if let Some(u) = l.users {
                    n.hit.push(vec![u]);
                }
                n.avoid.extend(l.except);
                vec![n]
            })?;
        }
        for l in &self.none {
            // Not matched: not in USERS, or in EXCEPT_USERS.
            add(&mut out, &|n: &mut Need| {
                let mut v = Vec::new();
                if let Some(u) = l.users {
                    let mut a = n.clone();
                    a.avoid.push(u);
                    v.push(a);
                }
                if let Some(e) = l.except {
                    let mut b = n.clone();
                    b.hit.push(vec![e]);
                    v.push(b);
                }
                v
            })?;
        }
        for set in &self.any {
            if set.iter().any(|l| l.users.is_none() && l.except.is_none()) {
                // One of them matches everyone.
                continue;
            }
            if set.iter().all(|l| l.except.is_none()) {
                let lists: Vec<_> = set.iter().filter_map(|l| l.users).collect();
                add(&mut out, &|n: &mut Need| {
                    let mut n = n.clone();
                    n.hit.push(lists.clone());
                    vec![n]
                })?;
            } else {
                add(&mut out, &|n: &mut Need| {
                    set.iter()
                        .map(|l| {
                            let mut n = n.clone();
                            if let Some(u) = l.users {
                                n.hit.push(vec![u]);
                            }
                            n.avoid.extend(l.except);
                            n
                        })
                        .collect()
                })?;
            }
        }
        Some(out)
    }
}

/// What the conditions told of a rule in one feature.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Told {
    /// Its effect, as proven: `Some(true)` shown by a principal, `Some(false)`
    /// nobody's decision changes without it.
    pub effect: Option<bool>,
    /// For an allow rule: `Some(false)` when no principal it lets in is
    /// denied by a deny rule.
    pub overridden: Option<bool>,
}

/// The feature's rules for one action and license, by their part in the
/// decision.
pub(super) struct Applicable<'a> {
    pub deny: Vec<&'a RuleRole>,
    pub allow_checkouts: Vec<&'a RuleRole>,
    pub allow_borrows: Vec<&'a RuleRole>,
    pub hours: Vec<&'a RuleRole>,
}

impl<'a> Applicable<'a> {
    pub(super) fn new(roles: &'a [RuleRole], action: Action, serial: Option<&str>) -> Self {
        let here = |r: &&RuleRole| r.applies_to_action(action) && r.applies_to_serial(serial);
        let of = |k: RuleKind| roles.iter().filter(here).filter(|r| r.kind == k).collect();
        Applicable {
            deny: roles
                .iter()
                .filter(here)
                .filter(|r| r.kind.effect() == Effect::Deny)
                .collect(),
            allow_checkouts: of(RuleKind::AllowCheckouts),
            allow_borrows: of(RuleKind::AllowBorrows),
            hours: roles
                .iter()
                .filter(here)
                .filter(|r| r.kind == RuleKind::LimitBorrows && r.hours.is_some())
                .collect(),
        }
    }

    /// The allow lists a request of `action` passes through.
    pub(super) fn allow_lists(&self, action: Action) -> Vec<&Vec<&'a RuleRole>> {
        match action {
            Action::Checkout => vec![&self.allow_checkouts],
            Action::Borrow => vec![&self.allow_checkouts, &self.allow_borrows],
        }
    }

    /// The condition that a request passes the allow lists but `skip`
    /// (each list with a rule here: one of them matches).
    pub(super) fn passes(&self, action: Action, skip: Option<RuleKind>, c: &mut Cond) {
        for list in self.allow_lists(action) {
            if list.first().is_some_and(|r| Some(r.kind) != skip) {
                c.any.push(list.iter().map(|r| Lit::of(r)).collect());
            }
        }
    }

    /// The condition that a request reaches the steps after the allow
    /// lists: no deny rule, every allow list passed.
    pub(super) fn reaches_limits(&self, action: Action, c: &mut Cond) {
        c.none.extend(self.deny.iter().map(|r| Lit::of(r)));
        self.passes(action, None, c);
    }
}

/// The conditions under which the decision of a request of `action` differs
/// without `role` (one of which is met exactly when it does).
fn effect_conds(role: &RuleRole, here: &Applicable, action: Action) -> Vec<Cond> {
    let me = Lit::of(role);
    let others = |list: &[&RuleRole]| -> Vec<Lit> {
        list.iter()
            .filter(|r| r.rule != role.rule)
            .map(|r| Lit::of(r))
            .collect()
    };
    match (role.kind.effect(), judged(role)) {
        // Denied by it, and by no other deny rule.
        (Effect::Deny, _) => vec![Cond {
            all: vec![me],
            none: others(&here.deny),
            any: Vec::new(),
        }],
        (Effect::Allow, _) => {
            let list = match role.kind {
                RuleKind::AllowBorrows => &here.allow_borrows,
                _ => &here.allow_checkouts,
            };
            let rest = others(list);
            let mut c = Cond {
                none: others(&here.deny),
                ..Cond::default()
            };
            here.passes(action, Some(role.kind), &mut c);
            if rest.is_empty() {
                // Alone in its list: without it the list lets in whoever
                // it did not match.
                c.none.push(me);
            } else {
                // It lets in someone no other rule of its list does.
                c.all.push(me);
                c.none.extend(rest);
            }
            vec![c]
        }
        // A COUNT limit or reservation counts whoever it covers and
        // reaches the limits.
        (_, Some(Judged::CountLimit)) => {
            let mut c = Cond {
                all: vec![me],
                ..Cond::default()
            };
            here.reaches_limits(action, &mut c);
            vec![c]
        }
        // Borrow HOURS: it is the smallest of those that cover the
        // principal, strictly.
        (_, Some(Judged::Removal)) if role.hours.is_some() => {
            let mut c = Cond {
                all: vec![me],
                ..Cond::default()
            };
            c.none.extend(
                here.hours
                    .iter()
                    .filter(|r| r.rule != role.rule && r.hours <= role.hours)
                    .map(|r| Lit::of(r)),
            );
            here.reaches_limits(action, &mut c);
            vec![c]
        }
        _ => Vec::new(),
    }
}

/// The condition that a deny rule denies a request of `action` that the
/// allow rule `role` lets in and that is granted without the deny rules.
fn overridden_cond(role: &RuleRole, here: &Applicable, action: Action) -> Cond {
    let mut c = Cond {
        all: vec![Lit::of(role)],
        any: vec![here.deny.iter().map(|r| Lit::of(r)).collect()],
        ..Cond::default()
    };
    here.passes(action, Some(role.kind), &mut c);
    c
}

/// A principal meeting one of `conds`: `Found::One` with it, `Nobody` when
/// none meets any, `Unknown` else.
pub(super) fn find(cands: &Candidates, conds: &[Cond]) -> (Found, Vec<Principal>) {
    let mut unknown = false;
    let mut found = Vec::new();
    for c in conds {
        // An `any` set that is empty: nobody.
        if c.any.iter().any(|s| s.is_empty()) {
            continue;
        }
        let Some(needs) = c.needs() else {
            unknown = true;
            continue;
        };
        for n in &needs {
            match cands.find(n) {
                Found::One(p) => found.push(p),
                Found::Nobody => {}
                Found::Unknown => unknown = true,
            }
        }
    }
    let f = if !found.is_empty() {
        Found::One(found[0].clone())
    } else if unknown {
        Found::Unknown
    } else {
        Found::Nobody
    };
    (f, found)
}

/// Settles what the conditions can of `role` in this feature: an effect
/// shown by a principal (decided again by the engine), for an allow rule
/// the simplest principal a deny rule overrides it for, or that nobody's
/// is. Records them in `seen`, and says what was proven.
#[allow(clippy::too_many_arguments)]
pub(super) fn solve(
    engine: &Engine,
    cands: &Candidates,
    (feature, other): (&str, bool),
    role: &RuleRole,
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
    scratch: &mut Scratch,
) -> Told {
    let Some(s) = seen.get(&role.rule) else {
        return Told::default();
    };
    let is_allow = role.kind.effect() == Effect::Allow;
    let want_effect = !s.effect;
    let want_override = is_allow && s.overridden_at.is_none();
    let mut told = Told {
        effect: (!want_effect).then_some(true),
        overridden: None,
    };
    let mut effect_nobody = true;
    let mut override_nobody = true;
    let ways = (&engine.without(&[]), &engine.without(&[role.rule]));
    for (action, serial) in requests_of(role, serials) {
        let here = Applicable::new(roles, action, serial.as_deref());
        let request = |p: &Principal| {
            let mut req = p.request(feature, action);
            req.serial = serial.clone();
            req
        };
        if want_effect && told.effect != Some(true) {
            match effect_here(
                engine,
                cands,
                role,
                &here,
                (feature, action, serial),
                ways,
                scratch,
            ) {
                Found::One(_) => {
                    effect_nobody = false;
                    told.effect = Some(true);
                }
                Found::Nobody => {}
                Found::Unknown => effect_nobody = false,
            }
        }
        if want_override {
            let (found, all) = find(cands, &[overridden_cond(role, &here, action)]);
            match found {
                Found::Nobody => {}
                Found::Unknown => override_nobody = false,
                Found::One(_) => {
                    override_nobody = false;
                    for p in all {
                        let req = request(&p);
                        let base = engine.decide_quiet(&req, None, scratch);
                        if base.reason != Reason::DenyRule
                            || !engine.covers(role, &req.folded(), scratch)
                            || engine
                                .decide_without(&engine.without(&base.rules), &req, None, scratch)
                                .decision
                                != Verdict::Granted
                        {
                            continue;
                        }
                        let what = cands.describe_principal(&p);
                        let rank = (what.named_parts(), p.host.is_some(), action as u8);
                        let Some(s) = seen.get_mut(&role.rule) else {
                            break;
                        };
                        if s.overridden_at.as_ref().is_none_or(|o| rank < o.rank) {
                            s.overridden_at = Some(OverriddenAt {
                                deny: base.rules.clone(),
                                serial: serial.clone(),
                                feature: feature.to_string(),
                                other,
                                action,
                                example: p.clone(),
                                what,
                                rank,
                            });
                        }
                        told.overridden = Some(true);
                        break;
                    }
                }
            }
        }
    }
    if want_effect && told.effect.is_none() && effect_nobody {
        told.effect = Some(false);
    }
    if want_override && told.overridden.is_none() && override_nobody {
        told.overridden = Some(false);
    }
    if told.effect == Some(true)
        && let Some(s) = seen.get_mut(&role.rule)
    {
        s.effect = true;
    }
    told
}

/// Whether the decision of a request of this action and license differs
/// without `role` for some principal, the rules `gone` being out already
/// (`roles` is the feature's rules without them): `One` with a principal
/// whose decision the engine finds changed, `Nobody` when none can be,
/// `Unknown` else.
fn effect_here(
    engine: &Engine,
    cands: &Candidates,
    role: &RuleRole,
    here: &Applicable,
    (feature, action, serial): (&str, Action, &Option<String>),
    (before, after): (&crate::engine::Without, &crate::engine::Without),
    scratch: &mut Scratch,
) -> Found {
    let key = |d: &Decision| (d.decision, d.reason, d.max_borrow_hours);
    let (found, all) = find(cands, &effect_conds(role, here, action));
    if found != Found::Nobody {
        for p in all {
            let mut req = p.request(feature, action);
            req.serial = serial.clone();
            let base = engine.decide_without(before, &req, None, scratch);
            let real = match judged(role) {
                Some(Judged::CountLimit) => {
                    engine.covers(role, &req.folded(), scratch)
                        && !matches!(base.reason, Reason::DenyRule | Reason::NotInAllowRule)
                }
                _ => key(&engine.decide_without(after, &req, None, scratch)) != key(&base),
            };
            if real {
                return Found::One(p);
            }
        }
        // Found by the lists, not by the engine: not a proof either way.
        return Found::Unknown;
    }
    found
}

/// Whether `role` still changes nothing with the rules `gone` out too
/// (for taking the rules found out together): `Some(true)` proven,
/// `Some(false)` a principal's decision changes, `None` not known.
#[allow(clippy::too_many_arguments)]
pub(super) fn still_nothing(
    engine: &Engine,
    cands: &Candidates,
    feature: &str,
    role: &RuleRole,
    roles: &[RuleRole],
    serials: &[Option<String>],
    gone: &[RuleId],
    scratch: &mut Scratch,
) -> Option<bool> {
    let rest: Vec<RuleRole> = roles
        .iter()
        .filter(|r| !gone.contains(&r.rule))
        .cloned()
        .collect();
    let mut trial = gone.to_vec();
    trial.push(role.rule);
    let ways = (&engine.without(gone), &engine.without(&trial));
    let mut all_nobody = true;
    for (action, serial) in requests_of(role, serials) {
        let here = Applicable::new(&rest, action, serial.as_deref());
        match effect_here(
            engine,
            cands,
            role,
            &here,
            (feature, action, serial),
            ways,
            scratch,
        ) {
            Found::One(_) => return Some(false),
            Found::Nobody => {}
            Found::Unknown => all_nobody = false,
        }
    }
    all_nobody.then_some(true)
}
