//! The `bpf(2)` system call, for the few commands the fast path needs:
//! create a map, load a program (with the verifier's log on refusal),
//! attach it to an interface's ingress as a TCX link, and run it on a
//! packet without a network (`BPF_PROG_TEST_RUN`), for tests. Each
//! command's attributes are laid out as `union bpf_attr` in
//! `linux/bpf.h`; the fields not set stay zero, as the kernel requires.

use std::ffi::CString;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

const MAP_CREATE: u32 = 0;
const PROG_LOAD: u32 = 5;
const PROG_TEST_RUN: u32 = 10;
const LINK_CREATE: u32 = 28;

const MAP_TYPE_ARRAY: u32 = 2;
/// The map's values can be mapped into the process's memory.
const F_MMAPABLE: u32 = 1 << 10;
const PROG_TYPE_SCHED_CLS: u32 = 3;
/// `BPF_TCX_INGRESS` of `enum bpf_attach_type` (Linux 6.6 and later).
const TCX_INGRESS: u32 = 46;

/// Room for the attributes of any command here (the kernel accepts a
/// shorter union than its own as long as the rest would be zero).
type Attr = [u64; 16];

fn put_u32(attr: &mut Attr, offset: usize, value: u32) {
    let word = &mut attr[offset / 8];
    let shift = (offset % 8) * 8;
    *word = (*word & !(0xffff_ffffu64 << shift)) | (u64::from(value) << shift);
}

fn put_u64(attr: &mut Attr, offset: usize, value: u64) {
    attr[offset / 8] = value;
}

fn get_u32(attr: &Attr, offset: usize) -> u32 {
    (attr[offset / 8] >> ((offset % 8) * 8)) as u32
}

fn bpf(cmd: u32, attr: &mut Attr) -> io::Result<i64> {
    // SAFETY: `attr` is a live, writable buffer of the size passed; every
    // pointer stored in it refers to memory the caller keeps alive for the
    // call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr.as_mut_ptr(),
            std::mem::size_of::<Attr>(),
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn fd(r: i64) -> OwnedFd {
    // SAFETY: the kernel just returned this descriptor to us; nothing else
    // owns it.
    unsafe { OwnedFd::from_raw_fd(r as i32) }
}

/// An array map of `entries` values of `value_size` bytes, keyed by
/// index, that the process can map into its memory.
pub fn array_map(name: &str, value_size: u32, entries: u32) -> io::Result<OwnedFd> {
    let mut attr = Attr::default();
    put_u32(&mut attr, 0, MAP_TYPE_ARRAY);
    put_u32(&mut attr, 4, 4);
    put_u32(&mut attr, 8, value_size);
    put_u32(&mut attr, 12, entries);
    put_u32(&mut attr, 16, F_MMAPABLE);
    put_name(&mut attr, 28, name);
    bpf(MAP_CREATE, &mut attr).map(fd)
}

/// Loads a traffic-control program; a refusal carries the verifier's log.
pub fn load_tc_program(name: &str, code: &[u8]) -> io::Result<OwnedFd> {
    let license = CString::new("GPL").expect("no NUL");
    let mut log = vec![0u8; 64 * 1024];
    let mut attr = Attr::default();
    put_u32(&mut attr, 0, PROG_TYPE_SCHED_CLS);
    put_u32(&mut attr, 4, (code.len() / 8) as u32);
    put_u64(&mut attr, 8, code.as_ptr() as u64);
    put_u64(&mut attr, 16, license.as_ptr() as u64);
    put_name(&mut attr, 48, name);
    match bpf(PROG_LOAD, &mut attr) {
        Ok(r) => Ok(fd(r)),
        Err(e)
            if e.raw_os_error() == Some(libc::EACCES) || e.raw_os_error() == Some(libc::EINVAL) =>
        {
            // Again with the log, which says why.
            put_u32(&mut attr, 24, 1);
            put_u32(&mut attr, 28, log.len() as u32);
            put_u64(&mut attr, 32, log.as_mut_ptr() as u64);
            match bpf(PROG_LOAD, &mut attr) {
                Ok(r) => Ok(fd(r)),
                Err(again) => {
                    let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
                    let text = String::from_utf8_lossy(&log[..end]);
                    let tail: Vec<&str> = text.lines().rev().take(12).collect();
                    let tail: Vec<&str> = tail.into_iter().rev().collect();
                    Err(io::Error::new(
                        again.kind(),
                        format!(
                            "the kernel refused the program ({again}): {}",
                            tail.join(" | ")
                        ),
                    ))
                }
            }
        }
        Err(e) => Err(e),
    }
}

/// Attaches `program` to the ingress of interface `ifindex`; the link
/// lasts as long as the returned descriptor (and so ends with the
/// process).
pub fn attach_ingress(program: &OwnedFd, ifindex: u32) -> io::Result<OwnedFd> {
    use std::os::fd::AsRawFd;
    let mut attr = Attr::default();
    put_u32(&mut attr, 0, program.as_raw_fd() as u32);
    put_u32(&mut attr, 4, ifindex);
    put_u32(&mut attr, 8, TCX_INGRESS);
    bpf(LINK_CREATE, &mut attr).map(fd)
}

/// What the program did with one packet: its return code and the packet
/// as it left.
pub fn test_run(program: &OwnedFd, packet: &[u8]) -> io::Result<(i32, Vec<u8>)> {
    use std::os::fd::AsRawFd;
    let mut out = vec![0u8; packet.len() + 256];
    let mut attr = Attr::default();
    put_u32(&mut attr, 0, program.as_raw_fd() as u32);
    put_u32(&mut attr, 8, packet.len() as u32);
    put_u32(&mut attr, 12, out.len() as u32);
    put_u64(&mut attr, 16, packet.as_ptr() as u64);
    put_u64(&mut attr, 24, out.as_mut_ptr() as u64);
    put_u32(&mut attr, 32, 1);
    bpf(PROG_TEST_RUN, &mut attr)?;
    out.truncate(get_u32(&attr, 12) as usize);
    Ok((get_u32(&attr, 4) as i32, out))
}

/// An object's name: at most 15 bytes, the rest zero.
fn put_name(attr: &mut Attr, offset: usize, name: &str) {
    let bytes = name.as_bytes();
    let mut padded = [0u8; 16];
    let n = bytes.len().min(15);
    padded[..n].copy_from_slice(&bytes[..n]);
    for (i, chunk) in padded.chunks(4).enumerate() {
        put_u32(
            attr,
            offset + i * 4,
            u32::from_le_bytes(chunk.try_into().expect("4 bytes")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_land_at_their_offsets() {
        let mut attr = Attr::default();
        put_u32(&mut attr, 4, 0xaabb_ccdd);
        put_u32(&mut attr, 0, 1);
        put_u64(&mut attr, 8, 7);
        assert_eq!(attr[0], 0xaabb_ccdd_0000_0001);
        assert_eq!(get_u32(&attr, 4), 0xaabb_ccdd);
        assert_eq!(attr[1], 7);
    }

    #[test]
    fn names_are_cut_to_fifteen_bytes() {
        let mut attr = Attr::default();
        put_name(&mut attr, 48, "switchboard_media_relay");
        let bytes: Vec<u8> = attr.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(&bytes[48..64], b"switchboard_med\0");
    }
}
