//! The process's allocator: mimalloc. The SIP path allocates and frees
//! many small, short-lived buffers; glibc's allocator spent a sixth of the
//! registrar's CPU on them and kept freed transaction memory from being
//! reused promptly.
//!
//! mimalloc returns freed memory to the system a little after it was freed,
//! but only when the thread that freed it calls into the allocator again:
//! a thread gone quiet after a burst of calls would keep the burst's memory
//! for ever. The busy threads call [`give_back`] on their periodic rounds.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns to the system the memory this thread freed and mimalloc held
/// back (its purge delay having passed).
pub fn give_back() {
    // SAFETY: mi_collect only walks the allocator's own structures for the
    // calling thread; `false` asks for the ordinary, non-forced collection.
    unsafe { libmimalloc_sys::mi_collect(false) }
}
