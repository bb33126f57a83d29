//! The access report in words (analysis.md 6.4): a heading per feature,
//! action and license, one sentence per row, the named principals grouped
//! by their verdict, and the closing line.

use crate::analysis::access::{Access, FeatureAccess, Named, Row};
use serde_json::{Value, json};

use super::diff::witness_json;
use crate::analysis::diff::Side;

/// "KAS, checkout", "any feature no rule names (as ANY_OTHER_FEATURE),
/// borrow on license 2024-010".
pub fn heading(f: &FeatureAccess) -> String {
    let name = if f.other_feature {
        format!("any feature no rule names (as {})", f.feature)
    } else {
        f.feature.clone()
    };
    let serial = f
        .serial
        .as_deref()
        .map(|s| format!(" on license {s}"))
        .unwrap_or_default();
    format!("{name}, {}{serial}", super::action_word(f.action))
}

/// How many ways into a row the text names before counting the rest.
pub const WAYS_SHOWN: usize = 4;

/// A row's verdict line: "GRANTED by Allow checkouts rule 1 (12 principal
/// classes)".
pub fn row_verdict(r: &Row) -> String {
    let n = r.what.alike;
    let mut verdict = super::analysis::side(&r.side, true);
    if r.hours.len() > 1 {
        let hours: Vec<String> = r.hours.iter().map(u64::to_string).collect();
        verdict.push_str(&format!(
            ", at most {} borrow hours by who asks",
            hours.join(" or ")
        ));
    }
    format!(
        "{verdict} ({n} principal class{})",
        if n == 1 { "" } else { "es" }
    )
}

/// The names a row holds, at most `shown` of them and how many more, with
/// where to find them all ("anna, erik (through group `KAS Users`) and 12
/// more (all of them with --format json)"); `None` when it holds none.
pub fn row_names(f: &FeatureAccess, r: &Row, shown: usize, all_in: &str) -> Option<String> {
    // Only the names shown are worded: a row of a large file holds
    // thousands.
    let mut held = f.named.iter().filter(|n| in_row(r, n));
    let words: Vec<String> = held.by_ref().take(shown).map(named).collect();
    if words.is_empty() {
        return None;
    }
    let more = held.count();
    let mut list = words.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more (all of them {all_in})"));
    }
    Some(list)
}

/// Whether a named principal's answer is the row's: its verdict and
/// reason.
pub fn in_row(r: &Row, n: &Named) -> bool {
    (r.side.decision, r.side.reason) == (n.side.decision, n.side.reason)
}

/// Who a row stands for: "user or host `carla` or `dave`; or local group
/// `&CAD`; or 3 other ways in".
pub fn row_who(r: &Row) -> String {
    super::class_description_within(&r.what, WAYS_SHOWN)
}

/// Up to three witnesses of a row ("user `carla`; IP 4.3.2.1").
pub fn row_examples(r: &Row) -> String {
    let mut examples: Vec<String> = Vec::new();
    for way in &r.what.ways {
        let e = super::findings::principal(&way.witness);
        if !examples.contains(&e) {
            examples.push(e);
        }
        if examples.len() == 3 {
            break;
        }
    }
    if examples.is_empty() {
        examples.push(super::findings::principal(&r.witness));
    }
    examples.join("; ")
}

/// One principal's own verdict, in the report for one principal.
pub fn own_verdict(r: &Row) -> String {
    super::analysis::side(&r.side, true)
}

/// One named principal: "anna", "erik (through group `KAS Users`)".
pub fn named(n: &Named) -> String {
    let name = n
        .principal
        .user
        .as_deref()
        .or(n.principal.host.as_deref())
        .unwrap_or_default()
        .to_string();
    if n.via.is_empty() {
        name
    } else {
        let groups: Vec<String> = n.via.iter().map(|g| format!("`{g}`")).collect();
        format!(
            "{name} (through group{} {})",
            if groups.len() == 1 { "" } else { "s" },
            groups.join(", ")
        )
    }
}

/// "access to 3 features, exhaustive over every principal", or where the
/// budget stopped it.
pub fn summary(a: &Access) -> String {
    let mut features: Vec<&str> = a.features.iter().map(|f| f.feature.as_str()).collect();
    features.dedup();
    let n = features.len() + a.features_left.len();
    let head = format!("access to {n} feature{}", if n == 1 { "" } else { "s" });
    if a.exhaustive {
        return format!("{head}, exhaustive over every principal");
    }
    let mut s = format!(
        "{head}, NOT exhaustive: stopped at the budget after {} combinations, about {} left",
        a.examined, a.left
    );
    if !a.features_left.is_empty() {
        s.push_str(&format!(
            ", {} feature{} not reached",
            a.features_left.len(),
            if a.features_left.len() == 1 { "" } else { "s" }
        ));
    }
    s
}

/// Under a feature's rows in the window: requests naming a license may be
/// answered otherwise.
pub fn other_licenses(serials: &[&str]) -> String {
    match serials {
        [one] => format!(
            "A request naming license {one} may be answered otherwise: the CSV and HTML exports have it."
        ),
        many => format!(
            "A request naming one of {} licenses may be answered otherwise: the CSV and HTML exports have them.",
            many.len()
        ),
    }
}

/// The report as `--format csv` prints it: one line per row, then one per
/// named principal (description `named`).
pub fn csv(a: &Access) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "feature",
        "action",
        "serial",
        "decision",
        "reason",
        "rules",
        "description",
        "user",
        "host",
        "ip",
        "local_groups",
    ]);
    let rules = |s: &Side| {
        s.rules
            .iter()
            .map(|r| r.pointer())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for f in &a.features {
        let head = |s: &Side| {
            [
                f.feature.clone(),
                super::action_word(f.action).to_string(),
                f.serial.clone().unwrap_or_default(),
                super::verdict_word(s.decision).to_lowercase(),
                s.reason.as_str().to_string(),
                rules(s),
            ]
        };
        let principal = |p: &crate::request::Principal| {
            [
                p.user.clone().unwrap_or_default(),
                p.host.clone().unwrap_or_default(),
                p.ip.map(|i| i.to_string()).unwrap_or_default(),
                p.local_groups.join(";"),
            ]
        };
        for r in &f.rows {
            let mut rec: Vec<String> = head(&r.side).to_vec();
            rec.push(super::class_description(&r.what));
            rec.extend(principal(&r.witness));
            let _ = w.write_record(csv_safe(rec));
        }
        for n in &f.named {
            let mut rec: Vec<String> = head(&n.side).to_vec();
            rec.push("named".to_string());
            rec.extend(principal(&n.principal));
            let _ = w.write_record(csv_safe(rec));
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A field a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first)
/// is written with a leading `'`, as OWASP advises for CSV.
fn csv_safe(rec: Vec<String>) -> Vec<String> {
    rec.into_iter()
        .map(|f| {
            if f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{f}")
            } else {
                f
            }
        })
        .collect()
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report as a self-contained HTML page for an audit file: a section
/// per feature, action and license with its rows as sentences, and the
/// named principals as a table.
pub fn html(a: &Access, title: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Who can use what: {}</title>\n<style>\nbody {{ font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.45; margin: 2em auto; max-width: 60em; color: #1a1a1a; }}\nh1 {{ font-size: 1.6em; }} h2 {{ font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }}\n.granted {{ color: #14703c; font-weight: 600; }} .denied {{ color: #b3261e; font-weight: 600; }}\ntable {{ border-collapse: collapse; margin: 0.5em 0 1em; }} th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }}\nli {{ margin-bottom: 0.5em; }} .eg {{ color: #555; }}\n@media print {{ h2 {{ page-break-after: avoid; }} }}\n</style>\n</head>\n<body>\n<h1>Who can use what</h1>\n<p>{}</p>\n<p>{}</p>\n",
        esc(title),
        esc(title),
        esc(&summary(a))
    );
    for f in &a.features {
        let _ = writeln!(out, "<h2>{}</h2>\n<ul>", esc(&heading(f)));
        for r in &f.rows {
            let class = if r.side.decision == crate::engine::Verdict::Granted {
                "granted"
            } else {
                "denied"
            };
            let _ = writeln!(
                out,
                "<li><span class=\"{class}\">{}</span> to {}<br><span class=\"eg\">e.g. {}</span></li>",
                esc(&row_verdict(r)),
                esc(&super::class_description(&r.what)),
                esc(&row_examples(r))
            );
        }
        out.push_str("</ul>\n");
        if !f.named.is_empty() {
            out.push_str("<table>\n<tr><th>Name</th><th>Through group</th><th>Verdict</th></tr>\n");
            for n in &f.named {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(n.principal.user.as_deref().unwrap_or_default()),
                    esc(&n.via.join(", ")),
                    esc(&super::analysis::side(&n.side, true))
                );
            }
            out.push_str("</table>\n");
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn side_json(s: &Side) -> [(&'static str, Value); 3] {
    [
        ("decision", json!(s.decision)),
        ("reason", json!(s.reason)),
        ("rules", json!(s.rules)),
    ]
}

fn feature_json(f: &FeatureAccess) -> Value {
    let rows: Vec<Value> = f
        .rows
        .iter()
        .map(|r| {
            let mut o: serde_json::Map<String, Value> = side_json(&r.side)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            o.insert("max_borrow_hours".into(), json!(r.side.max_borrow_hours));
            o.insert("hours".into(), json!(r.hours));
            o.insert(
                "description".into(),
                json!(super::class_description(&r.what)),
            );
            o.insert("witness".into(), witness_json(&r.witness));
            o.insert("alike".into(), json!(r.what.alike));
            o.insert("classes".into(), json!(r.classes));
            o.insert(
                "witnesses".into(),
                json!(
                    r.what
                        .ways
                        .iter()
                        .map(|w| witness_json(&w.witness))
                        .collect::<Vec<_>>()
                ),
            );
            Value::Object(o)
        })
        .collect();
    let named: Vec<Value> = f
        .named
        .iter()
        .map(|n| {
            let mut o: serde_json::Map<String, Value> = side_json(&n.side)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            o.insert("principal".into(), witness_json(&n.principal));
            o.insert("via".into(), json!(&*n.via));
            Value::Object(o)
        })
        .collect();
    json!({
        "feature": f.feature,
        "rules_complete": f.rules_complete,
        "other_feature": f.other_feature,
        "action": f.action,
        "serial": f.serial,
        "rows": rows,
        "named": named,
    })
}

/// The report as `--format json` prints it, one feature's value at a time (each passed
/// through `mask`), so that a report of hundreds of thousands of named
/// principals is never one JSON tree in memory.
pub fn json_text(a: &Access, mask: &dyn Fn(&mut Value)) -> String {
    let mut head = json!({
        "exhaustive": a.exhaustive,
        "examined": a.examined,
        "left": a.left,
        "features_left": a.features_left,
    });
    mask(&mut head);
    let mut out = serde_json::to_string(&head).unwrap_or_default();
    // `{...}` without its closing brace, then the features.
    out.pop();
    out.push_str(",\"features\":[");
    for (i, f) in a.features.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('\n');
        let mut v = feature_json(f);
        mask(&mut v);
        out.push_str(&serde_json::to_string(&v).unwrap_or_default());
    }
    out.push_str("\n]}\n");
    out
}
