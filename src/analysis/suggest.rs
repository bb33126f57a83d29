//! How to turn a no into a yes (`docs/semantics.md`, "Suggestions"): the
//! smallest single changes that grant a denied request, each verified by
//! deciding the request again with the change made.
//!
//! Two kinds: another value of one field of the request, and one edit of
//! the rule file or the pool, as the text edit the editor applies (the
//! splice of a structured [`Edit`], as the editor's fixes are). Each file
//! edit carries its impact, the access diff between the file before and
//! after it. Request changes come first, then edits by least collateral.

use super::atoms::Atoms;
use super::diff::{ChangeKind, Versions, diff};
use super::space::Budget;
use crate::document::{Document, Edit};
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{
    Action, Cover, Decision, Engine, Found, HoursSource, PoolView, Reason, Request, StepName,
    Verdict, Why,
};
use crate::json::parse::TextEdit;
use crate::model::Config;
use crate::request::Principal;
use crate::rule_id::RuleId;
use crate::spec::{Effect, RuleKind};

/// What a suggestion changes, as data (`crate::words::proposal` words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    /// Ask from another host / IP / as another user, matching `entry`.
    Host {
        host: String,
        entry: String,
    },
    Ip {
        ip: String,
        entry: String,
    },
    User {
        user: String,
        entry: String,
    },
    /// Add a Windows local group.
    LocalGroup {
        group: String,
    },
    /// Ask another license.
    Serial {
        serial: String,
    },
    /// Borrow for at most this many hours.
    Hours {
        hours: u64,
    },
    /// Check out instead of borrowing.
    Checkout,
    /// Remove an entry from a rule's list.
    RemoveEntry {
        rule: RuleId,
        entry: String,
    },
    /// Remove a member from a group.
    RemoveMember {
        group: String,
        entry: String,
    },
    /// Remove a whole rule.
    RemoveRule {
        rule: RuleId,
    },
    /// Add the principal to a rule's USERS.
    AddToUsers {
        rule: RuleId,
        entry: String,
    },
    /// Add the principal to a group a rule lists.
    AddToGroup {
        group: String,
        rule: RuleId,
        entry: String,
    },
    /// Add the principal to a limit's EXCEPT_USERS.
    AddToExcept {
        rule: RuleId,
        entry: String,
    },
    /// Change a COUNT (raise a limit, lower a reservation).
    SetCount {
        rule: RuleId,
        from: i64,
        to: i64,
    },
    /// Raise a LIMIT_BORROWS rule's HOURS.
    SetHours {
        rule: RuleId,
        from: i64,
        to: i64,
    },
    /// Add seats of a feature to a license of the pool.
    AddSeat {
        serial: String,
        feature: String,
        from: u64,
        to: u64,
    },
}

/// Where a suggestion applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    Request,
    File,
    Pool,
}

impl SuggestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::Request => "request",
            SuggestionKind::File => "file",
            SuggestionKind::Pool => "pool",
        }
    }
}

/// What a file edit changes for everyone: the access diff it makes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Impact {
    pub gained: usize,
    pub revoked: usize,
    pub reason_changed: usize,
    /// Gained or revoked changes for principals of another user than the
    /// asker's (all of them when the asker has no user).
    pub others: usize,
    /// A few gained or revoked changes other than the request's own.
    pub examples: Vec<Example>,
    pub exhaustive: bool,
}

/// One access an edit gains or revokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub gained: bool,
    pub feature: String,
    pub action: Action,
    pub witness: Principal,
}

impl Impact {
    /// How much the edit changes beyond what was asked (for ranking).
    pub fn collateral(&self) -> usize {
        self.gained.saturating_sub(1) + self.revoked * 2 + self.reason_changed
    }
}

/// One verified change that grants the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub proposal: Proposal,
    /// For a request change: the request it makes.
    pub request: Option<Request>,
    /// For a file or pool change: the splice in that file's text.
    pub edit: Option<TextEdit>,
    /// For a file change: what it does for everyone.
    pub impact: Option<Impact>,
}

/// The pool a decision was made with, and its text (for pool edits).
#[derive(Debug, Clone, Copy)]
pub struct PoolFile<'a> {
    pub text: &'a str,
    pub index: &'a PoolIndex,
}

/// At most this many request changes of each field.
const PER_FIELD: usize = 3;
/// At most this many values of one field tried.
const TRIES_PER_FIELD: usize = 400;
/// The time all impacts of one request's suggestions may take together;
/// past it an impact is what the diff found so far (`exhaustive: false`).
const IMPACT_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// The suggestions for a denied request (none for a granted one). `d` is
/// the traced decision of `req` in `doc` with `pool`.
pub fn suggest(
    doc: &Document,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
    budget: &Budget,
) -> Vec<Suggestion> {
    if d.decision == Verdict::Granted {
        return Vec::new();
    }
    let engine = Engine::for_features(doc.config(), &[req.feature.as_str()]);
    let atoms = Atoms::of(&[doc.config()], pool.map(|p| p.index), &req.feature);
    suggest_with(doc, &engine, pool, req, d, &atoms, budget)
}

/// [`suggest`] with the engine of `doc` (compiled for at least the
/// request's feature) and the feature's entries already at hand.
pub fn suggest_with(
    doc: &Document,
    engine: &Engine,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
    atoms: &Atoms,
    budget: &Budget,
) -> Vec<Suggestion> {
    if d.decision == Verdict::Granted {
        return Vec::new();
    }
    let cfg = doc.config();
    let view = pool.map(|p| PoolView::new(engine, p.index));
    let grants = |r: &Request| {
        let mut s = crate::engine::matcher::Scratch::default();
        engine.verdict(r, view.as_ref(), &mut s).0 == Verdict::Granted
    };
    // Request changes, verified in order: at most a few per field, and
    // no more than so many tried per field (a file naming thousands of
    // hosts need not have each tried).
    let mut out: Vec<Suggestion> = Vec::new();
    let mut per: std::collections::HashMap<std::mem::Discriminant<Proposal>, (usize, usize)> =
        Default::default();
    for (proposal, r) in request_changes(atoms, pool, req, d) {
        let (granted, tried) = per.entry(std::mem::discriminant(&proposal)).or_default();
        if *granted >= PER_FIELD || *tried >= TRIES_PER_FIELD {
            continue;
        }
        *tried += 1;
        if grants(&r) {
            *granted += 1;
            out.push(Suggestion {
                kind: SuggestionKind::Request,
                proposal,
                request: Some(r),
                edit: None,
                impact: None,
            });
        }
    }
    // The impacts share one budget: each is a diff of the file.
    let impact_budget = Budget {
        deadline: Some(
            budget
                .deadline
                .map_or(std::time::Instant::now() + IMPACT_TIME, |d| {
                    d.min(std::time::Instant::now() + IMPACT_TIME)
                }),
        ),
        ..*budget
    };
    let budget = &impact_budget;
    let mut edits: Vec<Suggestion> = Vec::new();
    // A COUNT is tried from the smallest change on: the first that grants
    // is the least that suffices, and the rest are not offered.
    let mut counted: std::collections::HashSet<RuleId> = Default::default();
    for (proposal, edit) in file_edits(doc, req, d) {
        if let Proposal::SetCount { rule, .. } = proposal
            && counted.contains(&rule)
        {
            continue;
        }
        let Ok(splice) = doc.splice_for(&edit) else {
            continue;
        };
        // The edit made in a copy, followed in part as the editor does.
        let mut after = doc.clone();
        if after.apply(&Edit::Text(splice.clone())).is_err() {
            continue;
        }
        let e2 = Engine::for_features(after.config(), &[req.feature.as_str()]);
        let v2 = pool.map(|p| PoolView::new(&e2, p.index));
        let mut s = crate::engine::matcher::Scratch::default();
        if e2.verdict(req, v2.as_ref(), &mut s).0 != Verdict::Granted {
            continue;
        }
        if let Proposal::SetCount { rule, .. } = proposal {
            counted.insert(rule);
        }
        let features = touched_features(cfg, &proposal);
        let impact = impact(
            cfg,
            after.config(),
            pool.map(|p| p.index),
            &features,
            req,
            budget,
        );
        edits.push(Suggestion {
            kind: SuggestionKind::File,
            proposal,
            request: None,
            edit: Some(splice),
            impact: Some(impact),
        });
    }
    if let Some(p) = pool {
        for (proposal, splice) in pool_edits(p, req, d) {
            let mut text = p.text.to_string();
            crate::json::edit::apply(&mut text, &splice);
            let Ok(index) = Pool::from_json(&text).and_then(Pool::index) else {
                continue;
            };
            let v2 = PoolView::new(engine, &index);
            let mut s = crate::engine::matcher::Scratch::default();
            if engine.verdict(req, Some(&v2), &mut s).0 != Verdict::Granted {
                continue;
            }
            edits.push(Suggestion {
                kind: SuggestionKind::Pool,
                proposal,
                request: None,
                edit: Some(splice),
                impact: None,
            });
        }
    }
    edits.sort_by_key(|s| s.impact.as_ref().map_or(0, Impact::collateral));
    out.extend(edits);
    out
}

/// The features an edit can change decisions of: those of the rule it
/// edits (every feature, `[]`, for a rule on every feature or a group).
fn touched_features(cfg: &Config, p: &Proposal) -> Vec<String> {
    let rule = match p {
        Proposal::RemoveEntry { rule, .. }
        | Proposal::RemoveRule { rule }
        | Proposal::AddToUsers { rule, .. }
        | Proposal::AddToExcept { rule, .. }
        | Proposal::SetCount { rule, .. }
        | Proposal::SetHours { rule, .. } => *rule,
        _ => return Vec::new(),
    };
    match cfg.rule(rule) {
        Some(r) if !r.any_feature() => r
            .features
            .as_deref()
            .map(|f| f.iter().map(|e| e.text.to_string()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The access diff an edit makes, summarised.
fn impact(
    old: &Config,
    new: &Config,
    pool: Option<&PoolIndex>,
    features: &[String],
    req: &Request,
    budget: &Budget,
) -> Impact {
    let d = diff(Versions { old, new, pool }, features, budget);
    let own = req.principal();
    let examples = d
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::ReasonChanged)
        .filter(|c| !(c.feature == req.feature && c.class.witness == own))
        // Other people first: the asker's own other hosts say little.
        .filter(|c| c.class.witness.user != own.user || own.user.is_none())
        .map(|c| Example {
            gained: c.kind == ChangeKind::Gained,
            feature: c.feature.clone(),
            action: c.action,
            witness: c.class.witness.clone(),
        })
        .fold(Vec::<Example>::new(), |mut v, e| {
            if v.len() < 3
                && !v
                    .iter()
                    .any(|x| x.feature == e.feature && x.witness == e.witness)
            {
                v.push(e);
            }
            v
        });
    let others = d
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::ReasonChanged)
        .filter(|c| c.class.witness.user != own.user || own.user.is_none())
        .count();
    Impact {
        others,
        gained: d.count(ChangeKind::Gained),
        revoked: d.count(ChangeKind::Revoked),
        reason_changed: d.count(ChangeKind::ReasonChanged),
        examples,
        exhaustive: d.exhaustive,
    }
}

/// Other values of one field of the request (unverified).
fn request_changes(
    atoms: &Atoms,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
) -> Vec<(Proposal, Request)> {
    let mut out = Vec::new();
    // Names the rules reach, patterns first: "a host matching PC*" is
    // what a person can act on.
    let (mut names, literals): (Vec<(String, String)>, Vec<(String, String)>) = atoms
        .name_examples()
        .into_iter()
        .partition(|(_, entry)| entry.contains('*'));
    names.extend(literals);
    // A host and an address no rule names come first: they grant when
    // what the request gave was the trouble (a denied range, a host).
    if req.host.is_some()
        && let Some(other) = unnamed_name(&atoms)
    {
        let mut r = req.clone();
        r.host = Some(other.clone());
        out.push((
            Proposal::Host {
                host: other,
                entry: String::new(),
            },
            r,
        ));
    }
    if req.ip.is_some()
        && let Some(other) = unnamed_ip(&atoms)
    {
        let mut r = req.clone();
        r.ip = Some(other);
        out.push((
            Proposal::Ip {
                ip: other.to_string(),
                entry: String::new(),
            },
            r,
        ));
    }
    for (name, entry) in &names {
        if req.host.as_deref() != Some(name.as_str()) {
            let mut r = req.clone();
            r.host = Some(name.clone());
            out.push((
                Proposal::Host {
                    host: name.clone(),
                    entry: entry.clone(),
                },
                r,
            ));
        }
    }
    for (ip, text) in atoms.ip_examples() {
        if req.ip != Some(ip) {
            let mut r = req.clone();
            r.ip = Some(ip);
            out.push((
                Proposal::Ip {
                    ip: ip.to_string(),
                    entry: text,
                },
                r,
            ));
        }
    }
    for (folded, g) in &atoms.local_groups {
        if !req
            .local_groups
            .iter()
            .any(|x| crate::pattern::fold(x.trim()) == *folded)
        {
            let mut r = req.clone();
            r.local_groups.push(g.clone());
            out.push((Proposal::LocalGroup { group: g.clone() }, r));
        }
    }
    if req.user.is_none() {
        for (name, entry) in &names {
            let mut r = req.clone();
            r.user = Some(name.clone());
            out.push((
                Proposal::User {
                    user: name.clone(),
                    entry: entry.clone(),
                },
                r,
            ));
        }
    }
    if let Some(p) = pool {
        for l in &p.index.pool.licenses {
            if l.seats(&req.feature).is_some() && req.serial.as_deref() != Some(&l.serial) {
                let mut r = req.clone();
                r.serial = Some(l.serial.clone());
                out.push((
                    Proposal::Serial {
                        serial: l.serial.clone(),
                    },
                    r,
                ));
            }
        }
    }
    if req.action == Action::Borrow {
        if d.reason == Reason::BorrowHoursExceeded
            && let Some(max) = d.max_borrow_hours
        {
            let mut r = req.clone();
            r.hours = Some(max);
            out.push((Proposal::Hours { hours: max }, r));
        }
        let mut r = req.clone();
        r.action = Action::Checkout;
        r.hours = None;
        out.push((Proposal::Checkout, r));
    }
    out
}

/// A name that no literal and no pattern of the rules matches.
fn unnamed_name(atoms: &Atoms) -> Option<String> {
    (0..1000)
        .map(|i| {
            if i == 0 {
                "OTHER-HOST".to_string()
            } else {
                format!("OTHER-HOST-{i}")
            }
        })
        .find(|n| atoms.literal(n).is_none() && atoms.wildcards_matching(n).is_empty())
}

/// An IPv4 address that no IP form of the rules covers.
fn unnamed_ip(atoms: &Atoms) -> Option<std::net::IpAddr> {
    let mut forms: Vec<(u32, u32)> = atoms.ipv4.iter().map(|&(lo, hi, _)| (lo, hi)).collect();
    forms.sort_unstable();
    // 192.0.2.1 (documentation range) if free, else the first gap.
    let preferred = u32::from(std::net::Ipv4Addr::new(192, 0, 2, 1));
    let covered = |x: u32| forms.iter().any(|&(lo, hi)| lo <= x && x <= hi);
    let pick = if !covered(preferred) {
        Some(preferred)
    } else {
        let mut next = 1u32;
        let mut found = None;
        for &(lo, hi) in &forms {
            if next < lo {
                found = Some(next);
                break;
            }
            next = next.max(hi.saturating_add(1));
        }
        found.or((next != u32::MAX && !covered(next)).then_some(next))
    };
    pick.map(|n| std::net::IpAddr::V4(std::net::Ipv4Addr::from(n)))
}

/// The entry that stands for the principal in a list it is added to: its
/// user, else its host, else its IP.
fn principal_entry(req: &Request) -> Option<String> {
    req.user
        .clone()
        .or_else(|| req.host.clone())
        .or_else(|| req.ip.map(|ip| ip.to_string()))
        .filter(|e| !e.trim().is_empty() && !e.contains(';'))
}

fn set_list(pointer: &str, value: String) -> Edit {
    Edit::SetValue {
        pointer: pointer.to_string(),
        value: serde_json::Value::String(value),
    }
}

/// The rules a step looked at, with what it found about each.
fn checks(d: &Decision, step: StepName) -> impl Iterator<Item = &crate::engine::RuleCheck> {
    d.trace
        .iter()
        .filter(move |s| s.step == step)
        .flat_map(|s| s.rules.iter())
}

/// Edits of the rule file that may grant the request (unverified).
fn file_edits(doc: &Document, req: &Request, d: &Decision) -> Vec<(Proposal, Edit)> {
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
                out.push((
                    Proposal::RemoveRule { rule: check.rule },
                    Edit::RemoveItem {
                        pointer: format!("/{}", check.rule.kind.key()),
                        index: check.rule.index as usize,
                    },
                ));
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
                    let edit = match &group.members {
                        Some(m) => set_list(&m.pointer, crate::pattern::with_entry(&m.raw, &name)),
                        None => Edit::InsertMember {
                            pointer: group.pointer.clone(),
                            key: "MEMBERS".into(),
                            value: serde_json::Value::String(name.clone()),
                            index: None,
                        },
                    };
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
            for step in d.trace.iter().filter(|s| s.step == StepName::Limit) {
                let Found::LimitReached {
                    rule: id, usage, ..
                } = step.found
                else {
                    continue;
                };
                let Some(rule) = cfg.rule(id) else {
                    continue;
                };
                if let Some(name) = &name {
                    let edit = match rule.except_users.as_deref() {
                        Some(ex) => {
                            set_list(&ex.pointer, crate::pattern::with_entry(&ex.raw, name))
                        }
                        None => Edit::InsertMember {
                            pointer: rule.pointer.clone(),
                            key: "EXCEPT_USERS".into(),
                            value: serde_json::Value::String(name.clone()),
                            index: None,
                        },
                    };
                    out.push((
                        Proposal::AddToExcept {
                            rule: id,
                            entry: name.clone(),
                        },
                        edit,
                    ));
                }
                if let Some(count) = &rule.count {
                    // The least COUNT above the usage.
                    let to = i64::try_from(usage).unwrap_or(i64::MAX - 1) + 1;
                    out.push((
                        Proposal::SetCount {
                            rule: id,
                            from: count.value,
                            to,
                        },
                        Edit::SetValue {
                            pointer: format!("{}/COUNT", rule.pointer),
                            value: to.into(),
                        },
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
                            Edit::SetValue {
                                pointer: format!("{}/COUNT", rule.pointer),
                                value: to.into(),
                            },
                        ));
                    }
                }
                out.push((
                    Proposal::RemoveRule { rule: id },
                    Edit::RemoveItem {
                        pointer: format!("/{}", id.kind.key()),
                        index: id.index as usize,
                    },
                ));
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
                        Edit::SetValue {
                            pointer: format!("{}/HOURS", rule.pointer),
                            value: to.into(),
                        },
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
fn pool_edits(p: PoolFile<'_>, req: &Request, d: &Decision) -> Vec<(Proposal, TextEdit)> {
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
