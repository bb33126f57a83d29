//! Near-miss group names (`docs/semantics.md` section 8 point 8): an entry
//! that is not a group but is spelled almost like one.
//!
//! - **Spelling**: equal to a group's NAME after folding case and removing
//!   all white space and punctuation (`CADTeam`, `cad-team`, `CAD  Team`
//!   all near-miss `CAD Team`); checked for every entry, with no
//!   allocation for the entries that cannot be one (a prefilter on the
//!   loose form's first character and length).
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

/// The loose form's first character and length, without building it.
fn shape(s: &str) -> Option<(char, usize)> {
    let mut chars = s.chars().filter(|c| c.is_alphanumeric());
    let first = chars.next()?.to_lowercase().next()?;
    Some((first, 1 + chars.count()))
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
    shapes: HashSet<(char, usize)>,
    /// Each loose form with one character deleted (and whole) → the loose
    /// forms it comes from.
    deletions: HashMap<String, Vec<u32>>,
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
            if let Some(s) = shape(name) {
                n.shapes.insert(s);
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
        if !self.shapes.contains(&shape(entry)?) {
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

/// The string whole and with each one character deleted.
fn deletions(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len() + 1);
    out.push(s.to_string());
    for i in 0..chars.len() {
        let mut d = String::with_capacity(s.len());
        d.extend(chars[..i].iter().chain(&chars[i + 1..]));
        out.push(d);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
