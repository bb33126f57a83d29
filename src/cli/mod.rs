//! The command-line interface (README, "Command line"; what a decision
//! assumes is in `docs/semantics.md`).

pub mod access;
pub mod check;
pub mod diff;
pub mod explain;
pub mod output;
pub mod tidy;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes shared by the subcommands.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;
/// `explain --require-determined`: an unset input could change the verdict.
pub const EXIT_UNDETERMINED: i32 = 3;

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
    /// A license pool (JSON, as for `privy explain --pool`) to open the
    /// simulator with.
    #[arg(long)]
    pub pool: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    Text,
    Json,
    Csv,
    /// A self-contained HTML page, for an audit file.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionArg {
    Checkout,
    Borrow,
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
        /// Also check against these licenses (JSON pool file).
        #[arg(long)]
        pool: Option<PathBuf>,
    },
    /// Decide one request and explain why.
    ///
    /// Exit status: 0 granted, 1 denied, 2 unreadable input or bad usage.
    Explain {
        file: PathBuf,
        #[arg(long)]
        feature: String,
        #[arg(long, value_enum, default_value_t = ActionArg::Checkout)]
        action: ActionArg,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        host: Option<String>,
        #[arg(long)]
        ip: Option<std::net::IpAddr>,
        /// A Windows local group of the principal (repeatable).
        #[arg(long = "local-group")]
        local_groups: Vec<String>,
        /// The license to ask.
        #[arg(long)]
        serial: Option<String>,
        /// Borrow length in hours.
        #[arg(long)]
        hours: Option<u64>,
        /// Licenses and current sessions (JSON).
        #[arg(long)]
        pool: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// The principal has no local groups (otherwise unset local groups
        /// are unknown where the file uses `&` entries).
        #[arg(long)]
        no_local_groups: bool,
        /// Exit 3 when an unset input could change the verdict.
        #[arg(long)]
        require_determined: bool,
        /// For a denied request, list verified changes that would grant it
        /// (JSON always has them).
        #[arg(long)]
        suggest: bool,
    },
    /// What an edit changes, for whom: access gained, revoked or decided
    /// for another reason between two versions of a rule file, over every
    /// principal class, feature, action and license.
    ///
    /// Exit status: 0 no access changed, 1 some did, 2 unreadable input or
    /// bad usage. `-` as OLD or NEW reads standard input.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Licenses and current sessions (JSON), the same for both.
        #[arg(long)]
        pool: Option<PathBuf>,
        /// Only this feature (repeatable).
        #[arg(long = "feature")]
        features: Vec<String>,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Who can use what: per feature and action, the principals granted
    /// and denied (every principal, grouped by what they have in common)
    /// and every name the rules reach; or, with --user, --host, --ip or
    /// --local-group, that principal's access to every feature.
    ///
    /// Exit status: 0 the report is exhaustive, 2 unreadable input or bad
    /// usage, 3 the budget stopped it short (what it found is printed).
    Access {
        file: PathBuf,
        /// Only this feature (repeatable).
        #[arg(long = "feature")]
        features: Vec<String>,
        /// Only this action.
        #[arg(long, value_enum)]
        action: Option<ActionArg>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        host: Option<String>,
        #[arg(long)]
        ip: Option<std::net::IpAddr>,
        /// A Windows local group of the principal (repeatable).
        #[arg(long = "local-group")]
        local_groups: Vec<String>,
        /// Licenses and current sessions (JSON).
        #[arg(long)]
        pool: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = AccessFormat::Text)]
        format: AccessFormat,
    },
    /// Tidy a rule file: remove duplicate entries, entries another entry
    /// of the same list covers, rules with no effect and unused groups,
    /// each removal a splice that keeps every other byte, offered only when
    /// the access diff between the file and the tidied file is exhaustive
    /// and empty.
    ///
    /// Exit status: 0 nothing to tidy or the edits were written, 1 edits
    /// proposed and not written, 2 unreadable input, 3 the proof could not
    /// be completed (nothing written).
    Tidy {
        file: PathBuf,
        /// Save the tidied file (temporary file, rename, FILE.bak).
        #[arg(long)]
        write: bool,
        /// Keep empty presets (the default).
        #[arg(long, conflicts_with = "drop_presets")]
        keep_presets: bool,
        /// Remove empty presets too.
        #[arg(long)]
        drop_presets: bool,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Run expected-decision cases against a rule file.
    ///
    /// Exit status: 0 all pass, 1 any fails, 2 unreadable input.
    Test {
        file: PathBuf,
        cases: PathBuf,
        /// Also list the rules and entries no case reaches.
        #[arg(long)]
        coverage: bool,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Print the JSON Schema of ServerConfig.json (for other editors).
    #[command(hide = true)]
    Schema,
    /// Write a generated configuration (and optionally a pool) for
    /// benchmarks and load tests: rules over features, groups nested up to
    /// five levels, members mixing names, wildcards, IPs and ranges. The
    /// same arguments always give the same files.
    #[command(hide = true)]
    Gen {
        #[arg(long, default_value_t = 500)]
        rules: usize,
        #[arg(long, default_value_t = 500)]
        groups: usize,
        /// Members over all groups.
        #[arg(long, default_value_t = 100_000)]
        members: usize,
        #[arg(long, default_value_t = 50)]
        features: usize,
        /// Distinct user names to draw from.
        #[arg(long, default_value_t = 20_000)]
        users: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write a pool with this many sessions to this file.
        #[arg(long, requires = "sessions")]
        pool: Option<PathBuf>,
        #[arg(long, default_value_t = 0)]
        sessions: usize,
        /// Where to write the configuration (standard output if absent).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

impl Cli {
    /// Parses the command line, exiting with clap's message and status 2 on
    /// bad usage. With no subcommand the argument must be an existing file:
    /// `privy frobnicate` or `privy chek` is a mistyped subcommand (with
    /// clap's did-you-mean), not a window that fails to open.
    pub fn parse_args() -> Cli {
        let cli = Cli::parse();
        if let Err(e) = cli.check_file_argument() {
            e.exit();
        }
        cli
    }

    pub fn check_file_argument(&self) -> Result<(), clap::Error> {
        use clap::CommandFactory as _;
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        let (None, Some(file)) = (&self.command, &self.file) else {
            return Ok(());
        };
        if file.exists() {
            return Ok(());
        }
        let mut cmd = Cli::command();
        let word = file.display().to_string();
        let looks_like_path = word.contains(['/', '\\', '.']);
        if looks_like_path {
            return Err(cmd.error(
                ErrorKind::ValueValidation,
                format!("cannot open {word}: there is no such file (check the path)"),
            ));
        }
        let names: Vec<String> = cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .map(|c| c.get_name().to_string())
            .collect();
        let mut err = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(&cmd);
        err.insert(
            ContextKind::InvalidSubcommand,
            ContextValue::String(word.clone()),
        );
        if let Some(near) = crate::diag::did_you_mean(&word, names.iter().map(String::as_str)) {
            err.insert(
                ContextKind::SuggestedSubcommand,
                ContextValue::Strings(vec![near.to_string()]),
            );
        }
        err.insert(
            ContextKind::Usage,
            ContextValue::StyledStr(cmd.render_usage()),
        );
        Err(err)
    }
}

/// Runs a parsed command line and returns the exit status.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Check { file, format, pool }) => check::run(&file, format, pool.as_deref()),
        Some(Command::Explain {
            file,
            feature,
            action,
            user,
            host,
            ip,
            local_groups,
            serial,
            hours,
            pool,
            format,
            no_local_groups,
            require_determined,
            suggest,
        }) => {
            let request = crate::engine::Request {
                principal: crate::request::Principal {
                    user,
                    host,
                    ip,
                    local_groups,
                },
                feature,
                action: match action {
                    ActionArg::Checkout => crate::engine::Action::Checkout,
                    ActionArg::Borrow => crate::engine::Action::Borrow,
                },
                serial,
                hours,
            };
            explain::explain(
                &file,
                request,
                pool.as_deref(),
                explain::ExplainOptions {
                    json: format == ExplainFormat::Json,
                    no_local_groups,
                    require_determined,
                    suggest,
                },
            )
        }
        Some(Command::Test {
            file,
            cases,
            coverage,
            format,
        }) => explain::test_report(&file, &cases, coverage, format == ExplainFormat::Json).emit(),
        Some(Command::Tidy {
            file,
            write,
            keep_presets: _,
            drop_presets,
            format,
        }) => tidy::report(
            &file,
            write,
            crate::analysis::tidy::TidyOptions { drop_presets },
            format == ExplainFormat::Json,
        )
        .emit(),
        Some(Command::Access {
            file,
            features,
            action,
            user,
            host,
            ip,
            local_groups,
            pool,
            format,
        }) => {
            let asked =
                user.is_some() || host.is_some() || ip.is_some() || !local_groups.is_empty();
            let scope = crate::analysis::access::Scope {
                features,
                action: action.map(|a| match a {
                    ActionArg::Checkout => crate::engine::Action::Checkout,
                    ActionArg::Borrow => crate::engine::Action::Borrow,
                }),
                keep_classes: false,
                principal: asked.then_some(crate::request::Principal {
                    user,
                    host,
                    ip,
                    local_groups,
                }),
            };
            access::report(&file, pool.as_deref(), &scope, format).emit()
        }
        Some(Command::Diff {
            old,
            new,
            pool,
            features,
            format,
        }) => diff::diff_report(
            &old,
            &new,
            pool.as_deref(),
            &features,
            format == ExplainFormat::Json,
        )
        .emit(),
        Some(Command::Schema) => output::emit(&crate::schema::schema_text(), EXIT_OK),
        Some(Command::Gen {
            rules,
            groups,
            members,
            features,
            users,
            seed,
            pool,
            sessions,
            output,
        }) => {
            let shape = crate::generate::Shape {
                rules,
                groups,
                members,
                features: features.max(1),
                users: users.max(1),
                seed,
            };
            let write = |path: Option<&std::path::Path>, text: String| match path {
                Some(p) => std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display())),
                None => match output::emit(&text, EXIT_OK) {
                    EXIT_OK => Ok(()),
                    _ => Err("the output".to_string()),
                },
            };
            let result =
                write(output.as_deref(), crate::generate::config(shape)).and_then(
                    |()| match pool {
                        Some(p) => write(Some(&p), crate::generate::pool(shape, 3, sessions)),
                        None => Ok(()),
                    },
                );
            match result {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    output::error(&format!("cannot write {e}"));
                    EXIT_UNREADABLE
                }
            }
        }
        None => EXIT_UNREADABLE,
    }
}
