//! The navigation on the left and the status bar.

use crate::diag::Diagnostic;
use crate::diag::Severity;
use crate::document::Document;
use crate::spec::RuleKind;
use crate::ui::Section;
use crate::ui::Status;
use crate::ui::derived::Derived;
use egui::RichText;

pub(crate) fn status_bar(
    ui: &mut egui::Ui,
    derived: &Derived,
    findings: &[Diagnostic],
    status: Option<&Status>,
) {
    ui.horizontal(|ui| {
        let count = |n: usize, one: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        let [mut errors, mut warnings, mut notes] = derived.by_severity;
        for d in findings {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => notes += 1,
            }
        }
        ui.label(format!(
            "{} · {} · {}",
            count(errors, "error"),
            count(warnings, "warning"),
            count(notes, "note")
        ));
        if let Some(s) = status {
            ui.separator();
            let color = if s.error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().text_color()
            };
            ui.colored_label(color, &s.text);
        }
    });
}

pub(crate) fn navigation(
    ui: &mut egui::Ui,
    doc: &Document,
    derived: &Derived,
    section: &mut Section,
    filter: &str,
    (found, pending): (&[Diagnostic], bool),
) {
    let findings = found.len();
    ui.add_space(6.0);
    ui.selectable_value(section, Section::Settings, "Server settings");
    ui.add_space(4.0);
    ui.label(RichText::new("RULES").small().weak());
    let filtering = !filter.trim().is_empty();
    for kind in RuleKind::ALL {
        let (len, shown) = derived.list(kind);
        let n = if filtering {
            format!("{} of {len}", shown.len())
        } else {
            len.to_string()
        };
        // The words of Problems: errors are "to fix", warnings "worth a
        // look"; findings are counted where they point.
        let [errors, warnings] = derived.problems_in(kind, found);
        let label = match (errors, warnings) {
            (0, 0) => format!("{} ({n})", kind.title()),
            (e, 0) => format!("{} ({n}) · {e} to fix", kind.title()),
            (0, w) => format!("{} ({n}) · {w} worth a look", kind.title()),
            (e, w) => format!("{} ({n}) · {e} to fix, {w} worth a look", kind.title()),
        };
        ui.selectable_value(section, Section::Rules(kind), label)
            .on_hover_text(kind.description());
    }
    ui.add_space(4.0);
    let groups = doc.config().groups.len();
    let g = if filtering {
        format!("{} of {groups}", derived.groups.len())
    } else {
        groups.to_string()
    };
    ui.selectable_value(section, Section::Groups, format!("Groups ({g})"));
    let count = doc.diagnostics().len() + findings;
    let more = if pending { "+…" } else { "" };
    ui.selectable_value(
        section,
        Section::Problems,
        format!("Problems ({count}{more})"),
    )
    .on_hover_text(if pending {
        "Which rules have no effect is still being worked out"
    } else {
        "Errors, warnings and notes, with the rules that do nothing or more than meant"
    });
    ui.add_space(4.0);
    let raw = if doc.is_json() {
        "JSON text"
    } else {
        "JSON text · not standard JSON"
    };
    ui.selectable_value(section, Section::Raw, raw);
    let review = if doc.is_dirty() {
        "Review changes (unsaved)"
    } else {
        "Review changes"
    };
    ui.selectable_value(section, Section::Review, review);
}
