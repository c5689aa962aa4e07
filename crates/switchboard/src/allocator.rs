//! The process's allocator: mimalloc. The SIP path allocates and frees
//! many small, short-lived buffers; glibc's allocator spent a sixth of the
//! registrar's CPU on them and kept freed transaction memory from being
//! reused promptly.
//!
//! mimalloc returns freed memory to the system a little after it was freed,
//! but only when the thread that freed it calls into the allocator again:
//! a thread gone quiet after a burst of calls would keep the burst's memory
//! for ever. The busy threads call [`give_back`] on their periodic rounds,
//! and the runtime's workers as they go idle.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns to the system the memory this thread freed and mimalloc held
/// back (its purge delay having passed).
pub fn give_back() {
    // SAFETY: mi_collect only walks the allocator's own structures for the
    // calling thread; `false` asks for the ordinary, non-forced collection.
    unsafe { libmimalloc_sys::mi_collect(false) }
}

/// [`give_back`], at most once a second on each thread: for hooks that
/// run often, such as a runtime worker going idle.
pub fn give_back_now_and_then() {
    use std::cell::Cell;
    use std::time::{Duration, Instant};
    thread_local! {
        static LAST: Cell<Option<Instant>> = const { Cell::new(None) };
    }
    let now = Instant::now();
    LAST.with(|last| {
        if last
            .get()
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            last.set(Some(now));
            give_back();
        }
    });
}
