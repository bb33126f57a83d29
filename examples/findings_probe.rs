//! The findings over every principal of one file, with a budget given in
//! seconds (`cargo run --release --example findings_probe FILE SECONDS`):
//! how long they take whole, for docs/performance.md and profiling.

use std::time::{Duration, Instant};

use privy::analysis::effect;
use privy::document::Document;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), secs) = (args.next(), args.next()) else {
        eprintln!("usage: findings_probe FILE [SECONDS]");
        std::process::exit(2);
    };
    let secs: u64 = secs.and_then(|s| s.parse().ok()).unwrap_or(60);
    let doc = match Document::open(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let f = effect::of_document_within(doc.parsed(), doc.config(), Duration::from_secs(secs));
    println!(
        "{path}: {:.2} s; {}",
        start.elapsed().as_secs_f64(),
        privy::words::findings::tally(&f)
    );
    // PRIVY_PROBE_LIST=1: each rule found to have no effect, as kind and
    // number, for checking them against a diff.
    if std::env::var_os("PRIVY_PROBE_LIST").is_some() {
        for n in &f.no_effect {
            println!("{:?} {}", n.rule.kind, n.rule.index);
        }
    }
}
