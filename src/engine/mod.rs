//! The decision engine: the procedure of `docs/semantics.md` (from the
//! vendor's rule documentation), step by step.
//!
//! Rules are compiled once per configuration ([`Engine::new`]); a decision
//! then only looks at the rules indexed under the requested feature. One
//! evaluation path serves both fast decisions and full traces: the trace is
//! only written when asked for.
//!
//! - `decision.rs`: what a decision says (verdict, reason, trace);
//! - `compile.rs`: rules compiled and indexed by feature, edits followed;
//! - `decide.rs`: the procedure, license by license and step by step;
//! - `trace.rs`: what the steps found, typed, and the recorder keeping it;
//! - `lists.rs`: the lists a feature's rules test, for the analyses;
//! - `usage.rs`: the pool as the engine counts it;
//! - `matcher.rs`: principal lists compiled for matching.

pub mod matcher;
/// The license pool as the engine reads it: see [`crate::pool`], where the
/// types live (below the engine and the validation, which both use them).
pub mod pool {
    pub use crate::pool::*;
}

pub use crate::request::{Action, Request};
use matcher::{FoldedPrincipal, Groups, Matcher, NameIndex, Scratch};

mod compile;
mod decide;
mod decision;
mod lists;
mod trace;
mod usage;

use compile::{CompiledRule, ListIndex};
pub use decision::*;
pub use lists::{ListId, ListRole, NameHits, RuleRole};
pub use usage::{PoolView, SeatUsage};

/// A configuration compiled for decisions. Rebuild it after every edit.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Unique per compilation: a scratch memo is only reused for the engine
    /// it was made with.
    id: u64,
    rules: Vec<CompiledRule>,
    /// Per rule of the configuration (in `Config::all_rules` order): its
    /// index in `rules`, `None` for an empty preset (which is not compiled).
    by_position: Vec<Option<u32>>,
    /// One index per rule kind, in the order of `RuleKind::ALL`.
    lists: [ListIndex; 7],
    groups: Groups,
    /// The name entries of every list, built when first needed: groups are
    /// numbered by position, rule `r`'s USERS and EXCEPT_USERS
    /// `groups + 2r` and `groups + 2r + 1`.
    names: std::sync::OnceLock<NameIndex>,
}

impl Engine {
    /// Numbers rule `id`'s lists for the name index.
    fn number_rule(&mut self, id: u32) {
        let (users, except) = (self.list_number(id, false), self.list_number(id, true));
        let r = &mut self.rules[id as usize];
        for (m, n) in [(&mut r.users, users), (&mut r.except, except)] {
            if let Some(m) = m {
                m.index_id = Some(n);
            }
        }
    }

    /// Builds now what is otherwise built on a principal's second decision
    /// (the index of every list's names), so that a worker compiling an
    /// engine can do it too.
    pub fn warm_up(&self) {
        self.names();
    }

    /// The name index (built on first use).
    fn names(&self) -> &NameIndex {
        self.names.get_or_init(|| {
            let mut names = NameIndex::default();
            for m in &self.groups.matchers {
                names.add(m);
            }
            for r in &self.rules {
                for m in r.lists() {
                    names.add(m);
                }
            }
            names.finish();
            names
        })
    }

    /// Prepares the scratch for the principal; from its second decision on,
    /// its names are looked up in the index once rather than per list.
    fn prepare(&self, scratch: &mut Scratch, p: &FoldedPrincipal) {
        let again = scratch.prepare(self.id, self.groups.matchers.len(), p);
        // With its lists' answers known ([`Engine::prepare_known`]) the
        // principal's names are not looked up: a list whose answer is not
        // known matches its names directly.
        if (again || scratch.is_eager()) && !scratch.has_names() && !scratch.knows_lists() {
            scratch.look_up_names(self.names(), |id| self.list(id));
        }
    }

    /// The number in the name index of compiled rule `rule`'s USERS (or,
    /// with `except`, EXCEPT_USERS): after the groups, two per rule.
    fn list_number(&self, rule: u32, except: bool) -> u32 {
        (self.groups.matchers.len() + 2 * rule as usize + usize::from(except)) as u32
    }

    /// How many numbers the name index gives out: every group, two per rule.
    fn list_numbers(&self) -> usize {
        self.groups.matchers.len() + 2 * self.rules.len()
    }

    /// A list by its number in the name index.
    fn list(&self, id: u32) -> Option<&Matcher> {
        let groups = self.groups.matchers.len();
        match (id as usize).checked_sub(groups) {
            None => self.groups.matchers.get(id as usize),
            Some(r) => {
                let rule = self.rules.get(r / 2)?;
                if r % 2 == 0 {
                    rule.users.as_ref()
                } else {
                    rule.except.as_ref()
                }
            }
        }
    }
}

fn next_engine_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
