//! Where one request's answer spends its time on a generated 5 000-rule file
//! (docs/performance.md): `cargo run --release --example explain_probe`.
use privy::analysis::explained::{Options, explained};
use privy::analysis::{Budget, TIME_BUDGET};
use privy::document::Document;
use privy::engine::{Engine, Request};
use privy::generate::{self, Shape};
use std::time::Instant;
fn main() {
    let shape = Shape {
        rules: 5000,
        groups: 500,
        members: 100_000,
        ..Shape::default()
    };
    let doc = Document::from_text(generate::config(shape));
    for i in 0..20u64 {
        let user = generate::user(i * 37);
        let feature = generate::feature(i % 50);
        let mut req = Request {
            user: Some(user),
            feature,
            ..Request::default()
        };
        if i % 2 == 1 {
            req.host = Some("PC0042".into());
            req.ip = "10.1.2.3".parse().ok();
        }
        let t = Instant::now();
        let engine = Engine::for_features(doc.config(), &[req.feature.as_str()]);
        let d = engine.decide(&req, None);
        let t1 = t.elapsed();
        let budget = Budget {
            deadline: Some(Instant::now() + TIME_BUDGET),
            ..Budget::default()
        };
        let e = explained(&doc, &engine, None, &req, &d, Options::default(), &budget);
        let t2 = t.elapsed();
        let e2 = explained(
            &doc,
            &engine,
            None,
            &req,
            &d,
            Options {
                suggestions: true,
                ..Options::default()
            },
            &budget,
        );
        let t3 = t.elapsed();
        let atoms = privy::analysis::atoms::Atoms::of(&[doc.config()], None, &req.feature);
        println!(
            "{i} {:?} {:?} decide {:?} det {:?} sug {:?} names {} wild {} ip {} alts {} sugs {} exh {}",
            req.feature,
            d.reason,
            t1,
            t2 - t1,
            t3 - t2,
            atoms.names.len(),
            atoms.wildcards.len(),
            atoms.ipv4.len(),
            e.determination.would_change.len(),
            e2.suggestions.len(),
            e.determination.exhaustive
        );
    }
}
