//! The media relay: carries each call's RTP and RTCP between the two
//! phones, through ports of Switchboard's, so media works whatever NAT
//! either phone is behind and every call's audio passes one place.
//!
//! The engine decides the ports and says where each phone's SDP asks to
//! receive ([`MediaOrder`]). Each port pair is bound the moment the engine
//! picks it ([`Relay::reserve`]), so a port another program holds is
//! never written into an SDP; a task per call takes the four sockets (RTP
//! and RTCP toward the caller, the same toward the callee) and forwards
//! what arrives on one side out of the other. Each phone's address is
//! learned from its own packets (symmetric RTP, latching), which beats
//! what its SDP said: behind NAT that address is private. A call whose
//! media has been silent for `timeout` is reported, once per silence.

use crate::metrics::Metrics;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_engine::{MediaEvent, MediaOrder, Side};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Runs the relay of every call.
pub struct Relay {
    bind: IpAddr,
    timeout: Duration,
    events: mpsc::UnboundedSender<MediaEvent>,
    metrics: Metrics,
    runtime: tokio::runtime::Handle,
    calls: HashMap<u64, mpsc::UnboundedSender<(Side, SocketAddr)>>,
    reserved: Reserved,
}

/// Port pairs bound for calls about to start: RTP port → its RTP and
/// RTCP sockets.
type Reserved = Arc<Mutex<HashMap<u16, [std::net::UdpSocket; 2]>>>;

impl Relay {
    /// A relay binding its ports on `bind`, reporting to `events`; its
    /// tasks run on `runtime` (the shared workers, not the SIP thread).
    pub fn new(
        bind: IpAddr,
        timeout: Duration,
        events: mpsc::UnboundedSender<MediaEvent>,
        metrics: Metrics,
        runtime: tokio::runtime::Handle,
    ) -> Relay {
        Relay {
            bind,
            timeout,
            events,
            metrics,
            runtime,
            calls: HashMap::new(),
            reserved: Reserved::default(),
        }
    }

    /// For the engine's port pool: binds an RTP port and the next one,
    /// holding them for the call that will use them; false when either is
    /// taken.
    pub fn reserve(&self) -> switchboard_engine::Reserve {
        let (bind, reserved) = (self.bind, self.reserved.clone());
        Box::new(move |port| {
            let mut held = reserved.lock().expect("the reservations' lock");
            if held.contains_key(&port) {
                return true;
            }
            match bind_pair(bind, port) {
                Ok(pair) => {
                    held.insert(port, pair);
                    true
                }
                Err(_) => false,
            }
        })
    }

    /// Carries out one order of the engine's.
    pub fn order(&mut self, order: MediaOrder) {
        match order {
            MediaOrder::Open {
                call,
                caller_port,
                callee_port,
                caller,
            } => {
                let (tx, rx) = mpsc::unbounded_channel();
                if let Some(peer) = caller {
                    let _ = tx.send((Side::Caller, peer));
                }
                self.calls.insert(call, tx);
                let leg = CallMedia {
                    call,
                    bind: self.bind,
                    reserved: self.reserved.clone(),
                    ports: [caller_port, callee_port],
                    timeout: self.timeout,
                    events: self.events.clone(),
                    metrics: self.metrics.clone(),
                };
                self.runtime.spawn(leg.run(rx));
            }
            MediaOrder::Peer { call, side, peer } => {
                if let Some(tx) = self.calls.get(&call) {
                    let _ = tx.send((side, peer));
                }
            }
            MediaOrder::Close { call } => {
                self.calls.remove(&call);
            }
        }
    }
}

struct CallMedia {
    call: u64,
    bind: IpAddr,
    reserved: Reserved,
    /// RTP port toward the caller, toward the callee (RTCP on the next).
    ports: [u16; 2],
    timeout: Duration,
    events: mpsc::UnboundedSender<MediaEvent>,
    metrics: Metrics,
}

/// Where one phone is: RTP and RTCP addresses, from SDP until its own
/// packets say otherwise.
#[derive(Default)]
struct Peer {
    rtp: Option<SocketAddr>,
    rtcp: Option<SocketAddr>,
    latched: bool,
}

impl CallMedia {
    async fn run(self, mut orders: mpsc::UnboundedReceiver<(Side, SocketAddr)>) {
        let sockets = match self.bind_all() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("media relay of call {:016x}: {e}", self.call);
                let _ = self.events.send(MediaEvent::Failed { call: self.call });
                return;
            }
        };
        // [caller rtp, caller rtcp, callee rtp, callee rtcp]
        let mut peers = [Peer::default(), Peer::default()];
        let mut bufs = [[0u8; 2048]; 4];
        let mut last_packet = Instant::now();
        let mut check = tokio::time::interval(
            self.timeout
                .min(Duration::from_secs(1))
                .max(Duration::from_millis(100)),
        );
        loop {
            let [b0, b1, b2, b3] = &mut bufs;
            let (index, received) = tokio::select! {
                order = orders.recv() => match order {
                    Some((side, peer)) => {
                        let p = &mut peers[side.index()];
                        if !p.latched {
                            p.rtp = Some(peer);
                            p.rtcp = Some(SocketAddr::new(peer.ip(), peer.port().wrapping_add(1)));
                        }
                        continue;
                    }
                    None => return,
                },
                _ = check.tick() => {
                    if last_packet.elapsed() >= self.timeout {
                        let _ = self.events.send(MediaEvent::Silent { call: self.call });
                        last_packet = Instant::now();
                    }
                    continue;
                }
                r = sockets[0].recv_from(b0) => (0, r),
                r = sockets[1].recv_from(b1) => (1, r),
                r = sockets[2].recv_from(b2) => (2, r),
                r = sockets[3].recv_from(b3) => (3, r),
            };
            let Ok((n, source)) = received else { continue };
            last_packet = Instant::now();
            let from_side = index / 2;
            let rtcp = index % 2 == 1;
            let me = &mut peers[from_side];
            if rtcp {
                me.rtcp = Some(source);
            } else {
                me.rtp = Some(source);
                if !me.latched {
                    me.latched = true;
                    me.rtcp
                        .get_or_insert(SocketAddr::new(source.ip(), source.port().wrapping_add(1)));
                }
            }
            let other = &peers[1 - from_side];
            let (out, to) = if rtcp {
                (&sockets[(1 - from_side) * 2 + 1], other.rtcp)
            } else {
                (&sockets[(1 - from_side) * 2], other.rtp)
            };
            if let Some(to) = to {
                if out.try_send_to(&bufs[index][..n], to).is_ok() {
                    self.metrics.relayed_packet();
                }
            }
        }
    }

    /// The call's sockets: the pairs reserved for it, or bound now.
    fn bind_all(&self) -> std::io::Result<[UdpSocket; 4]> {
        let pair = |port: u16| -> std::io::Result<[UdpSocket; 2]> {
            let held = self
                .reserved
                .lock()
                .expect("the reservations' lock")
                .remove(&port);
            let [rtp, rtcp] = match held {
                Some(pair) => pair,
                None => bind_pair(self.bind, port)?,
            };
            let tokio = |s: std::net::UdpSocket| {
                s.set_nonblocking(true)?;
                UdpSocket::from_std(s)
            };
            Ok([tokio(rtp)?, tokio(rtcp)?])
        };
        let [a, b] = self.ports;
        let ([a0, a1], [b0, b1]) = (pair(a)?, pair(b)?);
        Ok([a0, a1, b0, b1])
    }
}

/// An RTP port and the RTCP port after it.
fn bind_pair(bind: IpAddr, port: u16) -> std::io::Result<[std::net::UdpSocket; 2]> {
    let one = |port: u16| std::net::UdpSocket::bind(SocketAddr::new(bind, port));
    Ok([one(port)?, one(port.wrapping_add(1))?])
}
