//! `privy access FILE`: who can use what (analysis.md 6.4; cli.md, third
//! release), as text, JSON or CSV.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use super::output::{Report, one_line};
use super::{AccessFormat, EXIT_OK, EXIT_UNDETERMINED};
use crate::analysis::access::{Access, FeatureAccess, Scope, access};
use crate::analysis::{Budget, TIME_BUDGET};
use crate::words;

/// Text output names at most this many principals on one line.
const NAMES_SHOWN: usize = 20;

/// What `privy access` prints, and its exit status.
pub fn report(file: &Path, pool: Option<&Path>, scope: &Scope, format: AccessFormat) -> Report {
    let start = Instant::now();
    let doc = match super::diff::load(file, "the rule file") {
        Ok(d) => d,
        Err(r) => return r,
    };
    let pool = match pool.map(super::explain::load_pool).transpose() {
        Ok(p) => p,
        Err(e) => return Report::failed(&e),
    };
    let budget = Budget {
        deadline: Some(start + TIME_BUDGET),
        ..Budget::default()
    };
    let a = access(doc.config(), pool.as_ref(), scope, &budget);
    let status = if a.exhaustive {
        EXIT_OK
    } else {
        EXIT_UNDETERMINED
    };
    let secrets = doc.secrets();
    match format {
        AccessFormat::Json => {
            let out = words::access::json_text(&a, &|v| secrets.mask_json(v));
            Report::json(&out, status)
        }
        AccessFormat::Csv => Report::text(&secrets.mask_str(&words::access::csv(&a)), status),
        AccessFormat::Html => Report::text(
            &secrets.mask_str(&words::access::html(&a, &file.display().to_string())),
            status,
        ),
        AccessFormat::Text => Report::text(
            &secrets.mask_str(&render(&a, scope.principal.is_some())),
            status,
        ),
    }
}

/// The report as text: per feature, action and license, each row's
/// verdict, who it stands for, examples and the names it holds; a license
/// whose rows read as without one is said in a line; then one summary
/// line. With one principal, one line per feature and action.
pub fn render(a: &Access, principal: bool) -> String {
    let mut out = String::new();
    let mut previous: Option<&FeatureAccess> = None;
    for f in &a.features {
        let heading = words::access::heading(f);
        if principal {
            if let Some(r) = f.rows.first() {
                let _ = writeln!(
                    out,
                    "{}: {}",
                    one_line(&heading),
                    one_line(&words::access::own_verdict(r))
                );
            }
            continue;
        }
        // The same rows as without a license asked: one line, not again.
        if let Some(p) = previous
            && f.serial.is_some()
            && p.feature == f.feature
            && p.action == f.action
            && same_rows(p, f)
        {
            let _ = writeln!(out, "{}: as without a license asked\n", one_line(&heading));
            continue;
        }
        if f.serial.is_none() {
            previous = Some(f);
        }
        let _ = writeln!(out, "{}:", one_line(&heading));
        for r in &f.rows {
            let _ = writeln!(out, "  {}", one_line(&words::access::row_verdict(r)));
            let _ = writeln!(out, "      to:    {}", one_line(&words::access::row_who(r)));
            let _ = writeln!(
                out,
                "      e.g.:  {}",
                one_line(&words::access::row_examples(r))
            );
            if let Some(list) = words::access::row_names(f, r, NAMES_SHOWN, "with --format json") {
                let _ = writeln!(out, "      named: {}", one_line(&list));
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", words::access::summary(a));
    out
}

/// Two reports of one feature and action decide alike, row by row.
fn same_rows(a: &FeatureAccess, b: &FeatureAccess) -> bool {
    a.rows.len() == b.rows.len()
        && a.rows
            .iter()
            .zip(&b.rows)
            .all(|(x, y)| x.side == y.side && x.hours == y.hours && x.what.alike == y.what.alike)
        && a.named.len() == b.named.len()
        && a.named.iter().zip(&b.named).all(|(x, y)| x.side == y.side)
}
