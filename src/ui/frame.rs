//! The frame: what each frame does in order (the look, stale messages,
//! dialogs and drops, shortcuts), and the panels it lays out (the menu,
//! the status bar, the navigation, the simulator, the main area, the
//! questions waiting). It draws and collects what is asked; the handler in
//! `actions.rs` does it.

use std::path::PathBuf;

use egui::RichText;

use super::derived::Derived;
use super::panels::nav::{navigation, status_bar};
use super::preferences::{SETTINGS_KEY, SIMS_KEY};
use super::{AfterPrompt, Command, PrivyApp, Section, Theme, WindowAction, panels, sim};
use crate::document::Document;

impl PrivyApp {
    /// The theme, the legible small text and the zoom, when they change.
    fn apply_look(&mut self, ctx: &egui::Context) {
        if self.applied_theme != Some(self.settings.theme) {
            ctx.set_theme(self.settings.theme.preference());
            self.applied_theme = Some(self.settings.theme);
            // egui's small text is 9 points: too small to read every day.
            // Small stays smaller than the body, but legible.
            ctx.all_styles_mut(|style| {
                if let Some(f) = style.text_styles.get_mut(&egui::TextStyle::Small) {
                    f.size = f.size.max(11.0);
                }
            });
            // Zoom is the View menu's (and its shortcuts'), kept between
            // runs; egui's own keys would zoom a second time.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        let zoom = self.settings.zoom();
        if (ctx.zoom_factor() - zoom).abs() > f32::EPSILON {
            ctx.set_zoom_factor(zoom);
        }
    }

    /// A "Saved" status stops being true once the text is edited again.
    fn forget_stale_saved(&mut self) {
        if let (Some(at), Some(doc)) = (self.saved_at, self.doc.as_ref())
            && doc.generation() != at
        {
            // Edited since the save: "Saved" is no longer true.
            self.saved_at = None;
            self.status = None;
        }
    }

    /// Does what the panels asked this frame; what it changes shows in
    /// the next frame, which is asked for.
    fn act_all(&mut self, ctx: &egui::Context, asked: Vec<WindowAction>) {
        if asked.is_empty() {
            return;
        }
        ctx.request_repaint();
        for action in asked {
            self.act(action);
        }
    }

    /// A file read beside the window, once it is there.
    fn take_opened(&mut self, ctx: &egui::Context) {
        let Some((_, _, worker)) = self.opening.as_mut() else {
            return;
        };
        if !worker.finished() {
            // Looked at again shortly: the worker does not wake the window.
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
            return;
        }
        if let Some((path, _, mut worker)) = self.opening.take() {
            let result = worker.take().unwrap_or_else(|| {
                Err(crate::document::LoadError::Io {
                    path: path.clone(),
                    error: std::io::Error::other("reading it stopped unexpectedly"),
                })
            });
            self.opened(path, result);
            ctx.request_repaint();
        }
    }

    /// While a large file is read and checked beside the window: what, how
    /// large, for how long; over no document, the main area says it too.
    fn opening_bar(&mut self, ui: &mut egui::Ui) {
        let Some((path, size, worker)) = &self.opening else {
            return;
        };
        let text = format!(
            "Opening {} ({:.1} MB): reading and checking every rule… {:.0} s",
            path.display(),
            *size as f64 / 1e6,
            worker.started.elapsed().as_secs_f64()
        );
        egui::Panel::top("opening").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(&text);
            });
        });
        if self.doc.is_none() && self.load_error.is_none() {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.add_space(40.0);
                ui.vertical_centered(|ui| {
                    ui.spinner();
                    ui.label(RichText::new(&text).size(16.0));
                });
            });
        }
    }

    /// A native dialog's answer, and a file dropped on the window.
    fn take_dialogs_and_drops(&mut self, ctx: &egui::Context) {
        self.poll_dialog();
        if self.prompts.dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.request(AfterPrompt::Open(path));
        }
    }

    /// Draws the whole window into `ui` (also used by the GUI tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.apply_look(ui.ctx());
        self.forget_stale_saved();
        self.take_dialogs_and_drops(ui.ctx());
        self.take_opened(ui.ctx());
        let pressed = pressed_commands(ui.ctx());
        self.draw(ui);
        // Also over a file that could not be read: the way to another.
        self.path_prompt(ui);
        // The keys' commands run after the frame's edits are in: text typed
        // in the same frame as Ctrl+S (fast typing, or a slow frame on a
        // large file) is saved, reviewed and undone with the rest, never
        // left behind in the field.
        self.apply_pending();
        if !pressed.is_empty() {
            for cmd in pressed {
                self.run(cmd);
            }
            ui.ctx().request_repaint();
        }
    }

    /// The frame's panels, after the keys' commands were taken: the menu,
    /// then over a file the status bar, the navigation, the simulator and
    /// the main area, then the questions waiting, then the edits queued.
    fn draw(&mut self, ui: &mut egui::Ui) {
        self.menu_bar(ui);
        self.opening_bar(ui);
        if let Some(err) = &self.load_error {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.colored_label(ui.visuals().error_fg_color, err);
            });
            return;
        }
        let Some(doc) = self.doc.take() else { return };
        let now = ui.input(|i| i.time);
        if let Some(after) = self.findings.follow(&doc, now) {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(after));
        }
        let mut derived = std::mem::take(&mut self.editor.derived);
        derived.refresh(&doc, &self.editor.filter);
        let found = self.findings.diagnostics();
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar(ui, &derived, found, self.status.as_ref())
        });
        // What the panels ask is done once the document is back: a command
        // such as Save needs it.
        let mut asked = self.nav_panel(ui, &doc, &derived);
        if self.sim_panel.open {
            let sim_asked = egui::Panel::right("simulator")
                .default_size(480.0)
                .resizable(true)
                .show(ui, |ui| {
                    let mut cx = sim::SimCx::new(&mut self.sim, &mut self.sim_panel);
                    cx.simulator(ui, &doc, &derived.features);
                    cx.asked
                });
            asked.extend(sim_asked.inner);
        }
        asked.extend(self.main_area(ui, &doc, &derived));
        self.doc = Some(doc);
        self.editor.derived = derived;
        self.act_all(ui.ctx(), asked);
        if self.editor.go_to.is_some()
            && let Some(doc) = self.doc.as_ref()
        {
            let shown = match self.editor.section {
                Section::Rules(kind) => Some(kind),
                _ => None,
            };
            let asked =
                panels::go_to::go_to_prompt(ui, &mut self.editor.go_to, doc.config(), shown);
            self.act_all(ui.ctx(), asked);
        }
        if self.editor.history_open
            && let Some(doc) = self.doc.as_ref()
        {
            let mut open = true;
            let asked = panels::history::history(ui.ctx(), &mut open, doc);
            self.editor.history_open = open;
            self.act_all(ui.ctx(), asked);
        }
        self.waiting_questions(ui);
        self.apply_pending();
        self.keep_recovery(ui.ctx());
    }

    /// The menu bar; its commands run at once.
    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let mut clicked: Option<Command> = None;
        let mut recent: Option<PathBuf> = None;
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    for cmd in [Command::New, Command::Open] {
                        menu_item(ui, cmd, &mut clicked);
                    }
                    ui.menu_button("Open Recent", |ui| {
                        if self.settings.recent.is_empty() {
                            ui.label(RichText::new("No recent files").weak());
                        }
                        for p in self.settings.recent.clone() {
                            if ui.button(p.display().to_string()).clicked() {
                                recent = Some(p);
                                ui.close();
                            }
                        }
                    });
                    for cmd in [Command::Save, Command::SaveAs] {
                        menu_item(ui, cmd, &mut clicked);
                    }
                    ui.separator();
                    // Revert drops unsaved edits; Reload takes a change
                    // another program made. Each only when it has one.
                    let doc = self.doc.as_ref().filter(|d| d.path().is_some());
                    let dirty = doc.is_some_and(Document::is_dirty);
                    let changed = doc.is_some_and(Document::changed_on_disk);
                    for (cmd, enabled) in [(Command::Revert, dirty), (Command::Reload, changed)] {
                        menu_item_as(ui, cmd, cmd.label(), enabled, &mut clicked);
                    }
                    ui.separator();
                    menu_item(ui, Command::Quit, &mut clicked);
                });
                ui.menu_button("Edit", |ui| {
                    let named = |what: Option<&crate::document::StepWhat>, cmd: Command| match (
                        what,
                        self.doc.as_ref(),
                    ) {
                        (Some(w), Some(d)) => (
                            format!("{} {}", cmd.label(), crate::words::step_name(d.config(), w)),
                            true,
                        ),
                        _ => (cmd.label().to_string(), false),
                    };
                    let (undo, can_undo) = named(
                        self.doc.as_ref().and_then(Document::undo_what),
                        Command::Undo,
                    );
                    let (redo, can_redo) = named(
                        self.doc.as_ref().and_then(Document::redo_what),
                        Command::Redo,
                    );
                    menu_item_as(ui, Command::Undo, &undo, can_undo, &mut clicked);
                    menu_item_as(ui, Command::Redo, &redo, can_redo, &mut clicked);
                    menu_item(ui, Command::UndoHistory, &mut clicked);
                    ui.separator();
                    menu_item(ui, Command::TidyUp, &mut clicked);
                });
                ui.menu_button("View", |ui| {
                    menu_item(ui, Command::Find, &mut clicked);
                    menu_item(ui, Command::GoToRule, &mut clicked);
                    menu_item(ui, Command::ShowProblems, &mut clicked);
                    menu_item(ui, Command::NextProblem, &mut clicked);
                    menu_item(ui, Command::PreviousProblem, &mut clicked);
                    menu_item(ui, Command::Simulator, &mut clicked);
                    ui.separator();
                    for cmd in [Command::ZoomIn, Command::ZoomOut, Command::ZoomReset] {
                        menu_item(ui, cmd, &mut clicked);
                    }
                    ui.label(
                        RichText::new(format!(
                            "Zoom: {}%",
                            self.settings.zoom_percent.unwrap_or(100)
                        ))
                        .weak(),
                    );
                    ui.separator();
                    ui.label(RichText::new("Theme").weak());
                    for (t, name) in [
                        (Theme::System, "Follow the system"),
                        (Theme::Light, "Light"),
                        (Theme::Dark, "Dark"),
                    ] {
                        ui.radio_value(&mut self.settings.theme, t, name);
                    }
                });
                ui.separator();
                let shortcut = Command::Simulator
                    .shortcuts()
                    .first()
                    .map(|s| ui.ctx().format_shortcut(s))
                    .unwrap_or_default();
                ui.toggle_value(&mut self.sim_panel.open, "▶ Simulator")
                    .on_hover_text(format!("{} ({shortcut})", Command::Simulator.description()));
                ui.separator();
                ui.label(RichText::new(self.title()).weak());
            });
        });
        if let Some(cmd) = clicked {
            self.run(cmd);
        }
        if let Some(path) = recent {
            self.request(AfterPrompt::Open(path));
        }
    }

    /// The navigation: the filter, what it shows, and the sections.
    fn nav_panel(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
    ) -> Vec<WindowAction> {
        let mut asked = Vec::new();
        let mut section = self.editor.section;
        egui::Panel::left("nav").default_size(240.0).show(ui, |ui| {
            ui.add_space(6.0);
            let label = ui.label("Filter");
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut self.editor.filter)
                        .hint_text("text, or user:anna feature:CAD")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "Text shows the rules and groups that mention it. user:NAME, host:NAME, ip:ADDRESS, local:GROUP and feature:NAME show who is affected: the rules about that principal (through groups, wildcards and IP ranges), the rules for that feature (and for every feature), and the groups the principal is in. Quote values with spaces: user:\"Privileged User\".",
                );
            if self.editor.focus_filter {
                resp.request_focus();
                self.editor.focus_filter = false;
            }
            let more = (self.findings.diagnostics(), self.findings.pending());
            if !derived.filter_words.is_empty() {
                ui.label(RichText::new(&derived.filter_words).weak());
            }
            // "What can anna use?": the Access tab for the filter's user.
            let mut access_of = None;
            if let crate::who::Filter::Who { principal, .. } = crate::who::Filter::parse(&self.editor.filter)
                && let Some(user) = principal.user.as_deref().map(str::trim).filter(|u| !u.is_empty())
                && ui
                    .link(format!("Everything {user} can use"))
                    .on_hover_text("Every feature, checkout or borrow, for this user: the simulator's Access tab")
                    .clicked()
            {
                access_of = Some(user.to_string());
            }
            navigation(ui, doc, derived, &mut section, &self.editor.filter, more);
            if let Some(user) = access_of {
                asked.push(WindowAction::AccessOf(user));
            }
        });
        if section != self.editor.section {
            asked.push(WindowAction::Show(section));
        }
        asked
    }

    /// The section shown, in the middle of the window.
    fn main_area(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        derived: &Derived,
    ) -> Vec<WindowAction> {
        let mut asked = Vec::new();
        let section = self.editor.section;
        egui::CentralPanel::default().show(ui, |ui| {
            // Another program changed the file: said where it shows, with
            // the way to see how and to take it.
            if section != Section::Review && doc.changed_on_disk() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new("⚠ The file changed on disk since it was opened.")
                            .color(ui.visuals().warn_fg_color),
                    );
                    if ui
                        .link("Review and reload…")
                        .on_hover_text(Command::Reload.description())
                        .clicked()
                    {
                        asked.push(WindowAction::Run(Command::Reload));
                    }
                });
                ui.separator();
            }
            // The forms of a file that is not standard JSON show only what
            // could be read: said above them, with the way to the text.
            let form = matches!(section, Section::Settings | Section::Rules(_) | Section::Groups);
            if form && !doc.is_json() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(
                            "⚠ The file has syntax errors: the server cannot read it, and these forms show only what could be understood.",
                        )
                        .color(ui.visuals().warn_fg_color),
                    );
                    if ui.link("Fix them in the JSON text").clicked() {
                        asked.push(WindowAction::Show(Section::Raw));
                    }
                });
                ui.separator();
            }
            // Page Up, Page Down, Home and End move through the section
            // when no field takes the keys.
            let mut scroll = egui::ScrollArea::vertical()
                .id_salt(section)
                .auto_shrink(false);
            if let Some(y) = self.editor.page.key_target(ui.ctx(), section) {
                scroll = scroll.vertical_scroll_offset(y);
            }
            let shown = scroll.show_viewport(ui, |ui, viewport| match section {
                    Section::Settings => {
                        for a in panels::settings::settings(ui, doc, derived) {
                            asked.push(a);
                        }
                    }
                    Section::Rules(_) | Section::Groups => {
                        let mut cards = panels::cards::Cards {
                            editor: &mut self.editor,
                            findings: &self.findings,
                            deciding: if self.sim_panel.open {
                                self.sim.deciding()
                            } else {
                                &[]
                            },
                            asked: Vec::new(),
                        };
                        match section {
                            Section::Rules(kind) => cards.rules(ui, doc, derived, kind, viewport),
                            _ => cards.groups(ui, doc, derived, viewport),
                        }
                        for a in cards.asked {
                            asked.push(a);
                        }
                    }
                    Section::Problems => {
                        let got = panels::problems::problems(
                            ui,
                            doc,
                            derived,
                            self.findings.diagnostics(),
                            self.findings.pending(),
                            &mut self.editor.problems,
                        );
                        for a in got {
                            asked.push(a);
                        }
                    }
                    Section::Raw => {
                        let got = panels::raw::raw(
                            ui,
                            doc,
                            self.findings.diagnostics().len(),
                            &mut self.editor.show_passwords,
                        );
                        for a in got {
                            asked.push(a);
                        }
                    }
                    Section::Review => {
                        for a in panels::review::review(ui, doc, &mut self.reviewing) {
                            asked.push(a);
                        }
                    }
                    Section::Tidy => {
                        for a in panels::tidy::tidy_page(ui, doc, &mut self.tidying) {
                            asked.push(a);
                        }
                    }
                });
            self.editor.page.seen(section, &shown);
        });
        asked
    }

    /// The questions the window may be waiting on, each drawn when asked.
    fn waiting_questions(&mut self, ui: &mut egui::Ui) {
        if let Some(answer) = super::prompts::questions(ui, &self.prompts, self.doc.as_ref()) {
            self.answer(answer);
        }
        // What an earlier session left is offered once the file is open.
        if self.opening.is_none() {
            self.recovery_prompt(ui);
        }
    }
}

/// The commands whose shortcuts were pressed this frame, each once. The
/// most specific chords first: egui matches Ctrl+Z also when Shift is
/// held, so Ctrl+Shift+Z (Redo) and Ctrl+Shift+S (Save As) must be taken
/// before Ctrl+Z and Ctrl+S are looked at.
fn pressed_commands(ctx: &egui::Context) -> Vec<Command> {
    let mut chords: Vec<(Command, &egui::KeyboardShortcut)> = Command::ALL
        .iter()
        .flat_map(|&c| c.shortcuts().iter().map(move |s| (c, s)))
        .collect();
    chords.sort_by_key(|(_, s)| {
        let m = s.modifiers;
        std::cmp::Reverse(
            u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl || m.mac_cmd),
        )
    });
    let mut pressed: Vec<Command> = Vec::new();
    for (cmd, s) in chords {
        if ctx.input_mut(|i| i.consume_shortcut(s)) && !pressed.contains(&cmd) {
            pressed.push(cmd);
        }
    }
    pressed
}

fn menu_item(ui: &mut egui::Ui, cmd: Command, clicked: &mut Option<Command>) {
    menu_item_as(ui, cmd, cmd.label(), true, clicked);
}

/// A menu item with its own label (Undo names what it undoes), greyed out
/// when it has nothing to do.
fn menu_item_as(
    ui: &mut egui::Ui,
    cmd: Command,
    label: &str,
    enabled: bool,
    clicked: &mut Option<Command>,
) {
    let shortcut = cmd
        .shortcuts()
        .first()
        .map(|s| ui.ctx().format_shortcut(s))
        .unwrap_or_default();
    if ui
        .add_enabled(enabled, egui::Button::new(label).shortcut_text(shortcut))
        .on_hover_text(cmd.description())
        .clicked()
    {
        *clicked = Some(cmd);
        ui.close();
    }
}

impl eframe::App for PrivyApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        let path = self.doc.as_ref().and_then(Document::path);
        eframe::set_value(storage, SIMS_KEY, &self.sims.with_open(&self.sim, path));
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && !self.wants_close
            && self.doc.as_ref().is_some_and(Document::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.request(AfterPrompt::Close);
        }
        // Only when it changes: every viewport command wakes the event loop
        // for another frame, and sending it each frame kept an idle window
        // repainting at full speed.
        let title = self.title();
        if self.sent_title.as_deref() != Some(title.as_str()) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.sent_title = Some(title);
        }
        self.show(ui);
        if self.wants_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
