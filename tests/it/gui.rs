//! GUI tests: drive the real window through egui_kittest (click, type, read
//! what is shown).
#![cfg(feature = "gui")]

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use privy::spec::RuleKind;
use privy::ui::{AfterPrompt, PrivyApp, Section};

use super::common::example;

/// The document's text as the window holds it (empty without one).
fn text_of(h: &Harness<'static, PrivyApp>) -> String {
    h.state()
        .document()
        .map(|d| d.text().to_string())
        .unwrap_or_default()
}

/// In the example: a new deny checkouts rule whose USERS are `users`,
/// typed as a person types them.
fn add_deny_rule_for(h: &mut Harness<'_, PrivyApp>, users: &str) {
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    let field = h.get_all_by_label("Users").last().expect("users");
    field.focus();
    field.type_text(users);
    h.run();
}

/// The number the navigation's Problems entry shows.
fn problems_count(h: &Harness<'static, PrivyApp>) -> usize {
    let label = h
        .get_by_label_contains("Problems (")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    label
        .trim_start_matches("Problems (")
        .trim_end_matches(')')
        .parse()
        .expect("a count")
}

/// Shows `section` by clicking its entry in the navigation, as a person
/// does (the entry's label starts with the section's name).
fn show_section(h: &mut Harness<'_, PrivyApp>, section: Section) {
    let name = match section {
        Section::Settings => "Server settings".to_string(),
        Section::Rules(kind) => format!("{} (", kind.title()),
        Section::Groups => "Groups (".to_string(),
        Section::Problems => "Problems (".to_string(),
        Section::Raw => "JSON text".to_string(),
        Section::Review => "Review changes".to_string(),
        Section::Tidy => panic!("Tidy up is a command, not an entry"),
    };
    let entry = h
        .get_all_by_label_contains(&name)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with(&name))
        })
        .unwrap_or_else(|| panic!("no navigation entry {name}"));
    entry.click();
    h.run();
    assert_eq!(h.state().section(), section);
}

/// Types `text` into the navigation's filter in place of what is there.
fn set_filter(h: &mut Harness<'_, PrivyApp>, text: &str) {
    h.get_by_label("Filter").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.key_press(Key::Backspace);
    h.run();
    if !text.is_empty() {
        h.get_by_label("Filter").type_text(text);
        h.run();
    }
    assert_eq!(h.state().filter(), text);
}

fn harness(app: PrivyApp) -> Harness<'static, PrivyApp> {
    super::common::sized(app, 1200.0, 900.0)
}

#[test]
fn navigation_shows_counts_and_sections() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("Allow checkouts (4)");
    h.get_by_label_contains("Only Functionality Users may check out or borrow");
    // The file's two notes and the findings over every principal.
    let count = problems_count(&h);
    let doc = h.state().document().expect("doc");
    let findings = privy::words::findings::beside(
        doc.config(),
        &privy::analysis::effect::of_document(doc.parsed(), doc.config()),
        &[],
    )
    .len();
    assert_eq!(count, 2 + findings);
    h.get_by_label_contains("Problems (").click();
    h.run();
    assert_eq!(h.state().section(), Section::Problems);
    h.get_by_label_contains("empty preset");
    h.get_by_label("Over every principal");
    h.get_by_label_contains("Allow checkouts rule 2 is overridden in part");
}

#[test]
fn settings_are_typed_fields_and_passwords_stay_hidden() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("Server settings").click();
    h.run();
    assert!(
        h.query_by_label_contains("change-me-unique-2024").is_none(),
        "no label shows the password"
    );
    let pw = h.get_by_label("Admin password");
    assert!(
        !pw.value().unwrap_or_default().contains("change-me"),
        "the field does not expose it: {:?}",
        pw.value()
    );
    h.get_by_label("TCP port").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("TCP port").type_text("6300");
    h.run();
    let text = text_of(&h);
    assert!(
        text.contains("\"TCP_PORT\": 6300,"),
        "the port is written as a number"
    );
}

#[test]
fn a_broken_file_opens_in_the_text_view_and_can_be_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.json");
    std::fs::write(
        &path,
        "{\n  \"DENY_CHECKOUTS\": [\n    { \"USERS\": \"bob\" },\n  ]\n}\n",
    )
    .expect("write");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    assert_eq!(h.state().section(), Section::Raw);
    // The forms say the file has syntax errors, and lead to the text.
    show_section(&mut h, Section::Rules(RuleKind::DenyCheckouts));
    h.run();
    h.get_by_label_contains("The file has syntax errors");
    h.get_by_label("Fix them in the JSON text").click();
    h.run();
    assert_eq!(h.state().section(), Section::Raw);
    h.get_by_label("JSON text · not standard JSON");
    h.get_by_label_contains("trailing comma");
    h.get_by_label("Fix: remove the comma").click();
    h.run();
    assert!(h.state().document().is_some_and(|d| d.is_json()));
    assert!(h.query_by_label("JSON text · not standard JSON").is_none());
    h.get_by_label_contains("Standard JSON");
    show_section(&mut h, Section::Rules(RuleKind::DenyCheckouts));
    h.run();
    assert!(
        h.query_by_label_contains("The file has syntax errors")
            .is_none()
    );
}

#[test]
fn review_shows_the_changes_against_the_disk() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Rules(RuleKind::LimitCheckouts));
    h.run();
    h.get_all_by_label("Count")
        .next()
        .expect("count field")
        .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_all_by_label("Count")
        .next()
        .expect("count field")
        .type_text("12");
    h.run();
    h.get_by_label("Review changes (unsaved)").click();
    // The access diff above the text diff is worked out beside the window
    // (its spinner repaints): frames are stepped, not run to rest.
    wait_for_label(&mut h, "+             \"COUNT\": 12");
    h.get_by_label_contains("-             \"COUNT\": 15");
    h.get_by_label_contains("+             \"COUNT\": 12");
}

#[test]
fn add_a_rule_type_see_a_problem_undo_and_save() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");

    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    h.get_by_label("Deny checkouts (3)");
    assert!(
        h.state().title().starts_with("• "),
        "unsaved changes show in the title"
    );

    // Type a malformed range into the new rule's Users: the problem appears.
    let users = h.get_all_by_label("Users").last().expect("users field");
    users.focus();
    users.type_text("4.3.2.50-10");
    h.run();
    h.get_by_label_contains("runs backwards");

    // Undo takes the whole typing back at once; the problem goes away.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.query_by_label_contains("runs backwards").is_none());
    let text = text_of(&h);
    assert!(text.contains("\"USERS\": \"\""), "the field is empty again");

    // Now fill it in properly and save.
    let users = h.get_all_by_label("Users").last().expect("users field");
    users.focus();
    users.type_text("ivan");
    h.run();
    let features = h
        .get_all_by_label("Features")
        .last()
        .expect("features field");
    features.focus();
    features.type_text("KAS");
    h.run();
    h.get_by_label_contains("ivan may not check out or borrow KAS.");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().title().starts_with("• "));
    assert!(
        h.state()
            .status()
            .is_some_and(|s| !s.error && s.text.starts_with("Saved"))
    );
    h.get_by_label_contains("Saved ");
    // A new edit, and the status bar no longer says "Saved".
    let users = h.get_all_by_label("Users").last().expect("users field");
    users.focus();
    users.type_text(";jo");
    h.run();
    assert!(h.state().title().starts_with("• "));
    assert!(h.query_by_label_contains("Saved ").is_none());
    assert!(h.state().status().is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();

    // Only the new rule was added; every other byte is as it was.
    let saved = std::fs::read_to_string(&path).expect("saved");
    let anchor = "            \"USERS\": \"10.20.30.100-150\"\n        }";
    let at = original
        .find(anchor)
        .map(|i| i + anchor.len())
        .expect("anchor");
    assert_eq!(&saved[..at], &original[..at]);
    assert_eq!(
        &saved[saved.len() - (original.len() - at)..],
        &original[at..]
    );
    let added = &saved[at..saved.len() - (original.len() - at)];
    assert_eq!(
        added,
        ",\n        {\n            \"USERS\": \"ivan\",\n            \"FEATURES\": \"KAS\"\n        }"
    );
    let bak = std::fs::read_to_string(dir.path().join("ServerConfig.json.bak")).expect("bak");
    assert_eq!(bak, original);
}

#[test]
fn move_duplicate_and_delete_rules() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Rules(RuleKind::DenyBorrows));
    h.run();
    h.get_all_by_label("Move down")
        .next()
        .expect("move down")
        .click();
    h.run();
    let rules = |h: &Harness<'_, PrivyApp>| -> Vec<String> {
        h.state()
            .document()
            .map(|d| {
                d.config()
                    .rules(RuleKind::DenyBorrows)
                    .iter()
                    .map(privy::words::rule::describe)
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(rules(&h)[0], "Nobody may borrow IMPORT_2D_ADVANCED.");
    h.get_all_by_label("Duplicate")
        .next()
        .expect("duplicate")
        .click();
    h.run();
    assert_eq!(rules(&h).len(), 3);
    assert_eq!(rules(&h)[0], rules(&h)[1]);
    h.get_all_by_label("Delete").next().expect("delete").click();
    h.run();
    assert_eq!(rules(&h).len(), 2);
    // Undo three times brings back the file as it was.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    let now = text_of(&h);
    assert_eq!(now, std::fs::read_to_string(example()).expect("example"));
    assert!(!h.state().title().starts_with("• "));
    // Ctrl+Shift+Z redoes, as the Edit menu says (it used to undo: egui
    // matches Ctrl+Z with Shift held too), and so does Ctrl+Y.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_ne!(text_of(&h), now, "redone, not undone again");
    assert_eq!(
        rules(&h)[0],
        "Nobody may borrow IMPORT_2D_ADVANCED.",
        "the move is back"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(rules(&h).len(), 3, "the duplicate is back");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(rules(&h).len(), 2, "and the delete redone");
}

#[test]
fn unsaved_changes_prompt() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Rules(RuleKind::DenyBorrows));
    h.run();
    h.get_all_by_label("Delete").next().expect("delete").click();
    h.run();
    h.state_mut().request(AfterPrompt::Close);
    h.run();
    h.get_by_label("Save changes before closing?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().prompts().prompt.is_none() && !h.state().wants_close());
    // Escape is Cancel too (#30.12).
    h.state_mut().request(AfterPrompt::Close);
    h.run();
    h.get_by_label("Save changes before closing?");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().prompts().prompt.is_none() && !h.state().wants_close());
    assert!(h.query_by_label("Save changes before closing?").is_none());
    h.state_mut().request(AfterPrompt::Close);
    h.run();
    h.get_by_label("Discard").click();
    h.run();
    assert!(h.state().wants_close());
    let on_disk = std::fs::read_to_string(example()).expect("example");
    assert!(
        on_disk.contains("Nobody borrows the 3D import"),
        "discard leaves the file alone"
    );
}

#[test]
fn clicking_a_problem_goes_to_its_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.json");
    std::fs::write(
        &path,
        "{\n  \"LIMIT_BORROWS\": [\n    { \"USERS\": \"x\" }\n  ]\n}\n",
    )
    .expect("write");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    h.get_by_label_contains("Problems (").click();
    h.run();
    h.get_by_label_contains("needs HOURS");
    h.get_by_label("Limit borrows rule 1 · 3:5").click();
    h.run();
    assert_eq!(h.state().section(), Section::Rules(RuleKind::LimitBorrows));
}

#[test]
fn a_fix_is_a_button_on_the_field_and_in_problems() {
    let text = std::fs::read_to_string(example())
        .expect("example")
        .replacen("\"FEATURES\": \"KAS\",", "\"FEATRUES\": \"KAS\",", 1);
    let mut h = harness(PrivyApp::with_document(
        privy::document::Document::from_text(text),
    ));
    h.run();
    // On the rule's card ...
    h.get_by_label_contains("unknown key \"FEATRUES\"");
    assert_eq!(h.get_all_by_label("Fix: rename to \"FEATURES\"").count(), 1);
    // ... and in Problems, where it applies.
    let before = problems_count(&h);
    h.get_by_label_contains("Problems (").click();
    h.run();
    h.get_by_label("Fix: rename to \"FEATURES\"").click();
    h.run();
    assert!(problems_count(&h) < before);
    let doc = text_of(&h);
    assert!(doc.contains("\"FEATURES\": \"KAS\","));
    assert!(!doc.contains("FEATRUES"));
}

#[test]
fn an_unreadable_file_shows_why() {
    let mut h = harness(PrivyApp::open(Some(
        "/nonexistent/ServerConfig.json".into(),
    )));
    h.run();
    h.get_by_label_contains("cannot read");
}

#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn new_file_and_dropping_a_file_asks_about_unsaved_changes() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    // File > New on a clean document: the vendor-style template.
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    assert!(
        h.state().title().starts_with("Untitled"),
        "title: {} status: {:?}",
        h.state().title(),
        h.state().status()
    );
    h.get_by_label("Allow checkouts (2)");
    // Edit it, then drop another file: the prompt asks first.
    show_section(&mut h, Section::Rules(RuleKind::DenyBorrows));
    h.run();
    h.get_all_by_label("Delete").next().expect("delete").click();
    h.run();
    let other =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/08-ip-range.json");
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(other.clone())));
    h.run();
    h.get_by_label_contains("Save changes before opening");
    h.get_by_label("Discard").click();
    h.run();
    assert_eq!(
        h.state().document().and_then(|d| d.path()),
        Some(other.as_path())
    );
    h.get_by_label("Allow checkouts (1)");
    // Dropping something unreadable keeps the document and says why.
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped("/nonexistent.json".into())));
    h.run();
    assert_eq!(
        h.state().document().and_then(|d| d.path()),
        Some(other.as_path())
    );
    assert!(
        h.state()
            .status()
            .is_some_and(|s| s.error && s.text.contains("cannot read"))
    );
}

#[test]
fn entries_show_what_they_are_and_groups_link_both_ways() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    // The export rule's users: a local group, two wildcards and a group.
    h.get_by_label("&CAD Exporters · local group");
    h.get_by_label("PC* · name wildcard");
    h.get_by_label("Design Office · group").click();
    h.run();
    assert_eq!(h.state().section(), Section::Groups);
    // The Contractors group is used by the first deny rule; follow the link.
    h.get_by_label("Deny checkouts rule 1").click();
    h.run();
    assert_eq!(h.state().section(), Section::Rules(RuleKind::DenyCheckouts));
    // Edit a group's members in place.
    show_section(&mut h, Section::Groups);
    h.run();
    h.get_all_by_label("Members")
        .last()
        .expect("members")
        .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_all_by_label("Members")
        .last()
        .expect("members")
        .type_text("kim;lars");
    h.run();
    let text = text_of(&h);
    assert!(text.contains("\"MEMBERS\": \"kim;lars\""), "{text}");
    // A new group with no name is reported at once.
    let before = h.state().document().map_or(0, |d| d.config().groups.len());
    h.get_by_label("Add group").scroll_to_me();
    h.run();
    h.get_by_label("Add group").click();
    h.run();
    assert_eq!(
        h.state().document().map_or(0, |d| d.config().groups.len()),
        before + 1
    );
    assert!(h.state().document().is_some_and(|d| {
        d.diagnostics()
            .iter()
            .any(|x| x.code.as_str() == "empty-group-name")
    }));
}

#[test]
fn ctrl_f_filters_rules_and_groups() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    assert!(
        h.get_by_label("Filter").is_focused(),
        "Ctrl+F puts the cursor in the filter"
    );
    h.get_by_label("Filter").type_text("export_all");
    h.run();
    h.get_by_label("Allow checkouts (1 of 4)");
    h.get_by_label_contains("Only &CAD Exporters");
    assert!(
        h.query_by_label_contains("Only KAS Users").is_none(),
        "rules not mentioning it are hidden"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Filter").type_text("julia");
    h.run();
    h.get_by_label("Groups (1 of 8)").click();
    h.run();
    assert_eq!(h.get_all_by_label("Delete group").count(), 1);
}

#[test]
fn theme_choice_and_recent_files_are_remembered() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Light").click();
    h.run();
    assert_eq!(h.state().settings().theme, privy::ui::Theme::Light);
    assert_eq!(
        h.ctx.options(|o| o.theme_preference),
        egui::ThemePreference::Light
    );
    // Opening a file puts it first in the recent list (at most ten).
    let other =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/08-ip-range.json");
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(other.clone())));
    h.run();
    let canonical = std::fs::canonicalize(&other).expect("canonical");
    assert_eq!(h.state().settings().recent.first(), Some(&canonical));
}

/// The window on a generated file of 2 000 rules, showing its longest
/// list: that list's kind and length.
fn long_list() -> (Harness<'static, PrivyApp>, RuleKind, usize) {
    use privy::generate::{self, Shape};
    let text = generate::config(Shape {
        rules: 2_000,
        groups: 100,
        members: 5_000,
        ..Shape::default()
    });
    let doc = privy::document::Document::from_text(text);
    let (kind, len) = doc
        .config()
        .lists
        .iter()
        .map(|l| (l.kind, l.rules.len()))
        .max_by_key(|l| l.1)
        .expect("rule lists");
    let mut app = PrivyApp::with_document(doc);
    app.go_to(&format!("/{}", kind.key()));
    let mut h = harness(app);
    h.run();
    (h, kind, len)
}

#[test]
fn long_lists_draw_only_what_is_in_view_and_reach_the_end() {
    let (mut h, _, len) = long_list();
    assert!(len > 300, "a long list: {len}");
    let drawn = h.query_all_by_label("Delete").count();
    assert!(
        (1..40).contains(&drawn),
        "only the cards near the view are drawn: {drawn} of {len}"
    );
    let last_is_drawn = |h: &Harness<'static, PrivyApp>| {
        h.query_all_by_label("Move down")
            .any(|n| n.accesskit_node().is_disabled())
    };
    assert!(!last_is_drawn(&h), "the last card is far below");
    let mut wheel = 0;
    while !last_is_drawn(&h) && wheel < 500 {
        h.hover_at(egui::pos2(700.0, 450.0));
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -3_000.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        });
        // Scrolling is animated over a few frames.
        h.run_steps(8);
        wheel += 1;
    }
    assert!(last_is_drawn(&h), "scrolling reaches the last rule");
    let drawn = h.query_all_by_label("Delete").count();
    assert!((1..40).contains(&drawn), "still a screenful: {drawn}");
}

#[test]
fn features_and_serials_complete_from_the_file() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    let features = h.get_all_by_label("Features").last().expect("features");
    features.focus();
    features.type_text("exp");
    h.run();
    // Only names starting with what was typed are offered.
    assert!(h.query_by_label("IMPORT_ALL").is_none());
    h.get_by_label("EXPORT_ALL").click();
    h.run();
    let field = |h: &Harness<'static, PrivyApp>, label: &str| {
        h.get_all_by_label(label)
            .last()
            .and_then(|n| n.value())
            .unwrap_or_default()
    };
    assert_eq!(field(&h, "Features"), "EXPORT_ALL");
    assert!(
        h.get_all_by_label("Features")
            .last()
            .is_some_and(|n| n.is_focused()),
        "the cursor goes back to the field for the next entry"
    );
    // The next entry: what is already there is not offered again; Enter
    // takes the first offer.
    h.get_all_by_label("Features")
        .last()
        .expect("features")
        .type_text(";i");
    h.run();
    assert!(h.query_by_label("EXPORT_ALL").is_none());
    h.get_by_label("IMPORT_ALL");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(field(&h, "Features"), "EXPORT_ALL;IMPORT_2D_ADVANCED");

    let serials = h
        .get_all_by_label("Serial numbers")
        .last()
        .expect("serials");
    serials.focus();
    serials.type_text("2024");
    h.run();
    h.get_by_label("2024-0101-654321").click();
    h.run();
    assert_eq!(field(&h, "Serial numbers"), "2024-0101-654321");
    let text = text_of(&h);
    assert!(text.contains("\"FEATURES\": \"EXPORT_ALL;IMPORT_2D_ADVANCED\""));
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    let ours = h.state().document().map(|d| d.text().to_string());

    // Another program rewrites the file meanwhile.
    let theirs = original.replace("\"TCP_PORT\": 6200", "\"TCP_PORT\": 6201 ");
    std::fs::write(&path, &theirs).expect("external write");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label_contains("was changed by another program");
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some(&*theirs)
    );

    // Reload: the window shows their version; Undo brings ours back.
    h.get_by_label("Reload from disk").click();
    h.run();
    let doc = |h: &Harness<'static, PrivyApp>| h.state().document().map(|d| d.text().to_string());
    assert_eq!(doc(&h).as_deref(), Some(&*theirs));
    assert!(
        !h.state().title().starts_with("• "),
        "reloaded: nothing unsaved"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(doc(&h), ours);
    assert!(h.state().title().starts_with("• "));

    // Changed again outside; this time overwrite it.
    std::fs::write(&path, &original).expect("external write");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label("Overwrite").click();
    h.run();
    assert_eq!(std::fs::read_to_string(&path).ok(), ours);
    assert!(!h.state().prompts().conflict);
    assert!(!h.state().title().starts_with("• "));
}

#[test]
fn unsaved_edits_survive_a_crash_and_are_offered_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let store = || privy::recovery::Recovery::at(dir.path().join("recovery"));

    // A session edits, then dies without saving (the harness is dropped).
    let edited = {
        let mut app = PrivyApp::open(Some(path.clone())).with_recovery(store());
        app.set_recovery_interval(std::time::Duration::ZERO);
        let mut h = harness(app);
        h.run();
        add_deny_rule_for(&mut h, "mallory");
        h.state().document().map(|d| d.text().to_string())
    };
    assert!(edited.as_deref().is_some_and(|t| t.contains("mallory")));
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some(&*original)
    );
    let left = store().pending();
    assert_eq!(left.len(), 1, "one recovery file");
    assert_eq!(Some(&left[0].1.text), edited.as_ref());

    // The next session offers the edits back; Restore brings them as
    // unsaved changes to the same file.
    let mut h = harness(PrivyApp::open(Some(path.clone())).with_recovery(store()));
    h.run();
    h.get_by_label("Unsaved edits from an earlier session");
    h.get_by_label_contains("Privy closed without saving your edits to");
    h.get_by_label("Restore").click();
    h.run();
    assert_eq!(h.state().document().map(|d| d.text().to_string()), edited);
    assert!(h.state().title().starts_with("• "));
    assert!(
        store().pending().is_empty(),
        "answered: the leftover is gone"
    );
    // Saving writes the file and leaves no recovery file behind.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(std::fs::read_to_string(&path).ok(), edited);
    assert!(store().pending().is_empty());
    assert!(
        std::fs::read_dir(dir.path().join("recovery"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0
    );
}

/// Discard on quit gives the edits up: no recovery file is left to offer
/// them back next time (one used to be written again in the same frame).
#[test]
fn discarding_on_quit_leaves_no_recovery_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::copy(example(), &path).expect("copy");
    let store = || privy::recovery::Recovery::at(dir.path().join("recovery"));
    let mut app = PrivyApp::open(Some(path.clone())).with_recovery(store());
    app.set_recovery_interval(std::time::Duration::ZERO);
    let mut h = harness(app);
    h.run();
    add_deny_rule_for(&mut h, "mallory");
    assert_eq!(
        store().pending().len(),
        1,
        "unsaved edits are kept meanwhile"
    );
    h.state_mut().request(AfterPrompt::Close);
    h.run();
    h.get_by_label("Discard").click();
    h.run();
    h.run();
    assert!(h.state().wants_close());
    assert!(
        store().pending().is_empty(),
        "discarded: nothing to offer back"
    );
    drop(h);
    assert!(store().pending().is_empty());
}

/// Each group card says which rules and groups name it, with links; typing
/// a group's name into a rule's USERS adds that rule to the list (the
/// where-used lists follow a one-field edit without a full recount).
#[test]
fn group_cards_say_where_each_group_is_used_and_follow_typing() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("Groups (8)").click();
    h.run();
    // Design Office is named by an allow rule and by another group.
    h.get_by_label("Allow checkouts rule 3");
    h.get_by_label("group Functionality Users");
    // Narrowed to the cards that mention Field Engineers: itself, named
    // only by the group Borrow Users, and Borrow Users, named by two rules.
    set_filter(&mut h, "Field Engineers");
    h.run();
    h.get_by_label("group Borrow Users");
    h.get_by_label("Allow borrows rule 1");
    assert!(h.query_by_label("Allow checkouts rule 1").is_none());

    set_filter(&mut h, "");
    // A frame first: without the filter, its description goes and the
    // navigation moves up.
    h.run();
    h.get_by_label_contains("Allow checkouts (").click();
    h.run();
    let users = h
        .get_all_by_label("Users")
        .next()
        .expect("first rule's Users");
    users.focus();
    h.run();
    h.get_all_by_label("Users")
        .next()
        .expect("Users")
        .type_text(";Field Engineers");
    h.run();
    let doc = h.state().document().expect("document");
    assert!(
        doc.text()
            .contains("\"Functionality Users;Field Engineers\""),
        "typed into the first allow rule"
    );
    assert!(
        doc.last_change().is_some(),
        "one field edit, followed in part"
    );

    set_filter(&mut h, "Field Engineers");
    h.run();
    show_section(&mut h, Section::Groups);
    // Field Engineers' card now also names the first allow rule; its link
    // leads there.
    let link = h.get_by_label("Allow checkouts rule 1");
    link.click();
    h.run();
    h.run();
    assert_eq!(
        h.state().section(),
        Section::Rules(RuleKind::AllowCheckouts)
    );
}

#[test]
fn the_problems_list_never_shows_a_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.json");
    // A misspelt password key whose value lacks its quotes: the parser's
    // message and fix quote the value (they did, raw, before).
    std::fs::write(
        &path,
        "{\n  \"ADMIN_PASWORD\": hunter2-Secret,\n  \"TCP_PORT\": 1\n}\n",
    )
    .expect("write");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    show_section(&mut h, Section::Problems);
    h.run();
    assert!(h.query_all_by_label_contains("ADMIN_PASSWORD").count() > 0);
    let shown: Vec<String> = h
        .query_all_by_label_contains("hunter2-Secret")
        .map(|n| {
            format!(
                "{:?} {:?}",
                n.accesskit_node().role(),
                n.accesskit_node()
                    .value()
                    .map(|v| v.chars().take(80).collect::<String>())
            )
        })
        .collect();
    assert!(shown.is_empty(), "a problem shows the password: {shown:?}");
}

#[cfg(unix)]
#[test]
fn saving_a_hard_linked_file_asks_and_a_symlink_is_named_in_the_title() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let other = dir.path().join("other.json");
    std::fs::copy(example(), &path).expect("copy");
    std::fs::hard_link(&path, &other).expect("hard link");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&path, &link).expect("symlink");

    let mut h = harness(PrivyApp::open(Some(link.clone())));
    h.run();
    assert!(
        h.state()
            .title()
            .contains(&format!("link.json (a link to {})", path.display())),
        "{}",
        h.state().title()
    );
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label_contains("also has 1 other name (hard links)");
    h.get_by_label("Write in place").click();
    h.run();
    let ours = text_of(&h);
    assert_eq!(std::fs::read_to_string(&other).ok(), Some(ours.clone()));
    assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    assert!(!h.state().title().starts_with("• "), "saved");
}

/// Edit a deny rule, open Review changes, read the access gained and follow
/// it to the simulator with its witness filled in.
#[test]
fn review_shows_the_access_an_edit_gains_and_tries_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::copy(example(), &path).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path)));
    show_section(&mut h, Section::Rules(RuleKind::DenyCheckouts));
    h.run();
    let users = h
        .get_all_by_label("Users")
        .nth(1)
        .expect("second deny rule's users");
    users.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_all_by_label("Users")
        .nth(1)
        .expect("users")
        .type_text("10.20.30.100-120");
    h.run();
    assert!(text_of(&h).contains("\"USERS\": \"10.20.30.100-120\""));
    h.get_by_label("Review changes (unsaved)").click();
    // The diff is worked out beside the window: it shows a spinner (which
    // keeps repainting, hence steps), then answers.
    h.run_steps(2);
    let start = std::time::Instant::now();
    while h.query_by_label_contains("Saving grants").is_none() {
        assert!(start.elapsed().as_secs() < 30, "no access diff");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run();
    let headline = h
        .get_by_label_contains("Saving grants")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(!headline.starts_with("Saving grants 0"), "{headline}");
    h.get_by_label_contains("Gained: denied before");
    assert!(h.get_all_by_label_contains("`10.20.30.100-150`").count() >= 1);
    h.get_all_by_label("Try in the simulator")
        .next()
        .expect("try button")
        .click();
    h.run();
    let sim = &h.state().sim();
    assert!(h.state().sim_panel().open);
    assert_eq!(sim.form.feature, "KAS");
    assert_eq!(sim.form.ip, "10.20.30.121");
    // The text diff is still there below.
    h.get_by_label_contains("+             \"USERS\": \"10.20.30.100-120\"");
}

/// Saving a file with errors asks first; Cancel leaves the file as it
/// was on disk, Save anyway writes it.
#[test]
fn saving_a_file_with_errors_asks_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    add_deny_rule_for(&mut h, "4.3.2.50-10");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label_contains("Save a file with 1 error?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label_contains("Save a file with").is_none());
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        original,
        "not written"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label("Save anyway").click();
    h.run();
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains("4.3.2.50-10")
    );
    assert!(!h.state().title().starts_with("• "));
}

/// Closing with unsaved edits that have errors: Save asks about the
/// errors first; Show problems stays open on Problems with nothing saved,
/// and Save anyway writes the file and then closes.
#[test]
fn closing_with_unsaved_errors_asks_about_them_before_saving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    add_deny_rule_for(&mut h, "4.3.2.50-10");
    h.state_mut().request(AfterPrompt::Close);
    h.run();
    h.get_by_label("Save changes before closing?");
    h.get_by_label("Save").click();
    h.run();
    assert!(h.query_by_label("Save changes before closing?").is_none());
    h.get_by_label_contains("Save a file with 1 error?");
    h.get_by_label("Show problems").click();
    h.run();
    assert!(h.query_by_label_contains("Save a file with").is_none());
    assert_eq!(h.state().section(), Section::Problems);
    assert!(!h.state().wants_close());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original);

    h.state_mut().request(AfterPrompt::Close);
    h.run();
    h.get_by_label("Save").click();
    h.run();
    h.get_by_label("Save anyway").click();
    h.run();
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains("4.3.2.50-10")
    );
    assert!(h.state().wants_close(), "saved, then closed");
}

/// IP_VERSION is a choice of its known values; choosing one writes it.
#[test]
fn ip_version_is_a_choice() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Settings);
    h.run();
    // The combo box is labelled by its setting's name.
    h.get_all_by_label("IP version")
        .last()
        .expect("the IP version choice")
        .click();
    h.run();
    h.get_by_label("IPv6").click();
    h.run();
    let text = text_of(&h);
    assert!(text.contains("\"IP_VERSION\": \"IPv6\""), "{text}");
}

/// A recovery file belongs to its own file: opening another file does not
/// offer it (Restore would have replaced the file asked for); opening its
/// file does.
#[test]
fn a_recovery_is_offered_only_for_its_own_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("A.json");
    let b = dir.path().join("B.json");
    std::fs::copy(example(), &a).expect("copy");
    std::fs::copy(example(), &b).expect("copy");
    let store = || privy::recovery::Recovery::at(dir.path().join("recovery"));
    {
        // A session edits A and dies without saving.
        let mut app = PrivyApp::open(Some(a.clone())).with_recovery(store());
        app.set_recovery_interval(std::time::Duration::ZERO);
        let mut h = harness(app);
        h.run();
        add_deny_rule_for(&mut h, "mallory");
    }
    assert_eq!(store().pending().len(), 1);
    // The next session opens B: nothing is offered over it.
    let mut h = harness(PrivyApp::open(Some(b.clone())).with_recovery(store()));
    h.run();
    assert!(
        h.query_by_label("Unsaved edits from an earlier session")
            .is_none()
    );
    assert_eq!(
        h.state()
            .document()
            .and_then(|d| d.path().map(std::path::PathBuf::from)),
        Some(b.clone())
    );
    assert_eq!(store().pending().len(), 1, "A's edits are kept for A");
    // Opening A offers them; Restore puts them on A.
    h.state_mut().request(AfterPrompt::Open(a.clone()));
    h.run();
    h.get_by_label("Unsaved edits from an earlier session");
    h.get_by_label("Restore").click();
    h.run();
    let doc = h.state().document().expect("document");
    assert_eq!(doc.path().map(std::path::PathBuf::from), Some(a.clone()));
    assert!(doc.text().contains("mallory"));
}

/// The JSON text view hides password values unless asked, and is edited
/// with them hidden too (#30.10: no star is ever written back).
#[test]
fn the_json_view_masks_passwords_unless_asked() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Raw);
    h.run();
    let value = |h: &Harness<'_, PrivyApp>| {
        h.get_by_label("File text")
            .accesskit_node()
            .value()
            .unwrap_or_default()
            .to_string()
    };
    let shown = value(&h);
    assert!(!shown.contains("change-me-unique-2024"), "masked");
    assert!(
        shown.contains("\"ADMIN_PASSWORD\": \"*********************\""),
        "{shown}"
    );
    h.get_by_label_contains("Passwords are hidden");
    // An edit with them hidden: the file gets it, and keeps the password.
    let field = h.get_by_label("File text");
    field.focus();
    h.run();
    h.get_by_label("File text").type_text(" ");
    h.run();
    let text = h.state().document().expect("document").text().to_string();
    let original = std::fs::read_to_string(example()).expect("example");
    assert_eq!(text.len(), original.len() + 1, "one space typed");
    assert!(
        text.contains("\"ADMIN_PASSWORD\": \"change-me-unique-2024\""),
        "{text}"
    );
    assert!(!text.contains("**"), "no star written back");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    // (The focused text scrolled the view; the box is above it.)
    h.get_by_label("Show passwords").scroll_to_me();
    h.run();
    h.get_by_label("Show passwords").click();
    h.run();
    assert!(value(&h).contains("change-me-unique-2024"));
    assert_eq!(
        h.state().document().map(|d| d.text().to_string()),
        std::fs::read_to_string(example()).ok(),
        "showing changes nothing"
    );
}

/// Each card shows its rule's number in the form messages use, and an
/// empty preset says so once.
#[test]
fn cards_are_numbered_and_presets_said_once() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Rules(RuleKind::ReserveCheckouts));
    h.run();
    h.get_by_label("Reserve checkouts rule 1");
    h.get_by_label("Reserve checkouts rule 2");
    assert_eq!(
        h.get_all_by_label_contains("mpty preset").count(),
        1,
        "the sentence only"
    );
}

/// A new group's name field takes the keyboard, with no error said
/// before anything is typed; typing names the group.
#[test]
fn a_new_group_is_named_by_typing_at_once() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Groups);
    h.run();
    let before = h.state().document().map_or(0, |d| d.config().groups.len());
    // Below eight group cards: brought into view first, as a person scrolls.
    h.get_by_label("Add group").scroll_to_me();
    h.run();
    h.get_by_label("Add group").click();
    h.run();
    h.run();
    assert_eq!(
        h.state().document().map_or(0, |d| d.config().groups.len()),
        before + 1,
        "added"
    );
    let n = h.state().document().map_or(0, |d| d.config().groups.len());
    let id = egui::Id::unique(("group-field", &format!("/GROUPS/{}/NAME", n - 1)));
    let focused = h.ctx.memory(|m| m.focused());
    assert_eq!(focused, Some(id), "the new name field has the keyboard");
    assert!(
        h.query_by_label_contains("NAME is empty").is_none(),
        "no error before typing"
    );
    // Problems still counts it (the file has it until a name is typed).
    assert!(h.state().document().is_some_and(|d| {
        d.diagnostics()
            .iter()
            .any(|d| d.message.contains("NAME is empty"))
    }));
    h.get_all_by_label("Name")
        .last()
        .expect("name")
        .type_text("Ops");
    h.run();
    let doc = h.state().document().expect("document");
    assert_eq!(
        doc.config().groups.last().and_then(|g| g.name.as_deref()),
        Some("Ops")
    );
}

#[test]
fn a_rule_that_does_nothing_says_so_on_its_card_and_in_problems() {
    let mut h = harness(PrivyApp::with_document(
        privy::document::Document::from_text(
            r#"{ "DENY_CHECKOUTS": [ { "FEATURES": "CAD", "USERS": "bob" },
                                 { "FEATURES": "CAD", "USERS": "bob" } ] }"#,
        ),
    ));
    h.run();
    // The finding is counted on the list's line too.
    h.get_by_label("Deny checkouts (2) · 1 worth a look")
        .click();
    h.run();
    // On the card of the second rule ...
    h.get_by_label_contains(
        "Deny checkouts rule 2 has no effect: Deny checkouts rule 1 already does the same",
    );
    assert_eq!(problems_count(&h), 1);
    // ... and in Problems, with a link to it.
    h.get_by_label_contains("Problems (").click();
    h.run();
    h.get_by_label("Over every principal");
    h.get_by_label_contains("Deny checkouts rule 2 · 2:")
        .click();
    h.run();
    assert_eq!(h.state().section(), Section::Rules(RuleKind::DenyCheckouts));
    // A name more, and the second rule does more than the first, which
    // now does nothing of its own: the finding follows the edit.
    let field = h.get_all_by_label("Users").last().expect("users");
    field.focus();
    field.type_text(";carl");
    h.run();
    h.run();
    assert!(text_of(&h).contains("bob;carl"));
    assert!(
        h.query_by_label_contains("Deny checkouts rule 2 has no effect")
            .is_none()
    );
    h.get_by_label_contains(
        "Deny checkouts rule 1 has no effect: Deny checkouts rule 2 already does the same",
    );
    assert_eq!(problems_count(&h), 1);
}

/// Who is affected: the filter read as a principal or a feature shows the
/// rules that reach it through groups, wildcards and IP ranges, and says
/// which filter is active.
#[test]
fn the_filter_shows_who_is_affected() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("Filter").focus();
    h.get_by_label("Filter").type_text("user:anna");
    h.run();
    h.get_by_label_contains(
        "Showing the rules about user anna (through groups, wildcards and IP ranges)",
    );
    // anna is in Functionality Users (rule 1), not in KAS Users (rule 2);
    // the fourth rule names only an address range.
    h.get_by_label("Allow checkouts (1 of 4)");
    h.get_by_label_contains("Only Functionality Users");
    assert!(h.query_by_label_contains("Only KAS Users").is_none());
    // The groups she is in: Functionality Users and Borrow Users.
    h.get_by_label("Groups (2 of 8)");
    // A feature: its rules and the rules for every feature.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Filter").type_text("feature:KAS");
    h.run();
    h.get_by_label_contains("Showing the rules for feature KAS (rules for every feature too)");
    h.get_by_label("Allow checkouts (2 of 4)");
    h.get_by_label_contains("Only KAS Users");
    // A principal and a feature: the allow rule that denies anna KAS by
    // not naming her shows too, and the verdict is said.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Filter").type_text("user:anna feature:KAS");
    h.run();
    h.get_by_label_contains("and the allow rules that deny by not naming them");
    h.get_by_label_contains(
        "user anna, KAS (no pool): a checkout is DENIED (in no allow rule: Allow checkouts rule 2), and so is a borrow.",
    );
    h.get_by_label_contains("Only KAS Users");
    // Plain text is still plain text, and says so.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Filter").type_text("julia");
    h.run();
    h.get_by_label_contains("Showing the rules and groups that mention “julia”");
}

#[test]
fn typing_and_saving_in_the_same_frame_saves_what_the_field_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::copy(example(), &path).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    let users = h.get_all_by_label("Users").last().expect("users field");
    users.focus();
    h.run();
    // The keys and Ctrl+S arrive in one frame, as they do when someone
    // types fast or a frame takes long (a large file). (kittest's own
    // helpers give each event a frame of its own.)
    let key = |pressed| egui::Event::Key {
        key: Key::S,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::COMMAND,
    };
    h.input_mut().events.extend([
        egui::Event::Text("zed0-extra".into()),
        key(true),
        key(false),
    ]);
    h.step();
    h.run();
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(
        saved.contains("\"USERS\": \"zed0-extra\""),
        "the file holds what the field shows: {}",
        saved
            .lines()
            .filter(|l| l.contains("zed0"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    assert!(
        !h.state().title().starts_with("• "),
        "nothing is left unsaved"
    );
}

/// Steps frames until a label containing `text` is shown (the access
/// review is worked out beside the window).
fn wait_for_label(h: &mut Harness<'static, PrivyApp>, text: &str) {
    let start = std::time::Instant::now();
    while h.query_by_label_contains(text).is_none() {
        assert!(start.elapsed().as_secs() < 30, "never shown: {text}");
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn review_changes_follows_a_save() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::copy(example(), &path).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    add_deny_rule_for(&mut h, "zed");
    let features = h.get_all_by_label("Features").last().expect("features");
    features.focus();
    features.type_text("KAS");
    h.run();
    h.get_by_label("Review changes (unsaved)").click();
    wait_for_label(&mut h, "Saving revokes");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(1);
    // Against the file just saved, nothing is left to change.
    wait_for_label(&mut h, "Saving changes nobody's access.");
    assert!(h.query_by_label_contains("Saving revokes").is_none());
    h.get_by_label_contains("No changes against the file on disk.");
}

/// Review changes' own "Save these changes" button saves, as Ctrl+S does.
#[test]
fn review_changes_saves_from_its_button() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::copy(example(), &path).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    add_deny_rule_for(&mut h, "zed");
    let features = h.get_all_by_label("Features").last().expect("features");
    features.focus();
    features.type_text("KAS");
    h.run();
    h.get_by_label("Review changes (unsaved)").click();
    wait_for_label(&mut h, "Saving revokes");
    // Below the diff, out of view: clicked as assistive technology does.
    h.get_by_label("Save these changes").click_accesskit();
    h.run_steps(2);
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains("\"zed\""),
        "the button saved the file"
    );
    assert!(!h.state().title().starts_with("• "));
}

/// The example (not saved anywhere) with the first deny rule's USERS
/// (`Contractors`) replaced by `users`.
fn example_with_first_deny_users(users: &str) -> Harness<'static, PrivyApp> {
    let text = std::fs::read_to_string(example())
        .expect("example")
        .replacen(
            "\"USERS\": \"Contractors\"",
            &format!("\"USERS\": \"{users}\""),
            1,
        );
    let mut h = harness(PrivyApp::with_document(
        privy::document::Document::from_text(text),
    ));
    h.run();
    h
}

/// #30.9: a misspelt group already in the list is taken out by its Fix
/// (writing the group again made a duplicate), and a repeat has a Fix.
#[test]
fn a_fix_leaves_the_list_without_a_new_problem() {
    let mut h = example_with_first_deny_users("Contractors;Contractrs;ivan;ivan");
    h.get_by_label_contains("Deny checkouts (2").click();
    h.run();
    h.get_by_label("Fix: remove it: the group \"Contractors\" is already listed")
        .click();
    h.run();
    h.get_by_label("Fix: remove this repeat").click();
    h.run();
    let doc = text_of(&h);
    assert!(doc.contains("\"USERS\": \"Contractors;ivan\""), "{doc}");
    assert!(h.query_by_label_contains("listed more than once").is_none());
    assert!(h.query_by_label_contains("is not a group").is_none());
}

/// #30.12: Undo and Redo say what they undo and redo, and are greyed out
/// when there is nothing to undo or redo.
#[test]
fn undo_and_redo_name_what_they_do() {
    let mut h = harness(PrivyApp::open(Some(example())));
    show_section(&mut h, Section::Rules(RuleKind::DenyBorrows));
    h.run();
    h.get_by_label("Edit").click();
    h.run();
    // (A menu item's label ends with its shortcut.)
    assert!(h.get_by_label("Undo Ctrl+Z").accesskit_node().is_disabled());
    assert!(
        h.get_by_label("Redo Ctrl+Shift+Z")
            .accesskit_node()
            .is_disabled()
    );
    h.key_press(Key::Escape);
    h.run();
    h.get_all_by_label("Delete").next().expect("delete").click();
    h.run();
    h.get_by_label("Edit").click();
    h.run();
    let undo = h.get_by_label("Undo removal of Deny borrows rule 1 Ctrl+Z");
    assert!(!undo.accesskit_node().is_disabled());
    undo.click();
    h.run();
    h.get_by_label("Edit").click();
    h.run();
    assert!(h.get_by_label("Undo Ctrl+Z").accesskit_node().is_disabled());
    h.get_by_label("Redo removal of Deny borrows rule 1 Ctrl+Shift+Z");
}

/// #30.11: one count, one meaning. A list's line in the navigation says
/// "to fix" for errors and "worth a look" for warnings, as Problems does,
/// and the JSON text view counts what Problems counts.
#[test]
fn counts_agree_between_the_navigation_problems_and_the_text() {
    let mut h = example_with_first_deny_users("Contractors;ivan;ivan");
    // A warning only: nothing "to fix".
    h.get_by_label("Deny checkouts (2) · 1 worth a look");
    assert!(h.query_by_label_contains("to fix").is_none());
    let total = problems_count(&h);
    h.get_by_label_contains("Problems (").click();
    h.run();
    h.get_by_label_contains(
        "0 to fix before the server will do what the file says, 1 worth a look",
    );
    h.get_by_label("JSON text").click();
    h.run();
    h.get_by_label_contains(&format!("{total} other problems are in Problems"));
}

/// #30.7: typing the first entry of a new rule's Users does not move the
/// fields below (the row of chips has its room before it has chips).
#[test]
fn the_first_key_in_a_field_does_not_move_the_fields_below() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    h.get_by_label("Deny checkouts (2)").click();
    h.run();
    h.get_by_label("Add deny checkouts rule").click();
    h.run();
    let top = |h: &Harness<'static, PrivyApp>| {
        h.get_all_by_label("Features")
            .last()
            .expect("features")
            .rect()
            .top()
    };
    let before = top(&h);
    let users = h.get_all_by_label("Users").last().expect("users");
    users.focus();
    users.type_text("k");
    h.run();
    let after = top(&h);
    assert!(
        (after - before).abs() < 1.0,
        "Features moved from {before} to {after}"
    );
}

/// #30.8: without a desktop portal or zenity (as here), File > Open asks
/// for the path in the window, says why, and opens what is typed.
#[test]
fn open_without_a_file_dialog_asks_for_the_path_in_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("First.json");
    let second = dir.path().join("Second.json");
    std::fs::copy(example(), &first).expect("copy");
    std::fs::copy(example(), &second).expect("copy");
    let mut h = harness(PrivyApp::open(Some(first)));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    wait_for_label(&mut h, "No file dialog could be shown");
    // It starts in the open file's folder; the rest is completed.
    h.get_by_label("Second.json");
    h.event(egui::Event::Text("Second.json".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    assert_eq!(
        h.state()
            .document()
            .and_then(|d| d.path())
            .map(std::path::Path::to_path_buf),
        Some(second)
    );
}

/// Tidy up from the Edit menu: the edits are found and proven beside the
/// window, one is unticked (the rest proven again), applied as one edit,
/// and undone in one step.
#[test]
fn tidy_up_unticks_one_edit_applies_and_undoes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = r#"{
  "ALLOW_CHECKOUTS": [
    { "FEATURES": "KAS", "USERS": "anna; bob; anna; PC1; PC*" }
  ],
  "GROUPS": [
    { "NAME": "Old", "MEMBERS": "ghost" }
  ]
}
"#;
    std::fs::write(&path, original).expect("write");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    h.get_by_label("Edit").click();
    h.run();
    h.get_by_label_contains("Tidy up…").click();
    h.run_steps(2);
    assert_eq!(h.state().section(), Section::Tidy);
    wait_for_label(&mut h, "Apply 3 edits");
    h.get_by_label_contains("access unchanged over");
    // Leave `PC1` in.
    h.get_by_label_contains("`PC1` in Allow checkouts rule 1 USERS")
        .click();
    h.run_steps(2);
    wait_for_label(&mut h, "The edits ticked: access unchanged");
    h.get_by_label("Apply 2 edits").click();
    h.run_steps(2);
    let tidied = text_of(&h);
    assert!(
        tidied.contains(r#""USERS": "anna; bob; PC1; PC*""#),
        "{tidied}"
    );
    assert!(!tidied.contains("ghost"), "{tidied}");
    assert_eq!(h.state().section(), Section::Review);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(text_of(&h), original);
}

/// Problems: "Fix all N duplicate entries…" goes through Tidy up with only
/// the duplicates ticked, proven, and applied as one edit.
#[test]
fn fix_all_duplicates_goes_through_tidy_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    std::fs::write(
        &path,
        r#"{ "ALLOW_CHECKOUTS": [ { "FEATURES": "KAS", "USERS": "anna; bob; anna; bob" } ],
  "GROUPS": [ { "NAME": "Old", "MEMBERS": "ghost" } ] }
"#,
    )
    .expect("write");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    h.get_by_label_contains("Problems (").click();
    h.run();
    h.get_by_label("Fix all 2 duplicate entries…").click();
    h.run_steps(2);
    assert_eq!(h.state().section(), Section::Tidy);
    wait_for_label(&mut h, "The edits ticked: access unchanged");
    h.get_by_label("Apply 2 edits").click();
    h.run_steps(2);
    let text = text_of(&h);
    assert!(text.contains(r#""USERS": "anna; bob""#), "{text}");
    assert!(
        text.contains("ghost"),
        "the unused group was not ticked: {text}"
    );
}

/// F8 walks the problems in the order of the text, each said in the
/// status bar with its place shown; Shift+F8 walks back; both go round.
#[test]
fn f8_and_shift_f8_walk_the_problems() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    let n = problems_count(&h);
    assert!(n >= 3, "the example has problems to walk: {n}");
    let status = |h: &Harness<'static, PrivyApp>| {
        h.state()
            .status()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    h.key_press(Key::F8);
    h.run();
    assert!(
        status(&h).starts_with(&format!("Problem 1 of {n} (")),
        "{}",
        status(&h)
    );
    let first = status(&h);
    h.key_press(Key::F8);
    h.run();
    assert!(status(&h).starts_with(&format!("Problem 2 of {n} (")));
    h.key_press_modifiers(Modifiers::SHIFT, Key::F8);
    h.run();
    assert_eq!(status(&h), first, "back to the first");
    h.key_press_modifiers(Modifiers::SHIFT, Key::F8);
    h.run();
    assert!(
        status(&h).starts_with(&format!("Problem {n} of {n} (")),
        "round to the last: {}",
        status(&h)
    );
    h.key_press(Key::F8);
    h.run();
    assert_eq!(status(&h), first, "and round again");
    // The place is shown: from Problems, F8 goes to the form the first
    // problem is in.
    show_section(&mut h, Section::Problems);
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT, Key::F8);
    h.run();
    h.key_press(Key::F8);
    h.run();
    assert_eq!(status(&h), first);
    assert!(
        matches!(
            h.state().section(),
            Section::Rules(_) | Section::Groups | Section::Settings
        ),
        "{:?}",
        h.state().section()
    );
}

/// Ctrl+H lists the edits by name; a click goes back to the text before
/// them (the file as saved, not dirty), and another forward to the last.
#[test]
fn the_undo_history_lists_the_edits_and_goes_to_any() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    add_deny_rule_for(&mut h, "zed");
    let features = h.get_all_by_label("Features").last().expect("features");
    features.focus();
    features.type_text("KAS");
    h.run();
    let edited = h.state().document().map(|d| d.text().to_string());
    h.key_press_modifiers(Modifiers::COMMAND, Key::H);
    h.run();
    h.get_by_label("Undo history");
    h.get_by_label("Before these edits · saved");
    h.get_by_label_contains("1. new Deny checkouts rule");
    h.get_by_label_contains("2. edit of Deny checkouts rule 3 USERS");
    h.get_by_label("3. edit of Deny checkouts rule 3 FEATURES  ◀ now");

    h.get_by_label("Before these edits · saved").click();
    h.run();
    let text = |h: &Harness<'static, PrivyApp>| h.state().document().map(|d| d.text().to_string());
    assert_eq!(text(&h).as_deref(), Some(original.as_str()));
    assert!(
        !h.state().title().starts_with("• "),
        "back at the saved text"
    );
    h.get_by_label("Before these edits · saved  ◀ now");
    h.get_by_label_contains("Deny checkouts (2)");

    h.get_by_label("3. edit of Deny checkouts rule 3 FEATURES")
        .click();
    h.run();
    assert_eq!(text(&h), edited);
    assert!(h.state().title().starts_with("• "));
    // Undo still takes back one edit at a time from there.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.get_by_label("2. edit of Deny checkouts rule 3 USERS  ◀ now");
}

/// Revert shows what it drops under its question; Revert goes back to the
/// file on disk as one undoable edit, and Keep my text leaves it.
#[test]
fn revert_shows_what_it_drops_then_goes_back_to_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path)));
    h.run();
    add_deny_rule_for(&mut h, "zed");
    let edited = h.state().document().map(|d| d.text().to_string());
    let text = |h: &Harness<'static, PrivyApp>| h.state().document().map(|d| d.text().to_string());

    // Review's access diff works beside the window (its spinner
    // repaints): frames are stepped, not run to rest.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    h.run_steps(2);
    assert_eq!(h.state().section(), Section::Review);
    h.get_by_label("Revert to the file on disk?");
    wait_for_label(&mut h, "+             \"USERS\": \"zed\"");
    h.get_by_label("Keep my text").click();
    h.run_steps(2);
    assert!(h.query_by_label("Revert to the file on disk?").is_none());
    assert_eq!(text(&h), edited, "kept");

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    h.run_steps(2);
    h.get_by_label("Revert to the file on disk").click();
    h.run_steps(2);
    assert_eq!(text(&h).as_deref(), Some(original.as_str()));
    assert!(!h.state().title().starts_with("• "));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(text(&h), edited, "Undo brings the edits back");
}

/// A file another program changed says so above the forms; its link shows
/// how it differs under the question, and Reload takes it.
#[test]
fn a_file_changed_on_disk_is_said_and_reloaded_after_its_difference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    assert!(
        h.query_by_label("⚠ The file changed on disk since it was opened.")
            .is_none()
    );
    let theirs = original.replace("\"TCP_PORT\": 6200", "\"TCP_PORT\": 6201 ");
    std::fs::write(&path, &theirs).expect("external write");
    h.run();
    h.get_by_label("⚠ The file changed on disk since it was opened.");
    h.get_by_label("Review and reload…").click();
    h.run_steps(2);
    assert_eq!(h.state().section(), Section::Review);
    h.get_by_label("Reload the file from disk?");
    wait_for_label(&mut h, "\"TCP_PORT\": 6201");
    h.get_by_label("Reload from disk").click();
    h.run_steps(2);
    assert_eq!(
        h.state()
            .document()
            .map(|d| d.text().to_string())
            .as_deref(),
        Some(theirs.as_str())
    );
    show_section(&mut h, Section::Settings);
    h.run_steps(2);
    assert!(
        h.query_by_label("⚠ The file changed on disk since it was opened.")
            .is_none()
    );
}

/// Review changes never shows a password value: not the editor's, in the
/// lines around a change, and not the one only the file on disk has.
#[test]
fn review_changes_masks_password_values_on_both_sides() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let original = std::fs::read_to_string(example()).expect("example");
    assert!(original.contains("\"change-me-unique-2024\""));
    std::fs::write(&path, &original).expect("copy");
    let mut h = harness(PrivyApp::open(Some(path.clone())));
    h.run();
    let theirs = original
        .replace("\"TCP_PORT\": 6200", "\"TCP_PORT\": 6201")
        .replace("\"change-me-unique-2024\"", "\"hunter2-on-disk-only\"");
    std::fs::write(&path, &theirs).expect("external write");
    // Review's access diff works beside the window (its spinner repaints):
    // frames are stepped, not run to rest.
    h.run_steps(1);
    h.get_by_label("Review changes").click();
    h.run_steps(2);
    wait_for_label(&mut h, "\"TCP_PORT\": 6201");
    for secret in ["change-me-unique-2024", "hunter2-on-disk-only"] {
        assert!(
            h.query_by_label_contains(secret).is_none(),
            "{secret} shows in Review changes"
        );
    }
    // The password's line is there, masked, on both sides.
    assert_eq!(
        h.get_all_by_label_contains("\"ADMIN_PASSWORD\": \"*****")
            .count(),
        2
    );
}

/// End goes to the last card of a long list and Home back to the first;
/// Page Down moves a screenful; typing in a field keeps the keys.
#[test]
fn home_end_and_page_keys_move_through_a_long_list() {
    let (mut h, kind, len) = long_list();
    let name = |n: usize| format!("{} rule {n}", kind.title());
    let shown = |h: &Harness<'static, PrivyApp>, n: usize| h.query_by_label(&name(n)).is_some();
    // Cards near the view are drawn too: in view is where its top is.
    let top = |h: &Harness<'static, PrivyApp>, n: usize| {
        h.query_by_label(&name(n)).map(|c| c.rect().top())
    };
    let in_view = |h: &Harness<'static, PrivyApp>, n: usize| {
        top(h, n).is_some_and(|y| (0.0..900.0).contains(&y))
    };
    assert!(shown(&h, 1) && !shown(&h, len));
    h.key_press(Key::End);
    h.run_steps(8);
    h.run();
    assert!(in_view(&h, len), "End shows the last card");
    assert!(!shown(&h, 1));
    h.key_press(Key::Home);
    h.run_steps(8);
    h.run();
    assert!(in_view(&h, 1), "Home shows the first card again");
    h.key_press(Key::PageDown);
    h.run_steps(8);
    h.run();
    let before = top(&h, 1);
    assert!(
        before.is_none_or(|y| y < 0.0),
        "a page down, the first card is above the view: {before:?}"
    );
    assert!(
        (2..40).any(|n| in_view(&h, n)),
        "and the next cards are in view"
    );
    // In a field, End is the field's.
    h.get_all_by_label("Users").next().expect("a field").focus();
    h.run();
    h.key_press(Key::End);
    h.run_steps(8);
    h.run();
    assert!(!shown(&h, len), "End moved the cursor, not the list");
}

/// Ctrl+G goes to a rule by list and number, by number in the list shown,
/// or to a group by name; a number past the list's end says so and stays.
#[test]
fn go_to_rule_by_list_and_number_or_a_group_by_name() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    let go = |h: &mut Harness<'static, PrivyApp>, typed: &str| {
        h.key_press_modifiers(Modifiers::COMMAND, Key::G);
        h.run();
        let field = h.get_by_label("A rule's number, a list and a number, or a group's name");
        field.type_text(typed);
        h.run();
        h.key_press(Key::Enter);
        h.run();
    };
    go(&mut h, "deny checkouts 2");
    assert_eq!(h.state().section(), Section::Rules(RuleKind::DenyCheckouts));
    assert!(h.query_by_label("Go to rule").is_none(), "closed");
    h.get_by_label("Deny checkouts rule 2");
    go(&mut h, "3");
    h.get_by_label("Deny checkouts has 2 rules, numbered from 1.");
    assert_eq!(h.state().section(), Section::Rules(RuleKind::DenyCheckouts));
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label("Go to rule").is_none());
    go(&mut h, "contractors");
    assert_eq!(h.state().section(), Section::Groups);
    // A rule the filter hides: the filter goes, and the rule shows.
    set_filter(&mut h, "Contractors");
    go(&mut h, "allow checkouts 2");
    assert_eq!(h.state().filter(), "");
    h.get_by_label("Allow checkouts rule 2");
    h.get_by_label("The filter is cleared to show it.");
}

/// A text filter that matches nothing in the list shown says where it
/// does match, each place a link.
#[test]
fn a_filter_shows_where_else_it_matches() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    assert_eq!(
        h.state().section(),
        Section::Rules(RuleKind::AllowCheckouts)
    );
    set_filter(&mut h, "Contractors");
    h.get_by_label("No rule here mentions \"Contractors\".");
    h.get_by_label("Also matching in");
    h.get_by_label("Groups (1)");
    h.get_by_label("Deny checkouts (1)").click();
    h.run();
    assert_eq!(h.state().section(), Section::Rules(RuleKind::DenyCheckouts));
    // Here, the other place is still said; the list shown is not.
    h.get_by_label("Groups (1)");
    assert!(h.query_by_label("Deny checkouts (1)").is_none());
    set_filter(&mut h, "");
    assert!(h.query_by_label("Also matching in").is_none());
}

/// Problems can be narrowed by severity and by a code or words, and
/// grouped by kind with a count on each group.
#[test]
fn problems_narrow_by_severity_and_text_and_group_by_kind() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    let n = problems_count(&h);
    show_section(&mut h, Section::Problems);
    let rows = |h: &Harness<'static, PrivyApp>| {
        ["error", "warning", "info"]
            .iter()
            .map(|s| h.query_all_by_label(s).count())
            .sum::<usize>()
    };
    assert_eq!(rows(&h), n, "every problem has its row");
    // Grouped by kind: a count on each group, summing to all of them.
    h.get_by_label("By kind").click();
    h.run();
    let heads: Vec<String> = h
        .query_all_by_label_contains(" × ")
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(!heads.is_empty());
    let total: usize = heads
        .iter()
        .filter_map(|l| l.split(" × ").next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(total, n, "{heads:?}");
    h.get_by_label("By place").click();
    h.run();
    // By a code: only that kind is left.
    let (code_head, count) = heads
        .iter()
        .filter_map(|l| {
            let (k, code) = l.split_once(" × ")?;
            Some((code.to_string(), k.parse::<usize>().ok()?))
        })
        .min_by_key(|(_, k)| *k)
        .expect("a kind");
    let field = h.get_by_label("Show problems with");
    field.focus();
    field.type_text(&code_head);
    h.run();
    assert_eq!(rows(&h), count, "only {code_head}");
    // Notes off: the example's are all notes, so none is left.
    let notes = h.get_by_label_contains("Notes (");
    notes.click();
    h.run();
    assert_eq!(rows(&h), 0);
    h.get_by_label("None of these is shown: see the choices above.");
}

/// A rule's Copy puts it on the clipboard as JSON; Ctrl+V in another list
/// adds it at the end as one undo step; something else on the clipboard
/// is refused with a reason and changes nothing.
#[test]
fn a_rule_is_copied_and_pasted_into_another_list() {
    let mut h = harness(PrivyApp::open(Some(example())));
    h.run();
    show_section(&mut h, Section::Rules(RuleKind::DenyCheckouts));
    h.get_all_by_label("Copy")
        .next()
        .expect("a Copy button")
        .click();
    h.run_steps(1);
    let copied = super::common::copied(&h).expect("copied to the clipboard");
    assert!(copied.contains("\"USERS\": \"Contractors\""), "{copied}");
    h.run();
    show_section(&mut h, Section::Rules(RuleKind::AllowBorrows));
    h.get_by_label("Allow borrows (1)");
    h.event(egui::Event::Paste(copied));
    h.run();
    h.get_by_label("Allow borrows (2)");
    h.get_by_label("Allow borrows rule 2");
    let doc = h.state().document().expect("doc");
    let pasted = &doc.config().rules(RuleKind::AllowBorrows)[1];
    let users: Vec<String> = pasted
        .list(privy::spec::Field::Users)
        .map(|l| l.iter().map(|e| e.text.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(users, ["Contractors"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.get_by_label("Allow borrows (1)");
    assert!(!h.state().title().starts_with("• "), "one undo step");
    h.event(egui::Event::Paste("anna".into()));
    h.run();
    h.get_by_label("Allow borrows (1)");
    assert!(
        h.state()
            .status()
            .is_some_and(|s| s.error && s.text.contains("no rule or group"))
    );
}

/// A rule in which a password value shows is not copied: the value never
/// reaches the clipboard, and a masked copy could not come back as an edit.
#[test]
fn a_rule_showing_a_password_value_is_not_copied() {
    let text = std::fs::read_to_string(example())
        .expect("example")
        .replacen(
            "\"USERS\": \"Contractors\"",
            "\"USERS\": \"Contractors;change-me-unique-2024\"",
            1,
        );
    let mut h = harness(PrivyApp::with_document(
        privy::document::Document::from_text(text),
    ));
    h.run();
    show_section(&mut h, Section::Rules(RuleKind::DenyCheckouts));
    h.get_all_by_label("Copy")
        .next()
        .expect("a Copy button")
        .click();
    h.run_steps(1);
    let copied = super::common::copied(&h);
    assert!(copied.is_none(), "nothing reached the clipboard");
    h.run();
    assert!(
        h.state()
            .status()
            .is_some_and(|s| s.error && s.text.contains("is not copied"))
    );
}

/// A large file opens beside the window: the first frame says what is
/// being opened, with a spinner, and the rules show once it is read.
#[test]
fn a_large_file_opens_beside_the_window_with_its_progress() {
    use privy::generate::{self, Shape};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.json");
    let text = generate::config(Shape {
        rules: 5_000,
        groups: 500,
        members: 50_000,
        ..Shape::default()
    });
    assert!(text.len() as u64 >= privy::analysis::background::OPEN_IN_FRAME_BELOW);
    std::fs::write(&path, &text).expect("write");
    let mut h = harness(PrivyApp::opening(path.clone()));
    h.run_steps(1);
    assert!(h.state().is_opening(), "read beside the window");
    assert!(h.state().document().is_none());
    h.get_all_by_label_contains("reading and checking every rule")
        .next()
        .expect("said");
    assert!(h.state().title().starts_with("Opening "));
    let start = std::time::Instant::now();
    while h.state().is_opening() {
        assert!(start.elapsed().as_secs() < 120, "never opened");
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run_steps(2);
    assert_eq!(
        h.state().document().map(|d| d.text().len()),
        Some(text.len())
    );
    assert_eq!(
        h.state().section(),
        Section::Rules(RuleKind::AllowCheckouts)
    );
    assert!(
        h.query_by_label_contains("reading and checking every rule")
            .is_none()
    );
    assert!(h.state().title().contains("large.json"));
}

/// Pasting two rules into a file without that list makes the list with
/// both, as one undo step.
#[test]
fn pasting_rules_into_a_missing_list_makes_it_in_one_step() {
    let mut h = harness(PrivyApp::with_document(
        privy::document::Document::from_text("{\n    \"TCP_PORT\": 6200\n}\n"),
    ));
    h.run();
    assert_eq!(
        h.state().section(),
        Section::Rules(RuleKind::AllowCheckouts)
    );
    h.event(egui::Event::Paste(
        r#"[{"USERS": "a", "FEATURES": "X"}, {"USERS": "b", "FEATURES": "Y"}]"#.into(),
    ));
    h.run();
    h.get_by_label("Allow checkouts (2)");
    h.get_by_label("Allow checkouts rule 2");
    // Two more into the list now there: one undo step as well.
    h.event(egui::Event::Paste(
        r#"[{"USERS": "c", "FEATURES": "X"}, {"USERS": "d", "FEATURES": "Y"}]"#.into(),
    ));
    h.run();
    h.get_by_label("Allow checkouts (4)");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.get_by_label("Allow checkouts (2)");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state()
            .document()
            .map(|d| d.text().to_string())
            .as_deref(),
        Some("{\n    \"TCP_PORT\": 6200\n}\n")
    );
}
