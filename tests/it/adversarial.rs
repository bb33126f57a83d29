//! Hostile inputs, each run through the `privy` binary under a memory
//! limit (4 GiB of address space) and a deadline (60 s) enforced by the
//! operating system and a watchdog. Each must end with a clear message and
//! an ordinary exit status: no panic, no signal, no hang.
#![cfg(unix)]

use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MEMORY: u64 = 4 << 30;
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs privy with `args` under the limits; panics if it was killed.
pub(crate) fn bounded(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_privy"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the
    // child between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: MEMORY,
                rlim_max: MEMORY,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().expect("spawn privy");
    let pid = child.id();
    let start = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(DEADLINE) {
        Ok(out) => out.expect("wait"),
        Err(_) => {
            // SAFETY: kill(2) on the child's pid.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("privy {args:?} ran past {DEADLINE:?}");
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some(),
        "privy {args:?} was killed by a signal after {:?}: {stderr}",
        start.elapsed()
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    out
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

fn groups(members: impl Fn(usize) -> String, n: usize) -> String {
    let g: Vec<String> = (0..n)
        .map(|i| format!("{{\"NAME\": \"G{i}\", \"MEMBERS\": \"{}\"}}", members(i)))
        .collect();
    format!(
        "{{\"ALLOW_CHECKOUTS\": [{{\"USERS\": \"G0\", \"FEATURES\": \"F\"}}],\n \"GROUPS\": [\n{}\n]}}\n",
        g.join(",\n")
    )
}

#[test]
fn a_chain_of_100_000_groups_resolves_without_recursion() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 100_000;
    let cfg = groups(
        |i| {
            if i + 1 < n {
                format!("G{}", i + 1)
            } else {
                "zoe".into()
            }
        },
        n,
    );
    let f = file(&dir, "chain.json", cfg.as_bytes());
    let out = bounded(&["explain", &f, "--feature", "F", "--user", "zoe"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).starts_with("GRANTED"));
    let out = bounded(&["explain", &f, "--feature", "F", "--user", "mallory"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_cycle_of_10_000_groups_is_reported_and_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 10_000;
    let cfg = groups(|i| format!("G{}", (i + 1) % n), n);
    let f = file(&dir, "cycle.json", cfg.as_bytes());
    let out = bounded(&["check", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("group-cycle"), "{}", text(&out));
    let out = bounded(&["explain", &f, "--feature", "F", "--user", "anyone"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn backtracking_wildcards_against_long_names_stay_linear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
    let cfg = format!("{{\"DENY_CHECKOUTS\": [{{\"USERS\": \"{pattern}\"}}]}}");
    let f = file(&dir, "w.json", cfg.as_bytes());
    let long = "a".repeat(100_000);
    let out = bounded(&["explain", &f, "--feature", "F", "--user", &long]);
    assert_eq!(out.status.code(), Some(0), "no b: not denied");
    let out = bounded(&[
        "explain",
        &f,
        "--feature",
        "F",
        "--user",
        &format!("{long}b"),
    ]);
    assert_eq!(out.status.code(), Some(1), "with the b: denied");
}

#[test]
fn a_100_mb_file_loads_within_the_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = b"{\"DENY_CHECKOUTS\": [{\"USERS\": \"mallory\", \"COMMENT\": \"".to_vec();
    s.extend(std::iter::repeat_n(b'x', 100 * 1024 * 1024));
    s.extend_from_slice(b"\"}]}\n");
    let f = file(&dir, "big.json", &s);
    let out = bounded(&["check", &f]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_million_entries_in_one_users_string_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let users: Vec<String> = (0..1_000_000).map(|i| format!("u{i}")).collect();
    let cfg = format!(
        "{{\"DENY_CHECKOUTS\": [{{\"USERS\": \"{};4.3.2.9-1\"}}]}}",
        users.join(";")
    );
    let f = file(&dir, "m.json", cfg.as_bytes());
    let out = bounded(&["check", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("runs backwards"),
        "the one bad entry is found"
    );
    let out = bounded(&["explain", &f, "--feature", "F", "--user", "u999999"]);
    assert_eq!(out.status.code(), Some(1), "the last entry matches");
}

#[test]
fn deep_nesting_and_invalid_utf8_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(&dir, "deep.json", &[b'['; 1_000_000]);
    let out = bounded(&["check", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("too-deep"), "{}", text(&out));

    let f = file(
        &dir,
        "utf8.json",
        b"{\"DENY_CHECKOUTS\": [{\"USERS\": \"an\xffna\"}]}",
    );
    let out = bounded(&["check", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains(":1:34:"), "says where: {}", text(&out));
}

#[test]
fn folders_devices_pipes_and_unreachable_paths_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().display().to_string();
    let out = bounded(&["check", &d]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("folder"), "{}", text(&out));

    // Reading these would never end.
    let out = bounded(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    let fifo = dir.path().join("pipe.json");
    let c = std::ffi::CString::new(fifo.display().to_string()).expect("path");
    // SAFETY: mkfifo with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = bounded(&["check", &fifo.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));

    // A path through a file (unreadable even for root).
    let f = file(&dir, "plain", b"{}");
    let out = bounded(&["check", &format!("{f}/ServerConfig.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("cannot read"), "{}", text(&out));
}

/// 100 000 groups on one line, each with a finding (an unused group): the
/// text output shows a window of the line for each, found from its byte
/// offset. Before, the rendering counted the whole line again for every
/// finding: 40 000 took 85 s, 200 000 never finished.
#[test]
fn many_findings_on_one_long_line_render_in_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let groups: Vec<String> = (0..100_000)
        // Members far from every group's name: a member a letter or two
        // from one would be a near miss (`u99998` for `G99999`); no longer, or the file
        // passes the 4 MB above which `check` leaves the findings out.
        .map(|i| format!("{{\"NAME\": \"G{i}\", \"MEMBERS\": \"x{i}yz\"}}"))
        .collect();
    let f = file(
        &dir,
        "oneline.json",
        format!("{{\"GROUPS\": [{}]}}", groups.join(",")).as_bytes(),
    );
    let out = bounded(&["check", &f]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("0 errors, 0 warnings, 100000 notes"),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    // Each finding shows its own part of the line, the caret under the group.
    assert!(
        stdout.contains("{\"NAME\": \"G99999\""),
        "the last group's window is shown"
    );
}

/// A pool of 40 000 licenses, every one full: deciding tries each in turn.
/// Before, placing the sessions scanned every license per session and the
/// trace listed every license tried in every step (12.7 s for one decision).
#[test]
fn a_pool_of_40_000_licenses_is_decided_in_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let licenses: Vec<String> = (0..40_000)
        .map(|i| format!("{{\"serial\": \"L{i}\", \"features\": {{\"F\": 1}}}}"))
        .collect();
    let sessions: Vec<String> = (0..40_000)
        .map(|i| format!("{{\"user\": \"u{i}\", \"feature\": \"F\", \"serial\": \"L{i}\"}}"))
        .collect();
    let pool = file(
        &dir,
        "pool.json",
        format!(
            "{{\"licenses\": [{}], \"sessions\": [{}]}}",
            licenses.join(",\n"),
            sessions.join(",\n")
        )
        .as_bytes(),
    );
    let cfg = file(
        &dir,
        "c.json",
        b"{\"ALLOW_CHECKOUTS\": [{\"USERS\": \"*\", \"FEATURES\": \"F\"}]}",
    );
    let out = bounded(&[
        "explain",
        &cfg,
        "--feature",
        "F",
        "--user",
        "zoe",
        "--pool",
        &pool,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("no_free_seat"), "{t}");
}
