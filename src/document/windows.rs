//! Saving on Windows: what `disk.rs` promises, with the calls Windows has
//! for it.
//!
//! - **Replacing keeps what the file was.** An existing file is replaced
//!   with `ReplaceFileW`, which gives the new file the old one's
//!   attributes, security descriptor (its ACL: a file written beside and
//!   renamed over would take the folder's inherited permissions instead),
//!   creation time and alternate streams. A new file is moved into place
//!   with `MoveFileExW` (what `tempfile` does).
//! - **A file another program holds open** (the license server, an editor,
//!   a virus scanner) cannot be replaced while it is held without
//!   `FILE_SHARE_DELETE`. Whether it is held is asked first (opening it
//!   for deletion), and asked again for about [`RETRY_FOR`]; if it is
//!   still held, the save fails with [`in_use`]'s message, the file
//!   intact, the temporary file removed. `ReplaceFileW` is called only
//!   once the file is free (a failed call may leave a file of its own).
//! - **Identity and links** come from `GetFileInformationByHandle`: the
//!   volume serial number and file index (another file after a
//!   replacement), and the hard-link count (a file with other names is not
//!   split from them without asking).
//! - **Permission** is the file's read-only attribute and the filesystem's
//!   own answer: opening it for writing (which the ACL decides). A sharing
//!   violation there means "held open", not "not allowed": it is left to
//!   the replace, which retries.

use std::os::windows::ffi::OsStrExt as _;
use std::os::windows::fs::OpenOptionsExt as _;
use std::os::windows::io::AsRawHandle as _;
use std::path::Path;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION,
    ERROR_UNABLE_TO_MOVE_REPLACEMENT, ERROR_UNABLE_TO_MOVE_REPLACEMENT_2,
    ERROR_UNABLE_TO_REMOVE_REPLACED,
};
use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, FILE_FLAG_BACKUP_SEMANTICS, GetFileInformationByHandle,
    MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW,
    REPLACEFILE_IGNORE_MERGE_ERRORS, ReplaceFileW,
};

/// How long a replace is tried again while another program holds the file.
pub const RETRY_FOR: Duration = Duration::from_secs(2);
const PAUSE: Duration = Duration::from_millis(50);

/// Any access, shared with everyone: a look at the file never blocks
/// another program, nor a later replace.
const SHARE_ALL: u32 = 1 | 2 | 4; // FILE_SHARE_READ | WRITE | DELETE

fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain([0]).collect()
}

/// The file's identity and hard-link count: `((volume, index), links)`.
pub fn file_info(path: &Path) -> Option<((u64, u64), u64)> {
    let file = std::fs::OpenOptions::new()
        .access_mode(0)
        .share_mode(SHARE_ALL)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)
        .ok()?;
    // SAFETY: a zeroed plain-data struct, filled by the call from an open
    // handle that outlives it.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    let ok = unsafe { GetFileInformationByHandle(file.as_raw_handle(), &mut info) };
    if ok == 0 {
        return None;
    }
    let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
    Some((
        (u64::from(info.dwVolumeSerialNumber), index),
        u64::from(info.nNumberOfLinks),
    ))
}

/// Refuses a file the ACL does not let this user write. A file held open
/// by another program passes here: the replace retries and says so.
pub fn check_acl_writable(path: &Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new()
        .write(true)
        .share_mode(SHARE_ALL)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.raw_os_error() == Some(ERROR_ACCESS_DENIED as i32) => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("you may not write this file ({e})"),
        )),
        // Held open, or gone: the save itself decides.
        Err(_) => Ok(()),
    }
}

/// Whether an error is another program holding the file (worth a retry).
fn held(code: u32) -> bool {
    matches!(
        code,
        ERROR_SHARING_VIOLATION
            | ERROR_LOCK_VIOLATION
            | ERROR_ACCESS_DENIED
            | ERROR_UNABLE_TO_REMOVE_REPLACED
            | ERROR_UNABLE_TO_MOVE_REPLACEMENT
            | ERROR_UNABLE_TO_MOVE_REPLACEMENT_2
    )
}

/// The error a save gives when the file stayed held open.
pub fn in_use(error: std::io::Error) -> std::io::Error {
    std::io::Error::new(
        error.kind(),
        format!(
            "another program has the file open and does not let it be replaced ({error}); \
             the file is unchanged. Close it there (or wait for the server to release it) and save again"
        ),
    )
}

/// Whether `path` could be replaced now: opened for deletion, shared with
/// everyone, as a replace would need it. The error code otherwise.
fn deletable(path: &Path) -> Result<(), u32> {
    const DELETE: u32 = 0x0001_0000;
    std::fs::OpenOptions::new()
        .access_mode(DELETE)
        .share_mode(SHARE_ALL)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)
        .map(drop)
        .map_err(|e| e.raw_os_error().unwrap_or(0) as u32)
}

fn last_error() -> (u32, std::io::Error) {
    let e = std::io::Error::last_os_error();
    (e.raw_os_error().unwrap_or(0) as u32, e)
}

/// Moves the finished temporary file `tmp` over `target` as the module
/// promises. On failure `tmp` is removed and `target` is as it was.
pub fn commit(tmp: tempfile::NamedTempFile, target: &Path) -> std::io::Result<()> {
    // Closed first: ReplaceFileW moves the replacement by name.
    let tmp = tmp.into_temp_path();
    let from = wide(&tmp);
    let to = wide(target);
    let start = Instant::now();
    loop {
        let exists = std::fs::symlink_metadata(target).is_ok();
        // Held open without FILE_SHARE_DELETE: wait before asking
        // ReplaceFileW, which on a failed try may leave a temporary file
        // of its own in the folder (Wine does: `rf….tmp`).
        if exists && let Err(code) = deletable(target) {
            if !held(code) {
                // Not a sharing problem: ReplaceFileW will say what it is.
            } else if start.elapsed() >= RETRY_FOR {
                return Err(in_use(std::io::Error::from_raw_os_error(code as i32)));
            } else {
                std::thread::sleep(PAUSE);
                continue;
            }
        }
        // SAFETY: NUL-terminated wide strings that outlive the calls.
        let ok = unsafe {
            if exists {
                ReplaceFileW(
                    to.as_ptr(),
                    from.as_ptr(),
                    std::ptr::null(),
                    REPLACEFILE_IGNORE_MERGE_ERRORS,
                    std::ptr::null(),
                    std::ptr::null(),
                )
            } else {
                MoveFileExW(
                    from.as_ptr(),
                    to.as_ptr(),
                    MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH,
                )
            }
        };
        if ok != 0 {
            // The temporary name is gone: nothing for its drop to remove.
            let _ = tmp.keep();
            return Ok(());
        }
        let (code, error) = last_error();
        // ERROR_UNABLE_TO_MOVE_REPLACEMENT without a backup name: the old
        // file is gone and the new one still under its temporary name. The
        // next round moves it into place (the `.bak`, when asked for, was
        // written before this).
        if !held(code) {
            return Err(error);
        }
        if start.elapsed() >= RETRY_FOR {
            return Err(in_use(error));
        }
        std::thread::sleep(PAUSE);
    }
}
