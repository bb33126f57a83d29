//! The file dialogs: a native one on its own thread (the window goes on
//! meanwhile), the window's own path prompt when none can be shown, and
//! what each picked path is for.

use std::path::PathBuf;

use super::{AfterPrompt, PrivyApp, sim};
use crate::document::Document;

/// A native dialog that returns nothing faster than this was not shown: no
/// one cancels a file dialog that quickly.
const NOT_SHOWN: std::time::Duration = std::time::Duration::from_millis(400);

/// What a native dialog answered, and how long it took.
pub(super) type DialogAnswer = (Option<PathBuf>, std::time::Duration);

/// Which native dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DialogPurpose {
    Open,
    SaveAs,
    /// Another version for Review changes to compare with.
    Compare,
    Sim(sim::SimDialog),
}

impl PrivyApp {
    pub(super) fn start_dialog(&mut self, purpose: DialogPurpose) {
        if self.prompts.dialog.is_some() {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let start_dir = self
            .doc
            .as_ref()
            .and_then(Document::path)
            .and_then(|p| p.parent())
            .map(PathBuf::from);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let mut d = rfd::FileDialog::new();
            d = match purpose {
                DialogPurpose::Sim(s) if s.csv() => d.add_filter("CSV", &["csv"]),
                _ => d.add_filter("JSON", &["json"]),
            };
            d = d.add_filter("All files", &["*"]);
            if let Some(dir) = start_dir {
                d = d.set_directory(dir);
            }
            let picked = match purpose {
                DialogPurpose::Open | DialogPurpose::Compare => d.pick_file(),
                DialogPurpose::SaveAs => d.set_file_name("ServerConfig.json").save_file(),
                DialogPurpose::Sim(s) if s.is_save() => d.set_file_name(s.file_name()).save_file(),
                DialogPurpose::Sim(_) => d.pick_file(),
            };
            let _ = tx.send((picked, started.elapsed()));
        });
        self.prompts.dialog = Some((purpose, rx));
    }

    pub(super) fn poll_dialog(&mut self) {
        let Some((purpose, rx)) = &self.prompts.dialog else {
            return;
        };
        let purpose = *purpose;
        match rx.try_recv() {
            Ok((Some(path), _)) => {
                self.prompts.dialog = None;
                self.dialog_picked(purpose, path);
            }
            Ok((None, took)) if took < NOT_SHOWN && !cfg!(windows) => {
                // Nothing, at once: no dialog was shown. Ask in the window.
                self.prompts.dialog = None;
                self.ask_path(purpose);
            }
            Ok((None, _)) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.prompts.dialog = None
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }

    /// A path picked in a dialog (native or the window's own), for `purpose`.
    pub(super) fn dialog_picked(&mut self, purpose: DialogPurpose, path: PathBuf) {
        match purpose {
            DialogPurpose::Open => self.request(AfterPrompt::Open(path)),
            DialogPurpose::Compare => self.compare_with(Some(path)),
            DialogPurpose::SaveAs => self.save_as(path),
            DialogPurpose::Sim(s) => self.finish_sim_dialog(s, &path),
        }
    }

    pub(crate) fn start_compare_dialog(&mut self) {
        self.start_dialog(DialogPurpose::Compare);
    }

    /// Opens a native dialog for the simulator (pool, cases, CSV).
    pub(crate) fn start_sim_dialog(&mut self, d: sim::SimDialog) {
        self.start_dialog(DialogPurpose::Sim(d));
    }

    /// Does what the simulator's dialog was for, with the path picked
    /// (tests call it directly).
    pub fn finish_sim_dialog(&mut self, d: sim::SimDialog, path: &std::path::Path) {
        use sim::SimDialog::*;
        let none = crate::secrets::Secrets::default();
        let secrets = self.doc.as_ref().map_or(&none, |d| d.secrets());
        let result = match d {
            OpenPool => self.sim.load_pool(path),
            SavePool => self.sim.save_pool(path),
            ImportSessions => self.sim.import_sessions(path),
            OpenCases => self.sim.load_cases(path),
            SaveCases => self.sim.save_cases(path),
            ExportMatrix => self.sim.export_matrix(path, secrets),
            ExportAccessCsv | ExportAccessHtml => {
                let title = self
                    .doc
                    .as_ref()
                    .and_then(|d| d.path())
                    .map_or_else(|| "a new file".to_string(), |p| p.display().to_string());
                self.sim
                    .export_access(path, d == ExportAccessHtml, &title, secrets)
            }
        };
        self.sim_panel.said(result);
    }
}
