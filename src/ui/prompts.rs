//! The questions the window asks before it acts: unsaved changes, a file changed on disk, a file with hard links.

use crate::ui::WindowAction;

use crate::document::Document;
use crate::ui::AfterPrompt;
use crate::ui::Command;
use crate::ui::PrivyApp;
use crate::ui::Section;
use crate::ui::Status;
use crate::ui::saved;
use egui::RichText;

impl PrivyApp {
    /// Saves the document (with its `.bak`), routing what needs the user's
    /// word to a prompt: a file changed on disk, a file with hard links.
    pub(crate) fn save_now(
        &mut self,
        overwrite_changed: bool,
        hard_links: crate::document::HardLinks,
    ) {
        use crate::document::{SaveError, SaveOptions};
        let Some(doc) = self.doc.as_mut() else { return };
        let result = doc.save_with(SaveOptions {
            overwrite_changed,
            backup: true,
            hard_links,
        });
        match result {
            Err(SaveError::ChangedOnDisk { .. }) => self.prompts.conflict = true,
            Err(SaveError::HardLinked { links, .. }) => {
                self.prompts.hard_linked = Some((links, overwrite_changed));
            }
            result => {
                let ok = result.is_ok();
                self.status = Some(saved(doc, result));
                self.saved_at = ok.then(|| doc.generation());
            }
        }
    }

    /// The file has other hard links: a save as usual (a new file renamed
    /// over this name) would leave them with the old text.
    pub(crate) fn hard_link_prompt(&mut self, ui: &mut egui::Ui) {
        use crate::document::HardLinks;
        let Some((links, overwrite)) = self.prompts.hard_linked else {
            return;
        };
        // The real file (behind a symlink) is the one with the other names.
        let doc = self.doc.as_ref();
        let name = doc
            .and_then(Document::link_target)
            .or_else(|| {
                doc.and_then(Document::path)
                    .map(std::path::Path::to_path_buf)
            })
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let others = match links - 1 {
            1 => "1 other name".to_string(),
            n => format!("{n} other names"),
        };
        let choice = ask(
            ui,
            "hard-linked",
            "The file has other names",
            &format!(
                "{name} also has {others} (hard links). Writing in place keeps every name showing the new text; replacing gives only this name the new text."
            ),
            Some(
                "Writing in place is not atomic: a crash while writing can leave the file torn. The .bak keeps the previous text either way.",
            ),
            &["Write in place", "Replace this name only", "Cancel"],
        );
        match choice {
            Some(0) => {
                self.prompts.hard_linked = None;
                self.save_now(overwrite, HardLinks::InPlace);
            }
            Some(1) => {
                self.prompts.hard_linked = None;
                self.save_now(overwrite, HardLinks::Break);
            }
            Some(_) => {
                self.prompts.hard_linked = None;
                self.status = Some(Status {
                    text: "Not saved".into(),
                    error: false,
                });
            }
            None => {}
        }
    }

    /// The file changed on disk since it was read, and a save would
    /// overwrite that: overwrite, reload (the edits stay in Undo) or cancel.
    pub(crate) fn conflict_prompt(&mut self, ui: &mut egui::Ui) {
        if !self.prompts.conflict {
            return;
        }
        let Some(doc) = self.doc.as_mut() else {
            self.prompts.conflict = false;
            return;
        };
        let name = doc
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let choice = ask(
            ui,
            "changed-on-disk",
            "The file changed on disk",
            &format!(
                "{name} was changed by another program since you opened it. Saving now would overwrite those changes."
            ),
            Some(
                "Reloading replaces your edits with the file as it is now; Undo brings them back.",
            ),
            &["Overwrite", "Reload from disk", "Cancel"],
        );
        match choice {
            Some(0) => {
                self.prompts.conflict = false;
                self.save_now(true, crate::document::HardLinks::Ask);
            }
            Some(1) => {
                self.prompts.conflict = false;
                self.status = Some(match doc.reload_from_disk() {
                    Ok(()) => Status {
                        text: format!("Reloaded {name}; Undo brings your edits back"),
                        error: false,
                    },
                    Err(e) => Status {
                        text: e.to_string(),
                        error: true,
                    },
                });
            }
            Some(_) => {
                self.prompts.conflict = false;
                self.status = Some(Status {
                    text: "Not saved: the file on disk was left as it is".into(),
                    error: false,
                });
            }
            None => {}
        }
    }

    /// Save was asked while the file has errors: the server may refuse to
    /// start with it, or read the rules otherwise.
    pub(crate) fn errors_prompt(&mut self, ui: &mut egui::Ui) {
        let Some(after) = self.prompts.save_with_errors.clone() else {
            return;
        };
        let n = self.doc.as_ref().map_or(0, Document::error_count);
        let choice = ask(
            ui,
            "save-with-errors",
            &format!(
                "Save a file with {n} error{}?",
                if n == 1 { "" } else { "s" }
            ),
            "The License Manager may refuse to start with this file, or read its rules differently from what Privy shows.",
            Some("Problems lists each error, most with a fix."),
            &["Save anyway", "Show problems", "Cancel"],
        );
        match choice {
            Some(0) => {
                self.prompts.save_with_errors = None;
                self.save_now(false, crate::document::HardLinks::Ask);
                if let Some(action) = after
                    && self.doc.as_ref().is_some_and(|d| !d.is_dirty())
                {
                    self.perform(action);
                }
            }
            Some(1) => {
                self.prompts.save_with_errors = None;
                self.act(WindowAction::Show(Section::Problems));
            }
            Some(_) => self.prompts.save_with_errors = None,
            None => {}
        }
    }

    pub(crate) fn unsaved_prompt(&mut self, ui: &mut egui::Ui) {
        let Some(action) = self.prompts.prompt.clone() else {
            return;
        };
        let question = match &action {
            AfterPrompt::Close => "Save changes before closing?".to_string(),
            AfterPrompt::New => "Save changes before starting a new file?".to_string(),
            AfterPrompt::Open(p) => format!("Save changes before opening {}?", p.display()),
        };
        let choice = ask(
            ui,
            "unsaved-changes",
            &question,
            "Your edits to this file have not been saved.",
            None,
            &["Save", "Discard", "Cancel"],
        );
        match choice {
            Some(0) if self.doc.as_ref().is_some_and(|d| d.error_count() > 0) => {
                // Saving a file with errors is asked about first; the
                // action follows that save.
                self.prompts.prompt = None;
                self.prompts.save_with_errors = Some(Some(action));
            }
            Some(0) => {
                self.prompts.prompt = None;
                self.run(Command::Save);
                // Only go on when the save worked; otherwise the error shows
                // in the status bar and the edits stay.
                if self.doc.as_ref().is_some_and(|d| !d.is_dirty()) {
                    self.perform(action);
                }
            }
            Some(1) => {
                self.prompts.prompt = None;
                self.perform(action);
            }
            Some(_) => self.prompts.prompt = None,
            None => {}
        }
    }
}

/// A question in a modal window: a heading, what it is about, an optional
/// quieter hint, and buttons. Returns the index of the button clicked;
/// Escape is "Cancel" where there is one (never a choice that loses
/// something).
pub(crate) fn ask(
    ui: &egui::Ui,
    id: &str,
    heading: &str,
    text: &str,
    hint: Option<&str>,
    buttons: &[&str],
) -> Option<usize> {
    let mut choice = None;
    egui::Modal::new(egui::Id::unique(id)).show(ui.ctx(), |ui| {
        ui.heading(heading);
        ui.label(text);
        if let Some(h) = hint {
            ui.label(RichText::new(h).weak());
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            for (i, b) in buttons.iter().enumerate() {
                if ui.button(*b).clicked() {
                    choice = Some(i);
                }
            }
        });
    });
    if choice.is_none() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        choice = buttons.iter().position(|b| *b == "Cancel");
    }
    choice
}
