//! A pool file checked as a file (`docs/semantics.md` section 8.10): what
//! makes it unusable for deciding is reported as diagnostics located in the
//! pool's own text (a session on a license or feature the pool does not
//! offer, more sessions than seats, a negative seat count, two licenses
//! with one serial, an unreadable session IP). Only a pool that is not JSON,
//! or not of the pool's shape, cannot be read at all.

use crate::diag::{Code, Diagnostic};
use crate::json::{Node, NodeKind, Span};
use crate::pool::Pool;

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

/// The checks of [`Pool::index`], each located.
fn check(pool: &Pool, licenses: &[Node], sessions: &[Node], out: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    for (i, l) in pool.licenses.iter().enumerate() {
        if !seen.insert(l.serial.as_str()) {
            let at = licenses
                .get(i)
                .map_or(Span::default(), |n| span_of(n, "serial"));
            out.push(Diagnostic::new(
                Code::PoolDuplicateLicense,
                at,
                format!("/licenses/{i}/serial"),
                format!(
                    "the license {} is listed twice; give each license its own serial",
                    l.serial
                ),
            ));
        }
    }
    // Sessions per license and feature, to compare with the seats.
    let mut held: std::collections::HashMap<(usize, &str), Vec<usize>> = Default::default();
    for (i, s) in pool.sessions.iter().enumerate() {
        let node = sessions.get(i);
        let at = |key: &str| node.map_or(Span::default(), |n| span_of(n, key));
        let n = i + 1;
        let license = match &s.serial {
            Some(serial) => match pool.licenses.iter().position(|l| &l.serial == serial) {
                None => {
                    out.push(Diagnostic::new(
                        Code::PoolUnknownLicense,
                        at("serial"),
                        format!("/sessions/{i}/serial"),
                        format!("session {n} is on license {serial}, which the pool does not list"),
                    ));
                    continue;
                }
                Some(l) if pool.licenses[l].seats(&s.feature).is_none() => {
                    out.push(Diagnostic::new(
                        Code::PoolUnlicensedSession,
                        at("feature"),
                        format!("/sessions/{i}/feature"),
                        format!(
                            "session {n} holds {} on license {serial}, which does not offer that feature",
                            s.feature
                        ),
                    ));
                    continue;
                }
                Some(l) => l,
            },
            None => match pool
                .licenses
                .iter()
                .position(|l| l.seats(&s.feature).is_some())
            {
                Some(l) => l,
                None => {
                    out.push(Diagnostic::new(
                        Code::PoolUnlicensedSession,
                        at("feature"),
                        format!("/sessions/{i}/feature"),
                        format!(
                            "session {n} holds {}, which no license in the pool offers",
                            s.feature
                        ),
                    ));
                    continue;
                }
            },
        };
        if let Err(e) = crate::request::parse_ip(s.ip.as_deref()) {
            out.push(Diagnostic::new(
                Code::PoolBadIp,
                at("ip"),
                format!("/sessions/{i}/ip"),
                format!("session {n}: {e}"),
            ));
        }
        held.entry((license, s.feature.as_str()))
            .or_default()
            .push(i);
    }
    let mut over: Vec<(&(usize, &str), &Vec<usize>)> = held.iter().collect();
    over.sort();
    for ((l, feature), list) in over {
        let lic = &pool.licenses[*l];
        let seats = lic.seats(feature).unwrap_or(0);
        if list.len() as u64 > seats {
            let at = licenses
                .get(*l)
                .and_then(|n| member(n, "features"))
                .map_or(Span::default(), |f| span_of(f, feature));
            out.push(Diagnostic::new(
                Code::PoolOversubscribed,
                at,
                format!("/licenses/{l}/features/{}", crate::json::escape_token(feature)),
                format!(
                    "license {} has {seats} seats of {feature} but {} sessions hold it (sessions {})",
                    lic.serial,
                    list.len(),
                    list.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
}
