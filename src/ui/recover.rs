//! Keeping unsaved edits in a recovery file while the window is open, and
//! offering back what a crashed or killed session left.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{PrivyApp, Section, Status};
use crate::document::{Document, Edit};
use crate::recovery::{Recovered, Recovery};
use crate::spec::RuleKind;

/// How often unsaved edits are written to the recovery file.
pub const EVERY: Duration = Duration::from_secs(3);

/// The recovery state of the window.
pub struct Keeper {
    pub store: Recovery,
    pub every: Duration,
    /// The generation last written, under which document path.
    written: Option<(u64, Option<PathBuf>)>,
    last: Instant,
    /// What earlier sessions left, still to be answered.
    pub leftovers: Vec<(PathBuf, Recovered)>,
}

impl PrivyApp {
    /// Turns on recovery files in `store`, and looks for leftovers of
    /// earlier sessions (those equal to their file on disk are dropped:
    /// nothing was lost).
    pub fn with_recovery(mut self, store: Recovery) -> Self {
        let leftovers = store
            .pending()
            .into_iter()
            .filter(|(file, r)| {
                let same = r
                    .path
                    .as_ref()
                    .and_then(|p| std::fs::read(p).ok())
                    .is_some_and(|disk| disk == r.text.as_bytes());
                if same {
                    store.discard(file);
                }
                !same
            })
            .collect();
        self.keeper = Some(Keeper {
            store,
            every: EVERY,
            written: None,
            last: Instant::now(),
            leftovers,
        });
        self
    }

    /// Leftovers of earlier sessions not yet restored or discarded.
    pub fn leftovers(&self) -> &[(PathBuf, Recovered)] {
        self.keeper.as_ref().map_or(&[], |k| k.leftovers.as_slice())
    }

    /// Sets how often the recovery file is written (tests use zero).
    pub fn set_recovery_interval(&mut self, every: Duration) {
        if let Some(k) = &mut self.keeper {
            k.every = every;
        }
    }

    /// Called once a frame: writes the recovery file when there are unsaved
    /// edits it does not have yet, removes it when there are none.
    pub(super) fn keep_recovery(&mut self, ctx: &egui::Context) {
        // Closing after Discard: the edits were given up on purpose, and
        // the file `drop_recovery` removed must not be written again in the
        // frames before the window goes.
        if self.wants_close {
            return;
        }
        let (Some(k), Some(doc)) = (&mut self.keeper, &self.doc) else {
            return;
        };
        if !doc.is_dirty() {
            if let Some((_, path)) = k.written.take() {
                k.store.remove(path.as_deref());
            }
            return;
        }
        if k.written
            .as_ref()
            .is_some_and(|(g, _)| *g == doc.generation())
        {
            return;
        }
        if k.last.elapsed() < k.every {
            ctx.request_repaint_after(k.every.saturating_sub(k.last.elapsed()));
            return;
        }
        let path = doc.path().map(PathBuf::from);
        // Saved under another name since: the old file goes.
        if let Some((_, old)) = &k.written
            && *old != path
        {
            k.store.remove(old.as_deref());
        }
        match k.store.write(path.as_deref(), doc.text()) {
            Ok(()) => k.written = Some((doc.generation(), path)),
            Err(e) => {
                self.status = Some(Status {
                    text: format!(
                        "Could not write the recovery file in {}: {e}",
                        k.store.dir().display()
                    ),
                    error: true,
                });
                k.written = Some((doc.generation(), path));
            }
        }
        k.last = Instant::now();
    }

    /// The document is closed or replaced on purpose: its recovery file
    /// goes.
    pub(super) fn drop_recovery(&mut self) {
        if let Some(k) = &mut self.keeper
            && let Some((_, path)) = k.written.take()
        {
            k.store.remove(path.as_deref());
        }
    }

    /// Asks what to do with what an earlier session left.
    pub(super) fn recovery_prompt(&mut self, ui: &mut egui::Ui) {
        let Some(k) = &self.keeper else { return };
        // A leftover belongs to its own file: it is offered when that file
        // is open (Restore then puts the edits on it), or when no file is;
        // never over another file the user asked to open (it waits until
        // that file is opened).
        let same = |a: &std::path::Path, b: &std::path::Path| {
            a == b
                || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
        };
        let open = self
            .doc
            .as_ref()
            .map(|d| (d.path().map(PathBuf::from), d.is_dirty()));
        let fits = |rec: &Recovered| match (&open, &rec.path) {
            (None, _) => true,
            (Some((Some(here), _)), Some(there)) => same(here, there),
            (Some((None, false)), None) => true,
            _ => false,
        };
        let Some(at) = k.leftovers.iter().position(|(_, r)| fits(r)) else {
            return;
        };
        let (file, rec) = k.leftovers[at].clone();
        let name = rec
            .path
            .as_ref()
            .map_or("an untitled file".to_string(), |p| p.display().to_string());
        let choice = super::prompts::ask(
            ui,
            "recovery",
            "Unsaved edits from an earlier session",
            &format!(
                "Privy closed without saving your edits to {name} ({}).",
                age(rec.saved_at)
            ),
            Some(
                "Restore opens them as unsaved changes, to review and save; Discard deletes them.",
            ),
            &["Restore", "Discard"],
        );
        let Some(answer) = choice else { return };
        let restore = answer == 0;
        if let Some(k) = &mut self.keeper {
            k.leftovers.remove(at);
            k.store.discard(&file);
        }
        if restore {
            self.restore(rec);
        }
    }

    fn restore(&mut self, rec: Recovered) {
        // The file as it is now (if it still opens), with the recovered
        // text as one undoable edit on top; else an untitled document.
        let mut doc = rec
            .path
            .as_ref()
            .and_then(|p| Document::open(p).ok())
            .unwrap_or_else(|| Document::from_text(rec.text.clone()));
        if doc.text() != rec.text {
            let whole = Edit::Text(crate::json::parse::TextEdit {
                span: crate::json::Span::new(0, doc.text().len()),
                replacement: rec.text,
            });
            if let Err(e) = doc.apply(&whole) {
                self.status = Some(Status {
                    text: format!("Could not restore the edits: {e}"),
                    error: true,
                });
                return;
            }
        }
        self.editor.section = if doc.is_json() {
            Section::Rules(RuleKind::AllowCheckouts)
        } else {
            Section::Raw
        };
        self.status = Some(Status {
            text: "Restored unsaved edits: review them, then save".into(),
            error: false,
        });
        self.doc = Some(doc);
        self.load_error = None;
    }
}

fn age(saved_at: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mins = now.saturating_sub(saved_at) / 60;
    match mins {
        0 => "less than a minute ago".into(),
        1 => "a minute ago".into(),
        m if m < 120 => format!("{m} minutes ago"),
        m if m < 48 * 60 => format!("{} hours ago", m / 60),
        m => format!("{} days ago", m / (60 * 24)),
    }
}
