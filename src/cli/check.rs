//! `privy check FILE [--format text|json|sarif]`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::output::{self, Report};
use super::{CheckFormat, EXIT_FINDINGS, EXIT_OK};
use crate::diag::{Code, Located, Severity};
use crate::document::{Document, LoadError};
use crate::json::{LineIndex, Span};
use crate::secrets::Secrets;

pub fn run(path: &Path, format: CheckFormat, pool: Option<&Path>) -> i32 {
    let (report, doc) = checked(path, format, pool);
    let status = report.emit();
    // The process ends here: a large file's model is not taken apart piece
    // by piece first (tens of milliseconds of frees at 10 MB).
    std::mem::forget(doc);
    status
}

/// What `privy check` prints, and its exit status.
pub fn report(path: &Path, format: CheckFormat, pool: Option<&Path>) -> Report {
    checked(path, format, pool).0
}

/// The report and the document it was made from.
fn checked(path: &Path, format: CheckFormat, pool: Option<&Path>) -> (Report, Option<Document>) {
    // A pool that cannot be read at all stops the check (exit 2); what is
    // wrong inside one is reported in it, located (semantics.md 8.10).
    let pool = match pool.map(read_pool).transpose() {
        Ok(p) => p,
        Err(e) => return (Report::failed(&e), None),
    };
    let (doc, located, secrets) = match Document::open(path) {
        Ok(doc) => {
            let mut diags = doc.diagnostics().to_vec();
            if let Some(p) = &pool {
                diags.extend(crate::validate::against_pool(doc.config(), &p.pool));
            }
            use crate::analysis::effect::{CHECK_MAX_BYTES, TIME_BUDGET};
            let findings = if doc.text().len() > CHECK_MAX_BYTES && doc.parsed().errors.is_empty() {
                crate::analysis::effect::not_examined()
            } else {
                crate::analysis::effect::of_document_within(doc.parsed(), doc.config(), TIME_BUDGET)
            };
            let found = crate::words::findings::beside(doc.config(), &findings, &diags);
            diags.extend(found);
            diags.sort_by_key(|d| (d.span.start, d.severity, d.code));
            let mut located = Located::all(&diags, doc.text(), doc.lines());
            if let Some(p) = &pool {
                located.extend(p.located.iter().cloned());
            }
            let secrets = doc.secrets().clone();
            (Some(doc), located, secrets)
        }
        Err(LoadError::Encoding {
            line,
            column,
            message,
            ..
        }) => {
            let d = Located {
                code: Code::NotUtf8.as_str(),
                severity: Severity::Error,
                message,
                pointer: String::new(),
                line,
                column,
                end_line: line,
                end_column: column + 1,
                fix: None,
                file: None,
                span: Span::default(),
            };
            (None, vec![d], Secrets::default())
        }
        Err(e) => return (Report::failed(&e.to_string()), None),
    };
    let status = if located.iter().any(|d| d.severity == Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    let file = path.display().to_string();
    match format {
        CheckFormat::Text => {
            let source = doc.as_ref().map(|d| Source {
                text: d.text(),
                lines: d.lines(),
                secrets: &secrets,
            });
            let pool_source = pool.as_ref().map(|p| Source {
                text: &p.text,
                lines: &p.lines,
                secrets: &secrets,
            });
            let out = render_text_with(&file, source, pool_source, &located);
            // The catch-all: no secret value anywhere in the output.
            (Report::text(&secrets.mask_str(&out), status), doc)
        }
        CheckFormat::Json if secrets.is_empty() => {
            // Nothing to mask: written straight from the diagnostics, not
            // through a tree of values first (the same text).
            #[derive(serde::Serialize)]
            struct Out<'a> {
                file: &'a str,
                diagnostics: &'a [Located],
            }
            let mut out = serde_json::to_string_pretty(&Out {
                file: &file,
                diagnostics: &located,
            })
            .unwrap_or_default();
            out.push('\n');
            (Report::json(&out, status), doc)
        }
        CheckFormat::Json | CheckFormat::Sarif => {
            let mut v = if format == CheckFormat::Json {
                json!({ "file": file, "diagnostics": located })
            } else {
                sarif(&file, &located)
            };
            secrets.mask_json(&mut v);
            let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
            out.push('\n');
            (Report::json(&out, status), doc)
        }
    }
}

/// The checked text, for showing the source line of each diagnostic.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
    /// Masked in every line shown.
    pub secrets: &'a Secrets,
}

/// Characters of a source line shown before the caret, and in all.
const SHOWN_BEFORE: usize = 50;
const MAX_SHOWN: usize = 100;

/// rustc-style text: the header line, the source line and a caret.
/// Linear in the diagnostics: each shows a window of at most
/// [`MAX_SHOWN`] characters of its line around its column, found from its
/// byte offset, so a minified file's one long line is never walked again.
pub fn render_text(file: &str, source: Option<Source<'_>>, located: &[Located]) -> String {
    render_text_with(file, source, None, located)
}

/// [`render_text`] where some diagnostics are in another file (the pool,
/// whose text is `other`): each names its own file and shows its own line.
pub fn render_text_with(
    file: &str,
    source: Option<Source<'_>>,
    other: Option<Source<'_>>,
    located: &[Located],
) -> String {
    let mut out = String::new();
    for d in located {
        let (name, source) = match &d.file {
            Some(f) => (output::one_line(f).into_owned(), other),
            None => (file.to_string(), source),
        };
        let _ = writeln!(
            out,
            "{name}:{}:{}: {}[{}]: {}",
            d.line,
            d.column,
            d.severity.as_str(),
            d.code,
            output::one_line(&d.message)
        );
        if let Some(src) = source {
            source_window(&mut out, src, d);
        }
        out.push('\n');
    }
    let count = |s: Severity| located.iter().filter(|d| d.severity == s).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let plural = |n: usize, s: &str| {
        if n == 1 {
            format!("{n} {s}")
        } else {
            format!("{n} {s}s")
        }
    };
    let _ = writeln!(
        out,
        "{file}: {}, {}, {}",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "note")
    );
    out
}

/// The part of `d`'s line around its column, the caret under it, where it
/// is and its fix.
fn source_window(out: &mut String, src: Source<'_>, d: &Located) {
    let text = src.text;
    let line = src.lines.line_span(text, d.line);
    let mut at = d.span.start.clamp(line.start, line.end);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = text.get(line.start..at).unwrap_or("");
    let start = before
        .char_indices()
        .rev()
        .take(SHOWN_BEFORE)
        .last()
        .map_or(at, |(i, _)| line.start + i);
    let rest = text.get(start..line.end).unwrap_or("");
    let end = rest
        .char_indices()
        .nth(MAX_SHOWN)
        .map_or(line.end, |(i, _)| start + i);
    let pad = text.get(start..at).map_or(0, |s| s.chars().count());
    let shown_len = text.get(start..end).map_or(0, |s| s.chars().count());
    let masked = src.secrets.mask_range(text, Span::new(start, end));
    // One character for each character, so the caret stays under it.
    let mut shown: String = masked
        .chars()
        .map(|c| {
            if c == '\t' {
                ' '
            } else if c.is_control() || c == '\u{feff}' || output::is_bidi(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    let cut_before = start > line.start;
    if cut_before {
        shown.insert(0, '…');
    }
    if end < line.end {
        shown.push('…');
    }
    let width = if d.end_line == d.line {
        d.end_column.saturating_sub(d.column).max(1)
    } else {
        usize::MAX
    };
    let carets = width.min(shown_len.saturating_sub(pad).max(1));
    let gutter = d.line.to_string().len();
    let pad = pad + usize::from(cut_before);
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{} | {shown}", d.line);
    let _ = writeln!(
        out,
        "{:gutter$} | {}{}",
        "",
        " ".repeat(pad),
        "^".repeat(carets)
    );
    if d.pointer.is_empty() {
        let _ = writeln!(out, "{:gutter$} |", "");
    } else {
        let _ = writeln!(out, "{:gutter$} = at {}", "", output::one_line(&d.pointer));
    }
    if let Some(fix) = &d.fix {
        let _ = writeln!(
            out,
            "{:gutter$} = fix: {}",
            "",
            output::one_line(&fix.description)
        );
    }
}

/// SARIF 2.1.0 for code-scanning tools.
pub fn sarif(file: &str, located: &[Located]) -> serde_json::Value {
    let rules: Vec<_> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": { "level": level(c.default_severity()) },
            })
        })
        .collect();
    let results: Vec<_> = located
        .iter()
        .map(|d| {
            let mut r = json!({
                "ruleId": d.code,
                "ruleIndex": Code::ALL.iter().position(|c| c.as_str() == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.file.as_deref().unwrap_or(file) },
                        "region": {
                            "startLine": d.line, "startColumn": d.column,
                            "endLine": d.end_line, "endColumn": d.end_column,
                        }
                    },
                    "logicalLocations": [{ "fullyQualifiedName": d.pointer, "kind": "member" }],
                }],
            });
            if let Some(f) = &d.fix {
                r["fixes"] = json!([{
                    "description": { "text": f.description },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": d.file.as_deref().unwrap_or(file) },
                        "replacements": [{
                            "deletedRegion": {
                                "startLine": f.line, "startColumn": f.column,
                                "endLine": f.end_line, "endColumn": f.end_column,
                            },
                            "insertedContent": { "text": f.replacement },
                        }],
                    }],
                }]);
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "privy",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A pool read for `check --pool`: its text (for showing lines), what is
/// wrong in it, located in it, and the pool.
struct CheckedPool {
    pool: crate::pool::Pool,
    text: String,
    lines: LineIndex,
    located: Vec<Located>,
}

fn read_pool(path: &Path) -> Result<CheckedPool, String> {
    let crate::pool::file::PoolFile {
        text,
        pool,
        problems: diags,
    } = crate::pool::file::load(path)?;
    let lines = LineIndex::new(&text);
    let name = path.display().to_string();
    let located = Located::all(&diags, &text, &lines)
        .into_iter()
        .map(|mut d| {
            d.file = Some(name.clone());
            d
        })
        .collect();
    Ok(CheckedPool {
        pool,
        text,
        lines,
        located,
    })
}
