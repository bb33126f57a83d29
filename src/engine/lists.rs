//! The principal lists a feature's rules test, for the analyses over every
//! principal (`crate::analysis`): which USERS and EXCEPT_USERS lists can
//! bear on a request for a feature, and whether a principal matches one.
//! A decision depends on the principal only through these answers (and,
//! with seat sharing, through the pool's sessions).

use super::Engine;
use super::compile::kind_index;
use super::matcher::{self, FoldedPrincipal, Scratch};
use crate::rule_id::RuleId;
use crate::spec::RuleKind;

/// One list of one compiled rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListId {
    pub rule: RuleId,
    /// EXCEPT_USERS (else USERS).
    pub except: bool,
    /// The compiled rule's number.
    id: u32,
}

/// What the rule of a list does with it, as the decision uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRole {
    pub list: ListId,
    pub kind: RuleKind,
    /// The serial numbers the rule is limited to, sorted (`None`: any).
    pub serials: Option<Vec<String>>,
    /// COUNT and HOURS as the engine reads them (`None`: absent or ignored).
    pub count: Option<u64>,
    pub hours: Option<u64>,
    /// The rule has EXCEPT_USERS.
    pub has_except: bool,
}

impl Engine {
    /// The USERS and EXCEPT_USERS lists of every rule that applies to a
    /// request for `feature` (any action, any serial), in file order.
    /// A rule whose USERS means everyone has no USERS list here.
    pub fn lists_for_feature(&self, feature: &str) -> Vec<ListId> {
        let mut out = Vec::new();
        for kind in RuleKind::ALL {
            for id in self.lists[kind_index(kind)].for_feature(feature) {
                let r = &self.rules[id as usize];
                for (m, except) in [(&r.users, false), (&r.except, true)] {
                    if m.is_some() {
                        out.push(ListId {
                            rule: r.id,
                            except,
                            id,
                        });
                    }
                }
            }
        }
        out
    }

    /// [`Engine::lists_for_feature`] with what each list's rule does.
    pub fn list_roles(&self, feature: &str) -> Vec<ListRole> {
        self.lists_for_feature(feature)
            .into_iter()
            .map(|list| {
                let r = &self.rules[list.id as usize];
                ListRole {
                    list,
                    kind: r.kind,
                    serials: r.serials.as_ref().map(|s| {
                        let mut v: Vec<String> = s.iter().cloned().collect();
                        v.sort();
                        v
                    }),
                    count: r.count,
                    hours: r.hours,
                    has_except: r.except.is_some(),
                }
            })
            .collect()
    }

    /// Whether the principal matches the list.
    pub fn list_matches(&self, list: ListId, p: &FoldedPrincipal, scratch: &mut Scratch) -> bool {
        let Some(r) = self.rules.get(list.id as usize) else {
            return false;
        };
        let m = if list.except { &r.except } else { &r.users };
        let Some(m) = m else { return false };
        scratch.prepare(self.id, self.groups.matchers.len(), p);
        matcher::matches(m, &self.groups, p, scratch)
    }

    /// The serial numbers the rules for `feature` are limited to, each once,
    /// in file order.
    pub fn serials_for_feature(&self, feature: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for kind in RuleKind::ALL {
            for id in self.lists[kind_index(kind)].for_feature(feature) {
                if let Some(s) = &self.rules[id as usize].serials {
                    let mut s: Vec<&String> = s.iter().collect();
                    s.sort();
                    for serial in s {
                        if !out.contains(serial) {
                            out.push(serial.clone());
                        }
                    }
                }
            }
        }
        out
    }

    /// Every feature a rule names (not `*`), each once.
    pub fn named_features(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .lists
            .iter()
            .flat_map(|l| l.by_feature.keys().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
