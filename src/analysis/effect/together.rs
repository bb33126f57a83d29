//! The rules found to have no effect, taken out together to check that all
//! of them can go at once.

use super::*;

/// The licenses a feature's requests may ask for, and its rules (its
/// candidates are asked of [`super::kept::Kept`], which keeps what fits).
type Feature = (Vec<Option<String>>, Vec<RuleRole>);

/// The rules reported, taken out one after the other from the last in
/// the file: each must still change nothing with the later ones already
/// out, so that all of them can go together. Of two rules that do the same,
/// the later goes and the earlier stays; a rule named as doing the same
/// must be one that stays.
pub(super) fn together(
    cfg: &Config,
    engine: &Engine,
    budget: &Budget,
    found_out: &mut Vec<NoEffect>,
    helpers: &[(RuleId, Vec<RuleId>)],
    candidates: &mut super::kept::Kept,
) {
    let v = Versions {
        old: cfg,
        new: cfg,
        pool: None,
    };
    found_out.sort_by_key(|n| std::cmp::Reverse(n.rule));
    let found = &mut *found_out;
    let all_features: Vec<String> = features_of(v, engine, engine)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let of_rule = |id: RuleId| -> Vec<usize> {
        cfg.rule(id).map_or_else(Vec::new, |rule| {
            (0..all_features.len())
                .filter(|&f| space::applies_to(rule, &all_features[f]))
                .collect()
        })
    };
    let feats: Vec<Vec<usize>> = found.iter().map(|n| of_rule(n.rule)).collect();
    let mut schedule = Schedule::new(&feats, all_features.len());
    let mut found: Vec<Option<NoEffect>> = std::mem::take(found).into_iter().map(Some).collect();
    let mut out: Vec<RuleId> = Vec::new();
    let mut kept: Vec<NoEffect> = Vec::new();
    // Each feature's candidates, worked out once; each trial asks for the
    // classes with the trial's rules' lists apart (where the decisions
    // with and without them are one for every member).
    let mut features: HashMap<String, Feature> = HashMap::new();
    let mut scratch = Scratch::default();
    while let Some(i) = schedule.next(|f| candidates.holds(&all_features[f])) {
        let Some(mut n) = found[i].take() else {
            continue;
        };
        if let NoEffectReason::Redundant { with, .. } = &mut n.why {
            let all = helpers
                .iter()
                .find(|(id, _)| *id == n.rule)
                .map(|(_, w)| w.clone())
                .unwrap_or_default();
            with.retain(|w| !out.contains(w));
            if with.is_empty() {
                with.extend(all.into_iter().filter(|w| !out.contains(w)).take(1));
            }
        }
        if let NoEffectReason::Redundant { with, .. } = &n.why
            && with.is_empty()
        {
            // The rules that did the same go too: if it still changes
            // nothing, it is an allow rule whose list would let everyone
            // in (verified below like any other).
            if n.rule.kind.effect() != Effect::Allow {
                continue;
            }
            n.why = NoEffectReason::AllowsEveryone;
        }
        if out.is_empty() {
            out.push(n.rule);
            kept.push(n);
            continue;
        }
        let Some(rule) = cfg.rule(n.rule) else {
            continue;
        };
        let mut trial = out.clone();
        trial.push(n.rule);
        let without = engine.without(&trial);
        let mut same = true;
        'features: for feature in &all_features {
            if !space::applies_to(rule, feature) {
                continue;
            }
            let feature = feature.clone();
            let (serials, roles) = features.entry(feature.clone()).or_insert_with(|| {
                (
                    serials_for(v, engine, engine, &feature),
                    engine.rules_for_feature(&feature),
                )
            });
            let cands = &candidates.of(cfg, engine, &feature, budget);
            // As conditions on the lists first: proven either way there,
            // no classes are needed.
            if let Some(role) = roles.iter().find(|r| r.rule == n.rule) {
                match super::solved::still_nothing(
                    engine,
                    cands,
                    &feature,
                    role,
                    roles,
                    serials,
                    &out,
                    &mut scratch,
                ) {
                    Some(true) => continue,
                    Some(false) => {
                        same = false;
                        break;
                    }
                    None => {}
                }
            }
            let focus: Vec<(usize, crate::engine::ListId)> = roles
                .iter()
                .filter(|r| trial.contains(&r.rule))
                .flat_map(|r| [r.users, r.except])
                .flatten()
                .map(|l| (0, l))
                .collect();
            let sp = cands.focused(&focus, budget);
            if !sp.exhaustive {
                same = false;
                break;
            }
            for class in &sp.classes {
                for action in [Action::Checkout, Action::Borrow] {
                    for serial in serials.iter() {
                        let mut req = class.witness.request(&feature, action);
                        req.serial = serial.clone();
                        let a = engine.decide_quiet(&req, None, &mut scratch);
                        let b = engine.decide_without(&without, &req, None, &mut scratch);
                        if (a.decision, a.reason, a.max_borrow_hours)
                            != (b.decision, b.reason, b.max_borrow_hours)
                        {
                            same = false;
                            break 'features;
                        }
                    }
                }
            }
        }
        if same {
            out.push(n.rule);
            kept.push(n);
        }
    }
    kept.sort_by_key(|n| n.rule);
    *found_out = kept;
}

/// The order to try the rules in (`feats`: the features of each, the
/// rules from the last in the file), feature by feature so that the
/// candidates at hand serve many trials in a row. A rule's trial depends
/// only on the rules of its features tried before it, so a rule may go
/// ahead of a later one of the file that shares none of its features; it
/// goes once every later rule sharing one has been tried, and the result
/// is that of the file's order.
struct Schedule<'a> {
    feats: &'a [Vec<usize>],
    /// Each feature's rules not tried yet, in the order.
    queues: Vec<std::collections::VecDeque<usize>>,
    /// The rules of no feature (nothing to wait for).
    free: Vec<usize>,
    left: usize,
}

impl<'a> Schedule<'a> {
    fn new(feats: &'a [Vec<usize>], features: usize) -> Self {
        let mut queues = vec![std::collections::VecDeque::new(); features];
        let mut free = Vec::new();
        for (i, fs) in feats.iter().enumerate() {
            if fs.is_empty() {
                free.push(i);
            }
            for &f in fs {
                queues[f].push_back(i);
            }
        }
        free.reverse();
        Schedule {
            feats,
            queues,
            free,
            left: feats.len(),
        }
    }

    /// The next rule: one whose later rules sharing a feature were all
    /// tried (the first of each of its features), needing the fewest
    /// features whose candidates are not at hand (`held`), the earliest
    /// in the order among those. Rules of no feature go first.
    fn next(&mut self, held: impl Fn(usize) -> bool) -> Option<usize> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        if let Some(i) = self.free.pop() {
            return Some(i);
        }
        // The earliest rule left is always ready, so one is found.
        let ready = |i: usize| {
            self.feats[i]
                .iter()
                .all(|&f| self.queues[f].front() == Some(&i))
        };
        let pick = self
            .queues
            .iter()
            .filter_map(|q| q.front().copied())
            .filter(|&i| ready(i))
            .min_by_key(|&i| (self.feats[i].iter().filter(|&&f| !held(f)).count(), i))?;
        for &f in &self.feats[pick] {
            self.queues[f].pop_front();
        }
        Some(pick)
    }
}

#[cfg(test)]
mod tests {
    use super::Schedule;
    use proptest::prelude::*;

    proptest! {
        /// Every rule is tried once, and after every rule of the file's
        /// order (earlier in `feats`) that shares a feature with it, with
        /// any candidates at hand.
        #[test]
        fn a_rule_waits_for_the_earlier_ones_of_its_features(
            feats in prop::collection::vec(prop::collection::btree_set(0usize..5, 0..4), 0..40),
            held in prop::collection::vec(any::<bool>(), 5),
        ) {
            let feats: Vec<Vec<usize>> = feats.into_iter().map(|s| s.into_iter().collect()).collect();
            let mut schedule = Schedule::new(&feats, 5);
            let mut sequence = Vec::new();
            while let Some(i) = schedule.next(|f| held[f]) {
                sequence.push(i);
            }
            let mut sorted = sequence.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..feats.len()).collect::<Vec<_>>());
            let at = |i: usize| sequence.iter().position(|&x| x == i);
            for j in 0..feats.len() {
                for i in 0..j {
                    if feats[i].iter().any(|f| feats[j].contains(f)) {
                        prop_assert!(at(i) < at(j), "{} before {} in {:?}", j, i, sequence);
                    }
                }
            }
        }
    }
}
