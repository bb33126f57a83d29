//! One request's whole answer beyond the verdict (`privy explain`'s
//! `determined`, `would_change` and `suggestions`): the determined check
//! alone and with the verified suggestions and their impact, on the
//! example and on a generated 5 000-rule file, in process (the library as
//! the simulator calls it), per request.
//!
//! `cargo bench --bench explain` measures (`-- --each` also prints every
//! request's figures); under `cargo test` it runs the example once, so it
//! keeps working.

use std::time::{Duration, Instant};

use privy::analysis::explained::{ExplainedOptions, explained};
use privy::analysis::{Budget, TIME_BUDGET};
use privy::document::Document;
use privy::engine::{Engine, Request, Verdict};
use privy::generate::{self, Shape};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times the determined check and the whole answer for each request.
fn measure(label: &str, doc: &Document, requests: &[Request], runs: usize) {
    let budget = || Budget {
        deadline: Some(Instant::now() + TIME_BUDGET),
        ..Budget::default()
    };
    let (mut det, mut all) = (Vec::new(), Vec::new());
    let (mut denied, mut suggestions, mut undetermined) = (0, 0, 0);
    for _ in 0..runs {
        for req in requests {
            let start = Instant::now();
            let engine = Engine::for_features(doc.config(), &[req.feature.as_str()]);
            let d = engine.decide(req, None);
            let only = explained(
                doc.version(),
                &engine,
                None,
                req,
                &d,
                ExplainedOptions::default(),
                &budget(),
            );
            det.push(start.elapsed());
            let start = Instant::now();
            let engine = Engine::for_features(doc.config(), &[req.feature.as_str()]);
            let d = engine.decide(req, None);
            let e = explained(
                doc.version(),
                &engine,
                None,
                req,
                &d,
                ExplainedOptions {
                    suggestions: true,
                    ..ExplainedOptions::default()
                },
                &budget(),
            );
            all.push(start.elapsed());
            if std::env::args().any(|a| a == "--each") {
                // Where one request's time goes (docs/performance.md).
                println!(
                    "  {} {:?}: determined {:.1} ms, with suggestions {:.1} ms, {} alternatives, {} suggestions",
                    req.feature,
                    d.reason,
                    ms(*det.last().unwrap_or(&Duration::ZERO)),
                    ms(*all.last().unwrap_or(&Duration::ZERO)),
                    only.determination.would_change.len(),
                    e.suggestions.len()
                );
            }
            denied += usize::from(d.decision == Verdict::Denied);
            suggestions += e.suggestions.len();
            undetermined += usize::from(!only.determination.determined);
        }
    }
    let n = runs * requests.len();
    println!(
        "{label}: decide + determined median {:.2} ms (max {:.2}); + suggestions median {:.2} ms (max {:.2}); {} requests, {} denied, {} undetermined, {:.1} suggestions per request",
        ms(median(det.clone())),
        ms(det.iter().copied().max().unwrap_or_default()),
        ms(median(all.clone())),
        ms(all.iter().copied().max().unwrap_or_default()),
        n,
        denied,
        undetermined,
        suggestions as f64 / n as f64
    );
}

fn request(user: Option<&str>, host: Option<&str>, ip: Option<&str>, feature: &str) -> Request {
    Request {
        principal: privy::request::Principal {
            user: user.map(String::from),
            host: host.map(String::from),
            ip: ip.and_then(|i| i.parse().ok()),
            ..Default::default()
        },
        feature: feature.to_string(),
        ..Request::default()
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = Document::open(root.join("assets/examples/ServerConfig.json")).expect("example");
    let asked = [
        request(Some("erik"), None, None, "KAS"),
        request(Some("erik"), None, Some("10.20.30.120"), "KAS"),
        request(Some("zed"), Some("QQ"), Some("1.2.3.4"), "EXPORT_ALL"),
        request(
            Some("Some user"),
            Some("PC001"),
            None,
            "FUNCTIONALITY_TECHDOC",
        ),
        request(Some("anna"), None, None, "export_all"),
    ];
    measure("example", &example, &asked, if full { 50 } else { 1 });
    if !full {
        return;
    }
    let shape = Shape {
        rules: 5000,
        groups: 500,
        members: 100_000,
        ..Shape::default()
    };
    let doc = Document::from_text(generate::config(shape));
    println!(
        "generated: {} rules, {} groups, {} bytes",
        shape.rules,
        shape.groups,
        doc.text().len()
    );
    let requests: Vec<Request> = (0..20u64)
        .map(|i| {
            let user = generate::user(i * 37);
            let feature = generate::feature(i % 50);
            if i % 2 == 0 {
                request(Some(&user), None, None, &feature)
            } else {
                request(Some(&user), Some("PC0042"), Some("10.1.2.3"), &feature)
            }
        })
        .collect();
    measure("5000 rules", &doc, &requests, 3);
}
