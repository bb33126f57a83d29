//! The findings over every principal (`no-effect`, `overridden-in-part`,
//! `denies-everyone-else`) against their meaning, on random small files:
//! - removing a rule reported as having no effect changes no decision of
//!   a broad random sample of requests (both actions, every license, with
//!   and without random pools);
//! - removing any deny, allow or HOURS rule not so reported changes at
//!   least one decision of the witnesses of its features' classes;
//! - every overridden-in-part example is granted without the deny rules
//!   and denied by them.
//!
//! And hand-made files: each finding, and a near miss that must not have it.

use privy::analysis::diff::{Versions, features_of, serials_for};
use privy::analysis::effect::{self, Findings};
use privy::analysis::{Budget, space};
use privy::document::Document;
use privy::engine::matcher::Scratch;
use privy::engine::pool::{Pool, PoolIndex};
use privy::engine::{Action, Engine, PoolView, Reason, Request, Verdict};
use privy::request::Principal;
use privy::rule_id::RuleId;
use privy::spec::RuleKind;
use proptest::prelude::*;

use super::analysis::{FileSpec, file, pool, principals, text, unbounded};
use super::common::{privy, write};

fn run(cfg: &Document) -> (Engine, Findings) {
    let e = Engine::new(cfg.config());
    let f = effect::findings(cfg.config(), &e, &unbounded(true));
    (e, f)
}

/// The spec's position of a rule id (its kind's n-th rule).
fn position(f: &FileSpec, id: RuleId) -> Option<usize> {
    let kind = RuleKind::ALL.iter().position(|k| *k == id.kind)?;
    f.rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == kind)
        .nth(id.index as usize)
        .map(|(i, _)| i)
}

fn without(f: &FileSpec, at: usize) -> Document {
    let mut g = f.clone();
    g.rules.remove(at);
    Document::from_text(text(&g))
}

fn requests(people: &[Principal]) -> Vec<Request> {
    let mut out = Vec::new();
    for p in people {
        for feature in ["A", "B", "C"] {
            for action in [Action::Checkout, Action::Borrow] {
                for serial in [None, Some("S1"), Some("S2")] {
                    let mut r = p.request(feature, action);
                    r.serial = serial.map(String::from);
                    out.push(r);
                }
            }
        }
    }
    out
}

type Key = (Verdict, Reason, Option<u64>);

/// A reason for no effect without its example, lists sorted.
fn why_of(w: &effect::NoEffectReason) -> String {
    use effect::NoEffectReason;
    let sorted = |v: &[RuleId]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    match w {
        NoEffectReason::MatchesNobody => "nobody".into(),
        NoEffectReason::AllowsEveryone => "everyone".into(),
        NoEffectReason::Redundant { with, some, .. } => format!("with {:?} {some}", sorted(with)),
        NoEffectReason::Shadowed {
            by,
            not_allowed,
            some,
            ..
        } => {
            let mut k = not_allowed.clone();
            k.sort_by_key(|k| format!("{k:?}"));
            format!("by {:?} {k:?} {some}", sorted(by))
        }
    }
}

fn key(d: &privy::engine::Decision) -> Key {
    (d.decision, d.reason, d.max_borrow_hours)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_effect_is_sound_and_complete(f in file(), pool in pool(), people in principals()) {
        let doc = Document::from_text(text(&f));
        let (engine, found) = run(&doc);
        prop_assert!(found.exhaustive);
        // The shortcut large files take (each rule's own entries first)
        // reports the same rules.
        let quick = effect::findings_with(doc.config(), &engine, &unbounded(true), true, effect::EXACT_CLASSES);
        // Rule by rule (as features too large for every list apart are
        // examined): the same rules, and the same allow rules overridden.
        let by_rule = effect::findings_with(doc.config(), &engine, &unbounded(true), false, 0);
        let ids = |f: &Findings| f.no_effect.iter().map(|n| n.rule).collect::<Vec<_>>();
        prop_assert_eq!(ids(&by_rule), ids(&found), "{}", text(&f));
        // And the same reasons: which rules do the same or deny first, and
        // which lists leave them out (the examples may differ).
        let whys = |f: &Findings| f.no_effect.iter().map(|n| why_of(&n.why)).collect::<Vec<_>>();
        prop_assert_eq!(whys(&by_rule), whys(&found), "{}", text(&f));
        prop_assert_eq!(ids(&quick), ids(&found), "{}", text(&f));
        let allows = |f: &Findings| {
            let mut v: Vec<RuleId> = f.overridden.iter().map(|o| o.allow).collect();
            v.sort();
            v.dedup();
            v
        };
        prop_assert_eq!(allows(&by_rule), allows(&found), "{}", text(&f));
        prop_assert_eq!(allows(&quick), allows(&found), "{}", text(&f));
        prop_assert!(by_rule.exhaustive);
        // With the names' automaton cut short, what is still claimed is
        // true: a rule whose lists hold no wildcard is decided without it.
        let few = effect::findings_with(
            doc.config(), &engine, &Budget { name_states: 1, ..unbounded(true) }, false, 0);
        for id in ids(&few) {
            prop_assert!(ids(&found).contains(&id), "{:?} claimed with few names\n{}", id, text(&f));
        }
        // (An allow rule not proven to do nothing is said to be overridden
        // where a deny rule does override it.)
        for a in allows(&few) {
            prop_assert!(
                allows(&found).contains(&a) || ids(&found).contains(&a),
                "{:?} claimed overridden with few names\n{}", a, text(&f));
        }
        let index: Option<PoolIndex> =
            pool.as_deref().map(|p| Pool::from_json(p).and_then(Pool::index).expect("pool"));
        let reqs = requests(&people);
        let mut s1 = Scratch::default();
        let mut s2 = Scratch::default();
        // Soundness: a sample of requests, with and without the pool.
        for n in &found.no_effect {
            let at = position(&f, n.rule).expect("a reported rule exists");
            let smaller = without(&f, at);
            let other = Engine::new(smaller.config());
            for pooled in [false, true] {
                let ix = index.as_ref().filter(|_| pooled);
                let va = ix.map(|p| PoolView::new(&engine, p));
                let vb = ix.map(|p| PoolView::new(&other, p));
                for r in &reqs {
                    let a = engine.decide_quiet(r, va.as_ref(), &mut s1);
                    let b = other.decide_quiet(r, vb.as_ref(), &mut s2);
                    prop_assert_eq!(
                        key(&a), key(&b),
                        "{:?} reported as no effect ({:?}) but removing it changes {:?}\n{}",
                        n.rule, n.why, r, text(&f)
                    );
                }
            }
        }
        // Completeness: every deny, allow or HOURS rule not reported
        // changes a witness's decision when removed.
        let reported: Vec<RuleId> = found.no_effect.iter().map(|n| n.rule).collect();
        let cfg = doc.config();
        let v = Versions { old: cfg, new: cfg, pool: None };
        let budget = Budget { per_list: true, ..unbounded(true) };
        for rule in cfg.all_rules() {
            let id = RuleId::new(rule.kind, rule.index);
            let judged = matches!(
                rule.kind,
                RuleKind::AllowCheckouts | RuleKind::AllowBorrows
                    | RuleKind::DenyCheckouts | RuleKind::DenyBorrows | RuleKind::LimitBorrows
            );
            if !judged || reported.contains(&id) || rule.empty_preset {
                continue;
            }
            let at = position(&f, id).expect("rule exists");
            let other = Engine::new(without(&f, at).config());
            let mut changed = false;
            'all: for (feature, _) in features_of(v, &engine, &engine) {
                let sp = space::space(&[&engine], &[cfg], None, &feature, &budget);
                for c in &sp.classes {
                    for action in [Action::Checkout, Action::Borrow] {
                        for serial in serials_for(v, &engine, &engine, &feature) {
                            let mut r = c.witness.request(&feature, action);
                            r.serial = serial;
                            if key(&engine.decide_quiet(&r, None, &mut s1))
                                != key(&other.decide_quiet(&r, None, &mut s2))
                            {
                                changed = true;
                                break 'all;
                            }
                        }
                    }
                }
            }
            // Or it stays so that the later reported ones can all go.
            let later: Vec<usize> = found
                .no_effect
                .iter()
                .filter(|n| n.rule > id)
                .filter_map(|n| position(&f, n.rule))
                .collect();
            let mut g = f.clone();
            let mut gone: Vec<usize> = later.clone();
            gone.push(at);
            gone.sort_unstable();
            for i in gone.iter().rev() {
                g.rules.remove(*i);
            }
            let together = Engine::new(Document::from_text(text(&g)).config());
            let mut with_later = false;
            for r in &reqs {
                if key(&engine.decide_quiet(r, None, &mut s1)) != key(&together.decide_quiet(r, None, &mut s2)) {
                    with_later = true;
                    break;
                }
            }
            prop_assert!(changed || with_later, "{:?} not reported, but removing it changes no witness\n{}", id, text(&f));
        }
        // All reported rules go together without a change.
        if !found.no_effect.is_empty() {
            let mut g = f.clone();
            let mut gone: Vec<usize> = found.no_effect.iter().filter_map(|n| position(&f, n.rule)).collect();
            gone.sort_unstable();
            for i in gone.iter().rev() {
                g.rules.remove(*i);
            }
            let other = Engine::new(Document::from_text(text(&g)).config());
            for pooled in [false, true] {
                let ix = index.as_ref().filter(|_| pooled);
                let va = ix.map(|p| PoolView::new(&engine, p));
                let vb = ix.map(|p| PoolView::new(&other, p));
                for r in &reqs {
                    prop_assert_eq!(
                        key(&engine.decide_quiet(r, va.as_ref(), &mut s1)),
                        key(&other.decide_quiet(r, vb.as_ref(), &mut s2)),
                        "removing all reported rules together changes {:?}\n{}", r, text(&f)
                    );
                }
            }
        }
        // Overridden in part: the example is denied by the deny rules and
        // would be granted the step without them.
        for o in &found.overridden {
            let mut r = o.example.request(&o.feature, o.action);
            r.serial = o.serial.clone();
            let d = engine.decide_quiet(&r, None, &mut s1);
            prop_assert_eq!(d.reason, Reason::DenyRule);
            prop_assert_eq!(&d.rules, &o.deny);
            let w = engine.without(&o.deny);
            let after = engine.decide_without(&w, &r, None, &mut s1);
            prop_assert_ne!(after.reason, Reason::DenyRule);
            prop_assert!(after.reason != Reason::NotInAllowRule || !after.rules.contains(&o.allow));
        }
    }
}

/// The user and host names a file names (literal names that are no
/// group), one per folded spelling, first spelling kept, in file order.
fn named_names(doc: &Document) -> Vec<String> {
    let cfg = doc.config();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for list in cfg.principal_lists() {
        for e in list.iter() {
            let name = e.text.trim();
            let is_name = matches!(
                privy::pattern::Pattern::parse(name),
                privy::pattern::Pattern::Name(ref n) if !n.has_wildcard()
            );
            if is_name
                && cfg.group_index.lookup(name).is_none()
                && seen.insert(privy::pattern::fold(name))
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    })]

    /// `denies-everyone-else` counts exactly the names that lose the
    /// feature, name by name, against the file without the allow list
    /// (compiled anew), and gives the first three of them.
    #[test]
    fn denies_everyone_else_counts_exactly_the_names_that_lose(f in file()) {
        let doc = Document::from_text(text(&f));
        let (engine, found) = run(&doc);
        prop_assume!(found.exhaustive);
        let names = named_names(&doc);
        let mut scratch = Scratch::default();
        let v = Versions { old: doc.config(), new: doc.config(), pool: None };
        for (feature, _) in features_of(v, &engine, &engine) {
            let feature = feature.as_str();
            for (kind, action) in [
                (RuleKind::AllowCheckouts, Action::Checkout),
                (RuleKind::AllowBorrows, Action::Borrow),
            ] {
                let list: Vec<RuleId> = engine
                    .rules_for_feature(feature)
                    .into_iter()
                    .filter(|r| r.kind == kind && r.serials.is_none())
                    .map(|r| r.rule)
                    .collect();
                let mut lose: Vec<String> = Vec::new();
                if !list.is_empty() {
                    let mut g = f.clone();
                    let mut at: Vec<usize> = list.iter().filter_map(|&id| position(&f, id)).collect();
                    at.sort_unstable();
                    for i in at.into_iter().rev() {
                        g.rules.remove(i);
                    }
                    let after_doc = Document::from_text(text(&g));
                    let after = Engine::new(after_doc.config());
                    for n in &names {
                        let req = Principal { user: Some(n.clone()), ..Principal::default() }
                            .request(feature, action);
                        let with = engine.decide_quiet(&req, None, &mut scratch);
                        if with.decision == Verdict::Denied
                            && with.reason == Reason::NotInAllowRule
                            && with.rules.iter().any(|r| r.kind == kind)
                            && after.decide(&req, None).decision == Verdict::Granted
                        {
                            lose.push(n.clone());
                        }
                    }
                }
                let got = found
                    .denies_others
                    .iter()
                    .find(|d| d.feature == feature && d.rule.kind == kind);
                match got {
                    None => prop_assert!(lose.is_empty(), "{feature} {kind:?}: {lose:?} lose it, not said\n{}", text(&f)),
                    Some(d) => {
                        prop_assert_eq!(d.lose, lose.len(), "{}", text(&f));
                        prop_assert_eq!(&d.examples[..], &lose[..lose.len().min(3)]);
                        prop_assert!(!d.at_least);
                    }
                }
            }
        }
    }
}

fn codes(json: &str, code: &str) -> Vec<(String, String)> {
    let doc = Document::from_text(json);
    let (_, f) = run(&doc);
    privy::words::findings::diagnostics(doc.config(), &f)
        .into_iter()
        .filter(|d| d.code.as_str() == code)
        .map(|d| (d.pointer, d.message))
        .collect()
}

#[test]
fn no_effect_says_why_and_near_misses_are_quiet() {
    let file = r#"{
      "ALLOW_CHECKOUTS": [
        {"FEATURES": "CAD", "USERS": "anna;bob"},
        {"FEATURES": "CAD", "USERS": "bob"},
        {"FEATURES": "CAD", "USERS": "bob;carl"},
        {"FEATURES": "CAD", "USERS": "ivan"},
        {"FEATURES": "CAD", "USERS": "ivan;kim"},
        {"FEATURES": "CAD", "USERS": "Nobody"}
      ],
      "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "ivan"} ],
      "DENY_BORROWS": [ {"FEATURES": "CAD", "USERS": "ivan"}, {"FEATURES": "CAD", "USERS": "anna"} ],
      "LIMIT_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob", "COUNT": 1} ],
      "RESERVE_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "Nobody", "COUNT": 1} ],
      "GROUPS": [ {"NAME": "Nobody", "MEMBERS": ""} ]
    }"#;
    let found = codes(file, "no-effect");
    let at: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        at,
        [
            "/ALLOW_CHECKOUTS/1",
            "/ALLOW_CHECKOUTS/3",
            "/ALLOW_CHECKOUTS/5",
            "/DENY_BORROWS/0"
        ],
        "{found:#?}"
    );
    assert!(
        found[0]
            .1
            .contains("Allow checkouts rule 1 already does the same"),
        "{}",
        found[0].1
    );
    assert!(
        found[1].1.contains("denied first by Deny checkouts rule 1"),
        "{}",
        found[1].1
    );
    assert!(found[1].1.contains("user `ivan`"), "{}", found[1].1);
    assert!(found[2].1.contains("cover nobody"), "{}", found[2].1);
    assert!(
        found[3]
            .1
            .contains("Deny checkouts rule 1 already does the same"),
        "{}",
        found[3].1
    );
    // `ivan;kim` is overridden in part (kim is allowed), not without effect.
    let over = codes(file, "overridden-in-part");
    assert!(
        over.iter()
            .any(|(p, m)| p == "/ALLOW_CHECKOUTS/4" && m.contains("Deny checkouts rule 1 denies")),
        "{over:#?}"
    );
    // anna is denied borrowing by Deny borrows rule 2: rule 1 is overridden
    // for borrows only, and says so.
    assert!(
        over.iter()
            .any(|(p, m)| p == "/ALLOW_CHECKOUTS/0" && m.contains("borrowing `CAD`")),
        "{over:#?}"
    );
}

#[test]
fn a_count_limit_is_judged_only_when_nobody_reaches_it() {
    // With a pool the limit counts bob: never "no effect".
    let counted = r#"{ "LIMIT_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob", "COUNT": 1} ] }"#;
    assert!(codes(counted, "no-effect").is_empty());
    let denied = r#"{ "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob;ann"} ],
                      "LIMIT_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob", "COUNT": 1} ] }"#;
    let found = codes(denied, "no-effect");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].1.contains("Limit checkouts rule 1 has no effect: everyone it covers is denied first by Deny checkouts rule 1"));
}

#[test]
fn the_first_allow_rule_says_who_loses_the_feature() {
    let file = r#"{
      "ALLOW_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "anna"} ],
      "DENY_CHECKOUTS": [ {"FEATURES": "CAM", "USERS": "bob;carl"} ]
    }"#;
    let found = codes(file, "denies-everyone-else");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "/ALLOW_CHECKOUTS/0");
    assert!(
        found[0]
            .1
            .contains("2 of the users and hosts this file names lose it"),
        "{}",
        found[0].1
    );
    assert!(found[0].1.contains("`bob`, `carl`"), "{}", found[0].1);
    // Near miss: the list names everyone the file names.
    let all = r#"{
      "ALLOW_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "anna;bob"} ],
      "DENY_CHECKOUTS": [ {"FEATURES": "CAM", "USERS": "bob"} ]
    }"#;
    assert!(codes(all, "denies-everyone-else").is_empty());
    // Near miss: a deny rule on another feature overrides nothing.
    assert!(codes(all, "overridden-in-part").is_empty());
}

#[test]
fn check_reports_the_findings_in_text_json_and_sarif() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "ServerConfig.json",
        br#"{ "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob"}, {"FEATURES": "CAD", "USERS": "bob"} ] }"#,
    );
    let (code, out, _) = privy(&["check", &path]);
    assert_eq!(code, 0, "a warning does not fail the check: {out}");
    assert!(
        out.contains("warning[no-effect]: Deny checkouts rule 2 has no effect"),
        "{out}"
    );
    let (_, json, _) = privy(&["check", "--format", "json", &path]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "no-effect"))
        .expect("no-effect in JSON");
    assert_eq!(d["pointer"], "/DENY_CHECKOUTS/1");
    assert_eq!(d["line"], 1);
    let (_, sarif, _) = privy(&["check", "--format", "sarif", &path]);
    assert!(sarif.contains("\"ruleId\": \"no-effect\""), "{sarif}");
}

#[test]
fn out_of_time_the_findings_say_they_are_partial_and_claim_nothing() {
    let doc = Document::from_text(
        r#"{ "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob"}, {"FEATURES": "CAD", "USERS": "bob"} ] }"#,
    );
    let e = Engine::new(doc.config());
    let gone = Budget {
        deadline: Some(std::time::Instant::now()),
        ..Budget::default()
    };
    let f = effect::findings(doc.config(), &e, &gone);
    assert!(!f.exhaustive);
    assert!(
        f.no_effect.is_empty(),
        "nothing claimed without the work: {:?}",
        f.no_effect
    );
    assert_eq!(f.features_left, ["CAD"]);
    let d = privy::words::findings::diagnostics(doc.config(), &f);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.as_str(), "findings-partial");
    assert!(d[0].message.contains("`CAD`"), "{}", d[0].message);
    // Rule by rule (analysis.md 6.1): the note names the rules left.
    assert_eq!(f.rules_left.len(), 2, "{:?}", f.rules_left);
    assert!(
        d[0].message.contains("Deny checkouts rule 1"),
        "{}",
        d[0].message
    );
}

/// A file over 4 MB gets no findings from `privy check`, said in one note
/// (its engine and first principal space alone would cost more than the
/// rest of the check).
#[test]
fn check_says_a_huge_file_was_not_examined() {
    let dir = tempfile::tempdir().expect("tempdir");
    let users: Vec<String> = (0..700_000).map(|i| format!("user{i}")).collect();
    let text = format!(
        r#"{{ "DENY_CHECKOUTS": [ {{"FEATURES": "CAD", "USERS": "{}"}}, {{"FEATURES": "CAD", "USERS": "user1"}} ] }}"#,
        users.join(";")
    );
    assert!(text.len() > privy::analysis::effect::CHECK_MAX_BYTES);
    let path = write(dir.path(), "big.json", text.as_bytes());
    let (code, out, _) = privy(&["check", "--format", "json", &path]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["findings-partial"],
        "the redundant rule is not claimed either way"
    );
}

/// analysis.md 6.1: findings are kept rule by rule. A feature's rules are
/// examined one at a time when its space with every list apart is too
/// large; a rule proven to have no effect is reported though another rule
/// of the same feature ran out of space, and that rule is named as left.
#[test]
fn a_rule_proven_is_reported_while_another_of_its_feature_is_left() {
    let doc = Document::from_text(
        // The last two allow rules do the same. The names the wildcards
        // meet are more than the budget's states, so no condition is met
        // by "nobody" for sure and the classes must say it (more than 3).
        r#"{ "ALLOW_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "a*1;a*2;a*3"}, {"FEATURES": "CAD", "USERS": "b"}, {"FEATURES": "CAD", "USERS": "c;10.0.0.1;&Temp"}, {"FEATURES": "CAD", "USERS": "c;10.0.0.1;&Temp"} ],
             "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "bob"}, {"FEATURES": "CAD", "USERS": "bob"} ] }"#,
    );
    let e = Engine::new(doc.config());
    let small = Budget {
        classes: 3,
        name_states: 2,
        ..Budget::default()
    };
    let f = effect::findings_with(doc.config(), &e, &small, false, 0);
    let second_deny = RuleId::new(RuleKind::DenyCheckouts, 1);
    assert!(f.no_effect.iter().any(|n| n.rule == second_deny), "{:?}", f);
    assert!(!f.exhaustive, "{:#?}", f);
    assert!(
        f.rules_left
            .iter()
            .any(|r| r.kind == RuleKind::AllowCheckouts),
        "{:?}",
        f.rules_left
    );
    assert!(!f.rules_left.contains(&second_deny));
    let d = privy::words::findings::diagnostics(doc.config(), &f);
    let partial = d
        .iter()
        .find(|d| d.code.as_str() == "findings-partial")
        .expect("a partial note");
    assert!(
        partial.message.contains("Allow checkouts rule"),
        "{}",
        partial.message
    );
    // With room, every rule is examined and nothing is left.
    let f = effect::findings_with(doc.config(), &e, &Budget::default(), false, 0);
    assert!(
        f.exhaustive && f.rules_left.is_empty(),
        "{:?}",
        f.rules_left
    );
    assert!(f.no_effect.iter().any(|n| n.rule == second_deny));
}

/// #26.5: an overridden-in-part example is a plain principal where one
/// can be: the user denied, with the address the allow rule names, not
/// the allow rule's user name reused as a host.
#[test]
fn an_overridden_example_meets_a_name_as_a_user_not_as_a_host() {
    let doc = Document::from_text(
        r#"{ "ALLOW_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "anna;10.0.0.1"} ],
             "DENY_CHECKOUTS": [ {"FEATURES": "CAD", "USERS": "ivan"} ] }"#,
    );
    let (_, f) = run(&doc);
    let o = f.overridden.first().expect("overridden in part");
    assert_eq!(o.example.user.as_deref(), Some("ivan"), "{:?}", o.example);
    assert!(o.example.host.is_none(), "{:?}", o.example);
    assert!(o.example.ip.is_some(), "{:?}", o.example);
}
