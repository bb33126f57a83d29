//! The analyses over every principal in words: what a class stands for
//! and what kind of change an access change is.

use crate::analysis::diff::Side;
use crate::analysis::space::{NameWhat, What};
use crate::analysis::{ChangeKind, Diff};
use crate::engine::Verdict;

/// What a principal class stands for ("user `anna`; any other host, IP
/// and local groups", "a host matching `pc*`", "anyone the rules do not
/// name").
pub fn class_description(w: &What) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut others: Vec<&str> = Vec::new();
    for (what, role) in [(&w.user, "user"), (&w.host, "host")] {
        match what {
            NameWhat::Named(n) => parts.push(format!("{role} `{n}`")),
            NameWhat::Matching(p) => parts.push(format!(
                "a {role} matching `{}` (a name the rules do not list)",
                p.join("` and `")
            )),
            NameWhat::Unnamed => others.push(role),
        }
    }
    match &w.ip {
        Some(e) => parts.push(format!("an IP in `{}`", e.join("` and `"))),
        None => others.push("IP"),
    }
    if w.local_groups.is_empty() {
        others.push("local groups");
    } else {
        parts.push(format!(
            "local group{} `&{}`",
            if w.local_groups.len() > 1 { "s" } else { "" },
            w.local_groups.join("`, `&")
        ));
    }
    if parts.is_empty() {
        "anyone the rules do not name".to_string()
    } else if others.is_empty() {
        parts.join(", ")
    } else {
        format!("{}; any other {}", parts.join(", "), and_list(&others))
    }
}

/// The headline of Review changes ("Saving grants 3 and revokes 1.").
pub fn saving_headline(gained: usize, revoked: usize, other: usize) -> String {
    let mut s = match (gained, revoked) {
        (0, 0) if other == 0 => return "Saving changes nobody's access.".into(),
        (0, 0) => "Saving grants and revokes nothing".to_string(),
        (g, 0) => format!("Saving grants {g} and revokes none"),
        (0, r) => format!("Saving revokes {r} and grants none"),
        (g, r) => format!("Saving grants {g} and revokes {r}"),
    };
    if other > 0 {
        s.push_str(&format!(", and changes the reason of {other}"));
    }
    s.push('.');
    s
}

fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The heading of a kind of change.
pub fn change_kind(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Gained => "gained (denied before, granted now)",
        ChangeKind::Revoked => "revoked (granted before, denied now)",
        ChangeKind::ReasonChanged => "reason changed (same verdict, another reason or maximum)",
    }
}

/// The JSON key of a kind of change.
pub fn change_key(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Gained => "gained",
        ChangeKind::Revoked => "revoked",
        ChangeKind::ReasonChanged => "reason_changed",
    }
}

/// "3 gained, 1 revoked over 214 principal classes, exhaustive".
pub fn diff_summary(d: &Diff) -> String {
    use std::fmt::Write as _;
    let (g, r, c) = (
        d.count(ChangeKind::Gained),
        d.count(ChangeKind::Revoked),
        d.count(ChangeKind::ReasonChanged),
    );
    let compared = d.features.iter().filter(|f| !f.unchanged).count();
    let same = d.features.len() - compared;
    let head = if g + r + c == 0 {
        "no access changed".to_string()
    } else {
        let mut s = format!("{g} gained, {r} revoked");
        if c > 0 {
            let _ = write!(s, ", {c} reason changed");
        }
        s
    };
    let scope = format!(
        "over {} principal classes of {compared} feature{} whose rules changed ({same} unchanged)",
        d.classes,
        if compared == 1 { "" } else { "s" }
    );
    let done = if d.exhaustive {
        "exhaustive".to_string()
    } else {
        let mut s = format!(
            "NOT exhaustive: stopped at the budget after {} combinations, about {} left",
            d.examined, d.left
        );
        if !d.features_left.is_empty() {
            let _ = write!(s, ", {} features not reached", d.features_left.len());
        }
        s
    };
    format!("{head} {scope}, {done}")
}

/// One version's answer in a change ("DENIED (in no allow rule) by
/// Allow checkouts rule 3, at most 168 borrow hours"); `rules` adds the
/// deciding rules.
pub fn side(s: &Side, rules: bool) -> String {
    let mut t = super::verdict_word(s.decision).to_string();
    if s.decision == Verdict::Denied {
        t.push_str(&format!(" ({})", super::reason_short(s.reason)));
    }
    if rules && !s.rules.is_empty() {
        let r: Vec<String> = s
            .rules
            .iter()
            .map(|&r| super::explained::rule_name(r))
            .collect();
        t.push_str(&format!(" by {}", r.join(", ")));
    }
    if let Some(h) = s.max_borrow_hours {
        t.push_str(&format!(", at most {h} borrow hours"));
    }
    t
}

/// The heading of a kind of change in Review changes, before saving.
pub fn change_kind_before_saving(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Gained => "Gained: denied before, granted after saving",
        ChangeKind::Revoked => "Revoked: granted before, denied after saving",
        ChangeKind::ReasonChanged => "Decided for another reason (or another borrow maximum)",
    }
}

/// A rule or group that explains a change, as people read it ("Allow
/// checkouts rule 3", "group 2 (/GROUPS/1)").
pub fn cause(c: &crate::analysis::diff::Cause) -> String {
    match c {
        crate::analysis::diff::Cause::Rule { id, .. } => super::explained::rule_name(*id),
        crate::analysis::diff::Cause::Group { index, .. } => {
            format!("group {} (/GROUPS/{index})", index + 1)
        }
    }
}
