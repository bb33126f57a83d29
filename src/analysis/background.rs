//! Work beside the window: a worker thread computes (the access diff of
//! two versions, the findings, anything a `Worker` is started with) while
//! the window goes on drawing, and the window picks the answer up when it
//! is there. Nothing here draws.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use super::{Budget, Diff, TIME_BUDGET, Versions, diff};
use crate::document::Version;
use crate::model::Config;

/// What the window works out in its own frame, and from which size of the
/// file's text on it goes to a [`Worker`] instead (one place for all of
/// them: the simulator, the request's answer and the findings read these).
///
/// The request's answer (determined, suggestions and their impact): each
/// suggested edit is decided in a re-read copy of the file and diffed,
/// tens of milliseconds each on a 5 000-rule file.
pub const EXPLAIN_IN_FRAME_BELOW: usize = 128 * 1024;
/// The simulator's engine: about 30 ms of compiling at 4 MB; a 12 MB file
/// took 150-250 ms in the window's frame.
pub const COMPILE_IN_FRAME_BELOW: usize = 4 * 1024 * 1024;
/// The findings over every principal: about a millisecond for the
/// example; a larger file's wait for an edit to rest first.
pub const FINDINGS_IN_FRAME_BELOW: usize = 128 * 1024;

/// A file this large (bytes on disk) or larger is opened beside the
/// window, which shows its progress meanwhile.
pub const OPEN_IN_FRAME_BELOW: u64 = 1024 * 1024;

/// The size of the file at `path` when it is opened beside the window
/// (`OPEN_IN_FRAME_BELOW` or more); `None` for one opened in the frame.
pub fn opens_beside(path: &std::path::Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .map(|m| m.len())
        .filter(|&n| n >= OPEN_IN_FRAME_BELOW)
}

/// The access diff of two versions, beside the window.
pub type Job = Worker<Diff>;

/// Starts comparing `old_text` (parsed on the worker) with `new`.
pub fn diff_job(old_text: String, new: Arc<Config>) -> Job {
    Worker::start(move || {
        let old = Version::from_text(old_text);
        let budget = Budget {
            deadline: Some(Instant::now() + TIME_BUDGET),
            ..Budget::default()
        };
        diff(
            Versions {
                old: old.config(),
                new: &new,
                pool: None,
            },
            &[],
            &budget,
        )
    })
}

/// The findings over every principal (`effect::findings`) of one version
/// of the file, beside the window.
pub type FindingsJob = Worker<super::effect::Findings>;

/// Starts the findings of `cfg` (read without syntax errors: else there
/// are none).
pub fn findings_job(cfg: Arc<Config>) -> FindingsJob {
    Worker::start(move || {
        let engine = crate::engine::Engine::new(&cfg);
        let budget = Budget {
            deadline: Some(Instant::now() + super::effect::TIME_BUDGET),
            ..Budget::default()
        };
        super::effect::findings(&cfg, &engine, &budget)
    })
}

/// Any work beside the window: a worker thread computes a value while the
/// window goes on drawing, and the window picks it up when it is there
/// (the diff, the findings, the tidy and its proofs, the access report).
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

    /// Already worked out (a small file, in the window's own frame).
    pub fn done(value: T) -> Worker<T> {
        Worker {
            rx: None,
            result: Some(value),
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

    /// The value, taken out, once the worker has sent it.
    pub fn take(&mut self) -> Option<T> {
        self.poll();
        self.result.take()
    }

    /// Whether the worker has ended: with its value, or without one (it
    /// panicked).
    pub fn finished(&mut self) -> bool {
        self.poll();
        self.rx.is_none()
    }
}
