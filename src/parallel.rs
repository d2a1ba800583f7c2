//! Work split over the cores in contiguous runs, results in input order.
//!
//! Reading articles, checking them and stamping corpus files are each independent per
//! item and must come out in corpus order (findings, errors and fingerprints depend on
//! it): each run goes to its own thread and the results are joined run by run.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads chosen by the program (`--threads N`); 0 = as many as the cores.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Use at most `n` threads for reading, checking and index writing (0: one per core).
/// Process-wide, like a thread pool's size: set it once, before the work starts.
pub fn set_threads(n: usize) {
    THREADS.store(n, Ordering::Relaxed);
}

/// How many threads to use, at most `cap` unless the program asked for more.
pub fn threads(cap: usize) -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, cap)),
        n => n,
    }
}

/// Split `items` into one contiguous run per core (at least `min_run` items each) and
/// map every run: the first on the calling thread with `here` (which need not be
/// `Sync`, e.g. to report progress), the others on threads of their own with `run`.
/// `run` and `here` get the run's offset in `items`. Results come in run order; a panic
/// in a thread is resumed here.
pub fn map_runs<T: Sync, R: Send>(
    items: &[T],
    min_run: usize,
    run: impl Fn(usize, &[T]) -> R + Sync,
    here: impl FnOnce(usize, &[T]) -> R,
) -> Vec<R> {
    let cores = threads(8);
    let per_run = items.len().div_ceil(cores).max(min_run.max(1));
    let mut runs = items.chunks(per_run).enumerate();
    let Some((_, first)) = runs.next() else {
        return Vec::new();
    };
    let run = &run;
    std::thread::scope(|scope| {
        let others: Vec<_> = runs
            .map(|(k, items)| scope.spawn(move || run(k * per_run, items)))
            .collect();
        let mut out = vec![here(0, first)];
        out.extend(
            others
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
        );
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_item_once_in_order() {
        let items: Vec<usize> = (0..1000).collect();
        let runs = map_runs(
            &items,
            7,
            |at, run| (at, run.to_vec(), false),
            |at, run| (at, run.to_vec(), true),
        );
        assert!(runs[0].2 && runs[1..].iter().all(|r| !r.2));
        let mut next = 0;
        for (at, run, _) in &runs {
            assert_eq!(*at, next);
            next += run.len();
        }
        let joined: Vec<usize> = runs.into_iter().flat_map(|r| r.1).collect();
        assert_eq!(joined, items);
        assert!(map_runs(&[] as &[u8], 1, |_, _| 1, |_, _| 2).is_empty());
    }
}
