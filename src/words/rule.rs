//! One plain sentence per rule, for the editor's cards and the engine's
//! explanations ("Only CAD Users may check out EXPORT_ALL.").

use crate::model::{EntryList, Rule};
use crate::spec::RuleKind;

fn list(l: Option<&EntryList>, any: &str) -> String {
    let Some(l) = l.filter(|l| !l.means_any()) else {
        return any.to_string();
    };
    let names: Vec<&str> = l.iter().map(|e| e.text).collect();
    match names.len() {
        0 => any.to_string(),
        1 => names[0].to_string(),
        2 => format!("{} and {}", names[0], names[1]),
        3 => format!("{}, {} and {}", names[0], names[1], names[2]),
        n => format!("{}, {} and {} more", names[0], names[1], n - 2),
    }
}

/// What the rule does, in one sentence.
pub fn describe(rule: &Rule) -> String {
    if rule.empty_preset {
        return "Empty preset: ignored by the server.".into();
    }
    let users = if rule.any_user() {
        "everyone".to_string()
    } else {
        list(rule.users.as_deref(), "nobody")
    };
    let features = list(rule.features.as_deref(), "every feature");
    let on = if rule.any_serial() {
        String::new()
    } else {
        format!(" on license {}", list(rule.serials.as_deref(), ""))
    };
    let except = rule
        .except_users
        .as_ref()
        .filter(|e| !e.is_empty())
        .map(|e| format!(" (except {})", list(Some(e), "")))
        .unwrap_or_default();
    let s = match rule.kind {
        RuleKind::AllowCheckouts => {
            format!("Only {users} may check out or borrow {features}{on}.")
        }
        RuleKind::AllowBorrows => format!("Only {users} may borrow {features}{on}."),
        RuleKind::DenyCheckouts if rule.any_user() => {
            format!("Nobody may check out or borrow {features}{on}.")
        }
        RuleKind::DenyCheckouts => format!("{users} may not check out or borrow {features}{on}."),
        RuleKind::DenyBorrows if rule.any_user() => format!("Nobody may borrow {features}{on}."),
        RuleKind::DenyBorrows => format!("{users} may not borrow {features}{on}."),
        RuleKind::LimitCheckouts => format!(
            "{users}{except} may together hold at most {} of {features}{on} at once.",
            rule.count
                .as_ref()
                .map_or_else(|| "? (COUNT missing)".to_string(), |c| c.value.to_string())
        ),
        RuleKind::LimitBorrows => {
            let mut parts = Vec::new();
            if let Some(h) = &rule.hours {
                parts.push(format!("for at most {} hours", h.value));
            }
            if let Some(c) = &rule.count {
                parts.push(format!("at most {} at once", c.value));
            }
            if parts.is_empty() {
                parts.push("(HOURS or COUNT missing)".into());
            }
            format!(
                "{users}{except} may borrow {features}{on} {}.",
                parts.join(" and ")
            )
        }
        RuleKind::ReserveCheckouts => format!(
            "{} of {features}{on} are kept free for {users}.",
            rule.count.as_ref().map_or_else(
                || "? (COUNT missing) seats".to_string(),
                |c| {
                    if c.value == 1 {
                        "1 seat".to_string()
                    } else {
                        format!("{} seats", c.value)
                    }
                }
            )
        ),
    };
    // "everyone" starts a sentence in upper case; names keep their case.
    match s.strip_prefix("everyone") {
        Some(rest) => format!("Everyone{rest}"),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn sentences(text: &str) -> Vec<String> {
        let d = Document::from_text(text);
        d.config().all_rules().map(describe).collect()
    }

    #[test]
    fn sentences_for_each_kind() {
        let s = sentences(
            r#"{
            "ALLOW_CHECKOUTS": [{"USERS": "CAD Users", "FEATURES": "EXPORT_ALL"}],
            "DENY_BORROWS": [{"FEATURES": "EXPORT_ALL"}],
            "LIMIT_BORROWS": [{"EXCEPT_USERS": "Privileged User", "HOURS": 168}],
            "LIMIT_CHECKOUTS": [{"USERS": "a;b;c;d", "COUNT": 15, "FEATURES": "IMPORT_ALL"}],
            "RESERVE_CHECKOUTS": [{"USERS": "HostX;HostY;HostZ", "COUNT": 3, "FEATURES": "IMPORT_2D_ADVANCED", "SERIALNUMBERS": "S1"}]
        }"#,
        );
        assert_eq!(
            s,
            vec![
                "Only CAD Users may check out or borrow EXPORT_ALL.",
                "Nobody may borrow EXPORT_ALL.",
                "Everyone (except Privileged User) may borrow every feature for at most 168 hours.",
                "a, b and 2 more may together hold at most 15 of IMPORT_ALL at once.",
                "3 seats of IMPORT_2D_ADVANCED on license S1 are kept free for HostX, HostY and HostZ.",
            ]
        );
    }
}
