//! Checks of a rule file against a license pool (`privy check --pool`).

use super::at_entry;
use crate::diag::{Code, Diagnostic};
use crate::model::Config;
use crate::pool::Pool;
use crate::spec::RuleKind;

pub fn check(cfg: &Config, pool: &Pool, out: &mut Vec<Diagnostic>) {
    let offering = |feature: &str| -> Vec<&str> {
        pool.licenses
            .iter()
            .filter(|l| l.seats(feature).is_some())
            .map(|l| l.serial.as_str())
            .collect()
    };
    let mut pool_features: Vec<&str> = pool
        .licenses
        .iter()
        .flat_map(|l| l.features.iter().map(|(f, _)| f.as_str()))
        .collect();
    pool_features.sort_unstable();
    pool_features.dedup();

    for rule in cfg.all_rules().filter(|r| !r.empty_preset) {
        if let Some(serials) = &rule.serials {
            for e in serials.iter().filter(|e| e.text != "*") {
                if !pool.licenses.iter().any(|l| l.serial == e.text) {
                    out.push(at_entry(
                        serials,
                        &e,
                        Code::UnknownSerial,
                        format!(
                            "no license in the pool has the serial number {}; this rule never applies to the pool's licenses",
                            e.text
                        ),
                    ));
                }
            }
        }
        if let Some(features) = &rule.features {
            for e in features.iter().filter(|e| e.text != "*") {
                if pool_features.contains(&e.text) {
                    continue;
                }
                match pool_features.iter().find(|f| f.eq_ignore_ascii_case(e.text)) {
                    Some(right) => out.push(
                        at_entry(
                            features,
                            &e,
                            Code::FeatureCase,
                            format!(
                                "the pool's licenses offer `{right}`, not `{}`; features are compared exactly, so this rule does not apply to it",
                                e.text
                            ),
                        )
                        .with_fix(format!("write `{right}`"), features.span_of(&e), right.to_string()),
                    ),
                    None => out.push(at_entry(
                        features,
                        &e,
                        Code::UnlicensedFeature,
                        format!("no license in the pool offers {}", e.text),
                    )),
                }
            }
        }
        let counts = matches!(
            rule.kind,
            RuleKind::LimitCheckouts | RuleKind::ReserveCheckouts
        ) || (rule.kind == RuleKind::LimitBorrows && rule.count.is_some());
        let Some(count) = rule.count.as_ref().filter(|_| counts && rule.any_serial()) else {
            continue;
        };
        let covered: Vec<&str> = if rule.any_feature() {
            pool_features.clone()
        } else {
            rule.features
                .as_ref()
                .map(|f| f.iter().map(|e| e.text).collect())
                .unwrap_or_default()
        };
        let mut shared: Vec<(String, Vec<&str>)> = covered
            .iter()
            .map(|f| (f.to_string(), offering(f)))
            .filter(|(_, l)| l.len() > 1)
            .collect();
        shared.dedup();
        if let Some((feature, licenses)) = shared.first() {
            let what = if rule.kind == RuleKind::ReserveCheckouts {
                "reserves"
            } else {
                "limits to"
            };
            out.push(Diagnostic::new(
                Code::CountPerLicense,
                count.span,
                format!("{}/COUNT", rule.pointer),
                format!(
                    "this rule {what} {} on each license separately, and {} licenses offer {feature} ({}): {} in all{}. Add SERIALNUMBERS to aim it at one license",
                    count.value,
                    licenses.len(),
                    licenses.join(", "),
                    count.value * licenses.len() as i64,
                    if shared.len() > 1 { format!("; likewise for {} more features", shared.len() - 1) } else { String::new() }
                ),
            ));
        }
    }
}
