//! SIP transports: UDP datagrams and TCP streams. They read bytes, hand
//! them to the driver, and write what the driver gives them. Nothing here
//! decides what to answer.

pub mod driver;
pub mod tcp;
pub mod udp;

use std::net::{IpAddr, SocketAddr};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Never send to broadcast, multicast or unspecified addresses, whatever a
/// message claims (RFC 4475 §3.3.10). The transaction layer refuses them
/// too; this is the last gate before the socket.
pub fn may_send_to(dest: &SocketAddr) -> bool {
    let ip_ok = match dest.ip() {
        IpAddr::V4(a) => !(a.is_broadcast() || a.is_multicast() || a.is_unspecified()),
        IpAddr::V6(a) => !(a.is_multicast() || a.is_unspecified()),
    };
    ip_ok && dest.port() != 0
}

/// Logs a message in or out when the SIP trace is on.
pub fn trace(on: bool, direction: &str, peer: &SocketAddr, transport: &str, bytes: &[u8]) {
    if on {
        tracing::info!(target: "sip", "{direction} {transport} {peer}\n{}", String::from_utf8_lossy(bytes));
    }
}
