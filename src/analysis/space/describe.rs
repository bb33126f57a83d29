//! What a class (or one principal) stands for, for its description
//! (analysis.md 6.2): every way into the class, each part worded by all the
//! values merged into its candidate, by the entries they match.

use super::{Atoms, Class, Part, Space, WAYS_KEPT};
use crate::request::Principal;

/// What the names one part takes in a way stand for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamesWhat {
    /// Names the rules name (as written).
    pub named: Vec<String>,
    /// Names the rules do not list, each by the patterns it matches.
    pub matching: Vec<Vec<String>>,
    /// How many more values the part stands for than those above.
    pub more: u64,
    /// Every name at all.
    pub any: bool,
}

/// What the addresses a way takes stand for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IpsWhat {
    /// For each address, the IP entries it falls in.
    pub entries: Vec<Vec<String>>,
    pub more: u64,
    /// Every address at all.
    pub any: bool,
}

/// What the sets of local groups a way takes stand for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupsWhat {
    pub sets: Vec<Vec<String>>,
    pub more: u64,
}

/// One way into a class: the parts that put a principal there (`None`:
/// the part is left as it is, or has a value no rule of the feature
/// tells apart from none), with a principal of that way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Way {
    pub user: Option<NamesWhat>,
    pub host: Option<NamesWhat>,
    pub ip: Option<IpsWhat>,
    pub local_groups: Option<GroupsWhat>,
    pub witness: Principal,
}

impl Way {
    fn named_parts(&self) -> usize {
        [
            self.user.is_some(),
            self.host.is_some(),
            self.ip.is_some(),
            self.local_groups.is_some(),
        ]
        .iter()
        .filter(|&&b| b)
        .count()
    }
}

/// What a class (or a principal) stands for, for its description
/// (analysis.md 6.2): every way into it that was kept, how many ways there
/// are, how many combinations it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct What {
    pub ways: Vec<Way>,
    /// Ways not kept in `ways`.
    pub more_ways: u64,
    /// How many combinations the class stands for.
    pub alike: u64,
}

impl What {
    /// Several classes as one line: every way of each (the first
    /// [`WAYS_KEPT`] kept, the others counted), their combinations added.
    pub fn join<'a>(items: impl IntoIterator<Item = &'a What>) -> What {
        let mut out = What {
            ways: Vec::new(),
            more_ways: 0,
            alike: 0,
        };
        for w in items {
            out.alike = out.alike.saturating_add(w.alike);
            out.more_ways = out.more_ways.saturating_add(w.more_ways);
            for way in &w.ways {
                if out.ways.len() < WAYS_KEPT {
                    out.ways.push(way.clone());
                } else {
                    out.more_ways = out.more_ways.saturating_add(1);
                }
            }
        }
        out
    }

    /// How many parts of the principal the rules name in the plainest way
    /// (for putting the simplest classes first).
    pub fn named_parts(&self) -> usize {
        self.ways.iter().map(Way::named_parts).min().unwrap_or(0)
    }

    /// Whether every principal of the class has `user` as its user, and
    /// no other name alike (the asker's own classes, for a suggestion's
    /// impact).
    pub fn only_user(&self, user: &str) -> bool {
        self.more_ways == 0
            && !self.ways.is_empty()
            && self.ways.iter().all(|w| {
                w.witness.user.as_deref() == Some(user)
                    && w.user
                        .as_ref()
                        .is_some_and(|u| u.more == 0 && u.matching.is_empty() && u.named.len() == 1)
            })
    }
}

impl Space {
    /// What a class stands for: each of its kept ways, part by part, by
    /// the entries its values match.
    pub fn what(&self, class: &Class) -> What {
        let ways = class
            .gens
            .iter()
            .map(|g| {
                let [u, h, i, l] = g.map(|x| x as usize);
                let witness = Principal {
                    user: self
                        .parts
                        .users
                        .values
                        .get(u)
                        .and_then(|v| v.0.first().cloned().flatten()),
                    host: self
                        .parts
                        .hosts
                        .values
                        .get(h)
                        .and_then(|v| v.0.first().cloned().flatten()),
                    ip: self
                        .parts
                        .ips
                        .values
                        .get(i)
                        .and_then(|v| v.0.first().copied().flatten()),
                    local_groups: self
                        .parts
                        .local_groups
                        .values
                        .get(l)
                        .and_then(|v| v.0.first().cloned())
                        .unwrap_or_default(),
                };
                let memo = |cell: Option<&std::sync::OnceLock<NamesWhat>>, part, at| match cell {
                    Some(c) => c.get_or_init(|| self.names_what(part, at)).clone(),
                    None => self.names_what(part, at),
                };
                Way {
                    user: (u > 0).then(|| memo(self.parts.user_words.get(u), &self.parts.users, u)),
                    host: (h > 0).then(|| memo(self.parts.host_words.get(h), &self.parts.hosts, h)),
                    ip: (i > 0).then(|| match self.parts.ip_words.get(i) {
                        Some(c) => c.get_or_init(|| self.ips_what(i)).clone(),
                        None => self.ips_what(i),
                    }),
                    local_groups: (l > 0).then(|| {
                        let (sets, count) = &self.parts.local_groups.values[l];
                        GroupsWhat {
                            sets: sets.clone(),
                            more: count.saturating_sub(sets.len() as u64),
                        }
                    }),
                    witness,
                }
            })
            .collect::<Vec<_>>();
        What {
            more_ways: class.ways.saturating_sub(ways.len() as u64),
            ways,
            alike: class.alike,
        }
    }

    fn names_what(&self, part: &Part<Option<String>>, i: usize) -> NamesWhat {
        let (values, count) = &part.values[i];
        // Names that match no pattern are alike to none and not
        // candidates: a candidate is every name only when some pattern
        // matches every name.
        let catch_all = self
            .atoms
            .wildcards
            .iter()
            .any(|w| !w.is_empty() && w.chars().all(|c| c == '*'));
        let mut out = NamesWhat {
            any: catch_all && part.is_all(i),
            ..NamesWhat::default()
        };
        for n in values.iter().flatten() {
            match self.atoms.literal(n) {
                Some(l) => out.named.push(l.to_string()),
                None => out.matching.push(
                    self.atoms
                        .wildcards_matching_written(n)
                        .into_iter()
                        .map(String::from)
                        .collect(),
                ),
            }
        }
        out.more = count.saturating_sub(values.len() as u64);
        out
    }

    fn ips_what(&self, i: usize) -> IpsWhat {
        let (values, count) = &self.parts.ips.values[i];
        let mut entries: Vec<Vec<String>> = Vec::new();
        for ip in values.iter().flatten() {
            let e: Vec<String> = self
                .atoms
                .ip_entries(*ip)
                .into_iter()
                .map(String::from)
                .collect();
            if !entries.contains(&e) {
                entries.push(e);
            }
        }
        IpsWhat {
            entries,
            more: count.saturating_sub(values.len() as u64),
            any: self.parts.ips.is_all(i),
        }
    }

    /// What one principal is to the rules of the feature, as a class of
    /// one way (for comparing completions and ranking examples).
    pub fn describe_principal(&self, w: &Principal) -> What {
        describe_principal(&self.atoms, w)
    }
}

/// What one principal is to the rules of a feature whose entries are
/// `atoms`, as a class of one way.
pub fn describe_principal(atoms: &Atoms, w: &Principal) -> What {
    let name = |n: &Option<String>| {
        n.as_ref().and_then(|n| match atoms.literal(n) {
            Some(l) => Some(NamesWhat {
                named: vec![l.to_string()],
                ..NamesWhat::default()
            }),
            None => {
                let m: Vec<String> = atoms
                    .wildcards_matching_written(n)
                    .into_iter()
                    .map(String::from)
                    .collect();
                (!m.is_empty()).then(|| NamesWhat {
                    matching: vec![m],
                    ..NamesWhat::default()
                })
            }
        })
    };
    let way = Way {
        user: name(&w.user),
        host: name(&w.host),
        ip: w
            .ip
            .map(|ip| {
                atoms
                    .ip_entries(ip)
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .filter(|e| !e.is_empty())
            .map(|e| IpsWhat {
                entries: vec![e],
                ..IpsWhat::default()
            }),
        local_groups: (!w.local_groups.is_empty()).then(|| GroupsWhat {
            sets: vec![w.local_groups.clone()],
            more: 0,
        }),
        witness: w.clone(),
    };
    What {
        ways: vec![way],
        more_ways: 0,
        alike: 1,
    }
}
