//! `privy explain` and `privy test`: decisions from the command line.

use std::fmt::Write as _;
use std::path::Path;

use super::output::{self, Report};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::analysis::explained::{Explained, explained};
use crate::analysis::suggest::PoolFile;
use crate::analysis::{self, Budget};
use crate::document::Document;
use crate::engine::pool::PoolIndex;
use crate::engine::{Decision, Engine, PoolView, Request, Verdict};
use crate::json::Span;
use crate::sim::cases::Cases;

/// Reads the rule file, or says why it cannot.
fn load(path: &Path) -> Result<Document, Report> {
    Document::open(path).map_err(|e| Report::failed(&e.to_string()))
}

/// Reads and checks a pool file through the guarded reader.
pub fn load_pool(path: &Path) -> Result<PoolIndex, String> {
    load_pool_text(path).map(|(_, p)| p)
}

/// The pool and its text (for suggesting edits of it).
pub fn load_pool_text(path: &Path) -> Result<(String, PoolIndex), String> {
    let crate::pool::file::PoolFile {
        text,
        pool,
        problems: diags,
    } = crate::pool::file::load(path)?;
    // What is wrong inside the pool, located in it (semantics.md 8.10):
    // it cannot decide with such a pool.
    if !diags.is_empty() {
        let lines = crate::json::LineIndex::new(&text);
        let said: Vec<String> = crate::diag::Located::all(&diags, &text, &lines)
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}: {}[{}]: {}",
                    path.display(),
                    d.line,
                    d.column,
                    d.severity.as_str(),
                    d.code,
                    output::one_line(&d.message)
                )
            })
            .collect();
        return Err(said.join("\n"));
    }
    let pool = pool
        .index()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((text, pool))
}

/// How `privy explain` was asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExplainOptions {
    pub json: bool,
    pub no_local_groups: bool,
    pub require_determined: bool,
    pub suggest: bool,
}

pub fn explain(file: &Path, request: Request, pool: Option<&Path>, options: ExplainOptions) -> i32 {
    explain_report(file, request, pool, options).emit()
}

/// What `privy explain` prints, and its exit status.
pub fn explain_report(
    file: &Path,
    request: Request,
    pool_path: Option<&Path>,
    options: ExplainOptions,
) -> Report {
    let doc = match load(file) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let pool = match pool_path.map(load_pool_text).transpose() {
        Ok(p) => p,
        Err(e) => return Report::failed(&e),
    };
    // One feature is decided: only the rules that can apply to it.
    let engine = Engine::for_features(doc.config(), &[request.feature.as_str()]);
    let counts = pool.as_ref().map(|(_, p)| PoolView::new(&engine, p));
    let mut d = engine.decide(&request, counts.as_ref());
    if options.no_local_groups {
        d.without_unknown_local_groups();
    }
    let pool_file = pool.as_ref().map(|(text, index)| PoolFile { text, index });
    let budget = Budget {
        deadline: Some(std::time::Instant::now() + crate::analysis::TIME_BUDGET),
        ..Budget::default()
    };
    let more = explained(
        doc.version(),
        &engine,
        pool_file,
        &request,
        &d,
        analysis::explained::ExplainedOptions {
            no_local_groups: options.no_local_groups,
            suggestions: options.json || options.suggest,
        },
        &budget,
    );
    let errors = doc.error_count();
    let status = match d.decision {
        _ if options.require_determined && !more.determination.determined => {
            super::EXIT_UNDETERMINED
        }
        Verdict::Granted => EXIT_OK,
        Verdict::Denied => EXIT_FINDINGS,
    };
    let secrets = doc.secrets().clone();
    let file_name = file.display().to_string();
    let pool_name = pool_path.map(|p| p.display().to_string());
    if options.json {
        let mut v = crate::words::decision_json(&d);
        crate::words::explained::add_explained_json(
            &mut v,
            &more,
            (&file_name, doc.text()),
            pool_name
                .as_deref()
                .zip(pool.as_ref().map(|(t, _)| t.as_str())),
        );
        if errors > 0 {
            v["warning"] = serde_json::Value::String(format!(
                "{} has {errors} validation error(s); the server may decide differently",
                file.display()
            ));
        }
        secrets.mask_json(&mut v);
        let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
        out.push('\n');
        Report::json(&out, status)
    } else {
        let mut out = String::new();
        if errors > 0 {
            let _ = writeln!(
                out,
                "warning: {} has {errors} validation error(s) (see `privy check`); the server may decide differently\n",
                file.display()
            );
        }
        out.push_str(&render_explained(
            &doc,
            &request,
            &d,
            &more,
            options.suggest,
            &secrets,
        ));
        Report::text(&secrets.mask_str(&out), status)
    }
}

/// How many alternatives and suggestions text output lists before it
/// says how many more there are (JSON lists them all).
const SHOWN: usize = 8;

/// The explanation as text with what `explained` adds: the verdict line
/// says when an unset input could change it, warnings come first, and
/// with `suggest` the ways to allow a denial come last.
pub fn render_explained(
    doc: &Document,
    req: &Request,
    d: &Decision,
    more: &Explained,
    suggest: bool,
    secrets: &crate::secrets::Secrets,
) -> String {
    use crate::words::explained as w;
    use output::one_line;
    let mut out = String::new();
    let body = render(doc, req, d, secrets);
    let det = &more.determination;
    // The verdict line first; the warnings right under it.
    let body = {
        let (first, rest) = body.split_once('\n').unwrap_or((&body, ""));
        let mut b = format!("{first}\n");
        for warning in w::warnings(more) {
            let _ = writeln!(b, "warning: {}", one_line(&warning));
        }
        b.push_str(rest);
        b
    };
    if det.determined {
        out.push_str(&body);
    } else {
        // The verdict line says it: GRANTED (no IP given) — with an IP in
        // … it would be DENIED by …
        let (first, rest) = body.split_once('\n').unwrap_or((&body, ""));
        let verdict = crate::words::verdict_word(d.decision);
        let first = first.replacen(
            verdict,
            &format!("{verdict} ({})", w::unset_given(det.unset)),
            1,
        );
        let _ = write!(out, "{first}");
        if let Some(a) = det.would_change.first() {
            let _ = write!(out, " — {}", one_line(&w::alternative(a)));
        }
        out.push('\n');
        if det.would_change.len() > 1 {
            let _ = writeln!(
                out,
                "not determined: the verdict could change with inputs not given:"
            );
            for a in det.would_change.iter().take(SHOWN) {
                let _ = writeln!(out, "  - {}", one_line(&w::alternative(a)));
            }
            if det.would_change.len() > SHOWN {
                let _ = writeln!(
                    out,
                    "  … and {} more (all in --format json)",
                    det.would_change.len() - SHOWN
                );
            }
        }
        out.push_str(rest);
    }
    if suggest && d.decision == Verdict::Denied {
        let _ = writeln!(out, "\nhow to allow this:");
        if more.suggestions.is_empty() {
            let _ = writeln!(
                out,
                "  no single change of the request, the file or the pool grants it"
            );
        }
        let file = doc
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for (i, s) in more.suggestions.iter().take(SHOWN).enumerate() {
            let _ = write!(out, "  {}. {}", i + 1, one_line(&w::proposal(&s.proposal)));
            match (s.kind, &s.edit) {
                (analysis::suggest::SuggestionKind::File, Some(e)) => {
                    let (line, col) = doc.line_col(e.span.start);
                    let _ = write!(out, " — {file}:{line}:{col}");
                }
                (analysis::suggest::SuggestionKind::Pool, Some(_)) => {
                    let _ = write!(out, " — in the pool");
                }
                _ => {}
            }
            out.push('\n');
            if let Some(imp) = &s.impact {
                let _ = writeln!(out, "     {}", one_line(&w::impact(imp)));
            }
        }
        if more.suggestions.len() > SHOWN {
            let _ = writeln!(
                out,
                "  … and {} more (all in --format json)",
                more.suggestions.len() - SHOWN
            );
        }
    }
    out
}

/// The explanation as text: verdict, deciding rule with its place in the
/// file, then the steps.
pub fn render(
    doc: &Document,
    req: &Request,
    d: &Decision,
    secrets: &crate::secrets::Secrets,
) -> String {
    use output::one_line;
    let mut out = String::new();
    let verdict = crate::words::verdict_word(d.decision);
    let _ = writeln!(
        out,
        "{verdict}: {} of {} for {} — {} [{}]",
        crate::words::action_word(req.action),
        one_line(&req.feature),
        one_line(&crate::words::who(req)),
        one_line(&crate::words::reason_sentence(d, req)),
        d.reason.as_str()
    );
    if let Some(s) = &d.serial {
        let _ = writeln!(out, "license: {}", one_line(s));
    }
    if let Some(h) = d.max_borrow_hours {
        let _ = writeln!(out, "maximum borrow: {h} hours");
    }
    let file = doc
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    for &id in &d.rules {
        let Some(rule) = doc.config().rule(id) else {
            continue;
        };
        let (line, col) = doc.line_col(rule.span.start);
        let _ = writeln!(
            out,
            "\ndeciding rule: {} ({id}) at {file}:{line}:{col}",
            crate::words::rule_name(id)
        );
        let _ = writeln!(out, "  {}", one_line(&crate::words::rule::describe(rule)));
        // Show the line that says who the rule is about, else its first
        // field (a LIMIT_BORROWS rule may have no USERS: not its `{`).
        let shown = rule
            .users
            .as_deref()
            .or(rule.except_users.as_deref())
            .or(rule.features.as_deref())
            .or(rule.serials.as_deref())
            .map_or(rule.span.start, |u| u.span.start);
        let (line, _) = doc.line_col(shown);
        let span = doc.lines().line_span(doc.text(), line);
        // A long line (a minified file) is shown from that field on.
        let from = if span.len() <= 120 {
            span.start
        } else {
            shown.clamp(span.start, span.end)
        };
        let to = doc
            .text()
            .get(from..span.end)
            .and_then(|rest| rest.char_indices().nth(120))
            .map_or(span.end, |(i, _)| from + i);
        let src = secrets.mask_range(doc.text(), Span::new(from, to));
        let _ = writeln!(out, "  {line:>4} | {}", one_line(src.trim_end()));
    }
    let _ = writeln!(out, "\nsteps:");
    let mut said = false;
    for step in &d.trace {
        if step.outcome == crate::engine::Outcome::NotReached && !std::mem::replace(&mut said, true)
        {
            let _ = writeln!(
                out,
                "  the server stops at the step above and never reaches these; what they would find:"
            );
        }
        let mark = crate::words::outcome_mark(step.outcome);
        let _ = writeln!(
            out,
            "  {mark} {:<12} {}",
            step.step.as_str(),
            one_line(&crate::words::found(&step.found))
        );
        for r in &step.rules {
            let m = if !r.applies {
                "n/a"
            } else if r.matched {
                "yes"
            } else {
                "no "
            };
            let _ = writeln!(
                out,
                "            {m} {:<26} {}",
                crate::words::rule_name(r.rule),
                one_line(&crate::words::why(&r.why))
            );
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
        let _ = writeln!(out, "assumes: {}", one_line(&crate::words::assumption(a)));
    }
    out
}

/// What `privy test` prints, and its exit status; with `coverage`, the
/// rules and entries no case reached (before the closing count line).
pub fn test_report(file: &Path, cases: &Path, coverage: bool, json: bool) -> Report {
    let doc = match load(file) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let text = match crate::input::read_text(cases) {
        Ok(t) => t,
        Err(e) => return Report::failed(&e.to_string()),
    };
    let parsed = match Cases::from_json(&text) {
        Ok(c) => c,
        Err(e) => return Report::failed(&format!("{}:{e}", cases.display())),
    };
    let engine = Engine::new(doc.config());
    let outcomes = match crate::sim::cases::run(&engine, &parsed, None) {
        Ok(o) => o,
        Err(e) => return Report::failed(&format!("{}: {e}", cases.display())),
    };
    let covered = if coverage {
        let pool = match parsed
            .pool
            .clone()
            .map(crate::engine::pool::Pool::index)
            .transpose()
        {
            Ok(p) => p,
            Err(e) => return Report::failed(&format!("{}: pool: {e}", cases.display())),
        };
        let mut requests = Vec::with_capacity(parsed.cases.len());
        for case in &parsed.cases {
            match case.request.to_request() {
                Ok(r) => requests.push((case.name.clone(), r)),
                Err(e) => {
                    return Report::failed(&format!(
                        "{}: case \"{}\": {e}",
                        cases.display(),
                        case.name
                    ));
                }
            }
        }
        Some(crate::analysis::coverage::coverage(
            doc.config(),
            &engine,
            &requests,
            pool.as_ref(),
        ))
    } else {
        None
    };
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    let secrets = doc.secrets().clone();
    let status = if failed == 0 { EXIT_OK } else { EXIT_FINDINGS };
    if json {
        let results: Vec<serde_json::Value> = parsed
            .cases
            .iter()
            .zip(&outcomes)
            .map(|(case, got)| {
                serde_json::json!({
                    "name": case.name,
                    "passed": got.passed,
                    "expected": case.expect,
                    "expected_reason": case.reason,
                    "got": got.got,
                    "got_reason": got.reason,
                    "rules": got.rules,
                })
            })
            .collect();
        let mut v = serde_json::json!({
            "passed": passed,
            "failed": failed,
            "results": results,
        });
        if let Some(c) = &covered {
            v["coverage"] = crate::words::coverage::json(c);
        }
        secrets.mask_json(&mut v);
        let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
        out.push('\n');
        return Report::json(&out, status);
    }
    let mut out = String::new();
    for (case, got) in parsed.cases.iter().zip(&outcomes) {
        if got.passed {
            continue;
        }
        let _ = writeln!(
            out,
            "FAIL {}",
            output::one_line(&crate::words::coverage::failure(
                &case.name,
                (case.expect, case.reason),
                (got.got, got.reason, &got.rules)
            ))
        );
    }
    if let Some(c) = &covered {
        for line in crate::words::coverage::lines(doc.config(), c) {
            let _ = writeln!(out, "{}", output::one_line(&line));
        }
    }
    let _ = writeln!(out, "{}", crate::words::coverage::tally(passed, failed));
    Report::text(&secrets.mask_str(&out), status)
}
