//! The findings over every principal (`no-effect`, `overridden-in-part`,
//! `denies-everyone-else`) for the window: worked out in the frame for a
//! small file, on a worker for a large one once an edit has rested, and
//! said to be pending until then. Nothing here draws.

use crate::analysis::background::{FINDINGS_IN_FRAME_BELOW, FindingsJob};
use crate::analysis::effect;
use crate::diag::Diagnostic;
use crate::document::Document;

/// How long an edit of a large file rests before the work starts.
const REST_SECONDS: f64 = 0.5;

#[derive(Default)]
pub(crate) struct Beside {
    /// The generation the diagnostics (or the job) are for.
    generation: Option<u64>,
    job: Option<FindingsJob>,
    diags: Vec<Diagnostic>,
    /// A generation first seen, and when: the rest before the work.
    seen: Option<(u64, f64)>,
}

impl Beside {
    /// Follows the document at time `now` (seconds); the delay after which
    /// to look again, while work is pending.
    pub(crate) fn follow(&mut self, doc: &Document, now: f64) -> Option<f64> {
        let generation = doc.generation();
        if self.generation != Some(generation) {
            self.diags.clear();
            self.job = None;
            if doc.text().len() <= FINDINGS_IN_FRAME_BELOW || !doc.parsed().errors.is_empty() {
                let f = effect::of_document(doc.parsed(), doc.config());
                self.job = Some(FindingsJob::done(f));
                self.generation = Some(generation);
            } else {
                let since = match self.seen {
                    Some((g, t)) if g == generation => t,
                    _ => {
                        self.seen = Some((generation, now));
                        now
                    }
                };
                if now - since < REST_SECONDS {
                    return Some(REST_SECONDS - (now - since));
                }
                self.job = Some(crate::analysis::background::findings_job(
                    doc.shared_config(),
                ));
                self.generation = Some(generation);
            }
        }
        let job = self.job.as_mut()?;
        match job.poll() {
            Some(f) => {
                self.diags = crate::words::findings::beside(doc.config(), f, doc.diagnostics());
                // In file order, warnings before notes at one place.
                self.diags
                    .sort_by_key(|d| (d.span.start, d.severity, d.code));
                self.job = None;
                None
            }
            None => Some(0.25),
        }
    }

    /// Whether the findings of the current version are still being worked
    /// out.
    pub(crate) fn pending(&self) -> bool {
        self.job.is_some() || self.seen.is_some_and(|(g, _)| Some(g) != self.generation)
    }

    /// The findings of the version last followed (none while pending).
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// Those about `pointer` (a rule).
    pub(crate) fn at<'a>(&'a self, pointer: &'a str) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diags.iter().filter(move |d| d.pointer == pointer)
    }
}
