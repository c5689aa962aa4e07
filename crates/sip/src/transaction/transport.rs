//! The transport a message travels over, as far as transactions care:
//! whether it is reliable (no retransmissions, zero wait timers) and which
//! port a response goes to when the Via names none.

/// A SIP transport (RFC 3261 §18, RFC 7118 for WebSocket).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
    Sctp,
    Ws,
    Wss,
}

impl Transport {
    /// True for every transport but UDP: the transport delivers in order
    /// or reports failure, so transactions do not retransmit.
    pub fn is_reliable(self) -> bool {
        self != Transport::Udp
    }

    /// The name a Via gives it (`UDP`, `TCP`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Sctp => "SCTP",
            Transport::Ws => "WS",
            Transport::Wss => "WSS",
        }
    }

    /// The port a Via sent-by without one implies (RFC 3261 §18.2.2).
    pub fn default_port(self) -> u16 {
        match self {
            Transport::Tls | Transport::Wss => 5061,
            _ => 5060,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_udp_is_unreliable() {
        assert!(!Transport::Udp.is_reliable());
        assert!(Transport::Tcp.is_reliable());
        assert_eq!(Transport::Tls.default_port(), 5061);
        assert_eq!(Transport::Udp.default_port(), 5060);
    }
}
