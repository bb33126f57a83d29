//! Decisions per second on a generated configuration (500 rules, 500 groups
//! with 100 000 members in all, nested up to five levels) with and without a
//! pool of 5 000 sessions, on one core.
//!
//! `cargo bench --bench decisions` measures; under `cargo test` (no `--bench`
//! argument) it runs a few iterations only, so it keeps compiling and working.

use std::hint::black_box;
use std::time::{Duration, Instant};

use privy::document::Document;
use privy::engine::matcher::Scratch;
use privy::engine::pool::{Pool, PoolIndex};
use privy::engine::{Action, Engine, PoolView, Request};
use privy::generate::{self, Rng, Shape};
use privy::sim::matrix::{Matrix, Principal};

fn requests(shape: Shape, n: usize) -> Vec<Request> {
    let mut r = Rng::new(99);
    (0..n)
        .map(|_| Request {
            principal: privy::request::Principal {
                user: Some(generate::user(r.below(shape.users as u64))),
                host: Some(format!("PC{}", r.below(1000))),
                ip: Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
                    10,
                    r.below(4) as u8,
                    r.below(256) as u8,
                    r.below(256) as u8,
                ))),
                local_groups: Vec::new(),
            },
            feature: generate::feature(r.below(shape.features as u64)),
            action: if r.chance(20) {
                Action::Borrow
            } else {
                Action::Checkout
            },
            serial: None,
            hours: if r.chance(50) {
                Some(r.below(2000))
            } else {
                None
            },
        })
        .collect()
}

/// Runs `f` over the requests repeatedly for about `budget`; returns
/// decisions per second.
fn measure(reqs: &[Request], budget: Duration, mut f: impl FnMut(&Request) -> bool) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    let mut granted = 0u64;
    while start.elapsed() < budget || n == 0 {
        for r in reqs {
            granted += u64::from(f(r));
        }
        n += reqs.len() as u64;
    }
    black_box(granted);
    n as f64 / start.elapsed().as_secs_f64()
}

/// The matrix after typing in a rule's USERS, as the simulator does it: the
/// document follows the edit in part and the engine is updated in place
/// (`Engine::update`), then the 200 x 50 cells are decided.
fn matrix_after_typing(
    name: &str,
    text: &str,
    pool: &privy::engine::pool::PoolIndex,
    principals: &[Principal],
    features: &[String],
    full: bool,
) {
    let mut doc = Document::from_text(text);
    let mut engine = Engine::new(doc.config());
    let rule = doc
        .config()
        .all_rules()
        .filter(|r| r.users.is_some())
        .nth(doc.config().all_rules().count() / 3)
        .map(|r| r.pointer.clone())
        .unwrap_or_default();
    let times: Vec<(Duration, Duration)> = (0..if full { 50 } else { 2 })
        .map(|i| {
            let users = if i % 2 == 0 {
                "user00001;x"
            } else {
                "user00001;xy"
            };
            let edit = privy::document::Edit::SetValue {
                pointer: format!("{rule}/USERS"),
                value: serde_json::Value::String(users.into()),
            };
            let t = Instant::now();
            let typed = doc.apply(&edit).is_ok();
            let updated = typed
                && doc
                    .last_change()
                    .is_some_and(|(_, touched)| engine.update(doc.config(), touched));
            assert!(updated, "the edit was not followed in place");
            let followed = t.elapsed();
            black_box(matrix(&engine, pool, principals, features));
            (t.elapsed(), followed)
        })
        .collect();
    report_matrix(
        &format!("after typing in USERS, {name}"),
        "edit and engine update",
        times,
    );
}

/// The 200 x 50 matrix with the pool, checking out; gives its cell count.
fn matrix(
    engine: &Engine,
    pool: &PoolIndex,
    principals: &[Principal],
    features: &[String],
) -> usize {
    Matrix::compute(
        engine,
        Some(pool),
        principals.to_vec(),
        features.to_vec(),
        Action::Checkout,
    )
    .cells
    .len()
}

/// Prints the median and worst of (whole, part) timings of the matrix.
fn report_matrix(when: &str, part: &str, mut times: Vec<(Duration, Duration)>) {
    times.sort();
    let (median, of_which) = times[times.len() / 2];
    println!(
        "decision matrix 200 x 50 with pool {when}: median {:.2} ms ({part} {:.2} ms), max {:.2} ms",
        median.as_secs_f64() * 1e3,
        of_which.as_secs_f64() * 1e3,
        times[times.len() - 1].0.as_secs_f64() * 1e3
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let shape = if full {
        Shape::default()
    } else {
        // Few distinct users, so that most requests name users the rules
        // and groups list (with the full shape's 50 000 almost none do, and
        // the check below would not see name matching go wrong).
        Shape {
            rules: 50,
            groups: 50,
            members: 2_000,
            users: 300,
            ..Shape::default()
        }
    };
    let sessions = if full { 5_000 } else { 200 };
    let budget = Duration::from_millis(if full { 3_000 } else { 50 });

    let t = Instant::now();
    let text = generate::config(shape);
    let doc = Document::from_text(text.clone());
    let load = t.elapsed();
    let t = Instant::now();
    let engine = Engine::new(doc.config());
    let compile = t.elapsed();
    let pool = Pool::from_json(&generate::pool(shape, 3, sessions))
        .and_then(Pool::index)
        .expect("generated pool is valid");
    let reqs = requests(shape, 10_000);

    let mut scratch = Scratch::default();
    let without = measure(&reqs, budget, |r| {
        engine.verdict(r, None, &mut scratch).0 == privy::engine::Verdict::Granted
    });
    let counts = PoolView::new(&engine, &pool);
    // Warm the per-rule usage cache once, as a long-lived simulator would.
    for r in &reqs {
        black_box(engine.verdict(r, Some(&counts), &mut scratch));
    }
    let with = measure(&reqs, budget, |r| {
        engine.verdict(r, Some(&counts), &mut scratch).0 == privy::engine::Verdict::Granted
    });
    let traced = measure(&reqs[..1000], budget, |r| {
        engine.decide(r, Some(&counts)).decision == privy::engine::Verdict::Granted
    });

    println!(
        "config: {} rules, {} groups, {} members, {} bytes; pool: {} sessions",
        shape.rules,
        shape.groups,
        shape.members,
        text.len(),
        sessions
    );
    println!(
        "load + validate: {:.1} ms; compile: {:.1} ms",
        load.as_secs_f64() * 1e3,
        compile.as_secs_f64() * 1e3
    );
    // The simulator's decision matrix after an edit: the engine compiled
    // anew and 200 principals x 50 features decided, as `ui::sim` does it
    // (sim::matrix). Measured on this configuration and on a smaller,
    // everyday one (50 rules, 2 000 members).
    let principals: Vec<Principal> = reqs
        .iter()
        .take(200)
        .map(|r| Principal {
            user: r.principal.user.clone(),
            host: r.principal.host.clone(),
            ip: r.principal.ip,
            local_groups: Vec::new(),
        })
        .collect();
    let features: Vec<String> = (0..50)
        .map(|f| generate::feature(f % shape.features as u64))
        .collect();
    let everyday = Shape {
        rules: 50,
        groups: 50,
        members: 2_000,
        ..shape
    };
    let small_doc = Document::from_text(generate::config(everyday));
    for (name, doc) in [("this config", &doc), ("everyday config", &small_doc)] {
        matrix_after_typing(name, doc.text(), &pool, &principals, &features, full);
        let times: Vec<(Duration, Duration)> = (0..if full { 50 } else { 2 })
            .map(|_| {
                let t = Instant::now();
                let engine = Engine::new(doc.config());
                let compiled = t.elapsed();
                black_box(matrix(&engine, &pool, &principals, &features));
                (t.elapsed(), compiled)
            })
            .collect();
        report_matrix(&format!("after an edit, {name}"), "compile", times);
    }
    println!("decisions/s without pool: {without:>12.0}");
    println!("decisions/s with pool:    {with:>12.0}");
    println!("decisions/s with trace:   {traced:>12.0}");

    if !full {
        // Under `cargo test`: the fast and the traced paths must agree on
        // every generated request, with and without the pool.
        let mut failed = 0;
        for r in &reqs {
            for c in [None, Some(&counts)] {
                let fast = engine.verdict(r, c, &mut scratch);
                let traced = engine.decide(r, c);
                if fast != (traced.decision, traced.reason) {
                    failed += 1;
                    eprintln!(
                        "disagree on {r:?}: fast {fast:?}, traced {:?}",
                        (traced.decision, traced.reason)
                    );
                }
            }
        }
        println!(
            "bench-smoke: {} passed, {failed} failed",
            2 * reqs.len() - failed
        );
        if failed > 0 {
            std::process::exit(1);
        }
    }
}
