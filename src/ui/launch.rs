//! Opening the window wherever the machine can draw one.
//!
//! The preferred renderer (wgpu's pick among Direct3D 12, Vulkan, Metal and
//! OpenGL) can fail to create a device: a Remote Desktop session, a virtual
//! machine, an old driver, Wine. eframe cannot open a second event loop in
//! one process, so a failed attempt starts Privy again with the next
//! renderer in [`FALLBACKS`] (through `WGPU_BACKEND`, which eframe reads),
//! passing the same arguments. When none works, the reason is said on
//! standard error and in a message box: the window never fails silently.

use std::ffi::OsString;
use std::path::PathBuf;

use super::preferences::{SETTINGS_KEY, SIM_KEY, SIMS_KEY};
use super::{PrivyApp, Settings, sim};
use crate::document::Document;

/// Set in a restarted Privy: which renderers were already tried.
const TRIED: &str = "PRIVY_RENDERERS_TRIED";
/// The variable eframe's wgpu set-up reads for the backends to use.
const BACKEND: &str = "WGPU_BACKEND";

/// The renderers tried after the preferred one fails, in order.
pub const FALLBACKS: [&str; 3] = ["gl", "vulkan", "dx12"];

/// The next renderer to try after `tried` (comma-separated names), or none.
pub fn next_renderer(tried: &str) -> Option<&'static str> {
    let tried: Vec<String> = tried
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    FALLBACKS
        .into_iter()
        .find(|r| !tried.iter().any(|t| t == r))
}

/// A renderer as people know it.
fn renderer_name(r: &str) -> &str {
    match r.trim() {
        "gl" => "OpenGL",
        "vulkan" => "Vulkan",
        "dx12" => "Direct3D 12",
        "default" => "the preferred renderer",
        other => other,
    }
}

/// The renderers of a comma-separated list, as people know them.
fn renderer_names(list: &str) -> String {
    let names: Vec<&str> = list
        .split(',')
        .filter(|r| !r.trim().is_empty())
        .map(renderer_name)
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What this process is trying: the backend it was given, or "default".
fn this_attempt() -> String {
    std::env::var(BACKEND)
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| "default".to_owned())
}

/// Opens the window; returns the process's exit code.
pub fn open(file: Option<PathBuf>, pool: Option<PathBuf>, unreadable: i32) -> i32 {
    let error = match native(file, pool) {
        Ok(()) => return 0,
        // Only a renderer that could not start is worth another: no
        // display, or the app's own failure, would fail the same way.
        Err(e @ eframe::Error::Wgpu(_)) => e.to_string(),
        Err(e) => {
            return give_up(
                &format!("Privy could not open its window: {e}."),
                unreadable,
            );
        }
    };
    let attempt = this_attempt();
    let mut tried = std::env::var(TRIED).unwrap_or_default();
    if !tried.is_empty() {
        tried.push(',');
    }
    tried.push_str(&attempt);
    match next_renderer(&tried) {
        Some(next) => {
            eprintln!(
                "privy: {} could not open the window ({error}); trying {}",
                renderer_name(&attempt),
                renderer_name(next)
            );
            match restart_with(next, &tried) {
                Ok(code) => code,
                Err(e) => {
                    let message = format!(
                        "Privy could not open its window: {} failed ({error}), \
                         and Privy could not start again with {} ({e}).",
                        renderer_name(&attempt),
                        renderer_name(next)
                    );
                    give_up(&message, unreadable)
                }
            }
        }
        None => {
            let message = format!(
                "Privy could not open its window: no renderer works on this machine \
                 (tried {}; the last said: {error}). The command line works without \
                 a window: privy check FILE, privy explain FILE --feature F.",
                renderer_names(&tried)
            );
            give_up(&message, unreadable)
        }
    }
}

/// Runs this program again with the same arguments and `backend`, and
/// returns its exit code.
fn restart_with(backend: &str, tried: &str) -> std::io::Result<i32> {
    let exe = std::env::current_exe()?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let status = std::process::Command::new(exe)
        .args(args)
        .env(BACKEND, backend)
        .env(TRIED, tried)
        .status()?;
    Ok(status.code().unwrap_or(1))
}

fn give_up(message: &str, unreadable: i32) -> i32 {
    eprintln!("privy: {message}");
    // A message box needs no renderer; where the platform has none (no
    // desktop portal), standard error above has said it.
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Privy could not open its window")
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    unreadable
}

/// Opens the window on `file`; with `pool`, the simulator opens with that
/// license pool loaded.
/// [`launch::open`] tries other renderers when this fails.
fn native(file: Option<PathBuf>, pool: Option<PathBuf>) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([640.0, 400.0])
            .with_title("Privy"),
        ..Default::default()
    };
    eframe::run_native(
        "Privy",
        options,
        Box::new(move |cc| {
            let mut app = match file.clone() {
                Some(p) => PrivyApp::opening(p),
                None => PrivyApp::open(None),
            };
            if let Some(store) = crate::recovery::Recovery::in_profile() {
                app = app.with_recovery(store);
            }
            if let Some(settings) = cc
                .storage
                .and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY))
            {
                app.settings = settings;
            }
            if let Some(p) = file.as_deref().filter(|_| app.document().is_some()) {
                app.settings.remember(p);
            }
            // The simulator as it was for this file (each file has its
            // own); before per-file keeping, one for all (SIM_KEY), taken
            // for the file it is opened with.
            let by_file = cc
                .storage
                .and_then(|s| eframe::get_value::<crate::sim::by_file::SimByFile>(s, SIMS_KEY));
            match by_file {
                Some(mut sims) => {
                    let path = app
                        .doc
                        .as_ref()
                        .and_then(Document::path)
                        .map(PathBuf::from)
                        .or_else(|| app.opening.as_ref().map(|(p, _, _)| p.clone()));
                    sims.restore_into(&mut app.sim, path.as_deref());
                    app.sims = sims;
                }
                None => {
                    if let Some(saved) = cc
                        .storage
                        .and_then(|s| eframe::get_value::<sim::SimSaved>(s, SIM_KEY))
                    {
                        app.sim.restore(saved);
                    }
                }
            }
            if let Some(p) = pool.as_deref() {
                let read = app.sim.load_pool(p);
                app.sim_panel.said(read);
                app.sim_panel.open = true;
            }
            Ok(Box::new(app))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_renderer_is_tried_once_in_order() {
        assert_eq!(next_renderer("default"), Some("gl"));
        assert_eq!(next_renderer("default,gl"), Some("vulkan"));
        assert_eq!(next_renderer("default,gl,vulkan"), Some("dx12"));
        assert_eq!(next_renderer("default,gl,vulkan,dx12"), None);
        // A backend the user chose and that failed is not tried again.
        assert_eq!(next_renderer("GL"), Some("vulkan"));
        assert_eq!(next_renderer(" vulkan , gl"), Some("dx12"));
    }

    #[test]
    fn renderers_are_named_as_people_know_them() {
        assert_eq!(
            renderer_names("default,gl,vulkan,dx12"),
            "the preferred renderer, OpenGL, Vulkan and Direct3D 12"
        );
        assert_eq!(renderer_name("gl"), "OpenGL");
    }
}
