//! The engine against the vendor's examples and the pool scenarios (through
//! `privy test`), and the explanations it gives (through the library and
//! `privy explain`).

use std::path::PathBuf;

use privy::document::Document;
use privy::engine::pool::Pool;
use privy::engine::{Action, Engine, Outcome, PoolView, Reason, Request, StepName, Verdict};

use super::common::{privy, root};

/// (rule file, cases file) pairs: tests/vendor/NAME.json with
/// NAME.cases.json, and tests/cases/office.*.cases.json with office.json.
fn suites() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for dir in ["tests/vendor", "tests/cases"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".cases.json"))
            .collect();
        entries.sort();
        for cases in entries {
            let name = cases
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let rules = if dir == "tests/cases" {
                root().join(dir).join(format!(
                    "{}.json",
                    name.split('.').next().unwrap_or_default()
                ))
            } else {
                root().join(dir).join(name.replace(".cases.json", ".json"))
            };
            out.push((rules, cases));
        }
    }
    out
}

#[test]
fn every_suite_passes_through_privy_test() {
    let suites = suites();
    assert!(suites.len() >= 20, "{} suites", suites.len());
    let mut total = 0;
    for (rules, cases) in suites {
        let (code, out, err) = privy(&[
            "test",
            &rules.display().to_string(),
            &cases.display().to_string(),
        ]);
        assert_eq!(code, 0, "{}:\n{out}{err}", cases.display());
        let last = out.lines().last().unwrap_or_default();
        let passed: usize = last
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(last.ends_with(" passed, 0 failed") && passed > 0, "{last}");
        total += passed;
    }
    assert!(total >= 80, "{total} cases");
}

#[test]
fn a_failing_case_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = dir.path().join("c.json");
    std::fs::write(
        &cases,
        r#"{"cases": [
            {"name": "wrong on purpose", "request": {"user": "Stranger", "feature": "FUNCTIONALITY_TECHDOC"}, "expect": "granted"},
            {"name": "right", "request": {"user": "Some user", "feature": "FUNCTIONALITY_TECHDOC"}, "expect": "granted", "reason": "granted"}
        ]}"#,
    )
    .expect("write");
    let rules = root().join("tests/vendor/01-allow-selected-users.json");
    let (code, out, _) = privy(&[
        "test",
        &rules.display().to_string(),
        &cases.display().to_string(),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("FAIL wrong on purpose: expected granted, got denied (not_in_allow_rule) by Allow checkouts rule 1"), "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"));
    // unreadable cases file
    std::fs::write(&cases, "{").expect("write");
    assert_eq!(
        privy(&[
            "test",
            &rules.display().to_string(),
            &cases.display().to_string()
        ])
        .0,
        2
    );
}

fn office() -> Document {
    Document::open(root().join("tests/cases/office.json")).expect("office")
}

#[test]
fn trace_names_the_entry_and_the_group_chain() {
    let doc = office();
    let engine = Engine::new(doc.config());
    let req = Request {
        principal: privy::request::Principal {
            user: Some("u9".into()),
            host: Some("PC042".into()),
            ..Default::default()
        },
        feature: "EXPORT_ALL".into(),
        ..Request::default()
    };
    let d = engine.decide(&req, None);
    assert_eq!(d.decision, Verdict::Granted);
    let allow = d
        .trace
        .iter()
        .find(|s| s.step == StepName::Allow)
        .expect("allow step");
    assert_eq!(allow.outcome, Outcome::Passed);
    assert_eq!(
        privy::words::why(&allow.rules[0].why),
        "host matched `PC*` in group `Workstations`, member of `CAD`"
    );
    let limit = d
        .trace
        .iter()
        .find(|s| s.step == StepName::Limit)
        .expect("limit step");
    assert!(
        privy::words::why(&limit.rules[0].why).contains("0 of 1 in use (no pool: taken as zero)"),
        "{}",
        privy::words::why(&limit.rules[0].why)
    );
    assert!(
        d.assumptions
            .iter()
            .any(|a| privy::words::assumption(a).contains("no license pool"))
    );
}

#[test]
fn missing_inputs_are_named_not_matched() {
    let doc = office();
    let engine = Engine::new(doc.config());
    // No host, no IP: the Workstations entries cannot match.
    let req = Request {
        principal: privy::request::Principal {
            user: Some("zed".into()),
            ..Default::default()
        },
        feature: "EXPORT_ALL".into(),
        ..Request::default()
    };
    let d = engine.decide(&req, None);
    assert_eq!(
        (d.decision, d.reason),
        (Verdict::Denied, Reason::NotInAllowRule)
    );
    assert_eq!(d.rules, vec!["/ALLOW_CHECKOUTS/0".to_string()]);
    assert!(
        d.missing_inputs.contains(&"host".to_string()),
        "{:?}",
        d.missing_inputs
    );
    assert!(
        d.missing_inputs.contains(&"ip".to_string()),
        "{:?}",
        d.missing_inputs
    );
}

#[test]
fn the_license_used_is_reported_after_fall_through() {
    let doc = office();
    let engine = Engine::new(doc.config());
    let pool = Pool::from_json(
        r#"{"licenses": [{"serial": "L1", "features": {"EXPORT_ALL": 1}}, {"serial": "L2", "features": {"EXPORT_ALL": 2}}],
            "sessions": [{"user": "ben", "feature": "EXPORT_ALL"}]}"#,
    )
    .and_then(Pool::index)
    .expect("pool");
    let counts = PoolView::new(&engine, &pool);
    let req = Request {
        principal: privy::request::Principal {
            user: Some("anna".into()),
            ..Default::default()
        },
        feature: "EXPORT_ALL".into(),
        ..Request::default()
    };
    let d = engine.decide(&req, Some(&counts));
    assert_eq!(d.decision, Verdict::Granted);
    assert_eq!(d.serial.as_deref(), Some("L2"));
    let licensed = &d.trace[0];
    assert!(
        privy::words::found(&licensed.found).contains("tried before: L1 (no_free_seat)"),
        "{}",
        privy::words::found(&licensed.found)
    );
}

#[test]
fn maximum_borrow_hours_follow_the_vendor_example() {
    let doc = Document::open(root().join("tests/vendor/14-limit-borrow-hours.json")).expect("doc");
    let engine = Engine::new(doc.config());
    let borrow = |user: &str| Request {
        principal: privy::request::Principal {
            user: Some(user.into()),
            ..Default::default()
        },
        feature: "KAS".into(),
        action: Action::Borrow,
        ..Request::default()
    };
    assert_eq!(
        engine.decide(&borrow("anna"), None).max_borrow_hours,
        Some(168)
    );
    assert_eq!(
        engine
            .decide(&borrow("Privileged User"), None)
            .max_borrow_hours,
        Some(2160)
    );
    let d = engine.decide(
        &Request {
            hours: Some(200),
            ..borrow("anna")
        },
        None,
    );
    assert_eq!(d.rules, vec!["/LIMIT_BORROWS/1".to_string()]);
    // Without a covering rule the license's maximum applies.
    let pool = Pool::from_json(
        r#"{"licenses": [{"serial": "S", "features": {"KAS": 3}, "max_borrow_hours": 24}]}"#,
    )
    .and_then(Pool::index)
    .expect("pool");
    let empty = Document::from_text("{}");
    let bare = Engine::new(empty.config());
    let counts = PoolView::new(&bare, &pool);
    let d = bare.decide(
        &Request {
            hours: Some(25),
            ..borrow("anna")
        },
        Some(&counts),
    );
    assert_eq!(
        (d.reason, d.max_borrow_hours),
        (Reason::BorrowHoursExceeded, Some(24))
    );
    assert!(d.rules.is_empty());
}

#[test]
fn explain_json_and_exit_codes() {
    let rules = root()
        .join("tests/vendor/09-deny-selected-users.json")
        .display()
        .to_string();
    let (code, out, _) = privy(&[
        "explain",
        &rules,
        "--feature",
        "FUNCTIONALITY_TECHDOC",
        "--user",
        "Some user",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["decision"], "denied");
    assert_eq!(v["reason"], "deny_rule");
    assert_eq!(v["rules"][0], "/DENY_CHECKOUTS/0");
    assert!(v["serial"].is_null());
    assert!(v["max_borrow_hours"].is_null());
    assert!(v["assumptions"].is_array() && v["missing_inputs"].is_array());
    let deny = &v["trace"][1];
    assert_eq!(
        (deny["step"].as_str(), deny["outcome"].as_str()),
        (Some("deny"), Some("denied"))
    );
    assert_eq!(deny["rules"][0]["why"], "user matched `Some user`");
    let (code, out, _) = privy(&["explain", &rules, "--feature", "KAS", "--user", "x"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("GRANTED: checkout of KAS for user x"),
        "{out}"
    );
    // Text: the verdict, then the deciding rule with its place and source line.
    let (_, out, _) = privy(&[
        "explain",
        &rules,
        "--feature",
        "FUNCTIONALITY_TECHDOC",
        "--user",
        "Some user",
    ]);
    assert!(
        out.starts_with("DENIED: checkout of FUNCTIONALITY_TECHDOC for user Some user"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "deciding rule: Deny checkouts rule 1 (/DENY_CHECKOUTS/0) at {rules}:3:9"
        )),
        "{out}"
    );
    assert!(
        out.contains("\"USERS\": \"Some user; Some other user; Another user\""),
        "{out}"
    );
    // Bad usage and unreadable input.
    assert_eq!(privy(&["explain", &rules]).0, 2);
    assert_eq!(
        privy(&["explain", &rules, "--feature", "X", "--ip", "not-an-ip"]).0,
        2
    );
    assert_eq!(
        privy(&["explain", "/nonexistent.json", "--feature", "X"]).0,
        2
    );
    assert_eq!(
        privy(&[
            "explain",
            &rules,
            "--feature",
            "X",
            "--pool",
            "/nonexistent-pool.json"
        ])
        .0,
        2
    );
}

#[test]
fn a_file_with_errors_is_still_evaluated_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("bad.json");
    std::fs::write(&f, "{ \"DENY_CHECKOUTS\": [ { \"USERS\": \"bob\", }, ] }").expect("write");
    let (code, out, _) = privy(&[
        "explain",
        &f.display().to_string(),
        "--feature",
        "KAS",
        "--user",
        "bob",
    ]);
    assert_eq!(code, 1);
    assert!(out.starts_with("warning:"), "{out}");
    assert!(out.contains("DENIED"));
}

#[test]
fn cycles_end_and_deep_chains_do_not_recurse() {
    // A chain of 100 000 groups, each containing the next, and a cycle.
    let n = 100_000;
    let mut groups = Vec::with_capacity(n);
    for i in 0..n {
        let next = if i + 1 < n {
            format!("G{}", i + 1)
        } else {
            "deep.user".into()
        };
        groups.push(format!("{{\"NAME\": \"G{i}\", \"MEMBERS\": \"{next}\"}}"));
    }
    groups.push("{\"NAME\": \"A\", \"MEMBERS\": \"B\"}".into());
    groups.push("{\"NAME\": \"B\", \"MEMBERS\": \"A\"}".into());
    let text = format!(
        "{{\"DENY_CHECKOUTS\": [{{\"USERS\": \"G0\"}}, {{\"USERS\": \"A\"}}], \"GROUPS\": [{}]}}",
        groups.join(",")
    );
    let doc = Document::from_text(text);
    let engine = Engine::new(doc.config());
    let req = |u: &str| Request {
        principal: privy::request::Principal {
            user: Some(u.into()),
            ..Default::default()
        },
        feature: "F".into(),
        ..Request::default()
    };
    let d = engine.decide(&req("deep.user"), None);
    assert_eq!((d.decision, d.reason), (Verdict::Denied, Reason::DenyRule));
    let d = engine.decide(&req("someone"), None);
    assert_eq!(d.decision, Verdict::Granted);
}

/// The seat bar's figures are the seats step's: a principal with a seat
/// available is not denied for seats, and one without is.
#[test]
fn seat_usage_agrees_with_the_seats_step() {
    let doc = Document::from_text(
        r#"{ "RESERVE_CHECKOUTS": [
              { "USERS": "anna;bob", "FEATURES": "CAD", "COUNT": 2 },
              { "USERS": "carla", "FEATURES": "CAD", "COUNT": 1 } ] }"#,
    );
    let engine = Engine::new(doc.config());
    for held in 0..=4 {
        let sessions: Vec<String> = (0..held)
            .map(|i| {
                format!(
                    r#"{{ "user": "{}", "feature": "CAD" }}"#,
                    ["anna", "dora", "eve", "carla"][i]
                )
            })
            .collect();
        let pool = Pool::from_json(&format!(
            r#"{{ "licenses": [ {{ "serial": "S", "features": {{ "CAD": 4 }} }} ], "sessions": [{}] }}"#,
            sessions.join(",")
        ))
        .expect("pool")
        .index()
        .expect("index");
        let counts = PoolView::new(&engine, &pool);
        for user in ["anna", "bob", "carla", "zed"] {
            let req = Request {
                principal: privy::request::Principal {
                    user: Some(user.into()),
                    ..Default::default()
                },
                feature: "CAD".into(),
                ..Default::default()
            };
            let p = req.principal.clone();
            let u = counts.seat_usage(0, "CAD", Some(&p)).expect("offered");
            assert_eq!((u.seats, u.used), (4, held as u64));
            assert!(u.used + u.reserved_for_others + u.available <= u.seats);
            let d = engine.decide(&req, Some(&counts));
            let seats_denied = matches!(d.reason, Reason::NoFreeSeat | Reason::ReservedForOthers);
            assert_eq!(
                u.available == 0,
                seats_denied,
                "{user} with {held} held: {u:?} {d:?}"
            );
        }
        let all = counts.seat_usage(0, "CAD", None).expect("offered");
        assert!(
            all.reserved_for_others
                >= counts
                    .seat_usage(
                        0,
                        "CAD",
                        Some(
                            &Request {
                                principal: privy::request::Principal {
                                    user: Some("anna".into()),
                                    ..Default::default()
                                },
                                ..Default::default()
                            }
                            .principal
                            .clone()
                        )
                    )
                    .expect("offered")
                    .reserved_for_others
        );
    }
}

/// A scratch keeps its group memo for the next request of the same
/// principal (the matrix's next feature), but never across engines, even
/// with the same number of groups.
#[test]
fn a_scratch_memo_is_not_carried_to_another_engine() {
    let config = |member: &str| {
        Document::from_text(format!(
            r#"{{ "ALLOW_CHECKOUTS": [ {{ "USERS": "G", "FEATURES": "CAD;CAM" }} ],
                 "GROUPS": [ {{ "NAME": "G", "MEMBERS": "{member}" }} ] }}"#
        ))
    };
    let (a, b) = (config("anna"), config("bob"));
    let (ea, eb) = (Engine::new(a.config()), Engine::new(b.config()));
    let anna = |feature: &str| Request {
        principal: privy::request::Principal {
            user: Some("anna".into()),
            ..Default::default()
        },
        feature: feature.into(),
        ..Default::default()
    };
    let mut scratch = privy::engine::matcher::Scratch::default();
    assert_eq!(
        ea.verdict(&anna("CAD"), None, &mut scratch).1,
        Reason::Granted
    );
    assert_eq!(
        ea.verdict(&anna("CAM"), None, &mut scratch).1,
        Reason::Granted
    );
    assert_eq!(
        eb.verdict(&anna("CAD"), None, &mut scratch).1,
        Reason::NotInAllowRule
    );
    // A clone decides like its original.
    let ea2 = ea.clone();
    assert_eq!(
        ea2.verdict(&anna("CAM"), None, &mut scratch).1,
        Reason::Granted
    );
}

mod one_feature {
    use super::*;
    use privy::generate::{self, Shape};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// `privy explain` compiles only the rules that can apply to the
        /// feature asked: every decision, trace included, is the one the
        /// whole engine gives.
        #[test]
        fn the_one_feature_engine_decides_as_the_whole_one(
            seed in 0u64..1000,
            users in prop::collection::vec(0u64..400, 4),
            features in prop::collection::vec(0u64..12, 3),
        ) {
            let shape = Shape { rules: 60, groups: 20, members: 300, features: 10, users: 400, seed };
            let doc = Document::from_text(generate::config(shape));
            let pool = Pool::from_json(&generate::pool(shape, 2, 30)).and_then(Pool::index).ok();
            let whole = Engine::new(doc.config());
            for f in &features {
                let feature = generate::feature(*f);
                let narrow = Engine::for_features(doc.config(), &[feature.as_str()]);
                for (i, u) in users.iter().enumerate() {
                    for action in [Action::Checkout, Action::Borrow] {
                        let req = Request {
                            principal: privy::request::Principal { user: Some(generate::user(*u)), host: (i % 2 == 0).then(|| format!("PC{u}")), ip: (i % 3 == 0).then(|| std::net::IpAddr::from([10, 0, (*u % 256) as u8, 7])), local_groups: vec![] },
                            feature: feature.clone(),
                            action,
                            serial: None,
                            hours: Some(24 * (*u % 200)),
                        };
                        for p in [None, pool.as_ref()] {
                            let c1 = p.map(|p| PoolView::new(&whole, p));
                            let c2 = p.map(|p| PoolView::new(&narrow, p));
                            prop_assert_eq!(narrow.decide(&req, c2.as_ref()), whole.decide(&req, c1.as_ref()));
                        }
                    }
                }
            }
        }
    }
}

/// Trace wording that said what was not so: an allow rule skipped for its
/// serial numbers is not "an applicable allow rule", and a HOURS limit
/// with EXCEPT_USERS does not cover "everyone".
#[test]
fn the_trace_says_what_applied_and_whom_a_limit_covers() {
    let doc = Document::from_text(
        r#"{ "ALLOW_CHECKOUTS": [ { "USERS": "anna", "FEATURES": "CAD", "SERIALNUMBERS": "S1" } ],
             "LIMIT_BORROWS": [ { "HOURS": 168, "EXCEPT_USERS": "boss", "FEATURES": "CAD" } ] }"#,
    );
    let engine = Engine::new(doc.config());
    let req = Request {
        principal: privy::request::Principal {
            user: Some("zoe".into()),
            ..Default::default()
        },
        feature: "CAD".into(),
        action: Action::Borrow,
        ..Request::default()
    };
    let d = engine.decide(&req, None);
    let allow = d
        .trace
        .iter()
        .find(|s| s.step == StepName::Allow)
        .expect("allow step");
    assert_eq!(allow.outcome, Outcome::Passed);
    assert!(
        privy::words::found(&allow.found).contains("no allow rule applies"),
        "{}",
        privy::words::found(&allow.found)
    );
    let hours = d
        .trace
        .iter()
        .find(|s| s.step == StepName::BorrowHours)
        .expect("hours step");
    let why: Vec<String> = hours
        .rules
        .iter()
        .map(|r| privy::words::why(&r.why))
        .collect();
    let why: Vec<&str> = why.iter().map(String::as_str).collect();
    assert!(
        why.iter().any(|w| w.contains("not in EXCEPT_USERS")) && !why.contains(&"covers everyone"),
        "{why:?}"
    );
}

/// semantics.md section 8 points 2 and 3: every matching deny rule
/// determines, in file order; the steps after the deciding one are
/// recorded as `not_reached` with what they would find (the allow rule
/// that matched and lost), and steps that would not apply stay `skipped`.
#[test]
fn every_matching_deny_rule_determines_and_later_steps_are_not_reached() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = super::common::write(
        dir.path(),
        "c.json",
        br#"{ "DENY_CHECKOUTS": [ { "USERS": "anna", "FEATURES": "A" }, { "USERS": "bob" }, { "USERS": "ann*" } ],
              "ALLOW_CHECKOUTS": [ { "USERS": "anna", "FEATURES": "A" } ] }"#,
    );
    let (code, out, _) = privy(&[
        "explain",
        &file,
        "--feature",
        "A",
        "--user",
        "anna",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["reason"], "deny_rule");
    assert_eq!(
        v["rules"],
        serde_json::json!(["/DENY_CHECKOUTS/0", "/DENY_CHECKOUTS/2"])
    );
    let steps: Vec<(String, String)> = v["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap_or("").to_string(),
                s["outcome"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let outcome = |step: &str| {
        steps
            .iter()
            .find(|(s, _)| s == step)
            .map(|(_, o)| o.as_str())
    };
    assert_eq!(outcome("deny"), Some("denied"));
    assert_eq!(outcome("allow"), Some("not_reached"), "{steps:?}");
    assert_eq!(outcome("limit"), Some("not_reached"));
    assert_eq!(
        outcome("borrow_hours"),
        Some("skipped"),
        "a checkout: would not apply"
    );
    assert_eq!(
        outcome("seats"),
        Some("skipped"),
        "no pool: would not apply"
    );
    let allow = v["trace"]
        .as_array()
        .and_then(|t| t.iter().find(|s| s["step"] == "allow"))
        .expect("allow step");
    assert_eq!(
        allow["rules"][0]["matched"], true,
        "the allow rule matched and lost"
    );
    // Text: after the deciding step, under a line saying so.
    let (_, out, _) = privy(&["explain", &file, "--feature", "A", "--user", "anna"]);
    let stops = out.find("never reaches these").expect(&out);
    assert!(out.find("DENIED  deny").is_some_and(|d| d < stops), "{out}");
    assert!(out[stops..].contains("later   allow"), "{out}");
    // Denied at the allow step: the deny step passed before it, the limit
    // step after it is not reached; a grant reaches every step.
    let (code, out, _) = privy(&[
        "explain",
        &file,
        "--feature",
        "A",
        "--user",
        "carl",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "not in the allow rule");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let outcomes: Vec<&str> = v["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter_map(|s| s["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes,
        [
            "skipped",
            "passed",
            "denied",
            "skipped",
            "not_reached",
            "skipped"
        ]
    );
    let (code, out, _) = privy(&["explain", &file, "--feature", "B", "--user", "carl"]);
    assert_eq!(code, 0);
    assert!(!out.contains("never reaches"), "{out}");
}

/// semantics.md 8.1: a rule whose COUNT or HOURS is not a whole number from
/// 1 to 2^31-1 is ignored, and the trace says so at that rule.
#[test]
fn a_rule_with_a_bad_count_or_hours_is_ignored_and_the_trace_says_so() {
    for bad in ["0", "-1", "1.5", "\"3\"", "2147483648", "true"] {
        let text = format!(
            r#"{{ "LIMIT_CHECKOUTS": [ {{"FEATURES": "CAD", "USERS": "bob", "COUNT": {bad}}} ],
                 "LIMIT_BORROWS": [ {{"FEATURES": "CAD", "USERS": "bob", "HOURS": {bad}}} ],
                 "RESERVE_CHECKOUTS": [ {{"FEATURES": "CAD", "USERS": "ann", "COUNT": {bad}}} ] }}"#
        );
        let doc = Document::from_text(&text);
        let engine = Engine::new(doc.config());
        let pool = Pool::from_json(
            r#"{"licenses": [{"serial": "S", "features": {"CAD": 1}}],
                "sessions": [{"user": "bob", "host": "h", "feature": "CAD", "kind": "checkout"}]}"#,
        )
        .and_then(Pool::index)
        .expect("pool");
        let view = PoolView::new(&engine, &pool);
        let mut req = privy::request::Principal {
            user: Some("carl".into()),
            ..Default::default()
        }
        .request("CAD", Action::Borrow);
        req.hours = Some(10_000);
        let d = engine.decide(&req, Some(&view));
        // One seat, held by bob: no seat, but nothing reserved, no limit,
        // no maximum of hours.
        assert_eq!(d.reason, Reason::NoFreeSeat, "COUNT/HOURS {bad}");
        let ignored: Vec<_> = d
            .trace
            .iter()
            .flat_map(|s| s.rules.iter().map(move |r| (s.step, r)))
            .filter(|(_, r)| matches!(r.why, privy::engine::Why::Ignored { .. }))
            .collect();
        let steps: Vec<StepName> = ignored.iter().map(|(s, _)| *s).collect();
        assert!(steps.contains(&StepName::BorrowHours), "{bad}: {steps:?}");
        assert!(steps.contains(&StepName::Limit), "{bad}: {steps:?}");
        assert!(steps.contains(&StepName::Seats), "{bad}: {steps:?}");
        assert!(ignored.iter().all(|(_, r)| !r.applies && !r.matched));
    }
    // In words, at the rule.
    let dir = tempfile::tempdir().expect("tempdir");
    let f = super::common::write(
        dir.path(),
        "c.json",
        br#"{ "LIMIT_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob", "COUNT": 0} ] }"#,
    );
    let (_, out, _) = privy(&["explain", &f, "--user", "bob", "--feature", "CAD"]);
    assert!(
        out.contains("Limit checkouts rule 1")
            && out.contains("ignored: COUNT must be a whole number of at least 1"),
        "{out}"
    );
    assert!(!out.contains("no limit rule applies"), "{out}");
    // A valid COUNT of 2^31-1 is read.
    let doc = Document::from_text(
        r#"{ "LIMIT_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob", "COUNT": 2147483647} ] }"#,
    );
    assert!(doc.config().all_rules().all(|r| r.invalid_number.is_none()));
}

/// semantics.md 8.7 and 8.9: IPv4-mapped addresses equal the IPv4 address
/// (entries and requests alike), a wildcard with `*` before a number
/// matches nothing; seat sharing never matches an unknown user or host.
#[test]
fn mapped_addresses_and_seat_sharing_with_unknown_fields() {
    let doc = Document::from_text(
        r#"{ "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "::ffff:4.3.2.1"},
                                  {"FEATURES": "CAM", "USERS": "4.3.2.9"},
                                  {"FEATURES": "X", "USERS": "4.*.2.1"} ] }"#,
    );
    let engine = Engine::new(doc.config());
    let decide = |ip: &str, feature: &str| {
        let req = privy::request::Principal {
            ip: ip.parse().ok(),
            ..Default::default()
        }
        .request(feature, Action::Checkout);
        engine.decide(&req, None).reason
    };
    assert_eq!(decide("4.3.2.1", "CAD"), Reason::DenyRule);
    assert_eq!(decide("::ffff:4.3.2.9", "CAM"), Reason::DenyRule);
    assert_eq!(decide("4.3.2.1", "X"), Reason::Granted);
    assert!(
        doc.diagnostics()
            .iter()
            .any(|d| d.code.as_str() == "invalid-ip")
    );

    for (sharing, session, asker) in [
        (
            "user",
            r#"{"host": "h", "feature": "CAD", "kind": "checkout"}"#,
            (None, Some("h")),
        ),
        (
            "user",
            r#"{"user": "bob", "feature": "CAD", "kind": "checkout"}"#,
            (Some("BOB"), None),
        ),
        (
            "user_host",
            r#"{"user": "bob", "feature": "CAD", "kind": "checkout"}"#,
            (Some("bob"), None),
        ),
    ] {
        let pool = Pool::from_json(&format!(
            r#"{{"seat_sharing": "{sharing}", "licenses": [{{"serial": "S", "features": {{"CAD": 1}}}}], "sessions": [{session}]}}"#
        ))
        .and_then(Pool::index)
        .expect("pool");
        let empty = Document::from_text("{}");
        let e = Engine::new(empty.config());
        let view = PoolView::new(&e, &pool);
        let req = privy::request::Principal {
            user: asker.0.map(String::from),
            host: asker.1.map(String::from),
            ..Default::default()
        }
        .request("CAD", Action::Checkout);
        let d = e.decide(&req, Some(&view));
        let expected = if sharing == "user" && asker.0 == Some("BOB") {
            // Both users known and equal ignoring case: the seat is shared.
            Reason::Granted
        } else {
            Reason::NoFreeSeat
        };
        assert_eq!(d.reason, expected, "{sharing} {session} {asker:?}");
    }
}
