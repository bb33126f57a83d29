//! The findings over every principal (`no-effect`, `overridden-in-part`,
//! `denies-everyone-else`) in process, on the example file and on
//! generated files of 500 to 5 000 rules: how long they take and whether
//! they were complete within the 5 s budget (`exhaustive`).
//!
//! `cargo bench --bench findings` measures; under `cargo test` it runs the
//! example once, so it keeps working.

use std::time::{Duration, Instant};

use privy::analysis::effect;
use privy::document::Document;
use privy::generate::{self, Shape};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(name: &str, text: &str, runs: usize) {
    let doc = Document::from_text(text);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let f = effect::of_document(doc.parsed(), doc.config());
        times.push(start.elapsed());
        last = Some(f);
    }
    let Some(f) = last else { return };
    println!(
        "{name}: median {:.1} ms over {runs} runs; {}",
        median(times).as_secs_f64() * 1e3,
        privy::words::findings::tally(&f)
    );
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/examples/ServerConfig.json"
    ))
    .expect("example");
    measure("example", &example, if quick { 1 } else { 21 });
    if quick {
        return;
    }
    for rules in [50, 500, 2000, 5000] {
        let text = generate::config(Shape {
            rules,
            groups: 500,
            members: 100_000,
            ..Shape::default()
        });
        measure(&format!("generated {rules} rules"), &text, 3);
    }
    // The two files of the issue (#26): a mid-size company, and a large
    // one (`privy gen` with these flags).
    let mid = generate::config(Shape {
        rules: 500,
        groups: 300,
        members: 20_000,
        features: 100,
        users: 5_000,
        seed: 3,
    });
    measure(
        "privy gen --rules 500 --groups 300 --members 20000 --features 100 --users 5000 --seed 3",
        &mid,
        5,
    );
    let large = generate::config(Shape {
        rules: 5000,
        groups: 500,
        members: 100_000,
        features: 50,
        users: 20_000,
        seed: 1,
    });
    measure(
        "privy gen --rules 5000 --groups 500 --members 100000 --features 50 --users 20000 --seed 1",
        &large,
        3,
    );
}
