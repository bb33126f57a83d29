//! Each feature's candidates, worked out once for the passes of the
//! findings (the first look, the rules left, taking rules out together)
//! and kept while they fit in the memory budget.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::Instant;

use rustc_hash::FxHashMap;

use super::space::{Budget, Candidates};
use crate::engine::Engine;
use crate::model::Config;

/// The share of [`Budget::memory`] the kept candidates may take: all of
/// it (the 5 000-rule file's 50 features take 330 MB kept, and the
/// taking out together needs them in no order that keeps them few; the
/// findings build no space that large beside them on such files, and a
/// hostile file's one feature is the one kept).
const SHARE: usize = 1;

pub(super) struct Kept {
    kept: FxHashMap<String, Arc<Candidates>>,
    bytes: usize,
    /// The last candidates that did not fit, kept until others are asked
    /// for (a feature's trials come in a row).
    last: Option<(String, Arc<Candidates>)>,
    /// Candidates worked out ahead, in the order they will be asked for.
    ahead: Option<Receiver<(String, Arc<Candidates>)>>,
}

impl Kept {
    pub(super) fn new() -> Kept {
        Kept {
            kept: FxHashMap::default(),
            bytes: 0,
            last: None,
            ahead: None,
        }
    }

    /// Works out the candidates of `features`, in this order, on another
    /// thread of `s` (one ahead of those asked for), until the deadline.
    pub(super) fn ahead<'scope, 'env: 'scope>(
        &mut self,
        s: &'scope std::thread::Scope<'scope, 'env>,
        cfg: &'env Config,
        engine: &'env Engine,
        features: Vec<String>,
        budget: Budget,
    ) {
        let (tx, rx) = sync_channel(1);
        s.spawn(move || {
            for f in features {
                if budget.deadline.is_some_and(|d| Instant::now() >= d) {
                    return;
                }
                let c = Arc::new(Candidates::of_file(cfg, engine, &f, &budget));
                if tx.send((f, c)).is_err() {
                    return;
                }
            }
        });
        self.ahead = Some(rx);
    }

    fn keep(&mut self, feature: &str, c: &Arc<Candidates>, budget: &Budget) {
        let bytes = c.bytes();
        if self.bytes + bytes <= budget.memory / SHARE {
            self.bytes += bytes;
            self.kept.insert(feature.to_string(), Arc::clone(c));
        } else {
            self.last = Some((feature.to_string(), Arc::clone(c)));
        }
    }

    /// Whether the candidates of `feature` are at hand.
    pub(super) fn holds(&self, feature: &str) -> bool {
        self.kept.contains_key(feature) || self.last.as_ref().is_some_and(|(f, _)| f == feature)
    }

    /// The candidates of `feature`: kept ones, or worked out (and kept
    /// when they fit).
    pub(super) fn of(
        &mut self,
        cfg: &Config,
        engine: &Engine,
        feature: &str,
        budget: &Budget,
    ) -> Arc<Candidates> {
        if let Some(c) = self.kept.get(feature) {
            return Arc::clone(c);
        }
        if let Some((f, c)) = &self.last
            && f == feature
        {
            return Arc::clone(c);
        }
        // The last one goes before the next is worked out.
        self.last = None;
        // Those worked out ahead come in the order asked; one asked out
        // of it (or after the thread stopped) is worked out here.
        while let Some(rx) = &self.ahead {
            let Ok((f, c)) = rx.recv() else {
                self.ahead = None;
                break;
            };
            self.last = None;
            self.keep(&f, &c, budget);
            if f == feature {
                return c;
            }
        }
        let c = Arc::new(Candidates::of_file(cfg, engine, feature, budget));
        self.keep(feature, &c, budget);
        c
    }
}
