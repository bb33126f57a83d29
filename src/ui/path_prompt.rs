//! A path typed in the window, when no native file dialog can be shown (a
//! Linux machine without a desktop portal or zenity: the dialog returns at
//! once with nothing, and File > Open would seem to do nothing).

use std::path::{Path, PathBuf};

use egui::RichText;

use super::PrivyApp;
use super::dialogs::DialogPurpose;

/// The prompt's state: what the path is for, and the text typed.
pub(super) struct PathPrompt {
    pub purpose: DialogPurpose,
    pub text: String,
}

/// Up to eight entries of the folder `text` is in whose names start with
/// what follows its last separator, folders first (with a separator): each
/// as its name and the whole path.
fn completions(text: &str) -> Vec<(String, String)> {
    let (dir, prefix) = match text.rfind(['/', '\\']) {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let read = if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir)
    };
    let Ok(entries) = std::fs::read_dir(read) else {
        return Vec::new();
    };
    let mut out: Vec<(bool, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            let sep = if is_dir {
                std::path::MAIN_SEPARATOR_STR
            } else {
                ""
            };
            (name.starts_with(prefix) && !name.starts_with('.'))
                .then(|| (!is_dir, format!("{name}{sep}")))
        })
        .take(200)
        .collect();
    out.sort();
    out.into_iter()
        .take(8)
        .map(|(_, name)| (name.clone(), format!("{dir}{name}")))
        .collect()
}

impl PrivyApp {
    /// Asks for a path in the window instead of the dialog that could not
    /// be shown.
    pub(super) fn ask_path(&mut self, purpose: DialogPurpose) {
        let start = self
            .doc
            .as_ref()
            .and_then(|d| d.path())
            .and_then(Path::parent)
            .map(|p| format!("{}{}", p.display(), std::path::MAIN_SEPARATOR))
            .unwrap_or_default();
        self.prompts.path_prompt = Some(PathPrompt {
            purpose,
            text: start,
        });
    }

    pub(super) fn path_prompt(&mut self, ui: &mut egui::Ui) {
        let Some(prompt) = self.prompts.path_prompt.as_mut() else {
            return;
        };
        let mut chosen: Option<PathBuf> = None;
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("path-prompt")).show(ui.ctx(), |ui| {
            ui.set_width(520.0);
            ui.heading(match prompt.purpose {
                DialogPurpose::SaveAs => "Save as",
                DialogPurpose::Compare => "Compare with",
                _ => "Open a file",
            });
            ui.label(
                "No file dialog could be shown on this system (it needs a desktop portal or zenity). Type the file's path:",
            );
            let resp = ui.add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .desired_width(f32::INFINITY)
                    .hint_text("/path/to/ServerConfig.json"),
            );
            resp.request_focus();
            let mut replace: Option<String> = None;
            ui.horizontal_wrapped(|ui| {
                for (name, path) in completions(&prompt.text) {
                    if ui.button(RichText::new(name).small()).clicked() {
                        replace = Some(path);
                    }
                }
            });
            if let Some(c) = replace {
                prompt.text = c;
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                let ok = !prompt.text.trim().is_empty();
                if ui.add_enabled(ok, egui::Button::new("OK")).clicked() || (ok && enter) {
                    chosen = Some(PathBuf::from(prompt.text.trim()));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    cancel = true;
                }
            });
        });
        let purpose = prompt.purpose;
        if let Some(path) = chosen {
            self.prompts.path_prompt = None;
            self.dialog_picked(purpose, path);
        } else if cancel {
            self.prompts.path_prompt = None;
        }
    }
}
