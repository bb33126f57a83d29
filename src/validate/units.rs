//! The checks of one rule or one group, kept as a unit so that an edit of
//! that rule or group checks only it again (IP forms, presets, duplicates,
//! near-miss group names).

use rustc_hash::FxHashSet as HashSet;

use super::at_entry;
use super::near::{Near, NearGroups};
use crate::diag::{Code, Diagnostic};
use crate::model::{Config, EntryList, EntryRef, Group, GroupIndex, Rule};
use crate::pattern::{Folded, Kind, Pattern, fold};
use crate::spec::{self, Field};

/// What the checks found in one rule: nothing (one word, as for nearly
/// every rule of a large file) or its findings and references.
#[derive(Debug, Clone, Default)]
pub(super) struct RuleUnit(Option<Box<RuleFound>>);

#[derive(Debug, Clone, Default)]
struct RuleFound {
    /// Findings that depend on the rule and the group names only.
    own: Vec<Diagnostic>,
    /// EXCEPT_USERS entries USERS does not cover: these look into the
    /// groups' members too.
    except: Vec<Diagnostic>,
    /// Positions of the groups the rule's USERS and EXCEPT_USERS name.
    referenced: Vec<usize>,
}

impl RuleUnit {
    fn new(found: RuleFound) -> RuleUnit {
        let empty = found.own.is_empty() && found.except.is_empty() && found.referenced.is_empty();
        RuleUnit((!empty).then(|| Box::new(found)))
    }

    pub(super) fn referenced(&self) -> &[usize] {
        self.0.as_ref().map_or(&[], |f| f.referenced.as_slice())
    }

    pub(super) fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0
            .iter()
            .flat_map(|f| f.own.iter().chain(f.except.iter()))
    }

    pub(super) fn diagnostics_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.0
            .iter_mut()
            .flat_map(|f| f.own.iter_mut().chain(f.except.iter_mut()))
    }

    pub(super) fn set_except(&mut self, except: Vec<Diagnostic>) {
        let found = self.0.take().map(|f| *f).unwrap_or_default();
        *self = RuleUnit::new(RuleFound { except, ..found });
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct GroupUnit {
    pub(super) diags: Vec<Diagnostic>,
    /// Positions of other groups its MEMBERS name (not itself: that is a
    /// cycle, not a use).
    pub(super) referenced: Vec<usize>,
    /// Positions of all groups its MEMBERS name, for the cycle search.
    pub(super) edges: Vec<usize>,
}

pub use crate::change::Touched;
pub(super) fn rule_unit(
    rule: &Rule,
    cfg: &Config,
    groups: &GroupIndex,
    loose_groups: &NearGroups,
) -> RuleUnit {
    let mut unit = RuleFound::default();
    let out = &mut unit.own;
    if rule.empty_preset {
        out.push(Diagnostic::new(
            Code::EmptyPreset,
            rule.span,
            rule.pointer.clone(),
            format!(
                "empty preset: every key of this {} rule is empty, so the server ignores it",
                rule.kind.key()
            ),
        ));
        return RuleUnit::new(unit);
    }
    if !rule.kind.users_optional()
        && let Some(users) = &rule.users
        && users.is_empty()
    {
        out.push(Diagnostic::new(
            Code::EmptyUsers,
            users.span,
            users.pointer.clone(),
            format!(
                "USERS is empty, so this {} rule matches nobody{}",
                rule.kind.key(),
                if rule.kind.effect() == spec::Effect::Allow {
                    ": every request it applies to is denied"
                } else {
                    ""
                }
            ),
        ));
    }
    let mut referenced = HashSet::default();
    for field in [Field::Users, Field::ExceptUsers] {
        if let Some(list) = rule.list(field) {
            principal_list(list, groups, loose_groups, &mut referenced, None, out);
        }
    }
    for field in [Field::Features, Field::SerialNumbers] {
        if let Some(list) = rule.list(field) {
            duplicates(list, out);
            // `*` among other entries means any: the others add nothing.
            if list.len() > 1 && list.iter().any(|e| e.text == "*") {
                out.push(
                    Diagnostic::new(
                        Code::StarAmongEntries,
                        list.span,
                        list.pointer.clone(),
                        format!(
                            "{} lists `*` among other entries: `*` means any, so the others add nothing",
                            field.key()
                        ),
                    )
                    .with_fix(
                        "write `*` alone".to_string(),
                        crate::json::Span::new(list.span.start + 1, list.span.end.saturating_sub(1)),
                        "*".to_string(),
                    ),
                );
            }
        }
    }
    // A deny rule without users denies its features to everyone; a stray
    // `;` does it as silently as leaving USERS out.
    if rule.kind.effect() == spec::Effect::Deny
        && rule.users.as_deref().is_none_or(EntryList::is_empty)
    {
        let (span, pointer) = match &rule.users {
            Some(u) => (u.span, u.pointer.clone()),
            None => (rule.span, rule.pointer.clone()),
        };
        let features = if rule.any_feature() {
            "every feature".to_string()
        } else {
            rule.features
                .as_deref()
                .map(|f| f.iter().map(|e| e.text).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        };
        out.push(Diagnostic::new(
            Code::DenyEveryone,
            span,
            pointer,
            format!(
                "this {} rule has no users, so it denies {features} to everyone{}",
                rule.kind.key(),
                if rule.users.is_some() {
                    " (USERS is empty or only separators)"
                } else {
                    " (no USERS)"
                }
            ),
        ));
    }
    unit.referenced = referenced.into_iter().collect();
    unit.except = except_not_covered(rule, cfg, groups);
    RuleUnit::new(unit)
}

/// The checks of one group's MEMBERS (`at` is its position in
/// `Config::groups`).
pub(super) fn group_unit(
    at: usize,
    g: &Group,
    groups: &GroupIndex,
    loose_groups: &NearGroups,
) -> GroupUnit {
    let mut unit = GroupUnit::default();
    let Some(m) = &g.members else {
        return unit;
    };
    // A missing or empty NAME is reported on its own; no rule can use
    // such a group, so its members are not looked at.
    if g.name.as_deref().is_none_or(str::is_empty) {
        unit.edges = m
            .iter()
            .filter(|e| e.kind.is_name())
            .filter_map(|e| groups.lookup_entry(&e))
            .collect();
        return unit;
    }
    let mut inner = HashSet::default();
    principal_list(
        m,
        groups,
        loose_groups,
        &mut inner,
        Some(&mut unit.edges),
        &mut unit.diags,
    );
    inner.remove(&at);
    unit.referenced = inner.into_iter().collect();
    unit
}

pub(super) fn principal_list(
    list: &EntryList,
    groups: &GroupIndex,
    loose_groups: &NearGroups,
    referenced: &mut HashSet<usize>,
    mut edges: Option<&mut Vec<usize>>,
    out: &mut Vec<Diagnostic>,
) {
    // One pass: each entry is folded once, for the group look-up, the
    // near-miss check and the duplicate check. Short edits away from a
    // group's name are looked for in every list: USERS, EXCEPT_USERS and a
    // group's MEMBERS alike (analysis.md 5: "an entry").
    let typing = true;
    // By the folded form's hash, worked out once for this and the group
    // look-up.
    let mut seen: hashbrown::HashTable<Folded<'_>> =
        hashbrown::HashTable::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let folded = e.folded();
        let hash = crate::model::name_hash(&folded);
        match e.kind {
            Kind::InvalidIp | Kind::Cidr => out.push(match e.pattern() {
                Pattern::InvalidIp(why) => {
                    let d = at_entry(
                        list,
                        &e,
                        Code::InvalidIp,
                        format!("{why}; this entry matches nobody"),
                    );
                    // A backwards range has one certain fix: its bounds swapped.
                    match crate::pattern::swapped_range(e.text) {
                        Some(swapped) => d.with_fix(
                            format!("write {swapped}"),
                            list.span_of(&e),
                            json_inner(&swapped),
                        ),
                        None => d,
                    }
                }
                _ => at_entry(
                    list,
                    &e,
                    Code::Cidr,
                    format!(
                        "`{}` uses CIDR notation, which the VS License Manager does not document; it matches nobody. Use a wildcard (4.3.2.*) or a range (4.3.2.10-50)",
                        e.text
                    ),
                ),
            }),
            Kind::Name { .. } => {
                if let Some(g) = groups.lookup_hashed(hash, &folded) {
                    referenced.insert(g);
                    if let Some(edges) = edges.as_deref_mut() {
                        edges.push(g);
                    }
                    // The group, written in another case: it is the group
                    // (names ignore case); said, as information.
                    if let Some(name) = loose_groups.written(e.text)
                        && name != e.text
                        && fold(name) == *folded
                    {
                        out.push(
                            at_entry(
                                list,
                                &e,
                                Code::GroupNameMismatch,
                                format!(
                                    "`{}` is the group \"{name}\" written in another case (names ignore case); write it as the group is named",
                                    e.text
                                ),
                            )
                            .severity(crate::diag::Severity::Info)
                            .with_fix(format!("write \"{name}\""), list.span_of(&e), json_inner(name)),
                        );
                    }
                } else if !matches!(e.kind, Kind::Name { wildcard: true, .. })
                    && let Some(near) = loose_groups.near(e.text, typing)
                {
                    let (name, how) = match near {
                        Near::Spelling(n) => (n, "spelled like"),
                        Near::Typing(n) => (n, "a letter or two away from"),
                    };
                    let d = at_entry(
                        list,
                        &e,
                        Code::GroupNameMismatch,
                        format!(
                            "`{}` is not a group but is {how} the group \"{name}\": as written it is a user or host name nobody may have; did you mean group \"{name}\"?",
                            e.text
                        ),
                    );
                    // The group already listed: writing it again would be a
                    // duplicate; the certain fix takes the misspelling out.
                    let listed = list
                        .iter()
                        .any(|o| crate::pattern::fold(o.text) == crate::pattern::fold(name));
                    out.push(match (listed, list.removal_span(i)) {
                        (false, _) => d.with_fix(
                            format!("use the group \"{name}\""),
                            list.span_of(&e),
                            json_inner(name),
                        ),
                        (true, Some(span)) => d.with_fix(
                            format!("remove it: the group \"{name}\" is already listed"),
                            span,
                            "",
                        ),
                        (true, None) => d,
                    });
                }
            }
            _ => {}
        }
        if seen.find(hash, |f| *f == folded).is_some() {
            out.push(duplicate(list, i, &e));
        } else {
            seen.insert_unique(hash, folded, |f| crate::model::name_hash(f));
        }
    }
}

/// Text to put inside an existing JSON string.
pub(super) fn json_inner(s: &str) -> String {
    let q = serde_json::Value::String(s.to_string()).to_string();
    q[1..q.len() - 1].to_string()
}

/// Entries listed twice, compared exactly (features and serial numbers;
/// principal lists ignore case and are checked in [`principal_list`]).
pub(super) fn duplicates(list: &EntryList, out: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<&str> = HashSet::with_capacity_and_hasher(list.len(), Default::default());
    for (i, e) in list.iter().enumerate() {
        if !seen.insert(e.text) {
            out.push(duplicate(list, i, &e));
        }
    }
}

/// The `i`th entry repeats an earlier one: taking it out (with its
/// separator) changes nothing else, so that is its fix.
pub(super) fn duplicate(list: &EntryList, i: usize, e: &EntryRef<'_>) -> Diagnostic {
    let d = at_entry(
        list,
        e,
        Code::DuplicateEntry,
        format!("`{}` is listed more than once", e.text),
    );
    match list.removal_span(i) {
        Some(span) => d.with_fix("remove this repeat", span, ""),
        None => d,
    }
}

/// Expands a list's entries through groups (iteratively, cycle-safe) into
/// the patterns that are not group references.
pub(super) fn expand<'a>(
    entries: impl DoubleEndedIterator<Item = EntryRef<'a>>,
    cfg: &'a Config,
    groups: &GroupIndex,
) -> Vec<Pattern> {
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    let mut stack: Vec<EntryRef<'a>> = entries.rev().collect();
    while let Some(e) = stack.pop() {
        if let (true, Some(g)) = (e.kind.is_name(), groups.lookup_entry(&e)) {
            if seen.insert(g)
                && let Some(m) = &cfg.groups[g].members
            {
                stack.extend(m.iter().rev());
            }
            continue;
        }
        out.push(e.pattern());
    }
    out
}

/// Whether something matched by `a` can also be matched by `b`, comparing
/// like with like (names with names, IP forms with IP forms). Local groups
/// have unknown members, so they may overlap with anything.
pub(super) fn may_overlap(a: &Pattern, b: &Pattern) -> bool {
    use Pattern::*;
    match (a, b) {
        (Any, _) | (_, Any) | (LocalGroup(_), _) | (_, LocalGroup(_)) => true,
        (Name(x), Name(y)) => match (x.has_wildcard(), y.has_wildcard()) {
            (false, _) => y.matches_folded(&x.folded),
            (true, false) => x.matches_folded(&y.folded),
            (true, true) => true,
        },
        (Ip(ip), other) | (other, Ip(ip)) if other.is_ip_form() => other.matches_ip(*ip),
        (
            Ipv4Wildcard {
                octets: o1,
                fixed: f1,
            },
            Ipv4Wildcard {
                octets: o2,
                fixed: f2,
            },
        ) => {
            let f = (*f1).min(*f2) as usize;
            o1[..f] == o2[..f]
        }
        (Ipv4Range { prefix, lo, hi }, Ipv4Wildcard { octets, fixed })
        | (Ipv4Wildcard { octets, fixed }, Ipv4Range { prefix, lo, hi }) => {
            let f = (*fixed as usize).min(3);
            prefix[..f] == octets[..f] && (*fixed < 4 || (*lo..=*hi).contains(&octets[3]))
        }
        (
            Ipv4Range {
                prefix: p1,
                lo: l1,
                hi: h1,
            },
            Ipv4Range {
                prefix: p2,
                lo: l2,
                hi: h2,
            },
        ) => p1 == p2 && l1 <= h2 && l2 <= h1,
        _ => false,
    }
}

/// Whether one principal can match both `a` and `b`. A principal has a
/// user, a host, an address and local groups at once, so a name and any
/// other entry can meet (user `zoe` on host `kim` matches `zoe` and `kim`);
/// only two IP forms compare values, since a principal has one address.
/// Entries that match nothing meet nothing.
fn may_meet(a: &Pattern, b: &Pattern) -> bool {
    let void = |p: &Pattern| matches!(p, Pattern::Cidr(_) | Pattern::InvalidIp(_));
    if void(a) || void(b) {
        return false;
    }
    if a.is_ip_form() && b.is_ip_form() {
        return may_overlap(a, b);
    }
    true
}

pub(super) fn except_not_covered(
    rule: &Rule,
    cfg: &Config,
    groups: &GroupIndex,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(except) = &rule.except_users else {
        return out;
    };
    if rule.any_user() {
        return out;
    }
    let Some(users) = &rule.users else {
        return out;
    };
    let covered = expand(users.iter(), cfg, groups);
    for e in except.iter() {
        let targets = expand(std::iter::once(e), cfg, groups);
        if targets.is_empty() {
            continue;
        }
        let any = targets
            .iter()
            .any(|t| covered.iter().any(|u| may_meet(t, u)));
        if !any {
            out.push(at_entry(
                except,
                &e,
                Code::ExceptNotCovered,
                format!(
                    "`{}` is not covered by this rule's USERS, so excepting it has no effect",
                    e.text
                ),
            ));
        }
    }
    out
}
