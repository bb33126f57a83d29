//! What the engine found, as data, and the recorder that keeps it.
//!
//! Each step of `docs/semantics.md` section 5 reports what it found as a
//! [`Found`] (for the step) and a [`Why`] (per rule it looked at). The
//! [`Recorder`] is the one place a decision writes to: in a fast decision
//! it keeps nothing and the closures that build findings never run; in a
//! trace it keeps every step. `crate::words` turns findings into words for
//! the command line, the window and JSON alike; nothing here is worded.
//!
//! Promises (as ripgrep's `Sink` documents its own): steps arrive in the
//! order the procedure takes them; a step's rule checks are in file order
//! (sorted by [`RuleId`] when the step is recorded); the steps of a
//! license that did not serve the request are taken out again (from
//! [`Recorder::mark`] on) by the license choice in `decide.rs`.

use crate::rule_id::RuleId;
use crate::spec::RuleKind;

use super::matcher::Hit;
use super::pool::SeatSharing;
use super::{Outcome, Reason, StepName};

/// What one step found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Licensed, no pool: unknown.
    NoPool,
    /// The named license exists but does not offer the feature.
    LicenseLacksFeature {
        serial: String,
        feature: String,
    },
    /// The pool has no license of that serial.
    NoSuchLicense {
        serial: String,
    },
    /// No license in the pool offers the feature.
    NoLicenseOffers {
        feature: String,
    },
    /// The license tried now offers the feature; `tried` are the last few
    /// licenses tried before it (with their denial), `earlier` how many
    /// more were tried before those.
    Offers {
        serial: String,
        feature: String,
        seats: u64,
        held: usize,
        earlier: usize,
        tried: Vec<(String, Reason)>,
    },
    DeniedBy(RuleId),
    NoDenyApplies,
    NoDenyMatches,
    /// A list of allow rules restricts the feature and the principal is
    /// in none of them.
    NotInAllowList {
        kind: RuleKind,
        feature: String,
    },
    NoAllowApplies,
    InAllowRule,
    /// Borrow hours asked and allowed (either may be absent), and where
    /// the maximum comes from.
    Hours {
        wanted: Option<u64>,
        max: Option<u64>,
        source: HoursSource,
    },
    NotABorrow,
    /// Seat sharing: the principal holds the feature on the license.
    ReusesSession(SeatSharing),
    TakesNoSeat,
    /// Every covering limit rule whose count is reached, in file order
    /// (an admin who raises one is still denied by the others).
    LimitReached(Vec<LimitAt>),
    NoLimitApplies,
    NoLimitReached,
    SeatsUnknown,
    /// No license offers the feature: there are no seats to count (the
    /// seats step after `not_licensed`, in a trace).
    NoSeatsWithoutLicense,
    Seats {
        seats: u64,
        held: u64,
        free: u64,
        reserved_for_others: u64,
    },
    AllReserved {
        free: u64,
        seats: u64,
    },
    AllInUse {
        seats: u64,
    },
}

/// A limit rule at its count: how many it allows, how many are in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitAt {
    pub rule: RuleId,
    pub count: u64,
    pub usage: u64,
}

/// Where a borrow's maximum hours come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursSource {
    Rule(RuleId),
    License,
    Nowhere,
}

/// How a rule's USERS (and EXCEPT_USERS) relate to the principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cover {
    /// USERS covers everyone; `except`: the rule has EXCEPT_USERS (which do
    /// not match the principal).
    Everyone { except: bool },
    /// An entry of USERS matched.
    Matched(Hit),
    /// In USERS but excepted (by this entry, when known).
    Excepted(Option<Hit>),
    /// Not in USERS: its first entries, and whether there are more;
    /// `unknown`: inputs the request left unset that entries of USERS
    /// could have matched (then "not in" is not known).
    NotIn {
        first: Vec<String>,
        more: bool,
        unknown: Unknown,
    },
}

/// Inputs a request left unset that some entry of a list could have
/// matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unknown {
    pub user: bool,
    pub host: bool,
    pub ip: bool,
    pub local_groups: bool,
}

impl Unknown {
    pub fn any(self) -> bool {
        self.user || self.host || self.ip || self.local_groups
    }
}

impl Cover {
    pub fn covered(&self) -> bool {
        matches!(self, Cover::Everyone { .. } | Cover::Matched(_))
    }
}

/// What a step found about one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Whether USERS covers the principal (deny and allow rules).
    Users(Cover),
    /// A LIMIT_BORROWS rule's HOURS and whom it covers.
    Hours { hours: u64, cover: Cover },
    /// A limit: whom it covers and, if covered, the count in use (`pooled`:
    /// there is a pool; without one the usage is taken as zero).
    Limit {
        cover: Cover,
        usage: u64,
        count: u64,
        pooled: bool,
    },
    /// A reservation that includes the principal.
    ReservesMine { count: u64, cover: Cover },
    /// A reservation for others: how many of its seats are used and kept.
    ReservesForOthers {
        count: u64,
        used: u64,
        remaining: u64,
    },
    /// Left out: limited to serials and the request names none.
    SerialOnly { serials: String },
    /// Ignored by the engine: its COUNT or HOURS (`field`) is not a whole
    /// number from 1 to 2^31-1.
    Ignored { field: crate::spec::Field },
}

/// What a step found out about one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheck {
    pub rule: RuleId,
    pub applies: bool,
    pub matched: bool,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    pub step: StepName,
    pub outcome: Outcome,
    pub rules: Vec<RuleCheck>,
    pub found: Found,
}

/// How much a decision records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The verdict and reason only (no rules, assumptions or trace).
    Fast,
    /// Also the determining rules, assumptions and missing inputs.
    Quiet,
    /// Everything, with the trace.
    Trace,
}

/// Where a decision writes what it found.
#[derive(Debug)]
pub(super) struct Recorder {
    pub(super) mode: Mode,
    pub(super) steps: Vec<TraceStep>,
}

impl Recorder {
    pub(super) fn new(mode: Mode) -> Recorder {
        Recorder {
            mode,
            steps: Vec::new(),
        }
    }

    /// Whether findings are kept (a trace).
    pub(super) fn tracing(&self) -> bool {
        self.mode == Mode::Trace
    }

    /// Whether the determining rules and inputs are kept.
    pub(super) fn quiet_or_more(&self) -> bool {
        self.mode != Mode::Fast
    }

    /// Records a step; `found` runs only in a trace.
    pub(super) fn step(
        &mut self,
        step: StepName,
        outcome: Outcome,
        mut rules: Vec<RuleCheck>,
        found: impl FnOnce() -> Found,
    ) {
        if self.tracing() {
            rules.sort_by_key(|r| r.rule);
            self.steps.push(TraceStep {
                step,
                outcome,
                rules,
                found: found(),
            });
        }
    }

    /// Records a rule check into a step's list; `why` runs only in a trace.
    pub(super) fn check(
        &self,
        checks: &mut Vec<RuleCheck>,
        rule: RuleId,
        matched: bool,
        why: impl FnOnce() -> Why,
    ) {
        if self.tracing() {
            checks.push(RuleCheck {
                rule,
                applies: true,
                matched,
                why: why(),
            });
        }
    }

    /// A rule the step passes over because the engine ignores it.
    pub(super) fn ignored(
        &self,
        checks: &mut Vec<RuleCheck>,
        rule: RuleId,
        field: crate::spec::Field,
    ) {
        if self.tracing() {
            checks.push(RuleCheck {
                rule,
                applies: false,
                matched: false,
                why: Why::Ignored { field },
            });
        }
    }

    /// Where the steps stand now (for [`Recorder::truncate`]).
    pub(super) fn mark(&self) -> usize {
        self.steps.len()
    }
}
