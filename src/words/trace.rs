//! The trace in words: what each step found (`Found`), why each rule
//! matched or not (`Why`, `Cover`, `Hit`), and what a decision assumed.

use crate::engine::matcher::{Attr, Hit};
use crate::engine::{Assumption, Cover, Found, HoursSource, Why};
use crate::pool::SeatSharing;

/// What a step found, as the trace's detail line says it.
pub fn found(f: &Found) -> String {
    use Found::*;
    match f {
        NoPool => "no pool: whether a license offers the feature is unknown".into(),
        LicenseLacksFeature { serial, feature } => {
            format!("license {serial} does not offer {feature}")
        }
        NoSuchLicense { serial } => format!("the pool has no license {serial}"),
        NoLicenseOffers { feature } => format!("no license in the pool offers {feature}"),
        Offers {
            serial,
            feature,
            seats,
            held,
            earlier,
            tried,
        } => {
            let mut d = format!("license {serial} offers {feature} ({seats} seats, {held} in use)");
            if !tried.is_empty() {
                let more = if *earlier > 0 {
                    format!("{earlier} more, then ")
                } else {
                    String::new()
                };
                d.push_str(&format!("; tried before: {more}{}", tried_list(tried)));
            }
            d
        }
        DeniedBy(rule) => format!(
            "denied by {}: deny rules override allow rules",
            super::rule_name(*rule)
        ),
        NoDenyApplies => "no deny rule applies".into(),
        NoDenyMatches => "no applicable deny rule matches".into(),
        NotInAllowList { kind, feature } => format!(
            "{} allows {feature} only to the users it lists, and the principal is in none of them",
            kind.key()
        ),
        NoAllowApplies => "no allow rule applies: everyone is allowed".into(),
        InAllowRule => "the principal is in an applicable allow rule".into(),
        Hours {
            wanted,
            max,
            source: from,
        } => {
            let from = source(*from);
            match (wanted, max) {
                (Some(w), Some(m)) => format!("{w} hours asked, at most {m} allowed (from {from})"),
                (None, Some(m)) => {
                    format!("no length asked; at most {m} hours allowed (from {from})")
                }
                (Some(w), None) => format!("{w} hours asked; no maximum applies"),
                (None, None) => "no maximum applies".into(),
            }
        }
        NotABorrow => "a checkout, not a borrow".into(),
        ReusesSession(sharing) => format!(
            "seat sharing by {}: the principal already holds this feature on the license and reuses that session",
            match sharing {
                SeatSharing::User => "user",
                _ => "user and host",
            }
        ),
        TakesNoSeat => "reuses the session it holds: takes no new seat".into(),
        LimitReached(reached) => reached
            .iter()
            .map(|at| {
                format!(
                    "{} allows {} at once to the users it covers, and {} are in use",
                    super::rule_name(at.rule),
                    at.count,
                    at.usage
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        NoLimitApplies => "no limit rule applies".into(),
        NoLimitReached => "no applicable limit is reached".into(),
        SeatsUnknown => "no pool: free seats are unknown".into(),
        NoSeatsWithoutLicense => {
            "no license offers the feature: there are no seats to count".into()
        }
        Seats {
            seats,
            held,
            free,
            reserved_for_others,
        } => format!(
            "{seats} seats, {held} in use, {free} free, {reserved_for_others} reserved for others: {} available",
            free.saturating_sub(*reserved_for_others)
        ),
        AllReserved { free, seats } => {
            format!("{free} of {seats} seats are free, but all are reserved for others")
        }
        AllInUse { seats } => format!("all {seats} seats are in use"),
    }
}

fn tried_list(tried: &[(String, crate::engine::Reason)]) -> String {
    tried
        .iter()
        .map(|(serial, reason)| format!("{serial} ({})", reason.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a borrow's maximum comes from.
pub fn source(s: HoursSource) -> String {
    match s {
        HoursSource::Rule(id) => super::rule_name(id),
        HoursSource::License => "the license's max_borrow_hours".into(),
        HoursSource::Nowhere => String::new(),
    }
}

/// Why one rule matched the principal or not.
pub fn why(w: &Why) -> String {
    match w {
        Why::Users(c) => cover(c),
        Why::Hours { hours, cover: c } => format!("HOURS {hours}: {}", cover(c)),
        Why::Limit {
            cover: c,
            usage,
            count,
            pooled,
        } if c.covered() => format!(
            "{}; {usage} of {count} in use{}",
            cover(c),
            if *pooled {
                ""
            } else {
                " (no pool: taken as zero)"
            }
        ),
        Why::Limit { cover: c, .. } => cover(c),
        Why::ReservesMine { count, cover: c } => format!(
            "reserves {count} for users including the principal ({}); the principal may use them",
            cover(c)
        ),
        Why::ReservesForOthers {
            count,
            used,
            remaining,
        } => format!("reserves {count} for others, {used} of them in use: {remaining} kept free"),
        Why::SerialOnly { serials } => format!(
            "limited to serial numbers {serials}; the request names no serial and there is no pool"
        ),
        Why::Ignored { field } => format!(
            "ignored: {} must be a whole number of at least 1 (and at most 2147483647)",
            field.key()
        ),
    }
}

/// How a rule's USERS cover the principal.
pub fn cover(c: &Cover) -> String {
    match c {
        Cover::Everyone { except: true } => {
            "covers everyone not in EXCEPT_USERS, the principal included".into()
        }
        Cover::Everyone { except: false } => "covers everyone".into(),
        Cover::Matched(h) => hit(h),
        Cover::Excepted(h) => format!(
            "in USERS but excepted: {}",
            h.as_ref().map_or_else(|| "EXCEPT_USERS".to_string(), hit)
        ),
        Cover::NotIn { first, .. } if first.is_empty() => "USERS is empty: matches nobody".into(),
        Cover::NotIn {
            first,
            more,
            unknown,
        } if unknown.any() => format!(
            "not known: needs {} (USERS: {}{})",
            unknown_inputs(*unknown),
            first.join("; "),
            if *more { "; …" } else { "" }
        ),
        Cover::NotIn { first, more, .. } => format!(
            "the principal is not in USERS ({}{})",
            first.join("; "),
            if *more { "; …" } else { "" }
        ),
    }
}

/// The inputs that are unknown, each as a noun ("user or host", "IP",
/// "local groups"): the one wording of them, for the trace and the verdict.
pub(super) fn input_parts(u: crate::engine::Unknown) -> Vec<&'static str> {
    let mut parts = Vec::new();
    match (u.user, u.host) {
        (true, true) => parts.push("user or host"),
        (true, false) => parts.push("user"),
        (false, true) => parts.push("host"),
        (false, false) => {}
    }
    if u.ip {
        parts.push("IP");
    }
    if u.local_groups {
        parts.push("local groups");
    }
    parts
}

/// The unset inputs a list could have matched, in words ("the IP", "the
/// user or host or the local groups").
pub fn unknown_inputs(u: crate::engine::Unknown) -> String {
    let parts: Vec<String> = input_parts(u).iter().map(|p| format!("the {p}")).collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How the principal matched an entry ("host matched `PC*` in group `CAD`").
pub fn hit(h: &Hit) -> String {
    let entry = match h.attr {
        Attr::Everyone => "`*` (everyone)".to_string(),
        a => format!("{} matched `{}`", a.as_str(), h.entry),
    };
    match h.via.as_slice() {
        [] => entry,
        [g] => format!("{entry} in group `{g}`"),
        [outer @ .., inner] => {
            let outer: Vec<&str> = outer.iter().rev().map(String::as_str).collect();
            format!(
                "{entry} in group `{inner}`, member of `{}`",
                outer.join("`, member of `")
            )
        }
    }
}

/// What a decision took for granted.
pub fn assumption(a: &Assumption) -> String {
    match a {
        Assumption::NoPool => "no license pool: seat counts are unknown, usage is taken as zero, and the licensed and seats steps are skipped".into(),
        Assumption::NoIp => "no IP address given: IP entries match nothing".into(),
        Assumption::EveryLicenseDenied { feature, tried } => format!(
            "every license offering {feature} denied the request: {}; the first one's denial is reported",
            tried_list(tried)
        ),
    }
}
