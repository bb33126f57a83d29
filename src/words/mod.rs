//! Every word a person reads about a decision: the verdict, the reason in
//! one sentence or a few words, the action, the principal, the steps. The
//! command line and the window take them from here; JSON and the matrix's
//! CSV carry the codes (`Reason::as_str`), not these words.

use crate::engine::{Action, Decision, Outcome, Reason, Request, StepName, Verdict};

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

/// A rule as people read it: "Deny checkouts rule 2" (numbered from 1).
pub fn rule_name(id: crate::rule_id::RuleId) -> String {
    format!("{} rule {}", id.kind.title(), id.index as usize + 1)
}

/// The line under the editor's filter, for a text filter.
pub fn filter_text(t: &str) -> String {
    format!("Showing the rules and groups that mention “{t}”.")
}

/// The line under the editor's filter, for a principal (`None`: only a
/// feature was given) and a feature.
pub fn filter_who(principal: Option<&Request>, feature: Option<&str>) -> String {
    match (principal.map(who), feature) {
        (None, Some(f)) => format!(
            "Showing the rules for feature {f} (rules for every feature too) and the groups they name."
        ),
        (Some(who), Some(f)) => format!(
            "Showing the rules that decide about {who} for {f}: those that match (through groups, wildcards and IP ranges) and the allow rules that deny by not naming them; and the groups {who} is in."
        ),
        (who, None) => {
            let who = who.unwrap_or_else(|| "an unknown principal".into());
            format!(
                "Showing the rules about {who} (through groups, wildcards and IP ranges) and the groups {who} is in."
            )
        }
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
    if let Some(u) = &req.principal.user {
        parts.push(format!("user {u}"));
    }
    if let Some(h) = &req.principal.host {
        parts.push(format!("host {h}"));
    }
    if let Some(ip) = req.principal.ip {
        parts.push(format!("IP {ip}"));
    }
    if !req.principal.local_groups.is_empty() {
        parts.push(format!(
            "local groups {}",
            req.principal.local_groups.join(", ")
        ));
    }
    if parts.is_empty() {
        "an unknown principal".into()
    } else {
        parts.join(", ")
    }
}

/// The verdict as the headline shows it.
pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Granted => "GRANTED",
        Verdict::Denied => "DENIED",
    }
}

/// A step's title ("Deny rules").
pub fn step_title(s: StepName) -> &'static str {
    match s {
        StepName::Licensed => "Licensed",
        StepName::Deny => "Deny rules",
        StepName::Allow => "Allow rules",
        StepName::BorrowHours => "Borrow hours",
        StepName::Limit => "Limits",
        StepName::Seats => "Seats",
    }
}

/// A step's outcome as the text trace marks it, padded to one width.
pub fn outcome_mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed ",
        Outcome::Denied => "DENIED ",
        Outcome::Skipped => "skipped",
        Outcome::NotReached => "later  ",
    }
}

/// The borrow maximum beside a verdict, as the trace finds it: a request
/// denied before the borrow-hours step still has the maximum that step
/// would apply ("no maximum" there would contradict the trace).
pub fn borrow_maximum(d: &Decision) -> String {
    let step = d.trace.iter().find(|s| s.step == StepName::BorrowHours);
    let found = step.and_then(|s| match &s.found {
        crate::engine::Found::Hours { max, .. } => Some((*max, s.outcome)),
        _ => None,
    });
    match found {
        Some((Some(m), Outcome::NotReached)) => {
            format!("at most {m} hours, had the request not been stopped before that step")
        }
        Some((Some(m), _)) => format!("at most {m} hours"),
        Some((None, _)) => "no maximum".to_string(),
        None => d
            .max_borrow_hours
            .map_or("no maximum".to_string(), |h| format!("at most {h} hours")),
    }
}

/// The verdicts of a principal filter with a feature, for the line under
/// the filter: "user anna, KAS (no pool): a checkout is DENIED (in no allow
/// rule: Allow checkouts rule 2), and so is a borrow."
pub fn who_verdicts(
    principal: &crate::request::Principal,
    feature: &str,
    decided: &[(Action, Decision)],
) -> String {
    let outcome = |d: &Decision| {
        let by = if d.rules.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                d.rules
                    .iter()
                    .map(|r| rule_name(*r))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!(
            "{} ({}{by})",
            verdict_word(d.decision),
            reason_short(d.reason)
        )
    };
    let mut parts: Vec<String> = Vec::new();
    for (i, (a, d)) in decided.iter().enumerate() {
        let same = i > 0
            && decided.first().is_some_and(|(_, f)| {
                (f.decision, f.reason, &f.rules) == (d.decision, d.reason, &d.rules)
            });
        parts.push(if same {
            format!("and so is a {}", action_word(*a))
        } else {
            format!("a {} is {}", action_word(*a), outcome(d))
        });
    }
    if parts.is_empty() {
        return String::new();
    }
    let who = who(&principal.request(feature, Action::Checkout));
    format!("{who}, {feature} (no pool): {}.", parts.join(", "))
}

/// A place of the file by its pointer: "Deny checkouts rule 2", "group
/// Contractors", "setting TCP_PORT".
pub fn place_name(cfg: &crate::model::Config, pointer: &str) -> String {
    use crate::spec::{self, RuleKind};
    let mut parts = pointer.trim_start_matches('/').split('/');
    let list = parts.next().unwrap_or_default();
    let index = parts.next().and_then(|i| i.parse::<usize>().ok());
    match (RuleKind::from_key(list), index) {
        (Some(kind), Some(i)) => format!("{} rule {}", kind.title(), i + 1),
        (None, Some(i)) if list == spec::GROUPS_KEY => {
            format!(
                "group {}",
                cfg.groups
                    .iter()
                    .find(|g| g.index == i)
                    .and_then(|g| g.name.as_deref())
                    .unwrap_or("?")
            )
        }
        (None, None) if !list.is_empty() => format!("setting {list}"),
        _ => pointer.to_string(),
    }
}

/// An undo step by what it did: "edit of Deny checkouts rule 2 USERS",
/// "new Allow checkouts rule", "removal of group Contractors".
pub fn step_name(cfg: &crate::model::Config, what: &crate::document::StepWhat) -> String {
    use crate::document::StepKind;
    let parts: Vec<&str> = what.pointer.trim_start_matches('/').split('/').collect();
    let key = match parts.as_slice() {
        [_, _, key, ..] => format!(" {key}"),
        _ => String::new(),
    };
    let place = place_name(cfg, &what.pointer);
    match what.kind {
        StepKind::Text => "text edit".to_string(),
        StepKind::Set => format!("edit of {place}{key}"),
        StepKind::Add => {
            match crate::spec::RuleKind::from_key(parts.first().copied().unwrap_or_default()) {
                Some(kind) if parts.len() == 1 => format!("new {} rule", kind.title()),
                _ if parts.first() == Some(&crate::spec::GROUPS_KEY) && parts.len() == 1 => {
                    "new group".to_string()
                }
                _ => format!("addition to {place}"),
            }
        }
        StepKind::Remove => format!("removal of {place}{key}"),
        StepKind::Move => format!("move of {place}"),
    }
}

/// The reason in a few words, for a table cell ("in no allow rule").
pub fn reason_short(r: Reason) -> &'static str {
    match r {
        Reason::Granted => "granted",
        Reason::NotLicensed => "not licensed",
        Reason::DenyRule => "a deny rule matches",
        Reason::NotInAllowRule => "in no allow rule",
        Reason::BorrowHoursExceeded => "too many borrow hours",
        Reason::LimitReached => "a limit is reached",
        Reason::ReservedForOthers => "free seats are reserved for others",
        Reason::NoFreeSeat => "no free seat",
    }
}

pub mod access;
mod analysis;
pub mod coverage;
pub mod diff;
pub mod explained;
pub mod findings;
mod json;
pub mod rule;
pub mod simulator;
pub mod tidy;
mod trace;

pub use analysis::{
    cause, change_key, change_kind, change_kind_before_saving, class_description,
    class_description_within, class_examples, diff_summary, saving_headline, side,
};
pub use json::decision_json;
pub use trace::{assumption, cover, found, hit, source, why};
