//! What a deployment may tune in the transaction layer: the base timers,
//! when an INVITE server transaction sends its own 100 Trying, which
//! local broadcast addresses a response must never be sent to, and which
//! methods are answered without a transaction.

use super::timers::Timers;
use crate::method::Method;
use std::net::IpAddr;
use std::time::Duration;

/// Transaction layer settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// T1, T2 and T4.
    pub timers: Timers,
    /// How long an INVITE server transaction waits for the TU's first
    /// response before sending 100 Trying itself (RFC 3261 §17.2.1 allows
    /// skipping it when the TU answers within 200 ms, the default). Zero
    /// sends it as soon as the INVITE arrives.
    pub trying_delay: Duration,
    /// Directed broadcast addresses of the local subnets, known to the
    /// binary from its interfaces. Responses are never sent to these, nor
    /// to 255.255.255.255, unspecified or multicast addresses.
    pub broadcast: Vec<IpAddr>,
    /// Answer every request at its source port, as if it carried `rport`
    /// (RFC 3581), for phones behind NAT that do not ask. Off by default,
    /// as RFC 3261 §18.2.2 has it.
    pub force_rport: bool,
    /// Requests of these methods start no server transaction: they come
    /// out as [`Event::Stateless`](super::Event::Stateless), every
    /// retransmission again, for a TU that answers them idempotently
    /// (RFC 3261 §8.2.7). A registrar does so for REGISTER, as Kamailio
    /// does: over UDP a transaction would otherwise be kept 32 s (Timer J)
    /// for every refresh.
    pub stateless: Vec<Method>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            timers: Timers::default(),
            trying_delay: Duration::from_millis(200),
            broadcast: Vec::new(),
            force_rport: false,
            stateless: Vec::new(),
        }
    }
}
