//! What the test modules share: where the repository is, running the
//! binary, writing a file in a temporary folder, the rule-list keys, and
//! the window under egui_kittest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled example `ServerConfig.json`.
pub fn example() -> PathBuf {
    root().join("assets/examples/ServerConfig.json")
}

/// The seven rule-list keys, from `spec.rs`.
pub fn rule_lists() -> [&'static str; 7] {
    privy::spec::RuleKind::ALL.map(|k| k.key())
}

/// Runs the binary with `args`.
pub fn privy_output(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privy"))
        .args(args)
        .output()
        .expect("run privy")
}

/// Runs the binary with `args`: exit code, standard output, standard error.
pub fn privy(args: &[&str]) -> (i32, String, String) {
    let out = privy_output(args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `bytes` to `dir/name`; gives the path as text, for arguments.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

/// The window, driven by egui_kittest, at `w` × `h` points.
#[cfg(feature = "gui")]
pub fn sized(
    app: privy::ui::PrivyApp,
    w: f32,
    h: f32,
) -> egui_kittest::Harness<'static, privy::ui::PrivyApp> {
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(w, h))
        .build_ui_state(|ui, app: &mut privy::ui::PrivyApp| app.show(ui), app)
}

/// The text the last frame put on the clipboard, if it put any.
#[cfg(feature = "gui")]
pub fn copied(h: &egui_kittest::Harness<'static, privy::ui::PrivyApp>) -> Option<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
}
