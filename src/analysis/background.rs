//! The access diff worked out beside the window: a worker thread compares
//! two versions while the window goes on drawing, and the window picks the
//! answer up when it is there. Nothing here draws.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use super::{Budget, Diff, TIME_BUDGET, Versions, diff};
use crate::document::Document;
use crate::model::Config;

/// One comparison under way or done.
pub struct Job {
    rx: Option<Receiver<Diff>>,
    result: Option<Diff>,
    pub started: Instant,
}

impl Job {
    /// Starts comparing `old_text` (parsed on the worker) with `new`.
    pub fn start(old_text: String, new: Arc<Config>) -> Job {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let old = Document::from_text(old_text);
            let budget = Budget {
                deadline: Some(Instant::now() + TIME_BUDGET),
                ..Budget::default()
            };
            let d = diff(
                Versions {
                    old: old.config(),
                    new: &new,
                    pool: None,
                },
                &[],
                &budget,
            );
            let _ = tx.send(d);
        });
        Job {
            rx: Some(rx),
            result: None,
            started: Instant::now(),
        }
    }

    /// The answer, once the worker has sent it.
    pub fn poll(&mut self) -> Option<&Diff> {
        if let Some(rx) = &self.rx {
            match rx.try_recv() {
                Ok(d) => {
                    self.result = Some(d);
                    self.rx = None;
                }
                Err(TryRecvError::Disconnected) => self.rx = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        self.result.as_ref()
    }

    /// Whether the worker is still at it.
    pub fn working(&self) -> bool {
        self.rx.is_some()
    }
}

/// The findings over every principal (`effect::findings`) worked out
/// beside the window for one version of the file.
pub struct FindingsJob {
    rx: Option<Receiver<super::effect::Findings>>,
    result: Option<super::effect::Findings>,
}

impl FindingsJob {
    /// Starts on `cfg` (read without syntax errors: else there are none).
    pub fn start(cfg: Arc<Config>) -> FindingsJob {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let engine = crate::engine::Engine::new(&cfg);
            let budget = Budget {
                deadline: Some(Instant::now() + super::effect::TIME_BUDGET),
                ..Budget::default()
            };
            let _ = tx.send(super::effect::findings(&cfg, &engine, &budget));
        });
        FindingsJob {
            rx: Some(rx),
            result: None,
        }
    }

    /// Already worked out (a small file, in the window's own frame).
    pub fn done(f: super::effect::Findings) -> FindingsJob {
        FindingsJob {
            rx: None,
            result: Some(f),
        }
    }

    /// The findings, once the worker has sent them.
    pub fn poll(&mut self) -> Option<&super::effect::Findings> {
        if let Some(rx) = &self.rx {
            match rx.try_recv() {
                Ok(f) => {
                    self.result = Some(f);
                    self.rx = None;
                }
                Err(TryRecvError::Disconnected) => self.rx = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        self.result.as_ref()
    }
}

/// Any work beside the window: a worker thread computes a value while the
/// window goes on drawing, and the window picks it up when it is there
/// (the tidy and its proofs; the older jobs above are of the same shape).
pub struct Worker<T> {
    rx: Option<Receiver<T>>,
    result: Option<T>,
    pub started: Instant,
}

impl<T> std::fmt::Debug for Worker<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("working", &self.rx.is_some())
            .field("done", &self.result.is_some())
            .finish()
    }
}

impl<T: Send + 'static> Worker<T> {
    /// Starts `work` on its own thread.
    pub fn start(work: impl FnOnce() -> T + Send + 'static) -> Worker<T> {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(work());
        });
        Worker {
            rx: Some(rx),
            result: None,
            started: Instant::now(),
        }
    }

    /// The value, once the worker has sent it.
    pub fn poll(&mut self) -> Option<&T> {
        if let Some(rx) = &self.rx {
            match rx.try_recv() {
                Ok(v) => {
                    self.result = Some(v);
                    self.rx = None;
                }
                Err(TryRecvError::Disconnected) => self.rx = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        self.result.as_ref()
    }

    /// Whether the worker is still at it.
    pub fn working(&self) -> bool {
        self.rx.is_some()
    }
}
