//! The access diff as `privy diff --format json` prints it, and a
//! principal as the JSON of a request (`privy test`'s request keys), which
//! the diff, the access report and the suggestions share.

use serde_json::{Value, json};

use crate::analysis::diff::{Change, ChangeKind, Diff, Side};
use crate::request::Principal;

/// A principal as `privy test`'s request keys.
pub fn witness_json(p: &Principal) -> Value {
    serde_json::to_value(p).unwrap_or_default()
}

fn side_json(s: &Side) -> Value {
    json!({
        "decision": s.decision,
        "reason": s.reason,
        "rules": s.rules,
        "max_borrow_hours": s.max_borrow_hours,
    })
}

fn change_json(c: &Change) -> Value {
    json!({
        "feature": c.feature,
        "other_feature": c.other_feature,
        "action": c.action,
        "serial": c.serial,
        "witness": witness_json(&c.class.witness),
        "description": super::class_description(&c.what),
        "alike": c.class.alike,
        "ways": c.what.ways.len() as u64 + c.what.more_ways,
        "witnesses": c
            .what
            .ways
            .iter()
            .map(|w| witness_json(&w.witness))
            .collect::<Vec<_>>(),
        "before": side_json(&c.before),
        "after": side_json(&c.after),
        "cause": c.cause.iter().map(|x| x.pointer()).collect::<Vec<_>>(),
    })
}

/// The diff as `--format json` prints it.
pub fn diff_json(d: &Diff, warnings: &[String]) -> Value {
    let of = |k: ChangeKind| -> Vec<Value> {
        d.changes
            .iter()
            .filter(|c| c.kind == k)
            .map(change_json)
            .collect()
    };
    let features: Vec<Value> = d
        .features
        .iter()
        .map(|f| {
            json!({
                "feature": f.feature,
                "other_feature": f.other_feature,
                "unchanged": f.unchanged,
                "classes": f.classes,
                "gained": d.count_for(&f.feature, ChangeKind::Gained),
                "revoked": d.count_for(&f.feature, ChangeKind::Revoked),
                "reason_changed": d.count_for(&f.feature, ChangeKind::ReasonChanged),
            })
        })
        .collect();
    json!({
        "exhaustive": d.exhaustive,
        "classes": d.classes,
        "alike": d.alike,
        "examined": d.examined,
        "left": d.left,
        "features_left": d.features_left,
        "warnings": warnings,
        "features": features,
        "gained": of(ChangeKind::Gained),
        "revoked": of(ChangeKind::Revoked),
        "reason_changed": of(ChangeKind::ReasonChanged),
    })
}
