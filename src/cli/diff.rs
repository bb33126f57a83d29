//! `privy diff OLD NEW`: what an edit changes, for whom.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use super::output::{Report, one_line};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::analysis::diff::{Change, ChangeKind, Diff, Versions};
use crate::analysis::space::What;
use crate::analysis::{Budget, diff};
use crate::diag::{Located, Severity};
use crate::document::Document;
use crate::engine::Action;
use crate::words;

/// Text output lists at most this many changes of each kind.
const SHOWN: usize = 40;

/// Reads one version; a file that is not a JSON object at all cannot be
/// compared (exit 2, located like `check`).
pub(super) fn load(path: &Path, what: &str) -> Result<Document, Report> {
    let doc = Document::open(path).map_err(|e| Report::failed(&format!("{what}: {e}")))?;
    let is_object = doc
        .parsed()
        .root
        .as_ref()
        .is_some_and(|r| r.as_object().is_some());
    if crate::validate::is_fatal(doc.parsed()) || !is_object {
        let first = Located::all(doc.diagnostics(), doc.text(), doc.lines())
            .into_iter()
            .find(|d| d.severity == Severity::Error);
        let msg = match first {
            Some(d) => format!(
                "{}:{}:{}: {} (a rule file must be one JSON object)",
                path.display(),
                d.line,
                d.column,
                d.message
            ),
            None => format!(
                "{}: a rule file must be one JSON object `{{ ... }}`",
                path.display()
            ),
        };
        return Err(Report::failed(&msg));
    }
    Ok(doc)
}

/// The errors of a version, named, for the warning line.
fn errors_of(doc: &Document, path: &Path) -> Option<String> {
    let located = Located::all(doc.diagnostics(), doc.text(), doc.lines());
    let errors: Vec<&Located> = located
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return None;
    }
    let named: Vec<String> = errors
        .iter()
        .take(3)
        .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
        .collect();
    let more = if errors.len() > 3 {
        format!("; and {} more", errors.len() - 3)
    } else {
        String::new()
    };
    Some(format!(
        "{} has {} validation error(s), compared as the engine reads it: {}{more}",
        path.display(),
        errors.len(),
        named.join("; ")
    ))
}

/// What `privy diff` prints, and its exit status.
pub fn diff_report(
    old: &Path,
    new: &Path,
    pool: Option<&Path>,
    features: &[String],
    json: bool,
) -> Report {
    if old == Path::new("-") && new == Path::new("-") {
        return Report::failed("only one of OLD and NEW can be `-` (standard input)");
    }
    let start = Instant::now();
    let old_doc = match load(old, "OLD") {
        Ok(d) => d,
        Err(r) => return r,
    };
    let new_doc = match load(new, "NEW") {
        Ok(d) => d,
        Err(r) => return r,
    };
    let pool = match pool.map(super::explain::load_pool).transpose() {
        Ok(p) => p,
        Err(e) => return Report::failed(&e),
    };
    let warnings: Vec<String> = [errors_of(&old_doc, old), errors_of(&new_doc, new)]
        .into_iter()
        .flatten()
        .collect();
    let budget = Budget {
        deadline: Some(start + crate::analysis::TIME_BUDGET),
        ..Budget::default()
    };
    let d = diff(
        Versions {
            old: old_doc.config(),
            new: new_doc.config(),
            pool: pool.as_ref(),
        },
        features,
        &budget,
    );
    // No change found is "no access changed" only when every class was
    // examined: otherwise exit 3 (cli.md, third release), so that a CI
    // gate on the exit code does not pass a diff that stopped short.
    let status = match (d.changes.is_empty(), d.exhaustive) {
        (false, _) => EXIT_FINDINGS,
        (true, true) => EXIT_OK,
        (true, false) => super::EXIT_UNDETERMINED,
    };
    let mask = |s: &str| new_doc.secrets().mask_str(&old_doc.secrets().mask_str(s));
    if json {
        let mut v = words::diff::diff_json(&d, &warnings);
        old_doc.secrets().mask_json(&mut v);
        new_doc.secrets().mask_json(&mut v);
        let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
        out.push('\n');
        Report::json(&out, status)
    } else {
        let secret = |t: &str| old_doc.secrets().shows_in(t) || new_doc.secrets().shows_in(t);
        let text = render(&d, &warnings, &new.display().to_string(), &secret);
        Report::text(&mask(&text), status)
    }
}

/// A word for a POSIX shell that reads back as exactly `s`: as it is when
/// it holds only plain characters, in single quotes when it holds other
/// printable ones, and in bash's `$'…'` with escapes when it holds a
/// control or formatting character (a tab or a line break in single
/// quotes would be printed escaped, and so read back as another name).
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:@%+/,".contains(c))
    {
        return s.to_string();
    }
    if !s
        .chars()
        .any(|c| c.is_control() || super::output::is_dangerous(c))
    {
        return format!("'{}'", s.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 && (c.is_control()) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c.is_control() || super::output::is_dangerous(c)) && (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if c.is_control() || super::output::is_dangerous(c) => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// ` --opt value`, or ` --opt=value` when the value starts with `-` (so
/// that it is not read as an option).
fn option(cmd: &mut String, opt: &str, value: &str) {
    let sep = if value.starts_with('-') { '=' } else { ' ' };
    let _ = write!(cmd, " --{opt}{sep}{}", shell_word(value));
}

/// The `privy explain` command that shows a change in NEW, or `None` when
/// a password value shows in its witness: masked, the command would ask
/// about someone else (`****` is also a shell pattern).
pub fn explain_command(c: &Change, file: &str, secret: &dyn Fn(&str) -> bool) -> Option<String> {
    let w = &c.class.witness;
    let asked = w
        .names()
        .chain(c.serial.as_deref())
        .chain([c.feature.as_str()]);
    if asked.into_iter().any(secret) {
        return None;
    }
    let mut cmd = format!("privy explain {}", shell_word(file));
    option(&mut cmd, "feature", &c.feature);
    if c.action == Action::Borrow {
        cmd.push_str(" --action borrow");
    }
    if let Some(u) = &w.user {
        option(&mut cmd, "user", u);
    }
    if let Some(h) = &w.host {
        option(&mut cmd, "host", h);
    }
    if let Some(ip) = w.ip {
        let _ = write!(cmd, " --ip {ip}");
    }
    for g in &w.local_groups {
        option(&mut cmd, "local-group", g);
    }
    if let Some(s) = &c.serial {
        option(&mut cmd, "serial", s);
    }
    Some(cmd)
}

/// The diff as text: per feature, then the changes most important first
/// (gained, revoked, then other reasons; broader classes first), then one
/// summary line.
pub fn render(
    d: &Diff,
    warnings: &[String],
    new_file: &str,
    secret: &dyn Fn(&str) -> bool,
) -> String {
    let mut out = String::new();
    for w in warnings {
        let _ = writeln!(out, "warning: {}", one_line(w));
    }
    if !warnings.is_empty() {
        out.push('\n');
    }
    let changed: Vec<_> = d
        .features
        .iter()
        .filter(|f| d.changes.iter().any(|c| c.feature == f.feature))
        .collect();
    for f in &changed {
        let mut counts = Vec::new();
        for (n, what) in [
            (d.count_for(&f.feature, ChangeKind::Gained), "gained"),
            (d.count_for(&f.feature, ChangeKind::Revoked), "revoked"),
            (
                d.count_for(&f.feature, ChangeKind::ReasonChanged),
                "reason changed",
            ),
        ] {
            if n > 0 {
                counts.push(format!("{n} {what}"));
            }
        }
        let name = if f.other_feature {
            format!("any feature no rule names (as {})", f.feature)
        } else {
            f.feature.clone()
        };
        let _ = writeln!(out, "{}: {}", one_line(&name), counts.join(", "));
    }
    for kind in [
        ChangeKind::Gained,
        ChangeKind::Revoked,
        ChangeKind::ReasonChanged,
    ] {
        let groups = crate::analysis::diff::grouped(d.changes.iter().filter(|c| c.kind == kind));
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}:", words::change_kind(kind));
        for group in groups.iter().take(SHOWN) {
            let c = group[0];
            let serial = c
                .serial
                .as_deref()
                .map(|s| format!(" on license {s}"))
                .unwrap_or_default();
            let what = What::join(group.iter().map(|c| &c.what));
            let mut who = words::class_description(&what);
            if let Some(e) = words::class_examples(&what) {
                who.push_str(&format!(" ({e})"));
            }
            let _ = writeln!(
                out,
                "  {} {}{}: {}",
                one_line(&c.feature),
                words::action_word(c.action),
                one_line(&serial),
                one_line(&who)
            );
            let _ = writeln!(out, "      before: {}", words::side(&c.before, true));
            let _ = writeln!(out, "      after:  {}", words::side(&c.after, true));
            if !c.cause.is_empty() {
                let causes: Vec<String> = c
                    .cause
                    .iter()
                    .map(|x| {
                        if x.in_new() {
                            words::cause(x)
                        } else {
                            format!("{} (in OLD only)", words::cause(x))
                        }
                    })
                    .collect();
                let _ = writeln!(out, "      cause:  {}", causes.join(", "));
            }
            match explain_command(c, new_file, secret) {
                Some(cmd) => {
                    let _ = writeln!(out, "      see:    {}", one_line(&cmd));
                }
                None => {
                    let _ = writeln!(
                        out,
                        "      see:    (not shown: a password value of the file shows in the example)"
                    );
                }
            }
        }
        if groups.len() > SHOWN {
            let rest: usize = groups[SHOWN..].iter().map(Vec::len).sum();
            let _ = writeln!(out, "  … and {rest} more (all of them with --format json)");
        }
    }
    if !d.changes.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", words::diff_summary(d));
    out
}
