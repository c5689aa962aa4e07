//! Trunks: the providers that carry calls to and from the phone network,
//! as the service layer defined them and the binary resolved them (the
//! address to send to, and ours as the provider sees it). What the engine
//! keeps of each: whether its registration holds and whether it answers
//! OPTIONS, which decide whether outbound calls may use it.
//!
//! Also the outbound rules (which dialled numbers leave through which
//! trunks, rewritten how, by whom, with which caller ID), the DIDs (which
//! public number goes where), and the capacity plan (how many external
//! calls run at once).

pub mod rules;

pub use rules::{CallerId, Dialled, OutboundRule, Refusal};

use crate::call::plan::Target;
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_sip::transaction::Transport;

/// A trunk, ready to use.
#[derive(Clone, Debug)]
pub struct Trunk {
    pub name: String,
    /// Where its SIP goes; none while its host does not resolve.
    pub peer: Option<SocketAddr>,
    pub transport: Transport,
    /// The host in its URIs (`sip.example.net`, `192.0.2.1:5080`).
    pub domain: String,
    /// Our `host:port` as the provider reaches us (Via, Contact).
    pub local: String,
    pub username: Option<String>,
    pub auth_username: Option<String>,
    pub password: Option<String>,
    /// Register, asking for this many seconds.
    pub register: Option<u32>,
    /// Addresses its calls come from (a port, when given, must match too).
    pub allowed: Vec<(IpNet, Option<u16>)>,
    /// Calls at once (none: no limit of its own).
    pub channels: Option<u32>,
    /// Codecs offered to it, preferred first (empty: the server's).
    pub codecs: Vec<String>,
    pub send_pai: bool,
    pub send_rpid: bool,
    /// Read the DID from To instead of the Request-URI.
    pub called_from_to: bool,
    pub main_number: Option<String>,
    /// Asked for each inbound caller's name (`{number}`: the caller's).
    pub caller_name_url: Option<String>,
    /// Where calls to a number no DID lists go.
    pub unknown_did: Target,
    /// Ask it with OPTIONS; unanswered twice, it is down.
    pub qualify: bool,
}

impl Trunk {
    /// Whether a message from `source` (over `transport`) is this
    /// trunk's. Over TCP the provider may open its own connections, from
    /// any port of its address.
    pub fn sent(&self, source: SocketAddr, transport: Transport) -> bool {
        let from_peer = match (self.peer, self.transport) {
            (Some(peer), Transport::Tcp) => transport == Transport::Tcp && peer.ip() == source.ip(),
            (peer, _) => peer == Some(source),
        };
        from_peer
            || self.allowed.iter().any(|(net, port)| {
                net.contains(&source.ip()) && port.is_none_or(|p| p == source.port())
            })
    }

    /// The digest user name.
    pub fn auth_user(&self) -> Option<&str> {
        self.auth_username.as_deref().or(self.username.as_deref())
    }
}

/// The DIDs: the destination of a public number, if any lists it.
pub type Dids = Arc<dyn Fn(&str) -> Option<Target> + Send + Sync>;

/// The phone network as the engine routes through it.
#[derive(Clone, Default)]
pub struct Network {
    pub trunks: Vec<Trunk>,
    /// Emergency rules first, then by priority.
    pub rules: Vec<OutboundRule>,
    pub dids: Option<Dids>,
    /// External calls allowed at once (none: unlimited).
    pub capacity: Option<u32>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("trunks", &self.trunks)
            .field("rules", &self.rules)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl Network {
    pub fn trunk(&self, name: &str) -> Option<&Trunk> {
        self.trunks.iter().find(|t| t.name == name)
    }

    /// The trunk a message from `source` (over `transport`) comes from.
    pub fn trunk_at(&self, source: SocketAddr, transport: Transport) -> Option<&Trunk> {
        self.trunks.iter().find(|t| t.sent(source, transport))
    }

    /// Where a call from `trunk` to public number `did` goes.
    pub fn did_target(&self, trunk: &Trunk, did: &str) -> Target {
        self.dids
            .as_ref()
            .and_then(|d| d(did))
            .unwrap_or_else(|| trunk.unknown_did.clone())
    }
}

/// How a trunk stands, as outbound calls see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrunkState {
    /// `registered`, `registering`, `failed` or `not_registering`.
    pub registration: &'static str,
    /// Answers OPTIONS (none: not asked yet, or not qualified).
    pub reachable: Option<bool>,
    /// The last failure, in words.
    pub detail: Option<String>,
}

impl TrunkState {
    /// Whether outbound calls may use it.
    pub fn up(&self) -> bool {
        self.registration != "failed" && self.reachable != Some(false)
    }
}

/// The states of every trunk, by name.
pub type States = HashMap<String, TrunkState>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trunk_is_down_when_its_registration_failed_or_it_stopped_answering() {
        let state = |registration, reachable| TrunkState {
            registration,
            reachable,
            detail: None,
        };
        assert!(state("registered", Some(true)).up());
        assert!(state("not_registering", None).up());
        assert!(state("registering", None).up());
        assert!(!state("failed", Some(true)).up());
        assert!(!state("registered", Some(false)).up());
    }

    #[test]
    fn over_tcp_any_port_of_the_providers_address_is_the_trunks() {
        let trunk = |transport| Trunk {
            name: "t".into(),
            peer: Some("198.51.100.1:5060".parse().unwrap()),
            transport,
            domain: "198.51.100.1".into(),
            local: "192.0.2.1:5060".into(),
            username: None,
            auth_username: None,
            password: None,
            register: None,
            allowed: vec![("203.0.113.0/24".parse().unwrap(), None)],
            channels: None,
            codecs: Vec::new(),
            send_pai: false,
            send_rpid: false,
            called_from_to: false,
            main_number: None,
            caller_name_url: None,
            unknown_did: Target::HangUp,
            qualify: false,
        };
        let other_port: SocketAddr = "198.51.100.1:40000".parse().unwrap();
        assert!(!trunk(Transport::Udp).sent(other_port, Transport::Udp));
        assert!(trunk(Transport::Tcp).sent(other_port, Transport::Tcp));
        assert!(!trunk(Transport::Tcp).sent(other_port, Transport::Udp));
        let listed: SocketAddr = "203.0.113.7:5060".parse().unwrap();
        assert!(trunk(Transport::Udp).sent(listed, Transport::Udp));
    }
}
