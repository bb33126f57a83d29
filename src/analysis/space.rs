//! The principal space of one or more rule files for one feature
//! (`docs/semantics.md`, "Reasoning over every principal").
//!
//! A decision depends on the principal only through which lists of the
//! feature's rules it matches (and, with seat sharing, whether its user and
//! host are those of a session). Each list matches when any of the
//! principal's parts matches one of its entries, so the space is built
//! part by part:
//!
//! 1. the candidate values of each part: for user and host, no name, every
//!    literal name the lists reach (through groups too) and one name for
//!    every set of wildcard patterns a name can match at once
//!    ([`super::names`]); for the IP, none and one address inside every
//!    stretch where the IP entries overlap alike (IPv6 addresses as they
//!    are); for local groups, every set of the `&` entries;
//! 2. each candidate's signature: which lists it matches, asked of the
//!    engines themselves ([`Engine::list_matches`]);
//! 3. the classes: the distinct unions of one signature per part, each with
//!    the first principal found as its witness and how many candidate
//!    combinations it stands for.
//!
//! Merging candidates whose signatures agree on the feature's lists is the
//! pruning the contract allows: they cannot be told apart by any decision
//! about this feature. `exhaustive` is false when a budget stopped the
//! work, with what was examined and an estimate of what was left.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use crate::engine::matcher::Scratch;
use crate::engine::{Engine, ListId};
use crate::model::{Config, EntryList, Rule};
use crate::pattern::{Kind, Pattern, fold};
use crate::pool::{PoolIndex, SeatSharing};
use crate::request::Principal;

/// Where the work stops.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Classes per feature at most.
    pub classes: usize,
    /// Automaton states for the names at most.
    pub name_states: usize,
    /// No new work after this instant.
    pub deadline: Option<Instant>,
    /// Merge candidates and combinations that the feature's lists cannot
    /// tell apart (the default). Off, every combination of candidate
    /// values is a class of its own: the unpruned space, for tests.
    pub prune: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            classes: 200_000,
            name_states: 200_000,
            deadline: None,
            prune: true,
        }
    }
}

impl Budget {
    fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// One principal class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// A principal of the class, to paste into `privy explain`.
    pub witness: Principal,
    /// How many combinations of candidate values (one per kind of name,
    /// address and groups the files tell apart) it stands for.
    pub alike: u64,
}

/// The entries that the rules for a feature name, for saying what a
/// witness stands for.
#[derive(Debug, Clone, Default)]
pub struct Atoms {
    /// Literal names, folded, with one spelling as written.
    pub names: HashMap<String, String>,
    /// Wildcard patterns, folded, each once, in file order.
    pub wildcards: Vec<String>,
    /// IPv4 forms as inclusive intervals, with their text.
    pub ipv4: Vec<(u32, u32, String)>,
    /// IPv6 addresses (IPv4-mapped ones are in `ipv4`), with their text.
    pub ipv6: Vec<(IpAddr, String)>,
    /// `&` groups, folded, with one spelling as written.
    pub local_groups: Vec<(String, String)>,
}

/// The classes of one feature.
#[derive(Debug, Clone)]
pub struct Space {
    pub feature: String,
    pub classes: Vec<Class>,
    /// Every class was found (no budget was reached).
    pub exhaustive: bool,
    /// Combinations of candidate values examined, and an estimate of those
    /// left when the budget stopped the work.
    pub examined: u64,
    pub left: u64,
    pub atoms: Atoms,
}

/// Whether `rule` can apply to a request for `feature`.
pub fn applies_to(rule: &Rule, feature: &str) -> bool {
    !rule.empty_preset
        && (rule.any_feature()
            || rule
                .features
                .as_deref()
                .is_some_and(|f| f.iter().any(|e| e.text == feature)))
}

impl Atoms {
    /// The entries the lists of the rules for `feature` reach, through
    /// groups at any depth, in every file; and with seat sharing the pool's
    /// session names.
    pub fn of(cfgs: &[&Config], pool: Option<&PoolIndex>, feature: &str) -> Atoms {
        let mut a = Atoms::default();
        let mut wild_seen = std::collections::HashSet::new();
        let mut lg_seen = std::collections::HashSet::new();
        for cfg in cfgs {
            let mut seen_groups = vec![false; cfg.groups.len()];
            let mut todo: Vec<&EntryList> = cfg
                .all_rules()
                .filter(|r| applies_to(r, feature))
                .flat_map(|r| [r.users.as_deref(), r.except_users.as_deref()])
                .flatten()
                .collect();
            while let Some(list) = todo.pop() {
                for e in list.iter() {
                    if let Some(g) = cfg.group_index.lookup_entry(&e) {
                        if !std::mem::replace(&mut seen_groups[g], true)
                            && let Some(m) = cfg.groups.get(g).and_then(|g| g.members.as_ref())
                        {
                            todo.push(m);
                        }
                        continue;
                    }
                    match e.pattern() {
                        Pattern::Name(_) if matches!(e.kind, Kind::Name { wildcard: true, .. }) => {
                            let f = fold(e.text.trim());
                            if wild_seen.insert(f.clone()) {
                                a.wildcards.push(f);
                            }
                        }
                        Pattern::Name(_) => {
                            a.names
                                .entry(fold(e.text.trim()))
                                .or_insert_with(|| e.text.trim().to_string());
                        }
                        Pattern::LocalGroup(g) => {
                            let f = fold(g.trim());
                            if lg_seen.insert(f.clone()) {
                                a.local_groups.push((f, g.trim().to_string()));
                            }
                        }
                        Pattern::Ip(ip) => match crate::pattern::normalize(ip) {
                            IpAddr::V4(v4) => {
                                let n = u32::from(v4);
                                a.ipv4.push((n, n, e.text.trim().to_string()));
                            }
                            v6 => a.ipv6.push((v6, e.text.trim().to_string())),
                        },
                        Pattern::Ipv4Wildcard { octets, fixed } => {
                            let keep = u32::from(fixed.min(4)) * 8;
                            let addr = u32::from_be_bytes(octets);
                            let (lo, hi) = match keep {
                                0 => (0, u32::MAX),
                                32 => (addr, addr),
                                k => {
                                    let mask = u32::MAX << (32 - k);
                                    (addr & mask, (addr & mask) | !mask)
                                }
                            };
                            a.ipv4.push((lo, hi, e.text.trim().to_string()));
                        }
                        Pattern::Ipv4Range { prefix, lo, hi } if lo <= hi => {
                            let base = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], 0]);
                            a.ipv4.push((
                                base | u32::from(lo),
                                base | u32::from(hi),
                                e.text.trim().to_string(),
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        if let Some(pool) = pool
            && pool.pool.seat_sharing != SeatSharing::None
        {
            for s in &pool.pool.sessions {
                for n in [&s.user, &s.host].into_iter().flatten() {
                    let n = n.trim();
                    if !n.is_empty() {
                        a.names.entry(fold(n)).or_insert_with(|| n.to_string());
                    }
                }
            }
        }
        a
    }

    /// The candidate IP addresses: one at the start of every stretch of
    /// addresses that some IPv4 form covers (the forms' ends cut the line
    /// into stretches each form covers whole or not at all), and each IPv6
    /// address.
    fn ip_candidates(&self) -> Vec<IpAddr> {
        let mut cuts: Vec<u32> = Vec::with_capacity(self.ipv4.len() * 2);
        let mut covered: Vec<(u32, u32)> = self.ipv4.iter().map(|&(lo, hi, _)| (lo, hi)).collect();
        for &(lo, hi) in &covered {
            cuts.push(lo);
            if hi < u32::MAX {
                cuts.push(hi + 1);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        covered.sort_unstable();
        let mut union: Vec<(u32, u32)> = Vec::new();
        for (lo, hi) in covered {
            match union.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => union.push((lo, hi)),
            }
        }
        let inside = |x: u32| {
            let i = union.partition_point(|&(lo, _)| lo <= x);
            i > 0 && union[i - 1].1 >= x
        };
        // The start of each stretch; `.1` rather than `.0` where the stretch
        // holds it (a network address reads oddly as a witness).
        let mut out: Vec<IpAddr> = cuts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| inside(c))
            .map(|(i, &c)| {
                let end = cuts.get(i + 1).map_or(u32::MAX, |n| n - 1);
                let pick = if c & 0xff == 0 && end > c { c + 1 } else { c };
                IpAddr::V4(Ipv4Addr::from(pick))
            })
            .collect();
        out.extend(self.ipv6.iter().map(|(ip, _)| *ip));
        out
    }

    /// The IP entries that an address falls in.
    pub fn ip_entries(&self, ip: IpAddr) -> Vec<&str> {
        let mut out = self.ip_entries_all(ip);
        let mut seen = std::collections::HashSet::new();
        out.retain(|t| seen.insert(*t));
        out
    }

    fn ip_entries_all(&self, ip: IpAddr) -> Vec<&str> {
        match crate::pattern::normalize(ip) {
            IpAddr::V4(v4) => {
                let n = u32::from(v4);
                self.ipv4
                    .iter()
                    .filter(|&&(lo, hi, _)| lo <= n && n <= hi)
                    .map(|(_, _, t)| t.as_str())
                    .collect()
            }
            v6 => self
                .ipv6
                .iter()
                .filter(|(a, _)| *a == v6)
                .map(|(_, t)| t.as_str())
                .collect(),
        }
    }

    /// The wildcard patterns a name matches (folded patterns).
    pub fn wildcards_matching(&self, name: &str) -> Vec<&str> {
        let f = fold(name);
        self.wildcards
            .iter()
            .filter(|w| crate::pattern::NamePattern::new(w).matches_folded(&f))
            .map(String::as_str)
            .collect()
    }

    /// The literal name as written, if `name` is one.
    pub fn literal(&self, name: &str) -> Option<&str> {
        self.names.get(&fold(name)).map(String::as_str)
    }
}

/// A signature: what a value (or a principal) is to the decisions about
/// the feature, in every version, plus which session's user or host it is
/// (seat sharing). Unions of signatures are signatures of the combined
/// principal (a list matches when any part matches it).
///
/// Pruned, it keeps only what a decision can use: for deny and allow rules
/// whether some rule of a kind and serial scope matches (one bit), for
/// HOURS without EXCEPT_USERS the smallest HOURS matched (a minimum), and
/// per list only where a list counts alone (limits and reservations with a
/// pool, HOURS with EXCEPT_USERS). Unpruned, one bit per list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Sig {
    bits: Vec<u64>,
    mins: Vec<u64>,
    user_session: Option<u32>,
    host_session: Option<u32>,
}

impl Sig {
    fn union(&self, other: &Sig) -> Sig {
        Sig {
            bits: self
                .bits
                .iter()
                .zip(&other.bits)
                .map(|(a, b)| a | b)
                .collect(),
            mins: self
                .mins
                .iter()
                .zip(&other.mins)
                .map(|(a, b)| *a.min(b))
                .collect(),
            user_session: self.user_session.or(other.user_session),
            host_session: self.host_session.or(other.host_session),
        }
    }
}

/// What a list's match adds to a signature.
#[derive(Debug, Clone, Copy)]
enum Act {
    Bit(usize),
    Min(usize, u64),
}

/// The lists of the feature in every engine, what each match means, and
/// how to ask them.
struct Lists<'a> {
    engines: &'a [&'a Engine],
    lists: Vec<(usize, ListId, Vec<Act>)>,
    bits: usize,
    mins: usize,
    scratch: Vec<Scratch>,
}

impl<'a> Lists<'a> {
    fn new(engines: &'a [&'a Engine], feature: &str, pooled: bool, prune: bool) -> Lists<'a> {
        use crate::spec::RuleKind::*;
        /// Before numbering: a bit of the list's own, a shared OR bit, a
        /// minimum.
        enum Pending {
            Own,
            Or(usize),
            Min(usize, u64),
        }
        let mut or_slots: HashMap<(usize, crate::spec::RuleKind, Option<Vec<String>>), usize> =
            HashMap::new();
        let mut min_slots: HashMap<(usize, Option<Vec<String>>), usize> = HashMap::new();
        let mut pending: Vec<(usize, ListId, Vec<Pending>)> = Vec::new();
        for (e, engine) in engines.iter().enumerate() {
            for role in engine.list_roles(feature) {
                let mut acts = Vec::new();
                if !prune {
                    acts.push(Pending::Own);
                } else {
                    match role.kind {
                        DenyCheckouts | DenyBorrows | AllowCheckouts | AllowBorrows => {
                            if !role.list.except {
                                let next = or_slots.len();
                                let slot = *or_slots
                                    .entry((e, role.kind, role.serials.clone()))
                                    .or_insert(next);
                                acts.push(Pending::Or(slot));
                            }
                        }
                        LimitBorrows => {
                            if let Some(h) = role.hours {
                                if role.has_except {
                                    acts.push(Pending::Own);
                                } else {
                                    let next = min_slots.len();
                                    let slot =
                                        *min_slots.entry((e, role.serials.clone())).or_insert(next);
                                    acts.push(Pending::Min(slot, h));
                                }
                            }
                            if pooled && role.count.is_some() {
                                acts.push(Pending::Own);
                            }
                        }
                        LimitCheckouts => {
                            if pooled && role.count.is_some() {
                                acts.push(Pending::Own);
                            }
                        }
                        ReserveCheckouts => {
                            if pooled && role.count.is_some() && !role.list.except {
                                acts.push(Pending::Own);
                            }
                        }
                    }
                }
                if !acts.is_empty() {
                    pending.push((e, role.list, acts));
                }
            }
        }
        let mut own = 0usize;
        let shared = or_slots.len();
        let mut lists: Vec<(usize, ListId, Vec<Act>)> = pending
            .into_iter()
            .map(|(e, l, acts)| {
                let acts = acts
                    .into_iter()
                    .map(|a| match a {
                        Pending::Own => {
                            own += 1;
                            Act::Bit(shared + own - 1)
                        }
                        Pending::Or(slot) => Act::Bit(slot),
                        Pending::Min(slot, h) => Act::Min(slot, h),
                    })
                    .collect();
                (e, l, acts)
            })
            .collect();
        lists.shrink_to_fit();
        Lists {
            engines,
            lists,
            bits: shared + own,
            mins: min_slots.len(),
            scratch: engines.iter().map(|_| Scratch::default()).collect(),
        }
    }

    fn sig(&mut self, p: &Principal) -> Sig {
        let mut scratch = std::mem::take(&mut self.scratch);
        let sig = self.sig_with(p, &mut scratch);
        self.scratch = scratch;
        sig
    }

    /// The signatures of principals that are one name each (as user), for
    /// thousands of names at once ([`Engine::names_matching`]; the same
    /// answers as [`Lists::sig`] one by one).
    fn name_sigs(&mut self, names: &[Option<String>]) -> Vec<Sig> {
        let folded: Vec<Option<String>> = names
            .iter()
            .map(|n| {
                Principal {
                    user: n.clone(),
                    ..Default::default()
                }
                .folded()
                .user
            })
            .collect();
        let given: Vec<&str> = folded.iter().flatten().map(String::as_str).collect();
        let mut sigs: Vec<Sig> = folded
            .iter()
            .map(|_| Sig {
                bits: vec![0u64; self.bits.div_ceil(64)],
                mins: vec![u64::MAX; self.mins],
                user_session: None,
                host_session: None,
            })
            .collect();
        for e in 0..self.engines.len() {
            let at: Vec<usize> = (0..self.lists.len())
                .filter(|&k| self.lists[k].0 == e)
                .collect();
            let ids: Vec<ListId> = at.iter().map(|&k| self.lists[k].1).collect();
            let matched = self.engines[e].names_matching(&ids, &given);
            let mut next = matched.into_iter();
            for (sig, n) in sigs.iter_mut().zip(&folded) {
                if n.is_none() {
                    continue;
                }
                let Some(bits) = next.next() else { break };
                for (j, &k) in at.iter().enumerate() {
                    if bits[j / 64] >> (j % 64) & 1 == 1 {
                        for a in &self.lists[k].2 {
                            match *a {
                                Act::Bit(i) => sig.bits[i / 64] |= 1 << (i % 64),
                                Act::Min(m, h) => sig.mins[m] = sig.mins[m].min(h),
                            }
                        }
                    }
                }
            }
        }
        // No name at all: asked as it is.
        for (sig, n) in sigs.iter_mut().zip(&folded) {
            if n.is_none() {
                *sig = self.sig(&Principal::default());
            }
        }
        sigs
    }

    /// The signatures of many principals at once
    /// ([`Engine::principals_matching`]).
    fn sigs_of(&self, people: &[Principal]) -> Vec<Sig> {
        let folded: Vec<crate::request::FoldedPrincipal> =
            people.iter().map(Principal::folded).collect();
        let mut sigs: Vec<Sig> = people
            .iter()
            .map(|_| Sig {
                bits: vec![0u64; self.bits.div_ceil(64)],
                mins: vec![u64::MAX; self.mins],
                user_session: None,
                host_session: None,
            })
            .collect();
        for e in 0..self.engines.len() {
            let at: Vec<usize> = (0..self.lists.len())
                .filter(|&k| self.lists[k].0 == e)
                .collect();
            let ids: Vec<ListId> = at.iter().map(|&k| self.lists[k].1).collect();
            let matched = self.engines[e].principals_matching(&ids, &folded);
            for (sig, bits) in sigs.iter_mut().zip(matched) {
                for (j, &k) in at.iter().enumerate() {
                    if bits[j / 64] >> (j % 64) & 1 == 1 {
                        for a in &self.lists[k].2 {
                            match *a {
                                Act::Bit(i) => sig.bits[i / 64] |= 1 << (i % 64),
                                Act::Min(m, h) => sig.mins[m] = sig.mins[m].min(h),
                            }
                        }
                    }
                }
            }
        }
        sigs
    }

    /// [`Lists::sig`] with the caller's memo (one per engine), so that
    /// threads can share the lists.
    fn sig_with(&self, p: &Principal, scratch: &mut [Scratch]) -> Sig {
        let folded = p.folded();
        let mut bits = vec![0u64; self.bits.div_ceil(64)];
        let mut mins = vec![u64::MAX; self.mins];
        for (e, list, acts) in &self.lists {
            if self.engines[*e].list_matches(*list, &folded, &mut scratch[*e]) {
                for a in acts {
                    match *a {
                        Act::Bit(i) => bits[i / 64] |= 1 << (i % 64),
                        Act::Min(m, h) => mins[m] = mins[m].min(h),
                    }
                }
            }
        }
        Sig {
            bits,
            mins,
            user_session: None,
            host_session: None,
        }
    }
}

/// One candidate value of one part, merged with those alike.
struct Value<T> {
    value: T,
    sig: Sig,
    alike: u64,
}

/// Merges candidates by signature, keeping the first as the witness
/// (unless `prune` is off).
fn merge<T>(items: impl IntoIterator<Item = (T, Sig)>, prune: bool) -> Vec<Value<T>> {
    let mut out: Vec<Value<T>> = Vec::new();
    let mut at: HashMap<Sig, usize> = HashMap::new();
    for (value, sig) in items {
        match at.get(&sig).filter(|_| prune) {
            Some(&i) => out[i].alike += 1,
            None => {
                at.insert(sig.clone(), out.len());
                out.push(Value {
                    value,
                    sig,
                    alike: 1,
                });
            }
        }
    }
    out
}

/// The principal space of `feature` over the engines (one per file, with
/// the configurations they were compiled from) and the pool.
pub fn space(
    engines: &[&Engine],
    cfgs: &[&Config],
    pool: Option<&PoolIndex>,
    feature: &str,
    budget: &Budget,
) -> Space {
    let atoms = Atoms::of(cfgs, pool, feature);
    let mut lists = Lists::new(engines, feature, pool.is_some(), budget.prune);
    let mut exhaustive = true;
    // Session names under seat sharing: which of them a value is.
    let sharing = pool.is_some_and(|p| p.pool.seat_sharing != SeatSharing::None);
    let session_users: HashMap<String, u32> = session_names(pool, sharing, |s| s.user.as_deref());
    let session_hosts: HashMap<String, u32> = session_names(pool, sharing, |s| s.host.as_deref());

    // Names: none, each literal, one per set of wildcards met at once.
    let mut literals: Vec<&String> = atoms.names.keys().collect();
    literals.sort();
    let literal_list: Vec<String> = literals.iter().map(|s| s.to_string()).collect();
    let unnamed =
        super::names::unnamed_classes(&literal_list, &atoms.wildcards, budget.name_states);
    exhaustive &= unnamed.complete;
    let names: Vec<Option<String>> = std::iter::once(None)
        .chain(literals.iter().map(|l| Some(atoms.names[*l].clone())))
        .chain(unnamed.unnamed.into_iter().map(Some))
        .collect();
    let sigs = lists.name_sigs(&names);
    let name_sigs: Vec<(Option<String>, Sig)> = names.into_iter().zip(sigs).collect();
    let users = merge(
        name_sigs.iter().map(|(n, sig)| {
            let mut sig = sig.clone();
            sig.user_session = n
                .as_deref()
                .and_then(|n| session_users.get(&fold(n)).copied());
            (n.clone(), sig)
        }),
        budget.prune,
    );
    let hosts = merge(
        name_sigs.iter().map(|(n, sig)| {
            let mut sig = sig.clone();
            sig.host_session = n
                .as_deref()
                .and_then(|n| session_hosts.get(&fold(n)).copied());
            (n.clone(), sig)
        }),
        budget.prune,
    );
    let ip_values: Vec<Option<IpAddr>> = std::iter::once(None)
        .chain(atoms.ip_candidates().into_iter().map(Some))
        .collect();
    let ip_people: Vec<Principal> = ip_values
        .iter()
        .map(|&ip| Principal {
            ip,
            ..Default::default()
        })
        .collect();
    let ip_sigs = lists.sigs_of(&ip_people);
    let ips = merge(ip_values.into_iter().zip(ip_sigs), budget.prune);
    // Local groups: every union of the single groups' signatures.
    let single: Vec<(String, Sig)> = atoms
        .local_groups
        .iter()
        .map(|(_, g)| {
            let sig = lists.sig(&Principal {
                local_groups: vec![g.clone()],
                ..Default::default()
            });
            (g.clone(), sig)
        })
        .collect();
    let empty = lists.sig(&Principal::default());
    let mut groups: Vec<Value<Vec<String>>> = vec![Value {
        value: Vec::new(),
        sig: empty,
        alike: 1,
    }];
    {
        let mut at: HashMap<Sig, usize> = HashMap::new();
        at.insert(groups[0].sig.clone(), 0);
        for (g, s) in &single {
            let before = groups.len();
            for i in 0..before {
                let sig = groups[i].sig.union(s);
                match at.get(&sig).filter(|_| budget.prune) {
                    Some(&j) => groups[j].alike = groups[j].alike.saturating_add(1),
                    None => {
                        let mut value = groups[i].value.clone();
                        value.push(g.clone());
                        at.insert(sig.clone(), groups.len());
                        groups.push(Value {
                            value,
                            sig,
                            alike: 1,
                        });
                    }
                }
                if groups.len() > budget.classes {
                    exhaustive = false;
                    break;
                }
            }
            if !exhaustive {
                break;
            }
        }
    }

    // The classes: distinct unions, part by part (user and host, then the
    // address, then the local groups), merged at each stage so the work is
    // the product of what each stage leaves, not of every part's values.
    let total = (users.len() as u64)
        .saturating_mul(hosts.len() as u64)
        .saturating_mul(ips.len() as u64)
        .saturating_mul(groups.len() as u64);
    let mut examined = 0u64;
    /// A partial class: its signature, the values chosen (by position in
    /// each part), how many combinations it stands for.
    struct Partial {
        sig: Sig,
        pick: [usize; 4],
        alike: u64,
    }
    let mut stop = false;
    let stage = |from: Vec<Partial>,
                 part: &mut dyn Iterator<Item = (usize, &Sig, u64)>,
                 at_part: usize,
                 examined: &mut u64,
                 stop: &mut bool|
     -> Vec<Partial> {
        let part: Vec<(usize, &Sig, u64)> = part.collect();
        let mut out: Vec<Partial> = Vec::new();
        let mut at: HashMap<Sig, usize> = HashMap::new();
        // The part varies slowest: the first witness of a class keeps the
        // earlier parts' plainest values (a user before a host).
        for &(i, psig, palike) in &part {
            for f in &from {
                if (*examined).is_multiple_of(4096) && budget.out_of_time() {
                    *stop = true;
                    return out;
                }
                *examined += 1;
                let sig = f.sig.union(psig);
                let alike = f.alike.saturating_mul(palike);
                match at.get(&sig).filter(|_| budget.prune) {
                    Some(&k) => out[k].alike = out[k].alike.saturating_add(alike),
                    None => {
                        if out.len() >= budget.classes {
                            *stop = true;
                            return out;
                        }
                        let mut pick = f.pick;
                        pick[at_part] = i;
                        at.insert(sig.clone(), out.len());
                        out.push(Partial { sig, pick, alike });
                    }
                }
            }
        }
        out
    };
    let start: Vec<Partial> = users
        .iter()
        .enumerate()
        .map(|(i, u)| Partial {
            sig: u.sig.clone(),
            pick: [i, 0, 0, 0],
            alike: u.alike,
        })
        .collect();
    let mut parts = stage(
        start,
        &mut hosts.iter().enumerate().map(|(i, h)| (i, &h.sig, h.alike)),
        1,
        &mut examined,
        &mut stop,
    );
    if !stop {
        parts = stage(
            parts,
            &mut ips.iter().enumerate().map(|(i, v)| (i, &v.sig, v.alike)),
            2,
            &mut examined,
            &mut stop,
        );
    }
    if !stop {
        parts = stage(
            parts,
            &mut groups.iter().enumerate().map(|(i, v)| (i, &v.sig, v.alike)),
            3,
            &mut examined,
            &mut stop,
        );
    }
    if stop {
        exhaustive = false;
    }
    let classes: Vec<Class> = parts
        .into_iter()
        .map(|p| Class {
            witness: Principal {
                user: users[p.pick[0]].value.clone(),
                host: hosts[p.pick[1]].value.clone(),
                ip: ips[p.pick[2]].value,
                local_groups: groups[p.pick[3]].value.clone(),
            },
            alike: p.alike,
        })
        .collect();
    Space {
        feature: feature.to_string(),
        classes,
        exhaustive,
        examined,
        left: total.saturating_sub(examined),
        atoms,
    }
}

fn session_names(
    pool: Option<&PoolIndex>,
    sharing: bool,
    part: impl Fn(&crate::pool::Session) -> Option<&str>,
) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    if let (Some(pool), true) = (pool, sharing) {
        for s in &pool.pool.sessions {
            if let Some(n) = part(s).map(str::trim).filter(|n| !n.is_empty()) {
                let next = out.len() as u32;
                out.entry(fold(n)).or_insert(next);
            }
        }
    }
    out
}

/// What a name stands for in a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameWhat {
    /// None given, or one the rules do not name.
    Unnamed,
    /// A name the rules name (as written).
    Named(String),
    /// A name the rules do not name, matching these patterns.
    Matching(Vec<String>),
}

/// What a class stands for, for its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct What {
    pub user: NameWhat,
    pub host: NameWhat,
    /// The IP entries the witness's address falls in (`None`: no address,
    /// or one no entry names).
    pub ip: Option<Vec<String>>,
    pub local_groups: Vec<String>,
    /// How many combinations the class stands for.
    pub alike: u64,
}

impl What {
    /// How many parts of the principal the rules name (for putting the
    /// simplest classes first).
    pub fn named_parts(&self) -> usize {
        [
            self.user != NameWhat::Unnamed,
            self.host != NameWhat::Unnamed,
            self.ip.is_some(),
            !self.local_groups.is_empty(),
        ]
        .iter()
        .filter(|&&b| b)
        .count()
    }
}

impl Space {
    /// What the class of witness `w` stands for.
    pub fn describe(&self, w: &Principal, alike: u64) -> What {
        let name = |n: &Option<String>| match n {
            None => NameWhat::Unnamed,
            Some(n) => match self.atoms.literal(n) {
                Some(l) => NameWhat::Named(l.to_string()),
                None => {
                    let m: Vec<String> = self
                        .atoms
                        .wildcards_matching(n)
                        .into_iter()
                        .map(String::from)
                        .collect();
                    if m.is_empty() {
                        NameWhat::Unnamed
                    } else {
                        NameWhat::Matching(m)
                    }
                }
            },
        };
        What {
            user: name(&w.user),
            host: name(&w.host),
            ip: w
                .ip
                .map(|ip| {
                    self.atoms
                        .ip_entries(ip)
                        .into_iter()
                        .map(String::from)
                        .collect::<Vec<_>>()
                })
                .filter(|e| !e.is_empty()),
            local_groups: w.local_groups.clone(),
            alike,
        }
    }
}
