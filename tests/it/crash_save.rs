//! Crash-safe saving: a child process saves two versions of a file in turn,
//! as fast as it can, through `Document::save` (with the `.bak`); the test
//! kills it with SIGKILL at random moments, hundreds of times, and checks
//! after every kill that the file is one of the two versions, whole.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use privy::document::{Document, Edit};
use privy::generate::{self, Rng, Shape};

const CHILD: &str = "PRIVY_SAVE_LOOP_FILE";
const KILLS: usize = 200;

/// Two different files of about 100 and 130 KB.
fn version(seed: u64) -> String {
    generate::config(Shape {
        rules: 100 + 30 * seed as usize,
        groups: 50,
        members: 8_000 + 2_000 * seed as usize,
        seed,
        ..Shape::default()
    })
}

/// The child's side: not a test of its own (it returns at once unless the
/// parent started this binary with the file to save in its environment).
#[test]
fn save_loop_child() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    // Two documents on the same file: one holding version A, one B.
    let as_version = |which: &str| {
        let mut doc = Document::open(&path).expect("open");
        let text = std::fs::read_to_string(format!("{path}.{which}")).expect("version");
        let whole = Edit::Text(privy::json::parse::TextEdit {
            span: privy::json::Span::new(0, doc.text().len()),
            replacement: text,
        });
        doc.apply(&whole).expect("edit");
        doc
    };
    let (mut a, mut b) = (as_version("a"), as_version("b"));
    println!("ready");
    loop {
        a.save(true, true).expect("save a");
        b.save(true, true).expect("save b");
    }
}

fn leftovers(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(".privy-save-"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn killing_a_save_never_leaves_a_torn_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let bak = dir.path().join("ServerConfig.json.bak");
    let (a, b) = (version(1), version(2));
    assert_ne!(a.len(), b.len());
    std::fs::write(&path, &a).expect("write");
    std::fs::write(dir.path().join("ServerConfig.json.a"), &a).expect("write");
    std::fs::write(dir.path().join("ServerConfig.json.b"), &b).expect("write");
    let exe = std::env::current_exe().expect("test binary");
    let mut rng = Rng::new(2026);
    let (mut saw_a, mut saw_b, mut mid_write) = (0, 0, 0);
    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_save::save_loop_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Wait until it is saving, then kill it somewhere in the loop.
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.contains("ready") {
            line.clear();
            if out.read_line(&mut line).expect("read") == 0 {
                panic!("the child ended before saving");
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(20_000)));
        child.kill().expect("kill");
        child.wait().expect("wait");

        let now = std::fs::read_to_string(&path).expect("the file is there");
        if now == a {
            saw_a += 1;
        } else if now == b {
            saw_b += 1;
        } else {
            panic!(
                "kill {kill}: the file is neither version ({} bytes)",
                now.len()
            );
        }
        if let Ok(backup) = std::fs::read_to_string(&bak) {
            assert!(backup == a || backup == b, "kill {kill}: torn .bak");
        }
        // A temporary file left behind means the kill landed mid-write.
        if leftovers(dir.path()) > 0 {
            mid_write += 1;
            for e in std::fs::read_dir(dir.path()).expect("dir").flatten() {
                if e.file_name().to_string_lossy().starts_with(".privy-save-") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    println!(
        "{KILLS} kills: file was version A {saw_a} times, B {saw_b} times; {mid_write} kills landed mid-write"
    );
    assert_eq!(saw_a + saw_b, KILLS);
    assert!(saw_a > 0 && saw_b > 0, "the saves went both ways");
    assert!(
        mid_write >= KILLS / 10,
        "kills landed in the middle of writing ({mid_write}), so the test tests that"
    );
}
