//! GUI tests: drive the real window through egui_kittest.
#![cfg(feature = "gui")]

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use privy::ui::{PrivyApp, Section};

fn example() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/ServerConfig.json")
}

#[test]
fn navigation_shows_counts_and_sections() {
    let app = PrivyApp::open(Some(example()));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_ui_state(|ui, app: &mut PrivyApp| app.show(ui), app);
    h.run();
    // The example has four allow-checkout rules; the card sentence is shown.
    h.get_by_label("Allow checkouts (4)");
    h.get_by_label_contains("Only Functionality Users may check out or borrow");
    // Go to the problems list: the example has exactly its empty preset note.
    h.get_by_label("Problems (1)").click();
    h.run();
    assert_eq!(h.state().section, Section::Problems);
    h.get_by_label_contains("empty preset");
    // Settings mask passwords.
    h.get_by_label("Server settings").click();
    h.run();
    assert!(h.query_by_label("change-me-unique-2024").is_none());
    h.get_by_label("••••••••");
}

#[test]
fn an_unreadable_file_shows_why() {
    let app = PrivyApp::open(Some("/nonexistent/ServerConfig.json".into()));
    let mut h = Harness::new_ui_state(|ui, app: &mut PrivyApp| app.show(ui), app);
    h.run();
    h.get_by_label_contains("cannot read");
}
