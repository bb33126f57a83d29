//! The one guarded reader for every file-like input: the rule file (in the
//! editor and every subcommand), `--pool`, the CASES of `privy test`, the
//! OLD and NEW of `privy diff`, and `-` for standard input.
//!
//! Promises, each held by a test in `tests/it/adversarial.rs`:
//! - only a regular file (or standard input, when the name is `-`) is read:
//!   a folder, a device, a named pipe or a socket is refused before a byte is
//!   read, and opening never blocks (a FIFO is opened non-blocking and then
//!   refused);
//! - at most [`MAX_INPUT_BYTES`] are read, whatever the file claims (a file
//!   that grows while read, a sparse file, an endless standard input);
//! - every refusal is a [`LoadError`] that says what and where, which the
//!   CLI prints with exit status 2.

use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Inputs larger than this are refused with a clear message rather than
/// exhausting memory. Real configurations are a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// The name that means standard input.
pub const STDIN: &str = "-";

/// Why an input could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// Reading failed (missing, permission, a folder, not a regular file).
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The bytes are not UTF-8 text.
    Encoding {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    TooLarge {
        path: PathBuf,
        bytes: u64,
    },
}

impl LoadError {
    /// The input the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Io { path, .. }
            | LoadError::Encoding { path, .. }
            | LoadError::TooLarge { path, .. } => path,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io { path, error } => {
                let hint = match error.kind() {
                    std::io::ErrorKind::NotFound => " (check the path)",
                    std::io::ErrorKind::PermissionDenied => {
                        " (you may need to run as an administrator, or copy the file)"
                    }
                    std::io::ErrorKind::IsADirectory => {
                        " (choose the ServerConfig.json file inside it)"
                    }
                    _ => "",
                };
                write!(f, "cannot read {}: {error}{hint}", shown(path))
            }
            LoadError::Encoding {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "{}:{line}:{column}: error[not-utf8]: {message}",
                shown(path)
            ),
            LoadError::TooLarge { path, bytes } => write!(
                f,
                "{} is {} MB or more, larger than any such file should be ({} MB at most)",
                shown(path),
                bytes / (1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for LoadError {}

fn shown(path: &Path) -> String {
    if path.as_os_str() == STDIN {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// Whether `path` names standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// Reads the bytes of `path` (`-`: standard input) under the guard.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_bytes_limited(path, MAX_INPUT_BYTES)
}

/// [`read_bytes`] with the bound given (tests use a small one).
pub fn read_bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let io = |error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    };
    if is_stdin(path) {
        return bounded(std::io::stdin().lock(), path, limit);
    }
    // Refuse what is not a regular file before opening it: opening a FIFO
    // for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    check_kind(&meta).map_err(io)?;
    if meta.len() > limit {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            bytes: meta.len(),
        });
    }
    let file = open_nonblocking(path).map_err(io)?;
    // The file may have been swapped between the look and the open.
    let meta = file.metadata().map_err(io)?;
    check_kind(&meta).map_err(io)?;
    // Room for what the file says it holds (and the one byte that tells a
    // file grown past the bound): reading into a growing buffer would
    // double it, up to twice the file.
    let room = meta.len().min(limit).saturating_add(1);
    bounded_into(
        Vec::with_capacity(usize::try_from(room).unwrap_or(0)),
        file,
        path,
        limit,
    )
}

/// Reads `path` as UTF-8 text (a UTF-8 byte order mark is kept).
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = read_bytes(path)?;
    decode(bytes).map_err(|(line, column, message)| LoadError::Encoding {
        path: path.to_path_buf(),
        line,
        column,
        message,
    })
}

/// Refuses JSON text whose top level is not an object (`[]`, `["user"]`,
/// `3`): serde reads a struct from an array too, which would take
/// `["user"]` for a pool. `what` names the input in the message.
pub fn require_object(text: &str, what: &str) -> Result<(), String> {
    let body = text.trim_start_matches('\u{feff}');
    let at = body.len() - body.trim_start().len();
    match body[at..].chars().next() {
        Some('{') => Ok(()),
        found => {
            let before = &body[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let found = match found {
                None => "nothing".to_string(),
                Some('[') => "an array".to_string(),
                Some(c) => format!("`{}`", c.escape_debug()),
            };
            Err(format!(
                "{line}:{column}: {what} must be a JSON object ({{ ... }}), but it starts with {found}"
            ))
        }
    }
}

fn check_kind(meta: &std::fs::Metadata) -> std::io::Result<()> {
    if meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        ));
    }
    // A pipe would block forever and /dev/zero never ends: only regular
    // files are read.
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file (a device, pipe or socket); save it as a file first",
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Reads at most `limit` bytes; one more means the input is too large.
fn bounded(reader: impl std::io::Read, path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    bounded_into(Vec::new(), reader, path, limit)
}

fn bounded_into(
    mut bytes: Vec<u8>,
    reader: impl std::io::Read,
    path: &Path,
    limit: u64,
) -> Result<Vec<u8>, LoadError> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| LoadError::Io {
            path: path.to_path_buf(),
            error,
        })?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            bytes: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// Decodes file bytes as UTF-8 (a UTF-8 byte order mark is kept in the
/// text). Other encodings are named, with how to save the file as UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, usize, String)> {
    let wrong = |name: &str| {
        Err((
            1,
            1,
            format!(
                "the file is {name}; the VS License Manager reads UTF-8. Save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8)"
            ),
        ))
    };
    // UTF-32 first: its little-endian mark begins with UTF-16's.
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return wrong("UTF-32 (little-endian)");
    }
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return wrong("UTF-32 (big-endian)");
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return wrong("UTF-16 (little-endian)");
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return wrong("UTF-16 (big-endian)");
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let upto = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..upto]);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let zeros = bytes.iter().take(64).filter(|&&b| b == 0).count();
            let hint = if zeros > 24 {
                "the file looks like UTF-32"
            } else if zeros > 8 {
                "the file looks like UTF-16"
            } else {
                "this byte is not valid UTF-8 (the file may use a legacy code page such as Windows-1252)"
            };
            Err((
                line,
                column,
                format!(
                    "{hint}. Special characters in names and paths need UTF-8: save the file as UTF-8"
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_named_by_their_marks() {
        let msg = |b: &[u8]| decode(b.to_vec()).err().map(|e| e.2).unwrap_or_default();
        assert!(msg(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0]).contains("UTF-32 (little-endian)"));
        assert!(msg(&[0, 0, 0xFE, 0xFF, 0, 0, 0, b'{']).contains("UTF-32 (big-endian)"));
        assert!(msg(&[0xFF, 0xFE, b'{', 0]).contains("UTF-16 (little-endian)"));
        assert!(msg(&[0xFE, 0xFF, 0, b'{']).contains("UTF-16 (big-endian)"));
        assert_eq!(
            decode(b"\xEF\xBB\xBF{}".to_vec()).ok().as_deref(),
            Some("\u{feff}{}")
        );
    }

    #[test]
    fn bad_utf8_is_located() {
        let (line, column, _) = decode(b"{\n  \"a\": \"\xFF\"}".to_vec())
            .err()
            .unwrap_or_default();
        assert_eq!((line, column), (2, 9));
    }

    #[test]
    fn the_bound_holds_for_what_a_file_does_not_announce() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("f.json");
        std::fs::write(&p, vec![b' '; 100]).expect("write");
        assert!(read_bytes_limited(&p, 100).is_ok());
        assert!(matches!(
            read_bytes_limited(&p, 99),
            Err(LoadError::TooLarge { .. })
        ));
        // A reader that never ends stops one byte past the bound.
        let endless = std::io::repeat(b'x');
        assert!(matches!(
            bounded(endless, Path::new("-"), 1000),
            Err(LoadError::TooLarge { bytes: 1001, .. })
        ));
    }
}
