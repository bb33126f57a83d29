//! The one reader of a pool file, which checks it as a file
//! (`docs/semantics.md` section 8.10): what
//! makes it unusable for deciding is reported as diagnostics located in the
//! pool's own text (a session on a license or feature the pool does not
//! offer, more sessions than seats, a negative seat count, two licenses
//! with one serial, an unreadable session IP). Only a pool that is not JSON,
//! or not of the pool's shape, cannot be read at all.

use std::path::Path;

use super::{Pool, PoolProblem};
use crate::diag::{Code, Diagnostic};
use crate::json::{Node, NodeKind, Span};

/// A pool file as read: its text (for showing lines and for splicing
/// suggested edits), the pool, and what is wrong in it, located in the
/// text (empty: usable).
#[derive(Debug, Clone)]
pub struct PoolFile {
    pub text: String,
    pub pool: Pool,
    pub problems: Vec<Diagnostic>,
}

/// Reads the pool file at `path` through the guarded reader, and checks
/// it: the one way every command and the window read a pool file. An
/// error only when it cannot be read at all (not a regular file, too
/// large, not JSON, not of the pool's shape), said with the file's name.
pub fn load(path: &Path) -> Result<PoolFile, String> {
    let text = crate::input::read_text(path).map_err(|e| format!("the pool: {e}"))?;
    let (pool, problems) = read(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(PoolFile {
        text,
        pool,
        problems,
    })
}

/// The pool read from `text` and what is wrong in it (empty: usable), or
/// why it cannot be read at all.
pub fn read(text: &str) -> Result<(Pool, Vec<Diagnostic>), String> {
    crate::input::require_object(text, "a pool")?;
    let parsed = crate::json::parse::parse(text);
    if let Some(e) = parsed.errors.first() {
        let (line, col) = crate::json::LineIndex::new(text).line_col_in(text, e.span.start);
        return Err(format!("{line}:{col}: {}", e.message));
    }
    let Some(root) = &parsed.root else {
        return Err("an empty pool".into());
    };
    let mut diags = Vec::new();
    // Negative seat counts are reported where they are, and read as 0 so
    // that the rest can still be checked.
    let mut value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))?;
    let licenses = member(root, "licenses")
        .and_then(Node::as_array)
        .unwrap_or_default();
    for (i, l) in licenses.iter().enumerate() {
        let Some(features) = member(l, "features").and_then(Node::as_object) else {
            continue;
        };
        for f in features {
            if let NodeKind::Number(n) = &f.value.kind
                && n.value < 0.0
            {
                diags.push(Diagnostic::new(
                    Code::PoolNegativeSeats,
                    f.value.span,
                    format!(
                        "/licenses/{i}/features/{}",
                        crate::json::escape_token(&f.key)
                    ),
                    format!(
                        "license {} has {} seats of {}: a seat count is 0 or more",
                        serial_of(l).unwrap_or("?"),
                        n.int.map_or(n.value.to_string(), |v| v.to_string()),
                        f.key
                    ),
                ));
                if let Some(v) = value.pointer_mut(&format!(
                    "/licenses/{i}/features/{}",
                    crate::json::escape_token(&f.key)
                )) {
                    *v = serde_json::Value::from(0);
                }
            }
        }
    }
    let pool: Pool = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let sessions = member(root, "sessions")
        .and_then(Node::as_array)
        .unwrap_or_default();
    check(&pool, licenses, sessions, &mut diags);
    diags.sort_by_key(|d| d.span.start);
    Ok((pool, diags))
}

fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_object()?
        .iter()
        .rev()
        .find(|m| m.key == key)
        .map(|m| &m.value)
}

fn serial_of(license: &Node) -> Option<&str> {
    member(license, "serial").and_then(Node::as_str)
}

fn span_of(node: &Node, key: &str) -> Span {
    member(node, key).map_or(node.span, |v| v.span)
}

/// The pool's [problems](Pool::problems), each located in the file.
fn check(pool: &Pool, licenses: &[Node], sessions: &[Node], out: &mut Vec<Diagnostic>) {
    let session_at =
        |i: usize, key: &str| sessions.get(i).map_or(Span::default(), |n| span_of(n, key));
    for p in pool.problems() {
        let message = p.to_string();
        out.push(match p {
            PoolProblem::SerialTwice { license, .. } => Diagnostic::new(
                Code::PoolDuplicateLicense,
                licenses
                    .get(license)
                    .map_or(Span::default(), |n| span_of(n, "serial")),
                format!("/licenses/{license}/serial"),
                message,
            ),
            PoolProblem::UnknownLicense { session, .. } => Diagnostic::new(
                Code::PoolUnknownLicense,
                session_at(session, "serial"),
                format!("/sessions/{session}/serial"),
                message,
            ),
            PoolProblem::NotOffered { session, .. } => Diagnostic::new(
                Code::PoolUnlicensedSession,
                session_at(session, "feature"),
                format!("/sessions/{session}/feature"),
                message,
            ),
            PoolProblem::BadIp { session, .. } => Diagnostic::new(
                Code::PoolBadIp,
                session_at(session, "ip"),
                format!("/sessions/{session}/ip"),
                message,
            ),
            PoolProblem::Oversubscribed {
                license, feature, ..
            } => Diagnostic::new(
                Code::PoolOversubscribed,
                licenses
                    .get(license)
                    .and_then(|n| member(n, "features"))
                    .map_or(Span::default(), |f| span_of(f, &feature)),
                format!(
                    "/licenses/{license}/features/{}",
                    crate::json::escape_token(&feature)
                ),
                message,
            ),
        });
    }
}
