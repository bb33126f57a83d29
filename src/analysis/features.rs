//! A feature no rule and no license names (`docs/semantics.md` section 8
//! point 11): decided as usual, but said, with the known features it was
//! probably meant to be.

use crate::model::Config;
use crate::pool::PoolIndex;

/// A requested feature that nothing in the file or the pool names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFeature {
    pub feature: String,
    /// Known features that differ only in case or by a short edit, the
    /// closest first.
    pub did_you_mean: Vec<String>,
}

/// Every feature the file's rules name (not `*`) and the pool's licenses
/// offer, each once, in order of first appearance.
pub fn known_features(cfg: &Config, pool: Option<&PoolIndex>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for rule in cfg.all_rules() {
        if let Some(list) = rule.features.as_deref() {
            for e in list.iter() {
                let t = e.text.trim();
                if t != "*" && !t.is_empty() && seen.insert(t.to_string()) {
                    out.push(t.to_string());
                }
            }
        }
    }
    if let Some(pool) = pool {
        for l in &pool.pool.licenses {
            for (f, _) in l.features.iter() {
                if seen.insert(f.clone()) {
                    out.push(f.clone());
                }
            }
        }
    }
    out
}

/// How far apart two feature names are for a did-you-mean: 0 when they
/// differ only in case, else the edit distance of their case-folded forms
/// plus one; `None` when too far (more than 2 edits, 1 for names under 5
/// characters).
fn distance(asked: &str, known: &str) -> Option<usize> {
    let (a, k) = (asked.to_lowercase(), known.to_lowercase());
    if a == k {
        return Some(0);
    }
    let d = crate::diag::edit_distance(&a, &k);
    let limit = if a.chars().count().min(k.chars().count()) < 5 {
        1
    } else {
        2
    };
    (d <= limit).then(|| d + 1)
}

/// The warning for `feature`, if nothing names it.
pub fn unknown_feature(
    cfg: &Config,
    pool: Option<&PoolIndex>,
    feature: &str,
) -> Option<UnknownFeature> {
    let known = known_features(cfg, pool);
    if known.iter().any(|k| k == feature) {
        return None;
    }
    let mut near: Vec<(usize, usize, String)> = known
        .into_iter()
        .enumerate()
        .filter_map(|(i, k)| distance(feature, &k).map(|d| (d, i, k)))
        .collect();
    near.sort();
    // A feature that differs only in case is the one meant.
    if near.first().is_some_and(|n| n.0 == 0) {
        near.retain(|n| n.0 == 0);
    }
    Some(UnknownFeature {
        feature: feature.to_string(),
        did_you_mean: near.into_iter().take(3).map(|(_, _, k)| k).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_short_edits_are_near_and_the_rest_is_not() {
        assert_eq!(distance("export_all", "EXPORT_ALL"), Some(0));
        assert_eq!(distance("EXPORT_AL", "EXPORT_ALL"), Some(2));
        assert_eq!(distance("KAZ", "KAS"), Some(2));
        assert_eq!(distance("KXZ", "KAS"), None);
        assert_eq!(distance("SOLVER", "EXPORT_ALL"), None);
    }
}
