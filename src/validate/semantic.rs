//! The checks of meaning, kept up to date: the per-rule and per-group
//! units (`units.rs`) and the checks over the whole file (`whole.rs`),
//! worked out in full on load and in part after an edit of one unit.

// Fx hashing: these maps hold every entry of the file; the keys are the
// admin's own names, not attacker-chosen.
use super::near::NearGroups;

use super::units::*;
use super::whole::*;
use crate::diag::Diagnostic;
use crate::json::Node;
use crate::model::{Config, Rule};
use crate::spec::Field;

/// The findings of meaning, kept per rule and per group, so that after an
/// edit inside one rule, or inside one group's MEMBERS, only that unit and
/// the few checks that span units are worked out again
/// ([`Semantic::update`]). [`Semantic::new`] and an update give the same
/// findings in the same order; a property test holds them together.
#[derive(Debug, Clone, Default)]
pub struct Semantic {
    /// Duplicate keys, unknown top-level keys and the server settings: an
    /// edit of a value inside a rule or group changes none of them.
    fixed: Vec<Diagnostic>,
    /// Group names made loose and indexed for near misses (`near.rs`).
    loose_groups: NearGroups,
    /// One per rule, in [`Config::all_rules`] order.
    rules: Vec<RuleUnit>,
    /// Empty and duplicate group names.
    group_names: Vec<Diagnostic>,
    /// One per group, in `Config::groups` order.
    groups: Vec<GroupUnit>,
    /// Per group: whether its name refers to it (it has a name, and no
    /// earlier group has the same one). Names do not change in an update.
    named: Vec<bool>,
    cycles: Vec<Diagnostic>,
    unused: Vec<Diagnostic>,
    features: Vec<Diagnostic>,
}
impl Semantic {
    pub fn new(root: &Node, cfg: &Config, threads: crate::par::Threads) -> Semantic {
        let mut fixed = Vec::new();
        duplicate_keys(root, "", &mut fixed);
        top_level_keys(cfg, &mut fixed);
        settings(cfg, &mut fixed);
        let groups = &cfg.group_index;
        // Same choice as GroupIndex: with duplicate names, the first group counts.
        let loose_groups = NearGroups::new(cfg.groups.iter().filter_map(|g| g.name.as_deref()));
        // Each rule and each group is checked on its own: on every core
        // when the file is large.
        let threads = threads.for_bytes(root.span.len());
        let all: Vec<&Rule> = cfg.all_rules().collect();
        let rules = crate::par::map(&all, threads, |_, r| {
            rule_unit(r, cfg, groups, &loose_groups)
        });
        let group_units: Vec<GroupUnit> = crate::par::map(&cfg.groups, threads, |at, g| {
            group_unit(at, g, groups, &loose_groups)
        });
        let named = cfg
            .groups
            .iter()
            .enumerate()
            .map(|(at, g)| {
                g.name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .is_some_and(|n| groups.lookup(n) == Some(at))
            })
            .collect();
        let mut s = Semantic {
            named,
            fixed,
            rules,
            group_names: group_names(cfg),
            cycles: cycles(cfg, &group_units, groups),
            groups: group_units,
            loose_groups,
            unused: Vec::new(),
            features: feature_case(cfg),
        };
        s.unused = unused(cfg, &s.named, &s.rules, &s.groups);
        s
    }

    /// Follows an edit that ended at `at`, changed the length of the text by
    /// `delta` and changed only what `touched` says (`cfg` is the model
    /// after the edit; group names are unchanged).
    pub fn update(&mut self, cfg: &Config, touched: Touched, at: usize, delta: isize) {
        self.for_each_mut(|d| d.shift(at, delta));
        let groups = &cfg.group_index;
        match touched {
            Touched::Rule { position, field } => {
                let (Some(unit), Some(rule)) =
                    (self.rules.get_mut(position), cfg.all_rules().nth(position))
                else {
                    return;
                };
                *unit = rule_unit(rule, cfg, groups, &self.loose_groups);
                if field == Field::Features {
                    self.features = feature_case(cfg);
                }
            }
            Touched::GroupMembers { position } => {
                let (Some(unit), Some(g)) =
                    (self.groups.get_mut(position), cfg.groups.get(position))
                else {
                    return;
                };
                *unit = group_unit(position, g, groups, &self.loose_groups);
                // Which users a group holds decides which exceptions apply,
                // and its edges the cycles.
                for (unit, rule) in self.rules.iter_mut().zip(cfg.all_rules()) {
                    if !rule.empty_preset {
                        unit.set_except(except_not_covered(rule, cfg, groups));
                    }
                }
                self.cycles = cycles(cfg, &self.groups, groups);
            }
        }
        self.unused = unused(cfg, &self.named, &self.rules, &self.groups);
    }

    fn for_each_mut(&mut self, mut f: impl FnMut(&mut Diagnostic)) {
        let units = self
            .rules
            .iter_mut()
            .flat_map(RuleUnit::diagnostics_mut)
            .chain(self.groups.iter_mut().flat_map(|u| u.diags.iter_mut()));
        for d in self
            .fixed
            .iter_mut()
            .chain(units)
            .chain(self.group_names.iter_mut())
            .chain(self.cycles.iter_mut())
            .chain(self.unused.iter_mut())
            .chain(self.features.iter_mut())
        {
            f(d);
        }
    }

    /// Per rule (in [`Config::all_rules`] order): the positions of the
    /// groups its USERS and EXCEPT_USERS name, in no particular order.
    pub fn rule_references(&self) -> impl Iterator<Item = &[usize]> {
        self.rules.iter().map(RuleUnit::referenced)
    }

    /// Per group (in `Config::groups` order): the positions of the groups
    /// its MEMBERS name, itself included if it does.
    pub fn group_references(&self) -> impl Iterator<Item = &[usize]> {
        self.groups.iter().map(|u| u.edges.as_slice())
    }

    /// Every finding, in a fixed order (the caller sorts by position).
    pub fn collect(&self, out: &mut Vec<Diagnostic>) {
        out.extend(self.fixed.iter().cloned());
        for u in &self.rules {
            out.extend(u.diagnostics().cloned());
        }
        out.extend(self.group_names.iter().cloned());
        for u in &self.groups {
            out.extend(u.diags.iter().cloned());
        }
        out.extend(self.cycles.iter().cloned());
        out.extend(self.unused.iter().cloned());
        out.extend(self.features.iter().cloned());
    }
}
