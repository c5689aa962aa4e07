//! The endpoint with its transaction layer, in virtual time: retransmitted
//! requests get the very same answer, CANCEL is matched to its INVITE,
//! RFC 3581 return addresses are honoured, and challenges use stateless
//! nonces that go stale.

mod support;

use bytes::Bytes;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use switchboard_engine::{Endpoint, Transmit};
use switchboard_sip::digest::{Challenge, Credentials, Scheme};
use switchboard_sip::{parse, HeaderName, Message, Response};

fn endpoint() -> Endpoint {
    Endpoint::new(support::config("pbx.test"), 42)
}

fn request(method: &str, branch: &str, extra: &str) -> Bytes {
    Bytes::from(format!(
        "{method} sip:1001@pbx.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.5:5062;branch={branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:1001@pbx.test>;tag=abc\r\n\
         To: <sip:1001@pbx.test>\r\n\
         Call-ID: call-{branch}\r\n\
         CSeq: 1 {method}\r\n\
         {extra}Content-Length: 0\r\n\r\n"
    ))
}

fn drain(ep: &mut Endpoint) -> Vec<Transmit> {
    std::iter::from_fn(|| ep.poll_transmit()).collect()
}

fn response(t: &Transmit) -> Response {
    match parse(t.bytes.clone()).unwrap() {
        Message::Response(r) => r,
        Message::Request(_) => panic!("not a response"),
    }
}

const PHONE: &str = "203.0.113.7:40000";

#[test]
fn a_retransmitted_request_gets_the_identical_answer() {
    let mut ep = endpoint();
    let t0 = Instant::now();
    let src: SocketAddr = PHONE.parse().unwrap();
    ep.handle_datagram(t0, 1000, request("OPTIONS", "z9hG4bKr1", ""), src);
    let first = drain(&mut ep);
    ep.handle_datagram(
        t0 + Duration::from_millis(500),
        1000,
        request("OPTIONS", "z9hG4bKr1", ""),
        src,
    );
    let again = drain(&mut ep);
    assert_eq!(first.len(), 1);
    assert_eq!(first, again, "same tag: the stored response is resent");
    assert_eq!(ep.transactions(), 1);
    ep.handle_timeout(t0 + Duration::from_secs(40), 1040);
    assert_eq!(ep.transactions(), 0, "Timer J ends the transaction");
}

#[test]
fn responses_follow_rport_and_received_back_to_the_source() {
    let mut ep = endpoint();
    let src: SocketAddr = PHONE.parse().unwrap();
    ep.handle_datagram(
        Instant::now(),
        1000,
        request("OPTIONS", "z9hG4bKo1", ""),
        src,
    );
    let out = drain(&mut ep);
    assert_eq!(
        out[0].destination, src,
        "behind NAT: back to where it came from"
    );
    let via = response(&out[0]).headers.top_via().unwrap();
    assert_eq!(via.received().unwrap(), "203.0.113.7");
    assert_eq!(via.rport(), Some(Some(40000)));
}

#[test]
fn cancel_without_a_matching_invite_gets_481_and_ack_gets_nothing() {
    let mut ep = endpoint();
    let src: SocketAddr = PHONE.parse().unwrap();
    let now = Instant::now();
    ep.handle_datagram(now, 1000, request("CANCEL", "z9hG4bKc1", ""), src);
    assert_eq!(response(&drain(&mut ep)[0]).code, 481);
    ep.handle_datagram(now, 1000, request("ACK", "z9hG4bKa1", ""), src);
    assert!(drain(&mut ep).is_empty());
}

#[test]
fn cancel_matching_an_invite_gets_200() {
    let mut ep = endpoint();
    let src: SocketAddr = PHONE.parse().unwrap();
    let now = Instant::now();
    ep.handle_datagram(now, 1000, request("INVITE", "z9hG4bKi1", ""), src);
    assert_eq!(response(&drain(&mut ep)[0]).code, 407);
    ep.handle_datagram(now, 1000, request("CANCEL", "z9hG4bKi1", ""), src);
    assert_eq!(response(&drain(&mut ep)[0]).code, 200);
}

#[test]
fn invite_challenge_is_retransmitted_until_acked() {
    let mut ep = endpoint();
    let src: SocketAddr = PHONE.parse().unwrap();
    let t0 = Instant::now();
    ep.handle_datagram(t0, 1000, request("INVITE", "z9hG4bKi2", ""), src);
    let first = drain(&mut ep);
    ep.handle_timeout(t0 + Duration::from_millis(500), 1000);
    assert_eq!(drain(&mut ep), first, "Timer G resends the 407");
    ep.handle_datagram(
        t0 + Duration::from_millis(600),
        1000,
        request("ACK", "z9hG4bKi2", ""),
        src,
    );
    ep.handle_timeout(t0 + Duration::from_secs(2), 1002);
    assert!(
        drain(&mut ep).is_empty(),
        "the ACK stopped the retransmissions"
    );
}

#[test]
fn challenges_offer_sha256_then_md5_and_old_nonces_are_stale() {
    let mut ep = endpoint();
    let src: SocketAddr = PHONE.parse().unwrap();
    let now = Instant::now();
    ep.handle_datagram(now, 1000, request("REGISTER", "z9hG4bKs1", ""), src);
    let r = response(&drain(&mut ep)[0]);
    assert_eq!(r.code, 401);
    let challenges: Vec<Challenge> = r
        .headers
        .get_all(&HeaderName::WwwAuthenticate)
        .map(|v| match Challenge::parse(v).unwrap() {
            Scheme::Digest(c) => c,
            Scheme::Other(_) => panic!("not digest"),
        })
        .collect();
    assert_eq!(challenges.len(), 2);
    assert_eq!(challenges[0].algorithm.to_string(), "SHA-256");
    assert_eq!(challenges[1].algorithm.to_string(), "MD5");
    assert!(!challenges[0].stale);

    let creds = Credentials::answer(
        &challenges[0],
        "1001",
        "secret",
        "REGISTER",
        "sip:pbx.test",
        b"",
        "cn",
        1,
    );
    let auth = format!("Authorization: {creds}\r\n");
    ep.handle_datagram(
        now,
        1000 + 301,
        request("REGISTER", "z9hG4bKs2", &auth),
        src,
    );
    let r = response(&drain(&mut ep)[0]);
    assert_eq!(r.code, 401);
    let stale = r.headers.get(&HeaderName::WwwAuthenticate).unwrap();
    assert!(stale.contains("stale=true"), "{stale}");
}

/// badbranch.dat's branch is the bare cookie: it identifies nothing, so
/// two different requests carrying it must be two transactions (matched by
/// RFC 2543 rules), while a retransmission still matches its own.
#[test]
fn a_bare_magic_cookie_branch_is_matched_by_rfc2543_rules() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../conformance/rfc4475/badbranch.dat"
    );
    let first_request = String::from_utf8(std::fs::read(path).unwrap()).unwrap();
    let other_request = first_request.replace("Call-ID: badbranch.", "Call-ID: other.");
    assert_ne!(first_request, other_request);
    let mut ep = endpoint();
    let src: SocketAddr = PHONE.parse().unwrap();
    let t0 = Instant::now();

    ep.handle_datagram(t0, 1000, Bytes::from(first_request.clone()), src);
    let first = drain(&mut ep);
    assert_eq!(response(&first[0]).code, 200);
    ep.handle_datagram(
        t0 + Duration::from_millis(500),
        1000,
        Bytes::from(first_request),
        src,
    );
    assert_eq!(
        drain(&mut ep),
        first,
        "the retransmission matched the same transaction"
    );

    ep.handle_datagram(
        t0 + Duration::from_millis(600),
        1000,
        Bytes::from(other_request),
        src,
    );
    let second = drain(&mut ep);
    assert_eq!(second.len(), 1);
    let call_id = response(&second[0]).headers.call_id().unwrap().clone();
    assert!(
        call_id.starts_with("other."),
        "answered as the first request: {call_id}"
    );
    assert_eq!(ep.transactions(), 2);
}
