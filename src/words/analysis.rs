//! The analyses over every principal in words: what a class stands for
//! and what kind of change an access change is.

use crate::analysis::diff::Side;
use crate::analysis::space::{GroupsWhat, IpsWhat, NamesWhat, Way, What};
use crate::analysis::{ChangeKind, Diff};
use crate::engine::Verdict;

/// What a principal class (or a group of them) stands for, by the entries
/// that put its principals there, every kept way into it ("user `carl`;
/// or an IP in `10.0.0.0-255`; or local group `&Temp`", "any user name",
/// "anyone the rules do not name"), never by one member alone
/// (analysis.md 6.2).
pub fn class_description(w: &What) -> String {
    class_description_within(w, usize::MAX)
}

/// [`class_description`] naming at most `shown` ways, the others counted
/// ("; or 12 other ways in"). A name entry matches a user name and a host
/// name alike, so a way by a user name and a way by the same host names
/// (the other parts equal) read as one: "user or host `carla`".
pub fn class_description_within(w: &What, shown: usize) -> String {
    let mut ways: Vec<String> = Vec::new();
    let mut used = vec![false; w.ways.len()];
    for (i, a) in w.ways.iter().enumerate() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let twin = match (&a.user, &a.host) {
            (Some(u), None) => w.ways.iter().enumerate().position(|(j, b)| {
                !used[j]
                    && b.user.is_none()
                    && b.host.as_ref() == Some(u)
                    && b.ip == a.ip
                    && b.local_groups == a.local_groups
            }),
            (None, Some(h)) => w.ways.iter().enumerate().position(|(j, b)| {
                !used[j]
                    && b.host.is_none()
                    && b.user.as_ref() == Some(h)
                    && b.ip == a.ip
                    && b.local_groups == a.local_groups
            }),
            _ => None,
        };
        let text = match twin {
            Some(j) => {
                used[j] = true;
                let mut merged = a.clone();
                merged.host = None;
                merged.user = a.user.clone().or_else(|| a.host.clone());
                way_as(&merged, "user or host")
            }
            None => way(a),
        };
        if !ways.contains(&text) {
            ways.push(text);
        }
    }
    let mut more = w.more_ways;
    if ways.len() > shown {
        more = more.saturating_add((ways.len() - shown) as u64);
        ways.truncate(shown.max(1));
    }
    let mut s = match ways.as_slice() {
        [] => "anyone the rules do not name".to_string(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first}; or {}", rest.join("; or ")),
    };
    if more > 0 {
        s.push_str(&format!(
            "; or {} other way{} in",
            more,
            if more == 1 { "" } else { "s" }
        ));
    }
    s
}

/// One way into a class: the parts that put a principal there, together.
fn way(w: &Way) -> String {
    way_as(w, "user")
}

/// [`way`], the user part worded as `user_role` ("user or host").
fn way_as(w: &Way, user_role: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(u) = &w.user {
        parts.push(names(u, user_role));
    }
    if let Some(h) = &w.host {
        parts.push(names(h, "host"));
    }
    if let Some(ip) = &w.ip {
        parts.push(ips(ip));
    }
    if let Some(g) = &w.local_groups {
        parts.push(groups(g));
    }
    if parts.is_empty() {
        "anyone the rules do not name".to_string()
    } else {
        parts.join(", with ")
    }
}

fn quoted(items: &[String]) -> Vec<String> {
    items.iter().map(|i| format!("`{i}`")).collect()
}

/// "3 more user names alike": values merged into the candidate beyond
/// those listed.
fn more(n: u64, one: &str, many: &str) -> Option<String> {
    (n > 0).then(|| format!("{n} more {} alike", if n == 1 { one } else { many }))
}

fn names(n: &NamesWhat, role: &str) -> String {
    if n.any {
        return format!("any {role} name");
    }
    let mut items: Vec<String> = Vec::new();
    if !n.named.is_empty() {
        items.push(format!("{role} {}", or_list(&quoted(&n.named))));
    }
    // Names the rules do not list, by the patterns they match: "another
    // user matching `PC*` or `WS*CAD`" (each alternative one pattern set).
    let article = if n.named.is_empty() { "a" } else { "another" };
    let mut matching: Vec<String> = Vec::new();
    for m in &n.matching {
        if m.is_empty() {
            items.push(format!("{article} {role} name the rules do not list"));
        } else {
            matching.push(and_list(&quoted(m)));
        }
    }
    if !matching.is_empty() {
        items.push(format!("{article} {role} matching {}", or_list(&matching)));
    }
    items.extend(more(
        n.more,
        &format!("{role} name"),
        &format!("{role} names"),
    ));
    or_list(&items)
}

fn ips(i: &IpsWhat) -> String {
    if i.any {
        return "any IP".to_string();
    }
    // "an IP in `a`, in `b` or in `c` and `d`".
    let mut items: Vec<String> = i
        .entries
        .iter()
        .map(|e| {
            if e.is_empty() {
                "none of the IP entries".to_string()
            } else {
                format!("in {}", and_list(&quoted(e)))
            }
        })
        .collect();
    items.extend(more(i.more, "address", "addresses"));
    format!("an IP {}", or_list(&items))
}

fn groups(g: &GroupsWhat) -> String {
    let mut items: Vec<String> = g
        .sets
        .iter()
        .map(|set| {
            let named: Vec<String> = set.iter().map(|x| format!("`&{x}`")).collect();
            format!(
                "local group{} {}",
                if set.len() > 1 { "s" } else { "" },
                and_list(&named)
            )
        })
        .collect();
    items.extend(more(g.more, "set of local groups", "sets of local groups"));
    or_list(&items)
}

/// "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// How many classes a line stands for and up to three of their
/// witnesses ("4 principal classes, e.g. user `carl`; IP 10.0.0.0; local groups
/// `&Temp`"), or nothing for a line of one class.
pub fn class_examples(w: &What) -> Option<String> {
    if w.alike <= 1 {
        return None;
    }
    let mut examples: Vec<String> = Vec::new();
    for way in &w.ways {
        let e = super::findings::principal(&way.witness);
        if !examples.contains(&e) {
            examples.push(e);
        }
        if examples.len() == 3 {
            break;
        }
    }
    Some(format!(
        "{} principal classes, e.g. {}",
        w.alike,
        examples.join("; ")
    ))
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

fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(|r| r.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
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
        "over {} principal classes ({} as the decisions tell them apart) of {compared} feature{} whose rules changed ({same} unchanged)",
        d.alike,
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
        let r: Vec<String> = s.rules.iter().map(|&r| super::rule_name(r)).collect();
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
        crate::analysis::diff::Cause::Rule { id, .. } => super::rule_name(*id),
        crate::analysis::diff::Cause::Group { index, .. } => {
            format!("group {} (/GROUPS/{index})", index + 1)
        }
    }
}
