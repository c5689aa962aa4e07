//! Switchboard's media fast path: forwarding a relayed call's RTP inside
//! the kernel.
//!
//! The relay in userspace reads each packet and sends it again: two
//! system calls, a wake-up, and the packet's way through the stack twice.
//! Once both phones of a call have been heard from and nothing in
//! Switchboard needs to see the audio (no recording, no transcoding, no
//! keys listened for, nobody on hold), the relay writes a route for each
//! direction into this crate's table, and an eBPF program at the ingress
//! of the interfaces the phones' packets arrive on rewrites and sends
//! them on in the kernel, as rtpengine's kernel module does. The relay
//! keeps its sockets; whatever the program does not take (RTCP, a packet
//! from a new address, a call being changed) still reaches them.
//!
//! The program is written in Rust as eBPF instructions ([`asm`],
//! [`program`]), loaded with the `bpf` system call ([`bpf`]) and
//! attached through TCX links (Linux 6.6 or later), which end with the
//! process. It needs `CAP_BPF` and `CAP_NET_ADMIN` (or root); where the
//! kernel refuses, [`FastPath::open`] says why and the relay works as
//! before. IPv4 only.

pub mod asm;
pub mod bpf;
pub mod program;
pub mod route;
pub mod table;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddrV4;
use std::os::fd::{AsRawFd, OwnedFd};

pub use route::{Path, Routes};

/// How a forwarded packet reaches the phone it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The phone is on this host: up the local stack.
    Local,
    /// Out of this interface, toward the phone or its next hop.
    Out(u32),
}

/// One direction of a call: packets to the relay's `port` from `from`
/// leave from `source` to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub from: SocketAddrV4,
    pub source: SocketAddrV4,
    pub to: SocketAddrV4,
    pub delivery: Delivery,
}

/// A refusal for want of privileges, said so.
fn explain(e: io::Error) -> io::Error {
    match e.raw_os_error() {
        Some(libc::EPERM) => io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the kernel allows eBPF to root, or with CAP_BPF and CAP_NET_ADMIN",
        ),
        _ => e,
    }
}

/// The loaded program, its table, and the interfaces it is attached to.
pub struct FastPath {
    table: table::Table,
    program: OwnedFd,
    links: HashMap<u32, OwnedFd>,
    first_port: u16,
    ports: u32,
}

impl FastPath {
    /// Loads the program for relay ports `first_port..=last_port`.
    pub fn open(first_port: u16, last_port: u16) -> io::Result<FastPath> {
        if last_port < first_port {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an empty port range",
            ));
        }
        let ports = u32::from(last_port - first_port) + 1;
        let table = table::Table::new(ports).map_err(explain)?;
        let code = program::forwarder(table.map().as_raw_fd(), first_port, ports);
        let program = bpf::load_tc_program("sb_media_relay", &code).map_err(explain)?;
        Ok(FastPath {
            table,
            program,
            links: HashMap::new(),
            first_port,
            ports,
        })
    }

    fn index(&self, port: u16) -> Option<u32> {
        let i = u32::from(port.checked_sub(self.first_port)?);
        (i < self.ports).then_some(i)
    }

    /// Runs the program at the ingress of interface `ifindex`, once.
    pub fn attach(&mut self, ifindex: u32) -> io::Result<()> {
        if !self.links.contains_key(&ifindex) {
            let link = bpf::attach_ingress(&self.program, ifindex).map_err(|e| {
                match e.raw_os_error() {
                    Some(libc::EINVAL) => {
                        io::Error::new(e.kind(), format!("{e}: TCX links need Linux 6.6 or later"))
                    }
                    _ => explain(e),
                }
            })?;
            self.links.insert(ifindex, link);
        }
        Ok(())
    }

    /// Forwards packets to `port` by `route` from now on. A port outside
    /// the range is left alone (false).
    pub fn set(&mut self, port: u16, route: &Route) -> bool {
        let Some(index) = self.index(port) else {
            return false;
        };
        let (action, ifindex) = match route.delivery {
            Delivery::Local => (program::ACTION_LOCAL, 0),
            Delivery::Out(ifindex) => (program::ACTION_OUT, ifindex),
        };
        self.table.write(
            index,
            &table::Fields {
                action,
                from_addr: route.from.ip().octets(),
                from_port: route.from.port().to_be_bytes(),
                new_source: route.source.ip().octets(),
                new_destination: route.to.ip().octets(),
                new_source_port: route.source.port().to_be_bytes(),
                new_destination_port: route.to.port().to_be_bytes(),
                ifindex,
            },
        );
        true
    }

    /// Leaves packets to `port` to userspace again.
    pub fn clear(&mut self, port: u16) {
        if let Some(index) = self.index(port) {
            self.table.write(index, &table::Fields::default());
        }
    }

    /// Packets forwarded for `port` since the program was loaded.
    pub fn packets(&self, port: u16) -> u64 {
        self.index(port).map_or(0, |i| self.table.packets(i))
    }

    /// What the program does with `packet` (an Ethernet frame), without
    /// sending it anywhere: its verdict and the packet as it leaves.
    pub fn try_packet(&self, packet: &[u8]) -> io::Result<(i32, Vec<u8>)> {
        bpf::test_run(&self.program, packet)
    }
}
