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

mod describe;
mod solve;

pub use describe::{GroupsWhat, IpsWhat, NamesWhat, Way, What, describe_principal};
pub use solve::{Found, Need};

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::net::IpAddr;
use std::time::Instant;

pub use super::atoms::{Atoms, applies_to};
use crate::engine::matcher::Scratch;
use crate::engine::{Engine, ListId, ListRole};
use crate::model::Config;
use crate::pattern::fold;
use crate::pool::{PoolIndex, SeatSharing};
use crate::request::Principal;

/// Where the work stops.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Classes per feature at most.
    pub classes: usize,
    /// Automaton states for the names at most.
    pub name_states: usize,
    /// Bytes one answer's principal space may hold at most (the names'
    /// automaton, the classes and their signatures): past it the answer
    /// stops, `exhaustive: false`, instead of exhausting the machine.
    pub memory: usize,
    /// No new work after this instant.
    pub deadline: Option<Instant>,
    /// Merge candidates and combinations that the feature's lists cannot
    /// tell apart (the default). Off, every combination of candidate
    /// values is a class of its own: the unpruned space, for tests.
    pub prune: bool,
    /// Keep every list's own match in the signature (merging still on):
    /// classes then also tell apart which rule covers whom, as the
    /// findings over single rules need, not only what decisions see.
    pub per_list: bool,
}

/// The memory budget of one answer over the principal space, the same
/// for `privy check`, `explain`, `diff` and the window: 512 MiB for the
/// space of one feature (the names' automaton gets half), so that the
/// process, the file's model and engine included, stays under 1 GiB on
/// the hostile shapes of `tests/it/bounded.rs`.
pub const MEMORY_BUDGET: usize = 512 << 20;

impl Default for Budget {
    fn default() -> Self {
        Budget {
            classes: 200_000,
            name_states: 200_000,
            memory: MEMORY_BUDGET,
            deadline: None,
            prune: true,
            per_list: false,
        }
    }
}

impl Budget {
    fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// How many ways of falling into a class are kept (analysis.md 6.2): the
/// rest are counted in [`Class::ways`].
pub const WAYS_KEPT: usize = 8;

/// How many of the values merged into one candidate are kept for its
/// description: the rest are counted.
pub const MEMBERS_KEPT: usize = 8;

/// One principal class: with pruning, every combination of candidate
/// values that the decisions about the feature cannot tell apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// A principal of the class, to paste into `privy explain`.
    pub witness: Principal,
    /// How many combinations of candidate values (one per kind of name,
    /// address and groups the files tell apart) it stands for.
    pub alike: u64,
    /// The ways into the class ([`WAYS_KEPT`] at most): each a pick of one
    /// candidate per part (user, host, IP, local groups; 0 is the part's
    /// base, no value or the given one) where every picked part adds to
    /// what the parts before it match. Every combination of the class is
    /// one of them with parts of no consequence added, so together they
    /// say who the class holds ([`Space::what`]).
    pub gens: Vec<[u32; 4]>,
    /// How many ways there are in all.
    pub ways: u64,
}

/// The candidates of one part, merged by signature: for each, up to
/// [`MEMBERS_KEPT`] of the values it stands for and how many there are.
#[derive(Debug, Clone, Default)]
pub struct Part<T> {
    pub values: Vec<(Vec<T>, u64)>,
    /// Every candidate the part can take was found (the names'
    /// construction finished).
    pub complete: bool,
}

impl<T: Clone> Part<T> {
    fn of(values: &[Value<T>], complete: bool) -> Part<T> {
        Part {
            values: values
                .iter()
                .map(|v| (v.members.clone(), v.alike))
                .collect(),
            complete,
        }
    }

    /// Whether candidate `i` (not the base) stands for every candidate
    /// but the base, and the base only for the absent value.
    pub fn is_all(&self, i: usize) -> bool {
        let total: u64 = self.values.iter().map(|v| v.1).sum();
        self.complete
            && i > 0
            && self.values.first().is_some_and(|b| b.1 == 1)
            && self.values[i].1 + 1 == total
    }
}

/// The candidates of every part, as the classes' ways pick them.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    pub users: Part<Option<String>>,
    pub hosts: Part<Option<String>>,
    pub ips: Part<Option<IpAddr>>,
    pub local_groups: Part<Vec<String>>,
    /// Each candidate's words, worked out when a class first needs them
    /// (the entries a value matches are looked up once, not once a class).
    user_words: Vec<std::sync::OnceLock<NamesWhat>>,
    host_words: Vec<std::sync::OnceLock<NamesWhat>>,
    ip_words: Vec<std::sync::OnceLock<IpsWhat>>,
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
    pub atoms: Arc<Atoms>,
    /// The candidates the classes' ways pick.
    pub parts: Parts,
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
    bits: SmallVec<[u64; 2]>,
    mins: SmallVec<[u64; 2]>,
    user_session: Option<u32>,
    host_session: Option<u32>,
}

impl Sig {
    /// `self ∪ other` into `out` (its buffers reused).
    fn union_into(&self, other: &Sig, out: &mut Sig) {
        out.bits.clear();
        out.bits
            .extend(self.bits.iter().zip(&other.bits).map(|(a, b)| a | b));
        out.mins.clear();
        out.mins
            .extend(self.mins.iter().zip(&other.mins).map(|(a, b)| *a.min(b)));
        out.user_session = self.user_session.or(other.user_session);
        out.host_session = self.host_session.or(other.host_session);
    }

    /// Whether everything `self` matches, `other` matches too.
    fn within(&self, other: &Sig) -> bool {
        self.bits.iter().zip(&other.bits).all(|(a, b)| a & !b == 0)
            && self.mins.iter().zip(&other.mins).all(|(a, b)| a >= b)
            && (self.user_session.is_none() || self.user_session == other.user_session)
            && (self.host_session.is_none() || self.host_session == other.host_session)
    }

    fn union(&self, other: &Sig) -> Sig {
        let mut out = Sig::default();
        self.union_into(other, &mut out);
        out
    }
}

/// What a list's match adds to a signature.
#[derive(Debug, Clone, Copy)]
enum Act {
    Bit(usize),
    Min(usize, u64),
}

/// One list of the feature: the engine it is in, and what its rule does.
struct ListAt {
    engine: usize,
    role: ListRole,
}

/// [`Engine::lists_name_wild`] of each of `lists`, asked of its engine.
fn lists_wild(engines: &[&Engine], lists: &[ListAt]) -> Vec<bool> {
    let mut wild = vec![false; lists.len()];
    for (e, engine) in engines.iter().enumerate() {
        let at: Vec<usize> = (0..lists.len()).filter(|&i| lists[i].engine == e).collect();
        let ids: Vec<_> = at.iter().map(|&i| lists[i].role.list).collect();
        for (i, w) in at.into_iter().zip(engine.lists_name_wild(&ids)) {
            wild[i] = w;
        }
    }
    wild
}

/// What each list's match adds to a signature (by the list's place among
/// the candidates' lists), and the signature's size: what the classes
/// tell apart.
pub struct Acts {
    acts: Vec<Vec<Act>>,
    bits: usize,
    mins: usize,
}

impl Acts {
    /// Pruned (`prune` and not `per_list`), a list adds what a decision
    /// uses of it (see [`Sig`]); else each list is a bit of its own. The
    /// lists in `focus` are bits of their own either way, out of the
    /// shared bits and minimums, so that the classes also tell whether each
    /// of them matches and what the others would decide without them.
    fn new(
        lists: &[ListAt],
        pooled: bool,
        prune: bool,
        per_list: bool,
        focus: &[(usize, ListId)],
    ) -> Acts {
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
        let mut pending: Vec<Vec<Pending>> = Vec::with_capacity(lists.len());
        for l in lists {
            let (e, role) = (l.engine, &l.role);
            let mut acts = Vec::new();
            if !prune || per_list || focus.contains(&(e, role.list)) {
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
            pending.push(acts);
        }
        let mut own = 0usize;
        let shared = or_slots.len();
        let acts: Vec<Vec<Act>> = pending
            .into_iter()
            .map(|acts| {
                acts.into_iter()
                    .map(|a| match a {
                        Pending::Own => {
                            own += 1;
                            Act::Bit(shared + own - 1)
                        }
                        Pending::Or(slot) => Act::Bit(slot),
                        Pending::Min(slot, h) => Act::Min(slot, h),
                    })
                    .collect()
            })
            .collect();
        Acts {
            acts,
            bits: shared + own,
            mins: min_slots.len(),
        }
    }

    fn empty_sig(&self) -> Sig {
        Sig {
            bits: smallvec::smallvec![0u64; self.bits.div_ceil(64)],
            mins: smallvec::smallvec![u64::MAX; self.mins],
            user_session: None,
            host_session: None,
        }
    }

    /// The signature of a value that matches the lists of `row`.
    fn sig(&self, row: &[u64]) -> Sig {
        let mut sig = self.empty_sig();
        for k in ones(row) {
            for a in self.acts.get(k).into_iter().flatten() {
                match *a {
                    Act::Bit(i) => sig.bits[i / 64] |= 1 << (i % 64),
                    Act::Min(m, h) => sig.mins[m] = sig.mins[m].min(h),
                }
            }
        }
        sig
    }
}

/// The positions of the bits set in `words` (bit `k` is bit `k % 64` of
/// word `k / 64`), in order.
fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(w, &word)| {
        let mut x = word;
        std::iter::from_fn(move || {
            (x != 0).then(|| {
                let b = x.trailing_zeros() as usize;
                x &= x - 1;
                w * 64 + b
            })
        })
    })
}

/// One candidate value of one part with the lists it matches (a bit per
/// list), merged with those that match the same lists.
#[derive(Debug, Clone)]
struct Raw<T> {
    value: T,
    members: Vec<T>,
    alike: u64,
    row: Vec<u64>,
    /// Which session's user (or host) it is, under seat sharing.
    session: Option<u32>,
}

/// Merges values that match the same lists (and are the same session's),
/// unless `prune` is off.
fn dedupe<T: Clone>(
    items: impl IntoIterator<Item = (T, Vec<u64>, Option<u32>)>,
    prune: bool,
) -> Vec<Raw<T>> {
    let mut out: Vec<Raw<T>> = Vec::new();
    let mut at: FxHashMap<(Vec<u64>, Option<u32>), usize> = FxHashMap::default();
    for (value, row, session) in items {
        let key = (row, session);
        match at.get(&key).filter(|_| prune) {
            Some(&i) => {
                out[i].alike += 1;
                if out[i].members.len() < MEMBERS_KEPT {
                    out[i].members.push(value);
                }
            }
            None => {
                let (row, session) = key.clone();
                at.insert(key, out.len());
                out.push(Raw {
                    members: vec![value.clone()],
                    value,
                    alike: 1,
                    row,
                    session,
                });
            }
        }
    }
    out
}

/// The candidate values of each part of the principal space of one
/// feature, with the lists each matches: worked out once (the names'
/// automaton, the lists asked of every name), then reduced to the classes
/// of any signature ([`Candidates::space`]), pruned as the decisions need
/// or with some rules' lists told apart ([`Candidates::focused`]).
pub struct Candidates {
    feature: String,
    lists: Vec<ListAt>,
    pooled: bool,
    prune: bool,
    /// The users, and the hosts: one list when both vary alike (a name in a
    /// list matches a user or a host), kept once.
    users: Arc<Vec<Raw<Option<String>>>>,
    hosts: Arc<Vec<Raw<Option<String>>>>,
    ips: Vec<Raw<Option<IpAddr>>>,
    /// Each `&` group alone, and the groups every principal has (none,
    /// or the given ones).
    single_groups: Vec<(String, Vec<u64>)>,
    start_groups: (Vec<String>, Vec<u64>),
    vary: Vary,
    /// The names' automaton finished, and how many names it left waiting.
    names_complete: bool,
    names_pending: u64,
    /// For each of `lists`, whether a name wildcard is in it (through its
    /// groups): a name the automaton did not reach matches only these.
    wild: Vec<bool>,
    atoms: Arc<Atoms>,
    /// Which values of each part match each list, for [`Candidates::find`]
    /// (worked out when first asked).
    postings: std::sync::OnceLock<solve::Postings>,
}

impl Candidates {
    /// The candidates of `feature` over the engines (one per file, with
    /// `atoms` read from the configurations they were compiled from) and
    /// the pool, for the principals that agree with `given` on the parts
    /// that do not vary.
    pub fn new(
        atoms: Atoms,
        engines: &[&Engine],
        pool: Option<&PoolIndex>,
        feature: &str,
        given: &Principal,
        vary: Vary,
        budget: &Budget,
    ) -> Candidates {
        let lists: Vec<ListAt> = engines
            .iter()
            .enumerate()
            .flat_map(|(e, engine)| {
                engine
                    .list_roles(feature)
                    .into_iter()
                    .map(move |role| ListAt { engine: e, role })
            })
            .collect();
        let wild = lists_wild(engines, &lists);
        let mut ask = Ask {
            engines,
            lists: &lists,
            scratch: engines.iter().map(|_| Scratch::default()).collect(),
        };
        // Session names under seat sharing: which of them a value is.
        let sharing = pool.is_some_and(|p| p.pool.seat_sharing != SeatSharing::None);
        let session_users: HashMap<String, u32> =
            session_names(pool, sharing, |s| s.user.as_deref());
        let session_hosts: HashMap<String, u32> =
            session_names(pool, sharing, |s| s.host.as_deref());

        // Names: none, each literal, one per set of wildcards met at once.
        let mut names_pending = 0u64;
        let mut names_complete = true;
        let names: Vec<Option<String>> = if vary.user || vary.host {
            let mut literals: Vec<&String> = atoms.names.keys().collect();
            literals.sort();
            let literal_list: Vec<String> = literals.iter().map(|s| s.to_string()).collect();
            let unnamed = super::names::unnamed_classes_within(
                &literal_list,
                &atoms.wildcards,
                budget.name_states,
                budget.memory / 2,
                // Half of the time left: a space whose names never end
                // still has time for the classes of the names found.
                budget.deadline.map(|d| {
                    let now = Instant::now();
                    now + d.saturating_duration_since(now) / 2
                }),
            );
            names_complete = unnamed.complete;
            names_pending = unnamed.pending as u64;
            std::iter::once(None)
                .chain(literals.iter().map(|l| Some(atoms.names[*l].clone())))
                .chain(unnamed.unnamed.into_iter().map(Some))
                .collect()
        } else {
            Vec::new()
        };
        let part_names = |varies: bool, value: &Option<String>| {
            if varies {
                names.clone()
            } else {
                vec![value.clone()]
            }
        };
        let user_names = part_names(vary.user, &given.user);
        let host_names = part_names(vary.host, &given.host);
        let user_rows = ask.name_rows(&user_names);
        let host_rows = if vary.user && vary.host {
            user_rows.clone()
        } else {
            ask.name_rows(&host_names)
        };
        let session = |map: &HashMap<String, u32>, n: &Option<String>| {
            n.as_deref().and_then(|n| map.get(&fold(n)).copied())
        };
        // The same names with the same rows and no sessions: the hosts are
        // the users.
        let alike = vary.user && vary.host && session_users.is_empty() && session_hosts.is_empty();
        let users = Arc::new(dedupe(
            user_names.into_iter().zip(user_rows).map(|(n, row)| {
                let s = session(&session_users, &n);
                (n, row, s)
            }),
            budget.prune,
        ));
        let hosts = if alike {
            Arc::clone(&users)
        } else {
            Arc::new(dedupe(
                host_names.into_iter().zip(host_rows).map(|(n, row)| {
                    let s = session(&session_hosts, &n);
                    (n, row, s)
                }),
                budget.prune,
            ))
        };
        let ip_values: Vec<Option<IpAddr>> = if vary.ip {
            std::iter::once(None)
                .chain(atoms.ip_candidates().into_iter().map(Some))
                .collect()
        } else {
            vec![given.ip]
        };
        let ip_rows = ask.address_rows(&ip_values);
        let ips = dedupe(
            ip_values
                .into_iter()
                .zip(ip_rows)
                .map(|(v, r)| (v, r, None)),
            budget.prune,
        );
        let single_groups: Vec<(String, Vec<u64>)> = atoms
            .local_groups
            .iter()
            .filter(|_| vary.local_groups)
            .map(|(_, g)| {
                let row = ask.row(&Principal {
                    local_groups: vec![g.clone()],
                    ..Default::default()
                });
                (g.clone(), row)
            })
            .collect();
        let start = if vary.local_groups {
            Vec::new()
        } else {
            given.local_groups.clone()
        };
        let start_row = ask.row(&Principal {
            local_groups: start.clone(),
            ..Default::default()
        });
        Candidates {
            feature: feature.to_string(),
            lists,
            pooled: pool.is_some(),
            prune: budget.prune,
            users,
            hosts,
            ips,
            single_groups,
            start_groups: (start, start_row),
            vary,
            names_complete,
            names_pending,
            wild,
            atoms: Arc::new(atoms),
            postings: std::sync::OnceLock::new(),
        }
    }

    /// The lists of the rule `rule` (its USERS and EXCEPT_USERS) in the
    /// first engine, for [`Candidates::focused`].
    pub fn lists_of(&self, users: Option<ListId>, except: Option<ListId>) -> Vec<(usize, ListId)> {
        [users, except]
            .into_iter()
            .flatten()
            .map(|l| (0, l))
            .collect()
    }

    /// The candidates of one file's whole principal space for `feature`,
    /// without a pool (what the findings examine).
    pub fn of_file(cfg: &Config, engine: &Engine, feature: &str, budget: &Budget) -> Candidates {
        Candidates::new(
            Atoms::of(&[cfg], None, feature),
            &[engine],
            None,
            feature,
            &Principal::default(),
            Vary::ALL,
            budget,
        )
    }

    /// About how many bytes these candidates hold (their values, rows and
    /// columns), for keeping several within a memory budget.
    pub fn bytes(&self) -> usize {
        fn part<T>(values: &[Raw<Option<T>>], name: usize) -> usize {
            values
                .iter()
                .map(|v| {
                    std::mem::size_of::<Raw<Option<T>>>()
                        + v.row.len() * 8
                        + v.members.len() * (std::mem::size_of::<Option<T>>() + name)
                })
                .sum()
        }
        // The columns of [`Candidates::find`], once built: a bit per value
        // and list.
        let shared = Arc::ptr_eq(&self.users, &self.hosts);
        let hosts = if shared { 0 } else { self.hosts.len() };
        let columns = (self.users.len() + hosts + self.ips.len()) * self.lists.len() / 8;
        // The names and forms the file spells for the feature, each kept
        // with its spelling.
        let atoms = self.atoms.names.len() * 112
            + self.atoms.ipv4.len() * 64
            + self.atoms.wildcards.len() * 96
            + self.atoms.local_groups.len() * 96;
        // A quarter more for what the allocator adds (measured on the
        // 5 000-rule file: 11.3 MB said, 11.6 MB taken).
        let host_values = if shared { 0 } else { part(&self.hosts, 16) };
        (part(&self.users, 16) + host_values + part(&self.ips, 0) + columns + atoms) * 5 / 4
    }

    /// The classes as the decisions tell them apart (or, with
    /// `budget.per_list`, every list apart).
    pub fn space(&self, budget: &Budget) -> Space {
        let acts = Acts::new(&self.lists, self.pooled, self.prune, budget.per_list, &[]);
        self.reduce(&acts, budget, None, Witnesses::Any)
    }

    /// The classes as the decisions tell them apart, and also whether each
    /// of the `focus` lists matches (out of the bits the decisions share):
    /// in each class a decision with or without those lists' rules is the
    /// same for every member.
    pub fn focused(&self, focus: &[(usize, ListId)], budget: &Budget) -> Space {
        let acts = Acts::new(&self.lists, self.pooled, self.prune, budget.per_list, focus);
        self.reduce(&acts, budget, None, Witnesses::Any)
    }

    /// [`Candidates::focused`], only the classes that match the list
    /// `require` (one of `focus`): what a rule can change when it changes
    /// only what it matches. Counts (`alike`) and ways may count a
    /// combination more than once: not for descriptions.
    ///
    /// `parts` says how many parts besides the bases the principals have
    /// ([`Parts`]).
    pub fn focused_matching(
        &self,
        focus: &[(usize, ListId)],
        require: (usize, ListId),
        parts: Witnesses,
        budget: &Budget,
    ) -> Space {
        let acts = Acts::new(&self.lists, self.pooled, self.prune, budget.per_list, focus);
        let bit = self
            .lists
            .iter()
            .position(|l| (l.engine, l.role.list) == require)
            .and_then(|k| acts.acts.get(k))
            .and_then(|a| a.first())
            .and_then(|a| match a {
                Act::Bit(b) => Some(*b),
                Act::Min(..) => None,
            });
        match bit {
            Some(b) => self.reduce(&acts, budget, Some(b), parts),
            // A list no class can match: none.
            None => self.reduce(&acts, budget, Some(usize::MAX), parts),
        }
    }
}

/// One candidate value of one part, merged with those alike.
struct Value<T> {
    value: T,
    sig: Sig,
    alike: u64,
    /// The values merged into it, [`MEMBERS_KEPT`] at most.
    members: Vec<T>,
}

/// Which principals a space limited to those that match a list holds
/// ([`Candidates::focused_matching`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Witnesses {
    /// Every principal that matches it.
    Any,
    /// Only principals of one part besides the bases (the others none, or
    /// as given), the part that matches: enough for a rule whose effect
    /// needs only that it matches and that other lists do not (a deny
    /// rule: a principal it denies that no other deny rule denies is one
    /// of its matching parts alone, with fewer parts to match the others).
    OnePart,
    /// Only principals of at most two parts besides the bases, one that
    /// matches: a first, cheap look (what it finds is real; what it does
    /// not find may need more parts).
    TwoParts,
}

/// Which parts of a principal range over their candidate values; the
/// others keep the value given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vary {
    pub user: bool,
    pub host: bool,
    pub ip: bool,
    pub local_groups: bool,
}

impl Vary {
    /// Every part varies: the whole principal space.
    pub const ALL: Vary = Vary {
        user: true,
        host: true,
        ip: true,
        local_groups: true,
    };
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
    space_around(
        engines,
        cfgs,
        pool,
        feature,
        &Principal::default(),
        Vary::ALL,
        budget,
    )
}

/// The part of the principal space of `feature` that agrees with `given`
/// on every part that does not vary: the classes a request's unset parts
/// could still put it in.
pub fn space_around(
    engines: &[&Engine],
    cfgs: &[&Config],
    pool: Option<&PoolIndex>,
    feature: &str,
    given: &Principal,
    vary: Vary,
    budget: &Budget,
) -> Space {
    space_around_with(
        Atoms::of(cfgs, pool, feature),
        engines,
        pool,
        feature,
        given,
        vary,
        budget,
    )
}

/// [`space_around`] with the feature's entries already read (`atoms`, of
/// the configurations the engines were compiled from).
pub fn space_around_with(
    atoms: Atoms,
    engines: &[&Engine],
    pool: Option<&PoolIndex>,
    feature: &str,
    given: &Principal,
    vary: Vary,
    budget: &Budget,
) -> Space {
    Candidates::new(atoms, engines, pool, feature, given, vary, budget).space(budget)
}

/// Asks the engines which lists values match, a bit per list in the
/// candidates' order.
struct Ask<'a, 'b> {
    engines: &'a [&'a Engine],
    lists: &'b [ListAt],
    scratch: Vec<Scratch>,
}

impl Ask<'_, '_> {
    fn words(&self) -> usize {
        self.lists.len().div_ceil(64)
    }

    /// Rows in bulk: `ask` gives, for one engine and its lists, a bit per
    /// list for each value.
    fn bulk(
        &self,
        count: usize,
        ask: impl Fn(&Engine, &[ListId]) -> Vec<Vec<u64>>,
    ) -> Vec<Vec<u64>> {
        let mut rows = vec![vec![0u64; self.words()]; count];
        for (e, engine) in self.engines.iter().enumerate() {
            let at: Vec<usize> = (0..self.lists.len())
                .filter(|&k| self.lists[k].engine == e)
                .collect();
            let ids: Vec<ListId> = at.iter().map(|&k| self.lists[k].role.list).collect();
            for (row, bits) in rows.iter_mut().zip(ask(engine, &ids)) {
                // The bits set only (a value matches few of many lists).
                for k in ones(&bits).filter_map(|j| at.get(j).copied()) {
                    row[k / 64] |= 1 << (k % 64);
                }
            }
        }
        rows
    }

    /// The rows of principals that are one name each (as user), for
    /// thousands of names at once ([`Engine::names_matching`]; the same
    /// answers as [`Ask::row`] one by one). `None` is no name.
    fn name_rows(&mut self, names: &[Option<String>]) -> Vec<Vec<u64>> {
        let folded: Vec<String> = names
            .iter()
            .map(|n| {
                Principal {
                    user: n.clone(),
                    ..Default::default()
                }
                .folded()
                .user
                .unwrap_or_default()
            })
            .collect();
        let given: Vec<&str> = folded.iter().map(String::as_str).collect();
        let mut rows = self.bulk(names.len(), |e, ids| e.names_matching(ids, &given));
        // No name at all (or one that folds to nothing): asked as it is.
        if folded.iter().any(|n| n.is_empty()) {
            let none = self.row(&Principal::default());
            for (row, n) in rows.iter_mut().zip(&folded) {
                if n.is_empty() {
                    *row = none.clone();
                }
            }
        }
        rows
    }

    /// The rows of principals that are one address each (`None`: no
    /// address), in bulk ([`Engine::addresses_matching`]).
    fn address_rows(&mut self, ips: &[Option<IpAddr>]) -> Vec<Vec<u64>> {
        let given: Vec<IpAddr> = ips.iter().flatten().copied().collect();
        let mut bulk = self
            .bulk(given.len(), |e, ids| e.addresses_matching(ids, &given))
            .into_iter();
        let none = self.row(&Principal::default());
        ips.iter()
            .map(|ip| match ip {
                Some(_) => bulk.next().unwrap_or_else(|| vec![0; self.words()]),
                None => none.clone(),
            })
            .collect()
    }

    /// One principal's row, asked list by list (for the few values not
    /// asked in bulk: no name, local groups).
    fn row(&mut self, p: &Principal) -> Vec<u64> {
        let folded = p.folded();
        let mut row = vec![0u64; self.words()];
        for (k, l) in self.lists.iter().enumerate() {
            if self.engines[l.engine].list_matches(
                l.role.list,
                &folded,
                &mut self.scratch[l.engine],
            ) {
                row[k / 64] |= 1 << (k % 64);
            }
        }
        row
    }
}

/// Merges candidates by signature under `acts` (each raw value already
/// stands for those that match the same lists), keeping the first as the
/// witness (unless `prune` is off).
fn merge<T: Clone>(raw: &[Raw<T>], sig_of: impl Fn(&Raw<T>) -> Sig, prune: bool) -> Vec<Value<T>> {
    let mut out: Vec<Value<T>> = Vec::new();
    let mut at: FxHashMap<Sig, usize> = FxHashMap::default();
    for r in raw {
        let sig = sig_of(r);
        match at.get(&sig).filter(|_| prune) {
            Some(&i) => {
                out[i].alike = out[i].alike.saturating_add(r.alike);
                for m in &r.members {
                    if out[i].members.len() >= MEMBERS_KEPT {
                        break;
                    }
                    out[i].members.push(m.clone());
                }
            }
            None => {
                at.insert(sig.clone(), out.len());
                out.push(Value {
                    value: r.value.clone(),
                    sig,
                    alike: r.alike,
                    members: r.members.clone(),
                });
            }
        }
    }
    out
}

impl Candidates {
    /// The classes of the signature `acts` gives (only those with the bit
    /// `require`, when given, of the principals `parts` says).
    fn reduce(
        &self,
        acts: &Acts,
        budget: &Budget,
        require: Option<usize>,
        parts: Witnesses,
    ) -> Space {
        let vary = self.vary;
        let mut exhaustive = self.names_complete;
        let names_pending = self.names_pending;
        let names_complete = self.names_complete;
        let users = merge(
            &self.users,
            |r| {
                let mut sig = acts.sig(&r.row);
                sig.user_session = r.session;
                sig
            },
            budget.prune,
        );
        let hosts = merge(
            &self.hosts,
            |r| {
                let mut sig = acts.sig(&r.row);
                sig.host_session = r.session;
                sig
            },
            budget.prune,
        );
        let ips = merge(&self.ips, |r| acts.sig(&r.row), budget.prune);
        // Local groups: every union of the single groups' signatures.
        let single: Vec<(String, Sig)> = self
            .single_groups
            .iter()
            .map(|(g, row)| (g.clone(), acts.sig(row)))
            .collect();
        let start_groups = self.start_groups.0.clone();
        let empty = acts.sig(&self.start_groups.1);
        let feature = self.feature.as_str();
        // What one kept signature costs (held twice: in its value and as a
        // key of the merging map), for the memory budget.
        let sig_bytes = 2 * (empty.bits.len() * 8 + empty.mins.len() * 8 + 3 * 24) + 64;
        let mut groups: Vec<Value<Vec<String>>> = vec![Value {
            members: vec![start_groups.clone()],
            value: start_groups,
            sig: empty,
            alike: 1,
        }];
        {
            let mut at: FxHashMap<Sig, usize> = FxHashMap::default();
            at.insert(groups[0].sig.clone(), 0);
            for (g, s) in &single {
                let before = groups.len();
                for i in 0..before {
                    let sig = groups[i].sig.union(s);
                    match at.get(&sig).filter(|_| budget.prune) {
                        Some(&j) => {
                            groups[j].alike = groups[j].alike.saturating_add(1);
                            if groups[j].members.len() < MEMBERS_KEPT {
                                let mut value = groups[i].value.clone();
                                value.push(g.clone());
                                groups[j].members.push(value);
                            }
                        }
                        None => {
                            let mut value = groups[i].value.clone();
                            value.push(g.clone());
                            at.insert(sig.clone(), groups.len());
                            groups.push(Value {
                                members: vec![value.clone()],
                                value,
                                sig,
                                alike: 1,
                            });
                        }
                    }
                    if groups.len() > budget.classes
                        || groups.len().saturating_mul(sig_bytes) > budget.memory / 4
                        || (groups.len().is_multiple_of(1024) && budget.out_of_time())
                    {
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
        /// each part), how many combinations it stands for, and the ways into
        /// it (see [`Class::gens`]).
        struct Partial {
            sig: Sig,
            pick: [usize; 4],
            alike: u64,
            gens: Vec<[u32; 4]>,
            ways: u64,
        }
        // What a partial class's ways cost beside its signature.
        let sig_bytes = sig_bytes + 24 + 16 * WAYS_KEPT;
        let mut stop = false;
        let stage = |from: Vec<Partial>,
                     part: &mut dyn Iterator<Item = (usize, &Sig, u64)>,
                     at_part: usize,
                     examined: &mut u64,
                     stop: &mut bool|
         -> Vec<Partial> {
            let part: Vec<(usize, &Sig, u64)> = part.collect();
            // Whether the part's base adds nothing to a partial class: then a
            // value that adds nothing either is no new way in (the pick with
            // the base stands for it).
            let base_within: Vec<bool> = match part.first() {
                Some(&(_, base, _)) => from.iter().map(|f| base.within(&f.sig)).collect(),
                None => Vec::new(),
            };
            let mut buf = Sig::default();
            let mut out: Vec<Partial> = Vec::new();
            let mut at: FxHashMap<Sig, usize> = FxHashMap::default();
            // The part varies slowest: the first witness of a class keeps the
            // earlier parts' plainest values (a user before a host).
            for &(i, psig, palike) in &part {
                for (fi, f) in from.iter().enumerate() {
                    if (*examined).is_multiple_of(4096) && budget.out_of_time() {
                        *stop = true;
                        return out;
                    }
                    *examined += 1;
                    // The union in a buffer kept between combinations: most
                    // join a class already found, and need no signature of
                    // their own.
                    f.sig.union_into(psig, &mut buf);
                    let sig = &buf;
                    let alike = f.alike.saturating_mul(palike);
                    let adds = i == 0 || !base_within[fi] || *sig != f.sig;
                    let extend = |gens: &mut Vec<[u32; 4]>| {
                        for g in &f.gens {
                            if gens.len() >= WAYS_KEPT {
                                break;
                            }
                            let mut g = *g;
                            g[at_part] = i as u32;
                            gens.push(g);
                        }
                    };
                    match at.get(sig).filter(|_| budget.prune) {
                        Some(&k) => {
                            out[k].alike = out[k].alike.saturating_add(alike);
                            if adds {
                                out[k].ways = out[k].ways.saturating_add(f.ways);
                                extend(&mut out[k].gens);
                            }
                        }
                        None => {
                            let sig = sig.clone();
                            if out.len() >= budget.classes
                                || out.len().saturating_mul(sig_bytes) > budget.memory / 2
                            {
                                *stop = true;
                                return out;
                            }
                            let mut pick = f.pick;
                            pick[at_part] = i;
                            let mut gens = Vec::new();
                            extend(&mut gens);
                            at.insert(sig.clone(), out.len());
                            out.push(Partial {
                                sig,
                                pick,
                                alike,
                                gens,
                                ways: f.ways,
                            });
                        }
                    }
                }
            }
            out
        };
        // With a bit required, only the classes that have it: one run per
        // part, that part limited to the values with the bit (every such
        // combination has it in some part), the runs merged.
        let has = |sig: &Sig, bit: usize| {
            sig.bits
                .get(bit / 64)
                .is_some_and(|w| w >> (bit % 64) & 1 == 1)
        };
        // Which values of part `at` a run takes (`i` is the value's place:
        // 0 is the part's base).
        let keep =
            |sig: &Sig, i: usize, at: usize, (only, other): (Option<usize>, Option<usize>)| match (
                require, only,
            ) {
                (Some(bit), Some(j)) if j == at => has(sig, bit),
                (Some(_), Some(_)) => match parts {
                    Witnesses::Any => true,
                    Witnesses::OnePart => i == 0,
                    Witnesses::TwoParts => other == Some(at) || i == 0,
                },
                _ => true,
            };
        // Each part's candidates as the product sees them: a signature
        // and how many combinations it stands for.
        let views: [Vec<(&Sig, u64)>; 4] = [
            users.iter().map(|v| (&v.sig, v.alike)).collect(),
            hosts.iter().map(|v| (&v.sig, v.alike)).collect(),
            ips.iter().map(|v| (&v.sig, v.alike)).collect(),
            groups.iter().map(|v| (&v.sig, v.alike)).collect(),
        ];
        let runs: Vec<Option<usize>> = match require {
            None => vec![None],
            // A part no value of which has the bit needs no run.
            Some(bit) => (0..4)
                .filter(|&j| views[j].iter().any(|(s, _)| has(s, bit)))
                .map(Some)
                .collect(),
        };
        // With two parts: each run once more for every other part.
        let runs: Vec<(Option<usize>, Option<usize>)> = match parts {
            Witnesses::TwoParts if require.is_some() => runs
                .iter()
                .flat_map(|&j| {
                    (0..4)
                        .filter(move |&k| Some(k) != j)
                        .map(move |k| (j, Some(k)))
                })
                .collect(),
            _ => runs.into_iter().map(|j| (j, None)).collect(),
        };
        let mut found: Vec<Partial> = Vec::new();
        for only in runs {
            if stop {
                break;
            }
            let mut parts: Vec<Partial> = views[0]
                .iter()
                .enumerate()
                .filter(|(i, (sig, _))| keep(sig, *i, 0, only))
                .map(|(i, (sig, alike))| Partial {
                    sig: (*sig).clone(),
                    pick: [i, 0, 0, 0],
                    alike: *alike,
                    gens: vec![[i as u32, 0, 0, 0]],
                    ways: 1,
                })
                .collect();
            // Then the host, the address and the local groups.
            for (at, view) in views.iter().enumerate().skip(1) {
                if stop {
                    break;
                }
                parts = stage(
                    parts,
                    &mut view
                        .iter()
                        .enumerate()
                        .filter(|(i, (sig, _))| keep(sig, *i, at, only))
                        .map(|(i, (sig, alike))| (i, *sig, *alike)),
                    at,
                    &mut examined,
                    &mut stop,
                );
            }
            found.extend(parts);
        }
        let parts: Vec<Partial> = if require.is_some() && budget.prune {
            let mut at: FxHashMap<Sig, usize> = FxHashMap::default();
            let mut out: Vec<Partial> = Vec::new();
            for p in found {
                match at.get(&p.sig) {
                    Some(&k) => {
                        out[k].alike = out[k].alike.saturating_add(p.alike);
                        out[k].ways = out[k].ways.saturating_add(p.ways);
                        for g in p.gens {
                            if out[k].gens.len() < WAYS_KEPT {
                                out[k].gens.push(g);
                            }
                        }
                    }
                    None => {
                        at.insert(p.sig.clone(), out.len());
                        out.push(p);
                    }
                }
            }
            out
        } else {
            found
        };
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
                gens: p.gens,
                ways: p.ways,
            })
            .collect();
        let names_complete = names_complete && names_pending == 0;
        let parts = Parts {
            users: Part::of(&users, names_complete && vary.user),
            hosts: Part::of(&hosts, names_complete && vary.host),
            // Addresses no entry names are alike to none and not candidates:
            // no candidate stands for every address.
            ips: Part::of(&ips, false),
            local_groups: Part::of(&groups, vary.local_groups && exhaustive),
            user_words: (0..users.len()).map(|_| Default::default()).collect(),
            host_words: (0..hosts.len()).map(|_| Default::default()).collect(),
            ip_words: (0..ips.len()).map(|_| Default::default()).collect(),
        };
        Space {
            feature: feature.to_string(),
            classes,
            exhaustive,
            examined,
            // Nothing is left of a finished space; a stopped one has at least
            // the combinations it never reached (at least one: it stopped).
            left: if exhaustive {
                0
            } else {
                // What was never reached, and for names the exploration did
                // not finish, each waiting name with every other part.
                let others = total / (users.len() as u64).max(1);
                total
                    .saturating_sub(examined)
                    .saturating_add(names_pending.saturating_mul(others.max(1)))
                    .max(1)
            },
            atoms: self.atoms.clone(),
            parts,
        }
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
