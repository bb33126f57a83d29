//! The engine against a deliberately naive reference evaluator written
//! straight from shared/spec/semantics.md: no compilation, no indexes, its
//! own wildcard and IP matching, recursion for groups. Over thousands of
//! random configurations, pools and requests they must agree on the
//! decision, the reason and the determining rules.

use std::net::{IpAddr, Ipv4Addr};

use privy::document::Document;
use privy::engine::matcher::Scratch;
use privy::engine::pool::{Pool, SeatSharing};
use privy::engine::{Action, Engine, PoolView, Reason, Request, Verdict};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------- reference

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Backtracking glob: `*` is any run of characters.
fn glob(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

fn name_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = lower(pattern).chars().collect();
    let s: Vec<char> = lower(name).chars().collect();
    glob(&p, &s)
}

fn split(s: Option<&Value>) -> Vec<String> {
    s.and_then(Value::as_str)
        .map(|s| {
            s.split(';')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn any_list(v: Option<&Value>) -> bool {
    let e = split(v);
    e.is_empty() || (e.len() == 1 && e[0] == "*")
}

/// IP forms by hand: address, trailing `*` octets, last-octet range. Returns
/// None when the entry is not an IP form.
fn ip_form_matches(entry: &str, ip: Option<IpAddr>) -> Option<bool> {
    let looks = entry.contains('.')
        && entry
            .chars()
            .all(|c| c.is_ascii_digit() || ".*-/".contains(c))
        && entry
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '*');
    if !looks {
        return None;
    }
    let Some(IpAddr::V4(v4)) = ip else {
        return Some(false);
    };
    let o = v4.octets();
    let parts: Vec<&str> = entry.split('.').collect();
    if parts.len() != 4 || entry.contains('/') {
        return Some(false);
    }
    let mut star = false;
    for (i, part) in parts.iter().enumerate() {
        if *part == "*" {
            star = true;
            continue;
        }
        if star {
            return Some(false); // malformed
        }
        if i == 3
            && let Some((a, b)) = part.split_once('-')
        {
            let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>()) else {
                return Some(false);
            };
            if a > b || b > 255 {
                return Some(false);
            }
            return Some((a..=b).contains(&u16::from(o[3])));
        }
        match part.parse::<u16>() {
            Ok(v) if v <= 255 => {
                if v as u8 != o[i] {
                    return Some(false);
                }
            }
            _ => return Some(false),
        }
    }
    Some(true)
}

struct P {
    user: Option<String>,
    host: Option<String>,
    ip: Option<IpAddr>,
    local: Vec<String>,
}

fn group_members<'a>(cfg: &'a Value, name: &str) -> Option<&'a Value> {
    cfg["GROUPS"].as_array()?.iter().find(|g| {
        g["NAME"]
            .as_str()
            .is_some_and(|n| lower(n.trim()) == lower(name.trim()))
    })
}

fn entry_matches(cfg: &Value, entry: &str, p: &P, path: &mut Vec<String>) -> bool {
    if entry == "*" {
        return true;
    }
    if let Some(g) = entry.strip_prefix('&') {
        return p.local.iter().any(|l| lower(l) == lower(g.trim()));
    }
    if let Some(m) = ip_form_matches(entry, p.ip) {
        return m;
    }
    if let Some(group) = group_members(cfg, entry) {
        let key = lower(entry);
        if path.contains(&key) {
            return false; // a cycle: stop at the repeated group
        }
        path.push(key);
        let hit = split(group.get("MEMBERS"))
            .iter()
            .any(|m| entry_matches(cfg, m, p, path));
        path.pop();
        return hit;
    }
    [&p.user, &p.host]
        .into_iter()
        .flatten()
        .any(|n| name_matches(entry, n))
}

fn list_matches(cfg: &Value, list: &[String], p: &P) -> bool {
    list.iter()
        .any(|e| entry_matches(cfg, e, p, &mut Vec::new()))
}

fn is_preset(rule: &Value) -> bool {
    rule.as_object().is_some_and(|m| {
        m.iter()
            // Empty: no entries, `""`, `"  "` and `";"` alike (9.1).
            .all(|(k, v)| {
                k == "COMMENT"
                    || v.as_str()
                        .is_some_and(|s| s.split(';').all(|x| x.trim().is_empty()))
            })
    })
}

/// Whether USERS covers the principal (deny and LIMIT_BORROWS: missing or
/// "any" means everyone).
fn in_users(cfg: &Value, kind: &str, rule: &Value, p: &P) -> bool {
    let optional = kind.starts_with("DENY") || kind == "LIMIT_BORROWS";
    if optional && any_list(rule.get("USERS")) {
        return true;
    }
    list_matches(cfg, &split(rule.get("USERS")), p)
}

fn covered(cfg: &Value, kind: &str, rule: &Value, p: &P) -> bool {
    in_users(cfg, kind, rule, p) && !list_matches(cfg, &split(rule.get("EXCEPT_USERS")), p)
}

fn applies(rule: &Value, feature: &str, serial: Option<&str>) -> bool {
    let f_ok =
        any_list(rule.get("FEATURES")) || split(rule.get("FEATURES")).iter().any(|f| f == feature);
    let s_ok = any_list(rule.get("SERIALNUMBERS"))
        || serial.is_some_and(|s| split(rule.get("SERIALNUMBERS")).iter().any(|x| x == s));
    f_ok && s_ok && !is_preset(rule)
}

fn rules_of<'a>(cfg: &'a Value, kind: &str) -> Vec<(String, &'a Value)> {
    cfg[kind]
        .as_array()
        .map(|a| {
            a.iter()
                .enumerate()
                .map(|(i, r)| (format!("/{kind}/{i}"), r))
                .collect()
        })
        .unwrap_or_default()
}

/// Sorts rule pointers into file order: by where their list's key stands
/// in the file (whatever the kind), then by position (semantics 9.4).
fn file_order(cfg: &Value, mut ptrs: Vec<String>) -> Vec<String> {
    let keys: Vec<&String> = cfg
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    let at = |p: &String| {
        let mut parts = p.trim_start_matches('/').split('/');
        let kind = parts.next().unwrap_or_default();
        let i: usize = parts.next().and_then(|i| i.parse().ok()).unwrap_or(0);
        (
            keys.iter()
                .position(|k| k.as_str() == kind)
                .unwrap_or(usize::MAX),
            i,
        )
    };
    ptrs.sort_by_key(at);
    ptrs
}

fn positive(v: Option<&Value>) -> Option<u64> {
    v.and_then(Value::as_i64)
        .filter(|&n| n > 0 && n <= i64::from(i32::MAX))
        .map(|n| n as u64)
}

/// semantics.md 8.1: a rule whose COUNT or HOURS is there but not a whole
/// number from 1 to 2^31-1 is ignored whole.
fn ignored(kind: &str, r: &Value) -> bool {
    let keys: &[&str] = match kind {
        "LIMIT_CHECKOUTS" | "RESERVE_CHECKOUTS" => &["COUNT"],
        "LIMIT_BORROWS" => &["COUNT", "HOURS"],
        _ => &[],
    };
    keys.iter()
        .any(|k| r.get(*k).is_some_and(|v| positive(Some(v)).is_none()))
}

struct Sess {
    p: P,
    feature: String,
    license: usize,
    borrow: bool,
}

fn reference(cfg: &Value, pool: Option<&Pool>, req: &Request) -> (Verdict, Reason, Vec<String>) {
    let p = P {
        user: req.principal.user.clone(),
        host: req.principal.host.clone(),
        ip: req.principal.ip,
        local: req.principal.local_groups.clone(),
    };
    let borrow = req.action == Action::Borrow;
    let deny = |r: Reason, rules: Vec<String>| (Verdict::Denied, r, rules);
    let sessions: Vec<Sess> = pool
        .map(|pool| {
            pool.sessions
                .iter()
                .map(|s| Sess {
                    p: P {
                        user: s.user.clone(),
                        host: s.host.clone(),
                        ip: s.ip.as_ref().and_then(|i| i.parse().ok()),
                        local: s.local_groups.clone(),
                    },
                    feature: s.feature.clone(),
                    license: match &s.serial {
                        Some(x) => pool
                            .licenses
                            .iter()
                            .position(|l| &l.serial == x)
                            .unwrap_or(0),
                        None => pool
                            .licenses
                            .iter()
                            .position(|l| l.seats(&s.feature).is_some())
                            .unwrap_or(0),
                    },
                    borrow: s.kind == Action::Borrow,
                })
                .collect()
        })
        .unwrap_or_default();

    let evaluate = |license: Option<usize>,
                    serial: Option<&str>|
     -> (Verdict, Reason, Vec<String>) {
        let mut kinds = vec!["DENY_CHECKOUTS"];
        if borrow {
            kinds.push("DENY_BORROWS");
        }
        // Every applicable deny rule that matches determines, in file
        // order (semantics.md section 8 point 2).
        let mut denied_by = Vec::new();
        for k in &kinds {
            for (ptr, r) in rules_of(cfg, k) {
                if applies(r, &req.feature, serial) && in_users(cfg, k, r, &p) {
                    denied_by.push(ptr);
                }
            }
        }
        if !denied_by.is_empty() {
            // In file order, whichever list comes first (9.4).
            return deny(Reason::DenyRule, file_order(cfg, denied_by));
        }
        let mut kinds = vec!["ALLOW_CHECKOUTS"];
        if borrow {
            kinds.push("ALLOW_BORROWS");
        }
        // A grant names the allow rules that matched (9.2).
        let mut allowed_by = Vec::new();
        for k in &kinds {
            let app: Vec<_> = rules_of(cfg, k)
                .into_iter()
                .filter(|(_, r)| applies(r, &req.feature, serial))
                .collect();
            if !app.is_empty() && !app.iter().any(|(_, r)| in_users(cfg, k, r, &p)) {
                return deny(
                    Reason::NotInAllowRule,
                    app.into_iter().map(|(ptr, _)| ptr).collect(),
                );
            }
            allowed_by.extend(
                app.into_iter()
                    .filter(|(_, r)| in_users(cfg, k, r, &p))
                    .map(|(ptr, _)| ptr),
            );
        }
        let allowed_by = file_order(cfg, allowed_by);
        let grant = || (Verdict::Granted, Reason::Granted, allowed_by.clone());
        if borrow {
            // Every rule at the smallest HOURS determines (9.3).
            let mut best: Option<(u64, Vec<String>)> = None;
            for (ptr, r) in rules_of(cfg, "LIMIT_BORROWS") {
                if ignored("LIMIT_BORROWS", r) {
                    continue;
                }
                if let Some(h) = positive(r.get("HOURS"))
                    && applies(r, &req.feature, serial)
                    && covered(cfg, "LIMIT_BORROWS", r, &p)
                {
                    match &mut best {
                        Some((b, at)) if h == *b => at.push(ptr),
                        Some((b, _)) if h > *b => {}
                        _ => best = Some((h, vec![ptr])),
                    }
                }
            }
            let max = best.as_ref().map(|b| b.0).or_else(|| {
                license.and_then(|l| pool.and_then(|pl| pl.licenses[l].max_borrow_hours))
            });
            if let (Some(want), Some(m)) = (req.hours, max)
                && want > m
            {
                return deny(
                    Reason::BorrowHoursExceeded,
                    best.map(|b| b.1).unwrap_or_default(),
                );
            }
        }
        let on = |s: &&Sess| Some(s.license) == license && s.feature == req.feature;
        if let (Some(pl), Some(user)) = (pool, &p.user) {
            let reuse = sessions.iter().filter(on).any(|s| match pl.seat_sharing {
                SeatSharing::None => false,
                SeatSharing::User => s.p.user.as_deref().is_some_and(|u| lower(u) == lower(user)),
                SeatSharing::UserHost => {
                    // Both hosts known and equal (8.9).
                    s.p.user.as_deref().is_some_and(|u| lower(u) == lower(user))
                        && p.host.is_some()
                        && s.p.host.as_deref().map(lower) == p.host.as_deref().map(lower)
                }
            });
            if reuse {
                return grant();
            }
        }
        let mut kinds = vec!["LIMIT_CHECKOUTS"];
        if borrow {
            kinds.push("LIMIT_BORROWS");
        }
        // Every limit at its count determines (8.2), in file order.
        let mut reached = Vec::new();
        for k in &kinds {
            for (ptr, r) in rules_of(cfg, k) {
                if ignored(k, r) {
                    continue;
                }
                let Some(count) = positive(r.get("COUNT")) else {
                    continue;
                };
                if !applies(r, &req.feature, serial) || !covered(cfg, k, r, &p) {
                    continue;
                }
                let usage = sessions
                    .iter()
                    .filter(on)
                    .filter(|s| *k != "LIMIT_BORROWS" || s.borrow)
                    .filter(|s| covered(cfg, k, r, &s.p))
                    .count() as u64;
                if usage >= count {
                    reached.push(ptr);
                }
            }
        }
        if !reached.is_empty() {
            return deny(Reason::LimitReached, file_order(cfg, reached));
        }
        let (Some(l), Some(pl)) = (license, pool) else {
            return grant();
        };
        let seats = pl.licenses[l].seats(&req.feature).unwrap_or(0);
        let held = sessions.iter().filter(on).count() as u64;
        let free = seats.saturating_sub(held);
        let mut others = 0;
        let mut reserving = Vec::new();
        for (ptr, r) in rules_of(cfg, "RESERVE_CHECKOUTS") {
            if ignored("RESERVE_CHECKOUTS", r) {
                continue;
            }
            let Some(count) = positive(r.get("COUNT")) else {
                continue;
            };
            if !applies(r, &req.feature, serial) {
                continue;
            }
            if in_users(cfg, "RESERVE_CHECKOUTS", r, &p) {
                continue;
            }
            let used = sessions
                .iter()
                .filter(on)
                .filter(|s| in_users(cfg, "RESERVE_CHECKOUTS", r, &s.p))
                .count() as u64;
            let remaining = count.saturating_sub(used);
            others += remaining;
            if remaining > 0 {
                reserving.push(ptr);
            }
        }
        if free.saturating_sub(others) >= 1 {
            grant()
        } else if free >= 1 {
            deny(Reason::ReservedForOthers, reserving)
        } else {
            deny(Reason::NoFreeSeat, vec![])
        }
    };

    let Some(pool) = pool else {
        return evaluate(None, req.serial.as_deref());
    };
    let candidates: Vec<usize> = pool
        .licenses
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.seats(&req.feature).is_some() && req.serial.as_ref().is_none_or(|s| *s == l.serial)
        })
        .map(|(i, _)| i)
        .collect();
    let mut first = None;
    for l in candidates {
        let r = evaluate(Some(l), Some(&pool.licenses[l].serial));
        if r.0 == Verdict::Granted {
            return r;
        }
        first.get_or_insert(r);
    }
    first.unwrap_or((Verdict::Denied, Reason::NotLicensed, vec![]))
}

// ---------------------------------------------------------------- generators

const KINDS: [&str; 7] = [
    "ALLOW_CHECKOUTS",
    "ALLOW_BORROWS",
    "DENY_CHECKOUTS",
    "DENY_BORROWS",
    "LIMIT_CHECKOUTS",
    "LIMIT_BORROWS",
    "RESERVE_CHECKOUTS",
];
const FEATURES: [&str; 3] = ["F0", "F1", "F2"];
const SERIALS: [&str; 2] = ["S0", "S1"];

fn entry() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "u0",
        "U1",
        "u2",
        "h0",
        "H1",
        "PC*",
        "*1",
        "u*",
        "*",
        "&L0",
        "&l1",
        "G0",
        "g1",
        "G2",
        "G3 ",
        "10.0.0.1",
        "10.0.0.*",
        "10.0.0.1-3",
        "10.0.*.*",
        "10.0.0.3-1",
        "10.0.0.0/24",
        "300.0.0.1",
    ])
    .prop_map(String::from)
}

fn entries() -> impl Strategy<Value = String> {
    prop::collection::vec(entry(), 0..4).prop_map(|v| v.join(";"))
}

fn rule() -> impl Strategy<Value = Value> {
    (
        prop::option::of(entries()),
        prop::option::of(entries()),
        prop::option::of(prop::collection::vec(
            prop::sample::select(FEATURES.to_vec()),
            0..3,
        )),
        prop::option::of(prop::sample::select(vec!["S0", "S1", "*", "S0;S1"])),
        prop::option::of(0i64..4),
        prop::option::of(0i64..30),
    )
        .prop_map(|(users, except, features, serials, count, hours)| {
            let mut m = serde_json::Map::new();
            if let Some(u) = users {
                m.insert("USERS".into(), json!(u));
            }
            if let Some(e) = except {
                m.insert("EXCEPT_USERS".into(), json!(e));
            }
            if let Some(f) = features {
                m.insert("FEATURES".into(), json!(f.join(";")));
            }
            if let Some(s) = serials {
                m.insert("SERIALNUMBERS".into(), json!(s));
            }
            if let Some(c) = count {
                m.insert("COUNT".into(), json!(c));
            }
            if let Some(h) = hours {
                m.insert("HOURS".into(), json!(h));
            }
            Value::Object(m)
        })
}

fn config() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((0usize..7, prop::collection::vec(rule(), 1..4)), 0..6),
        prop::collection::vec(entries(), 4),
    )
        .prop_map(|(lists, members)| {
            let mut m = serde_json::Map::new();
            for (k, rules) in lists {
                m.insert(KINDS[k].into(), Value::Array(rules));
            }
            let groups: Vec<Value> = members
                .into_iter()
                .enumerate()
                .map(|(i, mem)| json!({"NAME": format!("G{i}"), "MEMBERS": mem}))
                .collect();
            m.insert("GROUPS".into(), Value::Array(groups));
            Value::Object(m)
        })
}

fn principal()
-> impl Strategy<Value = (Option<String>, Option<String>, Option<IpAddr>, Vec<String>)> {
    (
        prop::option::of(prop::sample::select(vec![
            "u0", "u1", "U2", "u3", "g1", "G0",
        ])),
        prop::option::of(prop::sample::select(vec!["h0", "h1", "PC1", "pc2"])),
        prop::option::of((0u8..6).prop_map(|d| IpAddr::V4(Ipv4Addr::new(10, 0, 0, d)))),
        prop::collection::vec(
            prop::sample::select(vec!["L0", "L1"]).prop_map(String::from),
            0..2,
        ),
    )
        .prop_map(|(u, h, ip, l)| (u.map(String::from), h.map(String::from), ip, l))
}

fn pool() -> impl Strategy<Value = Option<Pool>> {
    let license = (
        prop::collection::vec(0u64..4, 3),
        prop::option::of(1u64..20),
    );
    prop::option::of((
        prop::sample::select(vec!["none", "user", "user_host"]),
        prop::collection::vec(license, 1..3),
        prop::collection::vec((principal(), 0usize..3, any::<bool>(), any::<bool>()), 0..8),
    ))
    .prop_map(|p| {
        let (sharing, licenses, sessions) = p?;
        let lic: Vec<Value> = licenses
            .iter()
            .enumerate()
            .map(|(i, (seats, hours))| {
                let features: serde_json::Map<String, Value> = FEATURES
                    .iter()
                    .zip(seats)
                    .filter(|(_, s)| **s > 0)
                    .map(|(f, s)| (f.to_string(), json!(s)))
                    .collect();
                json!({"serial": SERIALS[i], "features": features, "max_borrow_hours": hours})
            })
            .collect();
        // Keep only sessions that fit in the seats.
        let mut used = std::collections::HashMap::new();
        let mut sess = Vec::new();
        for ((u, h, ip, l), f, borrow, on_second) in sessions {
            let feature = FEATURES[f];
            let li = if on_second && licenses.len() > 1 { 1 } else { 0 };
            let seats = licenses[li].0[f];
            let n = used.entry((li, f)).or_insert(0u64);
            if *n >= seats {
                continue;
            }
            *n += 1;
            sess.push(json!({"user": u, "host": h, "ip": ip.map(|i| i.to_string()), "local_groups": l,
                "feature": feature, "serial": SERIALS[li], "kind": if borrow { "borrow" } else { "checkout" }}));
        }
        let v = json!({"seat_sharing": sharing, "licenses": lic, "sessions": sess});
        serde_json::from_value(v).ok()
    })
}

fn request() -> impl Strategy<Value = Request> {
    (
        principal(),
        prop::sample::select(FEATURES.to_vec()),
        any::<bool>(),
        prop::option::of(prop::sample::select(SERIALS.to_vec())),
        prop::option::of(0u64..40),
    )
        .prop_map(
            |((user, host, ip, local_groups), f, borrow, serial, hours)| Request {
                principal: privy::request::Principal {
                    user,
                    host,
                    ip,
                    local_groups,
                },
                feature: f.into(),
                action: if borrow {
                    Action::Borrow
                } else {
                    Action::Checkout
                },
                serial: serial.map(String::from),
                hours,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_the_reference(cfg in config(), pool in pool(), reqs in prop::collection::vec(request(), 1..6)) {
        let doc = Document::from_text(cfg.to_string());
        let engine = Engine::new(doc.config());
        let index = pool.clone().map(|p| p.index().expect("generated pools are valid"));
        let counts = index.as_ref().map(|i| PoolView::new(&engine, i));
        let mut scratch = Scratch::default();
        for req in &reqs {
            let want = reference(&cfg, pool.as_ref(), req);
            let got = engine.decide(req, counts.as_ref());
            prop_assert_eq!((got.decision, got.reason, got.rules.iter().map(|r| r.pointer()).collect::<Vec<_>>()), want.clone(), "request {:?}\nconfig {}", req, cfg);
            // The fast path (no trace) agrees with the explained one.
            prop_assert_eq!(engine.verdict(req, counts.as_ref(), &mut scratch), (want.0, want.1));
        }
    }
}

#[test]
fn the_reference_glob_and_ip_forms_work() {
    assert!(name_matches("WS*CAD", "ws12cad"));
    assert!(!name_matches("WS*CAD", "ws12cadx"));
    assert_eq!(
        ip_form_matches(
            "10.0.0.1-3",
            Some(
                "10.0.0.2"
                    .parse()
                    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            )
        ),
        Some(true)
    );
    assert_eq!(
        ip_form_matches(
            "10.0.0.3-1",
            Some(
                "10.0.0.2"
                    .parse()
                    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            )
        ),
        Some(false)
    );
    assert_eq!(ip_form_matches("PC1", None), None);
}
