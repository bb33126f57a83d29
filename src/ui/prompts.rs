//! The questions the window asks before it acts: unsaved changes, a file
//! with errors, a file changed on disk, a file with hard links. Each is
//! drawn from what it asks about and returns the answer clicked;
//! [`crate::ui::PrivyApp::answer`] does what the answer says.

use egui::RichText;

use crate::document::{Document, HardLinks};
use crate::ui::AfterPrompt;
use crate::ui::state::Prompts;

/// An answer to one of the window's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Unsaved changes before `AfterPrompt`: save them first.
    SaveFirst(AfterPrompt),
    /// Unsaved changes: discard them and go on.
    Discard(AfterPrompt),
    /// A file with errors: save it anyway, then go on (if anything was
    /// waiting on the save).
    SaveAnyway(Option<AfterPrompt>),
    /// A file with errors: show the problems instead of saving.
    ShowProblems,
    /// The file changed on disk: overwrite it.
    Overwrite,
    /// The file changed on disk: reload it (the edits stay in Undo).
    Reload,
    /// The file has other hard links: save in this way.
    SaveLinked { overwrite: bool, how: HardLinks },
    /// The question was cancelled: a note for the status bar, if any.
    Cancel(Option<&'static str>),
}

/// Whichever of the questions is open, and its answer once one is clicked.
pub(crate) fn questions(
    ui: &egui::Ui,
    prompts: &Prompts,
    doc: Option<&Document>,
) -> Option<Answer> {
    if let Some(action) = &prompts.prompt {
        return unsaved(ui, action);
    }
    if let Some(after) = &prompts.save_with_errors {
        return with_errors(ui, after, doc.map_or(0, Document::error_count));
    }
    if prompts.conflict {
        return changed_on_disk(ui, doc);
    }
    if let Some((links, overwrite)) = prompts.hard_linked {
        return hard_linked(ui, links, overwrite, doc);
    }
    None
}

fn unsaved(ui: &egui::Ui, action: &AfterPrompt) -> Option<Answer> {
    let question = match action {
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
    )?;
    Some(match choice {
        0 => Answer::SaveFirst(action.clone()),
        1 => Answer::Discard(action.clone()),
        _ => Answer::Cancel(None),
    })
}

/// Save was asked while the file has errors: the server may refuse to
/// start with it, or read the rules otherwise.
fn with_errors(ui: &egui::Ui, after: &Option<AfterPrompt>, n: usize) -> Option<Answer> {
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
    )?;
    Some(match choice {
        0 => Answer::SaveAnyway(after.clone()),
        1 => Answer::ShowProblems,
        _ => Answer::Cancel(None),
    })
}

/// The file changed on disk since it was read, and a save would
/// overwrite that: overwrite, reload (the edits stay in Undo) or cancel.
fn changed_on_disk(ui: &egui::Ui, doc: Option<&Document>) -> Option<Answer> {
    let name = doc
        .and_then(Document::path)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let choice = ask(
        ui,
        "changed-on-disk",
        "The file changed on disk",
        &format!(
            "{name} was changed by another program since you opened it. Saving now would overwrite those changes."
        ),
        Some("Reloading replaces your edits with the file as it is now; Undo brings them back."),
        &["Overwrite", "Reload from disk", "Cancel"],
    )?;
    Some(match choice {
        0 => Answer::Overwrite,
        1 => Answer::Reload,
        _ => Answer::Cancel(Some("Not saved: the file on disk was left as it is")),
    })
}

/// The file has other hard links: a save as usual (a new file renamed
/// over this name) would leave them with the old text.
fn hard_linked(
    ui: &egui::Ui,
    links: u64,
    overwrite: bool,
    doc: Option<&Document>,
) -> Option<Answer> {
    // The real file (behind a symlink) is the one with the other names.
    let name = doc
        .and_then(Document::link_target)
        .or_else(|| {
            doc.and_then(Document::path)
                .map(std::path::Path::to_path_buf)
        })
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let others = match links.saturating_sub(1) {
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
    )?;
    Some(match choice {
        0 => Answer::SaveLinked {
            overwrite,
            how: HardLinks::InPlace,
        },
        1 => Answer::SaveLinked {
            overwrite,
            how: HardLinks::Break,
        },
        _ => Answer::Cancel(Some("Not saved")),
    })
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
