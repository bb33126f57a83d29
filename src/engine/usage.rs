//! The pool as one engine sees it: sessions by license and feature, the
//! usage each limit and reservation counts, and seat bars.

use std::cell::RefCell;

use super::compile::applicable;
use super::matcher::{FoldedPrincipal, Scratch};
use super::pool::{PoolIndex, SeatSharing};
use super::*;
use crate::request::Principal;
use crate::spec::{Effect, RuleKind};

/// Who holds a feature on a license: (user, host) pairs, folded.
pub(super) type Holders = rustc_hash::FxHashSet<(String, Option<String>)>;

/// A pool prepared for one engine: sessions by license and feature, with the
/// counts of rules cached (they do not depend on the request).
pub struct PoolView<'a> {
    pub index: &'a PoolIndex,
    pub(super) engine: &'a Engine,
    /// (rule, license, feature position on the license) → sessions covered
    /// (limit) or matched (reserve).
    pub(super) cache: RefCell<rustc_hash::FxHashMap<(u32, usize, usize), u64>>,
    /// Keys of held sessions per license and feature position, for seat
    /// sharing.
    pub(super) holders: Vec<Vec<Holders>>,
}

impl<'a> PoolView<'a> {
    pub fn new(engine: &'a Engine, index: &'a PoolIndex) -> Self {
        let holders = index
            .sessions
            .iter()
            .map(|features| {
                features
                    .iter()
                    .map(|(_, sessions)| {
                        sessions
                            .iter()
                            .filter_map(|s| {
                                let u = s.principal.user.clone()?;
                                Some((u, s.principal.host.clone()))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        PoolView {
            index,
            engine,
            cache: RefCell::new(rustc_hash::FxHashMap::default()),
            holders,
        }
    }

    pub(super) fn sharing(&self) -> SeatSharing {
        self.index.pool.seat_sharing
    }

    /// Whether the principal already holds the feature on the license under
    /// the seat-sharing key.
    pub(super) fn holds(&self, license: usize, feature: &str, p: &FoldedPrincipal) -> bool {
        let Some(user) = &p.user else { return false };
        let Some(set) = self
            .index
            .feature_position(license, feature)
            .and_then(|f| self.holders.get(license)?.get(f))
        else {
            return false;
        };
        match self.sharing() {
            SeatSharing::None => false,
            SeatSharing::User => set.iter().any(|(u, _)| u == user),
            // Both hosts known and equal (semantics.md 8.9): an unknown
            // host never equals another unknown one.
            SeatSharing::UserHost => {
                p.host.is_some() && set.contains(&(user.clone(), p.host.clone()))
            }
        }
    }

    /// Sessions of the feature on the license held by principals the rule
    /// covers (`limit`: USERS and not EXCEPT_USERS, borrows only for
    /// LIMIT_BORROWS) or matches (reserve: USERS).
    pub(super) fn usage(
        &self,
        rule: u32,
        license: usize,
        feature: &str,
        scratch: &mut Scratch,
    ) -> u64 {
        let Some(pos) = self.index.feature_position(license, feature) else {
            return 0;
        };
        let key = (rule, license, pos);
        if let Some(&n) = self.cache.borrow().get(&key) {
            return n;
        }
        let r = &self.engine.rules[rule as usize];
        let groups = &self.engine.groups;
        let mut n = 0;
        for s in self.index.sessions_on(license, feature) {
            if r.kind == RuleKind::LimitBorrows && s.kind != Action::Borrow {
                continue;
            }
            scratch.reset(groups.matchers.len());
            let in_users = r
                .users
                .as_ref()
                .is_none_or(|m| matcher::matches(m, groups, &s.principal, scratch));
            let excepted = r.kind.effect() == Effect::Limit
                && r.except
                    .as_ref()
                    .is_some_and(|m| matcher::matches(m, groups, &s.principal, scratch));
            if in_users && !excepted {
                n += 1;
            }
        }
        self.cache.borrow_mut().insert(key, n);
        n
    }
}

/// How the seats of one feature on one license are taken, as the seats
/// step sees them for a principal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatUsage {
    pub seats: u64,
    /// Sessions holding the feature on the license.
    pub used: u64,
    /// Free seats kept for users of reserve rules that do not match the
    /// principal (all reserve rules, without one).
    pub reserved_for_others: u64,
    /// Seats the principal could take: free and not reserved for others.
    pub available: u64,
}

impl PoolView<'_> {
    /// Seat usage of `feature` on the license at `license` for `p`, or
    /// `None` when the license does not offer the feature.
    pub fn seat_usage(
        &self,
        license: usize,
        feature: &str,
        p: Option<&Principal>,
    ) -> Option<SeatUsage> {
        let folded = p.map(Principal::folded);
        let p = folded.as_ref();
        let lic = self.index.pool.licenses.get(license)?;
        let seats = lic.seats(feature)?;
        let used = self.index.sessions_on(license, feature).len() as u64;
        let free = seats.saturating_sub(used);
        let engine = self.engine;
        let mut scratch = Scratch::default();
        let mut reserved = 0u64;
        for id in applicable(
            engine,
            feature,
            RuleKind::ReserveCheckouts,
            Some(lic.serial.as_str()),
            &[],
        ) {
            let r = &engine.rules[id as usize];
            let Some(count) = r.count else { continue };
            scratch.reset(engine.groups.matchers.len());
            let mine = p.is_some_and(|p| {
                r.users
                    .as_ref()
                    .is_none_or(|m| matcher::matches(m, &engine.groups, p, &mut scratch))
            });
            if !mine {
                reserved += count.saturating_sub(self.usage(id, license, feature, &mut scratch));
            }
        }
        let reserved_for_others = reserved.min(free);
        Some(SeatUsage {
            seats,
            used,
            reserved_for_others,
            available: free - reserved_for_others,
        })
    }
}
