//! Which entries of a list can go (tidy, analysis.md 6.6): those another
//! entry of the same list means again (duplicates) or already covers, as
//! the text shows it (`*`; a wildcard matching an entry's text; an IPv4
//! form holding another's addresses; a group holding the entry at any
//! depth, never through a cycle back to the list's own group).

use std::collections::{HashMap, HashSet};

use crate::model::{Config, EntryList, EntryRef};
use crate::pattern::{Kind, NamePattern, Pattern, fold};

/// Why an entry can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Why {
    /// The same as entry `j` before it.
    Duplicate(usize),
    /// Entry `j` covers it.
    Covered(usize),
}

/// Lists with more entries that cover others than this are checked for
/// duplicates only.
const COVERERS_MAX: usize = 256;

/// The entries of `list` that can go, each with the entry that stays in
/// its place. `principal`: a USERS, EXCEPT_USERS or MEMBERS list (entries
/// cover others); otherwise FEATURES or SERIALNUMBERS, compared exactly.
/// `owner`: the group (position) whose MEMBERS the list is: a group entry
/// that reaches it back (a cycle) covers nothing there, since what it
/// holds depends on the very entries it would remove.
pub(super) fn removable_entries(
    cfg: &Config,
    list: &EntryList,
    principal: bool,
    owner: Option<usize>,
    closures: &Closures<'_>,
) -> Vec<(usize, Why)> {
    let entries: Vec<EntryRef<'_>> = list.iter().collect();
    let mut out: Vec<(usize, Why)> = Vec::new();
    if !principal {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let t = e.text.trim();
            if t.is_empty() {
                continue;
            }
            match first.get(t) {
                Some(&j) => out.push((i, Why::Duplicate(j))),
                None => {
                    first.insert(t, i);
                }
            }
        }
        return out;
    }
    let atoms: Vec<Atom> = entries.iter().map(|e| Atom::of(cfg, e)).collect();
    // Duplicates: the same meaning as an entry before.
    let mut first: HashMap<&Atom, usize> = HashMap::new();
    let mut dup: Vec<Option<usize>> = vec![None; entries.len()];
    for (i, a) in atoms.iter().enumerate() {
        if matches!(a, Atom::Nothing) {
            continue;
        }
        match first.get(a) {
            Some(&j) => dup[i] = Some(j),
            None => {
                first.insert(a, i);
            }
        }
    }
    // Entries that stand for more than themselves, each once.
    let cyclic = |a: &Atom| match (a, owner) {
        (Atom::Group(g), Some(o)) => closures.of(*g).groups.contains(&o),
        _ => false,
    };
    let coverers: Vec<usize> = (0..atoms.len())
        .filter(|&i| dup[i].is_none() && atoms[i].is_broad() && !cyclic(&atoms[i]))
        .collect();
    let check_cover = coverers.len() <= COVERERS_MAX;
    let covers = |f: usize, e: usize| f != e && closures.covers(&atoms[f], &atoms[e]);
    let mut covered: Vec<Option<usize>> = vec![None; entries.len()];
    if check_cover {
        for e in 0..atoms.len() {
            if dup[e].is_some() || matches!(atoms[e], Atom::Nothing) {
                continue;
            }
            // Dominated: covered by an entry it does not cover, or by an
            // equal one before it (equal by meaning but not by text).
            covered[e] = coverers
                .iter()
                .copied()
                .find(|&f| covers(f, e) && (!covers(e, f) || f < e));
        }
        // Keep an entry whose only cover is itself going (a cover that is
        // not transitive in what the text shows).
        for e in 0..atoms.len() {
            if let Some(f) = covered[e]
                && covered[f].is_some()
            {
                let stays = coverers
                    .iter()
                    .copied()
                    .find(|&g| covered[g].is_none() && dup[g].is_none() && covers(g, e));
                covered[e] = stays;
            }
        }
    }
    for i in 0..entries.len() {
        if let Some(j) = dup[i] {
            out.push((i, Why::Duplicate(j)));
        } else if let Some(j) = covered[i] {
            out.push((i, Why::Covered(j)));
        }
    }
    out
}

/// What an entry of a principal list matches, for comparing entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Atom {
    /// `*`.
    Any,
    /// The group at this position in `cfg.groups`.
    Group(usize),
    /// A name, folded; `wildcard` when it has a `*`.
    Name {
        folded: String,
        wildcard: bool,
    },
    LocalGroup(String),
    /// IPv4 addresses from..=to.
    V4(u32, u32),
    V6(std::net::Ipv6Addr),
    /// Matches nobody (malformed IP, CIDR) or is empty: left alone.
    Nothing,
}

impl Atom {
    fn of(cfg: &Config, e: &EntryRef<'_>) -> Atom {
        if e.text.trim().is_empty() {
            return Atom::Nothing;
        }
        if let Some(g) = cfg.group_index.lookup_entry(e) {
            return Atom::Group(g);
        }
        match e.pattern() {
            Pattern::Any => Atom::Any,
            Pattern::LocalGroup(g) => Atom::LocalGroup(fold(g.trim())),
            Pattern::Ip(ip) if crate::pattern::normalize(ip).is_ipv6() => {
                match crate::pattern::normalize(ip) {
                    std::net::IpAddr::V6(v6) => Atom::V6(v6),
                    std::net::IpAddr::V4(_) => Atom::Nothing,
                }
            }
            Pattern::Name(_) => Atom::Name {
                folded: fold(e.text.trim()),
                wildcard: matches!(e.kind, Kind::Name { wildcard: true, .. }),
            },
            p => match p.ipv4_interval() {
                Some((lo, hi)) => Atom::V4(lo, hi),
                None => Atom::Nothing,
            },
        }
    }

    /// Stands for more than one value: it may cover other entries.
    fn is_broad(&self) -> bool {
        match self {
            Atom::Any | Atom::Group(_) => true,
            Atom::Name { wildcard, .. } => *wildcard,
            Atom::V4(lo, hi) => lo < hi,
            _ => false,
        }
    }
}

/// What each group holds at any depth: its entries' atoms (folded) and the
/// groups it reaches, worked out once per group asked.
pub(super) struct Closures<'c> {
    cfg: &'c Config,
    memo: std::cell::RefCell<HashMap<usize, std::rc::Rc<Closure>>>,
}

#[derive(Debug, Default)]
struct Closure {
    atoms: HashSet<Atom>,
    /// Those of `atoms` that stand for more than one value.
    broad: Vec<Atom>,
    groups: HashSet<usize>,
}

impl<'c> Closures<'c> {
    pub(super) fn new(cfg: &'c Config) -> Closures<'c> {
        Closures {
            cfg,
            memo: std::cell::RefCell::new(HashMap::new()),
        }
    }

    fn of(&self, g: usize) -> std::rc::Rc<Closure> {
        if let Some(c) = self.memo.borrow().get(&g) {
            return c.clone();
        }
        let mut c = Closure::default();
        let mut todo = vec![g];
        while let Some(h) = todo.pop() {
            if !c.groups.insert(h) {
                continue;
            }
            if let Some(m) = self.cfg.groups.get(h).and_then(|x| x.members.as_ref()) {
                for e in m.iter() {
                    match Atom::of(self.cfg, &e) {
                        Atom::Group(k) => todo.push(k),
                        Atom::Nothing => {}
                        a => {
                            if a.is_broad() && !c.atoms.contains(&a) {
                                c.broad.push(a.clone());
                            }
                            c.atoms.insert(a);
                        }
                    }
                }
            }
        }
        let c = std::rc::Rc::new(c);
        self.memo.borrow_mut().insert(g, c.clone());
        c
    }

    /// Whether everyone `e` matches, `f` matches too (shown by the text:
    /// `*`; a group holding `e` at any depth; a wildcard matching `e`'s
    /// text, its own `*`s read as letters; an IPv4 form holding `e`'s).
    fn covers(&self, f: &Atom, e: &Atom) -> bool {
        match (f, e) {
            (_, Atom::Nothing) | (Atom::Nothing, _) => false,
            (Atom::Any, _) => true,
            (_, Atom::Any) => false,
            (Atom::Group(gf), Atom::Group(ge)) => gf == ge || self.of(*gf).groups.contains(ge),
            (Atom::Group(gf), a) => {
                let c = self.of(*gf);
                c.atoms.contains(a) || c.broad.iter().any(|x| x != a && self.covers(x, a))
            }
            (_, Atom::Group(_)) => false,
            (
                Atom::Name {
                    folded: pf,
                    wildcard: true,
                },
                Atom::Name { folded, .. },
            ) => NamePattern::new(pf).matches_folded(folded),
            (Atom::Name { folded: a, .. }, Atom::Name { folded: b, .. }) => a == b,
            (Atom::V4(flo, fhi), Atom::V4(lo, hi)) => flo <= lo && hi <= fhi,
            (Atom::V6(a), Atom::V6(b)) => a == b,
            (Atom::LocalGroup(a), Atom::LocalGroup(b)) => a == b,
            _ => false,
        }
    }
}
