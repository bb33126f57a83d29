//! Tidy in words (analysis.md 6.6): what each edit removes and why, and
//! the proof.

use crate::analysis::tidy::{ListPlace, Owner, Proof, Removal, RuleWhy, Tidy};

/// What an edit removes and why, in one sentence.
pub fn description(r: &Removal) -> String {
    match r {
        Removal::DuplicateEntry { list, entry, first } => {
            if entry == first {
                format!(
                    "`{entry}` in {}: listed twice; the first stays",
                    place(list)
                )
            } else {
                format!(
                    "`{entry}` in {}: the same as `{first}` before it, which stays",
                    place(list)
                )
            }
        }
        Removal::CoveredEntry { list, entry, by } => {
            format!(
                "`{entry}` in {}: `{by}` in the same list already matches everyone it matches",
                place(list)
            )
        }
        Removal::NoEffectRule { rule, why } => match why {
            RuleWhy::Proven(n) => super::findings::no_effect_message(n),
            RuleWhy::IdenticalLimit(kind) => format!(
                "{} has no effect: an identical {} rule above it stays",
                super::rule_name(*rule),
                kind.title()
            ),
            RuleWhy::AfterOthers => format!(
                "{} has no effect once the other rules removed here are gone (it only undid what they did)",
                super::rule_name(*rule)
            ),
        },
        Removal::UnusedGroup { index, name } => match name {
            Some(n) => format!(
                "group `{n}` (group {}): no rule or group refers to it",
                index + 1
            ),
            None => format!(
                "group {} (no NAME): no rule or group can refer to it",
                index + 1
            ),
        },
        Removal::EmptyPreset { rule } => {
            format!(
                "{}: an empty preset (every key empty; the server ignores it)",
                super::rule_name(*rule)
            )
        }
    }
}

/// The proof in one line: "access unchanged over 214 principal classes,
/// exhaustive (0.12 s)".
pub fn proof(t: &Tidy) -> String {
    let mut s = match &t.proof {
        Proof::Nothing => "nothing to tidy".to_string(),
        Proof::Holds { classes, took } => format!(
            "access unchanged over {classes} principal classes, exhaustive ({:.2} s)",
            took.as_secs_f64()
        ),
        Proof::Stopped { examined, left } => format!(
            "NOT proven: the access diff stopped at its budget after {examined} combinations, about {left} left; nothing is offered"
        ),
        Proof::Fails { changes } => format!(
            "NOT proven: the access diff found {changes} change(s); nothing is offered (please report this file)"
        ),
    };
    if t.rules_left_out {
        s.push_str("; rules with no effect are left in: the proof did not hold with them");
    }
    if t.findings_partial {
        s.push_str(
            "; the findings stopped at their budget, so some rules with no effect may be left in",
        );
    }
    s
}

/// A list by where it is: "Allow checkouts rule 2 USERS", "group `CAD`
/// MEMBERS".
pub fn place(l: &ListPlace) -> String {
    match &l.owner {
        Owner::Rule(id) => format!("{} {}", super::rule_name(*id), l.field),
        Owner::Group(Some(name)) => format!("group `{name}` {}", l.field),
        Owner::Group(None) => format!("a group without NAME, {}", l.field),
    }
}
