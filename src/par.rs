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

/// `items.iter().enumerate().map(..).collect()` on every core (at most 8),
/// each thread pulling the next item when done with one (items of very
/// different cost, such as the features of a file, keep every core busy)
/// and keeping its own state made by `init` (a scratch, a pool's view).
/// The result is in the order of `items`. A panic in `f` is passed on.
pub fn map_pulled<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores.clamp(1, 8).min(items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut state = init();
        let mut done: Vec<(usize, R)> = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                break;
            };
            done.push((i, f(&mut state, i, item)));
        }
        done
    };
    let mut parts: Vec<(usize, R)> = if threads > 1 {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    } else {
        work()
    };
    parts.sort_by_key(|(i, _)| *i);
    parts.into_iter().map(|(_, r)| r).collect()
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
    fn pulled_work_comes_back_in_order_with_state_per_thread() {
        let items: Vec<u64> = (0..500).collect();
        // Uneven costs; each thread counts what it did in its own state.
        let out = map_pulled(
            &items,
            || 0u64,
            |done, i, &x| {
                *done += 1;
                if x % 50 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                (i as u64, x * 2, *done)
            },
        );
        assert_eq!(out.len(), 500);
        assert!(
            out.iter()
                .enumerate()
                .all(|(i, &(j, y, _))| j == i as u64 && y == 2 * i as u64)
        );
        assert!(out.iter().all(|&(_, _, n)| n >= 1));
        assert!(map_pulled(&[] as &[u32], || (), |_, _, &x| x).is_empty());
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
