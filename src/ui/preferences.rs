//! What is kept between runs: the theme, the recent files, the zoom, and
//! the keys they and the simulator's work are stored under.

use std::path::PathBuf;

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub(super) fn preference(self) -> egui::ThemePreference {
        match self {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What is kept between runs (the window's size is kept by eframe).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    pub theme: Theme,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The zoom in percent (`None`: 100).
    #[serde(default)]
    pub zoom_percent: Option<u16>,
}

/// Zoom steps and bounds, in percent.
const ZOOM_STEP: u16 = 10;
const ZOOM_MIN: u16 = 70;
const ZOOM_MAX: u16 = 250;

impl Settings {
    /// The zoom as a factor.
    pub fn zoom(&self) -> f32 {
        f32::from(self.zoom_percent.unwrap_or(100)) / 100.0
    }

    pub(super) fn zoom_by(&mut self, up: bool) {
        let now = self.zoom_percent.unwrap_or(100);
        let next = if up {
            now.saturating_add(ZOOM_STEP).min(ZOOM_MAX)
        } else {
            now.saturating_sub(ZOOM_STEP).max(ZOOM_MIN)
        };
        self.zoom_percent = (next != 100).then_some(next);
    }
}

pub(super) const SETTINGS_KEY: &str = "privy-settings";
pub(super) const SIM_KEY: &str = "privy-simulator";
/// The simulator's work per file (its path; "" for a new file).
pub(super) const SIMS_KEY: &str = "privy-simulator-by-file";
const MAX_RECENT: usize = 10;

impl Settings {
    pub(super) fn remember(&mut self, path: &std::path::Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}
