//! The details around a decision that `semantics.md` section 9 settles, and
//! masks and names that must not change meaning (issue "Exact in every
//! detail"): determining rules of every reason, whole traces, the least
//! COUNT, a pool edit's impact, features named beside `*`, lists of only
//! separators, `null` in cases, password-like keys, withheld suggestions,
//! `see:` commands that run as printed, near-miss group names in MEMBERS.

use privy::document::Document;
use privy::engine::pool::Pool;
use privy::engine::{Action, Engine, Found, Outcome, PoolView, Reason, Request, StepName, Verdict};
use serde_json::Value;

use super::common::{privy, write};

fn engine_of(text: &str) -> (Document, Engine) {
    let doc = Document::from_text(text);
    let engine = Engine::new(doc.config());
    (doc, engine)
}

fn ask(user: &str, feature: &str, action: Action) -> Request {
    Request {
        principal: privy::request::Principal {
            user: Some(user.into()),
            ..Default::default()
        },
        feature: feature.into(),
        action,
        ..Request::default()
    }
}

fn rules(d: &privy::engine::Decision) -> Vec<String> {
    d.rules.iter().map(|r| r.pointer()).collect()
}

/// `privy explain FILE --feature F --user zed ARGS…`.
fn explain_zed(file: &str, feature: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["explain", file, "--feature", feature, "--user", "zed"];
    all.extend_from_slice(args);
    privy(&all)
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn a_grant_names_the_allow_rules_that_matched() {
    let (_, engine) = engine_of(
        r#"{"ALLOW_CHECKOUTS": [
            {"FEATURES": "CAD", "USERS": "anna"},
            {"FEATURES": "KAS", "USERS": "anna"},
            {"FEATURES": "CAD", "USERS": "an*"}],
           "ALLOW_BORROWS": [{"FEATURES": "CAD", "USERS": "*"}]}"#,
    );
    let d = engine.decide(&ask("anna", "CAD", Action::Checkout), None);
    assert_eq!(d.decision, Verdict::Granted);
    assert_eq!(rules(&d), ["/ALLOW_CHECKOUTS/0", "/ALLOW_CHECKOUTS/2"]);
    // A borrow must pass both lists: both lists' matches determine.
    let d = engine.decide(&ask("anna", "CAD", Action::Borrow), None);
    assert_eq!(
        rules(&d),
        [
            "/ALLOW_CHECKOUTS/0",
            "/ALLOW_CHECKOUTS/2",
            "/ALLOW_BORROWS/0"
        ]
    );
    // The quiet decision (diff, findings) says the same as the trace.
    let mut s = privy::engine::matcher::Scratch::default();
    let q = engine.decide_quiet(&ask("anna", "CAD", Action::Checkout), None, &mut s);
    assert_eq!(q.rules, d.rules[..2]);
    // No applicable allow list: a grant with none.
    let d = engine.decide(&ask("anna", "OTHER", Action::Checkout), None);
    assert_eq!((d.decision, d.rules.len()), (Verdict::Granted, 0));
}

#[test]
fn every_limit_at_its_count_determines() {
    let (_, engine) = engine_of(
        r#"{"LIMIT_CHECKOUTS": [
            {"FEATURES": "CAD", "USERS": "*", "COUNT": 1},
            {"FEATURES": "CAD", "USERS": "*", "COUNT": 5},
            {"FEATURES": "CAD", "USERS": "a*", "COUNT": 1}]}"#,
    );
    let pool = Pool::from_json(
        r#"{"licenses": [{"serial": "L", "features": {"CAD": 9}}],
            "sessions": [{"user": "al", "feature": "CAD"}]}"#,
    )
    .and_then(Pool::index)
    .expect("pool");
    let view = PoolView::new(&engine, &pool);
    let d = engine.decide(&ask("anna", "CAD", Action::Checkout), Some(&view));
    assert_eq!(d.reason, Reason::LimitReached);
    assert_eq!(rules(&d), ["/LIMIT_CHECKOUTS/0", "/LIMIT_CHECKOUTS/2"]);
    let step = d
        .trace
        .iter()
        .find(|s| s.step == StepName::Limit)
        .expect("limit step");
    match &step.found {
        Found::LimitReached(at) => {
            assert_eq!(at.iter().map(|a| a.rule).collect::<Vec<_>>(), d.rules);
        }
        other => panic!("{other:?}"),
    }
    let words = privy::words::found(&step.found);
    assert!(
        words.contains("Limit checkouts rule 1") && words.contains("Limit checkouts rule 3"),
        "{words}"
    );
}

#[test]
fn deny_rules_are_named_in_file_order_whichever_list_comes_first() {
    let (_, engine) = engine_of(
        r#"{"DENY_BORROWS": [{"FEATURES": "CAD", "USERS": "anna"}],
            "DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "anna"}]}"#,
    );
    let d = engine.decide(&ask("anna", "CAD", Action::Borrow), None);
    assert_eq!(rules(&d), ["/DENY_BORROWS/0", "/DENY_CHECKOUTS/0"]);
    let mut s = privy::engine::matcher::Scratch::default();
    let q = engine.decide_quiet(&ask("anna", "CAD", Action::Borrow), None, &mut s);
    assert_eq!(q.rules, d.rules);
}

#[test]
fn not_licensed_keeps_the_whole_trace() {
    let (_, engine) = engine_of(
        r#"{"DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "anna"}],
            "ALLOW_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "anna"}]}"#,
    );
    let pool = Pool::from_json(r#"{"licenses": [{"serial": "L", "features": {"KAS": 1}}]}"#)
        .and_then(Pool::index)
        .expect("pool");
    let view = PoolView::new(&engine, &pool);
    let d = engine.decide(&ask("anna", "CAD", Action::Checkout), Some(&view));
    assert_eq!(d.reason, Reason::NotLicensed);
    let outcome = |name: StepName| d.trace.iter().find(|s| s.step == name).map(|s| s.outcome);
    assert_eq!(outcome(StepName::Licensed), Some(Outcome::Denied));
    // "No license offers it, and a deny rule would also match."
    assert_eq!(outcome(StepName::Deny), Some(Outcome::NotReached));
    assert_eq!(outcome(StepName::Allow), Some(Outcome::NotReached));
    assert!(
        d.trace
            .iter()
            .filter(|s| s.outcome == Outcome::Denied)
            .count()
            == 1,
        "one deciding step: {:?}",
        d.trace
    );
    assert!(d.rules.is_empty());
    // The seats step does not say "no pool": there is one, without the
    // feature.
    let seats = d
        .trace
        .iter()
        .find(|s| s.step == StepName::Seats)
        .expect("seats");
    assert_eq!(seats.outcome, Outcome::Skipped);
    assert!(
        privy::words::found(&seats.found).contains("no license offers"),
        "{}",
        privy::words::found(&seats.found)
    );
}

#[test]
fn borrow_hours_ties_all_determine() {
    let (_, engine) = engine_of(
        r#"{"LIMIT_BORROWS": [
            {"FEATURES": "CAD", "USERS": "*", "HOURS": 48},
            {"FEATURES": "CAD", "USERS": "*", "HOURS": 24},
            {"FEATURES": "CAD", "USERS": "anna", "HOURS": 24}]}"#,
    );
    let d = engine.decide(
        &Request {
            hours: Some(30),
            ..ask("anna", "CAD", Action::Borrow)
        },
        None,
    );
    assert_eq!(d.reason, Reason::BorrowHoursExceeded);
    assert_eq!(rules(&d), ["/LIMIT_BORROWS/1", "/LIMIT_BORROWS/2"]);
}

#[test]
fn a_raised_count_is_the_least_that_suffices_on_any_license() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(
        dir.path(),
        "rules.json",
        br#"{"LIMIT_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "*", "COUNT": 1}]}"#,
    );
    let pool = write(
        dir.path(),
        "pool.json",
        br#"{"licenses": [{"serial": "L1", "features": {"CAD": 2}}, {"serial": "L2", "features": {"CAD": 2}}],
             "sessions": [{"user": "a", "feature": "CAD", "serial": "L1"},
                          {"user": "b", "feature": "CAD", "serial": "L1"},
                          {"user": "c", "feature": "CAD", "serial": "L2"}]}"#,
    );
    let (code, out, err) = explain_zed(&file, "CAD", &["--pool", &pool, "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v = json(&out);
    let counts: Vec<&str> = v["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter(|s| s["kind"] == "file")
        .filter_map(|s| s["edit"]["replacement"].as_str())
        .filter(|r| r.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(counts, ["2"], "{out}");
    // Confirmed: COUNT 2 grants (on L2).
    let raised = write(
        dir.path(),
        "raised.json",
        br#"{"LIMIT_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "*", "COUNT": 2}]}"#,
    );
    let (code, _, _) = explain_zed(&raised, "CAD", &["--pool", &pool]);
    assert_eq!(code, 0);
}

#[test]
fn a_pool_suggestion_carries_its_impact() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(dir.path(), "rules.json", b"{}");
    let pool = write(
        dir.path(),
        "pool.json",
        br#"{"licenses": [{"serial": "S1", "features": {"CAD": 1}}],
             "sessions": [{"user": "a", "feature": "CAD"}]}"#,
    );
    let (code, out, err) = explain_zed(&file, "CAD", &["--pool", &pool, "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v = json(&out);
    let pooled: Vec<&Value> = v["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter(|s| s["kind"] == "pool")
        .collect();
    assert!(!pooled.is_empty(), "{out}");
    for s in pooled {
        let impact = &s["impact"];
        assert!(impact.is_object(), "{s}");
        // One more seat lets everyone else in too: gained, never revoked.
        assert!(impact["gained"].as_u64().is_some_and(|n| n >= 1), "{s}");
        assert_eq!(impact["revoked"], 0, "{s}");
    }
    let (_, text, _) = explain_zed(&file, "CAD", &["--pool", &pool, "--suggest"]);
    let line = text
        .lines()
        .position(|l| l.contains("in the pool"))
        .expect("a pool suggestion");
    let next = text.lines().nth(line + 1).unwrap_or_default();
    assert!(next.contains("For everyone"), "{text}");
}

#[test]
fn diff_compares_a_feature_named_beside_star() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = write(dir.path(), "old.json", b"{}");
    let new = write(
        dir.path(),
        "new.json",
        br#"{"DENY_CHECKOUTS": [{"FEATURES": "CAD;*", "USERS": "bob"}]}"#,
    );
    let (code, out, err) = privy(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v = json(&out);
    let features: Vec<&str> = v["revoked"]
        .as_array()
        .expect("revoked")
        .iter()
        .filter_map(|c| c["feature"].as_str())
        .collect();
    assert!(features.contains(&"CAD"), "{out}");
    assert!(features.iter().any(|f| f.starts_with("ANY_OTHER_FEATURE")));
}

#[test]
fn lists_of_only_white_space_or_separators_are_empty_everywhere() {
    for users in ["", "  ", ";", " ; ", ";;"] {
        let text = format!(r#"{{"DENY_CHECKOUTS": [{{"USERS": "{users}"}}]}}"#);
        let (doc, engine) = engine_of(&text);
        let rule = &doc.config().lists[0].rules[0];
        assert!(rule.empty_preset, "{users:?} alone is an empty preset");
        let d = engine.decide(&ask("anna", "CAD", Action::Checkout), None);
        assert_eq!(d.decision, Verdict::Granted, "{users:?}");
        // With FEATURES, the same empty USERS denies them to everyone.
        let text = format!(r#"{{"DENY_CHECKOUTS": [{{"FEATURES": "CAD", "USERS": "{users}"}}]}}"#);
        let (_, engine) = engine_of(&text);
        let d = engine.decide(&ask("anna", "CAD", Action::Checkout), None);
        assert_eq!(d.reason, Reason::DenyRule, "{users:?}");
    }
}

#[test]
fn a_null_field_in_a_case_is_unset() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(
        dir.path(),
        "rules.json",
        br#"{"DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "&Temp;10.0.0.*"}]}"#,
    );
    let cases = write(
        dir.path(),
        "cases.json",
        br#"{"cases": [{"name": "nulls", "request": {"user": "anna", "host": null, "ip": null,
               "local_groups": null, "feature": "CAD", "action": null, "serial": null,
               "hours": null}, "expect": "granted"}]}"#,
    );
    let (code, out, err) = privy(&["test", &file, &cases]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.trim_end().ends_with("1 passed, 0 failed"), "{out}");
}

#[test]
fn password_like_keys_are_secrets_in_every_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(
        dir.path(),
        "rules.json",
        br#"{"TCP_PORT": 99999, "monitor_pwd": "s3cr-pwd-v", "DB_PASS": "s3cr-pass-v",
             "MONITOR_SECRET": "s3cr-secret-v", "API_KEY": "s3cr-key-v", "apiToken": "s3cr-token-v",
             "MONKEY": "banana-visible"}"#,
    );
    for format in ["text", "json", "sarif"] {
        let (_, out, err) = privy(&["check", &file, "--format", format]);
        for v in [
            "s3cr-pwd-v",
            "s3cr-pass-v",
            "s3cr-secret-v",
            "s3cr-key-v",
            "s3cr-token-v",
        ] {
            assert!(
                !out.contains(v) && !err.contains(v),
                "{format}: {v} in\n{out}{err}"
            );
        }
    }
    // Words, not letters: MONKEY is no KEY.
    assert!(!privy::secrets::is_secret_key("MONKEY"));
    assert!(!privy::secrets::is_secret_key("KEYBOARD_LAYOUT"));
    for key in [
        "monitor_pwd",
        "DB_PASS",
        "MONITOR_SECRET",
        "API_KEY",
        "apiKey",
        "auth-token",
    ] {
        assert!(privy::secrets::is_secret_key(key), "{key}");
    }
}

#[test]
fn a_suggestion_that_would_show_a_password_is_withheld_not_masked() {
    let dir = tempfile::tempdir().expect("tmp");
    // The password's value is also a user name in the allow list.
    let file = write(
        dir.path(),
        "rules.json",
        br#"{"ADMIN_PASSWORD": "hunter22",
             "ALLOW_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "anna;hunter22"}]}"#,
    );
    let (code, out, err) = explain_zed(&file, "CAD", &["--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains("hunter22"));
    let v = json(&out);
    for s in v["suggestions"].as_array().expect("suggestions") {
        assert!(!s.to_string().contains("****"), "a masked suggestion: {s}");
    }
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("withheld"), "{out}");
}

/// The commands are for a POSIX shell (bash reads them back here).
#[cfg(unix)]
#[test]
fn printed_commands_run_as_printed() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = write(dir.path(), "old.json", b"{}");
    for name in [
        "-dash",
        "tab\there",
        "new\nline",
        "it's",
        "b\u{202e}idi",
        "plain",
    ] {
        let new = write(
            dir.path(),
            "new.json",
            serde_json::json!({"DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": name}]})
                .to_string()
                .as_bytes(),
        );
        let (_, out, _) = privy(&["diff", &old, &new]);
        let cmd = out
            .lines()
            .find_map(|l| l.trim().strip_prefix("see:"))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no see: line for {name:?}\n{out}"));
        let cmd = cmd.strip_prefix("privy ").expect("privy command");
        // The shell reads the words back: the user is exactly the name.
        let echo = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("printf '%s\\0' {cmd}"))
            .output()
            .expect("bash");
        let words: Vec<String> = String::from_utf8_lossy(&echo.stdout)
            .split('\0')
            .map(str::to_string)
            .collect();
        let user = words
            .iter()
            .enumerate()
            .find_map(|(i, w)| {
                w.strip_prefix("--user=")
                    .map(str::to_string)
                    .or_else(|| (w == "--user").then(|| words[i + 1].clone()))
            })
            .unwrap_or_else(|| panic!("{cmd}"));
        assert_eq!(user, name, "{cmd}");
        // And privy takes it: the same request, revoked in NEW.
        let args: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty())
            .collect();
        let (code, out, err) = privy(&args);
        assert_eq!(code, 1, "{cmd}: {out}{err}");
    }
}

#[test]
fn a_near_miss_group_name_in_members_is_warned_with_a_fix() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(
        dir.path(),
        "rules.json",
        br#"{"GROUPS": [{"NAME": "Field Engineers", "MEMBERS": "gina;hugo"},
                        {"NAME": "Borrow Users", "MEMBERS": "anna;Field Engineersx"}],
             "ALLOW_BORROWS": [{"FEATURES": "EXPORT_ALL", "USERS": "Borrow Users"}]}"#,
    );
    let (_, out, err) = privy(&["check", &file, "--format", "json"]);
    let v = json(&out);
    let found = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "group-name-mismatch" && d["pointer"] == "/GROUPS/1/MEMBERS")
        .unwrap_or_else(|| panic!("no warning at MEMBERS: {out}{err}"));
    assert_eq!(found["severity"], "warning");
    assert!(found["fix"].is_object(), "{found}");
    assert!(
        found["message"]
            .as_str()
            .unwrap_or("")
            .contains("Field Engineers")
    );
}

#[test]
fn a_see_command_whose_witness_is_a_password_is_not_printed() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = write(dir.path(), "old.json", br#"{"MAIN_PASSWORD": "sesame77"}"#);
    let new = write(
        dir.path(),
        "new.json",
        br#"{"MAIN_PASSWORD": "sesame77",
             "DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": "sesame77"}]}"#,
    );
    let (code, out, _) = privy(&["diff", &old, &new]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("sesame77"), "{out}");
    let see: Vec<&str> = out
        .lines()
        .filter(|l| l.trim().starts_with("see:"))
        .collect();
    assert!(!see.is_empty(), "{out}");
    for line in see {
        assert!(!line.contains("****"), "a masked command: {line}");
    }
    assert!(out.contains("not shown: a password value"), "{out}");
}

/// IP_VERSION limits the space to its family (analysis.md 6.3): an IPv4
/// server never sees `::1`, so no witness, example or suggestion uses it,
/// and a request with an IPv6 address is warned about.
#[test]
fn ip_version_limits_witnesses_examples_and_suggestions_to_its_family() {
    let dir = tempfile::tempdir().expect("tmp");
    let rules = |version: &str| {
        format!(
            r#"{{"IP_VERSION": "{version}",
                "DENY_CHECKOUTS": [{{"FEATURES": "CAD", "USERS": "::1;10.0.0.1-9"}}],
                "ALLOW_CHECKOUTS": [{{"FEATURES": "KAS", "USERS": "::1;4.3.2.*"}}]}}"#
        )
    };
    let v4 = write(dir.path(), "v4.json", rules("IPv4").as_bytes());
    let both = write(
        dir.path(),
        "both.json",
        rules("IPv4")
            .replace(r#""IP_VERSION": "IPv4","#, "")
            .as_bytes(),
    );
    let empty = write(dir.path(), "empty.json", br#"{"IP_VERSION": "IPv4"}"#);
    let has_v6 = |out: &str| out.contains("::1");
    // Without the setting, both families are in the space; with it, one.
    let examples = |path: &str| -> Vec<std::net::IpAddr> {
        let doc = Document::open(path).expect("open");
        privy::analysis::atoms::Atoms::of(&[doc.config()], None, "CAD")
            .ip_examples()
            .into_iter()
            .map(|(ip, _)| ip)
            .collect()
    };
    assert!(examples(&both).iter().any(|ip| ip.is_ipv6()));
    assert!(!examples(&v4).is_empty());
    assert!(examples(&v4).iter().all(|ip| ip.is_ipv4()));
    let (code, out, _) = privy(&["diff", &empty, &v4, "--format", "json"]);
    assert_eq!(code, 1);
    let v = json(&out);
    for c in ["gained", "revoked", "reason_changed"]
        .iter()
        .flat_map(|k| v[*k].as_array().cloned().unwrap_or_default())
    {
        assert!(!has_v6(&c["witness"].to_string()), "{c}");
    }
    // would_change examples and suggestions of an IPv4 file are IPv4.
    let (_, out, _) = explain_zed(&v4, "KAS", &["--format", "json"]);
    let v = json(&out);
    assert!(!has_v6(&v["would_change"].to_string()), "{out}");
    // (A file edit's text keeps the list's own `::1`: it is the file's.)
    for s in v["suggestions"].as_array().expect("suggestions") {
        assert!(!has_v6(&s["request"].to_string()), "{s}");
    }
    // A request from an IPv6 address to an IPv4 server is warned about.
    let (_, out, _) = explain_zed(&v4, "CAD", &["--ip", "2001:db8::1", "--format", "json"]);
    assert!(
        json(&out)["warnings"]
            .to_string()
            .contains("IP_VERSION is IPv4"),
        "{out}"
    );
}
