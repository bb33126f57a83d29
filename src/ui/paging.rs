//! Page Up, Page Down, Home and End in the main area: where the section
//! was scrolled to last frame, and where a key takes it, when no field
//! takes the keys.

use super::Section;

/// The main area's scrolling as last shown.
#[derive(Debug, Default)]
pub(super) struct Paging {
    /// The section, its offset, the view's height and the content's.
    last: Option<(Section, f32, f32, f32)>,
    /// End was pressed: the cards not drawn yet stand in by an estimate of
    /// their height, so the end moves as they are measured; followed until
    /// the view is at the end.
    to_end: bool,
}

impl Paging {
    /// The offset a paging key pressed this frame asks for (and takes the
    /// key), if any.
    pub(super) fn key_target(&mut self, ctx: &egui::Context, section: Section) -> Option<f32> {
        let (shown, offset, view, content) = self.last?;
        if shown != section {
            self.to_end = false;
            return None;
        }
        let end = (content - view).max(0.0);
        if self.to_end {
            if offset >= end - 1.0 {
                self.to_end = false;
            } else {
                ctx.request_repaint();
                return Some(end);
            }
        }
        if ctx.egui_wants_keyboard_input() {
            return None;
        }
        let page = (view - 40.0).max(view * 0.5);
        let pressed = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        let target = if pressed(egui::Key::PageDown) {
            offset + page
        } else if pressed(egui::Key::PageUp) {
            offset - page
        } else if pressed(egui::Key::Home) {
            0.0
        } else if pressed(egui::Key::End) {
            self.to_end = true;
            end
        } else {
            return None;
        };
        ctx.request_repaint();
        Some(target.clamp(0.0, end))
    }

    /// Keeps where the section was scrolled to this frame.
    pub(super) fn seen<R>(
        &mut self,
        section: Section,
        out: &egui::scroll_area::ScrollAreaOutput<R>,
    ) {
        self.last = Some((
            section,
            out.state.clamped_offset().y,
            out.inner_rect.height(),
            out.content_size.y,
        ));
    }
}
