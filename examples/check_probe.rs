//! Where `privy check`'s load spends its time, phase by phase
//! (docs/performance.md): `cargo run --release --example check_probe FILE [RUNS]`.
//! Prints the fastest of RUNS (default 7) for each phase, in process (the
//! memory of a run is reused by the next, so page faults are left out).
use std::time::{Duration, Instant};
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let text = privy::input::read_text(std::path::Path::new(&path)).expect("read");
    let names = [
        "parse", "lines", "config", "validate", "diags", "secrets", "drop",
    ];
    let mut best = [Duration::MAX; 7];
    for _ in 0..runs {
        let mut t = Instant::now();
        let mut lap = |i: usize, t: &mut Instant| {
            best[i] = best[i].min(t.elapsed());
            *t = Instant::now();
        };
        let parsed = privy::json::parse::parse(&text);
        lap(0, &mut t);
        let lines = privy::json::LineIndex::new(&text);
        lap(1, &mut t);
        let cfg = privy::model::Config::from_tree_with(
            parsed.root.as_ref().expect("a JSON file"),
            &text,
            privy::par::Threads::Auto,
        );
        lap(2, &mut t);
        let an = privy::validate::Analysis::new_with(&parsed, &cfg, privy::par::Threads::Auto);
        lap(3, &mut t);
        let d = an.diagnostics(&parsed);
        lap(4, &mut t);
        let s = privy::secrets::Secrets::of(parsed.root.as_ref(), &text);
        lap(5, &mut t);
        drop((parsed, cfg, an, d, s, lines));
        lap(6, &mut t);
    }
    let line: Vec<String> = names
        .iter()
        .zip(best)
        .map(|(n, d)| format!("{n} {:.1} ms", d.as_secs_f64() * 1e3))
        .collect();
    println!("{}", line.join(" · "));
}
