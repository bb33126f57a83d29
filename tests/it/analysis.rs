//! The access diff against brute force (`docs/semantics.md`, "Reasoning
//! over every principal"): on random small files, random edits and random
//! pools,
//! - soundness: every reported change reproduces, in the engine and
//!   through `privy explain`, on its witness in OLD and in NEW;
//! - completeness: every principal (names, hosts, IPs and local groups
//!   outside the files too) whose decision differs lies in a reported class;
//! - the pruned space gives the same changes as the unpruned one.

use std::collections::HashSet;
use std::net::IpAddr;

use privy::analysis::diff::{Change, Versions, serials_for};
use privy::analysis::{Budget, diff};
use privy::document::Document;
use privy::engine::matcher::Scratch;
use privy::engine::pool::{Pool, PoolIndex};
use privy::engine::{Action, Engine, PoolView, Reason, Verdict};
use privy::request::Principal;
use proptest::prelude::*;

use super::common::{example, privy, write};

const NAMES: [&str; 8] = ["anna", "bob", "PC*", "*cad", "pc1", "ws*cad", "G1", "G2"];
const IPS: [&str; 5] = [
    "10.0.0.1",
    "10.0.0.*",
    "10.0.0.5-9",
    "::1",
    "::ffff:10.0.0.7",
];
const LOCAL: [&str; 2] = ["&Staff", "&cad"];

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(NAMES.to_vec()).prop_map(String::from),
        2 => prop::sample::select(IPS.to_vec()).prop_map(String::from),
        1 => prop::sample::select(LOCAL.to_vec()).prop_map(String::from),
        1 => Just("*".to_string()),
    ]
}

fn users() -> impl Strategy<Value = String> {
    prop::collection::vec(entry(), 0..3).prop_map(|v| v.join(";"))
}

#[derive(Debug, Clone)]
pub(super) struct RuleSpec {
    pub(super) kind: usize,
    users: String,
    except: String,
    features: &'static str,
    serial: bool,
    count: u8,
    hours: u16,
}

fn rule() -> impl Strategy<Value = RuleSpec> {
    (
        0usize..7,
        users(),
        users(),
        prop::sample::select(vec!["A", "B", "A;B", "*"]),
        prop::bool::weighted(0.2),
        1u8..3,
        prop::sample::select(vec![24u16, 168]),
    )
        .prop_map(
            |(kind, users, except, features, serial, count, hours)| RuleSpec {
                kind,
                users,
                except,
                features,
                serial,
                count,
                hours,
            },
        )
}

#[derive(Debug, Clone)]
pub(super) struct FileSpec {
    pub(super) rules: Vec<RuleSpec>,
    g1: String,
    g2: String,
}

pub(super) fn file() -> impl Strategy<Value = FileSpec> {
    (prop::collection::vec(rule(), 1..6), users(), users()).prop_map(|(rules, g1, g2)| FileSpec {
        rules,
        g1,
        g2,
    })
}

pub(super) fn text(f: &FileSpec) -> String {
    let kinds = privy::spec::RuleKind::ALL_KEYS;
    let mut lists: Vec<Vec<String>> = vec![Vec::new(); 7];
    for r in &f.rules {
        let mut fields = vec![format!("\"USERS\": {:?}", r.users)];
        fields.push(format!("\"FEATURES\": {:?}", r.features));
        if r.serial {
            fields.push("\"SERIALNUMBERS\": \"S1\"".into());
        }
        match kinds[r.kind] {
            "LIMIT_CHECKOUTS" | "RESERVE_CHECKOUTS" => {
                fields.push(format!("\"COUNT\": {}", r.count));
                fields.push(format!("\"EXCEPT_USERS\": {:?}", r.except));
            }
            "LIMIT_BORROWS" => {
                fields.push(format!("\"HOURS\": {}", r.hours));
                fields.push(format!("\"EXCEPT_USERS\": {:?}", r.except));
            }
            _ => {}
        }
        lists[r.kind].push(format!("{{ {} }}", fields.join(", ")));
    }
    let mut parts: Vec<String> = Vec::new();
    for (k, l) in lists.iter().enumerate() {
        if !l.is_empty() {
            parts.push(format!("\"{}\": [ {} ]", kinds[k], l.join(", ")));
        }
    }
    // G1 may hold G2, not the other way (no cycles needed here).
    parts.push(format!(
        "\"GROUPS\": [ {{ \"NAME\": \"G1\", \"MEMBERS\": {:?} }}, {{ \"NAME\": \"G2\", \"MEMBERS\": {:?} }} ]",
        f.g1,
        f.g2.replace("G1", "bob")
    ));
    format!("{{ {} }}", parts.join(",\n"))
}

/// One random edit of the file.
fn edited() -> impl Strategy<Value = (FileSpec, FileSpec)> {
    file().prop_flat_map(|f| {
        let n = f.rules.len();
        (Just(f), 0..n, 0u8..6, users(), rule()).prop_map(move |(f, i, what, u, r)| {
            let mut g = f.clone();
            match what {
                0 => g.rules[i].users = u,
                1 => g.rules[i].except = u,
                2 => g.g1 = u,
                3 => g.rules.push(r),
                4 if n > 1 => {
                    g.rules.remove(i);
                }
                _ => g.rules[i] = r,
            }
            (f, g)
        })
    })
}

pub(super) fn pool() -> impl Strategy<Value = Option<String>> {
    let sharing = prop::sample::select(vec!["none", "user", "user_host"]);
    let session = (
        prop::sample::select(vec!["anna", "bob", "pc1", "zed"]),
        prop::sample::select(vec!["PC1", "ws9cad", "h"]),
        prop::sample::select(vec!["A", "B"]),
        prop::sample::select(vec!["checkout", "borrow"]),
    );
    prop_oneof![
        Just(None),
        (sharing, 1u8..3, prop::collection::vec(session, 0..3)).prop_map(|(sh, seats, ss)| {
            let sessions: Vec<String> = ss
                .iter()
                .map(|(u, h, f, k)| {
                    format!(r#"{{"user": "{u}", "host": "{h}", "feature": "{f}", "kind": "{k}"}}"#)
                })
                .collect();
            Some(format!(
                r#"{{"seat_sharing": "{sh}", "licenses": [
                    {{"serial": "S1", "features": {{"A": {}, "B": {}}}, "max_borrow_hours": 200}},
                    {{"serial": "S2", "features": {{"A": 1}}}}],
                  "sessions": [{}]}}"#,
                seats + 1,
                seats + 1,
                sessions.join(", ")
            ))
        }),
    ]
}

pub(super) fn principals() -> impl Strategy<Value = Vec<Principal>> {
    let name = prop::sample::select(vec![
        None,
        Some("anna"),
        Some("BOB"),
        Some("pc1"),
        Some("pc9"),
        Some("xcad"),
        Some("pc1cad"),
        Some("ws1cad"),
        Some("zed"),
        Some("g1"),
    ]);
    let ip = prop::sample::select(vec![
        None,
        Some("10.0.0.1"),
        Some("10.0.0.3"),
        Some("10.0.0.7"),
        Some("10.0.1.1"),
        Some("::1"),
        Some("::2"),
    ]);
    let groups = prop::collection::vec(prop::sample::select(vec!["staff", "CAD", "other"]), 0..3);
    prop::collection::vec((name.clone(), name, ip, groups), 40).prop_map(|v| {
        v.into_iter()
            .map(|(u, h, ip, g)| Principal {
                user: u.map(String::from),
                host: h.map(String::from),
                ip: ip.and_then(|i| i.parse::<IpAddr>().ok()),
                local_groups: g.into_iter().map(String::from).collect(),
            })
            .collect()
    })
}

pub(super) type Key = (Verdict, Reason, Option<u64>);

pub(super) fn key(d: &privy::engine::Decision) -> Key {
    (d.decision, d.reason, d.max_borrow_hours)
}

/// Which of the feature's lists the principal matches, in both versions,
/// and which session names it carries: what a class is.
pub(super) fn signature(
    engines: [&Engine; 2],
    pool: Option<&PoolIndex>,
    feature: &str,
    p: &Principal,
) -> Vec<bool> {
    let f = p.folded();
    let mut out = Vec::new();
    for e in engines {
        let mut s = Scratch::default();
        for l in e.lists_for_feature(feature) {
            out.push(e.list_matches(l, &f, &mut s));
        }
    }
    if let Some(pool) = pool
        && pool.pool.seat_sharing != privy::pool::SeatSharing::None
    {
        let fold = |s: &Option<String>| s.as_deref().map(privy::pattern::fold);
        for s in &pool.pool.sessions {
            out.push(fold(&s.user).is_some() && fold(&s.user) == f.user);
            out.push(fold(&s.host).is_some() && fold(&s.host) == f.host);
        }
    }
    out
}

struct Case {
    old: Document,
    new: Document,
    pool: Option<PoolIndex>,
}

impl Case {
    fn new(old: &str, new: &str, pool: Option<&str>) -> Case {
        Case {
            old: Document::from_text(old),
            new: Document::from_text(new),
            pool: pool.map(|p| Pool::from_json(p).and_then(Pool::index).expect("pool")),
        }
    }

    fn versions(&self) -> Versions<'_> {
        Versions {
            old: self.old.config(),
            new: self.new.config(),
            pool: self.pool.as_ref(),
        }
    }
}

pub(super) fn unbounded(prune: bool) -> Budget {
    Budget {
        classes: usize::MAX,
        name_states: 1_000_000,
        memory: usize::MAX,
        deadline: None,
        prune,
        per_list: false,
    }
}

/// Checks soundness and completeness of the diff of one case. Unpruned,
/// every principal whose decision differs must share the lists it matches
/// with a reported witness; pruned (classes merged by what decisions can
/// use), it must share the change.
fn check(case: &Case, people: &[Principal], prune: bool) -> Result<(), TestCaseError> {
    let v = case.versions();
    let d = diff(v, &[], &unbounded(prune));
    prop_assert!(d.exhaustive);
    let old = Engine::new(v.old);
    let new = Engine::new(v.new);
    let vo = case.pool.as_ref().map(|p| PoolView::new(&old, p));
    let vn = case.pool.as_ref().map(|p| PoolView::new(&new, p));
    let mut s = Scratch::default();
    // Soundness.
    for c in &d.changes {
        let req = c.request();
        let before = old.decide_quiet(&req, vo.as_ref(), &mut s);
        let after = new.decide_quiet(&req, vn.as_ref(), &mut s);
        prop_assert_eq!(
            (key(&before), key(&after)),
            (c.before_key(), c.after_key()),
            "{:?}",
            req
        );
    }
    // Completeness.
    let other = d
        .features
        .iter()
        .find(|f| f.other_feature)
        .map(|f| f.feature.clone());
    for p in people {
        for feature in ["A", "B", "NOBODY_NAMES_ME"] {
            // A feature neither version nor the pool names is decided as the
            // diff's stand-in for all of them.
            let named = d.features.iter().any(|f| f.feature == feature);
            let listed = match (&other, named) {
                (Some(o), false) => o.clone(),
                _ => feature.to_string(),
            };
            let serials = serials_for(v, &old, &new, &listed);
            for action in [Action::Checkout, Action::Borrow] {
                for serial in [None, Some("S1"), Some("S2")] {
                    let mut req = p.request(feature, action);
                    req.serial = serial.map(String::from);
                    let before = old.decide_quiet(&req, vo.as_ref(), &mut s);
                    let after = new.decide_quiet(&req, vn.as_ref(), &mut s);
                    if key(&before) == key(&after) {
                        continue;
                    }
                    // A serial the diff does not tell apart decides as none.
                    let asked = req
                        .serial
                        .clone()
                        .filter(|x| serials.contains(&Some(x.clone())));
                    let want = signature([&old, &new], v.pool, &listed, p);
                    let found = d.changes.iter().any(|c: &Change| {
                        c.feature == listed
                            && c.action == action
                            && c.serial == asked
                            && (c.before_key(), c.after_key()) == (key(&before), key(&after))
                            && (prune
                                || signature([&old, &new], v.pool, &listed, &c.class.witness)
                                    == want)
                    });
                    prop_assert!(
                        found,
                        "{:?} {} {:?} {:?}: {:?} -> {:?} not reported",
                        p,
                        feature,
                        action,
                        serial,
                        key(&before),
                        key(&after)
                    );
                    // Described (analysis.md 6.2): the class it falls in
                    // names a way that holds it, not one member alone.
                    let described = d.changes.iter().any(|c: &Change| {
                        c.feature == listed
                            && c.action == action
                            && c.serial == asked
                            && (c.before_key(), c.after_key()) == (key(&before), key(&after))
                            && (c.what.more_ways > 0 || c.what.ways.iter().any(|w| fits(w, p)))
                    });
                    prop_assert!(
                        described,
                        "{:?} {} {:?}: in no reported description: {:?}",
                        p,
                        feature,
                        action,
                        d.changes
                            .iter()
                            .map(|c| privy::words::class_description(&c.what))
                            .collect::<Vec<_>>()
                    );
                }
            }
        }
    }
    Ok(())
}

/// Whether principal `p` is one of those a way into a class describes:
/// each part the way names holds `p`'s value (a name it lists, or the
/// patterns `p`'s name matches; an IP inside its entries; local groups
/// that include one of its sets). A part counted but not listed
/// (`more`) holds anything.
fn fits(w: &privy::analysis::space::Way, p: &Principal) -> bool {
    use privy::pattern::{NamePattern, Pattern, fold};
    let name = |n: &Option<privy::analysis::space::NamesWhat>, v: &Option<String>| match (n, v) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(n), Some(v)) => {
            n.any
                || n.more > 0
                || n.named.iter().any(|x| fold(x) == fold(v))
                || n.matching.iter().any(|m| {
                    !m.is_empty() && m.iter().all(|pat| NamePattern::new(&fold(pat)).matches(v))
                })
        }
    };
    let ip = match (&w.ip, p.ip) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(i), Some(ip)) => {
            i.any
                || i.more > 0
                || i.entries
                    .iter()
                    .any(|e| !e.is_empty() && e.iter().all(|x| Pattern::parse(x).matches_ip(ip)))
        }
    };
    let groups = match &w.local_groups {
        None => true,
        Some(g) => {
            g.more > 0
                || g.sets.iter().any(|set| {
                    set.iter()
                        .all(|x| p.local_groups.iter().any(|y| fold(x) == fold(y)))
                })
        }
    };
    name(&w.user, &p.user) && name(&w.host, &p.host) && ip && groups
}

/// The changes as sets of what they say (the classes aside: pruning
/// merges them).
fn change_set(case: &Case, prune: bool) -> HashSet<String> {
    let v = case.versions();
    let d = diff(v, &[], &unbounded(prune));
    d.changes
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {:?} {:?} {:?}",
                c.feature,
                c.action,
                c.serial,
                (c.before_key(), c.after_key()),
                c.kind
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        // PROPTEST_CASES sets it (the default 256); CI runs fewer.
        cases: if std::env::var("CI").is_ok() { 48 } else { ProptestConfig::default().cases },
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_diff_is_sound_and_complete((a, b) in edited(), pool in pool(), people in principals()) {
        let case = Case::new(&text(&a), &text(&b), pool.as_deref());
        check(&case, &people, true)?;
        check(&case, &people, false)?;
    }

    #[test]
    fn the_pruned_space_gives_the_unpruned_changes((a, b) in edited(), pool in pool()) {
        let case = Case::new(&text(&a), &text(&b), pool.as_deref());
        prop_assert_eq!(change_set(&case, true), change_set(&case, false));
    }
}

/// Every change of random small files reproduces through `privy explain`
/// (the binary) on its witness, in OLD and in NEW.
#[test]
fn every_change_reproduces_through_privy_explain() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = TestRunner::deterministic();
    let mut checked = 0;
    for round in 0..12 {
        let (a, b) = edited().new_tree(&mut runner).expect("tree").current();
        let pool = pool().new_tree(&mut runner).expect("tree").current();
        let (ta, tb) = (text(&a), text(&b));
        let old = write(dir.path(), &format!("old{round}.json"), ta.as_bytes());
        let new = write(dir.path(), &format!("new{round}.json"), tb.as_bytes());
        let pool_path = pool
            .as_ref()
            .map(|p| write(dir.path(), &format!("pool{round}.json"), p.as_bytes()));
        let case = Case::new(&ta, &tb, pool.as_deref());
        let d = diff(case.versions(), &[], &unbounded(true));
        for c in d.changes.iter().take(15) {
            for (file, want) in [(&old, c.before_key()), (&new, c.after_key())] {
                let mut args: Vec<String> = vec![
                    "explain".into(),
                    file.clone(),
                    "--feature".into(),
                    c.feature.clone(),
                    "--format".into(),
                    "json".into(),
                ];
                if c.action == Action::Borrow {
                    args.extend(["--action".into(), "borrow".into()]);
                }
                let w = &c.class.witness;
                for (flag, value) in [
                    ("--user", &w.user),
                    ("--host", &w.host),
                    ("--serial", &c.serial),
                ] {
                    if let Some(v) = value {
                        args.extend([flag.to_string(), v.clone()]);
                    }
                }
                if let Some(ip) = w.ip {
                    args.extend(["--ip".into(), ip.to_string()]);
                }
                for g in &w.local_groups {
                    args.extend(["--local-group".into(), g.clone()]);
                }
                if let Some(p) = &pool_path {
                    args.extend(["--pool".into(), p.clone()]);
                }
                let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                let (_, out, err) = privy(&argv);
                let v: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
                let got = (
                    v["decision"].as_str().unwrap_or_default().to_string(),
                    v["reason"].as_str().unwrap_or_default().to_string(),
                    v["max_borrow_hours"].as_u64(),
                );
                let want = (
                    format!("{:?}", want.0).to_lowercase(),
                    want.1.as_str().to_string(),
                    want.2,
                );
                assert_eq!(got, want, "{argv:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} explained");
}

#[test]
fn removing_a_name_from_an_allow_rule_revokes_it_and_says_why() {
    let text = std::fs::read_to_string(example()).expect("example");
    let edited = text.replace(
        "\"USERS\": \"&CAD Exporters;PC*;WS*CAD;Design Office\"",
        "\"USERS\": \"&CAD Exporters;PC*;WS*CAD\"",
    );
    assert_ne!(text, edited);
    let dir = tempfile::tempdir().expect("tempdir");
    let new = write(dir.path(), "new.json", edited.as_bytes());
    let old = example().display().to_string();
    let (code, out, err) = privy(&["diff", &old, &new]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("EXPORT_ALL: ") && out.contains("revoked"),
        "{out}"
    );
    assert!(out.contains("cause:  Allow checkouts rule 3"), "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.contains("0 gained, ") && last.ends_with(", exhaustive"),
        "{last}"
    );
    // JSON: the contract's keys, and each change's witness reproduces.
    let (_, json, _) = privy(&["diff", &old, &new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    for k in [
        "exhaustive",
        "classes",
        "gained",
        "revoked",
        "reason_changed",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    let revoked = v["revoked"].as_array().expect("revoked");
    assert!(!revoked.is_empty());
    for c in revoked {
        for k in [
            "feature",
            "action",
            "serial",
            "witness",
            "description",
            "before",
            "after",
            "cause",
        ] {
            assert!(c.get(k).is_some(), "{k} in {c}");
        }
        assert_eq!(c["before"]["decision"], "granted");
        assert_eq!(c["after"]["decision"], "denied");
        assert_eq!(c["cause"][0], "/ALLOW_CHECKOUTS/2");
    }
    // The same file: nothing changed, exit 0.
    let (code, out, _) = privy(&["diff", &old, &old]);
    assert_eq!(code, 0);
    assert!(
        out.trim_end().ends_with("exhaustive") && out.starts_with("no access changed"),
        "{out}"
    );
}

#[test]
fn standard_input_bad_files_and_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = example().display().to_string();
    let bad = write(dir.path(), "bad.json", b"[1, 2]\n");
    let (code, _, err) = privy(&["diff", &old, &bad]);
    assert_eq!(code, 2, "{err}");
    let broken = write(dir.path(), "broken.json", b"\n\n   ");
    let (code, _, err) = privy(&["diff", &broken, &old]);
    assert_eq!(code, 2);
    assert!(err.contains("broken.json"), "{err}");
    let (code, _, err) = privy(&["diff", "-", "-"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = privy(&[
        "diff",
        &old,
        &dir.path().join("missing.json").display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    // A file with a validation error is compared, with a warning naming it.
    let errs = write(
        dir.path(),
        "errs.json",
        br#"{ "DENY_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "CAD" } ],
              "LIMIT_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "CAD", "COUNT": -1 } ] }"#,
    );
    let clean = write(
        dir.path(),
        "clean.json",
        br#"{ "DENY_CHECKOUTS": [ { "USERS": "carl", "FEATURES": "CAD" } ] }"#,
    );
    let (code, out, _) = privy(&["diff", &clean, &errs]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("warning: ") && out.contains("validation error"),
        "{out}"
    );
    assert!(out.contains("revoked") && out.contains("gained"), "{out}");
    // Standard input as OLD.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_privy"))
        .args(["diff", "-", &errs, "--feature", "CAD"])
        .stdin(std::fs::File::open(&clean).expect("open"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("CAD: "));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var("CI").is_ok() { 48 } else { ProptestConfig::default().cases },
        ..ProptestConfig::default()
    })]

    /// The bulk answers the principal space uses are the engine's own, one
    /// list and one principal at a time.
    #[test]
    fn bulk_list_matching_agrees_with_the_engine(f in file(), people in principals()) {
        let doc = Document::from_text(text(&f));
        let engine = Engine::new(doc.config());
        for feature in ["A", "B"] {
            let lists = engine.lists_for_feature(feature);
            let folded: Vec<_> = people.iter().map(Principal::folded).collect();
            let bulk = engine.principals_matching(&lists, &folded);
            let names: Vec<String> = people.iter().filter_map(|p| p.folded().user).collect();
            let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let by_name = engine.names_matching(&lists, &name_refs);
            let mut s = Scratch::default();
            for (p, bits) in folded.iter().zip(&bulk) {
                for (i, &l) in lists.iter().enumerate() {
                    prop_assert_eq!(bits[i / 64] >> (i % 64) & 1 == 1, engine.list_matches(l, p, &mut s), "{:?} {:?}", p, l);
                }
            }
            let ips: Vec<IpAddr> = people.iter().filter_map(|p| p.ip).collect();
            let by_ip = engine.addresses_matching(&lists, &ips);
            for (ip, bits) in ips.iter().zip(&by_ip) {
                let p = Principal { ip: Some(*ip), ..Default::default() }.folded();
                for (i, &l) in lists.iter().enumerate() {
                    prop_assert_eq!(bits[i / 64] >> (i % 64) & 1 == 1, engine.list_matches(l, &p, &mut s), "{} {:?}", ip, l);
                }
            }
            for (n, bits) in names.iter().zip(&by_name) {
                let p = Principal { user: Some(n.clone()), ..Default::default() }.folded();
                for (i, &l) in lists.iter().enumerate() {
                    prop_assert_eq!(bits[i / 64] >> (i % 64) & 1 == 1, engine.list_matches(l, &p, &mut s), "{} {:?}", n, l);
                }
            }
        }
    }
}

/// `privy diff OLD NEW` (some access changed): its text and the line of
/// the KAS checkout change.
fn checkout_line(old: &str, new: &str) -> (String, String) {
    let (code, out, err) = privy(&["diff", old, new]);
    assert_eq!(code, 1, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("KAS checkout:"))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    (out, line)
}

/// analysis.md 6.2: a change that stands for several classes is described
/// by every way into it, not by one member; JSON keeps each way's witness,
/// and each witness reproduces the change through `privy explain`.
#[test]
fn a_grouped_change_names_everyone_it_stands_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = write(
        dir.path(),
        "old.json",
        br#"{ "DENY_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "bob" } ] }"#,
    );
    let new = write(
        dir.path(),
        "new.json",
        br#"{ "DENY_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "bob;carl;10.0.0.0-255;&Temp" } ] }"#,
    );
    let (out, line) = checkout_line(&old, &new);
    for want in ["`carl`", "`10.0.0.0-255`", "`&Temp`", "classes, e.g."] {
        assert!(line.contains(want), "{want} missing: {line}");
    }
    assert!(!out.contains("any other"), "{out}");

    let (_, out, err) = privy(&["diff", &old, &new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let change = &v["revoked"][0];
    let witnesses = change["witnesses"].as_array().expect("witnesses");
    assert!(change["alike"].as_u64().unwrap_or(0) > 1, "{change}");
    let has = |f: &dyn Fn(&serde_json::Value) -> bool| witnesses.iter().any(f);
    assert!(has(&|w| w["ip"]
        .as_str()
        .is_some_and(|ip| ip.starts_with("10.0.0."))));
    assert!(has(&|w| w["local_groups"][0] == "Temp"));
    assert!(has(&|w| w["user"] == "carl" || w["host"] == "carl"));
    // Every witness reproduces: granted before, denied after.
    for w in witnesses {
        let mut args: Vec<String> = vec![
            "explain".into(),
            String::new(),
            "--feature".into(),
            "KAS".into(),
        ];
        for (flag, key) in [("--user", "user"), ("--host", "host"), ("--ip", "ip")] {
            if let Some(x) = w[key].as_str() {
                args.extend([flag.to_string(), x.to_string()]);
            }
        }
        for g in w["local_groups"].as_array().into_iter().flatten() {
            args.extend([
                "--local-group".into(),
                g.as_str().unwrap_or_default().to_string(),
            ]);
        }
        for (file, want) in [(&old, 0), (&new, 1)] {
            args[1] = file.clone();
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_eq!(privy(&argv).0, want, "{argv:?}");
        }
    }

    // A pattern every name matches: every user gains, and it says so.
    let old = write(
        dir.path(),
        "a.json",
        br#"{ "ALLOW_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "zed" } ] }"#,
    );
    let new = write(
        dir.path(),
        "b.json",
        br#"{ "ALLOW_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "**" } ] }"#,
    );
    let (_, line) = checkout_line(&old, &new);
    assert!(
        line.contains("any user name")
            || line.contains("a user matching `**`")
            || line.contains("any user or host name")
            || line.contains("a user or host matching `**`"),
        "{line}"
    );
    assert!(line.contains("host"), "hosts gain too: {line}");
}
