//! The shortcut of large files: each rule tried on the principals its own
//! entries name before the principal space.

use super::*;

/// From this many rules on, a rule's own entries are tried before the
/// principal space ([`quick_effects`]).
pub(super) const LARGE_RULES: usize = 300;

/// Principals a rule's USERS name (through its groups): a user or host of
/// each name (a wildcard's `*` read as nothing), an address in each IP
/// form, each local group; and one the file does not name (an allow rule
/// alone in its list denies them). At most a few per rule.
pub(super) fn own_principals(cfg: &Config, rule: &crate::model::Rule) -> Vec<Principal> {
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
pub(super) fn quick_effects(
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
            for (action, serial) in requests_of(role, serials) {
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
