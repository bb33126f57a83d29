//! Scenario replay: requests decided one after another against a pool, each
//! granted one holding its seat from then on, to reproduce stories like
//! "the fourth user was denied".

use crate::engine::pool::{Pool, PoolError, SeatSharing, Session};
use crate::engine::{Decision, Engine, PoolView, Request, Verdict};
use crate::pattern::fold;

/// One request of the replay and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioStep {
    pub decision: Decision,
    /// The grant became a new session (not when there is no pool, and not
    /// when seat sharing let it reuse a session the principal holds).
    pub took_seat: bool,
}

/// Decides `requests` in order. With a pool, every granted request becomes
/// a session on the license that served it before the next is decided.
/// Without one, the requests are independent (no seats are counted).
pub fn replay(
    engine: &Engine,
    pool: Option<&Pool>,
    requests: &[Request],
) -> Result<Vec<ScenarioStep>, PoolError> {
    let mut pool = pool.cloned();
    let mut steps = Vec::with_capacity(requests.len());
    for req in requests {
        let Some(current) = pool.as_mut() else {
            steps.push(ScenarioStep {
                decision: engine.decide(req, None),
                took_seat: false,
            });
            continue;
        };
        let index = current.clone().index()?;
        let counts = PoolView::new(engine, &index);
        let decision = engine.decide(req, Some(&counts));
        drop(counts);
        let mut took_seat = false;
        if decision.decision == Verdict::Granted {
            let serial = decision.serial.clone();
            if !reuses(current, req, serial.as_deref()) {
                current.sessions.push(Session {
                    user: req.principal.user.clone(),
                    host: req.principal.host.clone(),
                    ip: req.principal.ip.map(|ip| ip.to_string()),
                    local_groups: req.principal.local_groups.clone(),
                    feature: req.feature.clone(),
                    serial,
                    kind: req.action,
                });
                took_seat = true;
            }
        }
        steps.push(ScenarioStep {
            decision,
            took_seat,
        });
    }
    Ok(steps)
}

/// Seat sharing lets the request reuse a session it already holds on the
/// license (semantics.md, duplicate sessions).
fn reuses(pool: &Pool, req: &Request, serial: Option<&str>) -> bool {
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => fold(a.trim()) == fold(b.trim()),
        _ => false,
    };
    let on_license = |s: &Session| match (&s.serial, serial) {
        (Some(a), Some(b)) => a == b,
        // A session without a serial sits on the first license offering
        // the feature.
        (None, Some(b)) => pool
            .licenses
            .iter()
            .find(|l| l.seats(&s.feature).is_some())
            .is_some_and(|l| l.serial == b),
        _ => false,
    };
    pool.sessions.iter().any(|s| {
        s.feature == req.feature
            && on_license(s)
            && match pool.seat_sharing {
                SeatSharing::None => false,
                SeatSharing::User => same(&s.user, &req.principal.user),
                SeatSharing::UserHost => {
                    same(&s.user, &req.principal.user) && same(&s.host, &req.principal.host)
                }
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::engine::Reason;

    fn pool(sharing: &str) -> Pool {
        Pool::from_json(&format!(
            r#"{{ "seat_sharing": "{sharing}", "licenses": [ {{ "serial": "S1", "features": {{ "CAD": 2 }} }} ] }}"#
        ))
        .expect("pool")
    }

    fn req(user: &str) -> Request {
        Request {
            principal: crate::request::Principal {
                user: Some(user.into()),
                host: Some("PC1".into()),
                ..Default::default()
            },
            feature: "CAD".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_third_request_finds_no_seat() {
        let doc = Document::from_text("{}");
        let engine = Engine::new(doc.config());
        let steps = replay(
            &engine,
            Some(&pool("none")),
            &[req("a"), req("b"), req("c")],
        )
        .expect("replays");
        let got: Vec<_> = steps
            .iter()
            .map(|s| (s.decision.reason, s.took_seat))
            .collect();
        assert_eq!(
            got,
            [
                (Reason::Granted, true),
                (Reason::Granted, true),
                (Reason::NoFreeSeat, false)
            ]
        );
        assert_eq!(steps[0].decision.serial.as_deref(), Some("S1"));
    }

    #[test]
    fn seat_sharing_reuses_the_session() {
        let doc = Document::from_text("{}");
        let engine = Engine::new(doc.config());
        let steps = replay(
            &engine,
            Some(&pool("user")),
            &[req("a"), req("A"), req("b"), req("c")],
        )
        .expect("replays");
        let took: Vec<_> = steps.iter().map(|s| s.took_seat).collect();
        assert_eq!(took, [true, false, true, false]);
        assert_eq!(steps[3].decision.reason, Reason::NoFreeSeat);
    }

    #[test]
    fn without_a_pool_nothing_accumulates() {
        let doc = Document::from_text("{}");
        let engine = Engine::new(doc.config());
        let steps = replay(&engine, None, &[req("a"), req("b"), req("c")]).expect("replays");
        assert!(
            steps
                .iter()
                .all(|s| s.decision.decision == Verdict::Granted && !s.took_seat)
        );
    }
}

/// Seats of one feature as a scenario goes: how many the pool's licenses
/// offer, how many its sessions hold before the first request, and after
/// each step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub feature: String,
    pub seats: u64,
    pub at_start: u64,
    /// In use after each step (one per step, every step, whatever feature
    /// it asked for).
    pub after: Vec<u64>,
}

/// The running tally of seats per feature the requests ask for (and the
/// pool offers), step by step.
pub fn tally(pool: &Pool, requests: &[Request], steps: &[ScenarioStep]) -> Vec<Tally> {
    let mut out: Vec<Tally> = Vec::new();
    for req in requests {
        if out.iter().any(|t| t.feature == req.feature) {
            continue;
        }
        let seats: u64 = pool
            .licenses
            .iter()
            .filter_map(|l| l.seats(&req.feature))
            .sum();
        let at_start = pool
            .sessions
            .iter()
            .filter(|s| s.feature == req.feature)
            .count() as u64;
        out.push(Tally {
            feature: req.feature.clone(),
            seats,
            at_start,
            after: Vec::with_capacity(steps.len()),
        });
    }
    let mut now: Vec<u64> = out.iter().map(|t| t.at_start).collect();
    for (req, step) in requests.iter().zip(steps) {
        if step.took_seat
            && let Some(i) = out.iter().position(|t| t.feature == req.feature)
        {
            now[i] += 1;
        }
        for (t, n) in out.iter_mut().zip(&now) {
            t.after.push(*n);
        }
    }
    out
}

#[cfg(test)]
mod tally_tests {
    use super::*;

    #[test]
    fn seats_are_counted_step_by_step() {
        let pool = Pool::from_json(
            r#"{"licenses": [{"serial": "A", "features": {"CAD": 2, "KAS": 1}}],
                "sessions": [{"user": "x", "feature": "CAD", "kind": "checkout"}]}"#,
        )
        .expect("pool");
        let doc = crate::document::Document::from_text("{}");
        let engine = Engine::new(doc.config());
        let req = |u: &str, f: &str| {
            crate::request::Principal {
                user: Some(u.into()),
                ..Default::default()
            }
            .request(f, crate::engine::Action::Checkout)
        };
        let requests = [req("a", "CAD"), req("b", "CAD"), req("c", "KAS")];
        let steps = replay(&engine, Some(&pool), &requests).expect("replay");
        assert_eq!(
            steps.iter().map(|s| s.took_seat).collect::<Vec<_>>(),
            [true, false, true]
        );
        let t = tally(&pool, &requests, &steps);
        assert_eq!(t[0].feature, "CAD");
        assert_eq!((t[0].seats, t[0].at_start), (2, 1));
        assert_eq!(t[0].after, [2, 2, 2]);
        assert_eq!(t[1].after, [0, 0, 1]);
    }
}
