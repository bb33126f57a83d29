//! Compiling a configuration for decisions: each rule's lists as matchers,
//! the rules of each kind indexed by feature, and following one edit in
//! place.

use std::collections::HashSet;

use super::matcher::{Groups, Matcher};
use super::*;
use crate::model::{Config, Rule};
use crate::par::Threads;
use crate::rule_id::RuleId;
use crate::spec::RuleKind;

/// A rule compiled for evaluation.
#[derive(Debug, Clone)]
pub(super) struct CompiledRule {
    pub(super) kind: RuleKind,
    pub(super) id: RuleId,
    /// USERS: `None` means everyone.
    pub(super) users: Option<Matcher>,
    pub(super) except: Option<Matcher>,
    pub(super) serials: Option<HashSet<String>>,
    pub(super) serial_text: String,
    pub(super) count: Option<u64>,
    pub(super) hours: Option<u64>,
    /// COUNT or HOURS is not a whole number from 1 to 2^31-1: the rule
    /// is ignored, and the trace says so at it.
    pub(super) ignored: Option<crate::spec::Field>,
}

impl CompiledRule {
    /// Its USERS and EXCEPT_USERS, where compiled.
    pub(super) fn lists(&self) -> impl Iterator<Item = &Matcher> {
        [&self.users, &self.except].into_iter().flatten()
    }
}

/// The rules of one list, indexed by feature.
#[derive(Debug, Clone, Default)]
pub(super) struct ListIndex {
    pub(super) by_feature: rustc_hash::FxHashMap<String, Vec<u32>>,
    pub(super) any_feature: Vec<u32>,
    /// Features written beside `*` in a rule for every feature (`"CAD;*"`):
    /// the rule is found through `any_feature`, but the file still names
    /// them (the diff and the findings compare every feature named).
    pub(super) named_beside_any: rustc_hash::FxHashMap<String, Vec<u32>>,
}

impl ListIndex {
    /// Adds rule `id` under its features, keeping every list in file
    /// (id) order.
    pub(super) fn insert(&mut self, rule: &Rule, id: u32) {
        fn put(v: &mut Vec<u32>, id: u32) {
            if let Err(at) = v.binary_search(&id) {
                v.insert(at, id);
            }
        }
        if rule.any_feature() {
            put(&mut self.any_feature, id);
            for e in rule.features.iter().flat_map(|f| f.iter()) {
                if e.text.trim() != "*" {
                    put(
                        self.named_beside_any.entry(e.text.to_string()).or_default(),
                        id,
                    );
                }
            }
        } else if let Some(f) = &rule.features {
            for e in f.iter() {
                put(self.by_feature.entry(e.text.to_string()).or_default(), id);
            }
        }
    }

    /// Takes rule `id` out of every feature's list.
    pub(super) fn remove(&mut self, id: u32) {
        let out = |v: &mut Vec<u32>| {
            if let Ok(at) = v.binary_search(&id) {
                v.remove(at);
            }
        };
        out(&mut self.any_feature);
        self.by_feature.values_mut().for_each(out);
        self.by_feature.retain(|_, v| !v.is_empty());
        self.named_beside_any.values_mut().for_each(out);
        self.named_beside_any.retain(|_, v| !v.is_empty());
    }

    /// Indices of the rules that cover `feature`, in file order.
    pub(super) fn for_feature(&self, feature: &str) -> impl Iterator<Item = u32> + '_ {
        let specific = self.by_feature.get(feature).map_or(&[][..], Vec::as_slice);
        merge(specific, &self.any_feature)
    }
}

pub(super) fn merge<'a>(a: &'a [u32], b: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || match (a.get(i), b.get(j)) {
        (Some(&x), Some(&y)) if x <= y => {
            i += 1;
            Some(x)
        }
        (_, Some(&y)) => {
            j += 1;
            Some(y)
        }
        (Some(&x), None) => {
            i += 1;
            Some(x)
        }
        (None, None) => None,
    })
}

impl Engine {
    pub fn new(cfg: &Config) -> Engine {
        Engine::compile(cfg, |_| true, Threads::Auto)
    }

    /// [`Engine::new`] on `threads` threads.
    pub fn with_threads(cfg: &Config, threads: Threads) -> Engine {
        Engine::compile(cfg, |_| true, threads)
    }

    /// An engine that decides requests for `features` only, exactly as
    /// [`Engine::new`] would: the rules that name none of them (and are
    /// not for every feature) are never looked at for such a request, so
    /// they are not compiled. For one decision on a large file (`privy
    /// explain` of one feature among hundreds): a fraction of the time and
    /// memory. Deciding another feature with it is wrong.
    pub fn for_features(cfg: &Config, features: &[&str]) -> Engine {
        Engine::compile(
            cfg,
            |rule| {
                rule.any_feature()
                    || rule
                        .features
                        .as_deref()
                        .is_some_and(|f| f.iter().any(|e| features.contains(&e.text)))
            },
            Threads::Auto,
        )
    }

    pub(super) fn compile(
        cfg: &Config,
        wanted: impl Fn(&Rule) -> bool + Sync,
        threads: Threads,
    ) -> Engine {
        let groups = Groups::compile(cfg, threads);
        // Rules compile independently: on every core for a large file. Only
        // those compiled take room (a compiled rule is large: a slot for
        // each of a million rules skipped would be most of the memory).
        // Empty presets are ignored by the server.
        let chosen: Vec<&Rule> = cfg
            .all_rules()
            .filter(|r| !r.empty_preset && wanted(r))
            .collect();
        let bytes = cfg.lists.iter().map(|l| l.span.len()).sum();
        let rules = crate::par::map(&chosen, threads.for_bytes(bytes), |_, rule| {
            compile_rule(rule, &groups)
        });
        drop(chosen);
        let mut by_position = Vec::new();
        let mut lists: [ListIndex; 7] = Default::default();
        let mut next = 0u32;
        for list in &cfg.lists {
            let idx = &mut lists[kind_index(list.kind)];
            for rule in &list.rules {
                if rule.empty_preset || !wanted(rule) {
                    by_position.push(None);
                    continue;
                }
                by_position.push(Some(next));
                idx.insert(rule, next);
                next += 1;
            }
        }
        let mut engine = Engine {
            id: next_engine_id(),
            rules,
            by_position,
            lists,
            groups,
            names: std::sync::OnceLock::new(),
        };
        for (i, m) in engine.groups.matchers.iter_mut().enumerate() {
            m.index_id = Some(i as u32);
        }
        for id in 0..engine.rules.len() as u32 {
            engine.number_rule(id);
        }
        engine
    }

    /// Follows one edit of the configuration in place, instead of compiling
    /// it all again: `cfg` is the model after the edit and `touched` what
    /// the edit changed, as [`Document::last_change`] says (one field of one
    /// rule, or one group's MEMBERS, with no rule becoming or ceasing to be
    /// an empty preset and no group renamed). Gives false, changing
    /// nothing, when the engine does not fit `cfg` (then compile anew).
    ///
    /// [`Document::last_change`]: crate::document::Document::last_change
    pub fn update(&mut self, cfg: &Config, touched: crate::change::Touched) -> bool {
        use crate::change::Touched;
        match touched {
            Touched::Rule { position, field } => {
                let Some(rule) = cfg.all_rules().nth(position) else {
                    return false;
                };
                let Some(slot) = self.by_position.get(position) else {
                    return false;
                };
                if slot.is_some() == rule.empty_preset
                    || self.by_position.len() != cfg.all_rules().count()
                {
                    return false;
                }
                let Some(id) = *slot else {
                    // An empty preset stays one: the server ignores it.
                    self.id = next_engine_id();
                    return true;
                };
                if self.rules[id as usize].kind != rule.kind {
                    return false;
                }
                let new = compile_rule(rule, &self.groups);
                let old = std::mem::replace(&mut self.rules[id as usize], new);
                self.number_rule(id);
                if let Some(names) = self.names.get_mut() {
                    names.replace(old.lists(), self.rules[id as usize].lists());
                }
                if field == crate::spec::Field::Features {
                    let idx = &mut self.lists[kind_index(rule.kind)];
                    idx.remove(id);
                    idx.insert(rule, id);
                }
            }
            Touched::GroupMembers { position } => {
                let Some(g) = cfg.groups.get(position) else {
                    return false;
                };
                if cfg.groups.len() != self.groups.matchers.len() {
                    return false;
                }
                let Some(old) = self.groups.recompile(position, g) else {
                    return false;
                };
                let new = &mut self.groups.matchers[position];
                new.index_id = Some(position as u32);
                if let Some(names) = self.names.get_mut() {
                    names.replace([&old], [&*new]);
                }
            }
        }
        // A new identity: memos made with the engine before are stale.
        self.id = next_engine_id();
        true
    }
}

pub(super) fn kind_index(kind: RuleKind) -> usize {
    RuleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Rules of `kind` that apply to the feature and serial, in file order.
/// Rules limited to other serials (or to serials, when there is none) are
/// left out.
pub(super) fn applicable<'a>(
    engine: &'a Engine,
    feature: &'a str,
    kind: RuleKind,
    serial: Option<&'a str>,
    skip: &'a [u32],
) -> impl Iterator<Item = u32> + 'a {
    engine.lists[kind_index(kind)]
        .for_feature(feature)
        .filter(move |id| !skip.contains(id))
        .filter(
            move |&id| match (&engine.rules[id as usize].serials, serial) {
                (None, _) => true,
                (Some(set), Some(s)) => set.contains(s),
                (Some(_), None) => false,
            },
        )
}

pub(super) fn compile_rule(rule: &Rule, groups: &Groups) -> CompiledRule {
    let users = if rule.any_user() {
        None
    } else {
        // A required USERS that is missing or empty matches nobody.
        Some(
            rule.users
                .as_ref()
                .map(|u| Matcher::compile(u, &groups.index))
                .unwrap_or_default(),
        )
    };
    let except = rule
        .except_users
        .as_ref()
        .filter(|e| !e.is_empty())
        .map(|e| Matcher::compile(e, &groups.index));
    let serials = (!rule.any_serial()).then(|| {
        rule.serials
            .as_ref()
            .map(|s| s.iter().map(|e| e.text.to_string()).collect())
            .unwrap_or_default()
    });
    CompiledRule {
        kind: rule.kind,
        id: RuleId::new(rule.kind, rule.index),
        users,
        except,
        serial_text: rule
            .serials
            .as_ref()
            .map(|s| s.raw.to_string())
            .unwrap_or_default(),
        serials,
        count: rule
            .count
            .as_ref()
            .filter(|_| rule.invalid_number.is_none())
            .and_then(|c| u64::try_from(c.value).ok())
            .filter(|&c| c > 0),
        hours: rule
            .hours
            .as_ref()
            .filter(|_| rule.invalid_number.is_none())
            .and_then(|c| u64::try_from(c.value).ok())
            .filter(|&c| c > 0),
        ignored: rule.invalid_number,
    }
}
