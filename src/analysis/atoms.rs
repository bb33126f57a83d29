//! The entries the rules for a feature reach, through groups at any
//! depth, in every version: the literal names, wildcards, IP forms and
//! local groups the principal space draws its candidates from, and what a
//! witness's values fall in, for its description.

use std::net::{IpAddr, Ipv4Addr};

use crate::model::{Config, EntryList, Rule};
use crate::pattern::{Kind, Pattern, fold};
use crate::pool::{PoolIndex, SeatSharing};

/// The entries that the rules for a feature name, for saying what a
/// witness stands for.
#[derive(Debug, Clone, Default)]
pub struct Atoms {
    /// Literal names, folded, with one spelling as written.
    pub names: rustc_hash::FxHashMap<String, String>,
    /// Wildcard patterns, folded, each once, in file order.
    pub wildcards: Vec<String>,
    /// Each of `wildcards` as first written.
    pub wildcards_written: Vec<String>,
    /// IPv4 forms as inclusive intervals, with their text.
    pub ipv4: Vec<(u32, u32, String)>,
    /// IPv6 addresses (IPv4-mapped ones are in `ipv4`), with their text.
    pub ipv6: Vec<(IpAddr, String)>,
    /// `&` groups, folded, with one spelling as written.
    pub local_groups: Vec<(String, String)>,
    /// The address family the server sees, when every file's `IP_VERSION`
    /// names the same one (analysis.md 6.3); `None`: both.
    pub family: Option<Family>,
    /// `wildcards` compiled, when first asked which a name matches (a
    /// class's description asks it of every class).
    compiled: std::sync::OnceLock<Vec<crate::pattern::NamePattern>>,
}

/// One address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    V4,
    V6,
}

impl Family {
    /// The family a file's `IP_VERSION` names, if it names one.
    pub fn of(cfg: &Config) -> Option<Family> {
        let v = cfg
            .setting("IP_VERSION")?
            .value
            .as_str()?
            .trim()
            .to_ascii_lowercase();
        match v.as_str() {
            "ipv4" => Some(Family::V4),
            "ipv6" => Some(Family::V6),
            _ => None,
        }
    }

    /// The family all of `cfgs` name, if they agree.
    pub fn of_all(cfgs: &[&Config]) -> Option<Family> {
        let mut families = cfgs.iter().map(|c| Family::of(c));
        let first = families.next()??;
        families.all(|f| f == Some(first)).then_some(first)
    }

    /// Whether the server can see `ip`.
    pub fn admits(self, ip: IpAddr) -> bool {
        matches!(
            (self, crate::pattern::normalize(ip)),
            (Family::V4, IpAddr::V4(_)) | (Family::V6, IpAddr::V6(_))
        ) || (self == Family::V6 && ip.is_ipv6())
    }
}

/// The lists the rules for `feature` test, then the MEMBERS of every group
/// they reach at any depth (each once), and those groups' positions in
/// `cfg.groups`, in the order found.
pub fn reached<'c>(cfg: &'c Config, feature: &str) -> (Vec<&'c EntryList>, Vec<usize>) {
    let mut lists: Vec<&EntryList> = cfg
        .all_rules()
        .filter(|r| applies_to(r, feature))
        .flat_map(Rule::principal_lists)
        .collect();
    let mut seen = vec![false; cfg.groups.len()];
    let mut groups = Vec::new();
    let mut at = 0;
    while at < lists.len() {
        let list = lists[at];
        at += 1;
        for e in list.iter() {
            if let Some(g) = cfg.group_index.lookup_entry(&e)
                && !std::mem::replace(&mut seen[g], true)
            {
                groups.push(g);
                if let Some(m) = cfg.groups.get(g).and_then(|g| g.members.as_ref()) {
                    lists.push(m);
                }
            }
        }
    }
    (lists, groups)
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
        let mut a = Atoms {
            family: Family::of_all(cfgs),
            ..Atoms::default()
        };
        let mut wild_seen = rustc_hash::FxHashSet::default();
        let mut lg_seen = rustc_hash::FxHashSet::default();
        for cfg in cfgs {
            let (lists, _) = reached(cfg, feature);
            for list in lists {
                for e in list.iter() {
                    if cfg.group_index.lookup_entry(&e).is_some() {
                        continue;
                    }
                    match e.pattern() {
                        Pattern::Name(_) if matches!(e.kind, Kind::Name { wildcard: true, .. }) => {
                            let f = fold(e.text.trim());
                            if wild_seen.insert(f.clone()) {
                                a.wildcards.push(f);
                                a.wildcards_written.push(e.text.trim().to_string());
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
                        Pattern::Ip(ip) if crate::pattern::normalize(ip).is_ipv6() => {
                            let v6 = crate::pattern::normalize(ip);
                            a.ipv6.push((v6, e.text.trim().to_string()));
                        }
                        p => {
                            if let Some((lo, hi)) = p.ipv4_interval() {
                                a.ipv4.push((lo, hi, e.text.trim().to_string()));
                            }
                        }
                    }
                }
            }
        }
        // An IPv4 server never sees an IPv6 address: its IPv6 entries
        // match nobody and give no candidate.
        if a.family == Some(Family::V4) {
            a.ipv6.clear();
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
    pub(super) fn ip_candidates(&self) -> Vec<IpAddr> {
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
                self.address(Ipv4Addr::from(pick))
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
        self.matching(name)
            .map(|i| self.wildcards[i].as_str())
            .collect()
    }

    /// The wildcard patterns a name matches, as written.
    pub fn wildcards_matching_written(&self, name: &str) -> Vec<&str> {
        self.matching(name)
            .map(|i| self.wildcards_written[i].as_str())
            .collect()
    }

    /// The positions in `wildcards` of the patterns `name` matches.
    fn matching(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        let f = fold(name);
        let compiled = self.compiled.get_or_init(|| {
            self.wildcards
                .iter()
                .map(|w| crate::pattern::NamePattern::new(w))
                .collect()
        });
        compiled
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.matches_folded(&f))
            .map(|(i, _)| i)
    }

    /// One name inside each name entry, with the entry as written: each
    /// literal (sorted), then each pattern with its `*`s written as `x`.
    /// What the determined check and the suggestions try, entry by entry.
    pub fn name_examples(&self) -> Vec<(String, String)> {
        let mut literals: Vec<&String> = self.names.values().collect();
        literals.sort();
        let mut out: Vec<(String, String)> = literals
            .into_iter()
            .map(|n| (n.clone(), n.clone()))
            .collect();
        out.extend(
            self.wildcards_written
                .iter()
                .map(|w| (w.trim().replace('*', "x"), w.clone()))
                .filter(|(example, _)| !example.is_empty()),
        );
        out
    }

    /// One address inside each IP entry, with the entry as written: an
    /// IPv4 form's first address (`.1` rather than a network's `.0`), each
    /// IPv6 address as it is.
    pub fn ip_examples(&self) -> Vec<(IpAddr, String)> {
        let mut out: Vec<(IpAddr, String)> = self
            .ipv4
            .iter()
            .map(|&(lo, hi, ref text)| {
                let pick = if lo & 0xff == 0 && hi > lo {
                    lo + 1
                } else {
                    lo
                };
                (self.address(Ipv4Addr::from(pick)), text.clone())
            })
            .collect();
        out.extend(self.ipv6.iter().map(|(ip, text)| (*ip, text.clone())));
        out
    }

    /// An IPv4 address as the server sees it: as it is, or IPv4-mapped on
    /// an IPv6 server (`::ffff:4.3.2.1`, which IPv4 entries match).
    pub fn address(&self, v4: Ipv4Addr) -> IpAddr {
        match self.family {
            Some(Family::V6) => IpAddr::V6(v4.to_ipv6_mapped()),
            _ => IpAddr::V4(v4),
        }
    }

    /// The literal name as written, if `name` is one.
    pub fn literal(&self, name: &str) -> Option<&str> {
        self.names.get(&fold(name)).map(String::as_str)
    }
}
