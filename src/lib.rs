//! Privy: editor, validator and what-if simulator for the privilege rules of
//! the VS License Manager (`ServerConfig.json`).
//!
//! The core (this library without the `gui` feature) never touches egui:
//! [`json`] parses and edits the text losslessly, [`spec`] defines the rule
//! language once, [`model`] gives the typed view, [`validate`] finds
//! problems, [`document`] loads and saves files safely, [`engine`] decides
//! requests and [`words`] says what it found. `docs/architecture.md` is
//! the map.

pub mod analysis;
pub mod change;
pub mod cli;
pub mod diag;
pub mod document;
pub mod engine;
/// Test and benchmark support (the fuzz targets' entry points and the
/// generator of large configurations): not part of the API.
#[doc(hidden)]
pub mod fuzzing;
#[doc(hidden)]
pub mod generate;
pub mod input;
pub mod json;
pub mod model;
pub mod par;
pub mod pattern;
pub mod pool;
pub mod recovery;
pub mod request;
pub mod rule_id;
pub mod schema;
pub mod secrets;
pub mod sim;
pub mod spec;
#[cfg(feature = "gui")]
pub mod ui;
pub mod validate;
pub mod who;
pub mod words;
