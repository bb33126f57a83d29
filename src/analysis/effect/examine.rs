//! A feature decided class by class, with and without each rule.

use super::*;

/// Decides every class, action and license of the feature with and
/// without each rule. False when the time ran out (nothing is then known
/// of this feature's rules).
#[allow(clippy::too_many_arguments)]
pub(super) fn examine(
    engine: &Engine,
    sp: &space::Space,
    (feature, other): (&str, bool),
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
    only: Option<RuleId>,
) -> bool {
    let without: Vec<_> = roles
        .iter()
        .map(|r| {
            if only.is_none_or(|o| o == r.rule) {
                engine.without(&[r.rule])
            } else {
                engine.without(&[])
            }
        })
        .collect();
    for class in &sp.classes {
        if out_of_time() {
            return false;
        }
        // Whether each rule covers the class: one answer for every action
        // and license, worked out when first needed.
        let p = class.witness.request(feature, Action::Checkout).folded();
        let mut cov: Vec<Option<bool>> = vec![None; roles.len()];
        // What the class stands for, described once (for the notes).
        let mut what_here: Option<What> = None;
        let mut example_here: Option<Principal> = None;
        for action in [Action::Checkout, Action::Borrow] {
            for serial in serials {
                let mut req = class.witness.request(feature, action);
                req.serial = serial.clone();
                let base = engine.decide_quiet(&req, None, scratch);
                let key = |d: &Decision| (d.decision, d.reason, d.max_borrow_hours);
                for (i, role) in roles.iter().enumerate() {
                    if only.is_some_and(|r| r != role.rule) {
                        continue;
                    }
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
                        // The simplest example: fewest parts named, none a
                        // host if it can be (a name met as a user), a
                        // checkout before a borrow; taken from every way
                        // into the class, not only its witness.
                        let example = example_here
                            .get_or_insert_with(|| {
                                sp.what(class)
                                    .ways
                                    .iter()
                                    .map(|w| w.witness.clone())
                                    .min_by_key(|p| (parts_named(p), p.host.is_some()))
                                    .unwrap_or_else(|| class.witness.clone())
                            })
                            .clone();
                        let what = what_here.get_or_insert_with(|| sp.describe_principal(&example));
                        let rank = (what.named_parts(), example.host.is_some(), action as u8);
                        let mut ex_req = example.request(feature, action);
                        ex_req.serial = serial.clone();
                        // The example must be someone a deny rule denies
                        // and the allow rule really lets in once the deny
                        // rules are gone, not someone another list denies
                        // anyway (each asked of the engine).
                        if s.overridden_at.as_ref().is_none_or(|o| rank < o.rank) {
                            let ex_base = engine.decide_quiet(&ex_req, None, scratch);
                            if ex_base.reason == Reason::DenyRule
                                && engine.covers(role, &ex_req.folded(), scratch)
                                && engine
                                    .decide_without(
                                        &engine.without(&ex_base.rules),
                                        &ex_req,
                                        None,
                                        scratch,
                                    )
                                    .decision
                                    == Verdict::Granted
                            {
                                let what = what.clone();
                                s.overridden_at = Some(OverriddenAt {
                                    deny: ex_base.rules.clone(),
                                    serial: serial.clone(),
                                    feature: feature.to_string(),
                                    other,
                                    action,
                                    example,
                                    what,
                                    rank,
                                });
                            }
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
        user: req.principal.user.clone(),
        host: req.principal.host.clone(),
        ip: req.principal.ip,
        local_groups: req.principal.local_groups.clone(),
    }
}

/// How many parts of a principal are given.
fn parts_named(p: &Principal) -> usize {
    usize::from(p.user.is_some())
        + usize::from(p.host.is_some())
        + usize::from(p.ip.is_some())
        + usize::from(!p.local_groups.is_empty())
}
