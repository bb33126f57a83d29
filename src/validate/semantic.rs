//! Checks of meaning: IP forms, groups and their cycles, exceptions that can
//! never apply, presets, duplicates, feature spelling and server settings.

// Fx hashing: these maps hold every entry of the file; the keys are the
// admin's own names, not attacker-chosen.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::at_entry;
use crate::diag::{Code, Diagnostic, Severity, did_you_mean};
use crate::json::{Node, NodeKind, escape_token};
use crate::model::{Config, EntryList, EntryRef, Group, GroupIndex, Rule};
use crate::pattern::{Folded, Kind, Pattern, fold};
use crate::spec::{self, Field, GROUPS_KEY, RuleKind};

/// `fold` plus collapsed white space: "CAD  users" ~ "CAD Users".
fn loose(s: &str) -> String {
    fold(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// [`loose`] of an entry, borrowed from its folded pattern when that is
/// already loose (no allocation for the hundreds of thousands of plain
/// names a large file has).
fn loose_entry<'f>(e: &EntryRef<'_>, folded: &'f str) -> std::borrow::Cow<'f, str> {
    let text = e.text;
    if e.kind.is_name()
        && !text.contains("  ")
        && !text.contains(|c: char| c.is_whitespace() && c != ' ')
    {
        // An entry's text is trimmed already.
        std::borrow::Cow::Borrowed(folded)
    } else {
        std::borrow::Cow::Owned(loose(text))
    }
}

/// The findings of meaning, kept per rule and per group, so that after an
/// edit inside one rule, or inside one group's MEMBERS, only that unit and
/// the few checks that span units are worked out again
/// ([`Semantic::update`]). [`Semantic::new`] and an update give the same
/// findings in the same order; a property test holds them together.
#[derive(Debug, Clone, Default)]
pub struct Semantic {
    /// Duplicate keys, unknown top-level keys and the server settings: an
    /// edit of a value inside a rule or group changes none of them.
    fixed: Vec<Diagnostic>,
    /// Group names made loose ([`loose`]) to the name as written; the first
    /// group wins, as in [`GroupIndex`].
    loose_groups: HashMap<String, String>,
    /// One per rule, in [`Config::all_rules`] order.
    rules: Vec<RuleUnit>,
    /// Empty and duplicate group names.
    group_names: Vec<Diagnostic>,
    /// One per group, in `Config::groups` order.
    groups: Vec<GroupUnit>,
    /// Per group: whether its name refers to it (it has a name, and no
    /// earlier group has the same one). Names do not change in an update.
    named: Vec<bool>,
    cycles: Vec<Diagnostic>,
    unused: Vec<Diagnostic>,
    features: Vec<Diagnostic>,
}

/// What the checks found in one rule: nothing (one word, as for nearly
/// every rule of a large file) or its findings and references.
#[derive(Debug, Clone, Default)]
struct RuleUnit(Option<Box<RuleFound>>);

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

    fn referenced(&self) -> &[usize] {
        self.0.as_ref().map_or(&[], |f| f.referenced.as_slice())
    }

    fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0
            .iter()
            .flat_map(|f| f.own.iter().chain(f.except.iter()))
    }

    fn diagnostics_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.0
            .iter_mut()
            .flat_map(|f| f.own.iter_mut().chain(f.except.iter_mut()))
    }

    fn set_except(&mut self, except: Vec<Diagnostic>) {
        let found = self.0.take().map(|f| *f).unwrap_or_default();
        *self = RuleUnit::new(RuleFound { except, ..found });
    }
}

#[derive(Debug, Clone, Default)]
struct GroupUnit {
    diags: Vec<Diagnostic>,
    /// Positions of other groups its MEMBERS name (not itself: that is a
    /// cycle, not a use).
    referenced: Vec<usize>,
    /// Positions of all groups its MEMBERS name, for the cycle search.
    edges: Vec<usize>,
}

pub use crate::change::Touched;

impl Semantic {
    pub fn new(root: &Node, cfg: &Config) -> Semantic {
        let mut fixed = Vec::new();
        duplicate_keys(root, "", &mut fixed);
        top_level_keys(cfg, &mut fixed);
        settings(cfg, &mut fixed);
        let groups = &cfg.group_index;
        // Same choice as GroupIndex: with duplicate names, the first group counts.
        let mut loose_groups: HashMap<String, String> = HashMap::default();
        for name in cfg.groups.iter().filter_map(|g| g.name.as_deref()) {
            loose_groups
                .entry(loose(name))
                .or_insert_with(|| name.to_string());
        }
        // Each rule and each group is checked on its own: on every core
        // when the file is large.
        let threads = crate::par::threads_for(root.span.len());
        let all: Vec<&Rule> = cfg.all_rules().collect();
        let rules = crate::par::map(&all, threads, |_, r| {
            rule_unit(r, cfg, groups, &loose_groups)
        });
        let group_units: Vec<GroupUnit> = crate::par::map(&cfg.groups, threads, |at, g| {
            group_unit(at, g, groups, &loose_groups)
        });
        let named = cfg
            .groups
            .iter()
            .enumerate()
            .map(|(at, g)| {
                g.name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .is_some_and(|n| groups.lookup(n) == Some(at))
            })
            .collect();
        let mut s = Semantic {
            named,
            fixed,
            rules,
            group_names: group_names(cfg),
            cycles: cycles(cfg, &group_units, groups),
            groups: group_units,
            loose_groups,
            unused: Vec::new(),
            features: feature_case(cfg),
        };
        s.unused = unused(cfg, &s.named, &s.rules, &s.groups);
        s
    }

    /// Follows an edit that ended at `at`, changed the length of the text by
    /// `delta` and changed only what `touched` says (`cfg` is the model
    /// after the edit; group names are unchanged).
    pub fn update(&mut self, cfg: &Config, touched: Touched, at: usize, delta: isize) {
        self.for_each_mut(|d| d.shift(at, delta));
        let groups = &cfg.group_index;
        match touched {
            Touched::Rule { position, field } => {
                let (Some(unit), Some(rule)) =
                    (self.rules.get_mut(position), cfg.all_rules().nth(position))
                else {
                    return;
                };
                *unit = rule_unit(rule, cfg, groups, &self.loose_groups);
                if field == Field::Features {
                    self.features = feature_case(cfg);
                }
            }
            Touched::GroupMembers { position } => {
                let (Some(unit), Some(g)) =
                    (self.groups.get_mut(position), cfg.groups.get(position))
                else {
                    return;
                };
                *unit = group_unit(position, g, groups, &self.loose_groups);
                // Which users a group holds decides which exceptions apply,
                // and its edges the cycles.
                for (unit, rule) in self.rules.iter_mut().zip(cfg.all_rules()) {
                    if !rule.empty_preset {
                        unit.set_except(except_not_covered(rule, cfg, groups));
                    }
                }
                self.cycles = cycles(cfg, &self.groups, groups);
            }
        }
        self.unused = unused(cfg, &self.named, &self.rules, &self.groups);
    }

    fn for_each_mut(&mut self, mut f: impl FnMut(&mut Diagnostic)) {
        let units = self
            .rules
            .iter_mut()
            .flat_map(RuleUnit::diagnostics_mut)
            .chain(self.groups.iter_mut().flat_map(|u| u.diags.iter_mut()));
        for d in self
            .fixed
            .iter_mut()
            .chain(units)
            .chain(self.group_names.iter_mut())
            .chain(self.cycles.iter_mut())
            .chain(self.unused.iter_mut())
            .chain(self.features.iter_mut())
        {
            f(d);
        }
    }

    /// Per rule (in [`Config::all_rules`] order): the positions of the
    /// groups its USERS and EXCEPT_USERS name, in no particular order.
    pub fn rule_references(&self) -> impl Iterator<Item = &[usize]> {
        self.rules.iter().map(RuleUnit::referenced)
    }

    /// Per group (in `Config::groups` order): the positions of the groups
    /// its MEMBERS name, itself included if it does.
    pub fn group_references(&self) -> impl Iterator<Item = &[usize]> {
        self.groups.iter().map(|u| u.edges.as_slice())
    }

    /// Every finding, in a fixed order (the caller sorts by position).
    pub fn collect(&self, out: &mut Vec<Diagnostic>) {
        out.extend(self.fixed.iter().cloned());
        for u in &self.rules {
            out.extend(u.diagnostics().cloned());
        }
        out.extend(self.group_names.iter().cloned());
        for u in &self.groups {
            out.extend(u.diags.iter().cloned());
        }
        out.extend(self.cycles.iter().cloned());
        out.extend(self.unused.iter().cloned());
        out.extend(self.features.iter().cloned());
    }
}

fn rule_unit(
    rule: &Rule,
    cfg: &Config,
    groups: &GroupIndex,
    loose_groups: &HashMap<String, String>,
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
        }
    }
    unit.referenced = referenced.into_iter().collect();
    unit.except = except_not_covered(rule, cfg, groups);
    RuleUnit::new(unit)
}

/// The checks of one group's MEMBERS (`at` is its position in
/// `Config::groups`).
fn group_unit(
    at: usize,
    g: &Group,
    groups: &GroupIndex,
    loose_groups: &HashMap<String, String>,
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

fn principal_list(
    list: &EntryList,
    groups: &GroupIndex,
    loose_groups: &HashMap<String, String>,
    referenced: &mut HashSet<usize>,
    mut edges: Option<&mut Vec<usize>>,
    out: &mut Vec<Diagnostic>,
) {
    // One pass: each entry is folded once, for the group look-up, the
    // near-miss check and the duplicate check.
    let mut seen: HashSet<Folded<'_>> =
        HashSet::with_capacity_and_hasher(list.len(), Default::default());
    for e in list.iter() {
        let folded = e.folded();
        match e.kind {
            Kind::InvalidIp | Kind::Cidr => out.push(match e.pattern() {
                Pattern::InvalidIp(why) => at_entry(
                    list,
                    &e,
                    Code::InvalidIp,
                    format!("{why}; this entry matches nobody"),
                ),
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
                if let Some(g) = groups.lookup_folded(&folded) {
                    referenced.insert(g);
                    if let Some(edges) = edges.as_deref_mut() {
                        edges.push(g);
                    }
                    let name = loose_groups
                        .get(&*loose_entry(&e, &folded))
                        .map_or("", String::as_str);
                    if !name.is_empty() && name != e.text {
                        out.push(
                            at_entry(
                                list,
                                &e,
                                Code::GroupNameMismatch,
                                format!(
                                    "`{}` refers to the group \"{name}\" only because names ignore case; write it as the group is named",
                                    e.text
                                ),
                            )
                            .with_fix(format!("write \"{name}\""), list.span_of(&e), json_inner(name)),
                        );
                    }
                } else if let Some(name) = loose_groups.get(&*loose_entry(&e, &folded)) {
                    out.push(
                        at_entry(
                            list,
                            &e,
                            Code::GroupNameMismatch,
                            format!(
                                "`{}` is not a group but is spelled like the group \"{name}\"; did you mean the group?",
                                e.text
                            ),
                        )
                        .with_fix(format!("use the group \"{name}\""), list.span_of(&e), json_inner(name)),
                    );
                }
            }
            _ => {}
        }
        if !seen.insert(folded) {
            out.push(duplicate(list, &e));
        }
    }
}

/// Text to put inside an existing JSON string.
fn json_inner(s: &str) -> String {
    let q = serde_json::Value::String(s.to_string()).to_string();
    q[1..q.len() - 1].to_string()
}

/// Entries listed twice, compared exactly (features and serial numbers;
/// principal lists ignore case and are checked in [`principal_list`]).
fn duplicates(list: &EntryList, out: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<&str> = HashSet::with_capacity_and_hasher(list.len(), Default::default());
    for e in list.iter() {
        if !seen.insert(e.text) {
            out.push(duplicate(list, &e));
        }
    }
}

fn duplicate(list: &EntryList, e: &EntryRef<'_>) -> Diagnostic {
    at_entry(
        list,
        e,
        Code::DuplicateEntry,
        format!("`{}` is listed more than once", e.text),
    )
}

/// Walks every object and reports keys that appear more than once.
fn duplicate_keys(node: &Node, pointer: &str, out: &mut Vec<Diagnostic>) {
    // Depth is bounded by the parser (MAX_DEPTH), so recursion is safe.
    match &node.kind {
        NodeKind::Object(members) => {
            let mut counts: HashMap<&str, usize> = HashMap::default();
            for m in members {
                *counts.entry(m.key.as_str()).or_default() += 1;
            }
            let mut seen: HashMap<&str, usize> = HashMap::default();
            for m in members {
                let n = counts.get(m.key.as_str()).copied().unwrap_or(1);
                let k = seen.entry(m.key.as_str()).or_default();
                *k += 1;
                let child = format!("{pointer}/{}", escape_token(&m.key));
                if *k < n {
                    out.push(Diagnostic::new(
                        Code::DuplicateKey,
                        m.key_span,
                        child.clone(),
                        format!(
                            "\"{}\" appears {n} times in this object; only the last one is used (the server may read it differently). Merge them into one",
                            m.key
                        ),
                    ));
                }
                duplicate_keys(&m.value, &child, out);
            }
        }
        NodeKind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                duplicate_keys(item, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn top_level_keys(cfg: &Config, out: &mut Vec<Diagnostic>) {
    for s in &cfg.settings {
        if spec::setting(&s.key).is_some() {
            continue;
        }
        let ptr = format!("/{}", escape_token(&s.key));
        match did_you_mean(&s.key, spec::top_level_keys()) {
            Some(suggestion) => {
                let is_list = RuleKind::from_key(suggestion).is_some() || suggestion == GROUPS_KEY;
                let consequence = if is_list {
                    " The server does not read it, so these rules have no effect."
                } else {
                    ""
                };
                out.push(
                    Diagnostic::new(
                        Code::UnknownKey,
                        s.key_span,
                        ptr,
                        format!(
                            "unknown key \"{}\"; did you mean \"{suggestion}\"?{consequence}",
                            s.key
                        ),
                    )
                    .severity(if is_list {
                        Severity::Error
                    } else {
                        Severity::Warning
                    })
                    .with_fix(
                        format!("rename to \"{suggestion}\""),
                        s.key_span,
                        format!("\"{suggestion}\""),
                    ),
                );
            }
            None => out.push(Diagnostic::new(
                Code::UnknownSetting,
                s.key_span,
                ptr,
                format!(
                    "\"{}\" is not a setting Privy knows; it is kept as it is",
                    s.key
                ),
            )),
        }
    }
}

/// Expands a list's entries through groups (iteratively, cycle-safe) into
/// the patterns that are not group references.
fn expand<'a>(
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
fn may_overlap(a: &Pattern, b: &Pattern) -> bool {
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

fn except_not_covered(rule: &Rule, cfg: &Config, groups: &GroupIndex) -> Vec<Diagnostic> {
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
            .any(|t| covered.iter().any(|u| may_overlap(t, u)));
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

/// Empty and duplicate group names.
fn group_names(cfg: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first_by_name: HashMap<String, usize> = HashMap::default();
    for g in &cfg.groups {
        let Some(name) = g.name.as_deref() else {
            continue; // missing NAME: reported by the schema check
        };
        if name.is_empty() {
            out.push(Diagnostic::new(
                Code::EmptyGroupName,
                g.name_span.unwrap_or(g.span),
                format!("{}/NAME", g.pointer),
                "this group's NAME is empty, so no rule can refer to it".to_string(),
            ));
            continue;
        }
        if let Some(&first) = first_by_name.get(&fold(name)) {
            out.push(Diagnostic::new(
                Code::DuplicateGroup,
                g.name_span.unwrap_or(g.span),
                format!("{}/NAME", g.pointer),
                format!(
                    "a group named \"{name}\" exists already (group {}); Privy uses the first. Merge their MEMBERS",
                    first + 1
                ),
            ));
        } else {
            first_by_name.insert(fold(name), g.index);
        }
    }
    out
}

/// Groups no rule and no other group refers to.
fn unused(
    cfg: &Config,
    named: &[bool],
    rules: &[RuleUnit],
    group_units: &[GroupUnit],
) -> Vec<Diagnostic> {
    let mut referenced = vec![false; cfg.groups.len()];
    let all = rules
        .iter()
        .flat_map(RuleUnit::referenced)
        .chain(group_units.iter().flat_map(|u| &u.referenced));
    for &at in all {
        if let Some(r) = referenced.get_mut(at) {
            *r = true;
        }
    }
    let mut out = Vec::new();
    for (at, g) in cfg.groups.iter().enumerate() {
        let Some(name) = g.name.as_deref() else {
            continue;
        };
        if named.get(at).copied().unwrap_or(false) && !referenced[at] {
            out.push(Diagnostic::new(
                Code::UnusedGroup,
                g.name_span.unwrap_or(g.span),
                format!("{}/NAME", g.pointer),
                format!("no rule or group refers to the group \"{name}\""),
            ));
        }
    }
    out
}

/// Finds cycles among groups with an iterative depth-first search and
/// reports each once, naming the whole cycle.
fn cycles(cfg: &Config, units: &[GroupUnit], groups: &GroupIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let n = cfg.groups.len().min(units.len());
    let edges: Vec<&[usize]> = units.iter().map(|u| u.edges.as_slice()).collect();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state = vec![0u8; n];
    let mut reported: HashSet<Vec<usize>> = HashSet::default();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        let mut path: Vec<usize> = vec![start];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                        path.push(to);
                    }
                    1 => {
                        let pos = path.iter().position(|&p| p == to).unwrap_or(0);
                        let cycle: Vec<usize> = path[pos..].to_vec();
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if reported.insert(key) {
                            let names: Vec<&str> = cycle
                                .iter()
                                .chain(std::iter::once(&to))
                                .map(|&i| cfg.groups[i].name.as_deref().unwrap_or("?"))
                                .collect();
                            let g = &cfg.groups[node];
                            let span = g.members.as_ref().map_or(g.span, |m| {
                                m.iter()
                                    .find(|e| groups.lookup_entry(e) == Some(to))
                                    .map_or(m.span, |e| m.span_of(&e))
                            });
                            out.push(Diagnostic::new(
                                Code::GroupCycle,
                                span,
                                format!("{}/MEMBERS", g.pointer),
                                format!(
                                    "groups contain each other in a cycle: {}. Evaluation stops at the repeated group",
                                    names.join(" → ")
                                ),
                            ));
                        }
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
                path.pop();
            }
        }
    }
    out
}

fn feature_case(cfg: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Spellings of each feature (folded), with how often each is used.
    let mut spellings: HashMap<String, HashMap<&str, usize>> = HashMap::default();
    for rule in cfg.all_rules() {
        if let Some(f) = &rule.features {
            for e in f.iter() {
                if e.text != "*" {
                    *spellings
                        .entry(str::to_lowercase(e.text))
                        .or_default()
                        .entry(e.text)
                        .or_default() += 1;
                }
            }
        }
    }
    for rule in cfg.all_rules() {
        let Some(f) = &rule.features else { continue };
        for e in f.iter() {
            let Some(variants) = spellings.get(&str::to_lowercase(e.text)) else {
                continue;
            };
            if variants.len() < 2 {
                continue;
            }
            // The most used spelling (ties: the upper-case one) is taken as right.
            let best = variants
                .iter()
                .max_by_key(|(s, n)| (**n, s.chars().filter(|c| c.is_uppercase()).count()))
                .map(|(s, _)| *s)
                .unwrap_or(e.text);
            if best != e.text {
                out.push(
                    at_entry(
                        f,
                        &e,
                        Code::FeatureCase,
                        format!(
                            "feature `{}` differs from `{best}` only in case; features are compared exactly, so this rule does not apply to {best}",
                            e.text
                        ),
                    )
                    .with_fix(format!("write `{best}`"), f.span_of(&e), json_inner(best)),
                );
            }
        }
    }
    out
}

fn settings(cfg: &Config, out: &mut Vec<Diagnostic>) {
    let Some(http) = cfg.setting("HTTP_PORT") else {
        return;
    };
    let on = match &http.value.kind {
        NodeKind::Number(n) => n.value != 0.0,
        _ => false,
    };
    let has_password = cfg
        .setting("ADMIN_PASSWORD")
        .and_then(|s| s.value.as_str())
        .is_some_and(|p| !p.is_empty());
    if on && !has_password {
        out.push(Diagnostic::new(
            Code::MonitorWithoutPassword,
            http.value.span,
            "/HTTP_PORT",
            "the License Monitor is on (HTTP_PORT is not 0) but no ADMIN_PASSWORD is set; set one, or set HTTP_PORT to 0 to turn the monitor off",
        ));
    }
}
