//! Undo history: the edits as a list, oldest first, with the text now and
//! the text last saved marked; a click on one goes back (or forward) to
//! the text just after it, as Undo and Redo would.

use egui::RichText;

use crate::document::Document;
use crate::ui::WindowAction;

/// The Undo history window while `open`; the state clicked, as an action.
pub(crate) fn history(ctx: &egui::Context, open: &mut bool, doc: &Document) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    let history = doc.history();
    let now = history.done.len();
    // At first beside the top right of the window, over the cards' ends
    // rather than the navigation and the menus.
    let screen = ctx.content_rect();
    egui::Window::new("Undo history")
        .open(open)
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(egui::pos2(screen.right() - 24.0, screen.top() + 48.0))
        .default_width(360.0)
        .resizable(true)
        .show(ctx, |ui| {
            ui.label(
                RichText::new("Click an edit to go back (or forward) to the text just after it. Later edits stay here until you make a new one.")
                    .weak(),
            );
            ui.add_space(4.0);
            let cfg = doc.config();
            let names = std::iter::once("Before these edits".to_string()).chain(
                history
                    .done
                    .iter()
                    .chain(&history.undone)
                    .map(|w| crate::words::step_name(cfg, w)),
            );
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for (state, name) in names.enumerate() {
                        let mut text = if state == 0 {
                            name
                        } else {
                            format!("{state}. {name}")
                        };
                        if history.saved == Some(state) {
                            text.push_str(" · saved");
                        }
                        if state == now {
                            text.push_str("  ◀ now");
                        }
                        let mut rich = RichText::new(text);
                        if state > now {
                            rich = rich.weak().italics();
                        }
                        let row = ui.selectable_label(state == now, rich);
                        if row.clicked() && state != now {
                            asked.push(WindowAction::HistoryTo(state));
                        }
                    }
                });
        });
    asked
}
