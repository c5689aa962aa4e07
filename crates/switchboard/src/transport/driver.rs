//! The driver: one task that owns the engine's endpoint, feeds it what the
//! transports receive, runs its timers, and routes what it sends — UDP to
//! the socket, TCP to the connection for that peer (the one the request
//! came in on).
//!
//! One task means the endpoint needs no lock; transports talk to it over a
//! bounded channel. When the driver falls behind, UDP datagrams are dropped
//! (as the kernel would drop them from a full socket buffer) and TCP
//! readers wait, which pushes back on the sender; a TCP peer that does not
//! read its answers loses them rather than growing a queue.

use super::{may_send_to, now_unix, trace};
use crate::guard::{self, SecurityChange};
use crate::metrics::Metrics;
use crate::registrar::{self, AccountChange, BindingsReport};
use bytes::Bytes;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use switchboard_engine::{Alarm, Endpoint, Notice, Transport};
use switchboard_sip::{Message, ParseError};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// What transports tell the driver.
pub enum Inbound {
    Datagram {
        bytes: Bytes,
        source: SocketAddr,
    },
    Stream {
        message: Result<Message, ParseError>,
        source: SocketAddr,
    },
    Connected {
        peer: SocketAddr,
        writer: mpsc::Sender<Bytes>,
    },
    Disconnected {
        peer: SocketAddr,
    },
    /// An extension's credentials changed.
    Account(AccountChange),
    /// A ban, or the allow and block lists, changed.
    Security(SecurityChange),
}

/// Handle for transports to reach the driver.
pub type DriverTx = mpsc::Sender<Inbound>;

/// Messages waiting for the driver before UDP starts dropping.
pub const QUEUE: usize = 4096;

/// Answers waiting for one TCP peer before further ones are dropped.
pub const PEER_QUEUE: usize = 256;

/// Runs the driver until every sender is gone. Registration changes go to
/// `registrations`, to be kept; the guard's alarms to `alarms`; the
/// endpoint's counters to `metrics`.
pub async fn run(
    mut endpoint: Endpoint,
    mut rx: mpsc::Receiver<Inbound>,
    udp: Option<Arc<UdpSocket>>,
    registrations: mpsc::UnboundedSender<BindingsReport>,
    alarms: mpsc::UnboundedSender<Alarm>,
    metrics: Metrics,
    sip_trace: bool,
) {
    let mut connections: HashMap<SocketAddr, mpsc::Sender<Bytes>> = HashMap::new();
    loop {
        let deadline = endpoint.poll_timeout();
        let inbound = tokio::select! {
            m = rx.recv() => match m {
                Some(m) => Some(m),
                None => return,
            },
            _ = sleep_until(deadline), if deadline.is_some() => None,
        };
        let now = Instant::now();
        match inbound {
            None => endpoint.handle_timeout(now, now_unix()),
            Some(Inbound::Datagram { bytes, source }) => {
                trace(sip_trace, "recv", &source, "udp", &bytes);
                endpoint.handle_datagram(now, now_unix(), bytes, source);
            }
            Some(Inbound::Stream { message, source }) => {
                if let (true, Ok(m)) = (sip_trace, &message) {
                    trace(true, "recv", &source, "tcp", &m.to_bytes());
                }
                endpoint.handle_message(now, now_unix(), message, source, Transport::Tcp);
            }
            Some(Inbound::Connected { peer, writer }) => {
                connections.insert(peer, writer);
            }
            Some(Inbound::Disconnected { peer }) => {
                connections.remove(&peer);
            }
            Some(Inbound::Account(change)) => registrar::apply(&mut endpoint, change),
            Some(Inbound::Security(change)) => guard::apply(&mut endpoint, change),
        }
        metrics.set(endpoint.counters());
        while let Some(notice) = endpoint.poll_notice() {
            match notice {
                Notice::Bindings {
                    extension,
                    bindings,
                    changed,
                } => {
                    let _ = registrations.send(BindingsReport {
                        extension,
                        bindings,
                        changed,
                    });
                }
                Notice::AuthenticationFailed { source, user } => {
                    tracing::info!(target: "security", "authentication failed for {user:?} from {source}");
                }
                Notice::Security(alarm) => {
                    let _ = alarms.send(alarm);
                }
            }
        }
        while let Some(t) = endpoint.poll_transmit() {
            if !may_send_to(&t.destination) {
                tracing::warn!("refusing to send to {}", t.destination);
                continue;
            }
            match t.transport {
                Transport::Udp => {
                    let Some(socket) = &udp else { continue };
                    trace(sip_trace, "send", &t.destination, "udp", &t.bytes);
                    if let Err(e) = socket.try_send_to(&t.bytes, t.destination) {
                        tracing::debug!("udp send to {}: {e}", t.destination);
                    }
                }
                _ => match connections.get(&t.destination) {
                    Some(writer) => {
                        trace(sip_trace, "send", &t.destination, "tcp", &t.bytes);
                        if writer.try_send(t.bytes).is_err() {
                            tracing::debug!("tcp {} is not reading; answer dropped", t.destination);
                        }
                    }
                    None => tracing::debug!("no connection to {} any more", t.destination),
                },
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(d) = deadline {
        tokio::time::sleep_until(d.into()).await;
    }
}
