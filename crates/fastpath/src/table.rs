//! The routes table as the relay sees it: the program's array map,
//! mapped into the relay's memory, one entry per port of the relay's
//! range. Writing an entry takes no system call; the sequence lock
//! described in [`crate::program`] keeps the program from using one half
//! written. Only the relay's media thread writes.

use crate::program::{
    ACTION, ENTRY_SIZE, FROM_ADDR, FROM_PORT, IFINDEX, NEW_ADDRS, NEW_PORTS, PACKETS, SEQ,
};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};

/// What an entry says, addresses and ports as on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub action: u32,
    pub from_addr: [u8; 4],
    pub from_port: [u8; 2],
    pub new_source: [u8; 4],
    pub new_destination: [u8; 4],
    pub new_source_port: [u8; 2],
    pub new_destination_port: [u8; 2],
    pub ifindex: u32,
}

pub struct Table {
    map: OwnedFd,
    base: *mut u8,
    len: usize,
    entries: u32,
}

// SAFETY: the mapping belongs to the table; moving it to another thread
// moves the only writer with it.
unsafe impl Send for Table {}

impl Table {
    /// A table of `entries` entries, all off.
    pub fn new(entries: u32) -> io::Result<Table> {
        let map = crate::bpf::array_map("sb_media_routes", ENTRY_SIZE, entries)?;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        let len = (ENTRY_SIZE as usize * entries as usize).div_ceil(page) * page;
        // SAFETY: a fresh shared mapping of the map, of the length the
        // kernel made it; checked for failure below.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                map.as_raw_fd(),
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Table {
            map,
            base: base.cast(),
            len,
            entries,
        })
    }

    pub fn map(&self) -> &OwnedFd {
        &self.map
    }

    fn entry(&self, index: u32) -> *mut u8 {
        assert!(index < self.entries, "entry {index} of {}", self.entries);
        // SAFETY: within the mapping, by the assertion.
        unsafe { self.base.add(index as usize * ENTRY_SIZE as usize) }
    }

    fn seq(&self, index: u32) -> &AtomicU32 {
        // SAFETY: the entry's first four bytes, aligned (entries are 8-byte
        // aligned), alive as long as the table.
        unsafe { &*self.entry(index).add(SEQ).cast::<AtomicU32>() }
    }

    /// Rewrites entry `index`.
    pub fn write(&mut self, index: u32, f: &Fields) {
        let seq = self.seq(index);
        let before = seq.load(Ordering::Relaxed);
        let odd = before | 1;
        seq.store(odd, Ordering::Relaxed);
        fence(Ordering::Release);
        let e = self.entry(index);
        // SAFETY: each write is within the entry; the program reads these
        // bytes only between two readings of an even, unchanged `seq`.
        unsafe {
            let put = |offset: usize, bytes: &[u8]| {
                for (i, b) in bytes.iter().enumerate() {
                    std::ptr::write_volatile(e.add(offset + i), *b);
                }
            };
            put(ACTION, &f.action.to_le_bytes());
            put(FROM_ADDR, &f.from_addr);
            put(FROM_PORT, &f.from_port);
            put(NEW_ADDRS, &f.new_source);
            put(NEW_ADDRS + 4, &f.new_destination);
            put(NEW_PORTS, &f.new_source_port);
            put(NEW_PORTS + 2, &f.new_destination_port);
            put(IFINDEX, &f.ifindex.to_le_bytes());
        }
        seq.store(odd.wrapping_add(1).max(2), Ordering::Release);
    }

    /// Packets the program has forwarded by entry `index`, ever.
    pub fn packets(&self, index: u32) -> u64 {
        // SAFETY: the entry's counter, 8-byte aligned, alive as long as the
        // table; the kernel changes it only atomically.
        let counter = unsafe { &*self.entry(index).add(PACKETS).cast::<AtomicU64>() };
        counter.load(Ordering::Relaxed)
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once.
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}
