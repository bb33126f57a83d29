//! The simulator's work kept per rule file: a support engineer simulating
//! one customer's file must not find another customer's pool and request
//! in it. Keyed by the file's absolute path ("" for a new file); kept
//! between runs by the window.

use std::collections::HashMap;
use std::path::Path;

use super::session::{SimSaved, SimState};

/// The simulator state of every file but the open one.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SimByFile(HashMap<String, SimSaved>);

/// The key a file's simulator state is kept under.
pub fn key(path: Option<&Path>) -> String {
    path.map(|p| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .display()
            .to_string()
    })
    .unwrap_or_default()
}

impl SimByFile {
    /// Another file is opened: `sim`'s work on `from` is kept, and `to`'s
    /// (or an empty one) comes back.
    pub fn switch(&mut self, sim: &mut SimState, from: Option<&Path>, to: Option<&Path>) {
        let (from, to) = (key(from), key(to));
        if from == to {
            return;
        }
        self.0.insert(from, sim.saved());
        sim.restore(self.0.remove(&to).unwrap_or_default());
    }

    /// Takes `path`'s kept state back into `sim` (at start-up).
    pub fn restore_into(&mut self, sim: &mut SimState, path: Option<&Path>) {
        if let Some(saved) = self.0.remove(&key(path)) {
            sim.restore(saved);
        }
    }

    /// Everything, with the open file's current state, for keeping.
    pub fn with_open(&self, sim: &SimState, path: Option<&Path>) -> SimByFile {
        let mut all = self.clone();
        all.0.insert(key(path), sim.saved());
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_keeps_its_own_work() {
        let (a, b) = (Path::new("/tmp/a.json"), Path::new("/tmp/b.json"));
        let mut files = SimByFile::default();
        let mut sim = SimState::default();
        sim.form.user = "anna".into();
        files.switch(&mut sim, Some(a), Some(b));
        assert_eq!(sim.form.user, "");
        sim.form.user = "bob".into();
        files.switch(&mut sim, Some(b), Some(a));
        assert_eq!(sim.form.user, "anna");
        let kept = files.with_open(&sim, Some(a));
        let mut again = SimState::default();
        kept.clone().restore_into(&mut again, Some(b));
        assert_eq!(again.form.user, "bob");
    }
}
