//! What a decision says: the verdict, the reason code, the deciding
//! rules and the ordered trace of steps, as `privy explain --format json`
//! prints them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Granted,
    Denied,
}

/// The reason codes of semantics.md section 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Granted,
    NotLicensed,
    DenyRule,
    NotInAllowRule,
    BorrowHoursExceeded,
    LimitReached,
    ReservedForOthers,
    NoFreeSeat,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Granted => "granted",
            Reason::NotLicensed => "not_licensed",
            Reason::DenyRule => "deny_rule",
            Reason::NotInAllowRule => "not_in_allow_rule",
            Reason::BorrowHoursExceeded => "borrow_hours_exceeded",
            Reason::LimitReached => "limit_reached",
            Reason::ReservedForOthers => "reserved_for_others",
            Reason::NoFreeSeat => "no_free_seat",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepName {
    Licensed,
    Deny,
    Allow,
    BorrowHours,
    Limit,
    Seats,
}

impl StepName {
    pub fn as_str(self) -> &'static str {
        match self {
            StepName::Licensed => "licensed",
            StepName::Deny => "deny",
            StepName::Allow => "allow",
            StepName::BorrowHours => "borrow_hours",
            StepName::Limit => "limit",
            StepName::Seats => "seats",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Denied,
    Skipped,
}

/// What a step found out about one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCheck {
    pub pointer: String,
    pub applies: bool,
    pub matched: bool,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceStep {
    pub step: StepName,
    pub outcome: Outcome,
    pub rules: Vec<RuleCheck>,
    pub detail: String,
}

/// The full answer, as `privy explain --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub decision: Verdict,
    pub reason: Reason,
    /// The determining rules, as JSON Pointers.
    pub rules: Vec<String>,
    pub serial: Option<String>,
    pub max_borrow_hours: Option<u64>,
    pub assumptions: Vec<String>,
    pub missing_inputs: Vec<String>,
    pub trace: Vec<TraceStep>,
}
