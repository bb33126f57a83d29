//! The principal lists a feature's rules test, for the analyses over every
//! principal (`crate::analysis`): which USERS and EXCEPT_USERS lists can
//! bear on a request for a feature, and whether a principal matches one.
//! A decision depends on the principal only through these answers (and,
//! with seat sharing, through the pool's sessions).

use super::Engine;
use super::compile::kind_index;
use super::matcher::{self, FoldedPrincipal, Scratch};
use crate::rule_id::RuleId;
use crate::spec::RuleKind;

/// One list of one compiled rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListId {
    pub rule: RuleId,
    /// EXCEPT_USERS (else USERS).
    pub except: bool,
    /// The compiled rule's number.
    id: u32,
}

/// What the rule of a list does with it, as the decision uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRole {
    pub list: ListId,
    pub kind: RuleKind,
    /// The serial numbers the rule is limited to, sorted (`None`: any).
    pub serials: Option<Vec<String>>,
    /// COUNT and HOURS as the engine reads them (`None`: absent or ignored).
    pub count: Option<u64>,
    pub hours: Option<u64>,
    /// The rule has EXCEPT_USERS.
    pub has_except: bool,
}

/// A compiled rule that applies to a feature, with its lists, for the
/// analyses that ask what a rule does ([`Engine::rules_for_feature`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRole {
    pub rule: RuleId,
    pub kind: RuleKind,
    /// The serial numbers the rule is limited to (`None`: any).
    pub serials: Option<Vec<String>>,
    /// COUNT and HOURS as the engine reads them (`None`: absent or ignored).
    pub count: Option<u64>,
    pub hours: Option<u64>,
    /// USERS (`None`: everyone) and EXCEPT_USERS.
    pub users: Option<ListId>,
    pub except: Option<ListId>,
}

/// A compiled rule's SERIALNUMBERS, sorted (`None`: any).
fn sorted_serials(r: &super::compile::CompiledRule) -> Option<Vec<String>> {
    r.serials.as_ref().map(|s| {
        let mut v: Vec<String> = s.iter().cloned().collect();
        v.sort();
        v
    })
}

impl RuleRole {
    /// Whether the rule applies to a request for `serial` (its feature
    /// aside): a rule limited to serials applies only to those.
    pub fn applies_to_serial(&self, serial: Option<&str>) -> bool {
        match (&self.serials, serial) {
            (None, _) => true,
            (Some(set), Some(s)) => set.iter().any(|x| x == s),
            (Some(_), None) => false,
        }
    }

    /// Whether the rule applies to a request of `action` (a borrow is also
    /// a checkout; borrow rules do not bind checkouts).
    pub fn applies_to_action(&self, action: super::Action) -> bool {
        action == super::Action::Borrow || !self.kind.borrow_only()
    }
}

impl Engine {
    /// Every compiled rule that applies to `feature`, in file order.
    pub fn rules_for_feature(&self, feature: &str) -> Vec<RuleRole> {
        let mut ids: Vec<u32> = RuleKind::ALL
            .into_iter()
            .flat_map(|k| self.lists[kind_index(k)].for_feature(feature))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let r = &self.rules[id as usize];
                let list = |m: &Option<matcher::Matcher>, except: bool| {
                    m.as_ref().map(|_| ListId {
                        rule: r.id,
                        except,
                        id,
                    })
                };
                RuleRole {
                    rule: r.id,
                    kind: r.kind,
                    serials: sorted_serials(r),
                    count: r.count,
                    hours: r.hours,
                    users: list(&r.users, false),
                    except: list(&r.except, true),
                }
            })
            .collect()
    }

    /// Whether the rule covers the principal as its step tests it: USERS,
    /// and EXCEPT_USERS for limits (deny, allow and reserve rules do not
    /// read EXCEPT_USERS).
    pub fn covers(&self, role: &RuleRole, p: &FoldedPrincipal, scratch: &mut Scratch) -> bool {
        if let Some(u) = role.users
            && !self.list_matches(u, p, scratch)
        {
            return false;
        }
        let reads_except = role.kind.effect() == crate::spec::Effect::Limit;
        !(reads_except
            && role
                .except
                .is_some_and(|e| self.list_matches(e, p, scratch)))
    }

    /// Every compiled rule whose USERS or EXCEPT_USERS the principal
    /// matches (a USERS meaning everyone matches anyone), in file order:
    /// the rules that are about this principal, for any feature.
    pub fn rules_touching(&self, p: &FoldedPrincipal, scratch: &mut Scratch) -> Vec<RuleId> {
        scratch.prepare(self.id, self.groups.matchers.len(), p);
        let mut out: Vec<RuleId> = self
            .rules
            .iter()
            .filter(|r| {
                r.users
                    .as_ref()
                    .is_none_or(|m| matcher::matches(m, &self.groups, p, scratch))
                    || r.except
                        .as_ref()
                        .is_some_and(|m| matcher::matches(m, &self.groups, p, scratch))
            })
            .map(|r| r.id)
            .collect();
        out.sort_unstable();
        out
    }

    /// The groups (positions in `Config::groups`) the principal is a member
    /// of, through nested groups, wildcards and IP forms.
    pub fn groups_containing(&self, p: &FoldedPrincipal, scratch: &mut Scratch) -> Vec<usize> {
        scratch.prepare(self.id, self.groups.matchers.len(), p);
        (0..self.groups.matchers.len())
            .filter(|&g| matcher::matches(&self.groups.matchers[g], &self.groups, p, scratch))
            .collect()
    }

    /// Prepares `scratch` for the principal `p`, with which of `lists` it matches already
    /// known (`bits`, a bit per list as [`Engine::names_matching`] gives
    /// them): its next decisions look those answers up instead of walking
    /// the lists' groups again. The answers must be that principal's; the
    /// access report's property tests check the decisions against the
    /// engine without them.
    pub fn prepare_known(
        &self,
        scratch: &mut Scratch,
        p: &FoldedPrincipal,
        lists: &[ListId],
        bits: &[u64],
    ) {
        scratch.prepare(self.id, self.groups.matchers.len(), p);
        let len = self.list_numbers();
        for (i, l) in lists.iter().enumerate() {
            let hit = bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
            scratch.know(len, self.list_number(l.id, l.except), hit);
        }
    }

    /// The USERS and EXCEPT_USERS lists of every rule that applies to a
    /// request for `feature` (any action, any serial), in file order.
    /// A rule whose USERS means everyone has no USERS list here.
    pub fn lists_for_feature(&self, feature: &str) -> Vec<ListId> {
        let mut out = Vec::new();
        for kind in RuleKind::ALL {
            for id in self.lists[kind_index(kind)].for_feature(feature) {
                let r = &self.rules[id as usize];
                for (m, except) in [(&r.users, false), (&r.except, true)] {
                    if m.is_some() {
                        out.push(ListId {
                            rule: r.id,
                            except,
                            id,
                        });
                    }
                }
            }
        }
        out
    }

    /// [`Engine::lists_for_feature`] with what each list's rule does.
    pub fn list_roles(&self, feature: &str) -> Vec<ListRole> {
        self.lists_for_feature(feature)
            .into_iter()
            .map(|list| {
                let r = &self.rules[list.id as usize];
                ListRole {
                    list,
                    kind: r.kind,
                    serials: sorted_serials(r),
                    count: r.count,
                    hours: r.hours,
                    has_except: r.except.is_some(),
                }
            })
            .collect()
    }

    /// Whether the principal matches the list.
    pub fn list_matches(&self, list: ListId, p: &FoldedPrincipal, scratch: &mut Scratch) -> bool {
        let Some(r) = self.rules.get(list.id as usize) else {
            return false;
        };
        let m = if list.except { &r.except } else { &r.users };
        let Some(m) = m else { return false };
        scratch.prepare(self.id, self.groups.matchers.len(), p);
        matcher::matches(m, &self.groups, p, scratch)
    }

    /// For each name (folded), which of `lists` the principal with that
    /// name alone (as user or host) matches, as a bit per list: the answers
    /// of [`Engine::list_matches`] for thousands of names at once. Worked
    /// out from the other side: which lists reach each group (through the
    /// groups that contain it), then each name's own groups and lists, and
    /// the distinct wildcards once.
    pub fn names_matching(&self, lists: &[ListId], names: &[&str]) -> Vec<Vec<u64>> {
        self.names_matching_with(lists, names, None)
    }

    /// Which of the file's distinct name wildcards each name (folded)
    /// matches: worked out once for names asked about every feature, so
    /// that [`Engine::names_matching_with`] does not match each name with
    /// the patterns again for each feature.
    pub fn name_hits(&self, names: &[&str]) -> NameHits {
        let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut patterns: Vec<&crate::pattern::NamePattern> = Vec::new();
        let lists = self
            .rules
            .iter()
            .flat_map(|r| [r.users.as_ref(), r.except.as_ref()])
            .flatten()
            .chain(self.groups.matchers.iter());
        for m in lists {
            for w in m.name_wildcards() {
                if !index.contains_key(w.folded.as_str()) {
                    index.insert(w.folded.to_string(), patterns.len() as u32);
                    patterns.push(w);
                }
            }
        }
        let hits = names
            .iter()
            .map(|n| {
                patterns
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.matches_folded(n))
                    .map(|(i, _)| i as u32)
                    .collect()
            })
            .collect();
        NameHits { index, hits }
    }

    /// [`Engine::names_matching`], with the wildcards each name matches
    /// already known (`hits`, of these `names` in this order).
    pub fn names_matching_with(
        &self,
        lists: &[ListId],
        names: &[&str],
        hits: Option<&NameHits>,
    ) -> Vec<Vec<u64>> {
        // Hashed fast: a file's groups hold a hundred thousand names, and
        // these maps are built for every feature.
        use rustc_hash::FxHashMap as HashMap;
        let words = lists.len().div_ceil(64);
        let set = |bits: &mut [u64], i: usize| bits[i / 64] |= 1 << (i % 64);
        let groups = &self.groups.matchers;
        // Direct entries of the lists.
        let mut any = vec![0u64; words];
        let mut by_name: HashMap<&str, Vec<u32>> = HashMap::default();
        // Distinct wildcards: the lists and groups that hold each.
        let mut wild: HashMap<&str, (&crate::pattern::NamePattern, Vec<u32>, Vec<u32>)> =
            HashMap::default();
        for (i, m) in self.list_matchers(lists).into_iter().enumerate() {
            let Some(m) = m else { continue };
            if m.any {
                set(&mut any, i);
            }
            for n in m.literal_names() {
                by_name.entry(n).or_default().push(i as u32);
            }
            for w in m.name_wildcards() {
                wild.entry(w.folded.as_str())
                    .or_insert((w, Vec::new(), Vec::new()))
                    .1
                    .push(i as u32);
            }
        }
        let matchers = self.list_matchers(lists);
        let mut reach = Reach::new(self, &matchers);
        // The groups the lists reach (through the groups they contain), in
        // one walk: a group that reaches none of the lists cannot change
        // the bits (a file's other groups are for other features).
        let mut reaching = vec![false; groups.len()];
        let mut stack: Vec<usize> = matchers
            .iter()
            .flatten()
            .flat_map(|m| m.groups.iter().copied())
            .collect();
        while let Some(g) = stack.pop() {
            if let Some(r) = reaching.get_mut(g)
                && !std::mem::replace(r, true)
            {
                stack.extend(groups[g].groups.iter().copied());
            }
        }
        let mut group_by_name: HashMap<&str, Vec<u32>> = HashMap::default();
        // Groups with `*`: every name is in them.
        let mut any_groups: Vec<u32> = Vec::new();
        for (g, m) in groups.iter().enumerate() {
            if !reaching[g] {
                continue;
            }
            if m.any {
                any_groups.push(g as u32);
            }
            for n in m.literal_names() {
                group_by_name.entry(n).or_default().push(g as u32);
            }
            for w in m.name_wildcards() {
                wild.entry(w.folded.as_str())
                    .or_insert((w, Vec::new(), Vec::new()))
                    .2
                    .push(g as u32);
            }
        }
        // With the hits known: the lists and groups of each pattern, by the
        // pattern's number there.
        let by_hit: Vec<Option<(Vec<u32>, Vec<u32>)>> = match hits {
            Some(h) => {
                let mut v = vec![None; h.index.len()];
                for (text, (_, ls, gs)) in &wild {
                    if let Some(&i) = h.index.get(*text) {
                        v[i as usize] = Some((ls.clone(), gs.clone()));
                    }
                }
                v
            }
            None => Vec::new(),
        };
        let wild: Vec<(&crate::pattern::NamePattern, Vec<u32>, Vec<u32>)> =
            wild.into_values().collect();
        // The groups each name is in, in one buffer kept between names.
        let mut direct: Vec<u32> = Vec::new();
        names
            .iter()
            .enumerate()
            .map(|(at, &n)| {
                let mut bits = any.clone();
                direct.clear();
                direct.extend_from_slice(&any_groups);
                if let Some(ls) = by_name.get(n) {
                    for &i in ls {
                        set(&mut bits, i as usize);
                    }
                }
                if let Some(gs) = group_by_name.get(n) {
                    direct.extend(gs);
                }
                match hits {
                    Some(h) => {
                        for &k in h.hits.get(at).into_iter().flatten() {
                            if let Some(Some((ls, gs))) = by_hit.get(k as usize) {
                                for &i in ls {
                                    set(&mut bits, i as usize);
                                }
                                direct.extend(gs);
                            }
                        }
                    }
                    None => {
                        for (w, ls, gs) in &wild {
                            if w.matches_folded(n) {
                                for &i in ls {
                                    set(&mut bits, i as usize);
                                }
                                direct.extend(gs);
                            }
                        }
                    }
                }
                direct.sort_unstable();
                direct.dedup();
                for &d in &direct {
                    for (b, r) in bits.iter_mut().zip(reach.of(d as usize)) {
                        *b |= r;
                    }
                }
                bits
            })
            .collect()
    }

    /// For each principal, which of `lists` it matches, as a bit per list:
    /// the answers of [`Engine::list_matches`] for many principals at once
    /// (addresses, local groups), each group's own entries asked once per
    /// principal and the lists reaching it found once per group.
    pub fn principals_matching(
        &self,
        lists: &[ListId],
        people: &[FoldedPrincipal],
    ) -> Vec<Vec<u64>> {
        let words = lists.len().div_ceil(64);
        let groups = &self.groups.matchers;
        let matchers = self.list_matchers(lists);
        let mut reach = Reach::new(self, &matchers);
        // Only groups whose own entries can match these principals are
        // asked (an address matches no group of names only).
        let wants = people
            .iter()
            .fold(matcher::Needs::default(), |n, p| matcher::Needs {
                names: n.names || p.user.is_some() || p.host.is_some(),
                ip: n.ip || p.ip.is_some(),
                local_groups: n.local_groups || !p.local_groups.is_empty(),
            });
        let asked: Vec<usize> = (0..groups.len())
            .filter(|&g| {
                let m = &groups[g];
                m.any
                    || (wants.names && m.needs.names)
                    || (wants.ip && m.needs.ip)
                    || (wants.local_groups && m.needs.local_groups)
            })
            .collect();
        people
            .iter()
            .map(|p| {
                let mut bits = vec![0u64; words];
                for (i, m) in matchers.iter().enumerate() {
                    if m.is_some_and(|m| m.direct(p)) {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                for &d in &asked {
                    if !groups[d].direct(p) {
                        continue;
                    }
                    let r = reach.of(d);
                    for (b, x) in bits.iter_mut().zip(r.iter()) {
                        *b |= x;
                    }
                }
                bits
            })
            .collect()
    }

    /// [`Engine::principals_matching`] for principals that are one IPv4
    /// address each (IPv4-mapped IPv6 included): the lists and groups
    /// holding a form that covers each address are found by placing every
    /// form over the sorted addresses once, not by asking every group for
    /// every address. Addresses that are not IPv4 go the general way.
    pub fn addresses_matching(&self, lists: &[ListId], ips: &[std::net::IpAddr]) -> Vec<Vec<u64>> {
        let words = lists.len().div_ceil(64);
        let keys: Vec<Option<u32>> = ips.iter().map(|&ip| matcher::v4_key(ip)).collect();
        let mut order: Vec<usize> = (0..ips.len()).filter(|&i| keys[i].is_some()).collect();
        order.sort_by_key(|&i| keys[i]);
        let sorted: Vec<u32> = order.iter().filter_map(|&i| keys[i]).collect();
        // For each address (by its place in `order`), the lists and groups
        // whose own forms cover it.
        let mut lists_at: Vec<Vec<u32>> = vec![Vec::new(); order.len()];
        let mut groups_at: Vec<Vec<u32>> = vec![Vec::new(); order.len()];
        // One container's marks are pushed together, so a repeat is last.
        let place = |intervals: &[(u32, u32)], out: &mut Vec<Vec<u32>>, who: u32| {
            for &(lo, hi) in intervals {
                let from = sorted.partition_point(|&k| k < lo);
                let to = sorted.partition_point(|&k| k <= hi);
                for slot in &mut out[from..to] {
                    if slot.last() != Some(&who) {
                        slot.push(who);
                    }
                }
            }
        };
        let matchers = self.list_matchers(lists);
        let mut any = vec![0u64; words];
        for (i, m) in matchers.iter().enumerate() {
            if let Some(m) = m {
                if m.any {
                    any[i / 64] |= 1 << (i % 64);
                }
                place(m.ipv4_intervals(), &mut lists_at, i as u32);
            }
        }
        let groups = &self.groups.matchers;
        let any_groups: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].any).collect();
        for (g, m) in groups.iter().enumerate() {
            place(m.ipv4_intervals(), &mut groups_at, g as u32);
        }
        let mut reach = Reach::new(self, &matchers);
        let mut out: Vec<Option<Vec<u64>>> = vec![None; ips.len()];
        for (slot, &i) in order.iter().enumerate() {
            let mut bits = any.clone();
            for &l in &lists_at[slot] {
                bits[l as usize / 64] |= 1 << (l % 64);
            }
            let mut direct: Vec<usize> = groups_at[slot].iter().map(|&g| g as usize).collect();
            direct.extend(&any_groups);
            direct.sort_unstable();
            direct.dedup();
            for d in direct {
                for (b, x) in bits.iter_mut().zip(reach.of(d)) {
                    *b |= x;
                }
            }
            out[i] = Some(bits);
        }
        // The rest (IPv6, or no address): one by one, the general way.
        let rest: Vec<usize> = (0..ips.len()).filter(|&i| out[i].is_none()).collect();
        let people: Vec<FoldedPrincipal> = rest
            .iter()
            .map(|&i| FoldedPrincipal {
                ip: Some(ips[i]),
                ..Default::default()
            })
            .collect();
        for (&i, bits) in rest.iter().zip(self.principals_matching(lists, &people)) {
            out[i] = Some(bits);
        }
        out.into_iter().map(Option::unwrap_or_default).collect()
    }

    /// The serial numbers the rules for `feature` are limited to, each once,
    /// in file order.
    pub fn serials_for_feature(&self, feature: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for kind in RuleKind::ALL {
            for id in self.lists[kind_index(kind)].for_feature(feature) {
                if let Some(s) = &self.rules[id as usize].serials {
                    let mut s: Vec<&String> = s.iter().collect();
                    s.sort();
                    for serial in s {
                        if !out.contains(serial) {
                            out.push(serial.clone());
                        }
                    }
                }
            }
        }
        out
    }

    /// Every feature a rule names (not `*`), each once.
    pub fn named_features(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .lists
            .iter()
            .flat_map(|l| {
                l.by_feature
                    .keys()
                    .chain(l.named_beside_any.keys())
                    .cloned()
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl Engine {
    /// The compiled lists behind `lists`.
    /// For each of `lists`, whether a name wildcard (or `*`) is in it or in
    /// a group it reaches: a list without one matches only the names it
    /// (or its groups) spell out, so a name the file does not spell is in
    /// it no more than no name at all.
    pub fn lists_name_wild(&self, lists: &[ListId]) -> Vec<bool> {
        let groups = &self.groups.matchers;
        let own = |m: &matcher::Matcher| m.any || !m.name_wildcards().is_empty();
        // The groups that reach a wildcard: those holding one, then back
        // along "contained in" (each group once, however deep the nesting).
        let mut contained_in: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
        for (g, m) in groups.iter().enumerate() {
            for &inner in &m.groups {
                if let Some(c) = contained_in.get_mut(inner) {
                    c.push(g);
                }
            }
        }
        let mut wild: Vec<bool> = groups.iter().map(own).collect();
        let mut stack: Vec<usize> = (0..groups.len()).filter(|&g| wild[g]).collect();
        while let Some(g) = stack.pop() {
            for &outer in &contained_in[g] {
                if !std::mem::replace(&mut wild[outer], true) {
                    stack.push(outer);
                }
            }
        }
        let reaches =
            |start: &[usize]| start.iter().any(|&g| wild.get(g).copied().unwrap_or(false));
        self.list_matchers(lists)
            .into_iter()
            .map(|m| m.is_some_and(|m| own(m) || reaches(&m.groups)))
            .collect()
    }

    fn list_matchers(&self, lists: &[ListId]) -> Vec<Option<&matcher::Matcher>> {
        lists
            .iter()
            .map(|l| {
                let r = &self.rules[l.id as usize];
                if l.except {
                    r.except.as_ref()
                } else {
                    r.users.as_ref()
                }
            })
            .collect()
    }
}

/// Which of a file's distinct name wildcards each of some names matches
/// ([`Engine::name_hits`]).
#[derive(Debug, Clone, Default)]
pub struct NameHits {
    /// Each pattern (folded) and its number.
    index: std::collections::HashMap<String, u32>,
    /// For each name, the numbers of the patterns it matches.
    hits: Vec<Vec<u32>>,
}

/// Which of some lists reach each group: the lists that name it or any
/// group that contains it, at any depth (cycles end), a bit per list,
/// worked out once per group asked.
struct Reach {
    /// Per group, the lists naming it, and the groups holding it.
    refs: Vec<Vec<u32>>,
    parents: Vec<Vec<u32>>,
    memo: Vec<Option<Vec<u64>>>,
    words: usize,
}

impl Reach {
    fn new(engine: &Engine, lists: &[Option<&matcher::Matcher>]) -> Reach {
        let groups = &engine.groups.matchers;
        let mut refs: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
        let mut parents: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
        for (i, m) in lists.iter().enumerate() {
            for &g in m.iter().flat_map(|m| m.groups.iter()) {
                if let Some(r) = refs.get_mut(g) {
                    r.push(i as u32);
                }
            }
        }
        for (g, m) in groups.iter().enumerate() {
            for &c in &m.groups {
                if let Some(p) = parents.get_mut(c) {
                    p.push(g as u32);
                }
            }
        }
        Reach {
            memo: vec![None; groups.len()],
            refs,
            parents,
            words: lists.len().div_ceil(64),
        }
    }

    fn of(&mut self, d: usize) -> &[u64] {
        let (refs, parents, words) = (&self.refs, &self.parents, self.words);
        self.memo[d].get_or_insert_with(|| {
            let mut r = vec![0u64; words];
            let mut seen = vec![false; parents.len()];
            let mut stack = vec![d as u32];
            seen[d] = true;
            while let Some(g) = stack.pop() {
                for &i in &refs[g as usize] {
                    r[i as usize / 64] |= 1 << (i % 64);
                }
                for &q in &parents[g as usize] {
                    if !std::mem::replace(&mut seen[q as usize], true) {
                        stack.push(q);
                    }
                }
            }
            r
        })
    }
}
