//! `privy explain` and `privy test`: decisions from the command line.

use std::fmt::Write as _;
use std::path::Path;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE};
use crate::diag::Severity;
use crate::document::Document;
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{Counts, Decision, Engine, Outcome, Request, Verdict};
use crate::sim::cases::Cases;

/// Reads the rule file; prints why it cannot and returns `None` if so.
fn load(path: &Path) -> Option<Document> {
    match Document::open(path) {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!("privy: {e}");
            None
        }
    }
}

pub fn load_pool(path: &Path) -> Result<PoolIndex, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the pool {}: {e}", path.display()))?;
    Pool::from_json(&text)
        .and_then(Pool::index)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn error_count(doc: &Document) -> usize {
    doc.diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

#[allow(clippy::too_many_arguments)]
pub fn explain(file: &Path, request: Request, pool: Option<&Path>, json: bool) -> i32 {
    let Some(doc) = load(file) else {
        return EXIT_UNREADABLE;
    };
    let pool = match pool.map(load_pool).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("privy: {e}");
            return EXIT_UNREADABLE;
        }
    };
    let engine = Engine::new(doc.config());
    let counts = pool.as_ref().map(|p| Counts::new(&engine, p));
    let d = engine.decide(&request, counts.as_ref());
    let errors = error_count(&doc);
    if json {
        let mut v = serde_json::to_value(&d).unwrap_or_default();
        if errors > 0 {
            v["warning"] = serde_json::Value::String(format!(
                "{} has {errors} validation error(s); the server may decide differently",
                file.display()
            ));
        }
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        if errors > 0 {
            println!(
                "warning: {} has {errors} validation error(s) (see `privy check`); the server may decide differently\n",
                file.display()
            );
        }
        print!("{}", render(&doc, &request, &d));
    }
    match d.decision {
        Verdict::Granted => EXIT_OK,
        Verdict::Denied => EXIT_FINDINGS,
    }
}

/// The explanation as text: verdict, deciding rule with its place in the
/// file, then the steps.
pub fn render(doc: &Document, req: &Request, d: &Decision) -> String {
    let mut out = String::new();
    let verdict = match d.decision {
        Verdict::Granted => "GRANTED",
        Verdict::Denied => "DENIED",
    };
    let _ = writeln!(
        out,
        "{verdict}: {} of {} for {} — {} [{}]",
        crate::sim::action_word(req.action),
        req.feature,
        crate::sim::who(req),
        crate::sim::reason_sentence(d, req),
        d.reason.as_str()
    );
    if let Some(s) = &d.serial {
        let _ = writeln!(out, "license: {s}");
    }
    if let Some(h) = d.max_borrow_hours {
        let _ = writeln!(out, "maximum borrow: {h} hours");
    }
    let file = doc
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    for pointer in &d.rules {
        let Some(rule) = doc.config().rule_at(pointer) else {
            continue;
        };
        let (line, col) = doc.line_col(rule.span.start);
        let _ = writeln!(out, "\ndeciding rule {pointer} at {file}:{line}:{col}");
        let _ = writeln!(out, "  {}", crate::summary::describe(rule));
        // Show the line that says who the rule is about, if it has one.
        let shown = rule
            .users
            .as_ref()
            .map_or(rule.span.start, |u| u.span.start);
        let (line, _) = doc.line_col(shown);
        let span = doc.lines().line_span(doc.text(), line);
        let src = &doc.text()[span.start..span.end];
        let src: String = src.chars().take(120).collect();
        let _ = writeln!(out, "  {line:>4} | {}", src.trim_end());
    }
    let _ = writeln!(out, "\nsteps:");
    for step in &d.trace {
        let mark = match step.outcome {
            Outcome::Passed => "passed ",
            Outcome::Denied => "DENIED ",
            Outcome::Skipped => "skipped",
        };
        let _ = writeln!(out, "  {mark} {:<12} {}", step.step.as_str(), step.detail);
        for r in &step.rules {
            let m = if !r.applies {
                "n/a"
            } else if r.matched {
                "yes"
            } else {
                "no "
            };
            let _ = writeln!(out, "            {m} {:<24} {}", r.pointer, r.why);
        }
    }
    if !d.missing_inputs.is_empty() {
        let _ = writeln!(
            out,
            "\nmissing inputs: {} (rules list entries of these kinds; without them those entries match nothing)",
            d.missing_inputs.join(", ")
        );
    }
    for a in &d.assumptions {
        let _ = writeln!(out, "assumes: {a}");
    }
    out
}

pub fn test(file: &Path, cases: &Path) -> i32 {
    let Some(doc) = load(file) else {
        return EXIT_UNREADABLE;
    };
    let text = match std::fs::read_to_string(cases) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("privy: cannot read {}: {e}", cases.display());
            return EXIT_UNREADABLE;
        }
    };
    let parsed = match Cases::from_json(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("privy: {}:{e}", cases.display());
            return EXIT_UNREADABLE;
        }
    };
    let engine = Engine::new(doc.config());
    let outcomes = match crate::sim::cases::run(&engine, &parsed, None) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("privy: {}: {e}", cases.display());
            return EXIT_UNREADABLE;
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for (case, got) in parsed.cases.iter().zip(&outcomes) {
        if got.passed {
            passed += 1;
            continue;
        }
        failed += 1;
        let expected = match case.reason {
            Some(r) => format!("{:?} ({})", case.expect, r.as_str()),
            None => format!("{:?}", case.expect),
        };
        println!(
            "FAIL {}: expected {}, got {:?} ({}){}",
            case.name,
            expected.to_lowercase(),
            got.got,
            got.reason.as_str(),
            if got.rules.is_empty() {
                String::new()
            } else {
                format!(" by {}", got.rules.join(", "))
            }
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 { EXIT_OK } else { EXIT_FINDINGS }
}
