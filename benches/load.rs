//! Loading and validating large generated configurations (about 1, 10 and
//! 50 MB), against the floor of parsing alone (`serde_json::from_slice`
//! into a `Value`); re-validation after one edit (what the editor does per
//! keystroke); and peak memory for the largest file, measured in a child
//! process of its own.
//!
//! `cargo bench --bench load` measures; under `cargo test` it runs once on a
//! small file only, so it keeps compiling and working.

use std::hint::black_box;
use std::time::{Duration, Instant};

use privy::document::{Document, Edit};
use privy::generate::{self, Shape};
use serde_json::Value;

/// The shapes measured, with their nominal size.
fn shapes() -> [(&'static str, Shape); 3] {
    let shape = |rules: usize, groups: usize, members: usize| Shape {
        rules,
        groups,
        members,
        features: 200,
        users: 50_000,
        seed: 7,
    };
    [
        ("1 MB", shape(600, 600, 90_000)),
        ("10 MB", shape(6_000, 6_000, 900_000)),
        ("50 MB", shape(30_000, 30_000, 4_500_000)),
    ]
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn measure(label: &str, text: &str, runs: usize) {
    let mb = text.len() as f64 / 1e6;
    let floor = median(runs.max(9), || {
        black_box(serde_json::from_slice::<Value>(text.as_bytes()).ok());
    });
    let parse = median(runs, || {
        black_box(privy::json::parse::parse(text));
    });
    let full = median(runs, || {
        black_box(Document::from_text(text));
    });
    // What a generic JSON Schema validator does: parse, then the schema.
    let schema = median(runs, || {
        let parsed = privy::json::parse::parse(text);
        black_box(privy::validate::structure_only(&parsed));
    });
    // A lower bound for the meaning, whoever implements it: the floor,
    // then per entry only what the duplicate check and the group look-up
    // cannot do without (split at `;`, trim, hash without regard to case,
    // one set insert, one probe of the group names). No positions, no
    // classification, no messages.
    // Timed on the parsed value, apart from the parse: the floor's own
    // run-to-run noise (page faults of a fresh 100 MB value at 50 MB) does
    // not blur it.
    let parsed = serde_json::from_slice::<Value>(text.as_bytes()).ok();
    let least = median(runs.max(9), || {
        black_box(least_entry_work(parsed.as_ref()));
    });
    drop(parsed);
    let doc = Document::from_text(text);
    let diags = doc.diagnostics().len();
    println!(
        "{label}: the least per-entry work {:.1} ms = {:.2}x the floor on its own; \
         with the floor {:.2}x (target 3x)",
        ms(least),
        least.as_secs_f64() / floor.as_secs_f64(),
        (least + floor).as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "{label} ({mb:.1} MB, {diags} diagnostics): serde_json floor {:.1} ms; Privy parse {:.1} ms; \
         parse + schema only {:.1} ms; load + full validation {:.1} ms = {:.2}x the floor",
        ms(floor),
        ms(parse),
        ms(schema),
        ms(full),
        full.as_secs_f64() / floor.as_secs_f64()
    );

    // One keystroke: a USERS value in the middle of the file changes.
    let rule = doc
        .config()
        .all_rules()
        .nth(doc.config().all_rules().count() / 2)
        .map(|r| r.pointer.clone())
        .unwrap_or_default();
    let mut doc = doc;
    let mut flip = false;
    let edit = median(runs, || {
        flip = !flip;
        let users = if flip { "user00001;x" } else { "user00001;xy" };
        let e = Edit::SetValue {
            pointer: format!("{rule}/USERS"),
            value: Value::String(users.into()),
        };
        black_box(doc.apply(&e).is_ok());
    });
    println!("{label}: re-validation after one edit {:.1} ms", ms(edit));
}

/// Splits every list value of every rule and group, hashes each entry
/// without regard to case into a set per list and probes the group names;
/// returns how many entries were duplicates or group references (so that
/// nothing is optimised away).
fn least_entry_work(v: Option<&Value>) -> usize {
    use std::hash::{BuildHasher, Hasher};
    let Some(Value::Object(top)) = v else {
        return 0;
    };
    let hasher = rustc_hash::FxBuildHasher;
    let hash = |s: &str| {
        let mut h = hasher.build_hasher();
        for b in s.bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
        h.finish()
    };
    let names: rustc_hash::FxHashSet<u64> = top
        .get("GROUPS")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("NAME")?.as_str())
        .map(hash)
        .collect();
    let mut hits = 0;
    let mut seen = rustc_hash::FxHashSet::<u64>::default();
    for list in top.values().filter_map(Value::as_array) {
        for item in list.iter().filter_map(Value::as_object) {
            for key in [
                "USERS",
                "EXCEPT_USERS",
                "MEMBERS",
                "FEATURES",
                "SERIALNUMBERS",
            ] {
                let Some(s) = item.get(key).and_then(Value::as_str) else {
                    continue;
                };
                seen.clear();
                for e in s.split(';').map(str::trim).filter(|e| !e.is_empty()) {
                    let h = hash(e);
                    hits += usize::from(!seen.insert(h)) + usize::from(names.contains(&h));
                }
            }
        }
    }
    hits
}

/// A file of `n` small rules (about 100 bytes each) over 300 features, in
/// four lists: the shape a minified export or a generated site file has,
/// where per-rule overhead, not text, decides the memory.
#[cfg(unix)]
fn small_rules(n: usize) -> String {
    let kinds = [
        "ALLOW_CHECKOUTS",
        "DENY_CHECKOUTS",
        "LIMIT_CHECKOUTS",
        "ALLOW_BORROWS",
    ];
    let mut out = String::from("{\n");
    for (k, kind) in kinds.iter().enumerate() {
        out.push_str(&format!("  \"{kind}\": [\n"));
        let per = n / kinds.len();
        for i in 0..per {
            let count = if kind.starts_with("LIMIT") {
                format!(", \"COUNT\": {}", i % 9 + 1)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "    {{\"USERS\": \"user{i};PC{}*;10.{}.{}.*;ext.u{}\", \"FEATURES\": \"FEATURE_{}\"{count}}}{}\n",
                i % 977,
                i % 250,
                i % 200,
                i % 5000,
                i % 300,
                if i + 1 < per { "," } else { "" }
            ));
        }
        out.push_str(if k + 1 < kinds.len() {
            "  ],\n"
        } else {
            "  ]\n"
        });
    }
    out.push_str("}\n");
    out
}

/// Runs the privy binary with `args`; its wall time, peak resident memory
/// (from `wait4`) and exit status.
#[cfg(unix)]
fn run_privy(args: &[&str]) -> Option<(Duration, u64, i32)> {
    let start = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_privy"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for the child just spawned, with valid pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let took = start.elapsed();
    (pid > 0).then(|| {
        let code = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        };
        (took, usage.ru_maxrss as u64 * 1024, code)
    })
}

/// `privy check` and `privy explain` as whole processes on a file of many
/// small rules: time and peak memory against the file's size.
#[cfg(unix)]
fn small_rules_processes(label: &str, n: usize, dir: &std::path::Path) {
    let text = small_rules(n);
    let path = dir.join(format!("small-rules-{n}.json"));
    if std::fs::write(&path, &text).is_err() {
        return;
    }
    let file = path.display().to_string();
    let mb = text.len() as f64 / 1e6;
    for (what, args) in [
        ("check", vec!["check", file.as_str()]),
        (
            "explain",
            vec![
                "explain",
                file.as_str(),
                "--feature",
                "FEATURE_7",
                "--user",
                "user77",
            ],
        ),
    ] {
        if let Some((took, peak, code)) = run_privy(&args) {
            println!(
                "{label}: privy {what} of {n} small rules ({mb:.1} MB): {:.2} s, peak memory {:.0} MB = {:.1}x the file (exit {code})",
                took.as_secs_f64(),
                peak as f64 / 1e6,
                peak as f64 / text.len() as f64
            );
        }
    }
    let _ = std::fs::remove_file(&path);
}

/// Peak resident memory of this process so far, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // The child: load one file from disk, report the peak memory.
    if let Some(path) = args
        .iter()
        .position(|a| a == "--peak")
        .and_then(|i| args.get(i + 1))
    {
        let before = peak_rss();
        let doc = Document::open(path);
        let after = peak_rss();
        black_box(&doc);
        println!("{before} {after}");
        return;
    }
    // `cargo bench --bench load -- --small-rules`: that part alone.
    #[cfg(unix)]
    if args.iter().any(|a| a == "--small-rules") {
        let dir = std::env::temp_dir().join(format!("privy-bench-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        small_rules_processes("100 MB", 1_000_000, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    if !full {
        let small = Shape {
            rules: 100,
            groups: 100,
            members: 5_000,
            ..Shape::default()
        };
        measure("load-smoke", &generate::config(small), 1);
        #[cfg(unix)]
        {
            let dir = std::env::temp_dir().join(format!("privy-bench-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&dir);
            small_rules_processes("load-smoke", 2_000, &dir);
            let _ = std::fs::remove_dir_all(&dir);
        }
        return;
    }
    let dir = std::env::temp_dir().join(format!("privy-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    #[cfg(unix)]
    small_rules_processes("100 MB", 1_000_000, &dir);
    for (label, shape) in shapes() {
        let text = generate::config(shape);
        measure(label, &text, if text.len() > 20_000_000 { 3 } else { 7 });
        let path = dir.join(format!("{}.json", label.replace(' ', "")));
        if std::fs::write(&path, &text).is_err() {
            continue;
        }
        // Peak memory in a fresh process, so earlier runs do not count.
        let out = std::env::current_exe().ok().and_then(|exe| {
            std::process::Command::new(exe)
                .arg("--peak")
                .arg(&path)
                .output()
                .ok()
        });
        if let Some(out) = out {
            let line = String::from_utf8_lossy(&out.stdout).to_string();
            let mut nums = line
                .split_whitespace()
                .filter_map(|n| n.parse::<u64>().ok());
            if let (Some(before), Some(after)) = (nums.next(), nums.next()) {
                println!(
                    "{label}: peak memory {:.0} MB for a {:.1} MB file = {:.1}x (process baseline {:.0} MB)",
                    after as f64 / 1e6,
                    text.len() as f64 / 1e6,
                    after as f64 / text.len() as f64,
                    before as f64 / 1e6
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
