//! Long lists of cards of different heights, drawn only where they can be
//! seen. Each card's height is measured when it is drawn and remembered; the
//! cards out of view are stood in for by empty space of that height (or the
//! average height, until measured), so the scroll bar stays right and a frame
//! costs the same for 50 cards or 5 000.

use egui::{Rect, Ui};

/// Measured heights of one list's items, by item index (0: not measured).
#[derive(Debug, Default, Clone)]
pub struct Heights(Vec<f32>);

impl Heights {
    fn estimate(&self) -> f32 {
        let (sum, n) = self
            .0
            .iter()
            .filter(|h| **h > 0.0)
            .fold((0.0, 0u32), |(s, n), h| (s + h, n + 1));
        if n == 0 { 160.0 } else { sum / n as f32 }
    }

    fn set(&mut self, i: usize, h: f32) {
        if self.0.len() <= i {
            self.0.resize(i + 1, 0.0);
        }
        self.0[i] = h;
    }
}

/// Draws the items `shown` (indices) one below the other into `ui`, the
/// content of a scroll area whose visible part is `viewport` (in content
/// coordinates, as [`egui::ScrollArea::show_viewport`] gives it). Items
/// within a screen of the viewport are drawn with `draw`; so is `force` (an
/// item being scrolled to), wherever it is.
pub fn show(
    ui: &mut Ui,
    viewport: Rect,
    heights: &mut Heights,
    shown: &[usize],
    force: Option<usize>,
    mut draw: impl FnMut(&mut Ui, usize),
) {
    let origin = ui.max_rect().top();
    let margin = viewport.height().max(200.0);
    let (lo, hi) = (viewport.min.y - margin, viewport.max.y + margin);
    let estimate = heights.estimate();
    let mut skipped = 0.0;
    for &i in shown {
        let h = heights
            .0
            .get(i)
            .copied()
            .filter(|h| *h > 0.0)
            .unwrap_or(estimate);
        let y = ui.cursor().top() - origin + skipped;
        if (y + h < lo || y > hi) && force != Some(i) {
            skipped += h;
            continue;
        }
        if skipped > 0.0 {
            ui.add_space(skipped);
            skipped = 0.0;
        }
        let before = ui.cursor().top();
        draw(ui, i);
        heights.set(i, ui.cursor().top() - before);
    }
    if skipped > 0.0 {
        ui.add_space(skipped);
    }
}
