//! The what-if simulator's core, apart from any window: test cases in the
//! `privy test` format, scenario replay over a pool, the decision matrix,
//! seat usage and the import of sessions from CSV. The GUI (`ui::sim`) and
//! the command line both use it.

pub mod by_file;
pub(crate) mod cache;
pub mod cases;
pub mod csv;
pub mod explaining;
pub mod files;
pub mod form;
pub mod matrix;
pub mod scenario;
pub mod session;
