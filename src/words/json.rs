//! A decision as `privy explain --format json` prints it: codes where the
//! contract has codes (verdict, reason, step, outcome), JSON Pointers for
//! rules, and the trace's words from `words::trace`.

use serde_json::{Value, json};

use crate::engine::Decision;

pub fn decision_json(d: &Decision) -> Value {
    let trace: Vec<Value> = d
        .trace
        .iter()
        .map(|s| {
            let rules: Vec<Value> = s
                .rules
                .iter()
                .map(|r| {
                    json!({
                        "pointer": r.rule.pointer(),
                        "applies": r.applies,
                        "matched": r.matched,
                        "why": super::why(&r.why),
                    })
                })
                .collect();
            json!({
                "step": s.step,
                "outcome": s.outcome,
                "rules": rules,
                "detail": super::found(&s.found),
            })
        })
        .collect();
    json!({
        "decision": d.decision,
        "reason": d.reason,
        "rules": d.rules,
        "serial": d.serial,
        "max_borrow_hours": d.max_borrow_hours,
        "assumptions": d.assumptions.iter().map(super::assumption).collect::<Vec<_>>(),
        "missing_inputs": d.missing_inputs,
        "trace": trace,
    })
}
