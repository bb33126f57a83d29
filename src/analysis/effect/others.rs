//! The first allow rule of a feature, and who it denies the feature to.

use super::*;
use crate::pattern::Kind;

/// The user and host names the file names (literal name entries that are
/// not groups), one per folded spelling: as first written, and folded (for
/// the look-ups of every feature).
pub(super) struct Named {
    written: Vec<String>,
    folded: Vec<String>,
    /// Which of the file's wildcards each name matches, worked out once
    /// for every feature.
    hits: crate::engine::NameHits,
}

pub(super) fn named_names(cfg: &Config, engine: &Engine) -> Named {
    let mut seen = HashSet::new();
    let mut out = Named {
        written: Vec::new(),
        folded: Vec::new(),
        hits: crate::engine::NameHits::default(),
    };
    for list in cfg.principal_lists() {
        for e in list.iter() {
            // A name without `*` (the entry's kind says what its parse is).
            if !matches!(
                e.kind,
                Kind::Name {
                    wildcard: false,
                    ..
                }
            ) {
                continue;
            }
            let folded = e.folded();
            if cfg.group_index.lookup_folded(&folded).is_some() {
                continue;
            }
            if seen.insert(folded.clone()) {
                out.written.push(e.text.trim().to_string());
                out.folded.push(folded.to_string());
            }
        }
    }
    let folded: Vec<&str> = out.folded.iter().map(String::as_str).collect();
    out.hits = engine.name_hits(&folded);
    out
}

/// For each allow list of the feature, its first rule, when some of the
/// names the file names are granted the feature without the list and
/// denied with it.
pub(super) fn denies_others(
    engine: &Engine,
    (feature, other): (&str, bool),
    roles: &[RuleRole],
    names: &Named,
    scratch: &mut Scratch,
    out_of_time: &dyn Fn() -> bool,
) -> Vec<DeniesOthers> {
    let mut out = Vec::new();
    // A name is decided by which of the feature's lists it is in: the
    // names are sorted by that (a bit per list, all worked out at once),
    // and each kind of name is decided once, not each of thousands.
    let lists = engine.lists_for_feature(feature);
    let folded: Vec<&str> = names.folded.iter().map(String::as_str).collect();
    let in_lists = engine.names_matching_with(&lists, &folded, Some(&names.hits));
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
        let mut decided: FxHashMap<&[u64], bool> = FxHashMap::default();
        for (i, n) in names.written.iter().enumerate() {
            if i % 256 == 255 && out_of_time() {
                at_least = true;
                break;
            }
            let loses = *decided.entry(&in_lists[i]).or_insert_with(|| {
                let req = Principal {
                    user: Some(n.clone()),
                    ..Principal::default()
                }
                .request(feature, action);
                let with = engine.decide_quiet(&req, None, scratch);
                with.decision == Verdict::Denied
                    && with.reason == Reason::NotInAllowRule
                    && with.rules.iter().any(|r| r.kind == kind)
                    && engine
                        .decide_without(&without, &req, None, scratch)
                        .decision
                        == Verdict::Granted
            });
            if loses {
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
