//! Where `privy check`'s load spends its time, phase by phase
//! (docs/performance.md): `cargo run --release --example check_probe FILE`.
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let text = privy::input::read_text(std::path::Path::new(&path)).expect("read");
    for _ in 0..3 {
        let t = Instant::now();
        let parsed = privy::json::parse::parse(&text);
        let t1 = t.elapsed();
        let lines = privy::json::LineIndex::new(&text);
        let t2 = t.elapsed();
        let cfg = privy::model::Config::from_tree_with(
            parsed.root.as_ref().unwrap(),
            &text,
            privy::par::Threads::Auto,
        );
        let t3 = t.elapsed();
        let an = privy::validate::Analysis::new_with(&parsed, &cfg, privy::par::Threads::Auto);
        let t4 = t.elapsed();
        let d = an.diagnostics(&parsed);
        let t5 = t.elapsed();
        let s = privy::secrets::Secrets::of(parsed.root.as_ref(), &text);
        let t6 = t.elapsed();
        println!(
            "parse {:?} lines {:?} config {:?} validate {:?} diags {:?} secrets {:?} n={}",
            t1,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            t5 - t4,
            t6 - t5,
            d.len()
        );
        let t7 = Instant::now();
        drop((parsed, cfg, an, d, s, lines));
        println!("drop {:?}", t7.elapsed());
    }
}
