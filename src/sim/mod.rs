//! The what-if simulator's core, apart from any window: test cases in the
//! `privy test` format, scenario replay over a pool, the decision matrix,
//! seat usage and the import of sessions from CSV. The GUI (`ui::sim`) and
//! the command line both use it.

pub mod cases;
pub mod csv;
pub mod matrix;
pub mod scenario;
pub mod session;

use crate::engine::{Action, Decision, Reason, Request};

/// Why, in one sentence ("the free seats are all reserved for other users").
pub fn reason_sentence(d: &Decision, req: &Request) -> String {
    use Reason::*;
    let f = &req.feature;
    match d.reason {
        Granted => format!("the {} of {f} is allowed", action_word(req.action)),
        NotLicensed => match &req.serial {
            Some(s) => format!("license {s} is not in the pool or does not offer {f}"),
            None => format!("no license in the pool offers {f}"),
        },
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

pub fn action_word(a: Action) -> &'static str {
    match a {
        Action::Checkout => "checkout",
        Action::Borrow => "borrow",
    }
}

/// The principal in words ("user anna, host PC001").
pub fn who(req: &Request) -> String {
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
