//! The media thread's use of the kernel fast path
//! ([`switchboard_fastpath`]): which of a call's two directions the
//! kernel carries, kept up to date as the call changes.
//!
//! A direction is given to the kernel when both phones have been heard
//! from (so their real addresses are known) over IPv4, and nothing in
//! Switchboard needs the audio: no recording, no transcoding, no keys
//! listened for, no music on hold. Whenever that changes (a phone heard
//! from a new address, an order of the engine's) the call is steered
//! again, and its routes are cleared before its sockets close. Packets the
//! kernel forwarded never reach the media thread, so its silence check
//! and packet count read the routes' counters instead. The calls it
//! carries are steered again every half minute too, so a route or
//! interface that changed under them is followed.

use std::collections::HashSet;
use std::io;
use std::net::{IpAddr, SocketAddr, SocketAddrV4};
use switchboard_fastpath::{Delivery, FastPath, Route, Routes};

/// The fast path, and how to find the way to a phone.
pub struct Kernel {
    fast: FastPath,
    routes: Routes,
    /// The address the relay's sockets are bound to (unspecified: any).
    bind: IpAddr,
    /// Interfaces the program could not be attached to (said once).
    refused: HashSet<u32>,
}

/// One call's routes in the kernel, by the side whose packets they carry
/// (0 the caller), and their counters when last read.
#[derive(Default)]
pub(super) struct Steering {
    routes: [Option<Route>; 2],
    counted: [u64; 2],
    /// Carried by routes since taken out, not yet reported.
    uncounted: u64,
}

impl Steering {
    /// Whether the kernel carries any of the call.
    pub(super) fn carried(&self) -> bool {
        self.routes.iter().any(Option::is_some)
    }
}

impl Kernel {
    /// Loads the fast path for the relay's ports `first..=last`, on
    /// sockets bound to `bind`.
    pub fn start(bind: IpAddr, first: u16, last: u16) -> io::Result<Kernel> {
        if bind.is_ipv6() && !bind.is_unspecified() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the relay's address is IPv6; the fast path carries IPv4",
            ));
        }
        Ok(Kernel {
            fast: FastPath::open(first, last)?,
            routes: Routes::open()?,
            bind,
            refused: HashSet::new(),
        })
    }

    /// Brings a call's routes to what it needs now. `ports` are the
    /// relay's RTP ports toward each phone, `phones` where each was last
    /// heard from (none before it was), `plain` whether nothing needs to
    /// see its audio.
    pub(super) fn steer(
        &mut self,
        ports: [u16; 2],
        phones: [Option<SocketAddr>; 2],
        plain: bool,
        steering: &mut Steering,
    ) {
        for from in 0..2 {
            let wanted = if plain {
                match self.route(ports, phones, from) {
                    Ok(route) => route,
                    // No answer about the way: what stands stays.
                    Err(()) => continue,
                }
            } else {
                None
            };
            if wanted == steering.routes[from] {
                continue;
            }
            match wanted {
                Some(route) => {
                    if steering.routes[from].is_none() {
                        steering.counted[from] = self.fast.packets(ports[from]);
                    }
                    self.fast.set(ports[from], &route);
                }
                None => {
                    self.fast.clear(ports[from]);
                    let now = self.fast.packets(ports[from]);
                    steering.uncounted += now.wrapping_sub(steering.counted[from]);
                }
            }
            steering.routes[from] = wanted;
        }
    }

    /// The route for packets from side `from`, when the kernel can carry
    /// them; an error when the way to a phone could not be asked.
    fn route(
        &mut self,
        ports: [u16; 2],
        phones: [Option<SocketAddr>; 2],
        from: usize,
    ) -> Result<Option<Route>, ()> {
        let v4 = |a: Option<SocketAddr>| match a {
            Some(SocketAddr::V4(a)) => Some(a),
            _ => None,
        };
        let (Some(sender), Some(receiver)) = (v4(phones[from]), v4(phones[1 - from])) else {
            return Ok(None);
        };
        let (Some(back), Some(there)) = (self.path(*sender.ip())?, self.path(*receiver.ip())?)
        else {
            return Ok(None);
        };
        let delivery = match (there.local, back.local) {
            (false, _) => Delivery::Out(there.ifindex),
            (true, true) => Delivery::Local,
            // A packet from outside for a phone on this host would look
            // like a forged local address to the stack: userspace it is.
            (true, false) => return Ok(None),
        };
        let source = match self.bind {
            IpAddr::V4(a) if !a.is_unspecified() => a,
            _ => there.source,
        };
        if self.refused.contains(&back.ifindex) {
            return Ok(None);
        }
        if let Err(e) = self.fast.attach(back.ifindex) {
            tracing::warn!(
                "media fast path: not on interface {} ({e}); its calls stay in userspace",
                back.ifindex
            );
            self.refused.insert(back.ifindex);
            return Ok(None);
        }
        Ok(Some(Route {
            from: sender,
            source: SocketAddrV4::new(source, ports[1 - from]),
            to: receiver,
            delivery,
        }))
    }

    fn path(&mut self, to: std::net::Ipv4Addr) -> Result<Option<switchboard_fastpath::Path>, ()> {
        self.routes.path(to).map_err(|e| {
            tracing::warn!("media fast path: the way to {to}: {e}");
        })
    }

    /// Packets the kernel carried for the call since the last look.
    pub(super) fn forwarded(&self, ports: [u16; 2], steering: &mut Steering) -> u64 {
        let mut total = std::mem::take(&mut steering.uncounted);
        let sides = ports
            .iter()
            .zip(&steering.routes)
            .zip(&mut steering.counted);
        for ((&port, route), counted) in sides {
            if route.is_some() {
                let now = self.fast.packets(port);
                total += now.wrapping_sub(*counted);
                *counted = now;
            }
        }
        total
    }

    /// Takes the call's routes out of the kernel; returns the packets it
    /// carried since the last look.
    pub(super) fn release(&mut self, ports: [u16; 2], steering: &mut Steering) -> u64 {
        for (&port, route) in ports.iter().zip(&steering.routes) {
            if route.is_some() {
                self.fast.clear(port);
            }
        }
        let total = self.forwarded(ports, steering);
        steering.routes = [None, None];
        total
    }
}
