//! The command-line interface (`../shared/spec/cli.md` is the contract).

pub mod check;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes shared by the subcommands.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "privy",
    version,
    about = "Editor, validator and what-if simulator for VS License Manager privilege rules",
    long_about = "Privy opens a ServerConfig.json in a desktop editor (no subcommand), \
or checks it and explains decisions from the command line."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The ServerConfig.json to open in the editor.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a ServerConfig.json: syntax, structure and meaning.
    ///
    /// Exit status: 0 no errors (warnings allowed), 1 errors found, 2 the
    /// file could not be read or the command line is wrong.
    Check {
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print the JSON Schema of ServerConfig.json (for other editors).
    #[command(hide = true)]
    Schema,
}

/// Runs a parsed command line and returns the exit status.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Check { file, format }) => check::run(&file, format),
        Some(Command::Schema) => {
            print!("{}", crate::schema::schema_text());
            EXIT_OK
        }
        None => EXIT_UNREADABLE,
    }
}
