//! The first allow rule of a feature, and who it denies the feature to.

use super::*;

/// The user and host names the file names (literal name entries that are
/// not groups), as first written, one per folded spelling.
pub(super) fn named_names(cfg: &Config) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for list in cfg.principal_lists() {
        for e in list.iter() {
            if cfg.group_index.lookup_entry(&e).is_some() {
                continue;
            }
            if let Pattern::Name(n) = Pattern::parse(e.text)
                && !n.has_wildcard()
                && seen.insert(fold(e.text))
            {
                out.push(e.text.trim().to_string());
            }
        }
    }
    out
}

/// For each allow list of the feature, its first rule, when some of the
/// names the file names are granted the feature without the list and
/// denied with it.
pub(super) fn denies_others(
    engine: &Engine,
    (feature, other): (&str, bool),
    roles: &[RuleRole],
    names: &[String],
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
) -> Vec<DeniesOthers> {
    let mut out = Vec::new();
    for (kind, action) in [
        (RuleKind::AllowCheckouts, Action::Checkout),
        (RuleKind::AllowBorrows, Action::Borrow),
    ] {
        let list: Vec<RuleId> = roles
            .iter()
            .filter(|r| r.kind == kind && r.serials.is_none())
            .map(|r| r.rule)
            .collect();
        let Some(&first) = list.iter().min_by_key(|r| r.index) else {
            continue;
        };
        let without = engine.without(&list);
        let mut lose = Vec::new();
        let mut at_least = false;
        for (i, n) in names.iter().enumerate() {
            if i % 256 == 255 && out_of_time() {
                at_least = true;
                break;
            }
            let req = Principal {
                user: Some(n.clone()),
                ..Principal::default()
            }
            .request(feature, action);
            let with = engine.decide_quiet(&req, None, scratch);
            if with.decision != Verdict::Denied || with.reason != Reason::NotInAllowRule {
                continue;
            }
            if !with.rules.iter().any(|r| r.kind == kind) {
                continue;
            }
            let after = engine.decide_without(&without, &req, None, scratch);
            if after.decision == Verdict::Granted {
                lose.push(n.clone());
            }
        }
        if !lose.is_empty() {
            out.push(DeniesOthers {
                rule: first,
                feature: feature.to_string(),
                other_feature: other,
                lose: lose.len(),
                at_least,
                examples: lose.into_iter().take(3).collect(),
            });
        }
    }
    out
}
