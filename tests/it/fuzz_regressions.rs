//! Every input the fuzzers found (and every input kept as a seed) under
//! `tests/fuzz/TARGET/`, run through the same code as the fuzz target
//! (`privy::fuzzing`). `scripts/fuzz.sh` runs the fuzzers themselves.

use std::path::Path;

fn run(target: &str, f: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/fuzz/TARGET exists") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let data = std::fs::read(&path).expect("read");
        f(&data);
        n += 1;
    }
    assert!(n > 0, "no inputs for {target}");
    println!("{target}: {n} inputs");
}

#[test]
fn load_inputs() {
    run("load", privy::fuzzing::load);
}

#[test]
fn pattern_inputs() {
    run("patterns", privy::fuzzing::patterns);
}

#[test]
fn engine_inputs() {
    run("engine", privy::fuzzing::engine);
}
