//! Go to rule… (Ctrl+G): a rule by its number in the list shown, by list
//! and number ("Deny checkouts 119", "deny_checkouts rule 119"), a list by
//! its name, or a group by its name.

use egui::RichText;

use crate::model::Config;
use crate::pattern::fold;
use crate::spec::RuleKind;
use crate::ui::WindowAction;

/// The place `typed` names in `cfg`, as a pointer, with `shown` the list
/// on screen (for a bare number); or why there is none.
pub(crate) fn place(cfg: &Config, typed: &str, shown: Option<RuleKind>) -> Result<String, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("Type a rule's number, a list and a number, or a group's name.".into());
    }
    let (name, number) = match typed.rsplit_once(char::is_whitespace) {
        Some((name, n)) if n.parse::<usize>().is_ok() => (name.trim(), n.parse::<usize>().ok()),
        _ => match typed.parse::<usize>() {
            Ok(n) => ("", Some(n)),
            Err(_) => (typed, None),
        },
    };
    // "Deny checkouts rule 119": the word "rule" is optional.
    let name = name
        .strip_suffix(" rule")
        .or_else(|| name.strip_suffix(" Rule"))
        .unwrap_or(name)
        .trim();
    let squash = |s: &str| fold(s).replace(['_', ' '], "");
    let kind = if name.is_empty() {
        None
    } else {
        RuleKind::ALL
            .into_iter()
            .find(|k| squash(k.title()) == squash(name) || squash(k.key()) == squash(name))
    };
    match (kind, number) {
        (Some(kind), None) => Ok(format!("/{}", kind.key())),
        (kind, Some(n)) => {
            let Some(kind) = kind.or(if name.is_empty() { shown } else { None }) else {
                return Err(if name.is_empty() {
                    "Say which list too: \"Deny checkouts 12\".".to_string()
                } else {
                    format!("No list is called \"{name}\".")
                });
            };
            let count = cfg.rules(kind).len();
            if n == 0 || n > count {
                return Err(match count {
                    0 => format!("{} has no rules.", kind.title()),
                    1 => format!("{} has 1 rule.", kind.title()),
                    c => format!("{} has {c} rules, numbered from 1.", kind.title()),
                });
            }
            Ok(format!("/{}/{}", kind.key(), n - 1))
        }
        (None, None) => {
            let wanted = fold(name);
            cfg.groups
                .iter()
                .find(|g| g.name.as_deref().is_some_and(|g| fold(g.trim()) == wanted))
                .map(|g| g.pointer.clone())
                .ok_or_else(|| format!("No list or group is called \"{name}\"."))
        }
    }
}

/// The Go to rule… question while `typed` is open: Enter goes, Escape
/// closes. What it asks is returned; `typed` becomes `None` once done.
pub(crate) fn go_to_prompt(
    ui: &egui::Ui,
    typed: &mut Option<(String, Option<String>)>,
    cfg: &Config,
    shown: Option<RuleKind>,
) -> Vec<WindowAction> {
    let mut asked = Vec::new();
    let Some((text, problem)) = typed.as_mut() else {
        return asked;
    };
    let mut close = false;
    egui::Modal::new(egui::Id::unique("go-to-rule")).show(ui.ctx(), |ui| {
        ui.set_width(420.0);
        ui.heading("Go to rule");
        let label = ui.label("A rule's number, a list and a number, or a group's name");
        let field = ui
            .add(
                egui::TextEdit::singleline(text)
                    .hint_text(match shown {
                        Some(kind) => format!("12, or {} 12", kind.title()),
                        None => "Deny checkouts 12".to_string(),
                    })
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        field.request_focus();
        if let Some(p) = problem.as_deref() {
            ui.colored_label(ui.visuals().error_fg_color, p);
        }
        // The field keeps the keyboard while the question is open, so Enter
        // anywhere in it is Go.
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            if ui.button("Go").clicked() || enter {
                match place(cfg, text, shown) {
                    Ok(pointer) => {
                        asked.push(WindowAction::GoTo(pointer));
                        close = true;
                    }
                    Err(why) => *problem = Some(why),
                }
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                close = true;
            }
        });
        ui.label(
            RichText::new(format!(
                "Lists: {}.",
                RuleKind::ALL.map(RuleKind::title).join(", ")
            ))
            .small()
            .weak(),
        );
    });
    if close {
        *typed = None;
    }
    asked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        let doc = crate::document::Document::from_text(
            r#"{ "DENY_CHECKOUTS": [ { "USERS": "a", "FEATURES": "X" }, { "USERS": "b", "FEATURES": "Y" } ],
                 "GROUPS": [ { "NAME": "Contractors", "MEMBERS": "c" } ] }"#,
        );
        doc.config().clone()
    }

    #[test]
    fn a_place_by_number_list_and_number_list_or_group() {
        let cfg = cfg();
        let deny = Some(RuleKind::DenyCheckouts);
        assert_eq!(place(&cfg, "2", deny), Ok("/DENY_CHECKOUTS/1".into()));
        assert_eq!(
            place(&cfg, " Deny checkouts 1 ", None),
            Ok("/DENY_CHECKOUTS/0".into())
        );
        assert_eq!(
            place(&cfg, "deny checkouts rule 2", None),
            Ok("/DENY_CHECKOUTS/1".into())
        );
        assert_eq!(
            place(&cfg, "DENY_CHECKOUTS 2", None),
            Ok("/DENY_CHECKOUTS/1".into())
        );
        assert_eq!(
            place(&cfg, "deny checkouts", None),
            Ok("/DENY_CHECKOUTS".into())
        );
        assert_eq!(place(&cfg, "contractors", None), Ok("/GROUPS/0".into()));
        assert_eq!(
            place(&cfg, "3", deny),
            Err("Deny checkouts has 2 rules, numbered from 1.".into())
        );
        assert_eq!(
            place(&cfg, "Allow checkouts 1", None),
            Err("Allow checkouts has no rules.".into())
        );
        assert!(place(&cfg, "2", None).is_err_and(|e| e.contains("which list")));
        assert!(place(&cfg, "nobody", None).is_err_and(|e| e.contains("\"nobody\"")));
        assert!(place(&cfg, "0", deny).is_err());
    }
}
