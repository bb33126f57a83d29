//! The Matrix tab: principals against features, and its grid.

#[allow(unused_imports)]
use super::*;

impl PrivyApp {
    pub(super) fn matrix_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        let mut action = self.sim.matrix_action;
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut action, Action::Checkout, "Checkout");
            ui.radio_value(&mut action, Action::Borrow, "Borrow");
            ui.separator();
            if ui.button("Export CSV…").clicked() {
                self.start_sim_dialog(SimDialog::ExportMatrix);
            }
        });
        self.sim.matrix_action = action;
        ui.horizontal(|ui| {
            let l = ui.label("Add a principal");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.sim.new_row)
                        .hint_text("user, user@host, IP or &group")
                        .desired_width(200.0),
                )
                .labelled_by(l.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add").clicked() || enter) && !self.sim.new_row.trim().is_empty() {
                let p = parse_principal(&self.sim.new_row);
                self.sim.extra_rows.push(p);
                self.sim.new_row.clear();
            }
        });
        self.sim.refresh(doc);
        let Some(Cached {
            value: (m, took, more),
            ..
        }) = &self.sim.matrix
        else {
            return;
        };
        let mut info = format!(
            "{} principals × {} features, decided in {:.1} ms. Hover a cell for the reason; click it for the trace.",
            m.rows.len(),
            m.features.len(),
            took.as_secs_f64() * 1000.0
        );
        if *more {
            info.push_str(&format!(
                " The file names more principals than these first {MAX_FILE_ROWS}: add the ones you need above."
            ));
        }
        ui.label(RichText::new(info).small().weak());
        if m.rows.is_empty() || m.features.is_empty() {
            ui.label("The file names no principals or no features yet: add a principal above.");
            return;
        }
        if let Some(req) = matrix_grid(ui, m) {
            self.sim.form = RequestForm::from_request(&req);
            self.sim.tab = SimTab::Request;
        }
    }
}

/// The matrix as a grid: feature names written upwards over narrow
/// columns, one row per principal. Only the rows and columns in view are
/// drawn, so a large matrix costs no more per frame than a screenful.
/// Returns the request of the cell clicked.
pub(super) fn matrix_grid(ui: &mut egui::Ui, m: &Matrix) -> Option<Request> {
    let cell = 26.0f32;
    let gap = 2.0f32;
    let font = egui::TextStyle::Small.resolve(ui.style());
    let body = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    // The width of the widest text, kept between `least` and `most`.
    let widest = |texts: &mut dyn Iterator<Item = String>, font: &egui::FontId, least, most| {
        texts
            .map(|t| {
                ui.fonts_mut(|fo| fo.layout_no_wrap(t, font.clone(), color))
                    .size()
                    .x
            })
            .fold(least, f32::max)
            .min(most)
    };
    let header = widest(&mut m.features.iter().cloned(), &font, 40.0, 220.0) + 8.0;
    let labels: Vec<String> = m.rows.iter().map(Principal::label).collect();
    let label_w = widest(&mut labels.iter().cloned(), &body, 60.0, 240.0) + 10.0;
    let pitch = cell + gap;
    let mut open = None;
    egui::ScrollArea::both()
        .id_salt("matrix")
        .auto_shrink(false)
        .show_viewport(ui, |ui, viewport| {
            let size = egui::vec2(
                label_w + pitch * m.features.len() as f32,
                header + pitch * m.rows.len() as f32,
            );
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let origin = rect.min;
            let visible = |from: f32, to: f32, offset: f32, n: usize| {
                let first = ((from - offset) / pitch).floor().max(0.0) as usize;
                let last = (((to - offset) / pitch).ceil().max(0.0) as usize + 1).min(n);
                first..last.max(first)
            };
            let cols = visible(viewport.min.x, viewport.max.x, label_w, m.features.len());
            let rows = visible(viewport.min.y, viewport.max.y, header, m.rows.len());
            let painter = ui.painter().clone();
            for c in cols.clone() {
                let x = origin.x + label_w + c as f32 * pitch + cell / 2.0;
                let galley = painter.layout_no_wrap(m.features[c].clone(), font.clone(), color);
                let h = galley.size().y;
                let pos = egui::pos2(x - h / 2.0, origin.y + header - 4.0);
                painter.add(
                    egui::epaint::TextShape::new(pos, galley, color)
                        .with_angle(-std::f32::consts::FRAC_PI_2),
                );
            }
            for r in rows {
                let y = origin.y + header + r as f32 * pitch;
                let label_rect =
                    egui::Rect::from_min_size(egui::pos2(origin.x, y), egui::vec2(label_w, cell));
                ui.put(label_rect, egui::Label::new(labels[r].as_str()).truncate());
                for c in cols.clone() {
                    let Some(x) = m.cell(r, c) else { continue };
                    let f = &m.features[c];
                    let fill = verdict_color(ui, x.verdict);
                    let mark = if x.verdict == Verdict::Granted {
                        "✔"
                    } else {
                        "✖"
                    };
                    let at = egui::Rect::from_min_size(
                        egui::pos2(origin.x + label_w + c as f32 * pitch, y),
                        egui::vec2(cell, cell),
                    );
                    let resp = ui
                        .put(
                            at,
                            egui::Button::new(RichText::new(mark).color(Color32::WHITE)).fill(fill),
                        )
                        .on_hover_text(format!(
                            "{} · {f}: {} ({})",
                            labels[r],
                            verdict_word(x.verdict),
                            reason_short(x.reason)
                        ));
                    let name = format!("{} × {f}: {}", labels[r], x.reason.as_str());
                    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if resp.clicked() {
                        open = m.request(r, c);
                    }
                }
            }
        });
    open
}
