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
use crate::engine::pool::Pool;
use crate::engine::{Decision, Engine, Request};

use super::session::{Cached, FormKey, SimState, fresh};

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
        let pool = self
            .use_pool
            .then(|| self.pool.clone())
            .filter(|p| p.clone().index().is_ok());
        if doc.text().len() < BACKGROUND_FROM {
            // A few milliseconds: in the frame, so the answer comes with
            // the verdict.
            let value = work(doc, pool, req, d, self.form.no_local_groups);
            self.explained = Some(Cached {
                key: key.clone(),
                value,
            });
            return;
        }
        let text = doc.text().to_string();
        let no_local_groups = self.form.no_local_groups;
        let (req, d, key) = (req.clone(), d.clone(), key.clone());
        let handle = std::thread::spawn(move || {
            work(&Document::from_text(text), pool, &req, &d, no_local_groups)
        });
        self.explaining = Some(Explaining { key, handle });
    }
}

/// From this size on, the rest of the answer is worked out on a worker:
/// each suggested edit is decided in a re-read copy of the file and
/// diffed, tens of milliseconds each on a 5 000-rule file.
const BACKGROUND_FROM: usize = 128 * 1024;

fn work(
    doc: &Document,
    pool: Option<Pool>,
    req: &Request,
    d: &Decision,
    no_local_groups: bool,
) -> ExplainedAnswer {
    let engine = Engine::for_features(doc.config(), &[req.feature.as_str()]);
    let pool_text = pool
        .as_ref()
        .and_then(|p| serde_json::to_string_pretty(p).ok());
    let index = pool_text
        .as_deref()
        .and_then(|t| Pool::from_json(t).and_then(Pool::index).ok());
    let pool_file = pool_text
        .as_deref()
        .zip(index.as_ref())
        .map(|(text, index)| PoolFile { text, index });
    let budget = Budget {
        deadline: Some(std::time::Instant::now() + TIME_BUDGET),
        ..Budget::default()
    };
    let explained = explained(
        doc,
        &engine,
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
