//! Saving: atomic, keeps permissions, makes a .bak, refuses to overwrite a
//! file changed on disk, and keeps the edits when writing fails.

use privy::document::{Document, Edit, SaveError};
use serde_json::json;

const TEXT: &str =
    "{\r\n\t\"DENY_CHECKOUTS\": [\r\n\t\t{ \"USERS\": \"bob\", \"X_KEEP\": 1 }\r\n\t]\r\n}\r\n";

fn edited(path: &std::path::Path) -> Document {
    let mut doc = Document::open(path).expect("open");
    doc.apply(&Edit::SetValue {
        pointer: "/DENY_CHECKOUTS/0/USERS".into(),
        value: json!("bob;eve"),
    })
    .expect("edit");
    doc
}

#[test]
fn save_writes_only_the_edit_and_keeps_a_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::write(&path, TEXT).expect("write");
    let mut doc = edited(&path);
    assert!(doc.is_dirty());
    doc.save(false, true).expect("save");
    assert!(!doc.is_dirty());
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        TEXT.replace("\"bob\"", "\"bob;eve\"")
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ServerConfig.json.bak")).expect("bak"),
        TEXT
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[cfg(unix)]
#[test]
fn save_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::write(&path, TEXT).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let mut doc = edited(&path);
    doc.save(false, false).expect("save");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::write(&path, TEXT).expect("write");
    let mut doc = edited(&path);
    std::fs::write(&path, "{ \"TCP_PORT\": 1234 }\n").expect("someone else writes");
    assert!(doc.changed_on_disk());
    match doc.save(false, false) {
        Err(SaveError::ChangedOnDisk { .. }) => {}
        other => panic!("expected ChangedOnDisk, got {other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "{ \"TCP_PORT\": 1234 }\n"
    );
    assert!(doc.is_dirty(), "edits are kept");
    doc.save(true, false).expect("overwrite when asked");
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains("bob;eve")
    );
}

#[test]
fn a_read_only_file_is_a_clear_error_and_keeps_the_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::write(&path, TEXT).expect("write");
    // Mode 0444 on Unix, the read-only attribute on Windows.
    let mut perms = std::fs::metadata(&path).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).expect("read-only");
    let mut doc = edited(&path);
    let err = doc.save(false, false).expect_err("read-only");
    assert!(err.to_string().contains("read-only"), "{err}");
    assert!(err.to_string().contains("edits are kept"), "{err}");
    assert!(doc.is_dirty());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), TEXT);
}

#[test]
fn save_as_moves_the_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.json");
    std::fs::write(&path, TEXT).expect("write");
    let mut doc = edited(&path);
    let other = dir.path().join("b.json");
    doc.save_as(&other).expect("save as");
    assert_eq!(doc.path(), Some(other.as_path()));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        TEXT,
        "the original is untouched"
    );
    assert!(!doc.is_dirty());
    let missing_dir = dir.path().join("nope").join("c.json");
    assert!(doc.save_as(&missing_dir).is_err());
}

// ---- what the file was, it stays (docs/reliability.md) --------------------

#[test]
/// On both systems (the link count is `nlink` on Unix,
/// `GetFileInformationByHandle` on Windows).
fn a_hard_link_is_not_broken_without_asking() {
    use privy::document::{HardLinks, SaveOptions};
    let read = |p: &std::path::Path| std::fs::read_to_string(p).expect("read");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let other = dir.path().join("other-name.json");
    std::fs::write(&path, TEXT).expect("write");
    std::fs::hard_link(&path, &other).expect("link");
    let mut doc = edited(&path);
    match doc.save(false, false) {
        Err(SaveError::HardLinked { links: 2, .. }) => {}
        r => panic!("expected HardLinked, got {r:?}"),
    }
    assert_eq!(read(&path), TEXT, "nothing written yet");
    assert!(doc.is_dirty());
    let opts = |hard_links| SaveOptions {
        hard_links,
        ..SaveOptions::default()
    };
    doc.save_with(opts(HardLinks::InPlace)).expect("in place");
    assert!(read(&other).contains("bob;eve"), "every name sees the edit");
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::MetadataExt::nlink(&std::fs::metadata(&path).expect("meta")),
        2
    );

    // Breaking the link: only this name gets the new text.
    let mut doc = Document::open(&path).expect("open");
    doc.apply(&privy::document::Edit::SetValue {
        pointer: "/DENY_CHECKOUTS/0/USERS".into(),
        value: serde_json::json!("zoe"),
    })
    .expect("edit");
    doc.save_with(opts(HardLinks::Break)).expect("break");
    assert!(read(&path).contains("zoe"));
    assert!(!read(&other).contains("zoe"));
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::MetadataExt::nlink(&std::fs::metadata(&path).expect("meta")),
        1
    );
}

#[cfg(unix)]
mod metadata {
    use super::{TEXT, edited};
    use privy::document::{Document, SaveError};
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() == 0 }
    }

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).expect("read")
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o7777
    }

    #[test]
    fn the_owner_and_group_are_kept() {
        if !is_root() {
            eprintln!("skipped: giving a file to another user needs root");
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        std::os::unix::fs::chown(&path, Some(4321), Some(4322)).expect("chown");
        let mut doc = edited(&path);
        doc.save(false, true).expect("save");
        let m = std::fs::metadata(&path).expect("meta");
        assert_eq!((m.uid(), m.gid()), (4321, 4322), "the file stays theirs");
        let b = std::fs::metadata(dir.path().join("ServerConfig.json.bak")).expect("bak");
        assert_eq!((b.uid(), b.gid()), (4321, 4322), "and so does its .bak");
    }

    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real").join("ServerConfig.json");
        std::fs::create_dir(real.parent().expect("parent")).expect("mkdir");
        std::fs::write(&real, TEXT).expect("write");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real/ServerConfig.json", &link).expect("symlink");
        let store = privy::recovery::Recovery::at(dir.path().join("recovery"));
        let mut doc = edited(&link);
        assert_eq!(
            doc.link_target().as_deref(),
            Some(dir.path().join("real/ServerConfig.json").as_path())
        );
        store.write(Some(&link), doc.text()).expect("recovery");
        doc.save(false, true).expect("save");
        store.remove(Some(&link));
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink(),
            "the link is still a link"
        );
        assert!(
            read(&real).contains("bob;eve"),
            "the real file has the edit"
        );
        assert_eq!(read(&dir.path().join("real/ServerConfig.json.bak")), TEXT);
        assert!(
            store.pending().is_empty(),
            "no recovery file is left behind"
        );
        assert!(!doc.is_dirty());
    }

    const CHILD: &str = "PRIVY_UNWRITABLE_SAVE";

    /// The child's side of the next test (returns at once unless started
    /// by it, as another user).
    #[test]
    fn unwritable_save_child() {
        let Ok(path) = std::env::var(CHILD) else {
            return;
        };
        let mut doc = edited(Path::new(&path));
        match doc.save(false, false) {
            Err(e) if e.to_string().contains("may not write") => {}
            r => panic!("saved a file this user may not write: {r:?}"),
        }
    }

    /// A root-owned 0644 file in a folder anyone may write: another user's
    /// save must be refused (a rename would replace it), as the filesystem
    /// says, not the mode bits alone.
    #[test]
    fn a_file_the_user_may_not_write_is_refused_in_a_writable_folder() {
        if !is_root() {
            eprintln!("skipped: needs root to run the save as another user");
            return;
        }
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
            .expect("chmod dir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let mut cmd = std::process::Command::new(std::env::current_exe().expect("exe"));
        cmd.args([
            "--exact",
            "save::metadata::unwritable_save_child",
            "--nocapture",
        ])
        .env(CHILD, &path);
        // SAFETY: setgid/setuid are async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let out = cmd.output().expect("run the child");
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(read(&path), TEXT, "the file is untouched");
        let names = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(names, 1, "no .bak, no temporary file");
    }

    #[test]
    fn the_bak_has_the_files_mode_and_never_blocks_or_lies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        let bak = dir.path().join("ServerConfig.json.bak");
        std::fs::write(&path, TEXT).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        // A stale .bak, read-only and wider than the file.
        std::fs::write(&bak, "stale").expect("bak");
        std::fs::set_permissions(&bak, std::fs::Permissions::from_mode(0o444)).expect("chmod");
        let mut doc = edited(&path);
        doc.save(false, true)
            .expect("a read-only stale .bak does not block");
        assert_eq!(read(&bak), TEXT);
        assert_eq!(mode(&bak), 0o600, "the .bak is no wider than the file");
        // Saving again with nothing changed leaves the .bak as it was.
        doc.save(false, true).expect("save again");
        assert_eq!(read(&bak), TEXT, "Ctrl+S without changes keeps the .bak");
        // A save that fails writes no .bak.
        std::fs::write(&bak, "previous").expect("bak");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).expect("chmod");
        let mut doc = Document::open(&path).expect("open");
        doc.apply(&privy::document::Edit::SetValue {
            pointer: "/DENY_CHECKOUTS/0/USERS".into(),
            value: serde_json::json!("zoe"),
        })
        .expect("edit");
        assert!(doc.save(false, true).is_err(), "read-only");
        assert_eq!(
            read(&bak),
            "previous",
            "a failed save leaves the .bak alone"
        );
    }

    #[test]
    fn a_same_size_replacement_with_its_time_put_back_is_noticed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        let mut doc = edited(&path);
        let when = std::fs::metadata(&path)
            .expect("meta")
            .modified()
            .expect("mtime");
        let other = TEXT.replace("bob", "eve");
        assert_eq!(other.len(), TEXT.len());
        // Rewritten in place (same inode), then as a new file (new inode),
        // each with the old time restored.
        for replace in [false, true] {
            if replace {
                let tmp = dir.path().join("new.json");
                std::fs::write(&tmp, &other).expect("write");
                std::fs::rename(&tmp, &path).expect("rename");
            } else {
                std::fs::write(&path, &other).expect("write");
            }
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(when))
                .expect("restore mtime");
            match doc.save(false, false) {
                Err(SaveError::ChangedOnDisk { .. }) => {}
                r => panic!("overwrote a changed file (replace: {replace}): {r:?}"),
            }
            assert_eq!(read(&path), other);
        }
    }
}

/// Saving on Windows (`src/document/windows.rs`): run under Wine by
/// `scripts/windows.sh test` in CI.
#[cfg(windows)]
mod windows {
    use super::{TEXT, edited};
    use privy::document::{Document, SaveError};
    use std::os::windows::fs::{MetadataExt as _, OpenOptionsExt as _};
    use std::path::Path;

    const FILE_ATTRIBUTE_HIDDEN: u32 = 2;
    const FILE_ATTRIBUTE_ARCHIVE: u32 = 0x20;

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).expect("read")
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        v.sort();
        v
    }

    /// Opened as the license server or an editor may hold it: others may
    /// read it, not delete or replace it.
    fn hold(path: &Path) -> std::fs::File {
        std::fs::OpenOptions::new()
            .read(true)
            .share_mode(1) // FILE_SHARE_READ only
            .open(path)
            .expect("hold")
    }

    #[test]
    fn a_file_held_open_is_refused_intact_after_retrying() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        let mut doc = edited(&path);
        let held = hold(&path);
        let start = std::time::Instant::now();
        let err = doc.save(false, false).expect_err("held open");
        let waited = start.elapsed();
        drop(held);
        let text = err.to_string();
        assert!(text.contains("another program has the file open"), "{text}");
        assert!(text.contains("edits are kept"), "{text}");
        assert!(
            waited >= std::time::Duration::from_millis(1500),
            "{waited:?}: retried"
        );
        assert_eq!(read(&path), TEXT, "the file is intact");
        assert!(doc.is_dirty());
        assert_eq!(
            names(dir.path()),
            ["ServerConfig.json"],
            "no temporary file left"
        );
        // Released, the same save goes through.
        doc.save(false, false).expect("save once released");
        assert!(read(&path).contains("bob;eve"));
    }

    #[test]
    fn a_file_released_while_retrying_is_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        let mut doc = edited(&path);
        let held = hold(&path);
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(400));
            drop(held);
        });
        doc.save(false, true)
            .expect("saved once the other program let go");
        release.join().expect("join");
        assert!(read(&path).contains("bob;eve"));
        assert_eq!(read(&dir.path().join("ServerConfig.json.bak")), TEXT);
    }

    #[test]
    fn the_files_attributes_are_kept() {
        use std::os::windows::ffi::OsStrExt as _;
        use windows_sys::Win32::Storage::FileSystem::SetFileAttributesW;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
        // SAFETY: a NUL-terminated path.
        let ok = unsafe {
            SetFileAttributesW(
                wide.as_ptr(),
                FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE,
            )
        };
        assert_ne!(ok, 0);
        let mut doc = edited(&path);
        doc.save(false, false).expect("save");
        let attrs = std::fs::metadata(&path).expect("meta").file_attributes();
        assert_ne!(attrs & FILE_ATTRIBUTE_HIDDEN, 0, "still hidden: {attrs:#x}");
        assert!(read(&path).contains("bob;eve"));
    }

    #[test]
    fn a_replacement_by_another_program_is_noticed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        let mut doc = edited(&path);
        std::fs::write(&path, TEXT.replace("bob", "BOB")).expect("other program");
        match doc.save(false, false) {
            Err(SaveError::ChangedOnDisk { .. }) => {}
            r => panic!("expected ChangedOnDisk, got {r:?}"),
        }
        let _ = Document::open(&path).expect("still readable");
    }

    #[test]
    fn backslash_and_drive_paths_work_on_the_command_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ServerConfig.json");
        std::fs::write(&path, TEXT).expect("write");
        let shown = path.display().to_string();
        assert!(shown.contains('\\') && shown.contains(':'), "{shown}");
        let (code, out, err) = super::super::common::privy(&["check", &shown]);
        assert_eq!(code, 0, "{out}{err}");
        let pool = dir.path().join("pool.json");
        std::fs::write(
            &pool,
            r#"{"licenses": [{"serial": "S", "features": {"CAD": 1}}]}"#,
        )
        .expect("pool");
        let (code, out, err) = super::super::common::privy(&[
            "explain",
            &shown,
            "--feature",
            "CAD",
            "--user",
            "anna",
            "--pool",
            &pool.display().to_string(),
        ]);
        assert_eq!(code, 0, "{out}{err}");
    }
}
