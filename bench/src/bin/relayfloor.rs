//! The least a userspace media relay can do, as a yardstick for
//! bench/media/run: what the kernel alone costs per relayed packet on
//! this machine, which no relay that reads and writes through sockets goes
//! below.
//!
//!   relayfloor --calls N --first-port P --side-a ADDRESS --side-b ADDRESS
//!
//! It binds two UDP sockets per call on 127.0.0.1, ports P, P+1, … (call
//! `c` has P+2c toward the caller and P+2c+1 toward the callee), prints
//! `ready`, and from then on forwards every packet out of the other socket
//! of its call, to where that socket last heard from (symmetric RTP, as a
//! relay for phones behind NAT must); until a socket has heard anything,
//! to its side's ADDRESS, as an SDP would have said. Like Switchboard's relay it waits in
//! one edge-triggered epoll and reads a ready socket with recvmmsg, up to
//! 8 packets a call; unlike it, it has no RTCP sockets, no orders, no
//! timers, no recording and no checks: nothing but the system calls.
//! It runs until killed.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;

const SLOTS: usize = 8;
const PACKET: usize = 2048;

fn main() {
    if let Err(e) = run() {
        eprintln!("relayfloor: {e}");
        std::process::exit(1);
    }
}

fn run() -> io::Result<()> {
    let (calls, first_port, sides) = parse_args(std::env::args().skip(1).collect())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let sockets = (0..calls * 2)
        .map(|i| {
            let port = u16::try_from(usize::from(first_port) + i)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "ports past 65535"))?;
            let s = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))?;
            s.set_nonblocking(true)?;
            Ok(s)
        })
        .collect::<io::Result<Vec<_>>>()?;
    // SAFETY: plain system calls on descriptors this process owns.
    let epoll = unsafe { libc::epoll_create1(0) };
    if epoll < 0 {
        return Err(io::Error::last_os_error());
    }
    for (i, s) in sockets.iter().enumerate() {
        let mut event = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLET) as u32,
            u64: i as u64,
        };
        // SAFETY: as above; `event` lives for the call.
        if unsafe { libc::epoll_ctl(epoll, libc::EPOLL_CTL_ADD, s.as_raw_fd(), &mut event) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    println!("ready");
    let mut heard: Vec<libc::sockaddr_in> =
        (0..sockets.len()).map(|i| name(sides[i % 2])).collect();
    let mut bufs = vec![[0u8; PACKET]; SLOTS];
    // SAFETY: sockaddr_in, epoll_event and mmsghdr are plain old data.
    let mut names: [libc::sockaddr_in; SLOTS] = unsafe { zeroed() };
    let mut events: [libc::epoll_event; 256] = unsafe { zeroed() };
    loop {
        // SAFETY: `events` has room for the 256 asked for.
        let ready = unsafe { libc::epoll_wait(epoll, events.as_mut_ptr(), 256, -1) };
        if ready < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for event in &events[..ready as usize] {
            let i = event.u64 as usize;
            loop {
                let mut iovecs: [libc::iovec; SLOTS] = std::array::from_fn(|k| libc::iovec {
                    iov_base: bufs[k].as_mut_ptr().cast(),
                    iov_len: PACKET,
                });
                // SAFETY: plain old data.
                let mut headers: [libc::mmsghdr; SLOTS] = unsafe { zeroed() };
                for (k, h) in headers.iter_mut().enumerate() {
                    h.msg_hdr.msg_name = (&mut names[k] as *mut libc::sockaddr_in).cast();
                    h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_in>() as libc::socklen_t;
                    h.msg_hdr.msg_iov = &mut iovecs[k];
                    h.msg_hdr.msg_iovlen = 1;
                }
                // SAFETY: every header points at a buffer, iovec and name
                // alive for the call, of the sizes given.
                let n = unsafe {
                    libc::recvmmsg(
                        sockets[i].as_raw_fd(),
                        headers.as_mut_ptr(),
                        SLOTS as libc::c_uint,
                        libc::MSG_DONTWAIT,
                        std::ptr::null_mut(),
                    )
                };
                if n <= 0 {
                    break;
                }
                let other = i ^ 1;
                for (k, h) in headers.iter().enumerate().take(n as usize) {
                    heard[i] = names[k];
                    let to = &heard[other];
                    // SAFETY: a buffer of at least msg_len bytes and a
                    // sockaddr_in of its size.
                    unsafe {
                        libc::sendto(
                            sockets[other].as_raw_fd(),
                            bufs[k].as_ptr().cast(),
                            h.msg_len as usize,
                            0,
                            (to as *const libc::sockaddr_in).cast(),
                            size_of::<libc::sockaddr_in>() as libc::socklen_t,
                        )
                    };
                }
                if (n as usize) < SLOTS {
                    break;
                }
            }
        }
    }
}

fn name(address: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: address.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*address.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

type Args = (usize, u16, [SocketAddrV4; 2]);

fn parse_args(args: Vec<String>) -> Result<Args, String> {
    let (mut calls, mut first_port, mut a, mut b) = (None, None, None, None);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--calls" => calls = Some(value.parse().map_err(|_| format!("--calls {value}"))?),
            "--first-port" => {
                first_port = Some(value.parse().map_err(|_| format!("--first-port {value}"))?)
            }
            "--side-a" => a = Some(value.parse().map_err(|_| format!("--side-a {value}"))?),
            "--side-b" => b = Some(value.parse().map_err(|_| format!("--side-b {value}"))?),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok((
        calls.ok_or("--calls is required")?,
        first_port.ok_or("--first-port is required")?,
        [
            a.ok_or("--side-a is required")?,
            b.ok_or("--side-b is required")?,
        ],
    ))
}
