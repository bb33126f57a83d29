//! Expected-decision cases, in the format of `privy test` (README, "Command
//! line"): read, written back, and run against an engine.

use serde::{Deserialize, Serialize};

use crate::engine::matcher::Scratch;
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{Action, Engine, PoolView, Reason, Request, Verdict};

/// A request as written in a cases file.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub local_groups: Vec<String>,
    pub feature: String,
    #[serde(default)]
    pub action: Action,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub hours: Option<u64>,
}

impl CaseRequest {
    pub fn to_request(&self) -> Result<Request, String> {
        let ip = crate::request::parse_ip(self.ip.as_deref())?;
        Ok(Request {
            principal: crate::request::Principal {
                user: self.user.clone(),
                host: self.host.clone(),
                ip,
                local_groups: self.local_groups.clone(),
            },
            feature: self.feature.clone(),
            action: self.action,
            serial: self.serial.clone(),
            hours: self.hours,
        })
    }

    pub fn from_request(req: &Request) -> CaseRequest {
        CaseRequest {
            user: req.principal.user.clone(),
            host: req.principal.host.clone(),
            ip: req.principal.ip.map(|ip| ip.to_string()),
            local_groups: req.principal.local_groups.clone(),
            feature: req.feature.clone(),
            action: req.action,
            serial: req.serial.clone(),
            hours: req.hours,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub request: CaseRequest,
    pub expect: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cases {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
    pub cases: Vec<Case>,
}

impl Cases {
    /// Reads a cases file; errors say line:column. A `null` field of a
    /// request is unset, like a missing one (semantics 9.6).
    pub fn from_json(text: &str) -> Result<Cases, String> {
        crate::input::require_object(text, "a cases file")?;
        let text = text.trim_start_matches('\u{feff}');
        let located = |e: serde_json::Error| format!("{}:{}: {e}", e.line(), e.column());
        let mut v: serde_json::Value = serde_json::from_str(text).map_err(located)?;
        if let Some(cases) = v.get_mut("cases").and_then(|c| c.as_array_mut()) {
            for case in cases {
                if let Some(req) = case.get_mut("request").and_then(|r| r.as_object_mut()) {
                    req.retain(|_, value| !value.is_null());
                }
            }
        }
        // Read from the value; an error is located by reading the text.
        serde_json::from_value(v).map_err(|e| match serde_json::from_str::<Cases>(text) {
            Err(at) => located(at),
            Ok(_) => e.to_string(),
        })
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// What one case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    pub passed: bool,
    pub got: Verdict,
    pub reason: Reason,
    /// The determining rules.
    pub rules: Vec<crate::rule_id::RuleId>,
}

/// Why the cases cannot run at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Pool(String),
    Case { name: String, error: String },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Pool(e) => write!(f, "pool: {e}"),
            RunError::Case { name, error } => write!(f, "case \"{name}\": {error}"),
        }
    }
}

/// Runs every case. The cases' own pool is used when they have one, else
/// `fallback` (the simulator's pool; `privy test` passes none).
pub fn run(
    engine: &Engine,
    cases: &Cases,
    fallback: Option<&PoolIndex>,
) -> Result<Vec<CaseOutcome>, RunError> {
    let own = cases
        .pool
        .clone()
        .map(Pool::index)
        .transpose()
        .map_err(|e| RunError::Pool(e.to_string()))?;
    let index = own.as_ref().or(fallback);
    let counts = index.map(|p| PoolView::new(engine, p));
    let mut scratch = Scratch::default();
    cases
        .cases
        .iter()
        .map(|case| {
            let req = case.request.to_request().map_err(|error| RunError::Case {
                name: case.name.clone(),
                error,
            })?;
            let d = engine.decide_quiet(&req, counts.as_ref(), &mut scratch);
            Ok(CaseOutcome {
                passed: d.decision == case.expect && case.reason.is_none_or(|r| r == d.reason),
                got: d.decision,
                reason: d.reason,
                rules: d.rules,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    const FILE: &str = r#"{ "DENY_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "CAD" } ] }"#;

    fn case(user: &str, expect: Verdict) -> Case {
        Case {
            name: format!("{user} {expect:?}"),
            request: CaseRequest {
                user: Some(user.into()),
                feature: "CAD".into(),
                ..Default::default()
            },
            expect,
            reason: None,
        }
    }

    #[test]
    fn cases_round_trip_and_run() {
        let doc = Document::from_text(FILE);
        let engine = Engine::new(doc.config());
        let cases = Cases {
            pool: None,
            cases: vec![
                case("anna", Verdict::Granted),
                case("bob", Verdict::Granted),
            ],
        };
        let back = Cases::from_json(&cases.to_json()).expect("reads back");
        assert_eq!(back, cases);
        let out = run(&engine, &back, None).expect("runs");
        assert!(out[0].passed);
        assert!(!out[1].passed);
        assert_eq!(out[1].reason, Reason::DenyRule);
        assert_eq!(out[1].rules, vec!["/DENY_CHECKOUTS/0".to_string()]);
    }

    #[test]
    fn a_bad_ip_names_the_case() {
        let doc = Document::from_text(FILE);
        let engine = Engine::new(doc.config());
        let mut c = case("anna", Verdict::Granted);
        c.request.ip = Some("4.3.2".into());
        let cases = Cases {
            pool: None,
            cases: vec![c],
        };
        let err = run(&engine, &cases, None).expect_err("bad ip");
        assert!(err.to_string().contains("anna Granted"), "{err}");
        assert!(err.to_string().contains("not an IP address"), "{err}");
    }
}
