//! Principal lists (USERS, EXCEPT_USERS, MEMBERS) compiled for fast matching,
//! and group membership resolved without recursion.

use rustc_hash::FxHashSet as HashSet;
use std::net::IpAddr;

use crate::model::{Config, EntryList, GroupIndex};
use crate::pattern::{Kind, NamePattern, Pattern, fold};

pub use crate::request::FoldedPrincipal;

/// Which part of the principal an entry matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    Everyone,
    User,
    Host,
    Ip,
    LocalGroup,
}

impl Attr {
    pub fn as_str(self) -> &'static str {
        match self {
            Attr::Everyone => "everyone",
            Attr::User => "user",
            Attr::Host => "host",
            Attr::Ip => "IP",
            Attr::LocalGroup => "local group",
        }
    }
}

/// What a list needs from the principal, to name missing inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    pub names: bool,
    pub ip: bool,
    pub local_groups: bool,
}

impl Needs {
    fn or(self, o: Needs) -> Needs {
        Needs {
            names: self.names || o.names,
            ip: self.ip || o.ip,
            local_groups: self.local_groups || o.local_groups,
        }
    }
}

/// The direct entries of one list, compiled.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    pub any: bool,
    names: HashSet<compact_str::CompactString>,
    wildcards: Vec<NamePattern>,
    /// Wildcards by their literal prefix (the text before the first `*`):
    /// a name can only match those whose prefix it starts with.
    wild_by_prefix: rustc_hash::FxHashMap<String, Vec<u32>>,
    /// The distinct prefix lengths in `wild_by_prefix`, ascending.
    wild_prefix_lens: Vec<usize>,
    /// Wildcards that start with `*`: tried on every name.
    wild_anywhere: Vec<u32>,
    local_groups: HashSet<String>,
    /// IPv4 intervals sorted by start, with the running maximum of the ends.
    v4: Vec<(u32, u32)>,
    v4_max_end: Vec<u32>,
    v6: HashSet<std::net::Ipv6Addr>,
    /// Groups referred to by entries.
    pub groups: Vec<usize>,
    /// The list, for explanations.
    pub list: EntryList,
    /// What this list's own entries need (groups not included).
    pub needs: Needs,
    /// Its number in the engine's [`NameIndex`], once it is in one.
    pub(crate) index_id: Option<u32>,
}

/// The literal names and name wildcards of every list of an engine, so
/// that which lists a principal's user or host name matches is found once
/// per principal ([`Scratch::look_up_names`]) instead of probing every
/// rule's own sets on every decision. Worth it when one principal is
/// decided many times (a matrix row), not for one decision.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    /// Lists by the hash of each literal name they hold (folded); a hit is
    /// confirmed in the list's own set. Hashes, not copies of a hundred
    /// thousand names, keep the index cheap to build.
    names: rustc_hash::FxHashMap<u64, Vec<u32>>,
    /// Wildcards by the hash of their literal prefix: (list, position among
    /// the list's wildcards).
    wild_by_prefix: rustc_hash::FxHashMap<u64, Vec<(u32, u32)>>,
    /// How many wildcards have a prefix of each length.
    prefix_lens: rustc_hash::FxHashMap<usize, u32>,
    /// The lengths in `prefix_lens`, ascending (see [`finish`](Self::finish)).
    wild_prefix_lens: Vec<usize>,
    /// Wildcards that start with `*`.
    wild_anywhere: Vec<(u32, u32)>,
    /// One more than the largest list number.
    pub(crate) len: usize,
}

fn hash(s: &str) -> u64 {
    use std::hash::BuildHasher as _;
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl NameIndex {
    /// Adds list `m` (numbered already).
    pub(crate) fn add(&mut self, m: &Matcher) {
        let Some(id) = m.index_id else { return };
        self.len = self.len.max(id as usize + 1);
        for n in &m.names {
            self.names.entry(hash(n)).or_default().push(id);
        }
        for (w, pattern) in m.wildcards.iter().enumerate() {
            let prefix = pattern.prefix();
            if prefix.is_empty() {
                self.wild_anywhere.push((id, w as u32));
            } else {
                self.wild_by_prefix
                    .entry(hash(prefix))
                    .or_default()
                    .push((id, w as u32));
                *self.prefix_lens.entry(prefix.len()).or_default() += 1;
            }
        }
    }

    /// Takes list `m` (added before) out. (Every hit is confirmed in the
    /// list itself, so an entry left behind would only cost time.)
    pub(crate) fn remove(&mut self, m: &Matcher) {
        let Some(id) = m.index_id else { return };
        for n in &m.names {
            let h = hash(n);
            if let Some(ids) = self.names.get_mut(&h) {
                ids.retain(|&i| i != id);
                if ids.is_empty() {
                    self.names.remove(&h);
                }
            }
        }
        for pattern in &m.wildcards {
            let prefix = pattern.prefix();
            if prefix.is_empty() {
                self.wild_anywhere.retain(|(i, _)| *i != id);
                continue;
            }
            let h = hash(prefix);
            if let Some(v) = self.wild_by_prefix.get_mut(&h) {
                let before = v.len();
                v.retain(|(i, _)| *i != id);
                let gone = (before - v.len()) as u32;
                if v.is_empty() {
                    self.wild_by_prefix.remove(&h);
                }
                if let Some(c) = self.prefix_lens.get_mut(&prefix.len()) {
                    *c = c.saturating_sub(gone);
                }
            }
        }
        self.prefix_lens.retain(|_, c| *c > 0);
    }

    /// Takes the `old` lists out and puts the `new` ones (compiled again
    /// from the same place, numbered alike) in.
    pub(crate) fn replace<'a>(
        &mut self,
        old: impl IntoIterator<Item = &'a Matcher>,
        new: impl IntoIterator<Item = &'a Matcher>,
    ) {
        old.into_iter().for_each(|m| self.remove(m));
        new.into_iter().for_each(|m| self.add(m));
        self.finish();
    }

    /// Call after adding or removing lists.
    pub(crate) fn finish(&mut self) {
        self.wild_prefix_lens = self.prefix_lens.keys().copied().collect();
        self.wild_prefix_lens.sort_unstable();
    }

    /// Calls `hit` with the number of every list with a name entry that
    /// matches the folded `name` (a list may come more than once); `list`
    /// gives a list by its number.
    fn hits<'a>(
        &self,
        name: &str,
        list: impl Fn(u32) -> Option<&'a Matcher>,
        mut hit: impl FnMut(u32),
    ) {
        let wildcard = |id: u32, w: u32| {
            list(id)
                .and_then(|m| m.wildcards.get(w as usize))
                .is_some_and(|p| p.matches_folded(name))
        };
        if let Some(ids) = self.names.get(&hash(name)) {
            for &id in ids {
                if list(id).is_some_and(|m| m.names.contains(name)) {
                    hit(id);
                }
            }
        }
        for &len in &self.wild_prefix_lens {
            if len > name.len() {
                break;
            }
            if let Some(ws) = name
                .get(..len)
                .and_then(|h| self.wild_by_prefix.get(&hash(h)))
            {
                for &(id, w) in ws {
                    if wildcard(id, w) {
                        hit(id);
                    }
                }
            }
        }
        for &(id, w) in &self.wild_anywhere {
            if wildcard(id, w) {
                hit(id);
            }
        }
    }
}

pub(crate) fn v4_key(ip: IpAddr) -> Option<u32> {
    match ip {
        IpAddr::V4(v4) => Some(u32::from(v4)),
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(u32::from),
    }
}

impl Matcher {
    pub fn compile(list: &EntryList, groups: &GroupIndex) -> Matcher {
        let mut m = Matcher {
            list: list.clone(),
            ..Matcher::default()
        };
        for e in list.iter() {
            // Names are the common case and need no more than the kind;
            // the other forms are parsed in full.
            if e.kind.is_name() {
                if let Some(g) = groups.lookup_entry(&e) {
                    m.groups.push(g);
                } else if matches!(e.kind, Kind::Name { wildcard: true, .. }) {
                    m.needs.names = true;
                    m.wildcards.push(NamePattern::new(e.text));
                } else {
                    m.needs.names = true;
                    m.names.insert(e.folded().into());
                }
                continue;
            }
            match &e.pattern() {
                Pattern::Any => m.any = true,
                Pattern::LocalGroup(g) => {
                    m.local_groups.insert(fold(g));
                    m.needs.local_groups = true;
                }
                Pattern::Ip(ip) => {
                    m.needs.ip = true;
                    match (v4_key(*ip), ip) {
                        (Some(k), _) => m.v4.push((k, k)),
                        (None, IpAddr::V6(v6)) => {
                            m.v6.insert(*v6);
                        }
                        _ => {}
                    }
                }
                Pattern::Ipv4Wildcard { octets, fixed } => {
                    m.needs.ip = true;
                    let bits = 8 * u32::from(*fixed);
                    let base = u32::from_be_bytes(*octets);
                    let mask = if bits == 0 {
                        0
                    } else {
                        u32::MAX << (32 - bits)
                    };
                    m.v4.push((base & mask, (base & mask) | !mask));
                }
                Pattern::Ipv4Range { prefix, lo, hi } => {
                    m.needs.ip = true;
                    let base = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], 0]);
                    m.v4.push((base | u32::from(*lo), base | u32::from(*hi)));
                }
                Pattern::Cidr(_) | Pattern::InvalidIp(_) => m.needs.ip = true,
                Pattern::Name(_) => {}
            }
        }
        for (i, w) in m.wildcards.iter().enumerate() {
            let prefix = w.prefix();
            if prefix.is_empty() {
                m.wild_anywhere.push(i as u32);
            } else {
                m.wild_by_prefix
                    .entry(prefix.to_string())
                    .or_default()
                    .push(i as u32);
                m.wild_prefix_lens.push(prefix.len());
            }
        }
        m.wild_prefix_lens.sort_unstable();
        m.wild_prefix_lens.dedup();
        m.v4.sort_unstable();
        let mut run = 0u32;
        m.v4_max_end =
            m.v4.iter()
                .map(|&(_, hi)| {
                    run = run.max(hi);
                    run
                })
                .collect();
        m.groups.sort_unstable();
        m.groups.dedup();
        m
    }

    /// Whether a direct entry (not a group) matches.
    pub fn direct(&self, p: &FoldedPrincipal) -> bool {
        if self.any {
            return true;
        }
        for name in [&p.user, &p.host].into_iter().flatten() {
            if self.names.contains(name.as_str()) || self.wildcard_matches(name) {
                return true;
            }
        }
        self.direct_other(p)
    }

    /// [`direct`](Self::direct), with the name entries looked up in the
    /// scratch's per-principal hits when it has them.
    fn direct_in(&self, p: &FoldedPrincipal, s: &Scratch) -> bool {
        match (s.hits_for, self.index_id) {
            (true, Some(id)) => {
                self.any || s.hit.get(id as usize) == Some(&s.hit_stamp) || self.direct_other(p)
            }
            _ => self.direct(p),
        }
    }

    /// The entries that are not names: local groups and IP forms.
    fn direct_other(&self, p: &FoldedPrincipal) -> bool {
        if !self.local_groups.is_empty()
            && p.local_groups.iter().any(|g| self.local_groups.contains(g))
        {
            return true;
        }
        if let Some(ip) = p.ip {
            if let Some(k) = v4_key(ip) {
                // The last interval starting at or before k; any earlier one
                // reaching k shows in the running maximum.
                let i = self.v4.partition_point(|&(lo, _)| lo <= k);
                if i > 0 && self.v4_max_end[i - 1] >= k {
                    return true;
                }
            } else if let IpAddr::V6(v6) = ip
                && self.v6.contains(&v6)
            {
                return true;
            }
        }
        false
    }

    /// Its literal name entries, folded.
    pub(crate) fn literal_names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| n.as_str())
    }

    /// Its IPv4 forms as inclusive intervals.
    pub(crate) fn ipv4_intervals(&self) -> &[(u32, u32)] {
        &self.v4
    }

    /// Its name wildcards.
    pub(crate) fn name_wildcards(&self) -> &[NamePattern] {
        &self.wildcards
    }

    fn wildcard_matches(&self, name: &str) -> bool {
        for &len in &self.wild_prefix_lens {
            if len > name.len() {
                break;
            }
            let Some(head) = name.get(..len) else {
                continue;
            };
            if let Some(ids) = self.wild_by_prefix.get(head)
                && ids
                    .iter()
                    .any(|&i| self.wildcards[i as usize].matches_folded(name))
            {
                return true;
            }
        }
        self.wild_anywhere
            .iter()
            .any(|&i| self.wildcards[i as usize].matches_folded(name))
    }

    /// The first direct entry that matches, and on which part of the
    /// principal (for explanations; agrees with [`direct`](Self::direct)).
    pub fn direct_hit(&self, p: &FoldedPrincipal) -> Option<(&str, Attr)> {
        // Group entries are the names not compiled into names/wildcards.
        let name_hit = |matches: &dyn Fn(&str) -> bool| {
            if p.user.as_deref().is_some_and(matches) {
                Some(Attr::User)
            } else if p.host.as_deref().is_some_and(matches) {
                Some(Attr::Host)
            } else {
                None
            }
        };
        for e in self.list.iter() {
            let attr = match e.kind {
                Kind::Any => Some(Attr::Everyone),
                Kind::LocalGroup => {
                    let g = fold(e.text.strip_prefix('&').unwrap_or(e.text).trim());
                    p.local_groups.contains(&g).then_some(Attr::LocalGroup)
                }
                Kind::Name {
                    wildcard: false, ..
                } => {
                    let name = e.folded();
                    if self.names.contains(&*name) {
                        name_hit(&|x| x == &*name)
                    } else {
                        None
                    }
                }
                Kind::Name { wildcard: true, .. } => {
                    let n = NamePattern::new(e.text);
                    if self.wildcards.contains(&n) {
                        name_hit(&|x| n.matches_folded(x))
                    } else {
                        None
                    }
                }
                k if k.is_ip_form() => {
                    p.ip.filter(|ip| e.pattern().matches_ip(*ip))
                        .map(|_| Attr::Ip)
                }
                _ => None,
            };
            if let Some(a) = attr {
                return Some((e.text, a));
            }
        }
        None
    }
}

/// All groups of a configuration, compiled, with what each needs
/// transitively.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    pub names: Vec<String>,
    pub matchers: Vec<Matcher>,
    /// What a group and every group below it need from the principal.
    pub needs: Vec<Needs>,
    pub index: GroupIndex,
}

impl Groups {
    pub fn compile(cfg: &Config, threads: crate::par::Threads) -> Groups {
        let index = cfg.group_index.clone();
        let threads = threads.for_bytes(cfg.groups_span.map_or(0, |s| s.len()));
        let matchers = crate::par::map(&cfg.groups, threads, |_, g| compile_group(g, &index));
        Groups {
            names: cfg
                .groups
                .iter()
                .map(|g| g.name.clone().unwrap_or_default())
                .collect(),
            needs: propagate_needs(&matchers),
            matchers,
            index,
        }
    }

    /// Compiles the group at `position` again after its MEMBERS changed
    /// (its name did not), and what every group needs; gives the group as
    /// it was compiled before.
    pub fn recompile(&mut self, position: usize, g: &crate::model::Group) -> Option<Matcher> {
        let m = self.matchers.get_mut(position)?;
        let old = std::mem::replace(m, compile_group(g, &self.index));
        self.needs = propagate_needs(&self.matchers);
        Some(old)
    }
}

fn compile_group(g: &crate::model::Group, index: &GroupIndex) -> Matcher {
    g.members
        .as_ref()
        .map(|m| Matcher::compile(m, index))
        .unwrap_or_default()
}

/// What each group and every group below it need from the principal.
fn propagate_needs(matchers: &[Matcher]) -> Vec<Needs> {
    // Propagate needs upward with a work list: each group's needs only
    // grow, three flags at most, so this is linear in the edges.
    let n = matchers.len();
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (g, m) in matchers.iter().enumerate() {
        for &c in &m.groups {
            parents[c].push(g);
        }
    }
    let mut needs: Vec<Needs> = matchers.iter().map(|m| m.needs).collect();
    let mut work: Vec<usize> = (0..n).collect();
    while let Some(c) = work.pop() {
        for &p in &parents[c] {
            let merged = needs[p].or(needs[c]);
            if merged != needs[p] {
                needs[p] = merged;
                work.push(p);
            }
        }
    }
    needs
}

/// Per-request memo of group membership: 0 unknown, 1 member, 2 not.
#[derive(Debug, Default)]
pub struct Scratch {
    memo: Vec<u8>,
    stack: Vec<usize>,
    visited: Vec<usize>,
    seen: Vec<u32>,
    parent: Vec<usize>,
    generation: u32,
    /// The engine and principal the memo is for, when `owned`: the next
    /// request of the same principal (the matrix's next feature) keeps it.
    /// Kept as buffers, so changing principals does not allocate.
    owner: (u64, FoldedPrincipal),
    owned: bool,
    /// Per list of the engine's [`NameIndex`]: `hit_stamp` when one of its
    /// name entries matches the principal's user or host (valid while
    /// `hits_for`).
    hit: Vec<u32>,
    hit_stamp: u32,
    hits_for: bool,
    /// Look the names up in the index from a principal's first decision
    /// on (a principal decided several times over many lists).
    eager_names: bool,
    /// Per list of the engine's [`NameIndex`] numbering: whether the
    /// prepared principal matches it, when already worked out elsewhere,
    /// stamped as `hit` is (`known_stamp << 1 | matches`; another stamp is
    /// not known): a new principal moves the stamp on instead of clearing
    /// an entry per list of the file.
    known: Vec<u32>,
    known_stamp: u32,
    known_for: bool,
}

impl Scratch {
    /// Prepares for `p` under the engine `engine` (its [`id`]): the memo is
    /// kept when it is already for them, else cleared.
    ///
    /// [`id`]: super::Engine::id
    ///
    /// Gives true when the scratch was already for them: the same principal
    /// is decided again.
    pub fn prepare(&mut self, engine: u64, groups: usize, p: &FoldedPrincipal) -> bool {
        if self.owned && self.memo.len() == groups && self.owner.0 == engine && self.owner.1 == *p {
            return true;
        }
        self.reset(groups);
        let (e, q) = &mut self.owner;
        *e = engine;
        q.user.clone_from(&p.user);
        q.host.clone_from(&p.host);
        q.ip = p.ip;
        q.local_groups.clone_from(&p.local_groups);
        self.owned = true;
        false
    }

    /// Records whether the prepared principal matches the list numbered
    /// `id` in the name index (of `len` lists), for its decisions still to
    /// come: [`matches`] answers from it instead of walking the groups.
    pub(super) fn know(&mut self, len: usize, id: u32, matches: bool) {
        if self.known.len() != len || self.known_stamp == 0 {
            self.known = vec![0; len];
            self.known_stamp = 1;
        }
        if let Some(k) = self.known.get_mut(id as usize) {
            *k = self.known_stamp << 1 | u32::from(matches);
            self.known_for = true;
        }
    }

    /// Whether the prepared principal matches the list numbered `id`, when
    /// [`Scratch::know`] was told.
    fn known(&self, id: u32) -> Option<bool> {
        let k = *self.known.get(id as usize)?;
        (self.known_for && k >> 1 == self.known_stamp).then_some(k & 1 == 1)
    }

    /// Whether answers for the prepared principal's lists are known.
    pub fn knows_lists(&self) -> bool {
        self.known_for
    }

    /// Whether the principal's names have been looked up in the index.
    pub fn has_names(&self) -> bool {
        self.hits_for
    }

    /// A scratch that looks each principal's names up in the engine's
    /// index at its first decision rather than its second: for work that
    /// decides every principal for several actions and licenses.
    pub fn eager() -> Scratch {
        Scratch {
            eager_names: true,
            ..Scratch::default()
        }
    }

    /// Whether names are looked up at a principal's first decision.
    pub fn is_eager(&self) -> bool {
        self.eager_names
    }

    /// Looks the prepared principal's user and host up in the engine's name
    /// index, once, for the decisions still to come for it.
    pub fn look_up_names<'a>(
        &mut self,
        names: &NameIndex,
        list: impl Fn(u32) -> Option<&'a Matcher> + Copy,
    ) {
        let p = &self.owner.1;
        if self.hit.len() != names.len {
            self.hit = vec![0; names.len];
            self.hit_stamp = 0;
        }
        self.hit_stamp = self.hit_stamp.wrapping_add(1);
        if self.hit_stamp == 0 {
            self.hit.iter_mut().for_each(|h| *h = 0);
            self.hit_stamp = 1;
        }
        for name in [&p.user, &p.host].into_iter().flatten() {
            let (hit, stamp) = (&mut self.hit, self.hit_stamp);
            names.hits(name, list, |i| {
                if let Some(h) = hit.get_mut(i as usize) {
                    *h = stamp;
                }
            });
        }
        self.hits_for = true;
    }

    /// Prepares for a new principal.
    pub fn reset(&mut self, groups: usize) {
        self.owned = false;
        self.hits_for = false;
        if self.known_for {
            // 31 bits of stamp; at the wrap, `know` starts the table anew.
            self.known_stamp = (self.known_stamp + 1) & (u32::MAX >> 1);
            self.known_for = false;
        }
        self.memo.clear();
        self.memo.resize(groups, 0);
        if self.seen.len() != groups {
            self.seen = vec![0; groups];
            self.parent = vec![usize::MAX; groups];
            self.generation = 0;
        }
    }

    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        self.generation
    }
}

/// How a principal matched a list: the entry, the part of the principal,
/// and the chain of groups it was found through (outermost first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: String,
    pub attr: Attr,
    pub via: Vec<String>,
}

/// Whether the principal is a member of group `g` (through any depth of
/// nesting). Iterative; a group seen twice is not searched again, so cycles
/// end. Returns the chain from `g` to the group whose own entry matched.
///
/// With `shortcut`, a group already known to be a member ends the search at
/// once (fast path); without, the search goes on to the group whose own entry
/// matched, which explanations need.
pub fn member_of(
    groups: &Groups,
    g: usize,
    p: &FoldedPrincipal,
    s: &mut Scratch,
    shortcut: bool,
) -> Option<Vec<usize>> {
    if s.memo.get(g) == Some(&2) {
        return None;
    }
    let generation = s.next_generation();
    s.stack.clear();
    s.stack.push(g);
    s.seen[g] = generation;
    s.parent[g] = usize::MAX;
    s.visited.clear();
    while let Some(x) = s.stack.pop() {
        s.visited.push(x);
        let found =
            (shortcut && s.memo[x] == 1) || (s.memo[x] != 2 && groups.matchers[x].direct_in(p, s));
        if found {
            let mut chain = vec![x];
            let mut cur = x;
            while s.parent[cur] != usize::MAX {
                cur = s.parent[cur];
                chain.push(cur);
            }
            chain.reverse();
            for &c in &chain {
                s.memo[c] = 1;
            }
            return Some(chain);
        }
        if s.memo[x] == 2 {
            continue;
        }
        for &c in groups.matchers[x].groups.iter().rev() {
            if s.seen[c] != generation {
                s.seen[c] = generation;
                s.parent[c] = x;
                s.stack.push(c);
            }
        }
    }
    // Nothing reachable from g matched: none of the visited groups can match.
    for i in 0..s.visited.len() {
        let v = s.visited[i];
        s.memo[v] = 2;
    }
    None
}

/// Whether the principal is a member of group `g`: the allocation-free
/// search of the fast path, with the same answers as [`member_of`].
fn is_member(groups: &Groups, g: usize, p: &FoldedPrincipal, s: &mut Scratch) -> bool {
    match s.memo.get(g) {
        Some(1) => return true,
        Some(2) => return false,
        _ => {}
    }
    let generation = s.next_generation();
    s.stack.clear();
    s.visited.clear();
    s.stack.push(g);
    s.seen[g] = generation;
    while let Some(x) = s.stack.pop() {
        if s.memo[x] == 1 || (s.memo[x] == 0 && groups.matchers[x].direct_in(p, s)) {
            s.memo[g] = 1;
            s.memo[x] = 1;
            return true;
        }
        if s.memo[x] == 2 {
            continue;
        }
        s.visited.push(x);
        for &c in &groups.matchers[x].groups {
            if s.seen[c] != generation {
                s.seen[c] = generation;
                s.stack.push(c);
            }
        }
    }
    // Nothing reachable from g matched: none of the visited groups can match.
    for i in 0..s.visited.len() {
        let v = s.visited[i];
        s.memo[v] = 2;
    }
    false
}

/// Matches a whole list: its own entries, then its groups.
pub fn matches(m: &Matcher, groups: &Groups, p: &FoldedPrincipal, s: &mut Scratch) -> bool {
    if let Some(known) = m.index_id.and_then(|id| s.known(id)) {
        return known;
    }
    m.direct_in(p, s) || m.groups.iter().any(|&g| is_member(groups, g, p, s))
}

/// Like [`matches`], with the explanation of the first match in entry order.
pub fn explain(m: &Matcher, groups: &Groups, p: &FoldedPrincipal, s: &mut Scratch) -> Option<Hit> {
    if let Some((entry, attr)) = m.direct_hit(p) {
        return Some(Hit {
            entry: entry.to_string(),
            attr,
            via: Vec::new(),
        });
    }
    for &g in &m.groups {
        if let Some(chain) = member_of(groups, g, p, s, false) {
            let last = *chain.last().unwrap_or(&g);
            let (entry, attr) = groups.matchers[last].direct_hit(p)?;
            return Some(Hit {
                entry: entry.to_string(),
                attr,
                via: chain.iter().map(|&c| groups.names[c].clone()).collect(),
            });
        }
    }
    None
}

/// What a list needs from the principal, through its groups too.
pub fn needs(m: &Matcher, groups: &Groups) -> Needs {
    m.groups
        .iter()
        .fold(m.needs, |acc, &g| acc.or(groups.needs[g]))
}
