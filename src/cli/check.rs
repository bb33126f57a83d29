//! `privy check FILE [--format text|json|sarif]`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::{CheckFormat, EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE};
use crate::diag::{Code, Located, Severity};
use crate::document::{Document, LoadError};

pub fn run(path: &Path, format: CheckFormat, pool: Option<&Path>) -> i32 {
    let pool = match pool.map(super::explain::load_pool).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("privy: {e}");
            return EXIT_UNREADABLE;
        }
    };
    let (text, located) = match Document::open(path) {
        Ok(doc) => {
            let mut diags = doc.diagnostics().to_vec();
            if let Some(p) = &pool {
                diags.extend(crate::validate::against_pool(doc.config(), &p.pool));
                diags.sort_by_key(|d| (d.span.start, d.severity, d.code));
            }
            // Password values never reach the output (CI logs, tickets).
            let secrets = crate::secrets::Secrets::of(doc.parsed().root.as_ref(), doc.text());
            let located: Vec<Located> = diags
                .iter()
                .map(|d| {
                    let mut l = Located::new(d, doc.text(), doc.lines());
                    l.message = secrets.mask_str(&l.message);
                    if let Some(f) = &mut l.fix {
                        f.description = secrets.mask_str(&f.description);
                        f.replacement = secrets.mask_str(&f.replacement);
                    }
                    l
                })
                .collect();
            (Some(secrets.mask_text(doc.text())), located)
        }
        Err(LoadError::Encoding {
            line,
            column,
            message,
            ..
        }) => (
            None,
            vec![Located {
                code: Code::NotUtf8.as_str(),
                severity: Severity::Error,
                message,
                pointer: String::new(),
                line,
                column,
                end_line: line,
                end_column: column + 1,
                fix: None,
            }],
        ),
        Err(e) => {
            eprintln!("privy: {e}");
            return EXIT_UNREADABLE;
        }
    };
    let file = path.display().to_string();
    let out = match format {
        CheckFormat::Text => render_text(&file, text.as_deref(), &located),
        CheckFormat::Json => {
            let v = json!({ "file": file, "diagnostics": located });
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        CheckFormat::Sarif => {
            format!(
                "{}\n",
                serde_json::to_string_pretty(&sarif(&file, &located)).unwrap_or_default()
            )
        }
    };
    print!("{out}");
    if located.iter().any(|d| d.severity == Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Widest part of a source line shown; longer lines are cut around the caret.
const MAX_SHOWN: usize = 100;

/// rustc-style text: the header line, the source line and a caret.
pub fn render_text(file: &str, text: Option<&str>, located: &[Located]) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.map(|t| t.split('\n').collect()).unwrap_or_default();
    for d in located {
        let _ = writeln!(
            out,
            "{file}:{}:{}: {}[{}]: {}",
            d.line,
            d.column,
            d.severity.as_str(),
            d.code,
            d.message
        );
        if let Some(src) = lines.get(d.line - 1) {
            let src = src.strip_suffix('\r').unwrap_or(src);
            let src = src.strip_prefix('\u{feff}').unwrap_or(src);
            let chars: Vec<char> = src.chars().collect();
            let col = d.column.saturating_sub(1).min(chars.len());
            let width = if d.end_line == d.line {
                d.end_column.saturating_sub(d.column).max(1)
            } else {
                chars.len().saturating_sub(col).max(1)
            };
            // A window of the line around the caret.
            let start = col.saturating_sub(MAX_SHOWN / 2);
            let end = (start + MAX_SHOWN).min(chars.len());
            let mut shown: String = chars[start..end]
                .iter()
                .map(|&c| {
                    if c == '\t' {
                        ' '
                    } else if c.is_control() {
                        '�'
                    } else {
                        c
                    }
                })
                .collect();
            if start > 0 {
                shown.insert(0, '…');
            }
            if end < chars.len() {
                shown.push('…');
            }
            let gutter = d.line.to_string().len();
            let pad = col - start + usize::from(start > 0);
            let carets = width.min(end.saturating_sub(col).max(1));
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
                let _ = writeln!(out, "{:gutter$} = at {}", "", d.pointer);
            }
            if let Some(fix) = &d.fix {
                let _ = writeln!(out, "{:gutter$} = fix: {}", "", fix.description);
            }
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
                        "artifactLocation": { "uri": file },
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
                        "artifactLocation": { "uri": file },
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
