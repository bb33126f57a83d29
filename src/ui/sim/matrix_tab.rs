//! The Matrix tab: principals against features, and its grid.

use crate::ui::WindowAction;

use super::verdict_color;
use crate::document::Document;
use crate::engine::Action;
use crate::engine::Request;
use crate::engine::Verdict;
use crate::sim::cache::Cached;
use crate::sim::matrix::Matrix;
use crate::ui::sim::MAX_FILE_ROWS;
use crate::ui::sim::RequestForm;
use crate::ui::sim::SimCx;
use crate::ui::sim::SimDialog;
use crate::ui::sim::parse_principal;
use egui::Color32;
use egui::RichText;

use crate::engine::Reason;

impl SimCx<'_> {
    pub(super) fn matrix_tab(&mut self, ui: &mut egui::Ui, doc: &Document) {
        let mut action = self.sim.matrix_action;
        let mut copy = false;
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut action, Action::Checkout, "Checkout");
            ui.radio_value(&mut action, Action::Borrow, "Borrow");
            ui.separator();
            if ui.button("Export CSV…").clicked() {
                self.start_sim_dialog(SimDialog::ExportMatrix);
            }
            if ui
                .button("Copy CSV")
                .on_hover_text("Copy the matrix as CSV text, to paste into a spreadsheet")
                .clicked()
            {
                copy = true;
            }
        });
        self.sim.matrix_action = action;
        ui.horizontal(|ui| {
            let l = ui.label("Add a principal");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.sim_panel.new_row)
                        .hint_text("user, user@host, IP or &group")
                        .desired_width(200.0),
                )
                .labelled_by(l.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add").clicked() || enter) && !self.sim_panel.new_row.trim().is_empty() {
                let p = parse_principal(&self.sim_panel.new_row);
                self.sim_panel.matrix_scroll = Some(p.label());
                self.sim.extra_rows.push(p);
                self.sim_panel.new_row.clear();
            }
        });
        self.sim.refresh(doc, self.sim_panel.wanted());
        let Some(Cached {
            value: (m, took, more),
            ..
        }) = &self.sim.matrix
        else {
            return;
        };
        let info = crate::words::simulator::matrix_info(
            m.rows.len(),
            m.features.len(),
            took.as_secs_f64() * 1000.0,
            more.then_some(MAX_FILE_ROWS),
        );
        ui.label(RichText::new(info).small().weak());
        if copy {
            // As the export and `privy access` write it: a name that is a
            // password value of the file is masked.
            let csv = doc.secrets().mask_str(&m.to_csv());
            ui.ctx().copy_text(csv);
            let note = crate::ui::Status {
                text: format!(
                    "Copied the matrix as CSV ({} rows, {} features)",
                    m.rows.len(),
                    m.features.len()
                ),
                error: false,
            };
            self.sim_panel.note = Some(note);
        }
        if m.rows.is_empty() || m.features.is_empty() {
            ui.label(crate::words::simulator::MATRIX_EMPTY);
            return;
        }
        let sim = &*self.sim;
        let tip = &mut self.sim_panel.matrix_tip;
        let cfg = doc.config();
        let mut deciding = |req: &Request| -> Vec<String> {
            let key = (doc.generation(), sim.pool_key(), req.clone());
            if let Some((k, names)) = tip.as_ref()
                && *k == key
            {
                return names.clone();
            }
            let names: Vec<String> = sim
                .deciding_for(doc, req)
                .into_iter()
                .map(|r| crate::ui::place_name(cfg, &r.pointer()))
                .collect();
            *tip = Some((key, names.clone()));
            names
        };
        let asked = matrix_grid(
            ui,
            m,
            &mut self.sim_panel.matrix_scroll,
            &mut deciding,
            doc.secrets(),
        );
        if let Some(req) = asked {
            // A request in which a password value shows is not made.
            if doc.secrets().shows_in(&crate::words::who(&req)) {
                self.sim_panel.note = Some(crate::ui::Status {
                    text: "Not asked: a password value of the file shows in this principal".into(),
                    error: true,
                });
            } else {
                self.act(WindowAction::Ask(RequestForm::from_request(&req)));
            }
        }
    }
}

/// How a cell shows its reason: a colour and a mark that also reads
/// without colour, with the legend's words.
fn reason_look(ui: &egui::Ui, r: Reason) -> (Color32, &'static str, &'static str) {
    let dark = ui.visuals().dark_mode;
    let pick = |d: (u8, u8, u8), l: (u8, u8, u8)| {
        let (r, g, b) = if dark { d } else { l };
        Color32::from_rgb(r, g, b)
    };
    let fill = match r {
        Reason::Granted => verdict_color(ui, Verdict::Granted),
        Reason::DenyRule => ui.visuals().error_fg_color,
        Reason::NotInAllowRule => pick((225, 130, 40), (185, 95, 10)),
        Reason::LimitReached => pick((165, 110, 225), (120, 60, 180)),
        Reason::ReservedForOthers | Reason::NoFreeSeat => pick((80, 140, 230), (30, 90, 190)),
        Reason::BorrowHoursExceeded => pick((200, 170, 50), (140, 110, 0)),
        Reason::NotLicensed => pick((140, 140, 140), (110, 110, 110)),
    };
    let (mark, words) = crate::words::simulator::matrix_key(r);
    (fill, mark, words)
}

/// The legend of the reasons the matrix shows.
fn legend(ui: &mut egui::Ui, m: &Matrix) {
    let mut shown: Vec<&'static str> = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for r in [
            Reason::Granted,
            Reason::DenyRule,
            Reason::NotInAllowRule,
            Reason::LimitReached,
            Reason::NoFreeSeat,
            Reason::BorrowHoursExceeded,
            Reason::NotLicensed,
        ] {
            let (fill, mark, words) = reason_look(ui, r);
            if shown.contains(&words) {
                continue;
            }
            shown.push(words);
            let used = m.cells.iter().any(|c| reason_look(ui, c.reason).2 == words);
            // Mark and words in one label, so that they wrap together.
            let font = egui::TextStyle::Body.resolve(ui.style());
            let mut job = egui::text::LayoutJob::default();
            job.append(
                &format!(" {mark} "),
                0.0,
                egui::TextFormat {
                    font_id: font.clone(),
                    color: Color32::WHITE,
                    background: fill,
                    ..Default::default()
                },
            );
            let words_color = if used {
                ui.visuals().text_color()
            } else {
                ui.visuals().weak_text_color()
            };
            job.append(
                words,
                5.0,
                egui::TextFormat {
                    font_id: font,
                    color: words_color,
                    ..Default::default()
                },
            );
            job.wrap.max_width = f32::INFINITY;
            ui.add(egui::Label::new(job).extend());
            ui.add_space(6.0);
        }
    });
}

/// The matrix as a grid: feature names written upwards over narrow
/// columns, one row per principal, each cell coloured by its reason. Only
/// the rows and columns in view are drawn, so a large matrix costs no more
/// per frame than a screenful; the feature names and the principals stay
/// in view while scrolling. `scroll_to` brings that principal's row into
/// view (once). Returns the request of the cell clicked.
pub(super) fn matrix_grid(
    ui: &mut egui::Ui,
    m: &Matrix,
    scroll_to: &mut Option<String>,
    deciding: &mut dyn FnMut(&Request) -> Vec<String>,
    secrets: &crate::secrets::Secrets,
) -> Option<Request> {
    legend(ui, m);
    let cell = 26.0f32;
    let gap = 2.0f32;
    let font = egui::TextStyle::Small.resolve(ui.style());
    let body = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    let panel = ui.visuals().panel_fill;
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
    let header = widest(&mut m.features.iter().cloned(), &font, 40.0, 320.0) + 8.0;
    // A name the file uses may be one of its password values: masked.
    let labels: Vec<String> = m
        .rows
        .iter()
        .map(|p| secrets.mask_str(&p.label()))
        .collect();
    let label_w = widest(&mut labels.iter().cloned(), &body, 60.0, 360.0) + 10.0;
    let pitch = cell + gap;
    let target = scroll_to
        .as_ref()
        .and_then(|t| labels.iter().position(|l| l == t));
    if target.is_some() {
        *scroll_to = None;
    }
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
            if let Some(r) = target {
                let y = origin.y + header + r as f32 * pitch;
                ui.scroll_to_rect(
                    egui::Rect::from_min_size(egui::pos2(origin.x, y), egui::vec2(label_w, cell)),
                    Some(egui::Align::Center),
                );
            }
            let visible = |from: f32, to: f32, offset: f32, n: usize| {
                let first = ((from - offset) / pitch).floor().max(0.0) as usize;
                let last = (((to - offset) / pitch).ceil().max(0.0) as usize + 1).min(n);
                first..last.max(first)
            };
            let cols = visible(viewport.min.x, viewport.max.x, label_w, m.features.len());
            let rows = visible(viewport.min.y, viewport.max.y, header, m.rows.len());
            // Where the pinned header and labels are: the top and left of
            // what is in view.
            let top = origin.y + viewport.min.y;
            let left = origin.x + viewport.min.x;
            for r in rows.clone() {
                let y = origin.y + header + r as f32 * pitch;
                for c in cols.clone() {
                    let Some(x) = m.cell(r, c) else { continue };
                    let f = &m.features[c];
                    let (fill, mark, _) = reason_look(ui, x.reason);
                    let at = egui::Rect::from_min_size(
                        egui::pos2(origin.x + label_w + c as f32 * pitch, y),
                        egui::vec2(cell, cell),
                    );
                    let resp = ui.put(
                        at,
                        egui::Button::new(RichText::new(mark).color(Color32::WHITE)).fill(fill),
                    );
                    // The deciding rules, worked out for the cell under the
                    // pointer only.
                    let resp = if resp.hovered() {
                        let mut tip = crate::words::simulator::matrix_cell_tip(
                            &labels[r], f, x.verdict, x.reason,
                        );
                        if let Some(req) = m.request(r, c) {
                            let rules = deciding(&req);
                            if !rules.is_empty() {
                                tip.push_str(&format!("\nDecided by {}", rules.join(", ")));
                            }
                        }
                        resp.on_hover_text(tip)
                    } else {
                        resp
                    };
                    let name = crate::words::simulator::matrix_cell_name(&labels[r], f, x.reason);
                    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if resp.clicked() {
                        open = m.request(r, c);
                    }
                }
            }
            let painter = ui.painter().clone();
            // The feature names, pinned to the top.
            painter.rect_filled(
                egui::Rect::from_min_size(
                    egui::pos2(left, top),
                    egui::vec2(viewport.width(), header),
                ),
                0.0,
                panel,
            );
            for c in cols.clone() {
                let x = origin.x + label_w + c as f32 * pitch + cell / 2.0;
                let galley = painter.layout_no_wrap(m.features[c].clone(), font.clone(), color);
                let h = galley.size().y;
                let pos = egui::pos2(x - h / 2.0, top + header - 4.0);
                painter.add(
                    egui::epaint::TextShape::new(pos, galley, color)
                        .with_angle(-std::f32::consts::FRAC_PI_2),
                );
            }
            // The principals, pinned to the left.
            painter.rect_filled(
                egui::Rect::from_min_size(
                    egui::pos2(left, top + header),
                    egui::vec2(label_w, viewport.height()),
                ),
                0.0,
                panel,
            );
            for r in rows {
                let y = origin.y + header + r as f32 * pitch;
                if y + cell <= top + header {
                    continue;
                }
                let label_rect =
                    egui::Rect::from_min_size(egui::pos2(left, y), egui::vec2(label_w, cell));
                ui.put(label_rect, egui::Label::new(labels[r].as_str()).truncate())
                    .on_hover_text(labels[r].as_str());
            }
            painter.rect_filled(
                egui::Rect::from_min_size(egui::pos2(left, top), egui::vec2(label_w, header)),
                0.0,
                panel,
            );
        });
    open
}
