//! Phones talking to an endpoint in virtual time: each a number, a
//! secret and an address; requests written as text, digest challenges
//! answered, and what the endpoint sent back collected.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use bytes::Bytes;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use switchboard_engine::{Endpoint, Notice};
use switchboard_sip::digest::{Algorithm, Challenge, Credentials, Scheme};
use switchboard_sip::{parse, HeaderName, Message, Request, Response};

pub const REALM: &str = "pbx.test";
pub const SECRET: &str = "Correct-Horse-42";
pub const SDP: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/// The address of extension `number`'s phone: 192.0.2.N0 for 100N.
pub fn phone(number: &str) -> SocketAddr {
    let n: u8 = number[number.len() - 1..].parse().unwrap();
    SocketAddr::from(([192, 0, 2, n * 10], 5060))
}

/// The endpoint, its clock, and what it reported.
pub struct World {
    pub ep: Endpoint,
    pub now: Instant,
    pub unix: u64,
    seq: u32,
}

impl World {
    /// An endpoint with extensions `numbers`, all with [`SECRET`].
    pub fn new(numbers: &[&str]) -> World {
        let mut ep = Endpoint::new(super::config(REALM), 11);
        for n in numbers {
            ep.set_account(n, n, SECRET, true);
        }
        World {
            ep,
            now: Instant::now(),
            unix: 1_000_000,
            seq: 0,
        }
    }

    /// Delivers `text` from `from`; what the endpoint sent, each with where to.
    pub fn deliver(&mut self, from: SocketAddr, text: &str) -> Vec<(SocketAddr, Message)> {
        self.ep
            .handle_datagram(self.now, self.unix, Bytes::from(text.to_owned()), from);
        self.sent()
    }

    pub fn sent(&mut self) -> Vec<(SocketAddr, Message)> {
        std::iter::from_fn(|| self.ep.poll_transmit())
            .map(|t| (t.destination, parse(t.bytes).unwrap()))
            .collect()
    }

    /// Lets `secs` seconds pass, a second at a time; what was sent.
    pub fn wait(&mut self, secs: u64) -> Vec<(SocketAddr, Message)> {
        let mut out = Vec::new();
        for _ in 0..secs {
            self.now += Duration::from_secs(1);
            self.unix += 1;
            self.ep.handle_timeout(self.now, self.unix);
            out.extend(self.sent());
        }
        out
    }

    pub fn notices(&mut self) -> Vec<Notice> {
        std::iter::from_fn(|| self.ep.poll_notice()).collect()
    }

    /// Sends a request of `number`'s phone made by `make` (given its CSeq
    /// and the credentials header, empty at first), answering one digest
    /// challenge; what the endpoint sent after the credentials.
    pub fn authenticated(
        &mut self,
        number: &str,
        method: &str,
        uri: &str,
        make: impl Fn(u32, &str) -> String,
    ) -> Vec<(SocketAddr, Message)> {
        self.seq += 2;
        let first = self.seq;
        let sent = self.deliver(phone(number), &make(first, ""));
        let (_, challenge) = sent
            .iter()
            .find(|(_, m)| matches!(m, Message::Response(r) if r.code == 401 || r.code == 407))
            .unwrap_or_else(|| panic!("no challenge: {sent:?}"));
        let challenge = response(challenge);
        let (asked, header) = if challenge.code == 401 {
            (HeaderName::WwwAuthenticate, "Authorization")
        } else {
            (HeaderName::ProxyAuthenticate, "Proxy-Authorization")
        };
        let c = md5_challenge(challenge, &asked);
        if method == "INVITE" {
            // A final answer to an INVITE is acknowledged, or it comes again.
            let invite = make(first, "");
            let line = |name: &str| {
                invite
                    .lines()
                    .find(|l| l.starts_with(name))
                    .unwrap_or_default()
                    .to_owned()
            };
            let to = challenge.headers.get(&HeaderName::To).unwrap();
            let ack = format!(
                "ACK {uri} SIP/2.0\r\n{via}\r\nMax-Forwards: 70\r\n{from}\r\nTo: {to}\r\n\
                 {call_id}\r\nCSeq: {first} ACK\r\nContent-Length: 0\r\n\r\n",
                via = line("Via:"),
                from = line("From:"),
                call_id = line("Call-ID:"),
            );
            self.deliver(phone(number), &ack);
        }
        let body = make(first, "");
        let body = body.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let answer = Credentials::answer(
            &c,
            number,
            SECRET,
            method,
            uri,
            body.as_bytes(),
            "c0ffee",
            1,
        );
        self.deliver(
            phone(number),
            &make(first + 1, &format!("{header}: {answer}\r\n")),
        )
    }

    /// Extension `number`'s phone registers for an hour.
    pub fn register(&mut self, number: &str) {
        let src = phone(number);
        let sent = self.authenticated(number, "REGISTER", &format!("sip:{REALM}"), |n, auth| {
            format!(
                "REGISTER sip:{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-r{n}\r\n\
                 Max-Forwards: 70\r\nFrom: <sip:{number}@{REALM}>;tag=r{number}\r\n\
                 To: <sip:{number}@{REALM}>\r\nCall-ID: reg-{number}\r\nCSeq: {n} REGISTER\r\n\
                 Contact: <sip:{number}@{src}>\r\nExpires: 3600\r\n{auth}Content-Length: 0\r\n\r\n"
            )
        });
        assert_eq!(response(&sent[0].1).code, 200, "{sent:?}");
    }

    /// `from` calls `to` (an extension or a code); what the endpoint sent
    /// after the credentials.
    pub fn call(&mut self, from: &str, to: &str) -> Vec<(SocketAddr, Message)> {
        let src = phone(from);
        let uri = format!("sip:{to}@{REALM}");
        self.authenticated(from, "INVITE", &uri, |n, auth| {
            format!(
                "INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-i{n}\r\n\
                 Max-Forwards: 70\r\nFrom: <sip:{from}@{REALM}>;tag=c{from}\r\nTo: <{uri}>\r\n\
                 Call-ID: call-{from}-{to}\r\nCSeq: {n} INVITE\r\nContact: <sip:{from}@{src}>\r\n\
                 {auth}Content-Type: application/sdp\r\nContent-Length: {len}\r\n\r\n{SDP}",
                len = SDP.len()
            )
        })
    }
}

pub fn response(m: &Message) -> &Response {
    match m {
        Message::Response(r) => r,
        Message::Request(_) => panic!("a request: {m:?}"),
    }
}

pub fn request(m: &Message) -> &Request {
    match m {
        Message::Request(r) => r,
        Message::Response(_) => panic!("a response: {m:?}"),
    }
}

/// The requests in `sent` going to `to`.
pub fn requests_to(sent: &[(SocketAddr, Message)], to: SocketAddr) -> Vec<&Request> {
    sent.iter()
        .filter(|(d, _)| *d == to)
        .filter_map(|(_, m)| match m {
            Message::Request(r) => Some(r),
            Message::Response(_) => None,
        })
        .collect()
}

/// The final responses in `sent` going to `to`.
pub fn finals_to(sent: &[(SocketAddr, Message)], to: SocketAddr) -> Vec<&Response> {
    sent.iter()
        .filter(|(d, _)| *d == to)
        .filter_map(|(_, m)| match m {
            Message::Response(r) if r.code >= 200 => Some(r),
            _ => None,
        })
        .collect()
}

/// The answer a phone gives to `req`: `code`, with its tag.
pub fn answer(req: &Request, code: u16, reason: &str) -> String {
    let h = &req.headers;
    let to = h.get(&HeaderName::To).unwrap();
    let to = if to.contains("tag=") {
        to.to_string()
    } else {
        format!("{to};tag=phone")
    };
    format!(
        "SIP/2.0 {code} {reason}\r\nVia: {via}\r\nFrom: {from}\r\nTo: {to}\r\n\
         Call-ID: {call_id}\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n",
        via = h.get(&HeaderName::Via).unwrap(),
        from = h.get(&HeaderName::From).unwrap(),
        call_id = h.get(&HeaderName::CallId).unwrap(),
        cseq = h.get(&HeaderName::CSeq).unwrap(),
    )
}

/// The MD5 challenge of a 401 or 407.
pub fn md5_challenge(r: &Response, name: &HeaderName) -> Challenge {
    r.headers
        .get_all(name)
        .map(|v| match Challenge::parse(v).unwrap() {
            Scheme::Digest(c) => c,
            Scheme::Other(_) => panic!("not digest"),
        })
        .find(|c| c.algorithm == Algorithm::Md5)
        .expect("an MD5 challenge")
}
