//! Answers over every principal stay bounded on hostile files (analysis.md
//! 6.1): patterns that can all meet in one name, groups nested hundreds
//! deep, a thousand `&` groups. Each runs under an address-space limit of
//! 1.5 GB (the process dies at it instead of swapping the machine): it
//! must end with its contract's exit code and say `exhaustive: false`,
//! never abort. Before, one 1 KB deny list of 160 such patterns took 6.3 GB
//! in `privy check`, and 500 nested groups aborted `diff` at 14 GB.
#![cfg(unix)]

use serde_json::{Value, json};

use super::common::write;

/// Runs privy under an address-space limit: exit code, stdout, stderr.
fn limited(args: &[&str]) -> (i32, String, String) {
    let mut cmd = format!("ulimit -v 1500000; exec '{}'", env!("CARGO_BIN_EXE_privy"));
    for a in args {
        cmd.push_str(&format!(" '{a}'"));
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .output()
        .expect("sh");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `*0x*;*1x*;…`: every set of them is met by some name (2^n classes).
fn overlapping(n: usize) -> String {
    (0..n)
        .map(|i| format!("*{i}x*"))
        .collect::<Vec<_>>()
        .join(";")
}

fn never_aborted(err: &str) {
    assert!(
        !err.contains("memory allocation") && !err.contains("internal error"),
        "{err}"
    );
}

#[test]
fn overlapping_wildcards_stop_within_memory_and_say_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let users = overlapping(160);
    let old = write(
        dir.path(),
        "old.json",
        json!({"DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": users}]})
            .to_string()
            .as_bytes(),
    );
    let new = write(
        dir.path(),
        "new.json",
        json!({"DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": format!("{users};zzz")}]})
            .to_string()
            .as_bytes(),
    );
    // The rule alone has an effect (a name it matches is found at once);
    // a second one like it has none, which only every name can show.
    let twice = write(
        dir.path(),
        "twice.json",
        json!({"DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": users}, {"FEATURES": "CAD", "USERS": users}]})
            .to_string()
            .as_bytes(),
    );
    let (code, out, err) = limited(&["check", &twice, "--format", "json"]);
    never_aborted(&err);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert!(
        v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["code"] == "findings-partial"),
        "{out}"
    );
    // zzz lost access: a diff that stopped short must not say "no change".
    let (code, out, err) = limited(&["diff", &old, &new, "--format", "json"]);
    never_aborted(&err);
    assert!(code == 1 || code == 3, "exit {code}: {out}{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["exhaustive"], false, "{out}");
    assert!(v["left"].as_u64().is_some_and(|n| n > 0), "{out}");
}

#[test]
fn deeply_nested_groups_stop_within_memory_and_say_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let groups: Vec<Value> = (0..500)
        .map(|i| json!({"NAME": format!("G{i}"), "MEMBERS": format!("*{i}x*;G{}", i + 1)}))
        .collect();
    let file = |users: &str| {
        json!({"GROUPS": groups, "DENY_CHECKOUTS": [{"FEATURES": "CAD", "USERS": users}]})
            .to_string()
    };
    let old = write(dir.path(), "old.json", file("G0").as_bytes());
    let new = write(dir.path(), "new.json", file("G0;zzz").as_bytes());
    for args in [
        vec!["check", old.as_str()],
        vec![
            "explain",
            &old,
            "--feature",
            "CAD",
            "--user",
            "zzz",
            "--format",
            "json",
        ],
    ] {
        let (code, out, err) = limited(&args);
        never_aborted(&err);
        assert!([0, 1, 3].contains(&code), "{args:?}: exit {code}: {err}");
        assert!(!out.is_empty(), "{args:?}");
    }
    let (code, out, err) = limited(&["diff", &old, &new]);
    never_aborted(&err);
    assert!(code == 1 || code == 3, "exit {code}: {out}{err}");
    assert!(out.contains("NOT exhaustive"), "{out}");
}

#[test]
fn a_thousand_local_groups_end_with_an_answer() {
    let dir = tempfile::tempdir().expect("tmp");
    let rules = |first: u32| -> Value {
        let list: Vec<Value> = (0..1000u32)
            .map(|i| {
                json!({"FEATURES": "CAD", "USERS": format!("&L{i}"),
                       "HOURS": if i == 0 { first } else { i + 1 }})
            })
            .collect();
        json!({ "LIMIT_BORROWS": list })
    };
    let old = write(dir.path(), "old.json", rules(1).to_string().as_bytes());
    let new = write(dir.path(), "new.json", rules(5000).to_string().as_bytes());
    let (code, out, err) = limited(&["diff", &old, &new, "--format", "json"]);
    never_aborted(&err);
    assert!(code == 1 || code == 3, "exit {code}: {err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    // Exhaustive implies nothing left; stopped implies something left.
    match v["exhaustive"].as_bool() {
        Some(true) => assert_eq!(v["left"], 0, "{out}"),
        Some(false) => assert!(v["left"].as_u64().is_some_and(|n| n > 0), "{out}"),
        None => panic!("{out}"),
    }
}
