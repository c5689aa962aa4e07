//! Which way the kernel sends to an address: one `RTM_GETROUTE` question
//! over rtnetlink. The answer says whether the address is this host's own,
//! the interface packets to it leave by, and the source address the
//! kernel would give them: what the fast path needs to send a phone's
//! packets the way the relay's own `sendto` would.

use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const RTM_NEWROUTE: u16 = 24;
const RTM_GETROUTE: u16 = 26;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 1;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_PREFSRC: u16 = 7;
const RTN_UNICAST: u8 = 1;
const RTN_LOCAL: u8 = 2;

/// The way to one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Path {
    /// The address is this host's own.
    pub local: bool,
    /// The interface packets to it leave by (the loopback for a local
    /// one).
    pub ifindex: u32,
    /// The source address the kernel gives packets to it.
    pub source: Ipv4Addr,
}

/// An rtnetlink socket for route questions.
pub struct Routes {
    socket: OwnedFd,
    seq: u32,
}

impl Routes {
    pub fn open() -> io::Result<Routes> {
        // SAFETY: a plain socket call; the result is checked.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_ROUTE,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: just created, owned by nothing else.
        let socket = unsafe { OwnedFd::from_raw_fd(fd) };
        // The kernel answers at once; a second is plenty, and the media
        // thread must not wait longer.
        let timeout = libc::timeval {
            tv_sec: 1,
            tv_usec: 0,
        };
        // SAFETY: a valid option value of the size given.
        let r = unsafe {
            libc::setsockopt(
                socket.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&timeout as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as u32,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Routes { socket, seq: 0 })
    }

    /// The way to `to`; none when the kernel has no route, or the route
    /// is of a kind the fast path does not take (blackhole, broadcast…).
    pub fn path(&mut self, to: Ipv4Addr) -> io::Result<Option<Path>> {
        self.seq = self.seq.wrapping_add(1);
        let mut request = Vec::with_capacity(36);
        request.extend_from_slice(&36u32.to_ne_bytes());
        request.extend_from_slice(&RTM_GETROUTE.to_ne_bytes());
        request.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
        request.extend_from_slice(&self.seq.to_ne_bytes());
        request.extend_from_slice(&0u32.to_ne_bytes());
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol,
        // scope, type, flags.
        request.extend_from_slice(&[libc::AF_INET as u8, 32, 0, 0, 0, 0, 0, 0]);
        request.extend_from_slice(&0u32.to_ne_bytes());
        request.extend_from_slice(&8u16.to_ne_bytes());
        request.extend_from_slice(&RTA_DST.to_ne_bytes());
        request.extend_from_slice(&to.octets());
        // SAFETY: the request buffer is alive and of the length given; the
        // kernel is the destination (a zeroed sockaddr_nl).
        let sent = unsafe {
            let mut kernel: libc::sockaddr_nl = std::mem::zeroed();
            kernel.nl_family = libc::AF_NETLINK as u16;
            libc::sendto(
                self.socket.as_raw_fd(),
                request.as_ptr().cast(),
                request.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as u32,
            )
        };
        if sent < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return self.path(to);
            }
            return Err(e);
        }
        let mut reply = [0u8; 4096];
        loop {
            // SAFETY: the buffer is alive and of the length given.
            let n = unsafe {
                libc::recv(
                    self.socket.as_raw_fd(),
                    reply.as_mut_ptr().cast(),
                    reply.len(),
                    0,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            match answer(&reply[..n as usize], self.seq)? {
                Some(answer) => return Ok(answer),
                None => continue,
            }
        }
    }
}

/// The path in a reply to question `seq`; `None` (outer) when the reply
/// answers another question.
fn answer(reply: &[u8], seq: u32) -> io::Result<Option<Option<Path>>> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "a short rtnetlink reply");
    let u16_at = |b: &[u8], at: usize| -> io::Result<u16> {
        Ok(u16::from_ne_bytes(
            b.get(at..at + 2).ok_or_else(bad)?.try_into().expect("2"),
        ))
    };
    let u32_at = |b: &[u8], at: usize| -> io::Result<u32> {
        Ok(u32::from_ne_bytes(
            b.get(at..at + 4).ok_or_else(bad)?.try_into().expect("4"),
        ))
    };
    let len = (u32_at(reply, 0)? as usize).min(reply.len());
    let kind = u16_at(reply, 4)?;
    if u32_at(reply, 8)? != seq {
        return Ok(None);
    }
    if kind == NLMSG_ERROR {
        let errno = (u32_at(reply, 16)? as i32).wrapping_neg();
        return match errno {
            0 => Ok(Some(None)),
            libc::ENETUNREACH | libc::EHOSTUNREACH | libc::EINVAL => Ok(Some(None)),
            e => Err(io::Error::from_raw_os_error(e)),
        };
    }
    if kind != RTM_NEWROUTE {
        return Ok(Some(None));
    }
    let route_type = *reply.get(16 + 7).ok_or_else(bad)?;
    let (mut ifindex, mut source) = (None, None);
    let mut at = 16 + 12;
    while at + 4 <= len {
        let attr_len = u16_at(reply, at)? as usize;
        let attr_type = u16_at(reply, at + 2)? & 0x3fff;
        if attr_len < 4 || at + attr_len > len {
            break;
        }
        let value = &reply[at + 4..at + attr_len];
        match (attr_type, value.len()) {
            (RTA_OIF, 4) => ifindex = Some(u32::from_ne_bytes(value.try_into().expect("4"))),
            (RTA_PREFSRC, 4) => {
                source = Some(Ipv4Addr::new(value[0], value[1], value[2], value[3]))
            }
            _ => {}
        }
        at += attr_len.div_ceil(4) * 4;
    }
    let local = match route_type {
        RTN_LOCAL => true,
        RTN_UNICAST => false,
        _ => return Ok(Some(None)),
    };
    Ok(Some(match (ifindex, source) {
        (Some(ifindex), Some(source)) => Some(Path {
            local,
            ifindex,
            source,
        }),
        _ => None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loopback_address_is_local() {
        let mut routes = Routes::open().expect("an rtnetlink socket");
        let path = routes
            .path(Ipv4Addr::LOCALHOST)
            .expect("a reply")
            .expect("a route to 127.0.0.1");
        assert!(path.local);
        assert_eq!(path.source, Ipv4Addr::LOCALHOST);
        let lo = std::ffi::CString::new("lo").expect("no NUL");
        // SAFETY: a NUL-terminated name.
        assert_eq!(path.ifindex, unsafe { libc::if_nametoindex(lo.as_ptr()) });
    }

    #[test]
    fn a_reply_to_another_question_is_skipped() {
        let mut reply = vec![0u8; 32];
        reply[0..4].copy_from_slice(&32u32.to_ne_bytes());
        reply[4..6].copy_from_slice(&RTM_NEWROUTE.to_ne_bytes());
        reply[8..12].copy_from_slice(&7u32.to_ne_bytes());
        assert!(answer(&reply, 8).expect("well formed").is_none());
    }

    #[test]
    fn truncated_replies_are_errors_not_panics() {
        for n in 0..16 {
            let _ = answer(&vec![0xffu8; n], 0);
        }
    }

    #[test]
    fn an_error_reply_with_any_number_is_no_panic() {
        for errno in [0u32, 1, 0x8000_0000, u32::MAX] {
            let mut reply = vec![0u8; 36];
            reply[0..4].copy_from_slice(&36u32.to_ne_bytes());
            reply[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
            reply[16..20].copy_from_slice(&errno.to_ne_bytes());
            let _ = answer(&reply, 0);
        }
    }
}
