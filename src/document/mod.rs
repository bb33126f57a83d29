//! A `ServerConfig.json` document: its exact text, the parse, the model and
//! the diagnostics, with edits, undo/redo and safe saving.
//!
//! The text is the source of truth. An edit is a splice of the text, so
//! bytes outside the edited value never change: key order, unknown keys,
//! comments, indentation, the byte order mark and CRLF line endings all
//! survive. After a splice the text is parsed and checked again: in part
//! when it replaced one string value of a rule or group field by another
//! (typing in a field; see `Document::follow`), otherwise whole. Saving
//! writes a temporary file in the same folder, flushes it to disk and
//! renames it over the original.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::json::edit::{self, EditError, Style};
use crate::json::parse::{Parsed, TextEdit, parse};
use crate::json::{LineIndex, Span};
use crate::model::Config;
use crate::validate;

mod disk;
mod history;
mod reparse;
mod version;
#[cfg(windows)]
mod windows;

pub use history::History;
use reparse::Followed;
pub use version::Version;

pub use crate::input::{LoadError, MAX_INPUT_BYTES as MAX_FILE_BYTES, decode};
use disk::DiskStamp;
pub use disk::{
    HardLinks, SaveError, SaveOptions, backup_path, real_file, write_atomic, write_atomic_with,
};

/// What is worked out of a whole text.
struct Loaded {
    version: Version,
    analysis: validate::Analysis,
    diagnostics: Vec<Diagnostic>,
}

/// Parses and checks a whole text. (Building the line index beside the
/// parse and finding the password values beside the checks, on threads of
/// their own, saved nothing measurable on this project's 2-core machine.)
fn load(text: String, threads: crate::par::Threads) -> Loaded {
    let parsed = parse(&text);
    let config = version::model_of(&parsed, &text, threads);
    let (analysis, diagnostics) = checked(&parsed, &config, threads);
    Loaded {
        version: Version::of(text, parsed, config),
        analysis,
        diagnostics,
    }
}

/// The findings of a parsed text and its model, in parts and all of them.
fn checked(
    parsed: &Parsed,
    config: &Config,
    threads: crate::par::Threads,
) -> (validate::Analysis, Vec<Diagnostic>) {
    let analysis = validate::Analysis::new_with(parsed, config, threads);
    let diagnostics = analysis.diagnostics(parsed);
    (analysis, diagnostics)
}

fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A structured edit, addressed by JSON Pointer.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    SetValue {
        pointer: String,
        value: serde_json::Value,
    },
    InsertMember {
        pointer: String,
        key: String,
        value: serde_json::Value,
        index: Option<usize>,
    },
    RemoveMember {
        pointer: String,
        key: String,
    },
    InsertItem {
        pointer: String,
        value: serde_json::Value,
        index: Option<usize>,
    },
    RemoveItem {
        pointer: String,
        index: usize,
    },
    MoveItem {
        pointer: String,
        from: usize,
        to: usize,
    },
    /// A raw replacement of a byte range (fixes, the raw text view).
    Text(TextEdit),
}

/// What an undo step did, for naming it ("Undo edit of Deny checkouts
/// rule 2 USERS"): the kind of the first edit and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepWhat {
    pub kind: StepKind,
    /// The JSON Pointer the edit names (the value set, the object or array
    /// changed); empty for a raw text edit.
    pub pointer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Set,
    Add,
    Remove,
    Move,
    Text,
}

impl StepWhat {
    fn of(edit: &Edit) -> StepWhat {
        let (kind, pointer) = match edit {
            Edit::SetValue { pointer, .. } => (StepKind::Set, pointer.clone()),
            Edit::InsertMember { pointer, key, .. } => (
                StepKind::Set,
                format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
            ),
            Edit::RemoveMember { pointer, key } => (
                StepKind::Remove,
                format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
            ),
            Edit::InsertItem { pointer, .. } => (StepKind::Add, pointer.clone()),
            Edit::RemoveItem { pointer, index } => (StepKind::Remove, format!("{pointer}/{index}")),
            Edit::MoveItem { pointer, from, .. } => (StepKind::Move, format!("{pointer}/{from}")),
            Edit::Text(_) => (StepKind::Text, String::new()),
        };
        StepWhat { kind, pointer }
    }
}

/// One undo step: the inverse splices, applied last-first.
#[derive(Debug, Clone)]
struct UndoStep {
    /// Identifies the state the step leads to, for the saved marker.
    id: u64,
    inverse: Vec<TextEdit>,
    /// Consecutive edits with the same group (typing in one field) merge.
    group: Option<String>,
    what: StepWhat,
}

#[derive(Debug, Clone)]
pub struct Document {
    path: Option<PathBuf>,
    /// The text, its parse, model, line index and style.
    version: Version,
    /// The findings in parts, for checking an edit in part.
    analysis: validate::Analysis,
    diagnostics: Vec<Diagnostic>,
    disk: Option<DiskStamp>,
    /// The undo step on top when the file was loaded or saved (`None`: the
    /// empty stack); unsaved changes exist when the top differs.
    saved_top: Option<u64>,
    next_step: u64,
    /// Counts text changes, so views can cache what they derive from it.
    generation: u64,
    /// The generation before the latest change, and what that change
    /// touched, when it was one splice analysed in part.
    last_change: Option<(u64, validate::Touched)>,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    /// How many threads loading may use.
    threads: crate::par::Threads,
}

impl Document {
    /// A document from text (not tied to a file).
    pub fn from_text(text: impl Into<String>) -> Self {
        Document::from_text_with(text, crate::par::Threads::Auto)
    }

    /// [`Document::from_text`], loaded on `threads` threads (this and
    /// every later analysis of the whole text).
    pub fn from_text_with(text: impl Into<String>, threads: crate::par::Threads) -> Self {
        let Loaded {
            version,
            analysis,
            diagnostics,
        } = load(text.into(), threads);
        Document {
            path: None,
            version,
            analysis,
            diagnostics,
            disk: None,
            saved_top: None,
            next_step: 1,
            generation: next_generation(),
            last_change: None,
            undo: Vec::new(),
            redo: Vec::new(),
            threads,
        }
    }

    /// Opens a file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text = crate::input::read_text(path)?;
        let disk = DiskStamp::of(path, text.as_bytes());
        let mut doc = Document::from_text(text);
        doc.path = Some(path.to_path_buf());
        doc.disk = disk;
        Ok(doc)
    }

    /// Checks the whole text again (its parse and model are up to date).
    fn analyse(&mut self) {
        (self.analysis, self.diagnostics) =
            checked(&self.version.parsed, &self.version.config, self.threads);
    }

    /// The version of the file as it is now, for the analyses.
    pub fn version(&self) -> &Version {
        &self.version
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    pub fn text(&self) -> &str {
        &self.version.text
    }
    pub fn parsed(&self) -> &Parsed {
        &self.version.parsed
    }
    pub fn config(&self) -> &Config {
        &self.version.config
    }
    /// The model, shared: for work on another thread (the simulator
    /// compiles a large file's engine off the window's thread). The document
    /// copies it before changing it while such a share is alive.
    pub fn shared_config(&self) -> std::sync::Arc<Config> {
        std::sync::Arc::clone(&self.version.config)
    }
    /// The password values of the text, to mask in everything shown or
    /// printed of it (worked out once per version of the text).
    pub fn secrets(&self) -> &crate::secrets::Secrets {
        self.version.secrets()
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
    /// How many of the findings are errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .count()
    }
    pub fn lines(&self) -> &LineIndex {
        &self.version.lines
    }
    pub fn style(&self) -> &Style {
        &self.version.style
    }
    /// Whether the text is standard JSON (no syntax errors).
    pub fn is_json(&self) -> bool {
        self.version.parsed.errors.is_empty()
    }
    /// Changes whenever the text does (edit, undo, redo, reload). Unique
    /// across documents, so a view can cache what it derives from the text
    /// under this number.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The findings in parts (which groups each rule and group names).
    pub fn analysis(&self) -> &validate::Analysis {
        &self.analysis
    }

    /// When the latest change was one edit of a field of one rule, or of one
    /// group's MEMBERS: the generation before it and what it touched. Views
    /// that derive things from the document use it to redo only what that
    /// edit can change.
    pub fn last_change(&self) -> Option<(u64, validate::Touched)> {
        self.last_change
    }

    pub fn is_dirty(&self) -> bool {
        self.undo.last().map(|s| s.id) != self.saved_top
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.version.lines.line_col_in(&self.version.text, offset)
    }

    /// Turns an edit into the splice that performs it.
    pub fn splice_for(&self, edit: &Edit) -> Result<TextEdit, EditError> {
        self.version.splice_for(edit)
    }

    /// Applies an edit as its own undo step.
    pub fn apply(&mut self, edit: &Edit) -> Result<(), EditError> {
        self.apply_grouped(edit, None)
    }

    /// Applies an edit; consecutive edits with the same `group` (typing in
    /// one field) become one undo step.
    pub fn apply_grouped(&mut self, edit: &Edit, group: Option<&str>) -> Result<(), EditError> {
        let splice = self.splice_for(edit)?;
        if splice.replacement == self.version.text[splice.span.start..splice.span.end] {
            return Ok(()); // no change: no undo step, not dirty
        }
        let mut followed = Followed::default();
        let inverse = self.splice(&splice, &mut followed);
        let merge = group.is_some()
            && self
                .undo
                .last()
                .is_some_and(|s| s.group.as_deref() == group);
        match (merge, self.undo.last_mut()) {
            (true, Some(step)) => step.inverse.push(inverse),
            _ => self.undo.push(UndoStep {
                id: {
                    self.next_step += 1;
                    self.next_step
                },
                inverse: vec![inverse],
                group: group.map(str::to_string),
                what: StepWhat::of(edit),
            }),
        }
        self.redo.clear();
        self.changed(followed);
        Ok(())
    }

    /// Ends the current typing group, so the next edit is a new undo step.
    pub fn break_group(&mut self) {
        if let Some(step) = self.undo.last_mut() {
            step.group = None;
        }
    }

    /// Splices the text. While the analysis still follows the text, the
    /// parse, model and findings are brought up to date with the splice in
    /// part ([`follow`](Self::follow)); once that cannot be done, [`changed`]
    /// (Self::changed) analyses the whole text.
    fn splice(&mut self, edit: &TextEdit, followed: &mut Followed) -> TextEdit {
        let inverse = edit::apply(&mut self.version.text, edit);
        self.version.secrets = std::sync::OnceLock::new();
        followed.splices += 1;
        if !followed.stale {
            match self.follow(edit.span, edit.replacement.len()) {
                Some(touched) => followed.touched = touched,
                None => followed.stale = true,
            }
        }
        inverse
    }

    /// After the text changed by the splices `followed` describes.
    fn changed(&mut self, followed: Followed) {
        let before = self.generation;
        self.generation = next_generation();
        self.last_change = match followed {
            Followed {
                stale: false,
                touched: Some(t),
                splices: 1,
            } => Some((before, t)),
            _ => None,
        };
        if followed.stale {
            let l = load(std::mem::take(&mut self.version.text), self.threads);
            (self.version, self.analysis, self.diagnostics) =
                (l.version, l.analysis, l.diagnostics);
        }
    }

    /// Applies an undo step's splices; gives the step that reverts it and
    /// how the analysis followed.
    fn replay(&mut self, step: UndoStep) -> (UndoStep, Followed) {
        let mut back = Vec::with_capacity(step.inverse.len());
        let mut followed = Followed::default();
        for inv in step.inverse.iter().rev() {
            back.push(self.splice(inv, &mut followed));
        }
        let step = UndoStep {
            id: step.id,
            inverse: back,
            group: None,
            what: step.what,
        };
        (step, followed)
    }

    /// What Undo would take back, and what Redo would do again.
    pub fn undo_what(&self) -> Option<&StepWhat> {
        self.undo.last().map(|s| &s.what)
    }
    pub fn redo_what(&self) -> Option<&StepWhat> {
        self.redo.last().map(|s| &s.what)
    }

    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        let (back, followed) = self.replay(step);
        self.redo.push(back);
        self.changed(followed);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(step) = self.redo.pop() else {
            return false;
        };
        let (back, followed) = self.replay(step);
        self.undo.push(back);
        self.changed(followed);
        true
    }

    /// Whether the file on disk looks changed since it was loaded or last
    /// saved, from its metadata (cheap enough for every frame).
    pub fn changed_on_disk(&self) -> bool {
        match (&self.path, &self.disk) {
            (Some(p), Some(s)) => s.differs_outwardly(p),
            (Some(p), None) => p.exists(),
            _ => false,
        }
    }

    /// Whether the file on disk differs from what was loaded or last saved,
    /// its bytes compared too (a same-size replacement with its time put
    /// back is noticed).
    pub fn changed_on_disk_exactly(&self) -> bool {
        match (&self.path, &self.disk) {
            (Some(p), Some(s)) => s.differs(p),
            (Some(p), None) => p.exists(),
            _ => false,
        }
    }

    /// The real file a save writes: behind a symlink, its target; `None`
    /// when that is the document's path itself.
    pub fn link_target(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let real = real_file(path);
        (real != *path).then_some(real)
    }

    /// Saves to the document's own file. Refuses when the file changed on
    /// disk since it was read, unless `overwrite_changed`, and a file with
    /// other hard links (ask the user, then [`save_with`](Self::save_with)).
    pub fn save(&mut self, overwrite_changed: bool, backup: bool) -> Result<(), SaveError> {
        self.save_with(SaveOptions {
            overwrite_changed,
            backup,
            hard_links: HardLinks::Ask,
        })
    }

    /// Saves as `options` say (see [`disk`] for what a save keeps).
    pub fn save_with(&mut self, options: SaveOptions) -> Result<(), SaveError> {
        self.save_writing(options, disk::write_all)
    }

    /// Saving with the way bytes reach the file given, so tests can make it
    /// fail like a full disk would.
    fn save_writing(
        &mut self,
        options: SaveOptions,
        write: disk::WriteFn,
    ) -> Result<(), SaveError> {
        let path = self.path.clone().ok_or(SaveError::NoPath)?;
        if !options.overwrite_changed && self.changed_on_disk_exactly() {
            return Err(SaveError::ChangedOnDisk { path });
        }
        disk::save(&path, self.version.text.as_bytes(), options, write)?;
        self.disk = DiskStamp::of(&path, self.version.text.as_bytes());
        self.mark_saved();
        Ok(())
    }

    /// Saves under a new name, which becomes the document's file.
    pub fn save_as(&mut self, path: impl AsRef<Path>) -> Result<(), SaveError> {
        let path = path.as_ref().to_path_buf();
        write_atomic(&path, self.version.text.as_bytes()).map_err(|error| SaveError::Io {
            path: path.clone(),
            error,
        })?;
        self.disk = DiskStamp::of(&path, self.version.text.as_bytes());
        self.path = Some(path);
        self.mark_saved();
        Ok(())
    }

    fn mark_saved(&mut self) {
        // Typing after a save must start a new step, or the saved step
        // would silently change.
        self.break_group();
        self.saved_top = self.undo.last().map(|s| s.id);
    }

    /// Replaces the text with the file as it is on disk now, as one undo
    /// step (so the edits it drops can be brought back with Undo). The
    /// document is then unchanged against the disk.
    pub fn reload_from_disk(&mut self) -> Result<(), LoadError> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        let fresh = Document::open(&path)?;
        let whole = Edit::Text(TextEdit {
            span: Span::new(0, self.version.text.len()),
            replacement: fresh.version.text,
        });
        self.break_group();
        if let Err(e) = self.apply(&whole) {
            // A whole-text splice always applies; say so if it ever did not.
            return Err(LoadError::Io {
                path,
                error: std::io::Error::other(e.to_string()),
            });
        }
        self.disk = fresh.disk;
        self.mark_saved();
        Ok(())
    }

    /// The text as it is on disk now (for the review-changes diff).
    pub fn disk_text(&self) -> Option<String> {
        crate::input::read_text(self.path.as_ref()?).ok()
    }
}

/// A fresh file like the vendor's default: every rule list with its empty
/// presets, GROUPS, and the documented settings.
pub const TEMPLATE: &str = include_str!("../../assets/template/ServerConfig.json");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Writes half, then fails as a full disk does.
    fn disk_full(file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
        std::io::Write::write_all(file, &bytes[..bytes.len() / 2])?;
        Err(std::io::Error::from_raw_os_error(28)) // ENOSPC
    }

    #[test]
    fn a_full_disk_leaves_the_file_and_the_edits_as_they_were() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        let original = "{\n    \"TCP_PORT\": 6200\n}\n";
        std::fs::write(&path, original).expect("write");
        let mut doc = Document::open(&path).expect("open");
        doc.apply(&Edit::SetValue {
            pointer: "/TCP_PORT".into(),
            value: json!(6300),
        })
        .expect("edit");
        let err = doc
            .save_writing(
                SaveOptions {
                    backup: true,
                    ..SaveOptions::default()
                },
                disk_full,
            )
            .expect_err("the disk is full");
        let text = err.to_string();
        assert!(
            text.contains("could not save") && text.contains("Your edits are kept"),
            "{text}"
        );
        // The file on disk is the old one, whole; the edit is still there
        // and unsaved; no temporary file is left behind.
        assert_eq!(std::fs::read_to_string(&path).expect("read"), original);
        assert!(doc.is_dirty());
        assert!(doc.text().contains("6300"));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["ServerConfig.json"], "no temp file, no half .bak");
        // Once there is room again, the same document saves.
        doc.save(false, true).expect("save");
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .contains("6300")
        );
    }

    #[test]
    fn undo_redo_and_grouping() {
        let text = "{\n    \"DENY_CHECKOUTS\": [\n        {\"USERS\": \"a\"}\n    ]\n}\n";
        let mut doc = Document::from_text(text);
        assert!(!doc.is_dirty());
        for v in ["ab", "abc", "abcd"] {
            doc.apply_grouped(
                &Edit::SetValue {
                    pointer: "/DENY_CHECKOUTS/0/USERS".into(),
                    value: json!(v),
                },
                Some("/DENY_CHECKOUTS/0/USERS"),
            )
            .expect("edit");
        }
        doc.apply(&Edit::RemoveItem {
            pointer: "/DENY_CHECKOUTS".into(),
            index: 0,
        })
        .expect("remove");
        assert!(doc.is_dirty());
        assert!(doc.undo());
        assert!(doc.text().contains("\"abcd\""));
        assert!(doc.undo());
        assert_eq!(doc.text(), text, "typing is one step");
        assert!(!doc.is_dirty());
        assert!(doc.redo());
        assert!(doc.text().contains("\"abcd\""));
    }

    #[test]
    fn decode_reports_position_of_bad_byte() {
        let mut bytes = b"{\n  \"A\": \"x".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"\"\n}");
        let (line, col, msg) = decode(bytes).expect_err("not utf-8");
        assert_eq!((line, col), (2, 10));
        assert!(msg.contains("UTF-8"));
        assert!(decode(vec![0xFF, 0xFE, b'{', 0]).is_err());
    }

    #[test]
    fn template_is_valid() {
        let doc = Document::from_text(TEMPLATE);
        let errors: Vec<_> = doc
            .diagnostics()
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(doc.config().lists.len(), 7);
    }
}
