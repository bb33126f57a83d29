//! Why a rule has no effect in a feature, as conditions on the lists a
//! principal matches ([`super::solved`]) instead of over the classes: the
//! notes the classes would give (who covers everyone it covers, who denies
//! them first, which lists they are not in), each claim "for everyone" a
//! condition met by nobody and each "for someone" one met by somebody.
//!
//! The notes are exact (not "some of them"): a rule of another list does
//! the same for everyone exactly when nobody the rule covers is left out
//! by it. Any condition not known either way leaves the rule to the
//! classes.

use super::solved::{Applicable, Cond, Lit, find};
use super::*;
use crate::analysis::space::Found;

/// What the notes of one feature found, merged into [`Seen`] at the end.
struct Notes<'a> {
    /// Whether a rule covers a principal, asked of the engine.
    covers: &'a mut dyn FnMut(&RuleRole, &Principal) -> bool,
    /// The notes' fields of [`Seen`], for this feature alone.
    found: Seen,
}

/// Not known either way: the classes decide.
struct Unknown;

/// Someone meets `c` (`Some`), or nobody.
fn some(cands: &Candidates, c: &Cond) -> Result<Option<Principal>, Unknown> {
    match find(cands, std::slice::from_ref(c)).0 {
        Found::One(p) => Ok(Some(p)),
        Found::Nobody => Ok(None),
        Found::Unknown => Err(Unknown),
    }
}

fn with(c: &Cond, f: impl FnOnce(&mut Cond)) -> Cond {
    let mut c = c.clone();
    f(&mut c);
    c
}

fn push_new<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn intersect(all: &mut Option<Vec<RuleId>>, these: Vec<RuleId>) {
    *all = Some(match all.take() {
        None => these,
        Some(a) => a.into_iter().filter(|r| these.contains(r)).collect(),
    });
}

impl Notes<'_> {
    /// Principals `base` holds, each denied by a deny rule first: which
    /// deny rules do it to some of them, and to all of them.
    fn denied_first(
        &mut self,
        cands: &Candidates,
        base: &Cond,
        deny: &[&RuleRole],
    ) -> Result<(), Unknown> {
        let any_deny = with(base, |c| {
            c.any.push(deny.iter().map(|d| Lit::of(d)).collect())
        });
        let Some(w) = some(cands, &any_deny)? else {
            return Ok(());
        };
        let mut all = Vec::new();
        for d in deny {
            if some(cands, &with(base, |c| c.all.push(Lit::of(d))))?.is_some() {
                push_new(&mut self.found.shadow_by, d.rule);
            }
            // One that denies them all denies this one (asked of the engine
            // first: most do not).
            if (self.covers)(d, &w)
                && some(cands, &with(&any_deny, |c| c.none.push(Lit::of(d))))?.is_none()
            {
                all.push(d.rule);
            }
        }
        self.found.shadow_example.get_or_insert(w);
        intersect(&mut self.found.shadow_all, all);
        Ok(())
    }

    /// Principals `base` holds that are not in the allow list `list`.
    fn not_in(
        &mut self,
        cands: &Candidates,
        base: &Cond,
        list: &[&RuleRole],
    ) -> Result<(), Unknown> {
        let Some(first) = list.first() else {
            return Ok(());
        };
        let c = with(base, |c| c.none.extend(list.iter().map(|r| Lit::of(r))));
        if let Some(w) = some(cands, &c)? {
            push_new(&mut self.found.not_allowed, first.kind);
            self.found.shadow_example.get_or_insert(w);
        }
        Ok(())
    }

    /// Principals `base` holds, decided the same without the rule: those
    /// some of `others` cover too (which do, for some and for all), and
    /// those none does (granted: the rule lets everyone in; else denied by
    /// the allow lists `then`).
    fn others_do(
        &mut self,
        cands: &Candidates,
        base: &Cond,
        others: &[&RuleRole],
        then: &dyn Fn(&mut Cond),
        denied_by: &[&[&RuleRole]],
    ) -> Result<(), Unknown> {
        let lits: Vec<Lit> = others.iter().map(|r| Lit::of(r)).collect();
        if !lits.is_empty() {
            let covered = with(base, |c| c.any.push(lits.clone()));
            if let Some(w) = some(cands, &covered)? {
                let mut all = Vec::new();
                for o in others {
                    if some(cands, &with(base, |c| c.all.push(Lit::of(o))))?.is_some() {
                        push_new(&mut self.found.with_any, o.rule);
                    }
                    if (self.covers)(o, &w)
                        && some(cands, &with(&covered, |c| c.none.push(Lit::of(o))))?.is_none()
                    {
                        all.push(o.rule);
                    }
                }
                intersect(&mut self.found.with_all, all);
                self.found.with_example.get_or_insert(w);
            }
        }
        let alone = with(base, |c| c.none.extend(lits.iter().copied()));
        if some(cands, &with(&alone, then))?.is_some() {
            self.found.allows_everyone = true;
        }
        for list in denied_by {
            self.not_in(cands, &alone, list)?;
        }
        Ok(())
    }
}

/// The notes of `role` in this feature, where it is known to have no
/// effect: merged into `seen` and true, or false (nothing recorded) when a
/// condition is not known either way.
pub(super) fn note(
    engine: &Engine,
    cands: &Candidates,
    feature: &str,
    role: &RuleRole,
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
) -> bool {
    let mut scratch = Scratch::default();
    let mut covers = |r: &RuleRole, p: &Principal| {
        engine.covers(r, &p.request("", Action::Checkout).folded(), &mut scratch)
    };
    let mut n = Notes {
        covers: &mut covers,
        found: Seen::default(),
    };
    if notes(&mut n, cands, role, roles, serials).is_err() {
        return false;
    }
    let Some(s) = seen.get_mut(&role.rule) else {
        return false;
    };
    s.covered |= n.found.covered;
    for r in n.found.shadow_by {
        push_new(&mut s.shadow_by, r);
    }
    if let Some(all) = n.found.shadow_all {
        intersect(&mut s.shadow_all, all);
    }
    for k in n.found.not_allowed {
        push_new(&mut s.not_allowed, k);
    }
    if s.shadow_example.is_none() {
        s.shadow_example = n.found.shadow_example;
    }
    for r in n.found.with_any {
        push_new(&mut s.with_any, r);
    }
    if let Some(all) = n.found.with_all {
        intersect(&mut s.with_all, all);
    }
    if s.with_example.is_none() {
        s.with_example = n.found.with_example;
    }
    s.allows_everyone |= n.found.allows_everyone;
    s.noted_in.push(feature.to_string());
    true
}

fn notes(
    n: &mut Notes,
    cands: &Candidates,
    role: &RuleRole,
    roles: &[RuleRole],
    serials: &[Option<String>],
) -> Result<(), Unknown> {
    let me = Lit::of(role);
    for (action, serial) in requests_of(role, serials) {
        let here = Applicable::new(roles, action, serial.as_deref());
        let covers = Cond {
            all: vec![me],
            ..Cond::default()
        };
        if some(cands, &covers)?.is_none() {
            continue;
        }
        n.found.covered = true;
        let deny: Vec<&RuleRole> = here
            .deny
            .iter()
            .copied()
            .filter(|d| d.rule != role.rule)
            .collect();
        let not_denied = with(&covers, |c| c.none.extend(deny.iter().map(|d| Lit::of(d))));
        match (role.kind.effect(), judged(role)) {
            (Effect::Deny, _) => {
                // Another deny rule denies everyone it covers (it has
                // no effect): which do, for some and for all.
                if some(cands, &not_denied)?.is_some() {
                    return Err(Unknown);
                }
                n.others_do(cands, &covers, &deny, &|_| {}, &[])?;
            }
            (Effect::Allow, _) => {
                n.denied_first(cands, &covers, &deny)?;
                let (list, other) = match role.kind {
                    RuleKind::AllowBorrows => (&here.allow_borrows, &here.allow_checkouts),
                    _ => (&here.allow_checkouts, &here.allow_borrows),
                };
                let others: Vec<&RuleRole> = list
                    .iter()
                    .copied()
                    .filter(|r| r.rule != role.rule)
                    .collect();
                let other_list: Vec<&RuleRole> = match action {
                    Action::Borrow => other.clone(),
                    Action::Checkout => Vec::new(),
                };
                let passes = |c: &mut Cond| here.passes(action, Some(role.kind), c);
                n.others_do(cands, &not_denied, &others, &passes, &[&other_list])?;
            }
            (_, Some(judged)) => {
                n.denied_first(cands, &covers, &deny)?;
                n.not_in(cands, &not_denied, &here.allow_checkouts)?;
                if action == Action::Borrow {
                    let passed = with(&not_denied, |c| {
                        here.passes(Action::Checkout, None, c);
                    });
                    n.not_in(cands, &passed, &here.allow_borrows)?;
                }
                let reaches = with(&covers, |c| here.reaches_limits(action, c));
                match judged {
                    Judged::CountLimit => {
                        // Someone it covers reaches the limits: it may
                        // count, so it has an effect after all.
                        if some(cands, &reaches)?.is_some() {
                            return Err(Unknown);
                        }
                    }
                    Judged::Removal => {
                        let others: Vec<&RuleRole> = here
                            .hours
                            .iter()
                            .copied()
                            .filter(|o| o.rule != role.rule && o.hours <= role.hours)
                            .collect();
                        n.others_do(cands, &reaches, &others, &|_| {}, &[])?;
                    }
                }
            }
            _ => return Err(Unknown),
        }
    }
    Ok(())
}
