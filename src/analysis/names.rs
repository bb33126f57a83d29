//! Every way one name can meet a file's name patterns.
//!
//! A name entry (`anna`, `PC*`, `*CAD`) is compared with the user and with
//! the host, case folded. Two names that match exactly the same entries are
//! alike for every decision. This module finds one name for each set of
//! entries that some name matches at once, and says when it could not.
//!
//! Literal names are their own witnesses. For the rest it explores the
//! product of the wildcard patterns' automata (a set of positions in each
//! pattern is one state) together with the trie of the literal names, so
//! that a name that happens to be one of the literals is never taken for a
//! name the file does not name: `PC*` and `*CAD` together give `pc~cad`,
//! three patterns that can only meet in one name give it too. The states
//! are explored breadth first, so each witness is among the shortest.

use std::collections::HashMap;

/// What the exploration found.
#[derive(Debug, Clone, Default)]
pub struct NameClasses {
    /// One name per set of wildcard patterns some unnamed name matches (the
    /// empty set left out: such a name is alike to no name at all).
    pub unnamed: Vec<String>,
    /// False when the exploration stopped at its budget of states.
    pub complete: bool,
    /// Automaton states explored.
    pub states: usize,
    /// Names still waiting to be explored when it stopped (0 when
    /// complete): a low estimate of the name classes not found.
    pub pending: usize,
}

struct Trie {
    /// Children by character, sorted; whether a literal ends here.
    nodes: Vec<(Vec<(char, u32)>, bool)>,
}

impl Trie {
    fn new(literals: &[String]) -> Trie {
        let mut nodes: Vec<(Vec<(char, u32)>, bool)> = vec![(Vec::new(), false)];
        for l in literals {
            let mut at = 0usize;
            for c in l.chars() {
                let next = match nodes[at].0.binary_search_by_key(&c, |&(k, _)| k) {
                    Ok(i) => nodes[at].0[i].1 as usize,
                    Err(i) => {
                        let id = nodes.len();
                        nodes.push((Vec::new(), false));
                        nodes[at].0.insert(i, (c, id as u32));
                        id
                    }
                };
                at = next;
            }
            nodes[at].1 = true;
        }
        Trie { nodes }
    }
}

/// The wildcard patterns as automata over characters; a state is the set
/// of (pattern, position) pairs reachable, interned.
struct Product {
    patterns: Vec<Vec<char>>,
    /// Characters that appear in a pattern, then one that appears nowhere.
    alphabet: Vec<char>,
    index_of: HashMap<char, usize>,
    states: Vec<Vec<(u32, u32)>>,
    ids: HashMap<Vec<(u32, u32)>, u32>,
    /// Transitions by state and alphabet position (`u32::MAX`: unknown).
    delta: Vec<Vec<u32>>,
    /// Bytes the states and transitions hold (each state's set twice: in
    /// `states` and as a key of `ids`), for the memory budget.
    bytes: usize,
}

impl Product {
    fn new(patterns: &[String], other: char) -> Product {
        let patterns: Vec<Vec<char>> = patterns.iter().map(|p| p.chars().collect()).collect();
        let mut alphabet: Vec<char> = patterns
            .iter()
            .flatten()
            .copied()
            .filter(|&c| c != '*')
            .collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        alphabet.push(other);
        let index_of = alphabet.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let mut p = Product {
            patterns,
            alphabet,
            index_of,
            states: Vec::new(),
            ids: HashMap::new(),
            delta: Vec::new(),
            bytes: 0,
        };
        let mut start = Vec::new();
        for i in 0..p.patterns.len() {
            p.close(i as u32, 0, &mut start);
        }
        p.intern(start);
        p
    }

    /// Adds position `pos` of pattern `i` and what `*` lets it skip to.
    fn close(&self, i: u32, mut pos: u32, out: &mut Vec<(u32, u32)>) {
        let chars = &self.patterns[i as usize];
        loop {
            out.push((i, pos));
            if chars.get(pos as usize) == Some(&'*') {
                pos += 1;
            } else {
                break;
            }
        }
    }

    fn intern(&mut self, mut set: Vec<(u32, u32)>) -> u32 {
        set.sort_unstable();
        set.dedup();
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = self.states.len() as u32;
        // Two copies of the set, a transition row, and the containers'
        // own overhead (a vector head and a map slot each).
        self.bytes += 2 * set.len() * std::mem::size_of::<(u32, u32)>()
            + self.alphabet.len() * std::mem::size_of::<u32>()
            + 4 * std::mem::size_of::<Vec<u32>>();
        self.ids.insert(set.clone(), id);
        self.states.push(set);
        self.delta.push(vec![u32::MAX; self.alphabet.len()]);
        id
    }

    /// The alphabet position of `c` (characters in no pattern are alike).
    fn position(&self, c: char) -> usize {
        self.index_of
            .get(&c)
            .copied()
            .unwrap_or(self.alphabet.len() - 1)
    }

    fn step(&mut self, state: u32, a: usize) -> u32 {
        let known = self.delta[state as usize][a];
        if known != u32::MAX {
            return known;
        }
        let c = self.alphabet[a];
        let mut next = Vec::new();
        let here = std::mem::take(&mut self.states[state as usize]);
        for &(i, pos) in &here {
            match self.patterns[i as usize].get(pos as usize) {
                Some('*') => self.close(i, pos, &mut next),
                Some(&k) if k == c => self.close(i, pos + 1, &mut next),
                _ => {}
            }
        }
        self.states[state as usize] = here;
        let id = self.intern(next);
        self.delta[state as usize][a] = id;
        id
    }

    /// The patterns a state accepts, as indices.
    fn accepts(&self, state: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self.states[state as usize]
            .iter()
            .filter(|&&(i, pos)| pos as usize == self.patterns[i as usize].len())
            .map(|&(i, _)| i)
            .collect();
        out.dedup();
        out
    }
}

/// A character in none of the texts, for "any other character".
fn unused_char(texts: &[&[String]]) -> char {
    let used: std::collections::HashSet<char> = texts
        .iter()
        .flat_map(|t| t.iter())
        .flat_map(|s| s.chars())
        .collect();
    "xqzkjvwy0123456789abcdefghilmnoprstu"
        .chars()
        .chain((0x4e00u32..0x4f00).filter_map(char::from_u32))
        .find(|c| !used.contains(c))
        .unwrap_or('\u{4e00}')
}

/// One name for each set of `wildcards` (folded, with `*`) that a name
/// outside `literals` (folded) matches at once, the empty set aside. Stops
/// after `budget` automaton states (`complete` false).
pub fn unnamed_classes(literals: &[String], wildcards: &[String], budget: usize) -> NameClasses {
    unnamed_classes_within(literals, wildcards, budget, usize::MAX, None)
}

/// [`unnamed_classes`] that also stops (`complete` false) when what it
/// holds (the product's states, the queue, the names found) would pass
/// `bytes`, or at `deadline`: patterns that can all meet in one name
/// (`*0x*;*1x*;…`) have exponentially many sets, and each state of their
/// product is as large as the pattern list.
pub fn unnamed_classes_within(
    literals: &[String],
    wildcards: &[String],
    budget: usize,
    bytes: usize,
    deadline: Option<std::time::Instant>,
) -> NameClasses {
    if wildcards.is_empty() {
        return NameClasses {
            unnamed: Vec::new(),
            complete: true,
            states: 0,
            pending: 0,
        };
    }
    let other = unused_char(&[literals, wildcards]);
    let mut product = Product::new(wildcards, other);
    let trie = Trie::new(literals);
    let letters = product.alphabet.len();
    let mut found: HashMap<Vec<u32>, String> = HashMap::new();
    // Dead-trie states seen, and per state the letters already followed
    // out of the trie.
    let mut seen_dead: Vec<bool> = Vec::new();
    let mut left: Vec<Vec<bool>> = Vec::new();
    let mut queue: std::collections::VecDeque<(Option<u32>, u32, String)> =
        std::collections::VecDeque::new();
    queue.push_back((Some(0), 0, String::new()));
    let mut states = 0usize;
    let mut complete = true;
    let mark = |v: &mut Vec<bool>, i: u32| {
        if v.len() <= i as usize {
            v.resize(i as usize + 1, false);
        }
        !std::mem::replace(&mut v[i as usize], true)
    };
    // Bytes of the queue's names and of the names found, kept as they
    // change (the product counts its own).
    let mut held = 0usize;
    while let Some((node, w, name)) = queue.pop_front() {
        held = held.saturating_sub(name.len());
        states += 1;
        if states > budget
            || product
                .bytes
                .saturating_add(held)
                .saturating_add(queue.len() * 48)
                > bytes
            || (states.is_multiple_of(1024)
                && deadline.is_some_and(|d| std::time::Instant::now() >= d))
        {
            complete = false;
            break;
        }
        let terminal = node.is_some_and(|n| trie.nodes[n as usize].1);
        if !name.is_empty() && !terminal {
            let acc = product.accepts(w);
            if !acc.is_empty() && !found.contains_key(&acc) {
                held += name.len() + acc.len() * 4 + 64;
                found.insert(acc, name.clone());
            }
        }
        match node {
            Some(n) => {
                let children = trie.nodes[n as usize].0.clone();
                for &(c, child) in &children {
                    let a = product.position(c);
                    let w2 = product.step(w, a);
                    let mut s = name.clone();
                    s.push(c);
                    held += s.len();
                    queue.push_back((Some(child), w2, s));
                }
                if left.len() <= w as usize {
                    left.resize(w as usize + 1, Vec::new());
                }
                if left[w as usize].is_empty() {
                    left[w as usize] = vec![false; letters];
                }
                // By position: the alphabet and the marks are read together.
                #[allow(clippy::needless_range_loop)]
                for a in 0..letters {
                    let c = product.alphabet[a];
                    if children.binary_search_by_key(&c, |&(k, _)| k).is_ok() || left[w as usize][a]
                    {
                        continue;
                    }
                    left[w as usize][a] = true;
                    let w2 = product.step(w, a);
                    if mark(&mut seen_dead, w2) {
                        let mut s = name.clone();
                        s.push(c);
                        held += s.len();
                        queue.push_back((None, w2, s));
                    }
                }
            }
            None => {
                for a in 0..letters {
                    let w2 = product.step(w, a);
                    if mark(&mut seen_dead, w2) {
                        let mut s = name.clone();
                        s.push(product.alphabet[a]);
                        held += s.len();
                        queue.push_back((None, w2, s));
                    }
                }
            }
        }
    }
    let mut unnamed: Vec<String> = found.into_values().collect();
    unnamed.sort_by(|a, b| (a.chars().count(), a).cmp(&(b.chars().count(), b)));
    NameClasses {
        unnamed,
        complete,
        states,
        pending: if complete { 0 } else { queue.len().max(1) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::NamePattern;

    fn sig(name: &str, patterns: &[String]) -> Vec<usize> {
        patterns
            .iter()
            .enumerate()
            .filter(|(_, p)| NamePattern::new(p).matches_folded(name))
            .map(|(i, _)| i)
            .collect()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn two_and_three_patterns_meet() {
        let w = strings(&["pc*", "*cad", "*x*"]);
        let got = unnamed_classes(&[], &w, 10_000);
        assert!(got.complete);
        let sigs: std::collections::HashSet<Vec<usize>> =
            got.unnamed.iter().map(|n| sig(n, &w)).collect();
        for want in [
            vec![0],
            vec![1],
            vec![2],
            vec![0, 1],
            vec![0, 2],
            vec![1, 2],
            vec![0, 1, 2],
        ] {
            assert!(sigs.contains(&want), "{want:?} in {:?}", got.unnamed);
        }
    }

    #[test]
    fn a_literal_is_not_taken_for_an_unnamed_name() {
        // `pc1` is the only short name matching both; it is a literal, so the
        // unnamed witness of {pc*, *1} must be another name.
        let w = strings(&["pc*", "*1"]);
        let got = unnamed_classes(&strings(&["pc1"]), &w, 10_000);
        let both: Vec<&String> = got
            .unnamed
            .iter()
            .filter(|n| sig(n, &w) == vec![0, 1])
            .collect();
        assert_eq!(both.len(), 1);
        assert_ne!(both[0], "pc1");
        // Each witness matches exactly its set and no two share one.
        let sigs: Vec<Vec<usize>> = got.unnamed.iter().map(|n| sig(n, &w)).collect();
        let mut uniq = sigs.clone();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), sigs.len());
    }

    #[test]
    fn a_pattern_that_only_literals_reach_has_no_unnamed_class() {
        // Only `ab` matches `a*b` with length 2, but longer names do too.
        let w = strings(&["ab*"]);
        let got = unnamed_classes(&strings(&["ab"]), &w, 1000);
        assert_eq!(got.unnamed.len(), 1);
        assert_ne!(got.unnamed[0], "ab");
    }

    #[test]
    fn the_budget_is_said() {
        let w: Vec<String> = (0..30).map(|i| format!("*{i}*")).collect();
        let got = unnamed_classes(&[], &w, 50);
        assert!(!got.complete);
    }
}
