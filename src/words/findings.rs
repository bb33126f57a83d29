//! The findings over every principal (`analysis::effect`) as diagnostics:
//! where each is in the file and what it says.

use super::rule_name;
use crate::analysis::effect::{Findings, NoEffectReason};
use crate::diag::{Code, Diagnostic};
use crate::model::Config;
use crate::request::Principal;
use crate::rule_id::RuleId;
use crate::spec::RuleKind;

/// A principal as the messages show it ("user `bob`, host `pc7`").
pub fn principal(p: &Principal) -> String {
    let mut parts = Vec::new();
    if let Some(u) = &p.user {
        parts.push(format!("user `{u}`"));
    }
    if let Some(h) = &p.host {
        parts.push(format!("host `{h}`"));
    }
    if let Some(ip) = p.ip {
        parts.push(format!("IP {ip}"));
    }
    if !p.local_groups.is_empty() {
        parts.push(format!("local groups `&{}`", p.local_groups.join("`, `&")));
    }
    if parts.is_empty() {
        "anyone (no user, host or IP given)".into()
    } else {
        parts.join(", ")
    }
}

/// "Deny checkouts rule 1", "Deny checkouts rules 1 and 3", at most three
/// named, then how many more.
/// The findings counted, for the measuring tools ("92 classes, exhaustive
/// true, 0 features left, 0 rules left; 0 no-effect, 5 overridden, 5
/// denies-everyone-else").
pub fn tally(f: &Findings) -> String {
    format!(
        "{} classes, exhaustive {}, {} features left, {} rules left; {} no-effect, {} overridden, {} denies-everyone-else",
        f.examined,
        f.exhaustive,
        f.features_left.len(),
        f.rules_left.len(),
        f.no_effect.len(),
        f.overridden.len(),
        f.denies_others.len(),
    )
}

pub fn rule_names(ids: &[RuleId]) -> String {
    let mut names: Vec<String> = ids.iter().take(3).map(|&id| rule_name(id)).collect();
    if ids.len() > 3 {
        names.push(format!("{} more", ids.len() - 3));
    }
    match names.len() {
        0 => String::new(),
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} and {last}", names.join(", "))
        }
    }
}

fn feature_words(feature: &str, other: bool) -> String {
    if other {
        "any feature the file does not name".to_string()
    } else {
        format!("`{feature}`")
    }
}

/// The findings `f` as diagnostics beside the document's own (`known`):
/// what `privy check` adds. A rule with an error of its own is not also
/// said to have no effect: the error says what to repair first.
pub fn beside(cfg: &Config, f: &Findings, known: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out = diagnostics(cfg, f);
    out.retain(|d| {
        d.code != Code::NoEffect
            || !known.iter().any(|k| {
                k.severity == crate::diag::Severity::Error
                    && k.span.start >= d.span.start
                    && k.span.end <= d.span.end
            })
    });
    out
}

/// Why a rule has no effect, in one sentence that starts with the rule's
/// name ("Deny checkouts rule 2 has no effect: ...").
pub fn no_effect_message(n: &crate::analysis::effect::NoEffect) -> String {
    let name = rule_name(n.rule);
    match &n.why {
        NoEffectReason::MatchesNobody => {
            format!("{name} has no effect: its USERS cover nobody, for any feature it lists")
        }
        NoEffectReason::Shadowed {
            by,
            not_allowed,
            example,
            some,
        } => {
            let lists: Vec<&str> = not_allowed.iter().map(|k| list_title(*k)).collect();
            let not_in = format!("for not being in the {} list", lists.join(" or "));
            let first = match (by.is_empty(), lists.is_empty()) {
                (false, true) => format!("by {}", rule_names(by)),
                (true, _) => not_in,
                (false, false) => format!("by {} or {not_in}", rule_names(by)),
            };
            let first = if *some {
                format!("{first}, among others")
            } else {
                first
            };
            format!(
                "{name} has no effect: everyone it covers is denied first {first} (e.g. {})",
                principal(example)
            )
        }
        NoEffectReason::AllowsEveryone => format!(
            "{name} has no effect: it allows everyone it covers, and without it no allow rule restricts them either"
        ),
        NoEffectReason::Redundant {
            with,
            example,
            some,
        } => {
            let who = if *some {
                format!(
                    "other rules already do the same (among them {})",
                    rule_names(with)
                )
            } else if with.len() == 1 {
                format!("{} already does the same", rule_names(with))
            } else {
                format!("other rules already do the same ({})", rule_names(with))
            };
            format!(
                "{name} has no effect: {who} for everyone it covers (e.g. {})",
                principal(example)
            )
        }
    }
}

/// The diagnostics of the findings, placed at the rules they concern.
pub fn diagnostics(cfg: &Config, f: &Findings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |id: RuleId, code: Code, message: String| -> Option<Diagnostic> {
        let r = cfg.rule(id)?;
        Some(Diagnostic::new(code, r.span, r.pointer.clone(), message))
    };
    for n in &f.no_effect {
        let message = no_effect_message(n);
        out.extend(at(n.rule, Code::NoEffect, message));
    }
    for o in &f.overridden {
        let message = format!(
            "{} is overridden in part: {} {} some of the principals it allows {} {} (e.g. {}), since deny beats allow",
            rule_name(o.allow),
            rule_names(&o.deny),
            if o.deny.len() == 1 { "denies" } else { "deny" },
            match o.action {
                crate::engine::Action::Checkout => "checking out",
                crate::engine::Action::Borrow => "borrowing",
            },
            feature_words(&o.feature, o.other_feature),
            match &o.serial {
                Some(s) => format!("{} on license {s}", principal(&o.example)),
                None => principal(&o.example),
            },
        );
        out.extend(at(o.allow, Code::OverriddenInPart, message));
    }
    for d in &f.denies_others {
        let examples = d
            .examples
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "{} is the first {} rule for {}: whoever the list does not name is denied it. {}{} of the users and hosts this file names lose it (e.g. {examples})",
            rule_name(d.rule),
            list_title(d.rule.kind),
            feature_words(&d.feature, d.other_feature),
            if d.at_least { "At least " } else { "" },
            d.lose,
        );
        out.extend(at(d.rule, Code::DeniesEveryoneElse, message));
    }
    if !f.exhaustive && f.features_left.is_empty() {
        out.push(Diagnostic::new(
            Code::FindingsPartial,
            crate::json::Span::default(),
            "",
            "No rule was checked for effect: the file is too large for `privy check` to work out the findings over every principal within its budget (exhaustive: false); the editor's Problems work them out beside the window",
        ));
    } else if !f.exhaustive {
        // Rule by rule the rules left are named (the others were checked);
        // a feature not reached at all leaves all its rules.
        let n = f.features_left.len();
        let features = format!(
            "{n} feature{} ({})",
            if n == 1 { "" } else { "s" },
            feature_names(&f.features_left)
        );
        let message = match f.rules_left.len() {
            0 => format!(
                "The rules of {features} were not checked for effect: the principal space or the time ran out (exhaustive: false)"
            ),
            r => format!(
                "{r} rule{} {} not checked for effect ({}), for {features}: the principal space or the time ran out (exhaustive: false); every other rule was checked",
                if r == 1 { "" } else { "s" },
                if r == 1 { "was" } else { "were" },
                rule_names(&f.rules_left),
            ),
        };
        out.push(Diagnostic::new(
            Code::FindingsPartial,
            crate::json::Span::default(),
            "",
            message,
        ));
    }
    out
}

/// "`A`, `B`", five at most, then how many more.
fn feature_names(features: &[String]) -> String {
    let mut shown: Vec<String> = features.iter().take(5).map(|s| format!("`{s}`")).collect();
    if features.len() > 5 {
        shown.push(format!("{} more", features.len() - 5));
    }
    shown.join(", ")
}

fn list_title(kind: RuleKind) -> &'static str {
    kind.title()
}
