//! Where the responses to a received request go. On receipt the top Via
//! is stamped with `received` (RFC 3261 §18.2.1) and `rport` (RFC 3581
//! §4); from the stamped Via, §18.2.2 and RFC 3581 pick the destination.
//!
//! The layer does no DNS. `received` is added whenever the sent-by is not
//! the source IP (a hostname never is), and an existing `received` or
//! `rport` is overwritten with what was observed, so a response always
//! goes back to the IP the request came from; the port comes from `rport`,
//! the sent-by, or the transport's default. Over a reliable transport the
//! response goes back to the source address (the connection). `maddr` is
//! ignored: honouring it would let a forged request aim responses at a
//! third party. With `force_rport` every request is treated as if it had
//! asked for `rport`, so phones behind NAT that do not ask still get their
//! answers at the port they sent from. Broadcast, multicast and unspecified destinations are
//! refused.

use super::top_via::edit_top_via;
use super::transport::Transport;
use crate::message::Headers;
use crate::text::Text;
use crate::uri::Host;
use crate::via::Via;
use std::net::{IpAddr, SocketAddr};

/// Adds `received` and fills `rport` in the top Via of a request that
/// arrived from `source` (`rport` even unasked with `force_rport`);
/// returns the stamped Via.
pub(crate) fn stamp_top_via(
    headers: &mut Headers,
    source: SocketAddr,
    force_rport: bool,
) -> Result<Via, &'static str> {
    let ip = source.ip().to_canonical();
    edit_top_via(headers, |via| {
        let asks_rport = force_rport || via.rport().is_some();
        if asks_rport || via.received().is_some() || host_ip(&via.host) != Some(ip) {
            via.set_param("received", Some(Text::from(ip.to_string())));
        }
        if asks_rport {
            via.set_param("rport", Some(Text::from(source.port().to_string())));
        }
    })
}

/// Where responses to a request with (stamped) top Via `via`, received
/// from `source` over `transport`, are sent. An IPv4 destination is
/// written IPv4-mapped when the request came in over IPv6 (a dual-stack
/// socket).
pub(crate) fn response_destination(
    via: &Via,
    source: SocketAddr,
    transport: Transport,
) -> SocketAddr {
    if transport.is_reliable() {
        return source;
    }
    let ip = via
        .received()
        .and_then(|r| r.trim_matches(['[', ']']).parse().ok())
        .or_else(|| host_ip(&via.host))
        .unwrap_or_else(|| source.ip());
    let ip = match ip {
        IpAddr::V4(v4) if source.is_ipv6() => IpAddr::V6(v4.to_ipv6_mapped()),
        ip => ip,
    };
    let port = via
        .rport()
        .flatten()
        .or(via.port)
        .unwrap_or_else(|| transport.default_port());
    SocketAddr::new(ip, port)
}

/// True when nothing may be sent to `addr`: a broadcast (the limited one
/// or one of `broadcast`), multicast or unspecified address, or port 0.
pub(crate) fn is_forbidden(addr: SocketAddr, broadcast: &[IpAddr]) -> bool {
    let ip = addr.ip().to_canonical();
    let limited = matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
    addr.port() == 0
        || limited
        || ip.is_unspecified()
        || ip.is_multicast()
        || broadcast.contains(&ip)
}

fn host_ip(host: &Host) -> Option<IpAddr> {
    match host {
        Host::Ipv4(a) => Some(IpAddr::V4(*a)),
        Host::Ipv6(a) => Some(IpAddr::V6(*a)),
        Host::Name(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header_name::HeaderName;

    fn stamp(via: &str, source: &str) -> (Via, Headers) {
        let mut headers = Headers::default();
        headers.push(HeaderName::Via, via);
        let v = stamp_top_via(&mut headers, source.parse().unwrap(), false).unwrap();
        (v, headers)
    }

    #[test]
    fn force_rport_answers_at_the_source_port_unasked() {
        let mut headers = Headers::default();
        headers.push(HeaderName::Via, "SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKf");
        let v = stamp_top_via(&mut headers, "198.51.100.9:40001".parse().unwrap(), true).unwrap();
        assert_eq!(v.rport(), Some(Some(40001)));
        assert_eq!(
            response_destination(&v, addr("198.51.100.9:40001"), Transport::Udp),
            addr("198.51.100.9:40001")
        );
        let (plain, _) = stamp("SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKf", "198.51.100.9:40001");
        assert_eq!(
            response_destination(&plain, addr("198.51.100.9:40001"), Transport::Udp),
            addr("198.51.100.9:5060"),
            "without it, RFC 3261 §18.2.2: the sent-by port"
        );
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn same_ip_without_rport_is_left_alone() {
        let (v, h) = stamp(
            "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKa",
            "192.0.2.1:5070",
        );
        assert_eq!(v.received(), None);
        assert_eq!(
            h.get(&HeaderName::Via).unwrap(),
            "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKa"
        );
        assert_eq!(
            response_destination(&v, addr("192.0.2.1:5070"), Transport::Udp),
            addr("192.0.2.1:5070")
        );
    }

    #[test]
    fn nat_gets_received_and_rport() {
        let (v, h) = stamp(
            "SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKa, SIP/2.0/UDP p;branch=z9hG4bKb",
            "198.51.100.7:40000",
        );
        assert_eq!(v.received().unwrap(), "198.51.100.7");
        assert_eq!(v.rport(), Some(Some(40000)));
        assert_eq!(
            h.get(&HeaderName::Via).unwrap(),
            "SIP/2.0/UDP 10.0.0.5:5060;rport=40000;branch=z9hG4bKa;received=198.51.100.7, \
             SIP/2.0/UDP p;branch=z9hG4bKb"
        );
        assert_eq!(
            response_destination(&v, addr("198.51.100.7:40000"), Transport::Udp),
            addr("198.51.100.7:40000")
        );
    }

    #[test]
    fn rport_forces_received_even_when_equal() {
        let (v, _) = stamp("SIP/2.0/UDP 192.0.2.1;rport", "192.0.2.1:5099");
        assert_eq!(v.received().unwrap(), "192.0.2.1");
        assert_eq!(v.rport(), Some(Some(5099)));
    }

    #[test]
    fn without_rport_the_sent_by_port_is_used() {
        let (v, _) = stamp("SIP/2.0/UDP 10.0.0.5:5070", "198.51.100.7:40000");
        assert_eq!(
            response_destination(&v, addr("198.51.100.7:40000"), Transport::Udp),
            addr("198.51.100.7:5070")
        );
        let (v, _) = stamp("SIP/2.0/TLS 10.0.0.5", "198.51.100.7:40000");
        assert_eq!(
            response_destination(&v, addr("198.51.100.7:40000"), Transport::Tls),
            addr("198.51.100.7:40000")
        );
    }

    #[test]
    fn hostnames_go_back_to_the_source_ip() {
        let (v, _) = stamp("SIP/2.0/UDP pc33.example.com", "192.0.2.4:6000");
        assert_eq!(v.received().unwrap(), "192.0.2.4");
        assert_eq!(
            response_destination(&v, addr("192.0.2.4:6000"), Transport::Udp),
            addr("192.0.2.4:5060")
        );
    }

    #[test]
    fn forged_received_is_overwritten() {
        let (v, _) = stamp(
            "SIP/2.0/UDP 192.0.2.1;received=255.255.255.255",
            "192.0.2.1:5060",
        );
        assert_eq!(v.received().unwrap(), "192.0.2.1");
    }

    #[test]
    fn ipv6_and_mapped_sources() {
        let (v, _) = stamp("SIP/2.0/UDP [2001:db8::1];rport", "[2001:db8::2]:7000");
        assert_eq!(v.received().unwrap(), "2001:db8::2");
        assert_eq!(
            response_destination(&v, addr("[2001:db8::2]:7000"), Transport::Udp),
            addr("[2001:db8::2]:7000")
        );
        let (v, _) = stamp("SIP/2.0/UDP 192.0.2.1", "[::ffff:192.0.2.1]:5060");
        assert_eq!(v.received(), None);
        assert_eq!(
            response_destination(&v, addr("[::ffff:192.0.2.1]:5060"), Transport::Udp),
            addr("[::ffff:192.0.2.1]:5060")
        );
    }

    #[test]
    fn broadcasts_are_forbidden() {
        let extra: [IpAddr; 1] = ["192.168.1.255".parse().unwrap()];
        for bad in [
            "255.255.255.255:5060",
            "192.168.1.255:5060",
            "224.0.1.75:5060",
            "0.0.0.0:5060",
            "192.0.2.1:0",
            "[ff02::1]:5060",
            "[::ffff:255.255.255.255]:5060",
        ] {
            assert!(is_forbidden(addr(bad), &extra), "{bad}");
        }
        assert!(!is_forbidden(addr("192.168.1.20:5060"), &extra));
    }
}
