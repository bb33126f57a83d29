//! "Who is affected": the editor's filter read as a principal and a
//! feature (`user:anna host:PC1 ip:4.3.2.1 local:Staff feature:CAD`), and
//! the rules and groups it reaches: through groups, wildcards and IP
//! ranges for the principal, and rules for every feature for the feature.
//! Anything else in the filter is plain text, matched as written.

use crate::engine::Engine;
use crate::engine::matcher::Scratch;
use crate::model::Config;
use crate::request::Principal;
use crate::rule_id::RuleId;

/// What the filter asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Nothing: everything shows.
    None,
    /// Text the rules and groups mention.
    Text(String),
    /// A principal (any part may be missing) and a feature.
    Who {
        principal: Principal,
        feature: Option<String>,
    },
}

impl Filter {
    /// Reads the filter box. `key:value` words (keys `user`, `host`, `ip`,
    /// `local` or `group` for a Windows local group, `feature`; a value in
    /// double quotes may hold spaces) make a principal filter; anything
    /// else is text.
    pub fn parse(text: &str) -> Filter {
        let text = text.trim();
        if text.is_empty() {
            return Filter::None;
        }
        let Some(words) = words(text) else {
            return Filter::Text(text.to_string());
        };
        let mut principal = Principal::default();
        let mut feature = None;
        for (key, value) in words {
            match key.to_ascii_lowercase().as_str() {
                "user" => principal.user = Some(value),
                "host" => principal.host = Some(value),
                "ip" => match value.parse() {
                    Ok(ip) => principal.ip = Some(ip),
                    Err(_) => return Filter::Text(text.to_string()),
                },
                "local" | "group" => principal
                    .local_groups
                    .push(value.trim_start_matches('&').to_string()),
                "feature" => feature = Some(value),
                _ => return Filter::Text(text.to_string()),
            }
        }
        Filter::Who { principal, feature }
    }

    /// What is shown, in words, for the line under the filter.
    pub fn describe(&self) -> String {
        match self {
            Filter::None => String::new(),
            Filter::Text(t) => crate::words::filter_text(t),
            Filter::Who { principal, feature } => crate::words::filter_who(
                (!principal_is_empty(principal))
                    .then(|| principal.request("", crate::engine::Action::Checkout))
                    .as_ref(),
                feature.as_deref(),
            ),
        }
    }
}

fn principal_is_empty(p: &Principal) -> bool {
    p.user.is_none() && p.host.is_none() && p.ip.is_none() && p.local_groups.is_empty()
}

/// The `key:value` words of `text`, or `None` if a word is not one.
fn words(text: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let colon = rest.find(':')?;
        let key = &rest[..colon];
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        let after = &rest[colon + 1..];
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if value.trim().is_empty() {
            return None;
        }
        out.push((key.to_string(), value.trim().to_string()));
        rest = next.trim_start();
    }
    Some(out)
}

/// The rules and groups a principal filter reaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reached {
    pub rules: Vec<RuleId>,
    /// Positions in `Config::groups`.
    pub groups: Vec<usize>,
    /// With a principal and a feature: the decision of a checkout and of a
    /// borrow (no pool), whose deciding rules are among `rules`: an allow
    /// list that does not name the principal denies them too.
    pub decided: Vec<(crate::engine::Action, crate::engine::Decision)>,
}

/// The rules about the principal (its USERS or EXCEPT_USERS match it; a
/// rule for everyone is about anyone) that apply to the feature, and the
/// groups it is in (without a principal: the groups those rules name).
pub fn reached(
    cfg: &Config,
    engine: &Engine,
    principal: &Principal,
    feature: Option<&str>,
) -> Reached {
    let mut scratch = Scratch::default();
    let p = principal.folded();
    let any_principal = !principal_is_empty(principal);
    let about: Vec<RuleId> = if any_principal {
        engine.rules_touching(&p, &mut scratch)
    } else {
        Vec::new()
    };
    // The rules that decide for the principal and the feature: those
    // that match them, and those that deny them by not naming them.
    let decided: Vec<(crate::engine::Action, crate::engine::Decision)> = match feature {
        Some(f) if any_principal => [
            crate::engine::Action::Checkout,
            crate::engine::Action::Borrow,
        ]
        .into_iter()
        .map(|a| {
            (
                a,
                engine.decide_quiet(&principal.request(f, a), None, &mut scratch),
            )
        })
        .collect(),
        _ => Vec::new(),
    };
    let deciding: Vec<RuleId> = decided
        .iter()
        .flat_map(|(_, d)| d.rules.iter().copied())
        .collect();
    let rules: Vec<RuleId> = cfg
        .all_rules()
        .filter(|r| !r.empty_preset)
        .map(|r| (r, RuleId::new(r.kind, r.index)))
        .filter(|(_, id)| {
            !any_principal || about.binary_search(id).is_ok() || deciding.contains(id)
        })
        .filter(|(r, _)| feature.is_none_or(|f| crate::analysis::atoms::applies_to(r, f)))
        .map(|(_, id)| id)
        .collect();
    let groups = if any_principal {
        engine.groups_containing(&p, &mut scratch)
    } else {
        let mut g: Vec<usize> = rules
            .iter()
            .filter_map(|&id| cfg.rule(id))
            .flat_map(crate::model::Rule::principal_lists)
            .flat_map(|l| {
                l.iter()
                    .filter_map(|e| cfg.group_index.lookup_entry(&e))
                    .collect::<Vec<_>>()
            })
            .collect();
        g.sort_unstable();
        g.dedup();
        g
    };
    Reached {
        rules,
        groups,
        decided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_principal_words_and_leaves_text_alone() {
        assert_eq!(Filter::parse("  "), Filter::None);
        assert_eq!(
            Filter::parse("Contractors"),
            Filter::Text("Contractors".into())
        );
        assert_eq!(
            Filter::parse("user: anna"),
            Filter::Text("user: anna".into())
        );
        assert_eq!(
            Filter::parse("ip:4.3.2.x"),
            Filter::Text("ip:4.3.2.x".into())
        );
        let Filter::Who { principal, feature } =
            Filter::parse(r#"user:"Privileged User" host:PC1 ip:4.3.2.1 local:&Staff feature:CAD"#)
        else {
            panic!("a principal filter");
        };
        assert_eq!(principal.user.as_deref(), Some("Privileged User"));
        assert_eq!(principal.host.as_deref(), Some("PC1"));
        assert_eq!(
            principal.ip.map(|i| i.to_string()).as_deref(),
            Some("4.3.2.1")
        );
        assert_eq!(principal.local_groups, ["Staff"]);
        assert_eq!(feature.as_deref(), Some("CAD"));
    }

    #[test]
    fn reaches_through_groups_wildcards_ranges_and_every_feature_rules() {
        let doc = crate::document::Document::from_text(
            r#"{ "ALLOW_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "Team"},
                                      {"FEATURES": "CAM", "USERS": "PC*"},
                                      {"USERS": "4.3.2.1-9"} ],
                 "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob"} ],
                 "LIMIT_BORROWS": [ {"EXCEPT_USERS": "anna", "HOURS": 5} ],
                 "GROUPS": [ {"NAME": "Team", "MEMBERS": "Inner"}, {"NAME": "Inner", "MEMBERS": "anna"} ] }"#,
        );
        let cfg = doc.config();
        let engine = Engine::new(cfg);
        let names =
            |r: &Reached| -> Vec<String> { r.rules.iter().map(|id| id.pointer()).collect() };
        let anna = Principal {
            user: Some("ANNA".into()),
            ..Default::default()
        };
        let r = reached(cfg, &engine, &anna, None);
        assert_eq!(names(&r), ["/ALLOW_CHECKOUTS/0", "/LIMIT_BORROWS/0"]);
        assert_eq!(r.groups, [0, 1]);
        let pc = Principal {
            host: Some("pc7".into()),
            ip: "4.3.2.5".parse().ok(),
            ..Default::default()
        };
        let r = reached(cfg, &engine, &pc, Some("CAM"));
        assert_eq!(
            names(&r),
            [
                "/ALLOW_CHECKOUTS/1",
                "/ALLOW_CHECKOUTS/2",
                "/LIMIT_BORROWS/0"
            ]
        );
        // A feature alone: its rules and those for every feature.
        let r = reached(cfg, &engine, &Principal::default(), Some("CAD"));
        assert_eq!(
            names(&r),
            [
                "/ALLOW_CHECKOUTS/0",
                "/ALLOW_CHECKOUTS/2",
                "/DENY_CHECKOUTS/0",
                "/LIMIT_BORROWS/0"
            ]
        );
        assert_eq!(r.groups, [0]);
    }
}
