//! Reading a relay socket in one system call (recvmmsg): every packet
//! waiting, up to [`SLOTS`], with where each came from. Fewer than `SLOTS`
//! means the socket is empty, so the read that would only say "nothing
//! more" (a third of the relay's system calls) is not needed: the edge-
//! triggered poll reports the socket again when a packet arrives.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::AsRawFd;

/// Packets one read takes at most.
pub const SLOTS: usize = 8;
/// The largest packet relayed whole; RTP over UDP stays far below.
const PACKET: usize = 2048;

/// Where a batch is read into.
pub struct Batch {
    bufs: Box<[[u8; PACKET]; SLOTS]>,
    names: [libc::sockaddr_storage; SLOTS],
    lens: [usize; SLOTS],
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            bufs: Box::new([[0; PACKET]; SLOTS]),
            // SAFETY: sockaddr_storage is plain old data; all zeroes is valid.
            names: unsafe { zeroed() },
            lens: [0; SLOTS],
        }
    }

    /// Reads what waits on `socket`; returns how many packets came (0 when
    /// none waited).
    pub fn read(&mut self, socket: &impl AsRawFd) -> io::Result<usize> {
        let mut iovecs: [libc::iovec; SLOTS] = std::array::from_fn(|i| libc::iovec {
            iov_base: self.bufs[i].as_mut_ptr().cast(),
            iov_len: PACKET,
        });
        // SAFETY: mmsghdr is plain old data; all zeroes is valid.
        let mut headers: [libc::mmsghdr; SLOTS] = unsafe { zeroed() };
        for (i, h) in headers.iter_mut().enumerate() {
            h.msg_hdr.msg_name = (&mut self.names[i] as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_hdr.msg_iov = &mut iovecs[i];
            h.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: every header points at a buffer, an iovec and a name of
        // this batch, all alive and of the sizes given, for the call.
        let n = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                headers.as_mut_ptr(),
                SLOTS as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock => Ok(0),
                _ => Err(e),
            };
        }
        let n = n as usize;
        for (len, h) in self.lens.iter_mut().zip(&headers).take(n) {
            *len = h.msg_len as usize;
        }
        Ok(n)
    }

    /// Packet `i` of the last read, and where it came from.
    pub fn packet(&self, i: usize) -> (&[u8], Option<SocketAddr>) {
        (&self.bufs[i][..self.lens[i]], address(&self.names[i]))
    }
}

fn address(name: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match libc::c_int::from(name.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let v4 =
                unsafe { &*(name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr));
            Some(SocketAddrV4::new(ip, u16::from_be(v4.sin_port)).into())
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let v6 =
                unsafe { &*(name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(v6.sin6_addr.s6_addr);
            let port = u16::from_be(v6.sin6_port);
            Some(SocketAddrV6::new(ip, port, v6.sin6_flowinfo, v6.sin6_scope_id).into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_reads_every_waiting_packet_with_its_source() {
        let relay = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let phone = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut batch = Batch::new();
        assert_eq!(batch.read(&relay).unwrap(), 0, "nothing waits");
        for i in 0..3u8 {
            phone
                .send_to(&[i; 172], relay.local_addr().unwrap())
                .unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(batch.read(&relay).unwrap(), 3);
        for i in 0..3 {
            let (packet, from) = batch.packet(i);
            assert_eq!(packet, &[i as u8; 172][..]);
            assert_eq!(from, Some(phone.local_addr().unwrap()));
        }
        for _ in 0..SLOTS + 2 {
            phone.send_to(b"x", relay.local_addr().unwrap()).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(batch.read(&relay).unwrap(), SLOTS, "a full batch");
        assert_eq!(batch.read(&relay).unwrap(), 2, "then the rest");
    }
}
