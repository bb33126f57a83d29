//! The access report (analysis.md 6.4) against the engine, on random small
//! files and pools:
//! - every row's witness, and every class witness of the row, is decided
//!   as the row says;
//! - the rows of a feature, action and license partition the principal
//!   space: every random principal (names, IPs and local groups the file
//!   does not mention too) falls in the class of exactly one row, and is
//!   decided as that row says;
//! - every named principal is decided as `privy explain --user NAME`
//!   decides it, and every literal name the rules reach is named.

use privy::analysis::access::{Scope, access};
use privy::document::Document;
use privy::engine::matcher::Scratch;
use privy::engine::pool::{Pool, PoolIndex};
use privy::engine::{Action, Engine, PoolView};
use privy::request::Principal;
use proptest::prelude::*;
use serde_json::Value;

use super::analysis::{file, key, pool, principals, signature, text, unbounded};
use super::common::{example, privy, write};

fn check(
    cfg_text: &str,
    pool_text: Option<&str>,
    people: &[Principal],
) -> Result<(), TestCaseError> {
    let doc = Document::from_text(cfg_text);
    let pool: Option<PoolIndex> =
        pool_text.map(|p| Pool::from_json(p).and_then(Pool::index).expect("pool"));
    let cfg = doc.config();
    let scope = Scope {
        keep_classes: true,
        ..Scope::default()
    };
    let a = access(cfg, pool.as_ref(), &scope, &unbounded(false));
    prop_assert!(a.exhaustive);
    let engine = Engine::new(cfg);
    let view = pool.as_ref().map(|p| PoolView::new(&engine, p));
    let mut s = Scratch::default();
    let decide =
        |p: &Principal, f: &str, action: Action, serial: &Option<String>, s: &mut Scratch| {
            let mut req = p.request(f, action);
            req.serial = serial.clone();
            engine.decide_quiet(&req, view.as_ref(), s)
        };
    prop_assert!(!a.features.is_empty());
    for f in &a.features {
        // Sound: each class of each row decides as the row says: its
        // verdict and reason, rules among the row's, hours among its.
        for r in &f.rows {
            for c in std::iter::once(&r.witness).chain(&r.class_witnesses) {
                let d = decide(c, &f.feature, f.action, &f.serial, &mut s);
                prop_assert_eq!(
                    (d.decision, d.reason),
                    (r.side.decision, r.side.reason),
                    "{:?}",
                    c
                );
                prop_assert!(
                    d.rules.iter().all(|x| r.side.rules.contains(x)),
                    "{:?}: {:?} not in {:?}",
                    c,
                    d.rules,
                    r.side.rules
                );
                prop_assert!(
                    d.max_borrow_hours.is_none_or(|h| r.hours.contains(&h)),
                    "{:?}",
                    c
                );
            }
            // Complete: each rule named decides some class of the row.
            if f.rules_complete {
                for x in &r.side.rules {
                    let used = r.class_witnesses.iter().any(|c| {
                        decide(c, &f.feature, f.action, &f.serial, &mut s)
                            .rules
                            .contains(x)
                    });
                    prop_assert!(used, "{:?} decides no class of its row", x);
                }
            }
        }
        // Rows are told apart by verdict and reason.
        for (i, r) in f.rows.iter().enumerate() {
            prop_assert!(
                f.rows[i + 1..]
                    .iter()
                    .all(|o| (o.side.decision, o.side.reason) != (r.side.decision, r.side.reason))
            );
        }
        // A partition: every principal's class is in exactly one row, and
        // the principal is decided as that row says.
        for p in people {
            let want = signature([&engine, &engine], pool.as_ref(), &f.feature, p);
            let holding: Vec<usize> = f
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.class_witnesses.iter().any(|c| {
                        signature([&engine, &engine], pool.as_ref(), &f.feature, c) == want
                    })
                })
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(
                holding.len(),
                1,
                "{:?} in rows {:?} of {} {:?}",
                p,
                holding,
                f.feature,
                f.action
            );
            let d = decide(p, &f.feature, f.action, &f.serial, &mut s);
            let row = &f.rows[holding[0]];
            prop_assert_eq!(
                (d.decision, d.reason),
                (row.side.decision, row.side.reason),
                "{:?}",
                p
            );
            prop_assert!(
                d.rules.iter().all(|x| row.side.rules.contains(x)),
                "{:?}",
                p
            );
        }
        // Named principals: as explain decides a user alone.
        for n in &f.named {
            let d = decide(&n.principal, &f.feature, f.action, &f.serial, &mut s);
            prop_assert_eq!(key(&d), n.side.key());
            prop_assert_eq!(&d.rules, &n.side.rules);
        }
    }
    // Every literal name the rules of a feature reach is named for it.
    for f in &a.features {
        let named: Vec<String> = f
            .named
            .iter()
            .filter_map(|n| n.principal.user.clone())
            .map(|u| u.to_lowercase())
            .collect();
        for want in ["anna", "bob", "pc1"] {
            let reached = cfg
                .all_rules()
                .filter(|r| privy::analysis::space::applies_to(r, &f.feature))
                .any(|r| {
                    r.principal_lists()
                        .any(|l| l.iter().any(|e| e.text.trim().eq_ignore_ascii_case(want)))
                });
            if reached {
                prop_assert!(
                    named.iter().any(|n| n == want),
                    "{} not named: {:?}",
                    want,
                    named
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var("CI").is_ok() { 48 } else { ProptestConfig::default().cases },
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_report_partitions_the_principal_space(f in file(), pool in pool(), people in principals()) {
        check(&text(&f), pool.as_deref(), &people)?;
    }
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, out, err) = privy(args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v)
}

/// The JSON has the contract's keys; KAS's rows have witnesses that
/// reproduce through `privy explain`.
#[test]
fn access_json_has_the_contract_shape_and_witnesses_reproduce() {
    let ex = example();
    let file = ex.to_str().expect("path");
    let (code, v) = json(&["access", file, "--feature", "KAS", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["exhaustive"], true);
    assert_eq!(v["left"], 0);
    let features = v["features"].as_array().expect("features");
    assert!(features.iter().all(|f| f["feature"] == "KAS"));
    assert!(features.iter().any(|f| f["action"] == "checkout"));
    assert!(features.iter().any(|f| f["action"] == "borrow"));
    let mut checked = 0;
    for f in features {
        assert!(f.get("serial").is_some());
        let rows = f["rows"].as_array().expect("rows");
        assert!(!rows.is_empty());
        for r in rows {
            for k in [
                "decision",
                "reason",
                "rules",
                "description",
                "witness",
                "alike",
                "witnesses",
            ] {
                assert!(r.get(k).is_some(), "{k} missing in {r}");
            }
            if !f["serial"].is_null() {
                continue;
            }
            let w = &r["witness"];
            let mut args: Vec<String> = vec![
                "explain".into(),
                file.into(),
                "--feature".into(),
                "KAS".into(),
                "--format".into(),
                "json".into(),
            ];
            args.extend([
                "--action".into(),
                f["action"].as_str().expect("action").into(),
            ]);
            for (flag, k) in [("--user", "user"), ("--host", "host"), ("--ip", "ip")] {
                if let Some(x) = w[k].as_str() {
                    args.extend([flag.into(), x.into()]);
                }
            }
            for g in w["local_groups"].as_array().into_iter().flatten() {
                args.extend(["--local-group".into(), g.as_str().expect("group").into()]);
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let (_, e) = json(&refs);
            assert_eq!(e["decision"], r["decision"], "{args:?}");
            assert_eq!(e["reason"], r["reason"], "{args:?}");
            checked += 1;
        }
        for n in f["named"].as_array().expect("named") {
            for k in ["principal", "decision", "reason", "rules"] {
                assert!(n.get(k).is_some(), "{k} missing in {n}");
            }
        }
    }
    assert!(checked >= 3, "{checked}");
}

/// With a principal: one row per feature and action, that principal's,
/// as `privy explain` decides it.
#[test]
fn access_of_one_principal_is_explain_over_every_feature() {
    let ex = example();
    let file = ex.to_str().expect("path");
    let (code, v) = json(&["access", file, "--user", "anna", "--format", "json"]);
    assert_eq!(code, 0);
    let features = v["features"].as_array().expect("features");
    assert!(features.len() >= 8, "{}", features.len());
    for f in features
        .iter()
        .filter(|f| f["serial"].is_null() && f["other_feature"] == false)
    {
        let rows = f["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1);
        let feature = f["feature"].as_str().expect("feature");
        let action = f["action"].as_str().expect("action");
        let (_, e) = json(&[
            "explain",
            file,
            "--feature",
            feature,
            "--action",
            action,
            "--user",
            "anna",
            "--format",
            "json",
        ]);
        assert_eq!(e["decision"], rows[0]["decision"], "{feature} {action}");
        assert_eq!(e["rules"], rows[0]["rules"], "{feature} {action}");
    }
}

/// CSV: the contract's header, one line per row and per named principal.
#[test]
fn access_csv_has_the_header_and_named_lines() {
    let ex = example();
    let file = ex.to_str().expect("path");
    let (code, out, _) = privy(&["access", file, "--feature", "KAS", "--format", "csv"]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("feature,action,serial,decision,reason,rules,description,user,host,ip,local_groups")
    );
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let records: Vec<csv::StringRecord> = r.records().map(|x| x.expect("record")).collect();
    assert!(records.iter().all(|x| x.len() == 11 && &x[0] == "KAS"));
    assert!(records.iter().any(|x| &x[6] == "named"));
    assert!(records.iter().any(|x| &x[3] == "granted"));
}

/// Unreadable input: exit 2 with where; text output reads as sentences.
#[test]
fn access_text_reads_as_sentences_and_bad_input_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(dir.path(), "bad.json", b"[ 1, 2");
    let (code, _, err) = privy(&["access", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("1:"), "{err}");
    let ex = example();
    let (code, out, _) = privy(&[
        "access",
        ex.to_str().expect("path"),
        "--feature",
        "KAS",
        "--action",
        "checkout",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("KAS, checkout:\n"), "{out}");
    assert!(out.contains("GRANTED by Allow checkouts rule"), "{out}");
    assert!(out.contains("      to:    "), "{out}");
    assert!(
        out.trim_end().ends_with("exhaustive over every principal"),
        "{out}"
    );
}

/// The printable page: self-contained, every feature a section, names in
/// a table, and text from the file escaped.
#[test]
fn access_html_is_a_self_contained_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "h.json",
        br#"{ "ALLOW_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "anna; <b>bold</b>" } ] }"#,
    );
    let (code, out, _) = privy(&["access", &f, "--format", "html"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("<!DOCTYPE html>"), "{out}");
    assert!(out.contains("<h2>KAS, checkout</h2>"), "{out}");
    assert!(out.contains("<td>anna</td>"), "{out}");
    assert!(out.contains("&lt;b&gt;bold&lt;/b&gt;"), "{out}");
    assert!(!out.contains("<b>bold</b>"), "{out}");
    assert!(
        !out.contains("src=") && !out.contains("href="),
        "self-contained: {out}"
    );
}

/// With the budget the command line and the window use, every class of a
/// row decides as the row says, and every random principal falls in the
/// one row of its verdict and reason, its deciding rules among the row's.
fn check_pruned(
    cfg_text: &str,
    pool_text: Option<&str>,
    people: &[Principal],
) -> Result<(), TestCaseError> {
    let doc = Document::from_text(cfg_text);
    let pool: Option<PoolIndex> =
        pool_text.map(|p| Pool::from_json(p).and_then(Pool::index).expect("pool"));
    let cfg = doc.config();
    let scope = Scope {
        keep_classes: true,
        ..Scope::default()
    };
    let a = access(
        cfg,
        pool.as_ref(),
        &scope,
        &privy::analysis::Budget::default(),
    );
    prop_assert!(a.exhaustive);
    let engine = Engine::new(cfg);
    let view = pool.as_ref().map(|p| PoolView::new(&engine, p));
    let mut s = Scratch::default();
    for f in &a.features {
        for r in &f.rows {
            for c in &r.class_witnesses {
                let mut req = c.request(&f.feature, f.action);
                req.serial = f.serial.clone();
                let d = engine.decide_quiet(&req, view.as_ref(), &mut s);
                prop_assert_eq!(
                    (d.decision, d.reason),
                    (r.side.decision, r.side.reason),
                    "{:?}",
                    c
                );
                prop_assert!(d.rules.iter().all(|x| r.side.rules.contains(x)), "{:?}", c);
            }
        }
        for p in people {
            let mut req = p.request(&f.feature, f.action);
            req.serial = f.serial.clone();
            let d = engine.decide_quiet(&req, view.as_ref(), &mut s);
            let rows: Vec<_> = f
                .rows
                .iter()
                .filter(|r| (r.side.decision, r.side.reason) == (d.decision, d.reason))
                .collect();
            prop_assert_eq!(rows.len(), 1, "{:?} {} {:?}", p, f.feature, f.action);
            if f.rules_complete {
                prop_assert!(
                    d.rules.iter().all(|x| rows[0].side.rules.contains(x)),
                    "{:?} {} {:?}: {:?} not in {:?}",
                    p,
                    f.feature,
                    f.action,
                    d.rules,
                    rows[0].side.rules
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var("CI").is_ok() { 48 } else { ProptestConfig::default().cases },
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_report_as_the_cli_makes_it_keeps_every_deciding_rule(f in file(), pool in pool(), people in principals()) {
        check_pruned(&text(&f), pool.as_deref(), &people)?;
    }
}

/// A row holding more names than the text shows: the first ones in the
/// order found, and how many more (counted, not worded).
#[test]
fn access_text_counts_the_names_it_does_not_show() {
    let dir = tempfile::tempdir().expect("tempdir");
    let users: Vec<String> = (0..27).map(|i| format!("u{i:02}")).collect();
    let text = format!(
        r#"{{ "ALLOW_CHECKOUTS": [ {{ "FEATURES": "KAS", "USERS": "{}" }} ] }}"#,
        users.join("; ")
    );
    let f = write(dir.path(), "many.json", text.as_bytes());
    let (code, out, _) = privy(&["access", &f, "--action", "checkout"]);
    assert_eq!(code, 0);
    let line = out
        .lines()
        .find(|l| l.contains("more (all of them with --format json)"))
        .unwrap_or_else(|| panic!("no names line: {out}"));
    assert!(line.contains("u00, u01"), "{line}");
    assert!(line.contains("u19 and 7 more"), "{line}");
    assert!(!line.contains("u20"), "{line}");
}
