//! The command-line contract of `privy check` (../shared/spec/cli.md):
//! formats, exit codes and unreadable inputs.

use std::path::Path;

use super::common::{example, privy_output as privy, rule_lists, write};

#[test]
fn example_checks_clean() {
    let out = privy(&["check", &example().display().to_string()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn text_format_is_rustc_style_with_caret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "c.json",
        b"{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"4.3.2.50-10\" }\n  ]\n}\n",
    );
    let out = privy(&["check", &f]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default();
    assert!(
        head.starts_with(&format!("{f}:3:17: error[invalid-ip]: ")),
        "{head}"
    );
    assert_eq!(lines.next(), Some("  |"));
    assert_eq!(lines.next(), Some("3 |     { \"USERS\": \"4.3.2.50-10\" }"));
    assert_eq!(lines.next(), Some("  |                 ^^^^^^^^^^^"));
    assert!(text.contains("1 error, 0 warnings, 0 notes"));
}

#[test]
fn json_format_has_the_contract_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "c.json",
        b"{ \"LIMIT_CHECKOUTS\": [ { \"USERS\": \"a\", \"COUNT\": \"3\" } ] }",
    );
    let out = privy(&["check", &f, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(v["file"], f.as_str());
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "wrong-type");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["pointer"], "/LIMIT_CHECKOUTS/0/COUNT");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(49))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(52))
    );
    assert_eq!(d["fix"]["replacement"], "3");
    assert!(d["message"].as_str().is_some_and(|m| m.contains("COUNT")));
}

#[test]
fn sarif_format_is_2_1_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "c.json", b"{ \"TCP_PORT\": 70000 }");
    let out = privy(&["check", &f, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif output");
    assert_eq!(v["version"], "2.1.0");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "out-of-range");
    assert_eq!(r["level"], "error");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 15);
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let idx = r["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[idx]["id"], "out-of-range");
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "c.json", b"{ \"HTTP_PORT\": 6280 }");
    let out = privy(&["check", &f]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning[monitor-without-password]"));
}

#[test]
fn unreadable_inputs_exit_two_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.json").display().to_string();
    let out = privy(&["check", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = privy(&["check", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("folder"));
    // bad usage
    assert_eq!(privy(&["check"]).status.code(), Some(2));
    assert_eq!(
        privy(&["check", "x", "--format", "xml"]).status.code(),
        Some(2)
    );
}

#[test]
fn not_utf8_is_reported_at_its_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "c.json", b"{\n  \"LOG_PATH\": \"caf\xE9\"\n}");
    let out = privy(&["check", &f]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("{f}:2:19: error[not-utf8]:")),
        "{text}"
    );
    let utf16 = write(dir.path(), "u.json", &[0xFF, 0xFE, b'{', 0, b'}', 0]);
    let out = privy(&["check", &utf16]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("UTF-16"));
}

#[test]
fn check_never_changes_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = b"\xEF\xBB\xBF{ // c\r\n \"TCP_PORT\": 6200, }\r\n";
    let f = write(dir.path(), "c.json", bytes);
    let _ = privy(&["check", &f, "--format", "json"]);
    assert_eq!(std::fs::read(&f).expect("read"), bytes);
}

#[test]
fn schema_file_is_generated_from_the_spec() {
    let on_disk = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/ServerConfig.schema.json"),
    )
    .expect("schema file");
    assert_eq!(
        on_disk,
        privy::schema::schema_text(),
        "schema/ServerConfig.schema.json is stale: run `privy schema > schema/ServerConfig.schema.json`"
    );
    let out = privy(&["schema"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), on_disk);
}

#[test]
fn schema_accepts_the_example_and_rejects_a_bad_rule() {
    let schema: serde_json::Value =
        serde_json::from_str(&privy::schema::schema_text()).expect("schema");
    let v = jsonschema::draft202012::new(&schema).expect("valid schema");
    let example: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example()).expect("example")).expect("json");
    assert!(v.is_valid(&example));
    let bad = serde_json::json!({ "RESERVE_CHECKOUTS": [ { "USERS": "a" } ] });
    assert!(!v.is_valid(&bad));
}

#[test]
fn check_with_a_pool() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pool = write(
        dir.path(),
        "pool.json",
        br#"{"licenses": [{"serial": "A", "features": {"IMPORT_ALL": 20}}, {"serial": "B", "features": {"IMPORT_ALL": 10}}]}"#,
    );
    let f = write(dir.path(), "c.json", b"{ \"LIMIT_CHECKOUTS\": [ { \"USERS\": \"a\", \"FEATURES\": \"IMPORT_ALL\", \"COUNT\": 15 } ] }");
    let out = privy(&["check", &f, "--pool", &pool]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warning[count-per-license]"), "{text}");
    assert!(text.contains("30 in all"), "{text}");
    // The example and its pool agree.
    let ex_pool = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/pool.json");
    let out = privy(&[
        "check",
        &example().display().to_string(),
        "--pool",
        &ex_pool.display().to_string(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A pool that cannot be true is reported in it, located (8.10).
    let bad = write(
        dir.path(),
        "bad.json",
        br#"{"licenses": [], "sessions": [{"feature": "X"}]}"#,
    );
    let out = privy(&["check", &f, "--pool", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{bad}:1:43: error[pool-unlicensed-session]")),
        "{text}"
    );
    assert!(text.contains("no license in the pool offers"), "{text}");
}

#[test]
fn gen_writes_the_same_valid_files_for_the_same_arguments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |name: &str, seed: &str| {
        let cfg = dir.path().join(format!("{name}.json"));
        let pool = dir.path().join(format!("{name}.pool.json"));
        let out = privy(&[
            "gen",
            "--rules",
            "40",
            "--groups",
            "20",
            "--members",
            "600",
            "--seed",
            seed,
            "--pool",
            &pool.display().to_string(),
            "--sessions",
            "30",
            "-o",
            &cfg.display().to_string(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            std::fs::read_to_string(&cfg).expect("config"),
            std::fs::read_to_string(&pool).expect("pool"),
        )
    };
    let a = run("a", "5");
    assert_eq!(a, run("b", "5"), "a fixed seed gives the same files");
    assert_ne!(a.0, run("c", "6").0, "another seed, another file");
    // Generated files are valid: no errors, with and without the pool.
    let cfg = dir.path().join("a.json").display().to_string();
    let pool = dir.path().join("a.pool.json").display().to_string();
    assert_eq!(privy(&["check", &cfg]).status.code(), Some(0));
    assert_eq!(
        privy(&["check", &cfg, "--pool", &pool]).status.code(),
        Some(0)
    );
    let v: serde_json::Value = serde_json::from_str(&a.0).expect("json");
    assert_eq!(
        rule_lists()
            .iter()
            .map(|k| v[k].as_array().map_or(0, Vec::len))
            .sum::<usize>(),
        40
    );
    assert_eq!(v["GROUPS"].as_array().map(Vec::len), Some(20));
}

#[test]
fn passwords_never_reach_the_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    // One line, so every diagnostic's source line shows the passwords; a
    // wrong type and a duplicate too, so messages and fixes concern them.
    let f = write(
        dir.path(),
        "c.json",
        br#"{"ADMIN_PASSWORD": "hunter2-Secret", "MAIN_PASSWORD": 99887766, "TCP_PORT": "x", "ADMIN_PASSWORD": "second-Secret9", "DENY_CHECKOUTS": [{"USERS": "4.3.2.9-1"}]}"#,
    );
    for format in ["text", "json", "sarif"] {
        let out = privy(&["check", &f, "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("TCP_PORT"), "{format}: the findings are there");
        for secret in ["hunter2-Secret", "99887766", "second-Secret9"] {
            assert!(!all.contains(secret), "{format} shows {secret}:\n{all}");
        }
    }
}
