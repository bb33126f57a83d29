//! What a decision says: the verdict, the reason code, the deciding
//! rules and the ordered trace of steps, as `privy explain --format json`
//! prints them.

use serde::{Deserialize, Serialize};

pub use super::trace::{Cover, Found, HoursSource, LimitAt, RuleCheck, TraceStep, Unknown, Why};
use crate::rule_id::RuleId;

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
    /// After the deciding step: the server never gets here; what the step
    /// would have found is recorded all the same (semantics.md 8.3).
    #[serde(rename = "not_reached")]
    NotReached,
}

/// What the decision took for granted, said with the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assumption {
    /// No pool: seats unknown, usage taken as zero.
    NoPool,
    /// No IP given: IP entries match nothing.
    NoIp,
    /// Several licenses offer the feature and each denied: the first one's
    /// denial is reported.
    EveryLicenseDenied {
        feature: String,
        tried: Vec<(String, Reason)>,
    },
}

/// The full answer. `crate::words::decision_json` gives it as
/// `privy explain --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub decision: Verdict,
    pub reason: Reason,
    /// The determining rules, in the order they decided.
    pub rules: Vec<RuleId>,
    pub serial: Option<String>,
    pub max_borrow_hours: Option<u64>,
    pub assumptions: Vec<Assumption>,
    /// The unset inputs that some entry of a rule the decision looked at
    /// could have matched: `user`, `host`, `ip`, `local_groups`.
    pub missing_inputs: Vec<String>,
    pub trace: Vec<TraceStep>,
}

impl Decision {
    /// The decision of a principal said to have no local groups
    /// (`--no-local-groups`): unset local groups are not an unknown input.
    pub fn without_unknown_local_groups(&mut self) {
        self.missing_inputs.retain(|m| m != "local_groups");
        for step in &mut self.trace {
            for r in &mut step.rules {
                let cover = match &mut r.why {
                    Why::Users(c) | Why::Hours { cover: c, .. } | Why::Limit { cover: c, .. } => c,
                    _ => continue,
                };
                if let Cover::NotIn { unknown, .. } = cover {
                    unknown.local_groups = false;
                }
            }
        }
    }
}

/// Rules a decision leaves out, as if the file did not have them
/// ([`Engine::without`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Without(pub(super) Vec<u32>);
