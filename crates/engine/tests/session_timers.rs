//! Session timers (RFC 4028) through the endpoint, in virtual time: a
//! caller that promised to refresh and vanished is hung up before its
//! interval runs out; one that refreshes keeps its call; a callee that
//! stops answering Switchboard's refreshes ends the call; an interval
//! below 90 s gets 422.

mod support;

use bytes::Bytes;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use support::phones::{md5_challenge, request, response};
use switchboard_engine::{Endpoint, Notice};
use switchboard_sip::digest::Credentials;
use switchboard_sip::{parse, HeaderName, Message, Request, Response};

const REALM: &str = "pbx.test";
const SECRET: &str = "Correct-Horse-42";
const SDP: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

fn caller() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 10], 5060))
}

fn callee() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 20], 5060))
}

/// The endpoint, its clock, and what it sent.
struct World {
    ep: Endpoint,
    now: Instant,
    unix: u64,
}

impl World {
    fn new() -> World {
        let mut ep = Endpoint::new(support::config(REALM), 9);
        ep.set_account("1001", "1001", SECRET, true);
        ep.set_account("1002", "1002", SECRET, true);
        World {
            ep,
            now: Instant::now(),
            unix: 1_000_000,
        }
    }

    /// Delivers `text` from `from`; returns what the endpoint sent, each
    /// with where to.
    fn deliver(&mut self, from: SocketAddr, text: &str) -> Vec<(SocketAddr, Message)> {
        self.ep
            .handle_datagram(self.now, self.unix, Bytes::from(text.to_owned()), from);
        self.sent()
    }

    fn sent(&mut self) -> Vec<(SocketAddr, Message)> {
        std::iter::from_fn(|| self.ep.poll_transmit())
            .map(|t| (t.destination, parse(t.bytes).unwrap()))
            .collect()
    }

    /// Lets `secs` seconds pass, a second at a time; what was sent.
    fn wait(&mut self, secs: u64) -> Vec<(SocketAddr, Message)> {
        let mut out = Vec::new();
        for _ in 0..secs {
            self.now += Duration::from_secs(1);
            self.unix += 1;
            self.ep.handle_timeout(self.now, self.unix);
            out.extend(self.sent());
        }
        out
    }

    fn ended(&mut self) -> Option<(String, String)> {
        std::iter::from_fn(|| self.ep.poll_notice()).find_map(|n| match n {
            Notice::CallEnded(r) => Some((r.hangup_cause, r.hangup_side)),
            _ => None,
        })
    }
}

fn register_callee(w: &mut World) {
    let register = |auth: &str| {
        format!(
            "REGISTER sip:{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-r{n}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:1002@{REALM}>;tag=r\r\nTo: <sip:1002@{REALM}>\r\n\
             Call-ID: reg\r\nCSeq: {n} REGISTER\r\nContact: <sip:1002@{src}>\r\n{auth}\
             Content-Length: 0\r\n\r\n",
            src = callee(),
            n = auth.len(),
        )
    };
    let sent = w.deliver(callee(), &register(""));
    let challenge = md5_challenge(response(&sent[0].1), &HeaderName::WwwAuthenticate);
    let answer = Credentials::answer(
        &challenge,
        "1002",
        SECRET,
        "REGISTER",
        &format!("sip:{REALM}"),
        b"",
        "c0ffee",
        1,
    );
    let sent = w.deliver(callee(), &register(&format!("Authorization: {answer}\r\n")));
    assert_eq!(response(&sent[0].1).code, 200);
}

fn invite(cseq: u32, session: &str, auth: &str) -> String {
    format!(
        "INVITE sip:1002@{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-i{cseq}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:1001@{REALM}>;tag=caller\r\nTo: <sip:1002@{REALM}>\r\n\
         Call-ID: call-1\r\nCSeq: {cseq} INVITE\r\nContact: <sip:1001@{src}>\r\n{session}{auth}\
         Content-Type: application/sdp\r\nContent-Length: {len}\r\n\r\n{SDP}",
        src = caller(),
        len = SDP.len(),
    )
}

/// 1002 registers and 1001 calls it with `session` headers, answering
/// the 407; what the endpoint sent then.
fn call(w: &mut World, session: &str) -> Vec<(SocketAddr, Message)> {
    register_callee(w);
    let sent = w.deliver(caller(), &invite(1, session, ""));
    let challenge = response(&sent[0].1);
    assert_eq!(challenge.code, 407);
    let challenge = md5_challenge(challenge, &HeaderName::ProxyAuthenticate);
    w.deliver(
        caller(),
        &format!(
            "ACK sip:1002@{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-i1\r\n\
             Max-Forwards: 70\r\nFrom: <sip:1001@{REALM}>;tag=caller\r\n\
             To: <sip:1002@{REALM}>;tag={tag}\r\nCall-ID: call-1\r\nCSeq: 1 ACK\r\n\
             Content-Length: 0\r\n\r\n",
            src = caller(),
            tag = response(&sent[0].1).headers.to().unwrap().tag().unwrap(),
        ),
    );
    let auth = Credentials::answer(
        &challenge,
        "1001",
        SECRET,
        "INVITE",
        &format!("sip:1002@{REALM}"),
        b"",
        "c0ffee",
        1,
    );
    w.deliver(
        caller(),
        &invite(2, session, &format!("Proxy-Authorization: {auth}\r\n")),
    )
}

/// [`call`], and 1002 answers with `answer` headers. Returns the 2xx the
/// caller got and the callee's INVITE.
fn answered_call(w: &mut World, session: &str, answer: &str) -> (Response, Request) {
    let sent = call(w, session);
    let to_callee = sent
        .iter()
        .find(|(to, m)| *to == callee() && matches!(m, Message::Request(_)))
        .map(|(_, m)| request(m).clone())
        .expect("the callee's phone is rung");
    let h = &to_callee.headers;
    let ok = format!(
        "SIP/2.0 200 OK\r\nVia: {via}\r\nFrom: {from}\r\nTo: {to};tag=callee\r\n\
         Call-ID: {call_id}\r\nCSeq: {cseq}\r\nContact: <sip:1002@{src}>\r\n{answer}\
         Content-Type: application/sdp\r\nContent-Length: {len}\r\n\r\n{SDP}",
        via = h.get(&HeaderName::Via).unwrap(),
        from = h.get(&HeaderName::From).unwrap(),
        to = h.get(&HeaderName::To).unwrap(),
        call_id = h.get(&HeaderName::CallId).unwrap(),
        cseq = h.get(&HeaderName::CSeq).unwrap(),
        src = callee(),
        len = SDP.len(),
    );
    let sent = w.deliver(callee(), &ok);
    let to_caller = sent
        .iter()
        .filter(|(to, _)| *to == caller())
        .map(|(_, m)| response(m).clone())
        .find(|r| r.code == 200)
        .expect("the caller gets the answer");
    (to_caller, to_callee)
}

fn byes(sent: &[(SocketAddr, Message)]) -> Vec<SocketAddr> {
    let mut to: Vec<SocketAddr> = sent
        .iter()
        .filter(|(_, m)| matches!(m, Message::Request(r) if r.method.as_str() == "BYE"))
        .map(|(to, _)| *to)
        .collect();
    to.sort();
    to.dedup();
    to
}

#[test]
fn a_caller_that_promised_to_refresh_and_vanished_is_hung_up() {
    let mut w = World::new();
    let (ok, to_callee) = answered_call(
        &mut w,
        "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n",
        "",
    );
    assert_eq!(
        ok.headers.get(&HeaderName::SessionExpires),
        Some("90;refresher=uac")
    );
    assert_eq!(ok.headers.get(&HeaderName::Require), Some("timer"));
    assert!(to_callee
        .headers
        .get(&HeaderName::SessionExpires)
        .is_some_and(|v| v.starts_with("1800")));

    // RFC 4028 §10: ended at 90 − 30 s, not before.
    assert!(byes(&w.wait(59)).is_empty());
    assert_eq!(byes(&w.wait(2)), [caller(), callee()]);
    assert_eq!(
        w.ended(),
        Some(("session expired".to_owned(), "caller".to_owned()))
    );
}

#[test]
fn a_refresh_from_the_caller_keeps_the_call() {
    let mut w = World::new();
    let (ok, _) = answered_call(
        &mut w,
        "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n",
        "",
    );
    w.wait(40);
    let tag = ok.headers.to().unwrap().tag().unwrap().to_string();
    let refresh = format!(
        "UPDATE sip:switchboard@{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-u1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:1001@{REALM}>;tag=caller\r\nTo: <sip:1002@{REALM}>;tag={tag}\r\n\
         Call-ID: call-1\r\nCSeq: 3 UPDATE\r\nSession-Expires: 90;refresher=uac\r\n\
         Content-Length: 0\r\n\r\n",
        src = caller(),
    );
    let sent = w.deliver(caller(), &refresh);
    let answer = response(&sent[0].1);
    assert_eq!(answer.code, 200);
    assert_eq!(
        answer.headers.get(&HeaderName::SessionExpires),
        Some("90;refresher=uac")
    );
    assert!(byes(&w.wait(59)).is_empty(), "refreshed at 40 s");
    assert_eq!(byes(&w.wait(2)), [caller(), callee()]);
}

#[test]
fn a_callee_that_stops_answering_refreshes_ends_the_call() {
    let mut w = World::new();
    // No timer support at all on either phone: Switchboard refreshes both
    // legs, every 900 s.
    answered_call(&mut w, "", "");
    let sent = w.wait(900);
    let refreshes: Vec<SocketAddr> = sent
        .iter()
        .filter(|(_, m)| matches!(m, Message::Request(r) if r.method.as_str() == "INVITE"))
        .map(|(to, _)| *to)
        .collect();
    assert!(refreshes.contains(&callee()), "{refreshes:?}");
    assert!(byes(&sent).is_empty());
    // Neither phone answers: Timer B (32 s) runs out.
    let sent = w.wait(40);
    assert!(!byes(&sent).is_empty());
    let (cause, _) = w.ended().expect("the call ended");
    assert_eq!(cause, "session refresh failed (408)");
}

#[test]
fn an_interval_below_90_seconds_gets_422() {
    let mut w = World::new();
    let sent = call(&mut w, "Session-Expires: 60\r\n");
    let r = response(&sent[0].1);
    assert_eq!(r.code, 422);
    assert_eq!(r.headers.get(&HeaderName::MinSe), Some("90"));
}
