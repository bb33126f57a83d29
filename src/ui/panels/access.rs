//! The access diff at the top of Review changes: what saving changes for
//! people, worked out beside the window, each change with the rules that
//! cause it and a way to try its witness in the simulator.

use crate::sim::form::RequestForm;
use crate::ui::WindowAction;

use crate::document::Document;
use crate::ui::place_name;
use crate::ui::state::Reviewing;
use egui::RichText;

use crate::analysis::ChangeKind;
use crate::analysis::diff::{Change, grouped};
use crate::engine::Request;
use crate::words;

/// How many groups of changes of each kind are drawn.
const SHOWN: usize = 25;

/// The version compared, as text (`None`: there is none to compare).
fn compared_text(reviewing: &Reviewing, doc: &Document) -> Option<String> {
    match &reviewing.compare_with {
        Some(p) => crate::input::read_text(p).ok(),
        None => doc.disk_text(),
    }
}

/// What saving changes for people: the version compared with, the access
/// diff worked out beside the window (its job kept in `reviewing`), and
/// each change with its causes and a way to try it. What the user asks is
/// added to `asked`.
pub(crate) fn access_review(
    ui: &mut egui::Ui,
    doc: &Document,
    reviewing: &mut Reviewing,
    asked: &mut Vec<WindowAction>,
) {
    ui.heading("What saving changes for people");
    compare_row(ui, doc, reviewing, asked);
    // The baseline changes too: a save makes the text the file on disk
    // (the text's generation stays), and another program may change it.
    let key = (
        doc.generation(),
        doc.is_dirty(),
        doc.changed_on_disk(),
        reviewing.compare_with.clone(),
    );
    if reviewing.access.as_ref().is_none_or(|(k, _)| *k != key) {
        let Some(old) = compared_text(reviewing, doc) else {
            reviewing.access = None;
            ui.label("There is no other version to compare with yet.");
            return;
        };
        reviewing.access = Some((
            key,
            crate::analysis::background::diff_job(old, doc.shared_config()),
        ));
    }
    let Some((_, job)) = reviewing.access.as_mut() else {
        return;
    };
    if job.poll().is_none() {
        if job.working() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Working out what this edit changes for people…");
            });
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        } else {
            ui.label("The comparison stopped without an answer.");
        }
        return;
    }
    let Some(d) = job.poll() else {
        return;
    };
    let (g, r, c) = (
        d.count(ChangeKind::Gained),
        d.count(ChangeKind::Revoked),
        d.count(ChangeKind::ReasonChanged),
    );
    let headline = words::saving_headline(g, r, c);
    ui.label(RichText::new(headline).strong().size(15.0));
    ui.label(RichText::new("Counted by principal class, feature, action and license.").weak());
    let scope = words::diff_summary(d);
    let scope = scope
        .split_once(" over ")
        .map_or(scope.clone(), |(_, rest)| format!("Over {rest}."));
    if d.exhaustive {
        ui.label(RichText::new(scope).weak());
    } else {
        ui.colored_label(ui.visuals().warn_fg_color, scope);
    }
    let mut go: Option<String> = None;
    let mut try_it: Option<Request> = None;
    for kind in [
        ChangeKind::Gained,
        ChangeKind::Revoked,
        ChangeKind::ReasonChanged,
    ] {
        let groups = grouped(d.changes.iter().filter(|c| c.kind == kind));
        if groups.is_empty() {
            continue;
        }
        ui.add_space(6.0);
        ui.label(RichText::new(words::change_kind_before_saving(kind)).strong());
        for group in groups.iter().take(SHOWN) {
            change_row(ui, doc, group, &mut go, &mut try_it);
        }
        if groups.len() > SHOWN {
            let rest: usize = groups[SHOWN..].iter().map(Vec::len).sum();
            ui.label(
                RichText::new(format!("… and {rest} more (`privy diff` lists them all)")).weak(),
            );
        }
    }
    if let Some(p) = go {
        asked.push(WindowAction::GoTo(p));
    }
    if let Some(req) = try_it {
        asked.push(WindowAction::Ask(RequestForm::from_request(&req)));
    }
    ui.add_space(10.0);
    ui.separator();
}

/// What the review compares with, and the buttons to compare with another.
fn compare_row(
    ui: &mut egui::Ui,
    doc: &Document,
    reviewing: &Reviewing,
    asked: &mut Vec<WindowAction>,
) {
    let bak = doc
        .path()
        .map(|p| crate::document::backup_path(&crate::document::real_file(p)));
    ui.horizontal_wrapped(|ui| {
        let against = match &reviewing.compare_with {
            None => "the file on disk".to_string(),
            Some(p) => p.display().to_string(),
        };
        ui.label(RichText::new(format!("Compared with {against}.")).weak());
        if reviewing.compare_with.is_some() && ui.button("Compare with the file on disk").clicked()
        {
            asked.push(WindowAction::CompareWith(None));
        }
        if let Some(bak) = bak.filter(|b| b.is_file())
            && reviewing.compare_with.as_ref() != Some(&bak)
            && ui
                .button("Compare with the backup")
                .on_hover_text(bak.display().to_string())
                .clicked()
        {
            asked.push(WindowAction::CompareWith(Some(bak)));
        }
        if ui
            .button("Compare with…")
            .on_hover_text("Pick another version of this file")
            .clicked()
        {
            asked.push(WindowAction::PickCompared);
        }
    });
}

fn change_row(
    ui: &mut egui::Ui,
    doc: &Document,
    group: &[&Change],
    go: &mut Option<String>,
    try_it: &mut Option<Request>,
) {
    let c = group[0];
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let serial = c
            .serial
            .as_deref()
            .map(|s| format!(" on license {s}"))
            .unwrap_or_default();
        let feature = if c.other_feature {
            "any feature no rule names".to_string()
        } else {
            c.feature.clone()
        };
        ui.label(
            RichText::new(format!(
                "{feature}, {}{serial}",
                words::action_word(c.action)
            ))
            .strong(),
        );
        let what = crate::analysis::space::What::join(group.iter().map(|c| &c.what));
        let mut who = words::class_description(&what);
        if let Some(e) = words::class_examples(&what) {
            who.push_str(&format!(" ({e})"));
        }
        ui.label(who);
        ui.label(
            RichText::new(format!(
                "{} before, {} after",
                words::side(&c.before, false),
                words::side(&c.after, false)
            ))
            .weak(),
        );
        ui.horizontal_wrapped(|ui| {
            for cause in &c.cause {
                if cause.in_new() {
                    let p = cause.pointer();
                    if ui
                        .link(place_name(doc.config(), &p))
                        .on_hover_text(format!("Show {p} in the editor"))
                        .clicked()
                    {
                        *go = Some(p);
                    }
                } else {
                    ui.label(
                        RichText::new(format!(
                            "{} (no longer in the file)",
                            crate::words::cause(cause)
                        ))
                        .weak(),
                    );
                }
            }
            if ui
                .button("Try in the simulator")
                .on_hover_text("Fill the simulator's request with this class's example")
                .clicked()
            {
                *try_it = Some(c.request());
            }
        });
    });
}
