use privy::cli::{Cli, EXIT_UNREADABLE, run};

/// mimalloc for the program (the library leaves the allocator to its
/// user): faster on the millions of small allocations a large file makes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    quiet_panics();
    let cli = Cli::parse_args();
    let code = match cli.command {
        Some(_) => {
            keep_freed_memory();
            run(cli)
        }
        None => open_gui(cli.file, cli.pool),
    };
    std::process::exit(code);
}

/// mimalloc's `purge_delay` (its place in `mi_option_t`, which mimalloc
/// keeps stable: retired options keep their numbers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A command runs for seconds and exits: memory it frees is kept for its
/// next allocations rather than given back to the system after mimalloc's
/// delay (a second) and zeroed again by the system when touched; that was a
/// tenth of `privy tidy` on a 5 000-rule file. The window, which runs for
/// hours, keeps the default.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's options (a plain integer it reads when
    // it next purges); no pointer is passed and nothing else is touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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
