//! `privy tidy FILE`: the clean-up proven not to change access
//! (analysis.md 6.6; cli.md, third release).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::output::{Report, one_line};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_UNDETERMINED};
use crate::analysis::tidy::{Proof, Tidy, TidyOptions, tidy};
use crate::document::{Document, Edit};
use crate::words;

/// How long the findings, and then the proof, may take each.
pub const TIME: std::time::Duration = crate::analysis::TIME_BUDGET;

/// What `privy tidy` prints, and its exit status; with `write`, the file
/// saved as the editor saves it.
pub fn report(file: &Path, write: bool, options: TidyOptions, json: bool) -> Report {
    let doc = match super::diff::load(file, "the rule file") {
        Ok(d) => d,
        Err(r) => return r,
    };
    if !doc.parsed().errors.is_empty() {
        let first = crate::diag::Located::all(doc.diagnostics(), doc.text(), doc.lines())
            .into_iter()
            .find(|d| d.severity == crate::diag::Severity::Error);
        let at = first
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .unwrap_or_default();
        return Report::failed(&format!(
            "{}:{at}: the file has syntax errors; fix them first (privy check {} lists them), nothing was tidied",
            file.display(),
            file.display()
        ));
    }
    let t = tidy(doc.text(), doc.parsed(), doc.config(), options, TIME);
    let proven = matches!(t.proof, Proof::Holds { .. });
    let status = match (&t.proof, t.edits.is_empty()) {
        (Proof::Nothing, _) => EXIT_OK,
        (Proof::Holds { .. }, true) => EXIT_OK,
        (Proof::Holds { .. }, false) if write => EXIT_OK,
        (Proof::Holds { .. }, false) => EXIT_FINDINGS,
        _ => EXIT_UNDETERMINED,
    };
    // Places are said in the file as read.
    let text = doc.text().to_string();
    let lines = crate::json::LineIndex::new(&text);
    let starts: Vec<(usize, usize)> = lines.line_cols_in(
        &text,
        &t.edits.iter().map(|e| e.span.start).collect::<Vec<_>>(),
    );
    let places: Vec<(usize, usize)> = lines.line_cols_in(
        &text,
        &t.edits.iter().map(|e| e.place.start).collect::<Vec<_>>(),
    );
    let ends: Vec<(usize, usize)> = lines.line_cols_in(
        &text,
        &t.edits.iter().map(|e| e.span.end).collect::<Vec<_>>(),
    );
    let secrets = doc.secrets().clone();
    let mut wrote: Option<String> = None;
    if write && proven && !t.edits.is_empty() {
        match write_tidied(doc, &t) {
            Ok(()) => {
                wrote = Some(format!(
                    "wrote {} (the old text is in {}.bak)",
                    file.display(),
                    file.display()
                ))
            }
            Err(e) => {
                return Report::failed(&format!("{}: {e}; nothing was written", file.display()));
            }
        }
    }
    if json {
        let edits: Vec<serde_json::Value> = t
            .edits
            .iter()
            .zip(starts.iter().zip(&ends))
            .map(|(e, (&(line, column), &(end_line, end_column)))| {
                json!({
                    "kind": e.removal.kind(),
                    "description": words::tidy::description(&e.removal),
                    "edit": {
                        "line": line,
                        "column": column,
                        "end_line": end_line,
                        "end_column": end_column,
                        "replacement": "",
                    },
                })
            })
            .collect();
        let (exhaustive, classes) = match &t.proof {
            Proof::Holds { classes, .. } => (true, *classes),
            Proof::Nothing => (true, 0),
            _ => (false, 0),
        };
        let mut v = json!({
            "exhaustive": exhaustive,
            "classes": classes,
            "proof": words::tidy::proof(&t),
            "written": wrote.is_some(),
            "edits": edits,
        });
        secrets.mask_json(&mut v);
        let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
        out.push('\n');
        return Report::json(&out, status);
    }
    let mut out = String::new();
    for (e, (line, column)) in t.edits.iter().zip(&places) {
        let _ = writeln!(
            out,
            "{}:{line}:{column}: {}: {}",
            file.display(),
            e.removal.kind(),
            one_line(&words::tidy::description(&e.removal))
        );
    }
    if !t.edits.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{} edit(s); {}", t.edits.len(), words::tidy::proof(&t));
    match wrote {
        Some(w) => {
            let _ = writeln!(out, "{w}");
        }
        None if proven && !t.edits.is_empty() => {
            let _ = writeln!(out, "nothing written: run again with --write to apply them");
        }
        None => {}
    }
    Report::text(&secrets.mask_str(&out), status)
}

/// The edits applied as one edit (the span from the first to the last),
/// saved with the editor's save: temporary file, rename, `.bak`, owner,
/// mode and links kept.
fn write_tidied(mut doc: Document, t: &Tidy) -> Result<(), String> {
    let Some(edit) = crate::analysis::tidy::as_one_edit(doc.text(), &t.edits) else {
        return Ok(());
    };
    doc.apply(&Edit::Text(edit)).map_err(|e| e.to_string())?;
    doc.save(false, true).map_err(|e| e.to_string())
}
