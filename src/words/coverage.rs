//! `privy test` in words: a failing case, and what the suite covers
//! (analysis.md 6.5).

use serde_json::{Value, json};

use crate::analysis::coverage::Coverage;
use crate::engine::{Reason, Verdict};
use crate::model::Config;
use crate::rule_id::RuleId;

/// What a case expects: "granted", "denied (deny_rule)".
pub fn expectation(expect: Verdict, reason: Option<Reason>) -> String {
    let v = super::verdict_word(expect).to_lowercase();
    match reason {
        Some(r) => format!("{v} ({})", r.as_str()),
        None => v,
    }
}

/// What a case got: "denied (not_in_allow_rule)".
pub fn outcome(got: Verdict, reason: Reason) -> String {
    expectation(got, Some(reason))
}

/// A failing case: "wrong on purpose: expected granted, got denied
/// (not_in_allow_rule) by Allow checkouts rule 1".
pub fn failure(
    name: &str,
    (expect, expect_reason): (Verdict, Option<Reason>),
    (got, reason, rules): (Verdict, Reason, &[RuleId]),
) -> String {
    let by = if rules.is_empty() {
        String::new()
    } else {
        format!(
            " by {}",
            rules
                .iter()
                .map(|&r| super::rule_name(r))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{name}: expected {}, got {}{by}",
        expectation(expect, expect_reason),
        outcome(got, reason),
    )
}

/// A case in the Tests tab, beside its name: "expects granted", or
/// "expects granted, now denied (deny_rule)" when it fails.
pub fn case_line(
    (expect, expect_reason): (Verdict, Option<Reason>),
    got: Option<(Verdict, Reason)>,
) -> String {
    let expected = expectation(expect, expect_reason);
    match got {
        None => format!("expects {expected}"),
        Some((v, r)) => format!("expects {expected}, now {}", outcome(v, r)),
    }
}

/// The closing line of a suite: "3 passed, 1 failed".
pub fn tally(passed: usize, failed: usize) -> String {
    format!("{passed} passed, {failed} failed")
}

/// A list by its pointer: "Deny checkouts rule 2 USERS", "group
/// `Contractors` MEMBERS".
fn list_place(cfg: &Config, pointer: &str) -> String {
    let (owner, field) = pointer.rsplit_once('/').unwrap_or((pointer, ""));
    let place = super::place_name(cfg, owner);
    match place.strip_prefix("group ") {
        Some(name) => format!("group `{name}` {field}"),
        None => format!("{place} {field}"),
    }
}

/// The coverage lines of `privy test --coverage`: a summary, then each
/// rule and entry no case reached, in file order.
pub fn lines(cfg: &Config, c: &Coverage) -> Vec<String> {
    let rules = c.rules.len();
    let reached = c.rules.iter().filter(|r| !r.cases.is_empty()).count();
    let entries_reached = c.entries - c.uncovered_entries.len();
    let mut out = vec![format!(
        "coverage: {reached} of {rules} rules reached, {entries_reached} of {} entries",
        c.entries
    )];
    for id in c.uncovered_rules() {
        out.push(format!(
            "  rule not reached: {} ({})",
            super::rule_name(id),
            id.pointer()
        ));
    }
    for e in &c.uncovered_entries {
        out.push(format!(
            "  entry not reached: `{}` in {} ({})",
            e.entry,
            list_place(cfg, &e.pointer),
            e.pointer
        ));
    }
    out
}

/// An entry no case reaches, where it is: "`PC*` in Allow checkouts rule
/// 3 USERS" (the window lists them under a heading).
pub fn entry_place(cfg: &Config, e: &crate::analysis::coverage::Entry) -> String {
    format!("`{}` in {}", e.entry, list_place(cfg, &e.pointer))
}

/// The coverage as `privy test --format json` prints it.
pub fn json(c: &Coverage) -> Value {
    json!({
        "rules": c
            .rules
            .iter()
            .map(|r| json!({"rule": r.rule.pointer(), "cases": r.cases}))
            .collect::<Vec<_>>(),
        "uncovered_rules": c.uncovered_rules().map(|r| r.pointer()).collect::<Vec<_>>(),
        "uncovered_entries": c
            .uncovered_entries
            .iter()
            .map(|e| json!({"pointer": e.pointer, "entry": e.entry}))
            .collect::<Vec<_>>(),
    })
}
