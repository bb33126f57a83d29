//! Mapping a slice on every core, in order. Loading a large file builds and
//! checks thousands of rules and groups that do not depend on each other;
//! split among the cores, that work takes a fraction of the time. Small
//! inputs stay on the calling thread: a thread costs more than it saves.

/// How many threads the work of loading and compiling may use: chosen by
/// the size of the work, or exactly `n` (tests hold split work to the work
/// done on one thread with it, on any machine). Results never depend on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Threads {
    #[default]
    Auto,
    Exactly(usize),
}

impl Threads {
    /// The threads for work of `bytes` bytes of text.
    pub fn for_bytes(self, bytes: usize) -> usize {
        match self {
            Threads::Auto => threads_for(bytes),
            Threads::Exactly(n) => n.max(1),
        }
    }
}

/// How many threads to use for work of `bytes` bytes of text: one below
/// [`WORTH_A_THREAD`] bytes per thread, at most one per core (and 8).
pub fn threads_for(bytes: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores.clamp(1, 8).min(bytes / WORTH_A_THREAD).max(1)
}

/// Below this much text per thread, one thread is faster.
pub const WORTH_A_THREAD: usize = 256 * 1024;

/// `items.iter().enumerate().map(f).collect()`, with the slice split into
/// `threads` contiguous parts mapped at once. The result is in the order of
/// `items`, whatever the number of threads. A panic in `f` is passed on.
pub fn map<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, t)| f(c * chunk + i, t))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_split_gives_the_same_result_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let one = map(&items, 1, |i, &x| (i, x * 3));
        for threads in [2, 3, 7, 64, 5000] {
            assert_eq!(map(&items, threads, |i, &x| (i, x * 3)), one, "{threads}");
        }
        assert_eq!(one[999], (999, 2997));
        assert!(map(&[] as &[u32], 4, |_, &x| x).is_empty());
    }

    #[test]
    fn small_work_stays_on_one_thread() {
        assert_eq!(threads_for(0), 1);
        assert_eq!(threads_for(WORTH_A_THREAD - 1), 1);
        // Large work: a thread per share of the work, at most one per core
        // (and 8).
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(threads_for(100 * WORTH_A_THREAD), cores.clamp(1, 8));
        assert_eq!(threads_for(2 * WORTH_A_THREAD), cores.clamp(1, 8).min(2));
    }
}
