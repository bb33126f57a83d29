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
