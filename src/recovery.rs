//! Recovery of unsaved edits after a crash or a kill. While a document has
//! unsaved changes, the editor writes its text every few seconds to a
//! recovery file in the user's own profile folder (readable by the user
//! only, since the text may hold passwords); saving, discarding or closing
//! normally removes it. At the next start, what is left over is offered
//! back.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One recovery file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovered {
    /// The document's file, if it had one.
    pub path: Option<PathBuf>,
    /// Seconds since the Unix epoch when it was written.
    pub saved_at: u64,
    /// The document's text with the unsaved edits.
    pub text: String,
}

/// The folder recovery files live in.
#[derive(Debug, Clone)]
pub struct Recovery {
    dir: PathBuf,
}

impl Recovery {
    /// The user's own folder for it: on Windows
    /// `%LOCALAPPDATA%\privy\recovery` (where Windows apps keep local
    /// state, not roamed between machines); elsewhere
    /// `$XDG_STATE_HOME/privy/recovery`, else `~/.local/state/privy/recovery`.
    pub fn in_profile() -> Option<Recovery> {
        Some(Recovery::at(state_dir()?.join("privy").join("recovery")))
    }

    pub fn at(dir: impl Into<PathBuf>) -> Recovery {
        Recovery { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The recovery file for a document: one per file (by its absolute
    /// path), one per untitled document of this process.
    fn file_for(&self, path: Option<&Path>) -> PathBuf {
        use std::hash::{Hash, Hasher};
        let name = match path {
            Some(p) => {
                // The path as the user named it, links not followed: a save
                // through a symlink (or one that replaced the link) still
                // finds the same recovery file, and each path has its own.
                let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
                let mut h = std::collections::hash_map::DefaultHasher::new();
                // Windows names `C:\Rules\a.json` and `c:\rules\A.JSON`
                // alike: one file, one recovery file.
                if cfg!(windows) {
                    p.to_string_lossy().to_lowercase().hash(&mut h);
                } else {
                    p.hash(&mut h);
                }
                format!("file-{:016x}.json", h.finish())
            }
            None => format!("untitled-{}.json", std::process::id()),
        };
        self.dir.join(name)
    }

    /// Writes (atomically) the unsaved text of the document at `path`.
    pub fn write(&self, path: Option<&Path>, text: &str) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let saved_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let record = Recovered {
            path: path.map(Path::to_path_buf),
            saved_at,
            text: text.to_string(),
        };
        let bytes = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
        // The temporary file write_atomic renames into place is created
        // readable by the user only.
        crate::document::write_atomic(&self.file_for(path), &bytes)
    }

    /// Removes the recovery file of the document at `path` (after a save,
    /// a discard or a normal close).
    pub fn remove(&self, path: Option<&Path>) {
        let _ = std::fs::remove_file(self.file_for(path));
    }

    /// What earlier sessions left, newest first. Unreadable or foreign
    /// files are skipped.
    pub fn pending(&self) -> Vec<(PathBuf, Recovered)> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mine = self.file_for(None);
        let mut found: Vec<(PathBuf, Recovered)> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && *p != mine)
            .filter_map(|p| {
                let bytes = std::fs::read(&p).ok()?;
                let r: Recovered = serde_json::from_slice(&bytes).ok()?;
                Some((p, r))
            })
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.1.saved_at));
        found
    }

    /// Drops a leftover found by [`pending`](Self::pending).
    pub fn discard(&self, file: &Path) {
        if file.starts_with(&self.dir) {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Where this platform keeps an app's local state.
fn state_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        var("LOCALAPPDATA").or_else(|| var("USERPROFILE").map(|h| h.join("AppData").join("Local")))
    } else {
        var("XDG_STATE_HOME").or_else(|| var("HOME").map(|h| h.join(".local").join("state")))
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_then_found_then_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rec = Recovery::at(dir.path().join("recovery"));
        let file = dir.path().join("ServerConfig.json");
        std::fs::write(&file, "{}").expect("write");
        rec.write(Some(&file), "{\"TCP_PORT\": 1}").expect("write");
        rec.write(Some(&file), "{\"TCP_PORT\": 2}").expect("again");
        // Another process's view: one leftover, the latest text.
        let other = Recovery::at(dir.path().join("recovery"));
        let found = other.pending();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.text, "{\"TCP_PORT\": 2}");
        assert_eq!(
            found[0].1.path.as_deref().and_then(|p| p.file_name()),
            file.file_name()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(
                mode(&found[0].0).ok(),
                Some(0o600),
                "only the user reads it"
            );
            assert_eq!(mode(other.dir()).ok(), Some(0o700));
        }
        rec.remove(Some(&file));
        assert!(other.pending().is_empty());
    }

    #[test]
    fn untitled_documents_of_this_process_are_not_offered_back_to_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rec = Recovery::at(dir.path());
        rec.write(None, "{}").expect("write");
        assert!(rec.pending().is_empty());
        std::fs::write(dir.path().join("not-ours.json"), "garbage").expect("write");
        assert!(rec.pending().is_empty(), "foreign files are skipped");
    }
}
