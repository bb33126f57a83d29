//! The simulator's own sentences: the matrix's key and lines, the verdict
//! panel's lines. The window draws them; it words nothing itself.

use crate::engine::{Decision, Reason, Request, Verdict};

/// A matrix cell's mark and its legend's words (the two seat reasons
/// share one: "no seat (in use or reserved)").
pub fn matrix_key(r: Reason) -> (&'static str, &'static str) {
    match r {
        Reason::Granted => ("✔", "granted"),
        Reason::DenyRule => ("✖", "a deny rule"),
        Reason::NotInAllowRule => ("A", "not in an allow list"),
        Reason::LimitReached => ("L", "a limit reached"),
        Reason::ReservedForOthers | Reason::NoFreeSeat => ("S", "no seat (in use or reserved)"),
        Reason::BorrowHoursExceeded => ("H", "too many borrow hours"),
        Reason::NotLicensed => ("N", "no license offers it"),
    }
}

/// The line above the matrix: its size, how long it took, and whether the
/// file names more principals than it shows.
pub fn matrix_info(rows: usize, features: usize, took_ms: f64, more: Option<usize>) -> String {
    let mut info = format!(
        "{rows} principals × {features} features, decided in {took_ms:.1} ms. Hover a cell for the reason; click it for the trace."
    );
    if let Some(shown) = more {
        info.push_str(&format!(
            " The file names more principals than these first {shown}: add the ones you need above."
        ));
    }
    info
}

/// The matrix without a principal or a feature.
pub const MATRIX_EMPTY: &str =
    "The file names no principals or no features yet: add a principal above.";

/// A cell's tooltip: "user anna · CAD: GRANTED (granted)".
pub fn matrix_cell_tip(row: &str, feature: &str, verdict: Verdict, reason: Reason) -> String {
    format!(
        "{row} · {feature}: {} ({})",
        super::verdict_word(verdict),
        matrix_key(reason).1
    )
}

/// A cell's name for screen readers and tests: "user anna × CAD: granted".
pub fn matrix_cell_name(row: &str, feature: &str, reason: Reason) -> String {
    format!("{row} × {feature}: {}", reason.as_str())
}

/// `n` and the noun, singular or plural: "1 license", "2 sessions".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Which pool the verdicts use: none, a file's (by its name) or one made
/// in the window, with its size.
pub fn pool_line(used: bool, file: Option<String>, licenses: usize, sessions: usize) -> String {
    let size = format!(
        "{}, {}",
        count(licenses, "license", "licenses"),
        count(sessions, "session", "sessions")
    );
    match (used, file) {
        (false, _) => "Pool: none — seats and licenses are not checked".to_string(),
        (true, Some(name)) => format!("Pool: {name} ({size})"),
        (true, None) => format!("Pool: made here, not saved ({size})"),
    }
}

/// The pool cannot be used, so the request was decided without it.
pub fn pool_unusable(why: &str) -> String {
    format!("The pool is not usable ({why}): decided without it.")
}

/// The verdict's line: who, why, and the reason's code.
pub fn verdict_line(req: &Request, d: &Decision) -> String {
    format!(
        "{}: {} [{}]",
        super::who(req),
        super::reason_sentence(d, req),
        d.reason.as_str()
    )
}

/// Before each deciding rule's name.
pub fn decided_by(v: Verdict) -> &'static str {
    match v {
        Verdict::Denied => "Denied by",
        Verdict::Granted => "Allowed by",
    }
}

/// The license the request was decided on.
pub fn license_line(serial: &str) -> String {
    format!("License {serial}")
}

/// How long a borrow may last.
pub fn borrowing_line(d: &Decision) -> String {
    format!("Borrowing: {}", super::borrow_maximum(d))
}

/// The inputs the rules ask about that the request does not give.
pub fn not_given(missing: &[String]) -> String {
    format!(
        "Not given: {}. Rules list entries of these kinds; without them those entries match nothing.",
        missing.join(", ")
    )
}

/// What the answer takes for granted.
pub fn assumes(a: &crate::engine::Assumption) -> String {
    format!("Assumes: {}", super::assumption(a))
}

/// The name of a case added to reach a rule: "reaches Deny checkouts rule 2".
pub fn case_reaching(rule: crate::rule_id::RuleId) -> String {
    format!("reaches {}", super::rule_name(rule))
}

/// What is wrong with a request form: its IP address (why it does not
/// read), its borrow hours (as typed), or else no feature is named.
pub fn form_error(ip: Option<&str>, hours: Option<&str>) -> String {
    match (ip, hours) {
        (Some(why), _) => format!("IP address: {why}."),
        (None, Some(typed)) => format!("Borrow hours: `{typed}` is not a whole number of hours."),
        (None, None) => "Name a feature to decide.".to_string(),
    }
}

/// What is wrong with a scenario's step (`index` from 0).
pub fn step_problem(index: usize, problem: &dyn std::fmt::Display) -> String {
    format!("step {}: {problem}", index + 1)
}

/// What is wrong with the pool a scenario replays against.
pub fn pool_problem(problem: &dyn std::fmt::Display) -> String {
    format!("pool: {problem}")
}

/// What is wrong with the pool a cases file brings.
pub fn cases_pool_problem(problem: &dyn std::fmt::Display) -> String {
    format!("the cases' pool: {problem}")
}

/// What is wrong with a case's request.
pub fn case_problem(name: &str, problem: &dyn std::fmt::Display) -> String {
    format!("case \"{name}\": {problem}")
}

/// The Scenario tab without a pool: neither seats nor limits are counted.
pub const SCENARIO_WITHOUT_POOL: &str = "No pool: neither seats nor LIMIT rules are counted. Each step is decided as if no one held the feature, so no request runs out of seats or reaches a limit's COUNT. Turn the pool on in the Pool tab.";

/// What a scenario step's line adds to its reason: the licenses passed
/// over before the one that served it (a limit reached on one, say), a
/// limit that was not counted for want of a pool, and the seat taken.
pub fn step_detail(d: &Decision, pooled: bool, took_seat: bool) -> String {
    use crate::engine::{Found, StepName};
    let mut out = String::new();
    for step in &d.trace {
        match &step.found {
            Found::Offers {
                serial,
                tried,
                earlier,
                ..
            } if !tried.is_empty() => {
                let passed: Vec<String> = tried
                    .iter()
                    .map(|(s, r)| format!("license {s} ({})", super::reason_short(*r)))
                    .collect();
                let more = match earlier {
                    0 => String::new(),
                    1 => "1 more license and ".to_string(),
                    n => format!("{n} more licenses and "),
                };
                out.push_str(&format!(
                    "; passed over {more}{}, so on license {serial}",
                    passed.join(", ")
                ));
            }
            Found::NoLimitReached if !pooled && step.step == StepName::Limit => {
                out.push_str("; its limit is not counted without a pool");
            }
            _ => {}
        }
    }
    if took_seat {
        out.push_str(&format!(
            "; takes a seat on license {}",
            d.serial.as_deref().unwrap_or("?")
        ));
    }
    out
}

/// A request form in one line: "user anna, host PC001 · checkout EXPORT_ALL".
pub fn form_summary(who: &str, action: crate::engine::Action, feature: &str) -> String {
    format!("{who} · {} {}", super::action_word(action), feature.trim())
}

/// The simulator's file actions, said in the status line.
pub mod files {
    use std::path::Path;

    use crate::engine::Request;
    use crate::rule_id::RuleId;

    /// A pool was read; `problem` is the first thing wrong in it, at its
    /// place (file, line, column), with how many more there are.
    pub fn pool_read(
        path: &Path,
        problem: Option<(&Path, usize, usize, &str)>,
        more: usize,
    ) -> String {
        match problem {
            None => format!("Pool read from {}", path.display()),
            Some((file, line, column, message)) => {
                let more = match more {
                    0 => String::new(),
                    n => format!(" ({n} more problems)"),
                };
                let at = if file == path {
                    format!("{line}:{column}")
                } else {
                    format!("{}:{line}:{column}", file.display())
                };
                format!(
                    "Pool read from {}, but it cannot be used as it is ({at}): {message}{more}",
                    path.display()
                )
            }
        }
    }

    pub fn pool_saved(path: &Path) -> String {
        format!("Pool saved to {}", path.display())
    }

    pub fn sessions_imported(count: usize, path: &Path) -> String {
        format!("{count} sessions imported from {}", path.display())
    }

    pub fn cases_read(count: usize, path: &Path) -> String {
        format!("{count} cases read from {}", path.display())
    }

    pub fn cases_saved(count: usize, path: &Path) -> String {
        format!("{count} cases saved to {}", path.display())
    }

    pub fn matrix_exported(path: &Path) -> String {
        format!("Matrix exported to {}", path.display())
    }

    pub fn access_saved(path: &Path) -> String {
        format!("Access report saved to {}", path.display())
    }

    pub fn case_added(rule: RuleId, request: &Request) -> String {
        format!(
            "Added a case that reaches {}: {}",
            super::super::rule_name(rule),
            super::super::who(request)
        )
    }

    pub fn cannot_write(path: &Path, error: &str) -> String {
        format!("cannot write {}: {error}", path.display())
    }

    pub const NO_MATRIX: &str = "Open the Matrix tab first.";
    pub const NO_ACCESS: &str = "Open the Access tab first.";

    pub fn no_request_reaches(rule: RuleId) -> String {
        format!(
            "No request reaches {}: no principal is in its USERS for what it applies to (see Problems).",
            super::super::rule_name(rule)
        )
    }
}
