//! The rest of the simulator's answer for the request being typed: whether
//! an unset input could change it, an unknown feature, and for a denial
//! the verified suggestions with their impact. Worked out on a worker
//! thread, so typing never waits for it: the verdict shows at once and
//! this follows a frame or so later (`SimState::explained` says `None`
//! until then).

use crate::analysis::background::{EXPLAIN_IN_FRAME_BELOW, Worker};
use crate::analysis::explained::{Explained, ExplainedOptions, explained};
use crate::analysis::suggest::PoolFile;
use crate::analysis::{Budget, TIME_BUDGET};
use crate::document::Version;
use crate::engine::pool::PoolIndex;
use crate::engine::{Decision, Engine, Request};

use super::cache::{Cached, Slot, fresh};

/// What a worker hands back: the answer, for the pool text its edits are
/// in (the pool as JSON when the simulator's pool was used).
#[derive(Debug, Clone)]
pub struct ExplainedAnswer {
    pub explained: Explained,
    pub pool_text: Option<String>,
}

/// The rest of the answer for the state of the inputs `K`, and the worker
/// working one out.
#[derive(Debug)]
pub(crate) struct Explainer<K> {
    explained: Slot<K, ExplainedAnswer>,
    working: Option<(K, Worker<ExplainedAnswer>)>,
}

impl<K> Default for Explainer<K> {
    fn default() -> Self {
        Explainer {
            explained: None,
            working: None,
        }
    }
}

/// What one answer is worked out from.
pub(crate) struct Asked<'a> {
    /// The file as it is now.
    pub doc: &'a Version,
    /// The session's engine, when it is compiled from `doc`.
    pub engine: Option<&'a Engine>,
    /// The pool as the decision used it.
    pub index: Option<&'a PoolIndex>,
    pub req: &'a Request,
    pub decision: &'a Decision,
    pub no_local_groups: bool,
}

impl<K: Clone + PartialEq + Send + 'static> Explainer<K> {
    /// The answer worked out for `key`, if it is there.
    pub(crate) fn answer(&self, key: &K) -> Option<&ExplainedAnswer> {
        let c = self.explained.as_ref()?;
        (&c.key == key).then_some(&c.value)
    }

    /// Whether an answer is being worked out.
    pub(crate) fn working(&self) -> bool {
        self.working.is_some()
    }

    /// Takes a finished worker's answer and starts one for `key` when none
    /// is fresh: in the frame for a small file (a few milliseconds, so the
    /// answer comes with the verdict), else on a worker.
    pub(crate) fn refresh(&mut self, key: &K, asked: Asked<'_>) {
        if let Some((_, w)) = &mut self.working
            && w.poll().is_some()
            && let Some((k, mut w)) = self.working.take()
            && let Some(value) = w.take()
        {
            self.explained = Some(Cached { key: k, value });
        }
        if fresh(&self.explained, key) || self.working.as_ref().is_some_and(|(k, _)| k == key) {
            return;
        }
        if self.working.is_some() {
            // One worker at a time; the next frame starts this one.
            return;
        }
        let Asked {
            doc,
            engine,
            index,
            req,
            decision,
            no_local_groups,
        } = asked;
        if doc.text().len() < EXPLAIN_IN_FRAME_BELOW {
            let value = work(doc, engine, index, req, decision, no_local_groups);
            self.explained = Some(Cached {
                key: key.clone(),
                value,
            });
            return;
        }
        let text = doc.text().to_string();
        let index = index.cloned();
        let (req, d) = (req.clone(), decision.clone());
        let worker = Worker::start(move || {
            let doc = Version::from_text(text);
            work(&doc, None, index.as_ref(), &req, &d, no_local_groups)
        });
        self.working = Some((key.clone(), worker));
    }
}

/// The rest of the answer, with `engine` when one compiled from `doc` is
/// at hand (else one is compiled for the feature).
fn work(
    doc: &Version,
    engine: Option<&Engine>,
    index: Option<&PoolIndex>,
    req: &Request,
    d: &Decision,
    no_local_groups: bool,
) -> ExplainedAnswer {
    let compiled;
    let engine = match engine {
        Some(e) => e,
        None => {
            compiled = Engine::for_features(doc.config(), &[req.feature.as_str()]);
            &compiled
        }
    };
    // Pool edits are splices of a text: the pool written out as JSON.
    let pool_text = index.and_then(|i| serde_json::to_string_pretty(&i.pool).ok());
    let pool_file = pool_text
        .as_deref()
        .zip(index)
        .map(|(text, index)| PoolFile { text, index });
    let budget = Budget {
        deadline: Some(std::time::Instant::now() + TIME_BUDGET),
        ..Budget::default()
    };
    let explained = explained(
        doc,
        engine,
        pool_file,
        req,
        d,
        ExplainedOptions {
            no_local_groups,
            suggestions: true,
        },
        &budget,
    );
    ExplainedAnswer {
        explained,
        pool_text,
    }
}
