//! Tidy (analysis.md 6.6): a clean-up of a rule file proven not to change
//! anyone's access.
//!
//! The edits, each a removal spliced out of the text so that every other
//! byte stays as it was:
//! - an entry listed twice in one list (the first stays);
//! - an entry another entry of the same list already covers (`anna` beside
//!   `*`, `PC1` beside `PC*`, `10.0.0.7` beside `10.0.0.1-9`, a member a
//!   group of the same list already holds at any depth);
//! - the rules the findings prove have no effect, as a set that can go
//!   together (allow and deny rules, borrow limits by HOURS: what decides
//!   the same whatever the pool holds); a COUNT limit only when an
//!   identical limit stays, reservations never;
//! - groups nothing references once the above are gone;
//! - empty presets, only when asked.
//!
//! The proof: the access diff between the file and the tidied file must be
//! exhaustive and empty; otherwise the rule removals are left out and the
//! rest proven again, and when that fails too nothing is offered.
//!
//! `cover.rs`: which entries of a list another entry already covers.

mod cover;

use cover::{Closures, Why, removable_entries};

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use super::diff::{Versions, diff};
use super::effect::{self, Findings};
use super::space::Budget;
use crate::json::Span;
use crate::model::{Config, EntryList};
use crate::rule_id::RuleId;
use crate::spec::{Effect, RuleKind};

/// What an edit removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// An entry listed twice in one list: `first` is the one that stays.
    DuplicateEntry {
        list: ListPlace,
        entry: String,
        first: String,
    },
    /// An entry that `by`, in the same list, already covers.
    CoveredEntry {
        list: ListPlace,
        entry: String,
        by: String,
    },
    /// A rule with no effect, and how that is known.
    NoEffectRule { rule: RuleId, why: RuleWhy },
    /// A group nothing references.
    UnusedGroup { index: usize, name: Option<String> },
    /// A rule whose keys are all empty.
    EmptyPreset { rule: RuleId },
}

impl Removal {
    /// The contract's name for the kind of edit.
    pub fn kind(&self) -> &'static str {
        match self {
            Removal::DuplicateEntry { .. } => "duplicate-entry",
            Removal::CoveredEntry { .. } => "covered-entry",
            Removal::NoEffectRule { .. } => "no-effect",
            Removal::UnusedGroup { .. } => "unused-group",
            Removal::EmptyPreset { .. } => "empty-preset",
        }
    }

    fn is_rule(&self) -> bool {
        matches!(self, Removal::NoEffectRule { .. })
    }
}

/// Where a list is: the rule or group it belongs to, and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPlace {
    pub owner: Owner,
    pub field: &'static str,
}

/// What holds a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Rule(RuleId),
    /// A group, by its NAME.
    Group(Option<String>),
}

/// How a rule is known to have no effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleWhy {
    /// The findings prove it, as they say.
    Proven(effect::NoEffect),
    /// A COUNT limit identical to one above it that stays.
    IdenticalLimit(RuleKind),
    /// The findings of the file tidied of the other rules prove it: it only
    /// undid what they did.
    AfterOthers,
}

/// One edit: the bytes it takes out of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TidyEdit {
    pub removal: Removal,
    /// What is removed (the entry or item and one separator beside it);
    /// the edits of one file never overlap.
    pub span: Span,
    /// The entry or item itself (where to show the edit).
    pub place: Span,
}

/// How the proof went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// Nothing to tidy: nothing to prove.
    Nothing,
    /// The access diff is exhaustive and empty over `classes` principal
    /// classes.
    Holds { classes: u64, took: Duration },
    /// The diff stopped at its budget: nothing is offered.
    Stopped { examined: u64, left: u64 },
    /// The diff found changes (a bug in the edits' choice): nothing is
    /// offered.
    Fails { changes: usize },
}

/// What to tidy.
#[derive(Debug, Clone, Copy, Default)]
pub struct TidyOptions {
    /// Remove empty presets too (kept by default: the vendor's default
    /// file ships them as templates).
    pub drop_presets: bool,
}

/// The tidy of a file: the edits offered (none unless proven) and the
/// proof.
#[derive(Debug, Clone)]
pub struct Tidy {
    pub edits: Vec<TidyEdit>,
    pub proof: Proof,
    /// Rule removals were found but left out: the proof failed with them
    /// (or the findings did not finish), and held without.
    pub rules_left_out: bool,
    /// The findings did not examine every rule: some rules with no effect
    /// may not be among the edits.
    pub findings_partial: bool,
}

impl Tidy {
    /// The text with every edit applied.
    pub fn apply(&self, text: &str) -> String {
        apply(text, &self.edits)
    }
}

/// The edits as one splice of `text`: from the first edit's start to the
/// last one's end, replaced by what is left of it (one undo step, one
/// write). `None` without edits.
pub fn as_one_edit(text: &str, edits: &[TidyEdit]) -> Option<crate::json::parse::TextEdit> {
    let first = edits.iter().map(|e| e.span.start).min()?;
    let last = edits.iter().map(|e| e.span.end).max()?;
    let tidied = apply(text, edits);
    let tail = text.len().checked_sub(last)?;
    let replacement = tidied
        .get(first..tidied.len().checked_sub(tail)?)?
        .to_string();
    Some(crate::json::parse::TextEdit {
        span: Span::new(first, last),
        replacement,
    })
}

/// `text` with `edits` (which never overlap) taken out.
pub fn apply(text: &str, edits: &[TidyEdit]) -> String {
    let mut spans: Vec<Span> = edits.iter().map(|e| e.span).collect();
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        if s.start < at || s.end > text.len() {
            continue;
        }
        out.push_str(&text[at..s.start]);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Tidies the file read as `parsed` and `cfg` (its text `text`): the edits,
/// proven within `time` for the findings and as long again for the proof.
pub fn tidy(
    text: &str,
    parsed: &crate::json::parse::Parsed,
    cfg: &Config,
    options: TidyOptions,
    time: Duration,
) -> Tidy {
    let findings = effect::of_document_within(parsed, cfg, time);
    let mut findings_partial = !findings.exhaustive;
    let mut proven = effect_notes(&findings);
    let mut all = plan(text, parsed, cfg, &proven, options);
    // Rules that do something only against a rule that goes (an allow rule
    // for nobody beside one for everyone): the findings of the tidied file
    // name them; they go too, so that one pass is complete.
    // The tidied file last read, for the edits it was read with.
    let mut read: Option<(Vec<TidyEdit>, crate::document::Version)> = None;
    for _ in 0..MORE_PASSES {
        if !all.iter().any(|e| e.removal.is_rule()) {
            break;
        }
        // Each pass has the whole budget: a pass cut short would leave rules
        // a second pass could take.
        let left = time;
        let tidied = crate::document::Version::from_text(apply(text, &all));
        let again = effect::of_document_within(tidied.parsed(), tidied.config(), left);
        findings_partial |= !again.exhaustive;
        let map = positions_after(parsed, cfg, &all);
        let mut more = false;
        for n in &again.no_effect {
            if let Some(id) = map.get(&n.rule)
                && !proven.contains_key(id)
            {
                proven.insert(*id, RuleWhy::AfterOthers);
                more = true;
            }
        }
        if !more {
            read = Some((all.clone(), tidied));
            break;
        }
        all = plan(text, parsed, cfg, &proven, options);
    }
    let mut out = Tidy {
        edits: Vec::new(),
        proof: Proof::Nothing,
        rules_left_out: false,
        findings_partial,
    };
    if all.is_empty() {
        return out;
    }
    let proof = match read {
        Some((edits, tidied)) if edits == all => {
            prove_against(cfg, tidied.config(), Instant::now(), time)
        }
        _ => prove(text, cfg, &all, time),
    };
    if matches!(proof, Proof::Holds { .. }) {
        out.edits = all;
        out.proof = proof;
        return out;
    }
    // Without the rule removals (and the groups only they left unused).
    let fewer = plan(text, parsed, cfg, &HashMap::new(), options);
    if !fewer.is_empty() && all.iter().any(|e| e.removal.is_rule()) {
        let again = prove(text, cfg, &fewer, time);
        if matches!(again, Proof::Holds { .. }) {
            out.edits = fewer;
            out.proof = again;
            out.rules_left_out = true;
            return out;
        }
    }
    out.proof = proof;
    out
}

/// How many more times the findings are asked of the tidied file.
const MORE_PASSES: usize = 3;

/// For each rule of the file tidied by `edits`, its id in the file itself:
/// a rule's position in its list, less the items removed before it.
fn positions_after(
    parsed: &crate::json::parse::Parsed,
    cfg: &Config,
    edits: &[TidyEdit],
) -> HashMap<RuleId, RuleId> {
    let gone: HashSet<RuleId> = edits
        .iter()
        .filter_map(|e| match e.removal {
            Removal::NoEffectRule { rule, .. } | Removal::EmptyPreset { rule } => Some(rule),
            _ => None,
        })
        .collect();
    let mut out = HashMap::new();
    for kind in RuleKind::ALL {
        let len = parsed
            .root
            .as_ref()
            .and_then(|r| r.pointer(&format!("/{}", kind.key())))
            .and_then(|n| n.as_array())
            .map_or(0, |a| a.len());
        let mut after = 0;
        for i in 0..len {
            let id = RuleId::new(kind, i);
            if gone.contains(&id) {
                continue;
            }
            if cfg.rule(id).is_some() {
                out.insert(RuleId::new(kind, after), id);
            }
            after += 1;
        }
    }
    out
}

/// The access diff between `text` and `text` with `edits` applied.
pub fn prove(text: &str, cfg: &Config, edits: &[TidyEdit], time: Duration) -> Proof {
    let start = Instant::now();
    let tidied = crate::document::Version::from_text(apply(text, edits));
    prove_against(cfg, tidied.config(), start, time)
}

/// The access diff between `cfg` and the tidied file, already read.
fn prove_against(cfg: &Config, tidied: &Config, start: Instant, time: Duration) -> Proof {
    let budget = Budget {
        deadline: Some(start + time),
        ..Budget::default()
    };
    let d = diff(
        Versions {
            old: cfg,
            new: tidied,
            pool: None,
        },
        &[],
        &budget,
    );
    if !d.changes.is_empty() {
        Proof::Fails {
            changes: d.changes.len(),
        }
    } else if !d.exhaustive {
        Proof::Stopped {
            examined: d.examined,
            left: d.left,
        }
    } else {
        Proof::Holds {
            classes: d.alike,
            took: start.elapsed(),
        }
    }
}

/// The edits, before their proof: entries first, then rules, then the
/// groups left unused; none inside a rule or group that goes whole.
pub fn plan(
    text: &str,
    parsed: &crate::json::parse::Parsed,
    cfg: &Config,
    proven: &HashMap<RuleId, RuleWhy>,
    options: TidyOptions,
) -> Vec<TidyEdit> {
    let closures = Closures::new(cfg);
    // Rules that go whole.
    let mut rules_out: Vec<(RuleId, Removal)> = Vec::new();
    let mut seen_limits: HashSet<String> = HashSet::new();
    for r in cfg.all_rules() {
        let id = RuleId::new(r.kind, r.index);
        if r.empty_preset {
            if options.drop_presets {
                rules_out.push((id, Removal::EmptyPreset { rule: id }));
            }
            continue;
        }
        if r.count.is_some() {
            // A COUNT limit goes only when an identical one stays.
            if r.kind.effect() == Effect::Limit && r.invalid_number.is_none() {
                let key = super::diff::rule_key(r, true);
                if !seen_limits.insert(key) {
                    let why = RuleWhy::IdenticalLimit(r.kind);
                    rules_out.push((id, Removal::NoEffectRule { rule: id, why }));
                }
            }
            continue;
        }
        let removable = matches!(r.kind.effect(), Effect::Allow | Effect::Deny)
            || (r.kind == RuleKind::LimitBorrows && r.hours.is_some());
        if removable && let Some(why) = proven.get(&id) {
            rules_out.push((
                id,
                Removal::NoEffectRule {
                    rule: id,
                    why: why.clone(),
                },
            ));
        }
    }
    let gone_rules: HashSet<RuleId> = rules_out.iter().map(|(id, _)| *id).collect();

    // Entries, list by list, in the rules and groups that stay (groups
    // found unused below drop theirs).
    let mut entries_out: Vec<(String, usize, Removal)> = Vec::new();
    let mut removed_at: HashMap<String, HashSet<usize>> = HashMap::new();
    let mut scan = |list: &EntryList, principal: bool, owner: Option<usize>, place: ListPlace| {
        let gone = removable_entries(cfg, list, principal, owner, &closures);
        if gone.is_empty() {
            return;
        }
        let set: HashSet<usize> = gone.iter().map(|(i, _)| *i).collect();
        for (i, how) in gone {
            let entry = list
                .get(i)
                .map(|e| e.text.trim().to_string())
                .unwrap_or_default();
            let removal = match how {
                Why::Duplicate(j) => Removal::DuplicateEntry {
                    list: place.clone(),
                    entry,
                    first: list
                        .get(j)
                        .map(|e| e.text.trim().to_string())
                        .unwrap_or_default(),
                },
                Why::Covered(j) => Removal::CoveredEntry {
                    list: place.clone(),
                    entry,
                    by: list
                        .get(j)
                        .map(|e| e.text.trim().to_string())
                        .unwrap_or_default(),
                },
            };
            entries_out.push((list.pointer.clone(), i, removal));
        }
        removed_at.insert(list.pointer.clone(), set);
    };
    for r in cfg.all_rules() {
        if gone_rules.contains(&RuleId::new(r.kind, r.index)) || r.empty_preset {
            continue;
        }
        for (list, field, principal) in [
            (r.users.as_deref(), "USERS", true),
            (r.except_users.as_deref(), "EXCEPT_USERS", true),
            (r.features.as_deref(), "FEATURES", false),
            (r.serials.as_deref(), "SERIALNUMBERS", false),
        ] {
            if let Some(l) = list {
                let place = ListPlace {
                    owner: Owner::Rule(RuleId::new(r.kind, r.index)),
                    field,
                };
                scan(l, principal, None, place);
            }
        }
    }
    for (at, g) in cfg.groups.iter().enumerate() {
        if let Some(m) = &g.members {
            let place = ListPlace {
                owner: Owner::Group(g.name.clone()),
                field: "MEMBERS",
            };
            scan(m, true, Some(at), place);
        }
    }

    // Groups nothing that stays references.
    let kept_entry = |list: &EntryList, i: usize| {
        removed_at
            .get(&list.pointer)
            .is_none_or(|s| !s.contains(&i))
    };
    let mut referenced = vec![false; cfg.groups.len()];
    let mut todo: Vec<usize> = Vec::new();
    let push_refs = |list: &EntryList, todo: &mut Vec<usize>| {
        for (i, e) in list.iter().enumerate() {
            if kept_entry(list, i)
                && let Some(g) = cfg.group_index.lookup_entry(&e)
            {
                todo.push(g);
            }
        }
    };
    for r in cfg.all_rules() {
        if gone_rules.contains(&RuleId::new(r.kind, r.index)) {
            continue;
        }
        for l in r.principal_lists() {
            push_refs(l, &mut todo);
        }
    }
    while let Some(g) = todo.pop() {
        if g < referenced.len()
            && !std::mem::replace(&mut referenced[g], true)
            && let Some(m) = cfg.groups.get(g).and_then(|g| g.members.as_ref())
        {
            push_refs(m, &mut todo);
        }
    }
    let groups_out: Vec<usize> = (0..cfg.groups.len()).filter(|&g| !referenced[g]).collect();
    let gone_group_pointers: HashSet<&str> = groups_out
        .iter()
        .filter_map(|&g| cfg.groups.get(g))
        .map(|g| g.pointer.as_str())
        .collect();
    let gone_rule_pointers: HashSet<String> = gone_rules
        .iter()
        .filter_map(|id| cfg.rule(*id))
        .map(|r| r.pointer.clone())
        .collect();
    let inside_gone = |pointer: &str| {
        let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
        gone_group_pointers.contains(parent) || gone_rule_pointers.contains(parent)
    };

    // Spans.
    let mut out: Vec<TidyEdit> = Vec::new();
    // Entries: the removed ones of each list, as runs.
    let mut by_list: HashMap<String, Vec<(usize, Removal)>> = HashMap::new();
    for (pointer, i, removal) in entries_out {
        if !inside_gone(&pointer) {
            by_list.entry(pointer).or_default().push((i, removal));
        }
    }
    let lists: HashMap<&str, &EntryList> = cfg
        .all_rules()
        .flat_map(|r| {
            [
                r.users.as_deref(),
                r.except_users.as_deref(),
                r.features.as_deref(),
                r.serials.as_deref(),
            ]
        })
        .flatten()
        .chain(cfg.groups.iter().filter_map(|g| g.members.as_ref()))
        .map(|l| (l.pointer.as_str(), l))
        .collect();
    for (pointer, items) in by_list {
        let Some(list) = lists.get(pointer.as_str()) else {
            continue;
        };
        let spans: Vec<Span> = list.iter().map(|e| list.span_of(&e)).collect();
        // A value with escapes: its entries' places are not known.
        if spans.contains(&list.span) {
            continue;
        }
        cut(&spans, items, &mut out);
    }
    // Rules and groups: items of their arrays, as runs.
    let mut by_array: HashMap<String, Vec<(usize, Removal)>> = HashMap::new();
    for (id, removal) in rules_out {
        if let Some(r) = cfg.rule(id)
            && let Some((parent, _)) = r.pointer.rsplit_once('/')
        {
            by_array
                .entry(parent.to_string())
                .or_default()
                .push((r.index, removal));
        }
    }
    for g in groups_out {
        if let Some(group) = cfg.groups.get(g)
            && let Some((parent, _)) = group.pointer.rsplit_once('/')
        {
            by_array.entry(parent.to_string()).or_default().push((
                group.index,
                Removal::UnusedGroup {
                    index: group.index,
                    name: group.name.clone(),
                },
            ));
        }
    }
    let root = parsed.root.as_ref();
    for (pointer, items) in by_array {
        let Some(items_of) = root
            .and_then(|r| r.pointer(&pointer))
            .and_then(|n| n.as_array())
        else {
            continue;
        };
        let spans: Vec<Span> = items_of.iter().map(|n| n.span).collect();
        cut(&spans, items, &mut out);
    }
    out.sort_by_key(|e| e.span.start);
    // Never two edits over the same bytes (a list whose pointer repeats).
    let mut end = 0;
    out.retain(|e| {
        let ok = e.span.start >= end && e.span.end <= text.len();
        if ok {
            end = e.span.end;
        }
        ok
    });
    out
}

/// The edits removing `items` (each a position in `spans` and what it
/// removes), cut as [`runs`] says.
fn cut(spans: &[Span], items: Vec<(usize, Removal)>, out: &mut Vec<TidyEdit>) {
    let gone: HashSet<usize> = items.iter().map(|(i, _)| *i).collect();
    let cuts = runs(spans, &gone);
    for (i, removal) in items {
        if let (Some(span), Some(place)) = (cuts.get(&i), spans.get(i)) {
            out.push(TidyEdit {
                removal,
                span: *span,
                place: *place,
            });
        }
    }
}

/// The bytes each removed item takes out, for items at `spans` of which
/// `gone` go: a run of removed items followed by one that stays takes each
/// item up to the next item's start; a run at the end takes each item from
/// the end of the item before it; a run of every item takes each to the
/// next one's start, the last to its own end. The spans never overlap and
/// together take out each run and one separator beside it.
fn runs(spans: &[Span], gone: &HashSet<usize>) -> HashMap<usize, Span> {
    let n = spans.len();
    let mut out = HashMap::new();
    let mut i = 0;
    while i < n {
        if !gone.contains(&i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < n && gone.contains(&(j + 1)) {
            j += 1;
        }
        for k in i..=j {
            let span = if j + 1 < n {
                Span::new(spans[k].start, spans[k + 1].start)
            } else if i > 0 {
                Span::new(spans[k - 1].end, spans[k].end)
            } else if k + 1 < n {
                Span::new(spans[k].start, spans[k + 1].start)
            } else {
                spans[k]
            };
            out.insert(k, span);
        }
        i = j + 1;
    }
    out
}

/// The no-effect findings, by rule.
fn effect_notes(f: &Findings) -> HashMap<RuleId, RuleWhy> {
    f.no_effect
        .iter()
        .map(|n| (n.rule, RuleWhy::Proven(n.clone())))
        .collect()
}
