//! Whether a request's unset inputs could change its verdict
//! (`docs/semantics.md`, "Inputs that would change the verdict").
//!
//! The verdict of a request with unset fields is computed as always (an
//! unset field matches no entry). Whether it is *determined* is decided
//! over the part of the principal space that agrees with the request on
//! every field it sets ([`space_around`]): every class of completions is
//! decided by the engine, and the verdict is determined when none of them
//! changes the verdict or its reason.
//!
//! The alternatives (`would_change`) are listed per entry: for each entry
//! of the unset field's kind that the feature's rules reach, one value
//! inside it is decided with the other unset fields left unset; then any
//! changing class no single entry accounts for (an overlap of IP ranges, a
//! name meeting two patterns, several fields at once) is added with its
//! witness. Each alternative is a decision the engine made, so each example
//! reproduces through `privy explain`.

use std::net::IpAddr;

use super::space::{Atoms, Budget, Vary, space_around_with};
use crate::engine::matcher::Scratch;
use crate::engine::{Engine, PoolView, Reason, Request, Verdict};
use crate::model::Config;
use crate::request::Principal;
use crate::rule_id::RuleId;

/// An input a request may leave unset, as `would_change` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    User,
    Host,
    /// A name entry, when both user and host are unset (it would match
    /// either).
    UserOrHost,
    Ip,
    LocalGroups,
}

impl Input {
    pub fn as_str(self) -> &'static str {
        match self {
            Input::User => "user",
            Input::Host => "host",
            Input::UserOrHost => "user_or_host",
            Input::Ip => "ip",
            Input::LocalGroups => "local_groups",
        }
    }
}

/// Which inputs the request leaves unknown: the engine's [`Unknown`]
/// (what a trace line says it needed), for the whole request. Local groups
/// count only where the feature's rules reach `&` entries and the caller
/// did not say the principal has none (`--no-local-groups`).
pub type Unset = crate::engine::Unknown;

/// The unset inputs as `would_change` names them, in order.
pub fn inputs(u: Unset) -> Vec<Input> {
    let mut out = Vec::new();
    match (u.user, u.host) {
        (true, true) => out.push(Input::UserOrHost),
        (true, false) => out.push(Input::User),
        (false, true) => out.push(Input::Host),
        (false, false) => {}
    }
    if u.ip {
        out.push(Input::Ip);
    }
    if u.local_groups {
        out.push(Input::LocalGroups);
    }
    out
}

/// A value of an unset input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsetValue {
    Text(String),
    Groups(Vec<String>),
}

impl UnsetValue {
    pub fn json(&self) -> serde_json::Value {
        match self {
            UnsetValue::Text(t) => serde_json::Value::String(t.clone()),
            UnsetValue::Groups(g) => {
                serde_json::Value::Array(g.iter().cloned().map(serde_json::Value::String).collect())
            }
        }
    }
}

/// One way an unset input would change the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub input: Input,
    /// The entry the example falls in, as written (several, joined, for an
    /// overlap).
    pub entry: String,
    pub example: UnsetValue,
    /// Other unset inputs the change needs as well (empty but for changes
    /// that only several inputs together make).
    pub with: Principal,
    pub decision: Verdict,
    pub reason: Reason,
    pub rules: Vec<RuleId>,
}

impl Alternative {
    /// The request with the example filled in (and `with`).
    pub fn apply(&self, req: &Request) -> Request {
        let mut r = req.clone();
        set(&mut r, self.input, &self.example);
        if let Some(u) = &self.with.user {
            r.principal.user = Some(u.clone());
        }
        if let Some(h) = &self.with.host {
            r.principal.host = Some(h.clone());
        }
        if let Some(ip) = self.with.ip {
            r.principal.ip = Some(ip);
        }
        if !self.with.local_groups.is_empty() {
            r.principal.local_groups = self.with.local_groups.clone();
        }
        r
    }
}

fn set(r: &mut Request, input: Input, e: &UnsetValue) {
    match (input, e) {
        (Input::User | Input::UserOrHost, UnsetValue::Text(t)) => {
            r.principal.user = Some(t.clone())
        }
        (Input::Host, UnsetValue::Text(t)) => r.principal.host = Some(t.clone()),
        (Input::Ip, UnsetValue::Text(t)) => r.principal.ip = t.parse().ok(),
        (Input::LocalGroups, UnsetValue::Groups(g)) => r.principal.local_groups = g.clone(),
        _ => {}
    }
}

/// The answer: determined or not, and what would change it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Determination {
    pub determined: bool,
    /// Every class of completions was decided (no budget reached).
    pub exhaustive: bool,
    pub unset: Unset,
    pub would_change: Vec<Alternative>,
}

/// Which inputs of `req` are unknown for `feature` in `cfg`.
pub fn unset_of(req: &Request, atoms: &Atoms, no_local_groups: bool) -> Unset {
    Unset {
        user: req
            .principal
            .user
            .as_deref()
            .is_none_or(|u| u.trim().is_empty()),
        host: req
            .principal
            .host
            .as_deref()
            .is_none_or(|h| h.trim().is_empty()),
        ip: req.principal.ip.is_none(),
        local_groups: req.principal.local_groups.is_empty()
            && !no_local_groups
            && !atoms.local_groups.is_empty(),
    }
}

/// Whether the unset inputs of `req` could change its verdict or reason,
/// and how. `pool` as the decision was made with.
pub fn determine(
    engine: &Engine,
    cfg: &Config,
    pool: Option<&PoolView<'_>>,
    req: &Request,
    no_local_groups: bool,
    budget: &Budget,
) -> Determination {
    let atoms = Atoms::of(&[cfg], pool.map(|p| p.index), &req.feature);
    determine_with(engine, pool, req, &atoms, no_local_groups, budget)
}

/// [`determine`] with the feature's entries already read (`atoms`, of the
/// configuration `engine` was compiled from and the pool).
pub fn determine_with(
    engine: &Engine,
    pool: Option<&PoolView<'_>>,
    req: &Request,
    atoms: &Atoms,
    no_local_groups: bool,
    budget: &Budget,
) -> Determination {
    let index = pool.map(|p| p.index);
    let unset = unset_of(req, atoms, no_local_groups);
    let mut scratch = Scratch::default();
    let base = engine.verdict(req, pool, &mut scratch);
    // A deny rule that matches goes on matching whatever is added (an
    // unset input only adds matches), and without a pool, or with one
    // license named, no other license can serve instead.
    let one_license = pool.is_none() || req.serial.is_some();
    if !unset.any() || (base.1 == Reason::DenyRule && one_license) {
        return Determination {
            determined: true,
            exhaustive: true,
            unset,
            would_change: Vec::new(),
        };
    }
    let given = req.principal.clone();
    let vary = Vary {
        user: unset.user,
        host: unset.host,
        ip: unset.ip,
        local_groups: unset.local_groups,
    };
    let complete = |w: &Principal| {
        let mut r = w.request(&req.feature, req.action);
        r.serial = req.serial.clone();
        r.hours = req.hours;
        r
    };
    // Entry by entry, one input at a time: the alternatives people can
    // act on, and usually the answer (one that changes the outcome
    // settles `determined`).
    let mut found: Vec<(Input, UnsetValue, String)> = Vec::new();
    for input in inputs(unset) {
        for (example, entry) in entry_examples(atoms, input) {
            let mut r = req.clone();
            set(&mut r, input, &example);
            if engine.verdict(&r, pool, &mut scratch) != base {
                found.push((input, example, entry));
            }
        }
    }
    let mut alternatives: Vec<Alternative> = found
        .into_iter()
        .map(|(input, example, entry)| Alternative {
            input,
            entry,
            example,
            with: Principal::default(),
            decision: base.0,
            reason: base.1,
            rules: Vec::new(),
        })
        .collect();
    let mut out = Determination {
        determined: false,
        exhaustive: true,
        unset,
        would_change: Vec::new(),
    };
    // No single entry changes it: every class of completions is decided
    // (a name meeting two patterns, an overlap of ranges, inputs that
    // change it only together).
    let (space, changing) = if alternatives.is_empty() {
        let space = space_around_with(
            atoms.clone(),
            &[engine],
            index,
            &req.feature,
            &given,
            vary,
            budget,
        );
        let changing: Vec<Principal> = space
            .classes
            .iter()
            .filter(|c| c.witness != given)
            .filter(|c| engine.verdict(&complete(&c.witness), pool, &mut scratch) != base)
            .map(|c| c.witness.clone())
            .collect();
        out.exhaustive = space.exhaustive;
        if changing.is_empty() {
            out.determined = true;
            return out;
        }
        (Some(space), changing)
    } else {
        (None, Vec::new())
    };
    // Changing classes that no entry above accounts for: a single input
    // in a class of its own (a name meeting two patterns, an overlap of
    // ranges), or inputs that change the outcome only together (no part of
    // them does alone).
    for w in &changing {
        let added = added_parts(&given, w, unset);
        let Some(&(input, _)) = added.first() else {
            continue;
        };
        if added.len() == 1 {
            let covered = alternatives.iter().any(|a| {
                a.with == Principal::default()
                    && a.input == input
                    && space
                        .as_ref()
                        .is_some_and(|sp| same_class(sp, &a.apply(req), &complete(w)))
            });
            if covered {
                continue;
            }
        } else {
            let smaller = (1..(1u32 << added.len()) - 1).any(|mask| {
                let mut r = req.clone();
                for (i, (input, example)) in added.iter().enumerate() {
                    if mask >> i & 1 == 1 {
                        set(&mut r, *input, example);
                    }
                }
                engine.verdict(&r, pool, &mut scratch) != base
            });
            if smaller {
                continue;
            }
        }
        let (_, example) = added[0].clone();
        let mut with = w.clone();
        clear(&mut with, &given, input);
        alternatives.push(Alternative {
            input,
            entry: entry_of(atoms, input, &example),
            example,
            with,
            decision: base.0,
            reason: base.1,
            rules: Vec::new(),
        });
    }
    // The decision each alternative gives, with its rules: decided again,
    // which also keeps only those that really change the outcome.
    for a in &mut alternatives {
        let d = engine.decide_quiet(&a.apply(req), pool, &mut scratch);
        a.decision = d.decision;
        a.reason = d.reason;
        a.rules = d.rules;
    }
    alternatives.retain(|a| (a.decision, a.reason) != base);
    let mut seen = std::collections::HashSet::new();
    alternatives.retain(|a| seen.insert((a.input, a.entry.clone(), a.with.clone())));
    out.would_change = alternatives;
    out
}

/// Whether two completions fall in the same class of the space (the
/// witness of `b`'s class decides the same as `a`): compared through the
/// entries each matches, which is what the space tells apart.
fn same_class(space: &super::Space, a: &Request, b: &Request) -> bool {
    let what = |r: &Request| {
        let mut w = space.describe_principal(&r.principal);
        for way in &mut w.ways {
            way.witness = Principal::default();
        }
        w
    };
    what(a) == what(b)
}

/// The parts `w` sets that `given` leaves unset, as inputs with their
/// values.
fn added_parts(given: &Principal, w: &Principal, unset: Unset) -> Vec<(Input, UnsetValue)> {
    let mut out = Vec::new();
    let both = unset.user && unset.host;
    if given.user.is_none()
        && let Some(u) = &w.user
    {
        out.push((
            if both { Input::UserOrHost } else { Input::User },
            UnsetValue::Text(u.clone()),
        ));
    }
    if given.host.is_none()
        && let Some(h) = &w.host
    {
        // With both unset, a host alone is reported as the name it is
        // (asked as the user: a name entry matches either).
        let input = if both && w.user.is_none() {
            Input::UserOrHost
        } else {
            Input::Host
        };
        out.push((input, UnsetValue::Text(h.clone())));
    }
    if given.ip.is_none()
        && let Some(ip) = w.ip
    {
        out.push((Input::Ip, UnsetValue::Text(ip.to_string())));
    }
    if given.local_groups.is_empty() && !w.local_groups.is_empty() {
        out.push((
            Input::LocalGroups,
            UnsetValue::Groups(w.local_groups.clone()),
        ));
    }
    out
}

/// `w` without the part `input` names (and without what `given` has).
fn clear(w: &mut Principal, given: &Principal, input: Input) {
    match input {
        Input::User => w.user = None,
        Input::Host => w.host = None,
        Input::UserOrHost => {
            if w.user.is_some() {
                w.user = None;
            } else {
                w.host = None;
            }
        }
        Input::Ip => w.ip = None,
        Input::LocalGroups => w.local_groups.clear(),
    }
    if given.user.is_some() {
        w.user = None;
    }
    if given.host.is_some() {
        w.host = None;
    }
    if given.ip.is_some() {
        w.ip = None;
    }
    if !given.local_groups.is_empty() {
        w.local_groups.clear();
    }
}

/// The entries of the input's kind the feature's rules reach, each with
/// one value inside it, in the order the atoms list them.
fn entry_examples(atoms: &Atoms, input: Input) -> Vec<(UnsetValue, String)> {
    match input {
        Input::User | Input::Host | Input::UserOrHost => atoms
            .name_examples()
            .into_iter()
            .map(|(n, e)| (UnsetValue::Text(n), e))
            .collect(),
        Input::Ip => atoms
            .ip_examples()
            .into_iter()
            .map(|(ip, e)| (UnsetValue::Text(ip.to_string()), e))
            .collect(),
        Input::LocalGroups => atoms
            .local_groups
            .iter()
            .map(|(_, g)| (UnsetValue::Groups(vec![g.clone()]), format!("&{g}")))
            .collect(),
    }
}

/// The entries a value falls in, for an alternative found by class.
fn entry_of(atoms: &Atoms, input: Input, e: &UnsetValue) -> String {
    match (input, e) {
        (Input::Ip, UnsetValue::Text(t)) => match t.parse::<IpAddr>() {
            Ok(ip) => atoms.ip_entries(ip).join(" and "),
            Err(_) => t.clone(),
        },
        (Input::LocalGroups, UnsetValue::Groups(g)) => g
            .iter()
            .map(|g| format!("&{g}"))
            .collect::<Vec<_>>()
            .join(" and "),
        (_, UnsetValue::Text(t)) => match atoms.literal(t) {
            Some(l) => l.to_string(),
            None => atoms.wildcards_matching_written(t).join(" and "),
        },
        (_, UnsetValue::Groups(g)) => g.join(", "),
    }
}
