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

#[cfg(unix)]
#[test]
fn a_read_only_file_is_a_clear_error_and_keeps_the_edits() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::write(&path, TEXT).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
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
