//! Checks of meaning over the whole file, run after the per-rule and
//! per-group units of `semantic.rs`: duplicate and unknown top-level keys,
//! exceptions that can never apply, group names, unused groups, cycles,
//! feature spelling and server settings.

use std::fmt::Write as _;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::at_entry;
use super::units::{GroupUnit, RuleUnit, json_inner};
use crate::diag::{Code, Diagnostic, Severity, did_you_mean};
use crate::json::{Node, NodeKind, escape_token};
use crate::model::{Config, GroupIndex};
use crate::pattern::fold;
use crate::spec::{self, GROUPS_KEY, RuleKind};

/// Walks every object and reports keys that appear more than once.
pub(super) fn duplicate_keys(node: &Node, pointer: &str, out: &mut Vec<Diagnostic>) {
    let mut at = pointer.to_string();
    duplicates_in(node, &mut at, out);
}

/// Objects of up to this many members are checked pair by pair, larger
/// ones with a map: a rule or a group has a handful of keys.
const FEW_KEYS: usize = 16;

/// [`duplicate_keys`] under the pointer `at` (put back as it was): a
/// pointer is written only for a duplicate and for a value that holds
/// more (not for every string of a 10 MB file).
fn duplicates_in(node: &Node, at: &mut String, out: &mut Vec<Diagnostic>) {
    // Depth is bounded by the parser (MAX_DEPTH), so recursion is safe.
    let holds_more = |n: &Node| matches!(n.kind, NodeKind::Object(_) | NodeKind::Array(_));
    match &node.kind {
        NodeKind::Object(members) => {
            let counts: Option<HashMap<&str, usize>> = (members.len() > FEW_KEYS).then(|| {
                let mut counts: HashMap<&str, usize> = HashMap::default();
                for m in members {
                    *counts.entry(m.key.as_str()).or_default() += 1;
                }
                counts
            });
            let mut seen: HashMap<&str, usize> = HashMap::default();
            for (i, m) in members.iter().enumerate() {
                let key = m.key.as_str();
                // How many times the key appears, and how many up to here.
                let (n, k) = match &counts {
                    Some(counts) => {
                        let k = seen.entry(key).or_default();
                        *k += 1;
                        (counts.get(key).copied().unwrap_or(1), *k)
                    }
                    None => {
                        let same = |o: &&crate::json::Member| o.key == key;
                        let k = members[..=i].iter().filter(same).count();
                        (k + members[i + 1..].iter().filter(same).count(), k)
                    }
                };
                if k == n && !holds_more(&m.value) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(key));
                if k < n {
                    out.push(Diagnostic::new(
                        Code::DuplicateKey,
                        m.key_span,
                        at.clone(),
                        format!(
                            "\"{}\" appears {n} times in this object; only the last one is used (the server may read it differently). Merge them into one",
                            m.key
                        ),
                    ));
                }
                duplicates_in(&m.value, at, out);
                at.truncate(len);
            }
        }
        NodeKind::Array(items) => {
            for (i, item) in items.iter().enumerate().filter(|(_, n)| holds_more(n)) {
                let len = at.len();
                let _ = write!(at, "/{i}");
                duplicates_in(item, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

pub(super) fn top_level_keys(cfg: &Config, out: &mut Vec<Diagnostic>) {
    for s in &cfg.settings {
        if spec::setting(&s.key).is_some() {
            continue;
        }
        let ptr = format!("/{}", escape_token(&s.key));
        match did_you_mean(&s.key, spec::top_level_keys()) {
            Some(suggestion) => {
                let is_list = RuleKind::from_key(suggestion).is_some() || suggestion == GROUPS_KEY;
                let consequence = if is_list {
                    " The server does not read it, so these rules have no effect."
                } else {
                    ""
                };
                out.push(
                    Diagnostic::new(
                        Code::UnknownKey,
                        s.key_span,
                        ptr,
                        format!(
                            "unknown key \"{}\"; did you mean \"{suggestion}\"?{consequence}",
                            s.key
                        ),
                    )
                    .severity(if is_list {
                        Severity::Error
                    } else {
                        Severity::Warning
                    })
                    .with_fix(
                        format!("rename to \"{suggestion}\""),
                        s.key_span,
                        format!("\"{suggestion}\""),
                    ),
                );
            }
            None => out.push(Diagnostic::new(
                Code::UnknownSetting,
                s.key_span,
                ptr,
                format!(
                    "\"{}\" is not a setting Privy knows; it is kept as it is",
                    s.key
                ),
            )),
        }
    }
}

/// Empty and duplicate group names.
pub(super) fn group_names(cfg: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first_by_name: HashMap<String, usize> = HashMap::default();
    for g in &cfg.groups {
        let Some(name) = g.name.as_deref() else {
            continue; // missing NAME: reported by the schema check
        };
        if name.is_empty() {
            out.push(Diagnostic::new(
                Code::EmptyGroupName,
                g.name_span.unwrap_or(g.span),
                format!("{}/NAME", g.pointer),
                "this group's NAME is empty, so no rule can refer to it".to_string(),
            ));
            continue;
        }
        if let Some(&first) = first_by_name.get(&fold(name)) {
            out.push(Diagnostic::new(
                Code::DuplicateGroup,
                g.name_span.unwrap_or(g.span),
                format!("{}/NAME", g.pointer),
                format!(
                    "a group named \"{name}\" exists already (group {}); Privy uses the first. Merge their MEMBERS",
                    first + 1
                ),
            ));
        } else {
            first_by_name.insert(fold(name), g.index);
        }
    }
    out
}

/// Groups no rule and no other group refers to.
pub(super) fn unused(
    cfg: &Config,
    named: &[bool],
    rules: &[RuleUnit],
    group_units: &[GroupUnit],
) -> Vec<Diagnostic> {
    let mut referenced = vec![false; cfg.groups.len()];
    let all = rules
        .iter()
        .flat_map(RuleUnit::referenced)
        .chain(group_units.iter().flat_map(|u| &u.referenced));
    for &at in all {
        if let Some(r) = referenced.get_mut(at) {
            *r = true;
        }
    }
    let mut out = Vec::new();
    for (at, g) in cfg.groups.iter().enumerate() {
        let Some(name) = g.name.as_deref() else {
            continue;
        };
        if named.get(at).copied().unwrap_or(false) && !referenced[at] {
            out.push(Diagnostic::new(
                Code::UnusedGroup,
                g.name_span.unwrap_or(g.span),
                format!("{}/NAME", g.pointer),
                format!("no rule or group refers to the group \"{name}\""),
            ));
        }
    }
    out
}

/// Finds cycles among groups with an iterative depth-first search and
/// reports each once, naming the whole cycle.
pub(super) fn cycles(cfg: &Config, units: &[GroupUnit], groups: &GroupIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let n = cfg.groups.len().min(units.len());
    let edges: Vec<&[usize]> = units.iter().map(|u| u.edges.as_slice()).collect();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state = vec![0u8; n];
    let mut reported: HashSet<Vec<usize>> = HashSet::default();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        let mut path: Vec<usize> = vec![start];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                        path.push(to);
                    }
                    1 => {
                        let pos = path.iter().position(|&p| p == to).unwrap_or(0);
                        let cycle: Vec<usize> = path[pos..].to_vec();
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if reported.insert(key) {
                            let names: Vec<&str> = cycle
                                .iter()
                                .chain(std::iter::once(&to))
                                .map(|&i| cfg.groups[i].name.as_deref().unwrap_or("?"))
                                .collect();
                            let g = &cfg.groups[node];
                            let span = g.members.as_ref().map_or(g.span, |m| {
                                m.iter()
                                    .find(|e| groups.lookup_entry(e) == Some(to))
                                    .map_or(m.span, |e| m.span_of(&e))
                            });
                            out.push(Diagnostic::new(
                                Code::GroupCycle,
                                span,
                                format!("{}/MEMBERS", g.pointer),
                                format!(
                                    "groups contain each other in a cycle: {}. Evaluation stops at the repeated group",
                                    names.join(" → ")
                                ),
                            ));
                        }
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
                path.pop();
            }
        }
    }
    out
}

pub(super) fn feature_case(cfg: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Spellings of each feature (folded), with how often each is used.
    let mut spellings: HashMap<String, HashMap<&str, usize>> = HashMap::default();
    for rule in cfg.all_rules() {
        if let Some(f) = &rule.features {
            for e in f.iter() {
                if e.text != "*" {
                    *spellings
                        .entry(str::to_lowercase(e.text))
                        .or_default()
                        .entry(e.text)
                        .or_default() += 1;
                }
            }
        }
    }
    for rule in cfg.all_rules() {
        let Some(f) = &rule.features else { continue };
        for e in f.iter() {
            let Some(variants) = spellings.get(&str::to_lowercase(e.text)) else {
                continue;
            };
            if variants.len() < 2 {
                continue;
            }
            // The most used spelling (ties: the upper-case one) is taken as right.
            let best = variants
                .iter()
                .max_by_key(|(s, n)| (**n, s.chars().filter(|c| c.is_uppercase()).count()))
                .map(|(s, _)| *s)
                .unwrap_or(e.text);
            if best != e.text {
                out.push(
                    at_entry(
                        f,
                        &e,
                        Code::FeatureCase,
                        format!(
                            "feature `{}` differs from `{best}` only in case; features are compared exactly, so this rule does not apply to {best}",
                            e.text
                        ),
                    )
                    .with_fix(format!("write `{best}`"), f.span_of(&e), json_inner(best)),
                );
            }
        }
    }
    out
}

pub(super) fn settings(cfg: &Config, out: &mut Vec<Diagnostic>) {
    // IP_VERSION: the vendor names IPv4 and IPv6 only. Another value is
    // one the server cannot use (a warning: the vendor lists no values).
    if let Some(ip) = cfg.setting("IP_VERSION")
        && let Some(v) = ip.value.as_str()
    {
        let known = crate::spec::known_values("IP_VERSION");
        if !known.iter().any(|k| k.eq_ignore_ascii_case(v.trim())) {
            let mut d = Diagnostic::new(
                Code::InvalidChoice,
                ip.value.span,
                "/IP_VERSION",
                format!(
                    "IP_VERSION is {}, which the server cannot use: the vendor names IPv4 and IPv6",
                    serde_json::Value::from(v)
                ),
            )
            .severity(crate::diag::Severity::Warning);
            // Certain only when the digit says which.
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            let fix = match digits.as_str() {
                "4" => Some("IPv4"),
                "6" => Some("IPv6"),
                _ => None,
            };
            if let Some(f) = fix {
                d = d.with_fix(format!("write {f}"), ip.value.span, format!("\"{f}\""));
            }
            out.push(d);
        }
    }
    let Some(http) = cfg.setting("HTTP_PORT") else {
        return;
    };
    let on = match &http.value.kind {
        NodeKind::Number(n) => n.value != 0.0,
        _ => false,
    };
    let has_password = cfg
        .setting("ADMIN_PASSWORD")
        .and_then(|s| s.value.as_str())
        .is_some_and(|p| !p.is_empty());
    if on && !has_password {
        out.push(Diagnostic::new(
            Code::MonitorWithoutPassword,
            http.value.span,
            "/HTTP_PORT",
            "the License Monitor is on (HTTP_PORT is not 0) but no ADMIN_PASSWORD is set; set one, or set HTTP_PORT to 0 to turn the monitor off",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `duplicate_keys` as first written (two maps and a pointer for every
    /// member): the oracle.
    fn by_maps(node: &Node, pointer: &str, out: &mut Vec<Diagnostic>) {
        match &node.kind {
            NodeKind::Object(members) => {
                let mut counts: HashMap<&str, usize> = HashMap::default();
                for m in members {
                    *counts.entry(m.key.as_str()).or_default() += 1;
                }
                let mut seen: HashMap<&str, usize> = HashMap::default();
                for m in members {
                    let n = counts.get(m.key.as_str()).copied().unwrap_or(1);
                    let k = seen.entry(m.key.as_str()).or_default();
                    *k += 1;
                    let child = format!("{pointer}/{}", escape_token(&m.key));
                    if *k < n {
                        out.push(Diagnostic::new(
                            Code::DuplicateKey,
                            m.key_span,
                            child.clone(),
                            format!(
                                "\"{}\" appears {n} times in this object; only the last one is used (the server may read it differently). Merge them into one",
                                m.key
                            ),
                        ));
                    }
                    by_maps(&m.value, &child, out);
                }
            }
            NodeKind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    by_maps(item, &format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// JSON text of objects with few or many keys (some repeated, some
    /// with `/` and `~`), arrays and scalars, nested.
    fn json() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![Just("1".to_string()), Just("\"x\"".to_string())];
        leaf.prop_recursive(4, 64, 24, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec(
                    (
                        prop_oneof![Just("a"), Just("b"), Just("a/b"), Just("~c"), Just("d")],
                        inner
                    ),
                    0..24,
                )
                .prop_map(|v| {
                    let m: Vec<String> = v.iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                    format!("{{{}}}", m.join(","))
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn duplicates_found_pair_by_pair_are_those_the_maps_find(text in json()) {
            let parsed = crate::json::parse::parse(&text);
            let root = parsed.root.as_ref().expect("generated JSON parses");
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            duplicate_keys(root, "", &mut fast);
            by_maps(root, "", &mut slow);
            prop_assert_eq!(fast, slow);
        }
    }
}
