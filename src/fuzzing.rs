//! The bodies of the fuzz targets (`fuzz/`), here so the regression tests
//! under `tests/` run the very same code on the inputs the fuzzers found.
//! Each panics only on a real bug: a crash, or two paths that must agree
//! and do not.

use crate::document::Document;
use crate::engine::matcher::Scratch;
use crate::engine::pool::Pool;
use crate::engine::{Action, Engine, PoolView, Request};
use crate::pattern::{Kind, NamePattern, Pattern, split_entries};

/// Loading and validation of arbitrary bytes, and the text report.
pub fn load(data: &[u8]) {
    let Ok(text) = crate::document::decode(data.to_vec()) else {
        return;
    };
    let doc = Document::from_text(text);
    let located = crate::diag::Located::all(doc.diagnostics(), doc.text(), doc.lines());
    // The sweep locates exactly as one look-up each does.
    for (d, l) in doc.diagnostics().iter().zip(&located) {
        assert_eq!(*l, crate::diag::Located::new(d, doc.text(), doc.lines()));
    }
    let secrets = crate::secrets::Secrets::of(doc.parsed().root.as_ref(), doc.text());
    let source = crate::cli::check::Source {
        text: doc.text(),
        lines: doc.lines(),
        secrets: &secrets,
    };
    let _ = crate::cli::check::render_text("f", Some(source), &located);
    // Every fix must apply to the text it was made for.
    for d in doc.diagnostics() {
        if let Some(fix) = &d.fix {
            assert!(
                doc.text()
                    .get(fix.edit.span.start..fix.edit.span.end)
                    .is_some(),
                "fix {:?} outside the text",
                fix.edit.span
            );
        }
    }
}

/// Pattern parsing and matching: entries of a list, each matched against
/// the others and itself.
pub fn patterns(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let entries: Vec<_> = split_entries(&text).take(64).collect();
    for e in &entries {
        let p = Pattern::parse(e.text);
        let _ = p.kind_label();
        // The model keeps only the compact kind; it must say what the full
        // parse says, and whether the text is already folded.
        let kind = Kind::of(e.text);
        match (kind, &p) {
            (Kind::Name { wildcard, folded }, Pattern::Name(n)) => {
                assert_eq!(wildcard, n.has_wildcard(), "{:?}", e.text);
                assert_eq!(folded, *n.folded == *e.text, "{:?}", e.text);
            }
            _ => assert_eq!(kind, Kind::from(&p), "{:?}", e.text),
        }
        if let Pattern::Name(n) = &p {
            // A pattern without wildcards matches its own text.
            if !n.has_wildcard() {
                assert!(n.matches(e.text), "{:?} does not match itself", e.text);
            }
        }
        let n = NamePattern::new(e.text);
        for other in &entries {
            let _ = n.matches(other.text);
        }
        if let Ok(ip) = e.text.parse::<std::net::IpAddr>() {
            let _ = p.matches_ip(ip);
        }
    }
}

/// The engine on a configuration, a pool and a request, all from the
/// input (parts separated by `\u{1}`): the fast path and the explaining
/// path must reach the same decision for the same reason.
pub fn engine(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1}');
    let config = parts.next().unwrap_or_default();
    let pool = parts.next().unwrap_or_default();
    let mut field = || parts.next().map(str::to_string).filter(|s| !s.is_empty());
    let user = field();
    let host = field();
    let ip = field().and_then(|s| s.parse().ok());
    let feature = field().unwrap_or_else(|| "F".into());
    let action = field();
    let hours = field().and_then(|s| s.parse().ok());
    let serial = field();
    let local_groups = field().map(|s| vec![s]).unwrap_or_default();
    let req = Request {
        principal: crate::request::Principal {
            user,
            host,
            ip,
            local_groups,
        },
        feature,
        action: if action.as_deref() == Some("b") {
            Action::Borrow
        } else {
            Action::Checkout
        },
        serial,
        hours,
    };
    let doc = Document::from_text(config);
    let engine = Engine::new(doc.config());
    let index = Pool::from_json(pool).and_then(Pool::index).ok();
    let counts = index.as_ref().map(|i| PoolView::new(&engine, i));
    let mut scratch = Scratch::default();
    let fast = engine.verdict(&req, counts.as_ref(), &mut scratch);
    let traced = engine.decide(&req, counts.as_ref());
    assert_eq!(
        fast,
        (traced.decision, traced.reason),
        "fast and traced disagree"
    );
    // An engine of only the rules for this feature decides it the same,
    // trace and all.
    let narrow = Engine::for_features(doc.config(), &[req.feature.as_str()]);
    let counts = index.as_ref().map(|i| PoolView::new(&narrow, i));
    assert_eq!(
        narrow.decide(&req, counts.as_ref()),
        traced,
        "the one-feature engine decides differently"
    );
}
