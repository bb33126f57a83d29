//! `privy explain` and `privy test`: decisions from the command line.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE};
use crate::diag::Severity;
use crate::document::Document;
use crate::engine::matcher::Scratch;
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{Action, Counts, Decision, Engine, Outcome, Request, Verdict};

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

fn reason_sentence(d: &Decision, req: &Request) -> String {
    use crate::engine::Reason::*;
    let f = &req.feature;
    match d.reason {
        Granted => format!("the {} of {f} is allowed", action(req)),
        NotLicensed => format!("no license in the pool offers {f}"),
        DenyRule => "a deny rule matches the principal".into(),
        NotInAllowRule => format!("allow rules restrict {f} and the principal is in none of them"),
        BorrowHoursExceeded => format!(
            "{} hours asked, more than the {} allowed",
            req.hours.unwrap_or(0),
            d.max_borrow_hours.unwrap_or(0)
        ),
        LimitReached => "a limit rule's count is reached for the users it covers".into(),
        ReservedForOthers => "the free seats are all reserved for other users".into(),
        NoFreeSeat => "every seat is in use".into(),
    }
}

fn action(req: &Request) -> &'static str {
    match req.action {
        Action::Checkout => "checkout",
        Action::Borrow => "borrow",
    }
}

fn who(req: &Request) -> String {
    let mut parts = Vec::new();
    if let Some(u) = &req.user {
        parts.push(format!("user {u}"));
    }
    if let Some(h) = &req.host {
        parts.push(format!("host {h}"));
    }
    if let Some(ip) = req.ip {
        parts.push(format!("IP {ip}"));
    }
    if !req.local_groups.is_empty() {
        parts.push(format!("local groups {}", req.local_groups.join(", ")));
    }
    if parts.is_empty() {
        "an unknown principal".into()
    } else {
        parts.join(", ")
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
        action(req),
        req.feature,
        who(req),
        reason_sentence(d, req),
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

/// A request as written in a cases file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub local_groups: Vec<String>,
    pub feature: String,
    #[serde(default)]
    pub action: Action,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub hours: Option<u64>,
}

impl CaseRequest {
    pub fn to_request(&self) -> Result<Request, String> {
        let ip = crate::engine::matcher::parse_ip(self.ip.as_deref())?;
        Ok(Request {
            user: self.user.clone(),
            host: self.host.clone(),
            ip,
            local_groups: self.local_groups.clone(),
            feature: self.feature.clone(),
            action: self.action,
            serial: self.serial.clone(),
            hours: self.hours,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub request: CaseRequest,
    pub expect: Verdict,
    #[serde(default)]
    pub reason: Option<crate::engine::Reason>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cases {
    #[serde(default)]
    pub pool: Option<Pool>,
    pub cases: Vec<Case>,
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
    let parsed: Cases = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "privy: {}:{}:{}: {e}",
                cases.display(),
                e.line(),
                e.column()
            );
            return EXIT_UNREADABLE;
        }
    };
    let pool = match parsed.pool.map(Pool::index).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("privy: {}: pool: {e}", cases.display());
            return EXIT_UNREADABLE;
        }
    };
    let engine = Engine::new(doc.config());
    let counts = pool.as_ref().map(|p| Counts::new(&engine, p));
    let mut scratch = Scratch::default();
    let (mut passed, mut failed) = (0usize, 0usize);
    for case in &parsed.cases {
        let req = match case.request.to_request() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("privy: case \"{}\": {e}", case.name);
                return EXIT_UNREADABLE;
            }
        };
        let d = engine.decide_quiet(&req, counts.as_ref(), &mut scratch);
        let ok = d.decision == case.expect && case.reason.is_none_or(|r| r == d.reason);
        if ok {
            passed += 1;
        } else {
            failed += 1;
            let expected = match case.reason {
                Some(r) => format!("{:?} ({})", case.expect, r.as_str()),
                None => format!("{:?}", case.expect),
            };
            println!(
                "FAIL {}: expected {}, got {:?} ({}){}",
                case.name,
                expected.to_lowercase(),
                d.decision,
                d.reason.as_str(),
                if d.rules.is_empty() {
                    String::new()
                } else {
                    format!(" by {}", d.rules.join(", "))
                }
            );
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 { EXIT_OK } else { EXIT_FINDINGS }
}
