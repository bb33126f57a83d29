//! Near-miss group names (`docs/semantics.md` section 8 point 8): an entry
//! that is not a group but is spelled almost like one.
//!
//! - **Spelling**: equal to a group's NAME after folding case and removing
//!   all white space and punctuation (`CADTeam`, `cad-team`, `CAD  Team`
//!   all near-miss `CAD Team`); checked for every entry, with no
//!   allocation for the entries that cannot be one (a prefilter on a hash
//!   of the loose form, worked out without building it).
//! - **Typing**: within edit distance 2 of a group's loose form (1 when
//!   either is shorter than 5 characters), `Contractorz` for
//!   `Contractors`; checked for the entries of rules' USERS and
//!   EXCEPT_USERS (where a misspelt group silently disables a rule), found
//!   through an index of the names with one character deleted (a symmetric
//!   deletion index: every pair one substitution, insertion, deletion or
//!   transposition apart meets in it; two edits are found when they also
//!   meet, and each candidate is confirmed by its edit distance: false
//!   alarms are worse than misses).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Folded, without white space and punctuation: "CAD-Team" → "cadteam".
pub(super) fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// FNV-1a: where a hash starts, and one step of it.
const FNV_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
fn fnv(h: u64, unit: u64) -> u64 {
    (h ^ unit).wrapping_mul(0x0100_0000_01b3)
}

/// A hash of the loose form, worked out without building it (for ASCII
/// text): most entries are no group, and this rules them out with one
/// look-up and no allocation.
fn loose_hash(s: &str) -> u64 {
    // FNV-1a over the loose form's bytes.
    let step = |h: u64, b: u8| fnv(h, u64::from(b));
    let mut h = FNV_BASIS;
    for &b in s.as_bytes() {
        if !b.is_ascii() {
            return loose(s).bytes().fold(FNV_BASIS, step);
        }
        if b.is_ascii_alphanumeric() {
            h = step(h, b.to_ascii_lowercase());
        }
    }
    h
}

/// The first two bytes of a loose form, when they are ASCII (a form of
/// one character has 0 second).
fn pair_of(loose: &str) -> Option<u16> {
    match loose.as_bytes() {
        [a, rest @ ..] if a.is_ascii() => match rest.first() {
            None => Some(u16::from(*a) << 8),
            Some(b) if b.is_ascii() => Some(u16::from(*a) << 8 | u16::from(*b)),
            Some(_) => None,
        },
        _ => None,
    }
}

/// What the loose form of an entry starts with, read from the entry.
enum Start {
    /// Its first two bytes (see [`pair_of`]).
    Pair(u16),
    /// It is empty.
    Empty,
    /// A character beyond ASCII comes first: it must be built to tell.
    Unknown,
}

fn start_of(entry: &str) -> Start {
    let mut first: Option<u8> = None;
    for &b in entry.as_bytes() {
        if !b.is_ascii() {
            return Start::Unknown;
        }
        if b.is_ascii_alphanumeric() {
            let b = b.to_ascii_lowercase();
            match first {
                None => first = Some(b),
                Some(a) => return Start::Pair(u16::from(a) << 8 | u16::from(b)),
            }
        }
    }
    first.map_or(Start::Empty, |a| Start::Pair(u16::from(a) << 8))
}

/// What an entry is, next to the groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Near<'a> {
    /// The same as the group's NAME but for case, space or punctuation.
    Spelling(&'a str),
    /// A short edit away from the group's NAME.
    Typing(&'a str),
}

/// The group names, made loose and indexed.
#[derive(Debug, Clone, Default)]
pub(super) struct NearGroups {
    /// Loose form → the NAME as written (the first group wins, as in
    /// `GroupIndex`).
    loose: HashMap<String, String>,
    /// [`pair_of`] of every loose form, a bit each of 2^16 (empty when
    /// there are no groups).
    pairs: Vec<u64>,
    /// [`loose_hash`] of every loose form.
    hashes: HashSet<u64>,
    /// A hash of each loose form with one character deleted (and whole) →
    /// the loose forms it comes from (a hash that two strings share only
    /// adds a candidate, which its edit distance then rules out).
    deletions: HashMap<u64, Vec<u32>>,
    forms: Vec<String>,
}

impl NearGroups {
    pub(super) fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NearGroups {
        let mut n = NearGroups::default();
        for name in names {
            let l = loose(name);
            if l.is_empty() || n.loose.contains_key(&l) {
                continue;
            }
            n.hashes.insert(loose_hash(&l));
            if let Some(p) = pair_of(&l) {
                n.pairs.resize(1 << 10, 0);
                n.pairs[usize::from(p >> 6)] |= 1 << (p & 63);
            }
            let at = n.forms.len() as u32;
            for d in deletions(&l) {
                n.deletions.entry(d).or_default().push(at);
            }
            n.forms.push(l.clone());
            n.loose.insert(l, name.to_string());
        }
        n
    }

    /// The group's NAME as written for an entry that is that group.
    pub(super) fn written(&self, entry: &str) -> Option<&str> {
        // Most entries are told apart by their first two letters; the rest
        // by a hash; what is left by its loose form.
        match start_of(entry) {
            Start::Empty => return None,
            Start::Pair(p)
                if self
                    .pairs
                    .get(usize::from(p >> 6))
                    .is_none_or(|w| w & (1 << (p & 63)) == 0) =>
            {
                return None;
            }
            _ => {}
        }
        if !self.hashes.contains(&loose_hash(entry)) {
            return None;
        }
        self.loose.get(&loose(entry)).map(String::as_str)
    }

    /// Whether an entry that is not a group is spelled almost like one
    /// (`typing`: also look for short edits).
    pub(super) fn near(&self, entry: &str, typing: bool) -> Option<Near<'_>> {
        if let Some(name) = self.written(entry) {
            return Some(Near::Spelling(name));
        }
        if !typing || self.forms.is_empty() {
            return None;
        }
        let l = loose(entry);
        let n = l.chars().count();
        if n < 2 {
            return None;
        }
        let mut best: Option<(usize, u32)> = None;
        for d in deletions(&l) {
            for &at in self.deletions.get(&d).into_iter().flatten() {
                let form = &self.forms[at as usize];
                let limit = if n.min(form.chars().count()) < 5 {
                    1
                } else {
                    2
                };
                let dist = strsim::damerau_levenshtein(&l, form);
                if dist <= limit && best.is_none_or(|(b, _)| dist < b) {
                    best = Some((dist, at));
                }
            }
        }
        best.map(|(_, at)| Near::Typing(self.loose[&self.forms[at as usize]].as_str()))
    }
}

/// Hashes of the string whole and with each one character deleted, each
/// once (no string is built: a file has thousands of group names).
fn deletions(s: &str) -> Vec<u64> {
    let chars: Vec<char> = s.chars().collect();
    let hash = |skip: usize| {
        chars
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != skip)
            .fold(FNV_BASIS, |h, (_, &c)| fnv(h, u64::from(c)))
    };
    let mut out: Vec<u64> = (0..=chars.len()).map(hash).collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_of_an_entry_is_the_hash_of_its_loose_form() {
        for e in [
            "CAD-Team",
            "cad team",
            "Straße 1",
            "ÉQUIPE",
            "",
            "--",
            "a1_B2",
        ] {
            let direct = loose(e)
                .bytes()
                .fold(FNV_BASIS, |h, b| fnv(h, u64::from(b)));
            assert_eq!(loose_hash(e), direct, "{e}");
            assert_eq!(loose_hash(e), loose_hash(&loose(e)), "{e}");
        }
    }

    #[test]
    fn an_entry_starts_as_its_loose_form_does() {
        for e in [
            "CAD-Team",
            "-a",
            "a",
            "a-",
            "Ab1",
            "Straße",
            "éa",
            "a é",
            "--",
            "",
            "\u{212a}ops",
        ] {
            let l = loose(e);
            match start_of(e) {
                Start::Pair(p) => assert_eq!(Some(p), pair_of(&l), "{e}"),
                Start::Empty => assert!(l.is_empty(), "{e}"),
                Start::Unknown => assert!(!e.is_ascii(), "{e}"),
            }
        }
        // The Kelvin sign folds to an ASCII k: such a group is found from
        // an ASCII entry, through its pair.
        let g = NearGroups::new(["\u{212a}-Ops"]);
        assert_eq!(g.written("KOPS"), Some("\u{212a}-Ops"));
        assert_eq!(g.written("k ops"), Some("\u{212a}-Ops"));
        assert_eq!(g.written("kopz"), None);
    }

    #[test]
    fn near_misses_and_what_is_not_one() {
        let g = NearGroups::new(["CAD Team", "Contractors", "Ops"]);
        for e in ["CADTeam", "cad-team", "CAD  Team", "cad_team"] {
            assert_eq!(g.near(e, false), Some(Near::Spelling("CAD Team")), "{e}");
        }
        assert_eq!(
            g.near("Contractorz", true),
            Some(Near::Typing("Contractors"))
        );
        assert_eq!(
            g.near("Contarctors", true),
            Some(Near::Typing("Contractors"))
        );
        assert_eq!(
            g.near("Contractorz", false),
            None,
            "typing only where asked"
        );
        assert_eq!(g.near("Opz", true), Some(Near::Typing("Ops")));
        // Two deletions apart never meet in the index: a miss, not a
        // false alarm. Short names two edits away are not near.
        assert_eq!(g.near("Contracts", true), None);
        assert_eq!(g.near("Oxz", true), None);
        assert_eq!(g.near("anna", true), None);
        assert_eq!(g.near("Team", true), None);
    }
}
