//! Keep-alives on the SIP UDP port (RFC 5626 §3.5.2, §4.4.2).
//!
//! A phone behind NAT keeps its pinhole open by sending something every
//! few seconds. Over UDP, RFC 5626 says STUN: a Binding request on the
//! same port as SIP, answered with a Binding success response carrying
//! the address the request came from (XOR-MAPPED-ADDRESS, RFC 5389
//! §15.2), which also tells the phone when its NAT mapping has changed.
//! Many phones send a bare CRLF instead; that needs no answer.
//!
//! Only the Binding request is recognised, by its fixed header: first two
//! bits zero, the magic cookie, a length that matches the datagram.
//! Anything else that is not SIP falls through to the parser and its
//! errors.

use std::net::{IpAddr, SocketAddr};

const MAGIC_COOKIE: [u8; 4] = [0x21, 0x12, 0xa4, 0x42];
const BINDING_REQUEST: [u8; 2] = [0x00, 0x01];
const BINDING_SUCCESS: [u8; 2] = [0x01, 0x01];
const XOR_MAPPED_ADDRESS: [u8; 2] = [0x00, 0x20];
const HEADER: usize = 20;

/// What a datagram that is not a SIP message is.
#[derive(Debug, PartialEq, Eq)]
pub enum KeepAlive {
    /// Bare CRLFs (or NULs, or nothing): nothing to answer.
    Crlf,
    /// A STUN Binding request: this is the answer.
    Stun(Vec<u8>),
}

/// Recognises a keep-alive datagram from `source`; `None` for anything
/// else, which is then read as SIP.
pub fn recognise(datagram: &[u8], source: SocketAddr) -> Option<KeepAlive> {
    if datagram.iter().all(|&b| matches!(b, b'\r' | b'\n' | 0)) {
        return Some(KeepAlive::Crlf);
    }
    if datagram.len() < HEADER
        || datagram[0..2] != BINDING_REQUEST
        || datagram[4..8] != MAGIC_COOKIE
        || usize::from(u16::from_be_bytes([datagram[2], datagram[3]])) != datagram.len() - HEADER
    {
        return None;
    }
    let transaction_id = &datagram[8..20];
    Some(KeepAlive::Stun(binding_success(transaction_id, source)))
}

/// A Binding success response naming `source` in XOR-MAPPED-ADDRESS.
fn binding_success(transaction_id: &[u8], source: SocketAddr) -> Vec<u8> {
    let port = source.port() ^ u16::from_be_bytes([MAGIC_COOKIE[0], MAGIC_COOKIE[1]]);
    let mut value = vec![0u8];
    match source.ip() {
        IpAddr::V4(ip) => {
            value.push(0x01);
            value.extend_from_slice(&port.to_be_bytes());
            value.extend(ip.octets().iter().zip(MAGIC_COOKIE).map(|(a, k)| a ^ k));
        }
        IpAddr::V6(ip) => {
            value.push(0x02);
            value.extend_from_slice(&port.to_be_bytes());
            let key = MAGIC_COOKIE.iter().chain(transaction_id);
            value.extend(ip.octets().iter().zip(key).map(|(a, k)| a ^ k));
        }
    }
    let mut out = Vec::with_capacity(HEADER + 4 + value.len());
    out.extend_from_slice(&BINDING_SUCCESS);
    out.extend_from_slice(&(4 + value.len() as u16).to_be_bytes());
    out.extend_from_slice(&MAGIC_COOKIE);
    out.extend_from_slice(transaction_id);
    out.extend_from_slice(&XOR_MAPPED_ADDRESS);
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(&value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: [u8; 12]) -> Vec<u8> {
        let mut r = vec![0x00, 0x01, 0x00, 0x00];
        r.extend_from_slice(&MAGIC_COOKIE);
        r.extend_from_slice(&id);
        r
    }

    /// Reads the XOR-MAPPED-ADDRESS back the way a STUN client does.
    fn mapped(response: &[u8]) -> SocketAddr {
        assert_eq!(response[0..2], BINDING_SUCCESS);
        assert_eq!(response[4..8], MAGIC_COOKIE);
        let length = u16::from_be_bytes([response[2], response[3]]) as usize;
        assert_eq!(length, response.len() - HEADER);
        let attr = &response[HEADER..];
        assert_eq!(attr[0..2], XOR_MAPPED_ADDRESS);
        let value = &attr[4..];
        let port = u16::from_be_bytes([value[2], value[3]]) ^ 0x2112;
        let key: Vec<u8> = MAGIC_COOKIE
            .iter()
            .chain(&response[8..20])
            .copied()
            .collect();
        let ip: IpAddr = match value[1] {
            1 => {
                let o: [u8; 4] = std::array::from_fn(|i| value[4 + i] ^ key[i]);
                o.into()
            }
            _ => {
                let o: [u8; 16] = std::array::from_fn(|i| value[4 + i] ^ key[i]);
                o.into()
            }
        };
        SocketAddr::new(ip, port)
    }

    #[test]
    fn binding_request_is_answered_with_the_source_address() {
        for source in ["192.0.2.7:40123", "[2001:db8::9]:5062"] {
            let source: SocketAddr = source.parse().unwrap();
            let id = [7u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
            let Some(KeepAlive::Stun(answer)) = recognise(&request(id), source) else {
                panic!("not recognised")
            };
            assert_eq!(answer[8..20], id, "transaction id echoed");
            assert_eq!(mapped(&answer), source);
        }
    }

    #[test]
    fn crlf_needs_no_answer() {
        let source = "192.0.2.7:5060".parse().unwrap();
        assert_eq!(recognise(b"\r\n\r\n", source), Some(KeepAlive::Crlf));
        assert_eq!(recognise(b"", source), Some(KeepAlive::Crlf));
    }

    #[test]
    fn sip_and_malformed_stun_are_not_keepalives() {
        let source = "192.0.2.7:5060".parse().unwrap();
        assert_eq!(recognise(b"OPTIONS sip:a@b SIP/2.0\r\n\r\n", source), None);
        let mut wrong_length = request([0; 12]);
        wrong_length[3] = 8;
        assert_eq!(recognise(&wrong_length, source), None);
        let mut not_binding = request([0; 12]);
        not_binding[1] = 0x11;
        assert_eq!(recognise(&not_binding, source), None);
        let mut no_cookie = request([0; 12]);
        no_cookie[4] = 0;
        assert_eq!(recognise(&no_cookie, source), None);
    }
}
