//! The undo history as a list: the edits done and undone, which state of
//! the text was last saved, and a jump to any of them (Undo or Redo as
//! many times as it takes, each as the editor's own Undo does it).

use super::{Document, StepWhat};

/// The undo history. The states of the text are numbered from 0 (before
/// the first edit still in the history) to `done.len() + undone.len()`;
/// state `done.len()` is the text now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History<'a> {
    /// The edits Undo can take back, oldest first.
    pub done: Vec<&'a StepWhat>,
    /// The edits Redo can do again, the next first.
    pub undone: Vec<&'a StepWhat>,
    /// The state that is the text last saved (or as opened), if it is one
    /// of these.
    pub saved: Option<usize>,
}

impl History<'_> {
    /// How many states there are (one more than the edits).
    pub fn states(&self) -> usize {
        self.done.len() + self.undone.len() + 1
    }
}

impl Document {
    /// The undo history, for a list of the edits.
    pub fn history(&self) -> History<'_> {
        let done: Vec<&StepWhat> = self.undo.iter().map(|s| &s.what).collect();
        let undone: Vec<&StepWhat> = self.redo.iter().rev().map(|s| &s.what).collect();
        // A step's id names the state it leads to, as an undo or a redo
        // step alike; the first state has none.
        let saved = std::iter::once(None)
            .chain(self.undo.iter().map(|s| Some(s.id)))
            .chain(self.redo.iter().rev().map(|s| Some(s.id)))
            .position(|id| id == self.saved_top);
        History {
            done,
            undone,
            saved,
        }
    }

    /// Undoes or redoes until the text is state `state` of the history
    /// (0: before every edit in it). False, and nothing done, when there
    /// is no such state.
    pub fn go_to_state(&mut self, state: usize) -> bool {
        if state > self.undo.len() + self.redo.len() {
            return false;
        }
        self.break_group();
        while self.undo.len() > state && self.undo() {}
        while self.undo.len() < state && self.redo() {}
        true
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Edit, StepKind};
    use super::*;

    fn set_port(doc: &mut Document, port: u16) {
        doc.break_group();
        doc.apply(&Edit::SetValue {
            pointer: "/TCP_PORT".into(),
            value: json!(port),
        })
        .expect("edit");
    }

    /// Going to a state is the same text as undoing and redoing to it one
    /// step at a time; the saved state is marked wherever it is.
    #[test]
    fn going_to_a_state_is_undoing_or_redoing_to_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, "{\n    \"TCP_PORT\": 6200\n}\n").expect("write");
        let mut doc = Document::open(&path).expect("open");
        let mut texts = vec![doc.text().to_string()];
        for port in [6301, 6302, 6303] {
            set_port(&mut doc, port);
            texts.push(doc.text().to_string());
        }
        let h = doc.history();
        assert_eq!((h.done.len(), h.undone.len(), h.saved), (3, 0, Some(0)));
        assert!(h.done.iter().all(|w| w.kind == StepKind::Set));
        assert!(doc.go_to_state(1));
        assert_eq!(doc.text(), texts[1]);
        let h = doc.history();
        assert_eq!((h.done.len(), h.undone.len(), h.states()), (1, 2, 4));
        doc.save(false, false).expect("save");
        assert_eq!(doc.history().saved, Some(1));
        assert!(doc.go_to_state(3));
        assert_eq!(doc.text(), texts[3]);
        assert_eq!(doc.history().saved, Some(1), "the saved state stays marked");
        assert!(doc.is_dirty());
        assert!(doc.go_to_state(0));
        assert_eq!(doc.text(), texts[0]);
        assert!(doc.go_to_state(1));
        assert!(!doc.is_dirty(), "back at the state saved");
        assert!(!doc.go_to_state(4), "no fifth state");
        assert_eq!(doc.text(), texts[1]);
        // A new edit drops the states after it, as Redo's do.
        set_port(&mut doc, 6400);
        let h = doc.history();
        assert_eq!((h.done.len(), h.undone.len(), h.saved), (2, 0, Some(1)));
    }
}
