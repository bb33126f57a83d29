//! The words and JSON of what `privy explain` and the simulator add to a
//! decision: undetermined verdicts, unknown features, suggestions.

use serde_json::{Value, json};

use crate::analysis::determined::{Alternative, Input, Unset, UnsetValue};
use crate::analysis::explained::Explained;
use crate::analysis::features::UnknownFeature;
use crate::analysis::suggest::{Impact, Proposal, Suggestion};
use crate::json::LineIndex;
use crate::rule_id::RuleId;

use super::rule_name;

fn rule_names(ids: &[RuleId]) -> String {
    ids.iter()
        .map(|&r| rule_name(r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which inputs were not given ("no IP given").
pub fn unset_given(u: Unset) -> String {
    match super::trace::input_parts(u).as_slice() {
        [] => String::new(),
        [one] => format!("no {one} given"),
        [init @ .., last] => format!("no {} or {last} given", init.join(", ")),
    }
}

fn pattern(entry: &str) -> bool {
    entry.contains('*') || entry.contains(" and ")
}

/// The input an alternative fills, in words ("with an IP in
/// 10.20.30.100-150").
pub fn alternative_input(a: &Alternative) -> String {
    let ex = match &a.example {
        UnsetValue::Text(t) => t.clone(),
        UnsetValue::Groups(g) => g.join(", "),
    };
    let e = &a.entry;
    let mut s = match a.input {
        Input::Ip if e.contains('-') || e.contains('*') || e.contains(" and ") => {
            format!("with an IP in {e} (e.g. {ex})")
        }
        Input::Ip => format!("with IP {ex}"),
        Input::User if pattern(e) => format!("as a user matching {e} (e.g. {ex})"),
        Input::User => format!("as user {ex}"),
        Input::Host if pattern(e) => format!("from a host matching {e} (e.g. {ex})"),
        Input::Host => format!("from host {ex}"),
        Input::UserOrHost if pattern(e) => {
            format!("with a user or host matching {e} (e.g. {ex})")
        }
        Input::UserOrHost => format!("with user or host {ex}"),
        Input::LocalGroups => match &a.example {
            UnsetValue::Groups(g) if g.len() > 1 => format!("in local groups {}", g.join(", ")),
            _ => format!("in local group {ex}"),
        },
    };
    let w = &a.with;
    if w.user.is_some() || w.host.is_some() || w.ip.is_some() || !w.local_groups.is_empty() {
        let req = w.request("", crate::engine::Action::Checkout);
        s.push_str(&format!(" together with {}", super::who(&req)));
    }
    s
}

/// A group of alternatives that lead to one outcome: "GRANTED by Allow
/// checkouts rule 3: from host WS01, from host WS02 or 3 more ways".
pub fn alternatives_group(group: &[&Alternative]) -> String {
    let Some(first) = group.first() else {
        return String::new();
    };
    let mut s = super::verdict_word(first.decision).to_string();
    if first.decision == crate::engine::Verdict::Denied {
        s.push_str(&format!(" ({})", super::reason_short(first.reason)));
    }
    if !first.rules.is_empty() {
        s.push_str(&format!(" by {}", rule_names(&first.rules)));
    }
    let shown: Vec<String> = group.iter().take(3).map(|a| alternative_input(a)).collect();
    s.push_str(": ");
    s.push_str(&shown.join("; "));
    match group.len().saturating_sub(3) {
        0 => {}
        1 => s.push_str("; or one more way"),
        n => s.push_str(&format!("; or {n} more ways")),
    }
    s
}

/// The verdict of a request an input not given could change, as the
/// verdict itself says it: "GRANTED as given", never the bare word.
pub fn undetermined_verdict(v: crate::engine::Verdict) -> String {
    format!("{} as given", super::verdict_word(v))
}

/// Under an undetermined verdict: what else it could be, and how
/// ("but DENIED with an IP in 10.20.30.100-150 (e.g. 10.20.30.100)").
pub fn but_otherwise(
    verdict: crate::engine::Verdict,
    alternatives: &[Alternative],
) -> Option<String> {
    // The other verdict first; else the same verdict for another reason.
    let first = alternatives
        .iter()
        .find(|a| a.decision != verdict)
        .or_else(|| alternatives.first())?;
    let mut s = if first.decision == verdict {
        format!(
            "or {} for another reason ({}) {}",
            super::verdict_word(first.decision),
            super::reason_short(first.reason),
            alternative_input(first)
        )
    } else {
        format!(
            "but {} {}",
            super::verdict_word(first.decision),
            alternative_input(first)
        )
    };
    match alternatives.len() {
        1 => {}
        2 => s.push_str(", or in one other way"),
        n => s.push_str(&format!(", or in {} other ways", n - 1)),
    }
    Some(s)
}

/// One alternative in full ("with an IP in 10.20.30.100-150 (e.g.
/// 10.20.30.100) it would be DENIED by Deny checkouts rule 2").
pub fn alternative(a: &Alternative) -> String {
    let mut s = format!(
        "{} it would be {}",
        alternative_input(a),
        super::verdict_word(a.decision)
    );
    if a.decision == crate::engine::Verdict::Denied {
        s.push_str(&format!(" ({})", super::reason_short(a.reason)));
    }
    if !a.rules.is_empty() {
        s.push_str(&format!(" by {}", rule_names(&a.rules)));
    }
    s
}

/// The warning for a feature nothing names.
pub fn unknown_feature(u: &UnknownFeature) -> String {
    let mut s = format!(
        "no rule and no license names the feature {}: it is decided as any feature no rule names (feature names are case-sensitive)",
        u.feature
    );
    if !u.did_you_mean.is_empty() {
        s.push_str(&format!("; did you mean {}?", u.did_you_mean.join(" or ")));
    }
    s
}

/// What a suggestion changes, in words.
pub fn proposal(p: &Proposal) -> String {
    match p {
        Proposal::Host { host, entry } if entry.is_empty() => {
            format!("ask from another host, one no rule names (e.g. {host})")
        }
        Proposal::Host { host, entry } if host == entry => format!("ask from host {host}"),
        Proposal::Host { host, entry } => {
            format!("ask from a host matching {entry} (e.g. {host})")
        }
        Proposal::Ip { ip, entry } if entry.is_empty() => {
            format!("ask from another IP, one no rule names (e.g. {ip})")
        }
        Proposal::Ip { ip, entry } if ip == entry => format!("ask from IP {ip}"),
        Proposal::Ip { ip, entry } => format!("ask from an IP in {entry} (e.g. {ip})"),
        Proposal::User { user, entry } if user == entry => format!("ask as user {user}"),
        Proposal::User { user, entry } => {
            format!("ask as a user matching {entry} (e.g. {user})")
        }
        Proposal::LocalGroup { group } => format!("ask as a member of local group {group}"),
        Proposal::Serial { serial } => format!("ask license {serial}"),
        Proposal::Hours { hours } => format!("borrow for at most {hours} hours"),
        Proposal::Checkout => "check out instead of borrowing".into(),
        Proposal::RemoveEntry { rule, entry } => {
            format!("remove {entry} from {}'s USERS", rule_name(*rule))
        }
        Proposal::RemoveMember { group, entry } => {
            format!("remove {entry} from group {group}")
        }
        Proposal::RemoveRule { rule } => format!("remove {}", rule_name(*rule)),
        Proposal::AddToUsers { rule, entry } => {
            format!("add {entry} to {}'s USERS", rule_name(*rule))
        }
        Proposal::AddToGroup { group, rule, entry } => format!(
            "add {entry} to group {group} (listed by {})",
            rule_name(*rule)
        ),
        Proposal::AddToExcept { rule, entry } => {
            format!("add {entry} to {}'s EXCEPT_USERS", rule_name(*rule))
        }
        Proposal::SetCount { rule, from, to } if to > from => {
            format!("raise {}'s COUNT from {from} to {to}", rule_name(*rule))
        }
        Proposal::SetCount { rule, from, to } => {
            format!("lower {}'s COUNT from {from} to {to}", rule_name(*rule))
        }
        Proposal::SetHours { rule, from, to } => {
            format!("raise {}'s HOURS from {from} to {to}", rule_name(*rule))
        }
        Proposal::AddSeat {
            serial,
            feature,
            from,
            to,
        } => format!("give license {serial} {to} seats of {feature} instead of {from}"),
    }
}

/// What an edit does for everyone ("grants 3 and revokes 0 principal
/// classes' access; also EXPORT_ALL to user ext.bob").
pub fn impact(i: &Impact) -> String {
    // Stopped short, it says what it examined: "no other user's access
    // changes" is a claim only an exhaustive diff can make.
    let others = match (i.others, i.exhaustive) {
        (0, true) => "no other user's access changes".to_string(),
        (0, false) => format!(
            "no other user's access changes among the {} principal classes examined before the budget stopped the diff; it may change for others not examined",
            i.examined
        ),
        (n, _) => format!("{n} of the gains and losses are other users'"),
    };
    let mut s = format!(
        "For everyone{}: {} gained, {} revoked, {} decided for another reason (counted per principal class, feature, action and license); {others}",
        if i.exhaustive { "" } else { " (so far)" },
        i.gained,
        i.revoked,
        i.reason_changed,
    );
    let examples: Vec<String> = i
        .examples
        .iter()
        .map(|e| {
            let req = e.witness.request(&e.feature, e.action);
            format!(
                "{} the {} of {} to {}",
                if e.gained { "grants" } else { "revokes" },
                super::action_word(e.action),
                e.feature,
                super::who(&req)
            )
        })
        .collect();
    if !examples.is_empty() {
        s.push_str(&format!(", e.g. it {}", examples.join("; ")));
    }
    if !i.exhaustive && i.others > 0 {
        s.push_str(&format!(
            " (not exhaustive: the diff stopped at its budget after {} principal classes)",
            i.examined
        ));
    }
    s
}

fn edit_json(text: &str, edit: &crate::json::parse::TextEdit) -> Value {
    let lines = LineIndex::new(text);
    let (line, column) = lines.line_col_in(text, edit.span.start);
    let (end_line, end_column) = lines.line_col_in(text, edit.span.end);
    json!({
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "replacement": edit.replacement,
    })
}

/// One suggestion in JSON (`analysis.md` section 3). `file` and `pool` are
/// the paths the edits are in, with their texts.
pub fn suggestion_json(s: &Suggestion, file: (&str, &str), pool: Option<(&str, &str)>) -> Value {
    let mut v = json!({
        "kind": s.kind.as_str(),
        "description": proposal(&s.proposal),
    });
    if let Some(r) = &s.request {
        let mut fields = serde_json::Map::new();
        match &s.proposal {
            Proposal::Host { host, .. } => {
                fields.insert("host".into(), json!(host));
            }
            Proposal::Ip { ip, .. } => {
                fields.insert("ip".into(), json!(ip));
            }
            Proposal::User { user, .. } => {
                fields.insert("user".into(), json!(user));
            }
            Proposal::LocalGroup { .. } => {
                fields.insert("local_groups".into(), json!(r.principal.local_groups));
            }
            Proposal::Serial { serial } => {
                fields.insert("serial".into(), json!(serial));
            }
            Proposal::Hours { hours } => {
                fields.insert("hours".into(), json!(hours));
            }
            Proposal::Checkout => {
                fields.insert("action".into(), json!("checkout"));
            }
            _ => {}
        }
        v["request"] = Value::Object(fields);
    }
    if let Some(e) = &s.edit {
        let (path, text) = match s.kind {
            crate::analysis::suggest::SuggestionKind::Pool => pool.unwrap_or(file),
            _ => file,
        };
        let mut ej = edit_json(text, e);
        ej["file"] = json!(path);
        v["edit"] = ej;
    }
    if let Some(i) = &s.impact {
        v["impact"] = json!({
            "gained": i.gained,
            "revoked": i.revoked,
            "reason_changed": i.reason_changed,
            "others": i.others,
            "exhaustive": i.exhaustive,
            "examined": i.examined,
            "examples": i.examples.iter().map(|e| json!({
                "change": if e.gained { "gained" } else { "revoked" },
                "feature": e.feature,
                "action": e.action,
                "witness": super::diff::witness_json(&e.witness),
                "description": super::class_description(&e.what),
                "alike": e.what.alike,
            })).collect::<Vec<_>>(),
        });
    }
    v
}

/// One alternative in JSON (`analysis.md` section 2).
pub fn alternative_json(a: &Alternative) -> Value {
    let mut v = json!({
        "input": a.input.as_str(),
        "entry": a.entry,
        "example": a.example.json(),
        "decision": a.decision,
        "reason": a.reason,
        "rules": a.rules,
    });
    let w = &a.with;
    if w.user.is_some() || w.host.is_some() || w.ip.is_some() || !w.local_groups.is_empty() {
        v["with"] = super::diff::witness_json(w);
    }
    v
}

/// The warnings of an answer, in words.
pub fn warnings(e: &Explained) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(u) = &e.unknown_feature {
        out.push(unknown_feature(u));
    }
    if !e.determination.exhaustive {
        out.push(
            "not every completion of the unset inputs was decided (a budget was reached): `determined` covers those examined".into(),
        );
    }
    out.extend(cautions(e));
    out
}

/// The warnings about what the answer leaves out or the request cannot
/// be (the window shows them under the verdict, beside its own notes of
/// an unknown feature and an undetermined verdict).
pub fn cautions(e: &Explained) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(family) = e.other_family {
        let (name, other) = match family {
            crate::analysis::atoms::Family::V4 => ("IPv4", "an IPv6"),
            crate::analysis::atoms::Family::V6 => ("IPv6", "an IPv4"),
        };
        out.push(format!(
            "the file's IP_VERSION is {name}: the server sees {name} addresses only, and this request's IP is {other} address"
        ));
    }
    if e.withheld > 0 {
        out.push(format!(
            "{} verified suggestion{} or alternative{} withheld: a password value of the file shows in {}, and masked {} would ask for or write something else",
            e.withheld,
            if e.withheld == 1 { "" } else { "s" },
            if e.withheld == 1 { "" } else { "s" },
            if e.withheld == 1 { "it" } else { "them" },
            if e.withheld == 1 { "it" } else { "they" },
        ));
    }
    out
}

/// Adds `determined`, `would_change`, `warnings` and `suggestions` to an
/// explain JSON object.
pub fn add_explained_json(
    v: &mut Value,
    e: &Explained,
    file: (&str, &str),
    pool: Option<(&str, &str)>,
) {
    v["determined"] = json!(e.determination.determined);
    v["would_change"] = Value::Array(
        e.determination
            .would_change
            .iter()
            .map(alternative_json)
            .collect(),
    );
    v["warnings"] = json!(warnings(e));
    v["suggestions"] = Value::Array(
        e.suggestions
            .iter()
            .map(|s| suggestion_json(s, file, pool))
            .collect(),
    );
}
