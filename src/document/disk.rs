//! The document's file on disk: how it is written so that nothing is lost,
//! and how a change by another program is noticed.
//!
//! Promises (tests in `tests/it/save.rs` and this module):
//! - **Atomic.** The new bytes go to a temporary file in the real file's
//!   folder, which is flushed (`fsync`) and renamed over it; the folder is
//!   synced. On Windows the rename is `ReplaceFileW`, which keeps the
//!   file's attributes and security descriptor, and a file another
//!   program holds open is tried again briefly (`windows.rs`). A failure at any point leaves the file as it was and no
//!   temporary file.
//! - **What the file was, it stays.** Its mode, owner and group (where the
//!   process may set them) are given to the new file before the rename. A
//!   symlink stays a symlink: the real file behind it is written. A file
//!   with other hard links is not silently split from them: the save says
//!   so ([`SaveError::HardLinked`]) and the caller picks writing in place
//!   (every name sees the new text) or breaking the link.
//! - **Permission is the filesystem's word.** A read-only mode, or a file
//!   `access(2)` says this user may not write, is refused even when the
//!   folder would let a rename replace it.
//! - **The `.bak`** holds the previous content, written atomically with
//!   the file's own mode and owner (never wider), replacing a stale
//!   read-only one; it is written only once the new file is ready, and not
//!   at all when the file already holds what is saved.
//! - **Changed on disk** means another inode, size or time, or other bytes
//!   than were read (a hash), so a same-size replacement whose time was
//!   put back is still noticed.

use std::hash::Hasher as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Why a save failed. The document keeps its edits either way.
#[derive(Debug)]
pub enum SaveError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file on disk changed since it was opened or last saved.
    ChangedOnDisk {
        path: PathBuf,
    },
    /// The file has other hard links: replacing it would silently split
    /// them. Save again with [`HardLinks::InPlace`] or [`HardLinks::Break`].
    HardLinked {
        path: PathBuf,
        links: u64,
    },
    NoPath,
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Io { path, error } => write!(
                f,
                "could not save {}: {error}. Your edits are kept; try Save As to another folder",
                path.display()
            ),
            SaveError::ChangedOnDisk { path } => write!(
                f,
                "{} was changed by another program since you opened it",
                path.display()
            ),
            SaveError::HardLinked { path, links } => write!(
                f,
                "{} has {} other hard link(s): saving as usual would leave them with the old text",
                path.display(),
                links - 1
            ),
            SaveError::NoPath => write!(f, "the document has no file yet; use Save As"),
        }
    }
}

impl std::error::Error for SaveError {}

/// What a save does with a file that has other hard links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HardLinks {
    /// Refuse with [`SaveError::HardLinked`], so that the user is asked.
    #[default]
    Ask,
    /// Write the new text into the file itself: every name sees it (not
    /// atomic: a crash mid-write can tear it).
    InPlace,
    /// Replace this name with a new file (atomic); the other names keep
    /// the old text.
    Break,
}

/// How to save.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaveOptions {
    /// Write even though another program changed the file.
    pub overwrite_changed: bool,
    /// Keep the previous content as `FILE.bak`.
    pub backup: bool,
    pub hard_links: HardLinks,
}

/// The identity and content of a file on disk, to notice changes by other
/// programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskStamp {
    modified: Option<SystemTime>,
    len: u64,
    /// Device and inode: a replacement is another file.
    id: Option<(u64, u64)>,
    /// Of the bytes read or written.
    hash: u64,
}

pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

/// The file's identity: device and inode on Unix, volume and file index on
/// Windows.
#[cfg(unix)]
fn file_id(_path: &Path, meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    Some((meta.dev(), meta.ino()))
}

#[cfg(windows)]
fn file_id(path: &Path, _meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    super::windows::file_info(path).map(|(id, _)| id)
}

#[cfg(not(any(unix, windows)))]
fn file_id(_path: &Path, _meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

impl DiskStamp {
    /// The stamp of `path` holding `bytes` (just read or written).
    pub fn of(path: &Path, bytes: &[u8]) -> Option<DiskStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(DiskStamp {
            modified: meta.modified().ok(),
            len: meta.len(),
            id: file_id(path, &meta),
            hash: hash(bytes),
        })
    }

    /// Whether `path` looks like another file than this stamp's, from its
    /// metadata alone (cheap: for every frame).
    pub fn differs_outwardly(&self, path: &Path) -> bool {
        match std::fs::metadata(path) {
            Ok(meta) => {
                meta.modified().ok() != self.modified
                    || meta.len() != self.len
                    || file_id(path, &meta) != self.id
            }
            Err(_) => true,
        }
    }

    /// Whether `path` holds anything but the bytes this stamp was made of:
    /// the metadata, then the bytes themselves.
    pub fn differs(&self, path: &Path) -> bool {
        if self.differs_outwardly(path) {
            return true;
        }
        match crate::input::read_bytes(path) {
            Ok(bytes) => hash(&bytes) != self.hash,
            Err(_) => true,
        }
    }
}

/// The file a save writes for `path`: the real file behind a chain of
/// symlinks (relative links resolved from their own folder), else `path`.
pub fn real_file(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&at) {
                Ok(target) => {
                    at = match at.parent() {
                        Some(dir) if target.is_relative() => dir.join(target),
                        _ => target,
                    };
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    at
}

/// Refuses a file this process may not write: a read-only mode, or the
/// filesystem's own answer (`access(2)`: ownership, ACLs, a read-only
/// mount), which a writable folder would otherwise let a rename override.
pub fn check_writable(path: &Path, meta: &std::fs::Metadata) -> std::io::Result<()> {
    if meta.permissions().readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    #[cfg(windows)]
    super::windows::check_acl_writable(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
        // SAFETY: access(2) with a valid NUL-terminated path.
        if unsafe { libc::access(c.as_ptr(), libc::W_OK) } != 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "you may not write this file ({})",
                    std::io::Error::last_os_error()
                ),
            ));
        }
    }
    Ok(())
}

/// How the bytes reach a file (tests make it fail like a full disk).
pub type WriteFn = fn(&mut std::fs::File, &[u8]) -> std::io::Result<()>;

pub fn write_all(file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Gives the new file the old one's owner, group and mode, in that order
/// (a change of owner may clear set-id bits). The owner is kept where the
/// process may set it; the mode always.
fn take_over(file: &std::fs::File, like: &std::fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())).is_err() {
            // Not root: the group may still be one of ours.
            let _ = std::os::unix::fs::fchown(file, None, Some(like.gid()));
        }
    }
    file.set_permissions(like.permissions())
}

/// A temporary file beside `path` holding `bytes`, synced, with `like`'s
/// owner and mode; renamed over `path` by [`Prepared::commit`], removed if
/// dropped.
pub struct Prepared {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

pub fn prepare(
    path: &Path,
    bytes: &[u8],
    like: Option<&std::fs::Metadata>,
    write: WriteFn,
) -> std::io::Result<Prepared> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".privy-save-")
        .suffix(".tmp")
        .tempfile_in(folder_of(path))?;
    write(tmp.as_file_mut(), bytes)?;
    tmp.flush()?;
    if let Some(like) = like {
        take_over(tmp.as_file(), like)?;
    }
    tmp.as_file().sync_all()?;
    Ok(Prepared {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Prepared {
    #[cfg(windows)]
    pub fn commit(self) -> std::io::Result<()> {
        // ReplaceFileW keeps the replaced file's attributes and security
        // descriptor, and a file held open is tried again (windows.rs).
        super::windows::commit(self.tmp, &self.path)
    }

    #[cfg(not(windows))]
    pub fn commit(self) -> std::io::Result<()> {
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        // Make the rename itself durable.
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(folder_of(&self.path)) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically (see the module's promises): the
/// old file's mode and owner are kept; a read-only or unwritable file is
/// refused.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, bytes, write_all)
}

/// [`write_atomic`] with the writing of the bytes given.
pub fn write_atomic_with(path: &Path, bytes: &[u8], write: WriteFn) -> std::io::Result<()> {
    let path = real_file(path);
    let meta = std::fs::metadata(&path).ok();
    if let Some(m) = &meta {
        check_writable(&path, m)?;
    }
    prepare(&path, bytes, meta.as_ref(), write)?.commit()
}

/// Writes `bytes` into the existing file at `path` (its inode, so every
/// hard link sees them), then syncs it.
pub fn write_in_place(path: &Path, bytes: &[u8], write: WriteFn) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    write(&mut f, bytes)?;
    f.sync_all()
}

/// `FILE.bak` beside the real file.
pub fn backup_path(real: &Path) -> PathBuf {
    let mut bak = real.as_os_str().to_owned();
    bak.push(".bak");
    PathBuf::from(bak)
}

/// Saves `bytes` to the document file `path` as the module promises.
/// Returns the real file written (behind any symlink), or `None` when it
/// already held these bytes and nothing was written.
pub fn save(
    path: &Path,
    bytes: &[u8],
    options: SaveOptions,
    write: WriteFn,
) -> Result<Option<PathBuf>, SaveError> {
    let real = real_file(path);
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |error| SaveError::Io { path: p, error }
    };
    let meta = std::fs::metadata(&real).ok();
    let old = match &meta {
        Some(_) => Some(crate::input::read_bytes(&real).map_err(|e| SaveError::Io {
            path: real.clone(),
            error: std::io::Error::other(e.to_string()),
        })?),
        None => None,
    };
    if old.as_deref() == Some(bytes) {
        // Nothing to write: the file and its .bak stay as they are.
        return Ok(None);
    }
    if let Some(m) = &meta {
        check_writable(&real, m).map_err(io(&real))?;
    }
    let links = meta.as_ref().map_or(1, |m| link_count(&real, m));
    let in_place = links > 1 && options.hard_links == HardLinks::InPlace;
    if links > 1 && options.hard_links == HardLinks::Ask {
        return Err(SaveError::HardLinked {
            path: path.to_path_buf(),
            links,
        });
    }
    // The new file is made whole before the .bak is touched: a save that
    // fails leaves both as they were.
    let prepared = if in_place {
        None
    } else {
        Some(prepare(&real, bytes, meta.as_ref(), write).map_err(io(&real))?)
    };
    if options.backup
        && let (Some(old), Some(m)) = (&old, &meta)
    {
        let bak = backup_path(&real);
        // The .bak is replaced atomically whatever its own mode (a stale
        // read-only one does not block), with the file's mode and owner.
        prepare(&bak, old, Some(m), write)
            .and_then(Prepared::commit)
            .map_err(io(&bak))?;
    }
    match prepared {
        Some(p) => p.commit().map_err(io(&real))?,
        None => write_in_place(&real, bytes, write).map_err(io(&real))?,
    }
    Ok(Some(real))
}

#[cfg(unix)]
fn link_count(_path: &Path, meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    meta.nlink()
}

#[cfg(windows)]
fn link_count(path: &Path, _meta: &std::fs::Metadata) -> u64 {
    super::windows::file_info(path).map_or(1, |(_, links)| links)
}

#[cfg(not(any(unix, windows)))]
fn link_count(_path: &Path, _meta: &std::fs::Metadata) -> u64 {
    1
}
