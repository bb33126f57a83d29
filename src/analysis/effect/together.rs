//! The rules found to have no effect, taken out together to check that all
//! of them can go at once.

use super::*;

/// A feature's candidates, the licenses its requests may ask for, and its
/// rules.
type Feature = (Candidates, Vec<Option<String>>, Vec<RuleRole>);

/// The rules reported, taken out one after the other from the last in
/// the file: each must still change nothing with the later ones already
/// out, so that all of them can go together. Of two rules that do the same,
/// the later goes and the earlier stays; a rule named as doing the same
/// must be one that stays.
pub(super) fn together(
    cfg: &Config,
    engine: &Engine,
    budget: &Budget,
    found: &mut Vec<NoEffect>,
    helpers: &[(RuleId, Vec<RuleId>)],
) {
    let v = Versions {
        old: cfg,
        new: cfg,
        pool: None,
    };
    found.sort_by_key(|n| std::cmp::Reverse(n.rule));
    let mut out: Vec<RuleId> = Vec::new();
    let mut kept: Vec<NoEffect> = Vec::new();
    // Each feature's candidates, worked out once; each trial asks for the
    // classes with the trial's rules' lists apart (where the decisions
    // with and without them are one for every member).
    let mut features: HashMap<String, Feature> = HashMap::new();
    let mut scratch = Scratch::default();
    for mut n in std::mem::take(found) {
        if let Why::Redundant { with, .. } = &mut n.why {
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
        if let Why::Redundant { with, .. } = &n.why
            && with.is_empty()
        {
            // The rules that did the same go too: if it still changes
            // nothing, it is an allow rule whose list would let everyone
            // in (verified below like any other).
            if n.rule.kind.effect() != Effect::Allow {
                continue;
            }
            n.why = Why::AllowsEveryone;
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
        'features: for (feature, _) in features_of(v, engine, engine) {
            if !space::applies_to(rule, &feature) {
                continue;
            }
            let (cands, serials, roles) = features.entry(feature.clone()).or_insert_with(|| {
                (
                    Candidates::of_file(cfg, engine, &feature, budget),
                    serials_for(v, engine, engine, &feature),
                    engine.rules_for_feature(&feature),
                )
            });
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
    *found = kept;
}
