//! Splitting pure per-item work over a few scoped threads, order preserved.
//!
//! The matcher stays deterministic: every item is computed by the same function from the same
//! input, and results are concatenated in input order whatever thread finished first.

/// Below this many items the work is done on the calling thread.
pub(crate) const PARALLEL_FROM: usize = 2048;

/// `items.iter().map(f).collect()`, on up to `threads` threads.
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if items.len() < PARALLEL_FROM || threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                // A panic in the work is a bug; re-raise it on the caller's thread.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

/// `f(offset, chunk)` for up to `threads` consecutive chunks of `items`, results in input
/// order. For work that writes many small results per item: each chunk collects into a few flat
/// vectors instead of one allocation per item.
pub(crate) fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    if items.len() < PARALLEL_FROM || threads <= 1 {
        return vec![f(0, items)];
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(k, part)| s.spawn(move || f(k * chunk, part)))
            .collect();
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            match h.join() {
                Ok(r) => out.push(r),
                // A panic in the work is a bug; re-raise it on the caller's thread.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn order_is_kept_whatever_the_thread_count() {
        let items: Vec<u32> = (0..10_000).collect();
        for threads in [1, 2, 3, 8] {
            let out = super::map(&items, threads, |x| x * 2);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn chunks_cover_the_input_in_order_whatever_the_thread_count() {
        let items: Vec<u32> = (0..10_000).collect();
        for threads in [1, 2, 3, 8] {
            let parts = super::map_chunks(&items, threads, |offset, part| {
                assert_eq!(part.first().map(|&x| x as usize), Some(offset));
                part.to_vec()
            });
            assert_eq!(parts.concat(), items);
        }
    }
}
