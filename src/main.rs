use clap::Parser;
use privy::cli::{Cli, EXIT_UNREADABLE, run};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(_) => run(cli),
        None => open_gui(cli.file),
    };
    std::process::exit(code);
}

#[cfg(feature = "gui")]
fn open_gui(file: Option<std::path::PathBuf>) -> i32 {
    match privy::ui::run(file) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("privy: could not open the window: {e}");
            EXIT_UNREADABLE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_gui(_file: Option<std::path::PathBuf>) -> i32 {
    eprintln!(
        "privy: this build has no GUI (built without the `gui` feature); use `privy check FILE`"
    );
    EXIT_UNREADABLE
}
