//! SIP transports: UDP datagrams and TCP streams, feeding the engine and
//! sending what it returns. Nothing here decides what to answer.

pub mod tcp;
pub mod udp;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use switchboard_engine::Endpoint;

/// What every transport task shares.
#[derive(Clone)]
pub struct Shared {
    pub endpoint: Arc<Mutex<Endpoint>>,
    pub sip_trace: bool,
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Never send to broadcast, multicast or unspecified addresses, whatever a
/// message claims (RFC 4475 §3.3.10).
pub fn may_send_to(dest: &SocketAddr) -> bool {
    match dest.ip() {
        IpAddr::V4(a) => !(a.is_broadcast() || a.is_multicast() || a.is_unspecified()),
        IpAddr::V6(a) => !(a.is_multicast() || a.is_unspecified()),
    }
}

/// Logs a message in or out when the SIP trace is on.
pub fn trace(shared: &Shared, direction: &str, peer: &SocketAddr, transport: &str, bytes: &[u8]) {
    if shared.sip_trace {
        tracing::info!(target: "sip", "{direction} {transport} {peer}\n{}", String::from_utf8_lossy(bytes));
    }
}
