//! One principal that meets a condition on the lists it matches, found part
//! by part without building the classes ([`Candidates::find`]).
//!
//! A list matches a principal when one of its parts matches it, and the
//! parts vary independently (any user with any host, address and local
//! groups). So "matches none of these lists" is a condition on each part
//! alone, and "matches one of those" is met by one part: a principal that
//! avoids the lists `avoid` and hits each set of `hit` exists exactly when
//! every part has a value that avoids them, and values of the parts
//! together hit every set. With a handful of sets this is a few passes
//! over each part's values, where the classes would be a product of them.

use super::{Candidates, ListId};
use crate::request::Principal;

/// A condition on the lists a principal matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Need {
    /// Lists no part may match.
    pub avoid: Vec<ListId>,
    /// Sets of lists: the principal must match a list of each.
    pub hit: Vec<Vec<ListId>>,
}

/// What [`Candidates::find`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A principal that meets the condition, with the fewest parts named.
    One(Principal),
    /// None meets it: proven over every principal.
    Nobody,
    /// Not known: the candidates are not complete, a list is not the
    /// feature's, or the condition has too many sets.
    Unknown,
}

/// The most sets of `hit` a condition may have (each is a bit of a mask).
const MOST_SETS: usize = 8;

/// A bit set over the candidates' lists.
type Bits = Vec<u64>;

fn meets(row: &[u64], bits: &[u64]) -> bool {
    row.iter().zip(bits).any(|(a, b)| a & b != 0)
}

/// The places of the bits set.
fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(w, &b)| {
        (0..64)
            .filter(move |i| b >> i & 1 == 1)
            .map(move |i| w * 64 + i)
    })
}

/// For each list, the values of each part that match it, as a bit per
/// value: a condition over a few lists is then a few passes over words of
/// 64 values, not a look at every value's row.
pub(super) struct Postings {
    /// Each list of the first engine by its id: where it is among the
    /// candidates' lists (a condition names lists by id).
    at: rustc_hash::FxHashMap<ListId, usize>,
    users: std::sync::Arc<Column>,
    hosts: std::sync::Arc<Column>,
    ips: Column,
}

/// One part's columns, and which of its values have no name (none).
struct Column {
    lists: Vec<Vec<u64>>,
    unnamed: Vec<usize>,
}

impl Postings {
    fn of(c: &Candidates) -> Postings {
        fn part<T>(lists: usize, values: &[super::Raw<Option<T>>]) -> Column {
            let words = values.len().div_ceil(64);
            let mut out = vec![vec![0u64; words]; lists];
            let mut unnamed = Vec::new();
            for (i, v) in values.iter().enumerate() {
                if v.value.is_none() {
                    unnamed.push(i);
                }
                for k in ones(&v.row) {
                    if let Some(o) = out.get_mut(k) {
                        o[i / 64] |= 1 << (i % 64);
                    }
                }
            }
            Column {
                lists: out,
                unnamed,
            }
        }
        let n = c.lists.len();
        let users = std::sync::Arc::new(part(n, &c.users));
        Postings {
            at: c
                .lists
                .iter()
                .enumerate()
                .filter(|(_, l)| l.engine == 0)
                .map(|(k, l)| (l.role.list, k))
                .collect(),
            users: users.clone(),
            hosts: if std::sync::Arc::ptr_eq(&c.users, &c.hosts) {
                users
            } else {
                std::sync::Arc::new(part(n, &c.hosts))
            },
            ips: part(n, &c.ips),
        }
    }
}

/// One part's reachable masks (which sets of `hit` a value hits), each
/// with the cheapest value that reaches it: (mask, named, value index).
type Reach = Vec<(u16, bool, usize)>;

impl Candidates {
    fn bits_of(&self, lists: &[ListId]) -> Option<Bits> {
        let at = &self.postings.get_or_init(|| Postings::of(self)).at;
        let mut bits = vec![0u64; self.lists.len().div_ceil(64)];
        for id in lists {
            let k = *at.get(id)?;
            bits[k / 64] |= 1 << (k % 64);
        }
        Some(bits)
    }

    /// A principal that matches none of `need.avoid` and a list of each
    /// set of `need.hit`, with the fewest parts named (a user before a
    /// host: a name is met as a user first).
    pub fn find(&self, need: &Need) -> Found {
        if need.hit.len() > MOST_SETS {
            return Found::Unknown;
        }
        let Some(avoid) = self.bits_of(&need.avoid) else {
            return Found::Unknown;
        };
        let Some(hits) = need
            .hit
            .iter()
            .map(|h| self.bits_of(h))
            .collect::<Option<Vec<Bits>>>()
        else {
            return Found::Unknown;
        };
        let mask_of = |row: &[u64]| -> Option<u16> {
            if meets(row, &avoid) {
                return None;
            }
            Some(
                hits.iter()
                    .enumerate()
                    .filter(|(_, h)| meets(row, h))
                    .fold(0u16, |m, (i, _)| m | 1 << i),
            )
        };
        let post = self.postings.get_or_init(|| Postings::of(self));
        let full: u16 = ((1u32 << hits.len()) - 1) as u16;
        let avoid_lists: Vec<usize> = ones(&avoid).collect();
        let hit_lists: Vec<Vec<usize>> = hits.iter().map(|h| ones(h).collect()).collect();
        // Each mask one part's values reach, with the cheapest value: a
        // value with no name (none) first, asked by its row; then, for each
        // mask, the first named value with it, from the lists' columns.
        // Once a value reaches every set, the part's other masks cannot
        // make a cheaper principal.
        fn reach<T>(
            values: &[super::Raw<Option<T>>],
            col: &Column,
            avoid: &[usize],
            hits: &[Vec<usize>],
            full: u16,
            mask_of: &dyn Fn(&[u64]) -> Option<u16>,
        ) -> Reach {
            let cols = &col.lists;
            let mut out: Reach = Vec::new();
            for &i in &col.unnamed {
                if let Some(m) = mask_of(&values[i].row)
                    && !out.iter().any(|o| o.0 == m)
                {
                    out.push((m, false, i));
                }
            }
            if out.iter().any(|o| o.0 == full) {
                return out;
            }
            let words = values.len().div_ceil(64);
            let mut ok: Vec<u64> = vec![!0u64; words];
            if !values.len().is_multiple_of(64)
                && let Some(last) = ok.last_mut()
            {
                *last = (1u64 << (values.len() % 64)) - 1;
            }
            for &i in &col.unnamed {
                ok[i / 64] &= !(1 << (i % 64));
            }
            let or_into = |into: &mut [u64], ks: &[usize], keep: bool| {
                for &k in ks {
                    if let Some(c) = cols.get(k) {
                        for (a, b) in into.iter_mut().zip(c) {
                            if keep {
                                *a |= b;
                            } else {
                                *a &= !b;
                            }
                        }
                    }
                }
            };
            or_into(&mut ok, avoid, false);
            let h: Vec<Vec<u64>> = hits
                .iter()
                .map(|ks| {
                    let mut v = vec![0u64; words];
                    or_into(&mut v, ks, true);
                    for (a, b) in v.iter_mut().zip(&ok) {
                        *a &= b;
                    }
                    v
                })
                .collect();
            // The first value of each mask, in value order.
            let mut first: Vec<(usize, u16)> = Vec::new();
            if hits.len() <= 4 {
                for m in 0..=full {
                    let at = (0..words).find_map(|w| {
                        let mut x = ok[w];
                        for (i, hw) in h.iter().enumerate() {
                            x &= if m >> i & 1 == 1 { hw[w] } else { !hw[w] };
                        }
                        (x != 0).then(|| w * 64 + x.trailing_zeros() as usize)
                    });
                    if let Some(at) = at {
                        first.push((at, m));
                    }
                }
                first.sort_unstable();
            } else {
                let mut known = vec![false; full as usize + 1];
                'words: for w in 0..words {
                    let mut x = ok[w];
                    while x != 0 {
                        let b = x.trailing_zeros() as usize;
                        x &= x - 1;
                        let m = h
                            .iter()
                            .enumerate()
                            .fold(0u16, |m, (i, hw)| m | ((hw[w] >> b & 1) as u16) << i);
                        if !std::mem::replace(&mut known[m as usize], true) {
                            first.push((w * 64 + b, m));
                            if m == full {
                                break 'words;
                            }
                        }
                    }
                }
            }
            for (i, m) in first {
                if !out.iter().any(|o| o.0 == m) {
                    out.push((m, true, i));
                }
                if m == full {
                    break;
                }
            }
            out
        }
        let users = reach(
            &self.users,
            &post.users,
            &avoid_lists,
            &hit_lists,
            full,
            &mask_of,
        );
        let hosts = reach(
            &self.hosts,
            &post.hosts,
            &avoid_lists,
            &hit_lists,
            full,
            &mask_of,
        );
        let ips = reach(
            &self.ips,
            &post.ips,
            &avoid_lists,
            &hit_lists,
            full,
            &mask_of,
        );
        // A part with no value that avoids the lists: even no value
        // matches one of them (a `*`), so every principal does.
        if users.is_empty() || hosts.is_empty() || ips.is_empty() {
            return Found::Nobody;
        }
        // Local groups: the groups every principal has, and any set of the
        // single groups that avoid the lists (their masks add up).
        let Some(start) = mask_of(&self.start_groups.1) else {
            return Found::Nobody;
        };
        let mut groups: Vec<(u16, Vec<usize>)> = vec![(start, Vec::new())];
        let singles: Vec<(usize, u16)> = self
            .single_groups
            .iter()
            .enumerate()
            .filter_map(|(i, (_, row))| mask_of(row).map(|m| (i, m)))
            .filter(|(_, m)| *m != 0)
            .collect();
        // Breadth first: each mask with the fewest groups.
        let mut k = 0;
        while k < groups.len() {
            let (m, set) = groups[k].clone();
            for &(i, sm) in &singles {
                let next = m | sm;
                if !groups.iter().any(|(gm, _)| *gm == next) {
                    let mut s = set.clone();
                    s.push(i);
                    groups.push((next, s));
                }
            }
            k += 1;
        }
        // The cheapest combination, part by part: for each mask the parts
        // so far reach together, the fewest named (a host named costs a
        // little more than a user, so a name is met as a user first).
        let options: [Vec<(u16, u32)>; 4] = [
            users.iter().map(|&(m, n, _)| (m, 10 * n as u32)).collect(),
            hosts.iter().map(|&(m, n, _)| (m, 11 * n as u32)).collect(),
            ips.iter().map(|&(m, n, _)| (m, 10 * n as u32)).collect(),
            groups
                .iter()
                .map(|(m, s)| (*m, 10 * (!s.is_empty()) as u32))
                .collect(),
        ];
        let mut states: Vec<Option<(u32, [usize; 4])>> = vec![None; 1 << hits.len()];
        states[0] = Some((0, [0; 4]));
        for (part, opts) in options.iter().enumerate() {
            let mut next: Vec<Option<(u32, [usize; 4])>> = vec![None; states.len()];
            for (m, st) in states.iter().enumerate() {
                let Some((cost, picks)) = st else { continue };
                for (i, &(om, oc)) in opts.iter().enumerate() {
                    let to = m | om as usize;
                    let c = cost + oc;
                    if next[to].is_none_or(|(b, _)| c < b) {
                        let mut p = *picks;
                        p[part] = i;
                        next[to] = Some((c, p));
                    }
                }
            }
            states = next;
        }
        let Some((_, [ui, hi, ii, gi])) = states[full as usize] else {
            // Nobody among the candidates; every name is among them when
            // the names' automaton finished, and a name it did not reach
            // is in none of these lists when none holds a wildcard (it is
            // then as no name at all, a candidate of its own).
            let wild = |bits: &Bits| {
                (0..self.lists.len()).any(|k| bits[k / 64] >> (k % 64) & 1 == 1 && self.wild[k])
            };
            return if self.names_complete || !(wild(&avoid) || hits.iter().any(wild)) {
                Found::Nobody
            } else {
                Found::Unknown
            };
        };
        Found::One(Principal {
            user: self.users[users[ui].2].value.clone(),
            host: self.hosts[hosts[hi].2].value.clone(),
            ip: self.ips[ips[ii].2].value,
            local_groups: groups[gi]
                .1
                .iter()
                .map(|&i| self.single_groups[i].0.clone())
                .chain(self.start_groups.0.iter().cloned())
                .collect(),
        })
    }
}

impl Candidates {
    /// What one principal is to the feature's rules, as a class of one way
    /// ([`super::Space::describe_principal`]).
    pub fn describe_principal(&self, w: &Principal) -> super::What {
        super::describe::describe_principal(&self.atoms, w)
    }
}
