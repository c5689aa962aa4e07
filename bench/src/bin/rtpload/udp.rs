//! The generator's sockets: nonblocking, with a large receive buffer, and
//! read in batches (recvmmsg) with the kernel's receive timestamp of each
//! packet, so a packet's arrival time is when the relay's packet reached
//! the socket, not when this thread got round to reading it.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;

/// Packets read by one system call.
pub const BATCH: usize = 64;
/// Receive buffer asked for: room for well over 100 ms of the largest load.
const RECEIVE_BUFFER: libc::c_int = 32 << 20;

pub struct Socket {
    udp: UdpSocket,
}

/// Where a batch is read into; `packet(i)` gives what was read.
pub struct Batch {
    bufs: Box<[[u8; 2048]; BATCH]>,
    names: [libc::sockaddr_in; BATCH],
    /// Ancillary data: room for one timestamp, aligned for a cmsghdr.
    controls: [[u64; 8]; BATCH],
    lens: [usize; BATCH],
    /// Arrival times, in ns since the Unix epoch (0: the kernel gave none).
    times: [u64; BATCH],
}

impl Socket {
    pub fn bind(addr: SocketAddrV4) -> io::Result<Socket> {
        let udp = UdpSocket::bind(addr)?;
        udp.set_nonblocking(true)?;
        let fd = udp.as_raw_fd();
        let set = |option, value: libc::c_int| {
            // SAFETY: a valid socket and an int option of the right size.
            let r = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    option,
                    (&value as *const libc::c_int).cast(),
                    size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if r == 0 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            }
        };
        // Past net.core.rmem_max only as root; else as much as it allows.
        set(libc::SO_RCVBUFFORCE, RECEIVE_BUFFER)
            .or_else(|_| set(libc::SO_RCVBUF, RECEIVE_BUFFER))?;
        set(libc::SO_TIMESTAMPNS, 1)?;
        Ok(Socket { udp })
    }

    pub fn send_to(&self, packet: &[u8], to: SocketAddrV4) -> io::Result<usize> {
        self.udp.send_to(packet, to)
    }

    /// Reads what is waiting, up to [`BATCH`] packets; 0 when nothing is.
    pub fn receive(&self, batch: &mut Batch) -> io::Result<usize> {
        // SAFETY: zeroed iovec and mmsghdr are valid (null pointers, 0
        // lengths); every pointer set below points into `batch`, which
        // outlives the call.
        let mut iovs: [libc::iovec; BATCH] = unsafe { zeroed() };
        let mut hdrs: [libc::mmsghdr; BATCH] = unsafe { zeroed() };
        for i in 0..BATCH {
            iovs[i].iov_base = batch.bufs[i].as_mut_ptr().cast();
            iovs[i].iov_len = batch.bufs[i].len();
            let h = &mut hdrs[i].msg_hdr;
            h.msg_name = (&mut batch.names[i] as *mut libc::sockaddr_in).cast();
            h.msg_namelen = size_of::<libc::sockaddr_in>() as libc::socklen_t;
            h.msg_iov = &mut iovs[i];
            h.msg_iovlen = 1;
            h.msg_control = batch.controls[i].as_mut_ptr().cast();
            h.msg_controllen = size_of::<[u64; 8]>();
        }
        // SAFETY: `hdrs` holds BATCH valid headers, as set up above.
        let n = unsafe {
            libc::recvmmsg(
                self.udp.as_raw_fd(),
                hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(0),
                _ => Err(e),
            };
        }
        let n = n as usize;
        for (i, h) in hdrs[..n].iter().enumerate() {
            batch.lens[i] = h.msg_len as usize;
            // SAFETY: the kernel has just filled in this header.
            batch.times[i] = unsafe { receive_time(&h.msg_hdr) };
        }
        Ok(n)
    }

    /// Packets the kernel dropped on this socket for want of buffer room
    /// (the `drops` column of its line in /proc/net/udp).
    pub fn drops(&self) -> u64 {
        let Ok(std::net::SocketAddr::V4(local)) = self.udp.local_addr() else {
            return 0;
        };
        // The address as the kernel prints it: the network-order word in
        // hex, read in the machine's byte order.
        let local = format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(local.ip().octets()),
            local.port()
        );
        std::fs::read_to_string("/proc/net/udp")
            .unwrap_or_default()
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|f| f.get(1) == Some(&local.as_str()))
            .filter_map(|f| f.last()?.parse::<u64>().ok())
            .sum()
    }
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            bufs: Box::new([[0; 2048]; BATCH]),
            // SAFETY: an all-zero sockaddr_in is valid.
            names: unsafe { zeroed() },
            controls: [[0; 8]; BATCH],
            lens: [0; BATCH],
            times: [0; BATCH],
        }
    }

    /// Packet `i` of the last read: its bytes, its source, and when it
    /// arrived (ns since the Unix epoch; 0 if the kernel gave no time).
    pub fn packet(&self, i: usize) -> (&[u8], SocketAddrV4, u64) {
        let name = &self.names[i];
        let from = SocketAddrV4::new(
            Ipv4Addr::from(u32::from_be(name.sin_addr.s_addr)),
            u16::from_be(name.sin_port),
        );
        (&self.bufs[i][..self.lens[i]], from, self.times[i])
    }
}

/// The SCM_TIMESTAMPNS of a received message, in ns; 0 without one.
///
/// # Safety
/// `h` must be a header the kernel has just filled in.
unsafe fn receive_time(h: &libc::msghdr) -> u64 {
    let mut c = libc::CMSG_FIRSTHDR(h);
    while !c.is_null() {
        if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
            let t: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
            return t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64;
        }
        c = libc::CMSG_NXTHDR(h, c);
    }
    0
}
