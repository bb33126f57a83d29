//! The edits of the rule file and the pool that may grant a denied
//! request, by its reason (unverified: `mod.rs` decides each again).

use super::{PoolFile, Proposal};
use crate::document::{Edit, Version};
use crate::engine::{Cover, Decision, Found, HoursSource, LimitAt, Reason, Request, StepName, Why};
use crate::json::parse::TextEdit;
use crate::rule_id::RuleId;
use crate::spec::{Effect, RuleKind};

/// The entry that stands for the principal in a list it is added to: its
/// user, else its host, else its IP.
pub(super) fn principal_entry(req: &Request) -> Option<String> {
    req.principal
        .user
        .clone()
        .or_else(|| req.principal.host.clone())
        .or_else(|| req.principal.ip.map(|ip| ip.to_string()))
        .filter(|e| !e.trim().is_empty() && !e.contains(';'))
}

/// A list's new text.
fn set_list(pointer: &str, value: String) -> Edit {
    Edit::SetValue {
        pointer: pointer.to_string(),
        value: serde_json::Value::String(value),
    }
}

/// `name` added to the list at `key` of the object at `object`: appended
/// to the list, or the key written with it where the list is missing.
fn add_entry(list: Option<&crate::model::EntryList>, object: &str, key: &str, name: &str) -> Edit {
    match list {
        Some(l) => set_list(&l.pointer, crate::pattern::with_entry(&l.raw, name)),
        None => Edit::InsertMember {
            pointer: object.to_string(),
            key: key.into(),
            value: serde_json::Value::String(name.to_string()),
            index: None,
        },
    }
}

/// A number field of a rule set to `to`.
pub(super) fn set_number(rule: &crate::model::Rule, key: &str, to: i64) -> Edit {
    Edit::SetValue {
        pointer: format!("{}/{key}", rule.pointer),
        value: to.into(),
    }
}

/// A whole rule removed.
fn remove_rule(id: RuleId) -> (Proposal, Edit) {
    (
        Proposal::RemoveRule { rule: id },
        Edit::RemoveItem {
            pointer: format!("/{}", id.kind.key()),
            index: id.index as usize,
        },
    )
}

/// The rules a step looked at, with what it found about each.
fn checks(d: &Decision, step: StepName) -> impl Iterator<Item = &crate::engine::RuleCheck> {
    d.trace
        .iter()
        .filter(move |s| s.step == step)
        .flat_map(|s| s.rules.iter())
}

/// Edits of the rule file that may grant the request (unverified).
pub(super) fn file_edits(doc: &Version, req: &Request, d: &Decision) -> Vec<(Proposal, Edit)> {
    let cfg = doc.config();
    let mut out = Vec::new();
    let name = principal_entry(req);
    match d.reason {
        Reason::DenyRule => {
            for check in checks(d, StepName::Deny).filter(|c| c.applies && c.matched) {
                let Some(rule) = cfg.rule(check.rule) else {
                    continue;
                };
                if let (Why::Users(Cover::Matched(hit)), Some(users)) =
                    (&check.why, rule.users.as_deref())
                {
                    // The entry of the rule that matched: the entry itself,
                    // or the outermost group it was found through.
                    let listed = hit.via.first().unwrap_or(&hit.entry);
                    if let Some(i) = users
                        .iter()
                        .position(|e| crate::pattern::fold(e.text) == crate::pattern::fold(listed))
                    {
                        out.push((
                            Proposal::RemoveEntry {
                                rule: check.rule,
                                entry: listed.clone(),
                            },
                            set_list(&users.pointer, crate::pattern::without_entry(&users.raw, i)),
                        ));
                    }
                    // Found through a group: take the entry out of the
                    // innermost group instead.
                    if let Some(inner) = hit.via.last()
                        && let Some(g) = cfg.group_index.lookup(inner)
                        && let Some(group) = cfg.groups.get(g)
                        && let Some(members) = &group.members
                        && let Some(i) = members.iter().position(|e| {
                            crate::pattern::fold(e.text) == crate::pattern::fold(&hit.entry)
                        })
                    {
                        out.push((
                            Proposal::RemoveMember {
                                group: inner.clone(),
                                entry: hit.entry.clone(),
                            },
                            set_list(
                                &members.pointer,
                                crate::pattern::without_entry(&members.raw, i),
                            ),
                        ));
                    }
                }
                out.push(remove_rule(check.rule));
            }
        }
        Reason::NotInAllowRule => {
            let Some(name) = name else {
                return out;
            };
            // The first few allow rules that apply: each is an edit to
            // verify and diff, and the first ones are the ones people read.
            for check in checks(d, StepName::Allow).filter(|c| c.applies).take(3) {
                let Some(rule) = cfg.rule(check.rule) else {
                    continue;
                };
                let Some(users) = rule.users.as_deref() else {
                    continue;
                };
                out.push((
                    Proposal::AddToUsers {
                        rule: check.rule,
                        entry: name.clone(),
                    },
                    set_list(
                        &users.pointer,
                        crate::pattern::with_entry(&users.raw, &name),
                    ),
                ));
                // The first group the rule lists, if any.
                if let Some(g) = users.iter().find_map(|e| cfg.group_index.lookup_entry(&e))
                    && let Some(group) = cfg.groups.get(g)
                    && let Some(gname) = &group.name
                {
                    let edit = add_entry(group.members.as_ref(), &group.pointer, "MEMBERS", &name);
                    out.push((
                        Proposal::AddToGroup {
                            group: gname.clone(),
                            rule: check.rule,
                            entry: name.clone(),
                        },
                        edit,
                    ));
                }
            }
        }
        Reason::LimitReached => {
            let reached = d.trace.iter().filter(|s| s.step == StepName::Limit);
            let reached = reached.flat_map(|s| match &s.found {
                Found::LimitReached(at) => at.as_slice(),
                _ => &[],
            });
            for &LimitAt {
                rule: id, usage, ..
            } in reached
            {
                let Some(rule) = cfg.rule(id) else {
                    continue;
                };
                if let Some(name) = &name {
                    let edit = add_entry(
                        rule.except_users.as_deref(),
                        &rule.pointer,
                        "EXCEPT_USERS",
                        name,
                    );
                    out.push((
                        Proposal::AddToExcept {
                            rule: id,
                            entry: name.clone(),
                        },
                        edit,
                    ));
                }
                if let Some(count) = &rule.count {
                    // A COUNT above the usage on the license traced: enough
                    // there, and so an upper bound of the least that
                    // suffices on any license (`suggest_with` searches
                    // below it: another license may hold fewer sessions).
                    let to = i64::try_from(usage).unwrap_or(i64::MAX - 1) + 1;
                    out.push((
                        Proposal::SetCount {
                            rule: id,
                            from: count.value,
                            to,
                        },
                        set_number(rule, "COUNT", to),
                    ));
                }
            }
        }
        Reason::ReservedForOthers => {
            for &id in &d.rules {
                let Some(rule) = cfg.rule(id) else {
                    continue;
                };
                if id.kind != RuleKind::ReserveCheckouts {
                    continue;
                }
                if let Some(count) = &rule.count {
                    // Lower by one at a time, the least that suffices is
                    // the first verified (a few tries, then the rule goes).
                    for to in (1..count.value).rev().take(16) {
                        out.push((
                            Proposal::SetCount {
                                rule: id,
                                from: count.value,
                                to,
                            },
                            set_number(rule, "COUNT", to),
                        ));
                    }
                }
                out.push(remove_rule(id));
            }
        }
        Reason::BorrowHoursExceeded => {
            for step in d.trace.iter().filter(|s| s.step == StepName::BorrowHours) {
                if let Found::Hours {
                    wanted: Some(wanted),
                    source: HoursSource::Rule(id),
                    ..
                } = step.found
                    && let Some(rule) = cfg.rule(id)
                    && let Some(h) = &rule.hours
                {
                    let to = i64::try_from(wanted).unwrap_or(i64::MAX);
                    out.push((
                        Proposal::SetHours {
                            rule: id,
                            from: h.value,
                            to,
                        },
                        set_number(rule, "HOURS", to),
                    ));
                }
            }
        }
        _ => {}
    }
    // Keep only allow-side and deny-side edits that make sense for the
    // kind of rule (a deny rule's entry removed, an allow rule's added).
    out.retain(|(p, _)| match p {
        Proposal::RemoveEntry { rule, .. } => rule.kind.effect() == Effect::Deny,
        _ => true,
    });
    out
}

/// Edits of the pool that may grant the request (unverified).
pub(super) fn pool_edits(
    p: PoolFile<'_>,
    req: &Request,
    d: &Decision,
) -> Vec<(Proposal, TextEdit)> {
    let mut out = Vec::new();
    if d.reason != Reason::NoFreeSeat && d.reason != Reason::ReservedForOthers {
        return out;
    }
    let parsed = crate::json::parse::parse(p.text);
    let Some(root) = parsed.root.as_ref() else {
        return out;
    };
    let style = crate::json::edit::Style::detect(p.text);
    for (i, l) in p.index.pool.licenses.iter().enumerate() {
        if req.serial.as_deref().is_some_and(|s| s != l.serial) {
            continue;
        }
        if d.serial.as_deref().is_some_and(|s| s != l.serial) {
            continue;
        }
        let Some(seats) = l.seats(&req.feature) else {
            continue;
        };
        let pointer = format!(
            "/licenses/{i}/features/{}",
            req.feature.replace('~', "~0").replace('/', "~1")
        );
        let to = seats + 1;
        if let Ok(splice) = crate::json::edit::set_value(p.text, root, &style, &pointer, &to.into())
        {
            out.push((
                Proposal::AddSeat {
                    serial: l.serial.clone(),
                    feature: req.feature.clone(),
                    from: seats,
                    to,
                },
                splice,
            ));
        }
    }
    out
}
