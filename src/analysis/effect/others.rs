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
    // A name is decided by which of the feature's deny and allow lists it
    // is in: the names are sorted by that (a bit per list, all worked out
    // at once), and each kind of name is decided once, not each of
    // thousands.
    let lists = engine.lists_for_feature(feature);
    let folded: Vec<&str> = names.folded.iter().map(String::as_str).collect();
    let in_lists = engine.names_matching_with(&lists, &folded, Some(&names.hits));
    // Without a pool and without hours asked, a verdict depends only on
    // which deny and allow lists match: names alike in those are decided
    // once.
    let deciding: Vec<u64> = {
        let mut m = vec![0u64; lists.len().div_ceil(64)];
        for (i, l) in lists.iter().enumerate() {
            if matches!(l.rule.kind.effect(), Effect::Allow | Effect::Deny) {
                m[i / 64] |= 1 << (i % 64);
            }
        }
        m
    };
    let in_lists: Vec<Vec<u64>> = in_lists
        .into_iter()
        .map(|row| row.iter().zip(&deciding).map(|(a, b)| a & b).collect())
        .collect();
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
        let by_engine = |n: &str, scratch: &mut Scratch| {
            let req = Principal {
                user: Some(n.to_string()),
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
        };
        let by_lists = Loses::new(&lists, roles, kind, action);
        let mut decided: FxHashMap<&[u64], bool> = FxHashMap::default();
        for (i, n) in names.written.iter().enumerate() {
            if i % 256 == 255 && out_of_time() {
                at_least = true;
                break;
            }
            let loses = *decided.entry(&in_lists[i]).or_insert_with(|| {
                by_lists
                    .as_ref()
                    .map_or_else(|| by_engine(n, scratch), |l| l.loses(&in_lists[i]))
            });
            if loses {
                lose.push(n.clone());
            }
        }
        // The lists read right: the examples shown are decided by the
        // engine too (else every name is).
        if by_lists.is_some() && lose.iter().take(3).any(|n| !by_engine(n, scratch)) {
            debug_assert!(false, "denies_others: the lists and the engine disagree");
            lose.clear();
            for n in &names.written {
                if by_engine(n, scratch) {
                    lose.push(n.clone());
                }
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

/// Whether a principal is denied for not being in an allow list and
/// granted without it, read from the lists it matches (a bit per list of
/// `lists`): without a pool and without hours asked, deny rules and the
/// allow lists are all that decide.
struct Loses {
    /// Each rule that takes part, as (USERS bit, EXCEPT_USERS bit); `None`
    /// USERS: everyone.
    deny: Vec<(Option<usize>, Option<usize>)>,
    /// The allow list before it (a borrow passes the checkout list first).
    before: Vec<(Option<usize>, Option<usize>)>,
    list: Vec<(Option<usize>, Option<usize>)>,
}

impl Loses {
    fn new(
        lists: &[crate::engine::ListId],
        roles: &[RuleRole],
        kind: RuleKind,
        action: Action,
    ) -> Option<Loses> {
        let at = |l: Option<crate::engine::ListId>| -> Option<Option<usize>> {
            match l {
                None => Some(None),
                Some(l) => lists.iter().position(|x| *x == l).map(Some),
            }
        };
        let of = |keep: &dyn Fn(&RuleRole) -> bool| -> Option<Vec<(Option<usize>, Option<usize>)>> {
            roles
                .iter()
                .filter(|r| r.applies_to_action(action) && r.applies_to_serial(None) && keep(r))
                .map(|r| Some((at(r.users)?, at(r.except)?)))
                .collect()
        };
        Some(Loses {
            deny: of(&|r| r.kind.effect() == Effect::Deny)?,
            before: if kind == RuleKind::AllowBorrows {
                of(&|r| r.kind == RuleKind::AllowCheckouts)?
            } else {
                Vec::new()
            },
            list: of(&|r| r.kind == kind)?,
        })
    }

    fn loses(&self, row: &[u64]) -> bool {
        let bit = |i: usize| row.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
        let matches =
            |&(u, e): &(Option<usize>, Option<usize>)| u.is_none_or(bit) && !e.is_some_and(bit);
        !self.deny.iter().any(matches)
            && (self.before.is_empty() || self.before.iter().any(matches))
            && !self.list.is_empty()
            && !self.list.iter().any(matches)
    }
}
