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
/// exhaustive (0.12 s)", with what was left out and why.
pub fn proof(t: &Tidy) -> String {
    let mut s = proof_of(&t.proof);
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

/// One proof in one line.
pub fn proof_of(p: &Proof) -> String {
    match p {
        Proof::Nothing => "nothing to tidy".to_string(),
        Proof::Holds { classes, took } => format!(
            "access unchanged over {} principal classes, exhaustive ({:.2} s)",
            grouped(*classes),
            took.as_secs_f64()
        ),
        Proof::Stopped { examined, left } => format!(
            "NOT proven: the access diff stopped at its budget after {examined} combinations, about {left} left; nothing is offered"
        ),
        Proof::Fails { changes } => format!(
            "NOT proven: the access diff found {changes} change(s) in access; nothing is offered"
        ),
    }
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

/// A count with its thousands grouped ("154,589,758,142").
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(154_589_758_142), "154,589,758,142");
    }
}
