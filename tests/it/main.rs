//! All integration tests, as modules of one test binary.
//!
//! One binary instead of one per file: each links the whole library (with
//! the GUI stack), so eleven binaries cost eleven links and several
//! gigabytes of disk in a debug build. Run one group with a filter, e.g.
//! `cargo test --test it gui::`.

mod access;
mod adversarial;
mod analysis;
mod architecture;
mod bounded;
mod cli;
mod common;
mod coverage;
mod crash_save;
mod determined;
mod diagnostics;
mod effect;
mod engine;
mod exact;
mod fuzz_regressions;
mod gui;
mod gui_sim;
mod hardening;
mod incremental;
mod lossless;
mod malformed;
mod reference;
mod save;
mod tidy;
