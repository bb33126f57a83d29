//! A feature whose space with every list apart is too large, examined rule
//! by rule: each rule in the decisions' space with its own lists apart,
//! where a decision with and without it is the same for every member of a
//! class. The notes' "does the same" and "denied first by" claims that
//! name one rule are checked again with that rule's lists apart too.

use super::*;
use super::{noted, solved};
use crate::analysis::space::Witnesses;

/// Whether nothing is left to learn of a rule in `feature`: it has an
/// effect, and for an allow rule a deny rule overriding it was found (in
/// any feature) or none can be in this one.
pub(super) fn settled(role: &RuleRole, seen: &FxHashMap<RuleId, Seen>, feature: &str) -> bool {
    seen.get(&role.rule).is_some_and(|s| {
        (s.effect
            && (role.kind.effect() != Effect::Allow
                || s.overridden_at.is_some()
                || s.no_override_in.iter().any(|f| f == feature)))
            || (!s.effect && s.noted_in.iter().any(|f| f == feature))
    })
}

/// Examines each rule of the feature still to be examined. First (`whole`
/// false) a look at principals of two parts, which settles most rules in
/// one of their features (deny rules are examined whole at once: their
/// principals of one part are few); then (`whole`), for the rules not
/// settled in any feature, every principal they match. A rule whose space
/// or time ran out is not claimed (said in `rules_left`); the others are
/// known for this feature whatever happens to the rest.
#[allow(clippy::too_many_arguments)]
pub(super) fn by_rule(
    engine: &Engine,
    cands: &Candidates,
    (feature, other): (&str, bool),
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
    budget: &Budget,
    out: &mut Findings,
    whole: bool,
) -> bool {
    let mut stopped = false;
    for role in roles {
        let Some(s) = seen.get(&role.rule) else {
            continue;
        };
        let is_allow = role.kind.effect() == Effect::Allow;
        // Known to have an effect, and no overriding deny to look for.
        if s.unknown || settled(role, seen, feature) || (!whole && s.effect && !is_allow) {
            continue;
        }
        if !whole {
            // First as conditions on the lists: most rules are settled
            // there, and one shown to have no effect needs the classes
            // only for the notes (in the second pass).
            let told = solved::solve(
                engine,
                cands,
                (feature, other),
                role,
                roles,
                serials,
                seen,
                scratch,
            );
            if told.overridden == Some(false)
                && let Some(s) = seen.get_mut(&role.rule)
            {
                s.no_override_in.push(feature.to_string());
            }
            if told.effect == Some(false) {
                // No effect here: why, as conditions too (else the
                // classes tell, in the second pass).
                noted::note(engine, cands, feature, role, roles, serials, seen);
                continue;
            }
            if settled(role, seen, feature) {
                continue;
            }
        }
        // The first pass only looks (deny rules aside); a rule whose
        // decisions can change where it does not match waits for the whole.
        let look = !whole && !alone_enough(role);
        let users = matters_where_it_matches(role, roles);
        if look && users.is_none() {
            continue;
        }
        let done = !out_of_time() && {
            let sp = match (users, look) {
                (Some(u), true) => cands.focused_matching(
                    &lists_of(role, &[]),
                    (0, u),
                    Witnesses::TwoParts,
                    budget,
                ),
                _ => whole_space(cands, role, roles, &[], budget),
            };
            out.examined += sp.classes.len() as u64;
            sp.exhaustive
                && examine(
                    engine,
                    &sp,
                    (feature, other),
                    roles,
                    serials,
                    seen,
                    scratch,
                    out_of_time,
                    Some(role.rule),
                )
        };
        if look {
            // What a look found is real; what it did not is left to the
            // second pass.
            continue;
        }
        let Some(s) = seen.get_mut(&role.rule) else {
            continue;
        };
        if !done {
            s.unknown = true;
            stopped = true;
            continue;
        }
        s.coarse = true;
        if !s.effect {
            confirm(
                engine,
                cands,
                (feature, other),
                role,
                roles,
                serials,
                seen,
                scratch,
                out_of_time,
                budget,
            );
        }
    }
    if stopped {
        out.exhaustive = false;
        out.features_left.push(feature.to_string());
    }
    true
}

/// The rule's USERS list when the rule can change only the decisions of
/// principals it matches: every rule but an allow rule that may be the only
/// one of its list for some license (without it, the list would let
/// everyone in), and one for everyone.
fn matters_where_it_matches(role: &RuleRole, roles: &[RuleRole]) -> Option<crate::engine::ListId> {
    let alone = role.kind.effect() == Effect::Allow
        && !roles
            .iter()
            .any(|o| o.rule != role.rule && o.kind == role.kind && o.serials.is_none());
    if alone { None } else { role.users }
}

/// Whether the principals of one part suffice for the rule: a deny rule
/// changes a decision exactly where it matches a principal that no other
/// applicable deny rule matches. A principal it matches has a part it
/// matches; that part alone matches no more of the other rules, so it is
/// such a principal too. The other deny rules that match every principal
/// it matches are the same over the parts alone (each principal's set holds
/// its matching part's), and so is an example.
fn alone_enough(role: &RuleRole) -> bool {
    role.kind.effect() == Effect::Deny
}

/// The classes a rule's whole examination needs, with its lists and
/// those of the rules `also` apart.
fn whole_space(
    cands: &Candidates,
    role: &RuleRole,
    roles: &[RuleRole],
    also: &[&RuleRole],
    budget: &Budget,
) -> space::Space {
    let focus = lists_of(role, also);
    match matters_where_it_matches(role, roles) {
        Some(users) => cands.focused_matching(&focus, (0, users), witnesses(role), budget),
        None => cands.focused(&focus, budget),
    }
}

/// The principals a rule's whole examination needs.
fn witnesses(role: &RuleRole) -> Witnesses {
    if alone_enough(role) {
        Witnesses::OnePart
    } else {
        Witnesses::Any
    }
}

/// The lists of `role` and of the rules `also` (USERS and EXCEPT_USERS),
/// in the one engine.
fn lists_of(role: &RuleRole, also: &[&RuleRole]) -> Vec<(usize, crate::engine::ListId)> {
    std::iter::once(role)
        .chain(also.iter().copied())
        .flat_map(|r| [r.users, r.except])
        .flatten()
        .map(|l| (0, l))
        .collect()
}

/// Checks the one rule a note of `role` would name as doing the same
/// (`with_all`) or as denying first (`shadow_all`), with that rule's lists
/// apart as well: kept when it holds for every member, else dropped (the
/// note then names the rules seen, as some of them).
#[allow(clippy::too_many_arguments)]
fn confirm(
    engine: &Engine,
    cands: &Candidates,
    (feature, other): (&str, bool),
    role: &RuleRole,
    roles: &[RuleRole],
    serials: &[Option<String>],
    seen: &mut FxHashMap<RuleId, Seen>,
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
    budget: &Budget,
) {
    for which in [Claim::With, Claim::Shadow] {
        for _ in 0..3 {
            let Some(s) = seen.get(&role.rule) else {
                return;
            };
            let claimed = match which {
                Claim::With => s.with_all.as_ref().and_then(|a| a.first().copied()),
                Claim::Shadow => s.shadow_all.as_ref().and_then(|a| a.first().copied()),
            };
            let Some(x) = claimed else {
                break;
            };
            let Some(x_role) = engine
                .rules_for_feature(feature)
                .into_iter()
                .find(|r| r.rule == x)
            else {
                break;
            };
            let holds = !out_of_time() && {
                let sp = whole_space(cands, role, roles, &[&x_role], budget);
                let mut fresh: FxHashMap<RuleId, Seen> = FxHashMap::default();
                fresh.insert(role.rule, Seen::default());
                sp.exhaustive
                    && examine(
                        engine,
                        &sp,
                        (feature, other),
                        roles,
                        serials,
                        &mut fresh,
                        scratch,
                        out_of_time,
                        Some(role.rule),
                    )
                    && fresh.get(&role.rule).is_some_and(|f| {
                        let all = match which {
                            Claim::With => &f.with_all,
                            Claim::Shadow => &f.shadow_all,
                        };
                        // Nothing of the kind here: nothing to contradict.
                        all.as_ref().is_none_or(|a| a.contains(&x))
                    })
            };
            let Some(s) = seen.get_mut(&role.rule) else {
                return;
            };
            let all = match which {
                Claim::With => &mut s.with_all,
                Claim::Shadow => &mut s.shadow_all,
            };
            if holds {
                *all = Some(vec![x]);
                break;
            }
            if let Some(a) = all.as_mut() {
                a.retain(|r| *r != x);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Claim {
    With,
    Shadow,
}
