//! The access diff (`privy diff`), whole process, on the example file with
//! one rule changed and on generated files of 50 to 5 000 rules with one
//! USERS field changed, and with a group renamed everywhere (every rule
//! that uses it changes).
//!
//! `cargo bench --bench diff` measures (release binary); under `cargo
//! test` it runs the smallest cases once, so it keeps working.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use privy::generate::{self, Shape};

fn run(old: &Path, new: &Path) -> (Duration, serde_json::Value) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_privy"))
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["--format", "json"])
        .output()
        .expect("run privy diff");
    let took = start.elapsed();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let v = serde_json::from_slice(&out.stdout).expect("json");
    (took, v)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The first USERS value with one more name.
fn one_users_edit(text: &str) -> String {
    let at = text.find("\"USERS\": \"").expect("a USERS field") + 10;
    let end = at + text[at..].find('"').expect("its end");
    format!("{};user99999{}", &text[..end], &text[end..])
}

fn report(label: &str, old: &Path, new: &Path, runs: usize) {
    let times: Vec<Duration> = (0..runs).map(|_| run(old, new).0).collect();
    let (_, v) = run(old, new);
    let compared = v["features"]
        .as_array()
        .map_or(0, |f| f.iter().filter(|f| f["unchanged"] == false).count());
    let changes: usize = ["gained", "revoked", "reason_changed"]
        .iter()
        .map(|k| v[k].as_array().map_or(0, Vec::len))
        .sum();
    println!(
        "{label}: median {:.0} ms over {runs} runs; {} classes of {compared} features compared, {changes} changes, exhaustive {}",
        median(times).as_secs_f64() * 1000.0,
        v["classes"],
        v["exhaustive"]
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("assets/examples/ServerConfig.json");
    let text = std::fs::read_to_string(&example).expect("example");
    let edited = dir.path().join("example-edited.json");
    std::fs::write(
        &edited,
        text.replace("\"10.20.30.100-150\"", "\"10.20.30.100-120\""),
    )
    .expect("write");
    report(
        "example, one rule changed",
        &example,
        &edited,
        if full { 20 } else { 1 },
    );
    let sizes: &[usize] = if full { &[50, 500, 2000, 5000] } else { &[50] };
    for &rules in sizes {
        let shape = Shape {
            rules,
            groups: rules / 10,
            members: rules * 20,
            ..Shape::default()
        };
        let text = generate::config(shape);
        let old = dir.path().join(format!("g{rules}.json"));
        let new = dir.path().join(format!("g{rules}-one.json"));
        std::fs::write(&old, &text).expect("write");
        std::fs::write(&new, one_users_edit(&text)).expect("write");
        report(
            &format!("{rules} rules, {} groups, one USERS edit", rules / 10),
            &old,
            &new,
            if full { 5 } else { 1 },
        );
        if full && rules == 5000 {
            let renamed = regex_free_rename(&text, "Group 7", "Group Seven");
            let new = dir.path().join("g5000-rename.json");
            std::fs::write(&new, renamed).expect("write");
            report("5000 rules, group 7 renamed everywhere", &old, &new, 3);
        }
    }
}

/// Renames `from` where it is a whole entry or NAME (followed by `"` or `;`).
fn regex_free_rename(text: &str, from: &str, to: &str) -> String {
    text.replace(&format!("{from}\""), &format!("{to}\""))
        .replace(&format!("{from};"), &format!("{to};"))
}
