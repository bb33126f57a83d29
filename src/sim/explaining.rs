//! The rest of the simulator's answer for the request being typed: whether
//! an unset input could change it, an unknown feature, and for a denial
//! the verified suggestions with their impact. Worked out on a worker
//! thread, so typing never waits for it: the verdict shows at once and
//! this follows a frame or so later ([`SimState::explained`] says `None`
//! until then).

use std::thread::JoinHandle;

use crate::analysis::explained::{Explained, Options, explained};
use crate::analysis::suggest::PoolFile;
use crate::analysis::{Budget, TIME_BUDGET};
use crate::document::Document;
use crate::engine::pool::PoolIndex;
use crate::engine::{Decision, Engine, Request};

use super::session::{Cached, FormKey, SimState, fresh, usable};

/// What a worker hands back: the answer, for the pool text its edits are
/// in (the pool as JSON when the simulator's pool was used).
#[derive(Debug, Clone)]
pub struct ExplainedAnswer {
    pub explained: Explained,
    pub pool_text: Option<String>,
}

/// A worker and the state it works for.
#[derive(Debug)]
pub(crate) struct Explaining {
    key: FormKey,
    handle: JoinHandle<ExplainedAnswer>,
}

impl SimState {
    /// The rest of the answer for the current request, once worked out for
    /// the file and pool as they are now.
    pub fn explained(&self) -> Option<&ExplainedAnswer> {
        let c = self.explained.as_ref()?;
        let d = self.decision.as_ref()?;
        (c.key == d.key).then_some(&c.value)
    }

    /// Whether the rest of the answer is being worked out.
    pub fn explaining(&self) -> bool {
        self.explaining.is_some()
    }

    /// Takes a finished worker's answer and starts one for the current
    /// request when none is fresh (called from `refresh`, after the
    /// decision).
    pub(crate) fn refresh_explained(&mut self, doc: &Document) {
        if self
            .explaining
            .as_ref()
            .is_some_and(|w| w.handle.is_finished())
            && let Some(w) = self.explaining.take()
            && let Ok(value) = w.handle.join()
        {
            self.explained = Some(Cached { key: w.key, value });
        }
        let Some(Cached {
            key,
            value: Ok((req, d)),
        }) = self.decision.as_ref()
        else {
            return;
        };
        if fresh(&self.explained, key) || self.explaining.as_ref().is_some_and(|w| &w.key == key) {
            return;
        }
        if self.explaining.is_some() {
            // One worker at a time; the next frame starts this one.
            return;
        }
        // The pool as the decision used it (the index the session keeps).
        let index = usable(self.use_pool, &self.index);
        let no_local_groups = self.form.no_local_groups;
        if doc.text().len() < BACKGROUND_FROM {
            // A few milliseconds: in the frame, with the session's engine,
            // so the answer comes with the verdict.
            let engine = self
                .engine
                .as_ref()
                .filter(|c| c.key == doc.generation())
                .map(|c| &c.value);
            let value = work(doc, engine, index, req, d, no_local_groups);
            self.explained = Some(Cached {
                key: key.clone(),
                value,
            });
            return;
        }
        let text = doc.text().to_string();
        let index = index.cloned();
        let (req, d, key) = (req.clone(), d.clone(), key.clone());
        let handle = std::thread::spawn(move || {
            let doc = Document::from_text(text);
            work(&doc, None, index.as_ref(), &req, &d, no_local_groups)
        });
        self.explaining = Some(Explaining { key, handle });
    }
}

/// From this size on, the rest of the answer is worked out on a worker:
/// each suggested edit is decided in a re-read copy of the file and
/// diffed, tens of milliseconds each on a 5 000-rule file.
const BACKGROUND_FROM: usize = 128 * 1024;

/// The rest of the answer, with `engine` when one compiled from `doc` is
/// at hand (else one is compiled for the feature).
fn work(
    doc: &Document,
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
        Options {
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
