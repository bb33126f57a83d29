use privy::cli::{Cli, EXIT_UNREADABLE, run};

/// mimalloc for the program (the library leaves the allocator to its
/// user): faster on the millions of small allocations a large file makes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    quiet_panics();
    let cli = Cli::parse_args();
    let code = match cli.command {
        Some(_) => run(cli),
        None => open_gui(cli.file, cli.pool),
    };
    std::process::exit(code);
}

#[cfg(feature = "gui")]
fn open_gui(file: Option<std::path::PathBuf>, pool: Option<std::path::PathBuf>) -> i32 {
    privy::ui::launch::open(file, pool, EXIT_UNREADABLE)
}

#[cfg(not(feature = "gui"))]
fn open_gui(_file: Option<std::path::PathBuf>, _pool: Option<std::path::PathBuf>) -> i32 {
    eprintln!(
        "privy: this build has no GUI (built without the `gui` feature); use `privy check FILE`"
    );
    EXIT_UNREADABLE
}

/// A crash message that says where, not what: a formatted panic message
/// could carry the file's contents (passwords included). Messages written
/// into the code as literals are shown; the recovery file keeps the edits.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info.payload().downcast_ref::<&str>().copied().unwrap_or("");
        eprintln!(
            "privy: internal error at {place}{}{what}. Please report it; unsaved edits are offered back at the next start.",
            if what.is_empty() { "" } else { ": " }
        );
    }));
}
