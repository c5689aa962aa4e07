//! Whole exchanges through the transaction layer in virtual time: timers,
//! lost and duplicated packets, retransmission absorption, CANCEL and ACK
//! matching, RFC 2543 peers, RFC 3581 and reliable transports.

use bytes::Bytes;
use proptest::prelude::*;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use switchboard_sip::transaction::{
    Config, Event, Input, Output, SendError, State, TransactionKey, TransactionLayer, Transmit,
    Transport, END_GRID,
};
use switchboard_sip::{parse, HeaderName, Message, Method, Request, Response};

const ALICE: &str = "192.0.2.10:5060";
const BOB: &str = "192.0.2.20:5060";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn ms(base: Instant, n: u64) -> Instant {
    base + Duration::from_millis(n)
}

fn layer() -> TransactionLayer {
    TransactionLayer::new(Config::default(), 7)
}

fn message(text: &str) -> Message {
    parse(Bytes::copy_from_slice(text.as_bytes())).unwrap()
}

/// A request from Alice; `via` is her top Via, `to` the To value.
fn request_with(method: &str, via: &str, to: &str, cseq: u32) -> Request {
    let text = format!(
        "{method} sip:bob@example.com SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\n\
         From: <sip:alice@example.com>;tag=a1\r\nTo: {to}\r\nCall-ID: call-1\r\n\
         CSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
    );
    match message(&text) {
        Message::Request(r) => r,
        Message::Response(_) => unreachable!(),
    }
}

fn request(method: &str, branch: &str) -> Request {
    let via = format!("SIP/2.0/UDP 192.0.2.10:5060;branch={branch}");
    request_with(method, &via, "<sip:bob@example.com>", 1)
}

fn unbranched(method: &str) -> Request {
    request_with(
        method,
        "SIP/2.0/UDP 192.0.2.10:5060",
        "<sip:bob@example.com>",
        1,
    )
}

fn received(message: impl Into<Message>, source: &str) -> Input {
    Input::Received {
        message: message.into(),
        source: addr(source),
        transport: Transport::Udp,
    }
}

fn drain(layer: &mut TransactionLayer) -> Vec<Output> {
    std::iter::from_fn(|| layer.poll_output()).collect()
}

fn transmits(outputs: &[Output]) -> Vec<&Transmit> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Transmit(t) => Some(t),
            Output::Event(_) => None,
        })
        .collect()
}

fn events(outputs: Vec<Output>) -> Vec<Event> {
    outputs
        .into_iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(e),
            Output::Transmit(_) => None,
        })
        .collect()
}

fn parsed(t: &Transmit) -> Message {
    parse(t.bytes.clone()).unwrap()
}

fn code_of(t: &Transmit) -> u16 {
    match parsed(t) {
        Message::Response(r) => r.code,
        Message::Request(r) => panic!("expected a response, got {}", r.method),
    }
}

/// Runs every timer up to `until`; returns when each output appeared, in
/// milliseconds after `base`.
fn run_until(layer: &mut TransactionLayer, base: Instant, until: Instant) -> Vec<(u64, Output)> {
    let mut seen = Vec::new();
    while let Some(at) = layer.poll_timeout().filter(|&at| at <= until) {
        layer.handle_timeout(at);
        let stamp = (at - base).as_millis() as u64;
        seen.extend(drain(layer).into_iter().map(|o| (stamp, o)));
    }
    seen
}

/// Whether a transaction that had only its end to wait for (`timer` ms
/// after the start) ended at `stamp`: no sooner, and on the first
/// boundary of the end grid after it.
fn on_end_grid(stamp: u64, timer: u64) -> bool {
    (timer..timer + END_GRID.as_millis() as u64).contains(&stamp)
}

fn transmit_times(seen: &[(u64, Output)]) -> Vec<u64> {
    seen.iter()
        .filter(|(_, o)| matches!(o, Output::Transmit(_)))
        .map(|(t, _)| *t)
        .collect()
}

/// The server key and request of the single Request event in `outputs`.
fn new_request(outputs: Vec<Output>) -> (TransactionKey, Request) {
    let mut found = events(outputs).into_iter().filter_map(|e| match e {
        Event::Request { key, request, .. } => Some((key, request)),
        _ => None,
    });
    let first = found.next().expect("a Request event");
    assert!(found.next().is_none(), "one Request event");
    first
}

#[test]
fn invite_client_timer_a_doubles_until_timer_b() {
    let base = Instant::now();
    let mut uac = layer();
    let mut invite = request("INVITE", "x");
    invite
        .headers
        .set(HeaderName::Via, "SIP/2.0/UDP 192.0.2.10:5060");
    let key = uac
        .send_request(base, invite, addr(BOB), Transport::Udp)
        .unwrap();
    let TransactionKey::Client { branch, method } = &key else {
        panic!("client key expected");
    };
    assert!(branch.starts_with("z9hG4bK"));
    assert_eq!(*method, Method::Invite);
    let first = drain(&mut uac);
    let sent = transmits(&first)[0].clone();
    assert_eq!(sent.destination, addr(BOB));
    let Message::Request(on_wire) = parsed(&sent) else {
        panic!("request expected");
    };
    assert_eq!(on_wire.headers.top_via().unwrap().branch(), Some(branch));
    assert_eq!(uac.state(&key), Some(State::Calling));

    let seen = run_until(&mut uac, base, ms(base, 60_000));
    assert_eq!(
        transmit_times(&seen),
        [500, 1_500, 3_500, 7_500, 15_500, 31_500]
    );
    let resent_as_is = seen.iter().all(|(_, o)| match o {
        Output::Transmit(t) => t.bytes == sent.bytes,
        Output::Event(_) => true,
    });
    assert!(resent_as_is);
    let tail: Vec<_> = seen
        .into_iter()
        .filter(|(_, o)| matches!(o, Output::Event(_)))
        .collect();
    assert_eq!(
        tail,
        [
            (32_000, Output::Event(Event::Timeout { key: key.clone() })),
            (32_000, Output::Event(Event::Terminated { key })),
        ]
    );
    assert!(uac.is_empty());
    assert_eq!(uac.poll_timeout(), None);
}

#[test]
fn non_invite_client_timer_e_caps_at_t2_then_timer_f() {
    let base = Instant::now();
    let mut uac = layer();
    let key = uac
        .send_request(
            base,
            request("OPTIONS", "z9hG4bKo1"),
            addr(BOB),
            Transport::Udp,
        )
        .unwrap();
    drain(&mut uac);
    let seen = run_until(&mut uac, base, ms(base, 60_000));
    assert_eq!(
        transmit_times(&seen),
        [500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    let events: Vec<_> = events(seen.into_iter().map(|(_, o)| o).collect());
    assert_eq!(
        events,
        [
            Event::Timeout { key: key.clone() },
            Event::Terminated { key }
        ]
    );
}

#[test]
fn non_invite_client_in_proceeding_retransmits_every_t2() {
    let base = Instant::now();
    let mut uac = layer();
    let options = request("OPTIONS", "z9hG4bKo2");
    let key = uac
        .send_request(base, options.clone(), addr(BOB), Transport::Udp)
        .unwrap();
    drain(&mut uac);
    uac.handle_input(
        ms(base, 100),
        received(Response::to(&options, 100, None), BOB),
    );
    assert!(matches!(
        &events(drain(&mut uac))[..],
        [Event::Response { response, .. }] if response.code == 100
    ));
    assert_eq!(uac.state(&key), Some(State::Proceeding));
    let seen = run_until(&mut uac, base, ms(base, 13_000));
    assert_eq!(transmit_times(&seen), [500, 4_500, 8_500, 12_500]);
    uac.handle_input(
        ms(base, 13_000),
        received(Response::to(&options, 200, Some("b")), BOB),
    );
    assert!(matches!(
        &events(drain(&mut uac))[..],
        [Event::Response { response, .. }] if response.code == 200
    ));
    assert_eq!(uac.state(&key), Some(State::Completed));
    uac.handle_input(
        ms(base, 13_100),
        received(Response::to(&options, 200, Some("b")), BOB),
    );
    assert!(
        drain(&mut uac).is_empty(),
        "retransmitted final is absorbed"
    );
    let seen = run_until(&mut uac, base, ms(base, 30_000));
    assert_eq!(transmit_times(&seen), Vec::<u64>::new());
    assert_eq!(seen.len(), 1, "only Terminated, after Timer K");
    assert_eq!(seen[0].0, 18_000);
    assert!(uac.is_empty());
}

#[test]
fn invite_client_acks_failures_and_absorbs_their_retransmissions() {
    let base = Instant::now();
    let mut uac = layer();
    let invite = request("INVITE", "z9hG4bKi1");
    let key = uac
        .send_request(base, invite.clone(), addr(BOB), Transport::Udp)
        .unwrap();
    drain(&mut uac);

    uac.handle_input(
        ms(base, 200),
        received(Response::to(&invite, 180, Some("b1")), BOB),
    );
    assert!(matches!(
        &events(drain(&mut uac))[..],
        [Event::Response { response, .. }] if response.code == 180
    ));
    assert_eq!(uac.state(&key), Some(State::Proceeding));
    assert_eq!(uac.poll_timeout(), None, "no Timer A or B in Proceeding");

    let busy = Response::to(&invite, 486, Some("b1"));
    uac.handle_input(ms(base, 5_000), received(busy.clone(), BOB));
    let out = drain(&mut uac);
    let sent: Vec<Transmit> = transmits(&out).into_iter().cloned().collect();
    assert_eq!(sent.len(), 1);
    let Message::Request(ack) = parsed(&sent[0]) else {
        panic!("ACK expected");
    };
    assert_eq!(ack.method, Method::Ack);
    assert_eq!(
        ack.headers.top_via().unwrap().branch().unwrap(),
        "z9hG4bKi1"
    );
    assert_eq!(ack.headers.to().unwrap().tag().unwrap(), "b1");
    assert_eq!(ack.headers.cseq().unwrap().method, Method::Ack);
    assert!(matches!(
        &events(out)[..],
        [Event::Response { response, .. }] if response.code == 486
    ));
    assert_eq!(uac.state(&key), Some(State::Completed));

    uac.handle_input(ms(base, 5_500), received(busy.clone(), BOB));
    let again = drain(&mut uac);
    assert_eq!(transmits(&again).len(), 1, "the ACK again");
    assert_eq!(transmits(&again)[0].bytes, sent[0].bytes);
    assert!(events(again).is_empty(), "not passed to the TU again");

    let seen = run_until(&mut uac, base, ms(base, 60_000));
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, 37_000, "Timer D is 32 s");
    assert!(uac.is_empty());
    uac.handle_input(ms(base, 38_000), received(busy, BOB));
    assert!(matches!(
        &events(drain(&mut uac))[..],
        [Event::StrayResponse { .. }]
    ));
}

#[test]
fn invite_client_passes_every_2xx_until_timer_m() {
    let base = Instant::now();
    let mut uac = layer();
    let invite = request("INVITE", "z9hG4bKi2");
    let key = uac
        .send_request(base, invite.clone(), addr(BOB), Transport::Udp)
        .unwrap();
    drain(&mut uac);
    let ok = Response::to(&invite, 200, Some("b2"));
    for at in [100, 600, 1_600] {
        uac.handle_input(ms(base, at), received(ok.clone(), BOB));
        let out = drain(&mut uac);
        assert!(transmits(&out).is_empty(), "the TU ACKs a 2xx");
        assert!(
            matches!(&events(out)[..], [Event::Response { response, .. }] if response.code == 200)
        );
        assert_eq!(uac.state(&key), Some(State::Accepted));
    }
    let seen = run_until(&mut uac, base, ms(base, 60_000));
    assert_eq!(transmit_times(&seen), Vec::<u64>::new());
    assert_eq!(seen.len(), 1);
    assert!(on_end_grid(seen[0].0, 32_100), "Timer M at {}", seen[0].0);
    uac.handle_input(ms(base, 40_000), received(ok, BOB));
    assert!(matches!(
        &events(drain(&mut uac))[..],
        [Event::StrayResponse { .. }]
    ));
}

#[test]
fn invite_server_sends_100_trying_after_200_ms_unless_answered() {
    let base = Instant::now();
    let mut uas = layer();
    let invite = request("INVITE", "z9hG4bKs1");
    uas.handle_input(base, received(invite.clone(), ALICE));
    let out = drain(&mut uas);
    assert!(transmits(&out).is_empty());
    let (key, _) = new_request(out);
    let seen = run_until(&mut uas, base, ms(base, 1_000));
    assert_eq!(transmit_times(&seen), [200]);
    let Output::Transmit(trying) = &seen[0].1 else {
        unreachable!()
    };
    assert_eq!(code_of(trying), 100);
    assert_eq!(trying.destination, addr(ALICE));
    uas.handle_input(ms(base, 500), received(invite.clone(), ALICE));
    let out = drain(&mut uas);
    assert_eq!(code_of(transmits(&out)[0]), 100, "retransmission answered");
    assert_eq!(events(out), []);
    assert_eq!(uas.state(&key), Some(State::Proceeding));

    let mut quick = layer();
    quick.handle_input(base, received(invite.clone(), ALICE));
    let (key, req) = new_request(drain(&mut quick));
    quick
        .send_response(ms(base, 50), &key, Response::to(&req, 180, Some("b")))
        .unwrap();
    assert_eq!(code_of(transmits(&drain(&mut quick))[0]), 180);
    assert_eq!(
        transmit_times(&run_until(&mut quick, base, ms(base, 1_000))),
        Vec::<u64>::new()
    );

    let mut eager = TransactionLayer::new(
        Config {
            trying_delay: Duration::ZERO,
            ..Config::default()
        },
        7,
    );
    eager.handle_input(base, received(invite, ALICE));
    let out = drain(&mut eager);
    assert_eq!(code_of(transmits(&out)[0]), 100);
    assert!(matches!(
        out.last(),
        Some(Output::Event(Event::Request { .. }))
    ));
}

#[test]
fn invite_server_retransmits_failure_until_ack_then_timer_i() {
    let base = Instant::now();
    let mut uas = layer();
    let invite = request("INVITE", "z9hG4bKs2");
    uas.handle_input(base, received(invite.clone(), ALICE));
    let (key, req) = new_request(drain(&mut uas));
    uas.send_response(base, &key, Response::to(&req, 486, Some("b2")))
        .unwrap();
    let first = drain(&mut uas);
    assert_eq!(code_of(transmits(&first)[0]), 486);
    assert_eq!(uas.state(&key), Some(State::Completed));
    assert_eq!(
        uas.send_response(base, &key, Response::to(&req, 500, Some("b2"))),
        Err(SendError::FinalAlreadySent)
    );

    let seen = run_until(&mut uas, base, ms(base, 12_000));
    assert_eq!(transmit_times(&seen), [500, 1_500, 3_500, 7_500, 11_500]);

    uas.handle_input(ms(base, 2_000), received(invite.clone(), ALICE));
    assert_eq!(code_of(transmits(&drain(&mut uas))[0]), 486);

    let mut ack = request_with(
        "ACK",
        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKs2",
        "<sip:bob@example.com>;tag=b2",
        1,
    );
    ack.headers.set(HeaderName::CSeq, "1 ACK");
    uas.handle_input(ms(base, 12_000), received(ack.clone(), ALICE));
    assert_eq!(drain(&mut uas), [], "the ACK is absorbed");
    assert_eq!(uas.state(&key), Some(State::Confirmed));
    uas.handle_input(ms(base, 12_100), received(ack, ALICE));
    uas.handle_input(ms(base, 12_200), received(invite, ALICE));
    assert_eq!(drain(&mut uas), [], "Confirmed absorbs ACK and INVITE");

    let seen = run_until(&mut uas, base, ms(base, 60_000));
    assert_eq!(
        seen,
        [(17_000, Output::Event(Event::Terminated { key }))],
        "Timer I is T4"
    );
}

#[test]
fn invite_server_timer_h_reports_a_missing_ack() {
    let base = Instant::now();
    let mut uas = layer();
    uas.handle_input(base, received(request("INVITE", "z9hG4bKs3"), ALICE));
    let (key, req) = new_request(drain(&mut uas));
    uas.send_response(base, &key, Response::to(&req, 603, Some("b3")))
        .unwrap();
    drain(&mut uas);
    let seen = run_until(&mut uas, base, ms(base, 60_000));
    assert_eq!(
        transmit_times(&seen),
        [500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    let tail = events(seen.into_iter().map(|(_, o)| o).collect());
    assert_eq!(
        tail,
        [
            Event::Timeout { key: key.clone() },
            Event::Terminated { key }
        ]
    );
}

#[test]
fn invite_server_accepted_absorbs_invites_and_hands_acks_to_the_tu() {
    let base = Instant::now();
    let mut uas = layer();
    let invite = request("INVITE", "z9hG4bKs4");
    uas.handle_input(base, received(invite.clone(), ALICE));
    let (key, req) = new_request(drain(&mut uas));
    let ok = Response::to(&req, 200, Some("b4"));
    uas.send_response(base, &key, ok.clone()).unwrap();
    assert_eq!(code_of(transmits(&drain(&mut uas))[0]), 200);
    assert_eq!(uas.state(&key), Some(State::Accepted));

    uas.handle_input(ms(base, 300), received(invite, ALICE));
    assert_eq!(drain(&mut uas), [], "INVITE retransmission absorbed");

    uas.send_response(ms(base, 500), &key, ok.clone()).unwrap();
    assert_eq!(
        code_of(transmits(&drain(&mut uas))[0]),
        200,
        "TU's 2xx retransmission"
    );
    assert_eq!(
        uas.send_response(ms(base, 500), &key, Response::to(&req, 180, Some("b4"))),
        Err(SendError::FinalAlreadySent)
    );

    let mut ack = request_with(
        "ACK",
        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnew",
        "<sip:bob@example.com>;tag=b4",
        1,
    );
    ack.headers.set(HeaderName::CSeq, "1 ACK");
    uas.handle_input(ms(base, 600), received(ack, ALICE));
    assert!(
        matches!(&events(drain(&mut uas))[..], [Event::Ack { request, .. }] if request.method == Method::Ack)
    );

    let seen = run_until(&mut uas, base, ms(base, 60_000));
    assert_eq!(
        seen,
        [(
            32_000,
            Output::Event(Event::Terminated { key: key.clone() })
        )]
    );
    assert_eq!(
        uas.send_response(ms(base, 33_000), &key, ok),
        Err(SendError::UnknownTransaction)
    );
}

#[test]
fn non_invite_server_answers_retransmissions_with_its_stored_response() {
    let base = Instant::now();
    let mut uas = layer();
    let options = request("OPTIONS", "z9hG4bKn1");
    uas.handle_input(base, received(options.clone(), ALICE));
    let (key, req) = new_request(drain(&mut uas));
    assert_eq!(uas.state(&key), Some(State::Trying));
    assert_eq!(uas.poll_timeout(), None, "no 100 Trying for non-INVITE");

    uas.handle_input(ms(base, 500), received(options.clone(), ALICE));
    assert_eq!(drain(&mut uas), [], "nothing to resend in Trying");

    uas.send_response(ms(base, 700), &key, Response::to(&req, 200, Some("n1")))
        .unwrap();
    let sent = drain(&mut uas);
    let ok = transmits(&sent)[0].clone();
    for at in [1_500, 3_500] {
        uas.handle_input(ms(base, at), received(options.clone(), ALICE));
        let again = drain(&mut uas);
        assert_eq!(transmits(&again).len(), 1);
        assert_eq!(transmits(&again)[0].bytes, ok.bytes);
        assert_eq!(events(again), []);
    }
    let seen = run_until(&mut uas, base, ms(base, 60_000));
    assert!(
        matches!(&seen[..], [(at, Output::Event(Event::Terminated { key: k }))]
            if on_end_grid(*at, 32_700) && *k == key),
        "Timer J: {seen:?}"
    );
    uas.handle_input(ms(base, 33_000), received(options, ALICE));
    new_request(drain(&mut uas));
}

#[test]
fn cancel_is_matched_to_the_invite_it_cancels() {
    let base = Instant::now();
    let mut uas = layer();
    uas.handle_input(base, received(request("INVITE", "z9hG4bKc1"), ALICE));
    let (invite_key, invite) = new_request(drain(&mut uas));

    let cancel = request("CANCEL", "z9hG4bKc1");
    uas.handle_input(ms(base, 100), received(cancel.clone(), ALICE));
    let out = events(drain(&mut uas));
    let [Event::Cancel {
        key: cancel_key,
        invite: Some(target),
        request: cancel_req,
        ..
    }] = &out[..]
    else {
        panic!("Cancel event expected, got {out:?}");
    };
    assert_eq!(*target, invite_key);
    assert_eq!(*cancel_key.method(), Method::Cancel);
    uas.send_response(
        ms(base, 100),
        cancel_key,
        Response::to(cancel_req, 200, Some("c")),
    )
    .unwrap();
    uas.send_response(
        ms(base, 100),
        &invite_key,
        Response::to(&invite, 487, Some("c")),
    )
    .unwrap();
    let codes: Vec<u16> = transmits(&drain(&mut uas))
        .into_iter()
        .map(code_of)
        .collect();
    assert_eq!(codes, [200, 487]);

    uas.handle_input(ms(base, 150), received(cancel, ALICE));
    let again = drain(&mut uas);
    assert_eq!(code_of(transmits(&again)[0]), 200, "CANCEL retransmission");
    assert_eq!(events(again), []);

    uas.handle_input(
        ms(base, 200),
        received(request("CANCEL", "z9hG4bKzz"), ALICE),
    );
    assert!(matches!(
        &events(drain(&mut uas))[..],
        [Event::Cancel { invite: None, .. }]
    ));
}

#[test]
fn rfc2543_requests_match_without_a_branch() {
    let base = Instant::now();
    let mut uas = layer();
    let invite = unbranched("INVITE");
    uas.handle_input(base, received(invite.clone(), ALICE));
    let (key, req) = new_request(drain(&mut uas));
    assert!(matches!(key, TransactionKey::Legacy(_)));

    uas.handle_input(ms(base, 100), received(invite.clone(), ALICE));
    assert_eq!(drain(&mut uas), [], "retransmission matched");

    uas.handle_input(ms(base, 150), received(unbranched("CANCEL"), ALICE));
    assert!(matches!(
        &events(drain(&mut uas))[..],
        [Event::Cancel { invite: Some(k), .. }] if *k == key
    ));

    let mut other = invite.clone();
    other.headers.set(HeaderName::CSeq, "2 INVITE");
    uas.handle_input(ms(base, 160), received(other, ALICE));
    new_request(drain(&mut uas));

    uas.send_response(ms(base, 200), &key, Response::to(&req, 486, Some("old")))
        .unwrap();
    drain(&mut uas);
    let mut stranger = request_with(
        "ACK",
        "SIP/2.0/UDP 192.0.2.10:5060",
        "<sip:bob@example.com>;tag=other",
        1,
    );
    stranger.headers.set(HeaderName::CSeq, "1 ACK");
    uas.handle_input(ms(base, 300), received(stranger, ALICE));
    assert!(matches!(&events(drain(&mut uas))[..], [Event::Ack { .. }]));
    assert_eq!(uas.state(&key), Some(State::Completed));

    let mut ack = request_with(
        "ACK",
        "SIP/2.0/UDP 192.0.2.10:5060",
        "<sip:bob@example.com>;tag=old",
        1,
    );
    ack.headers.set(HeaderName::CSeq, "1 ACK");
    uas.handle_input(ms(base, 400), received(ack, ALICE));
    assert_eq!(drain(&mut uas), [], "ACK matched by To tag");
    assert_eq!(uas.state(&key), Some(State::Confirmed));
}

#[test]
fn received_and_rport_are_filled_and_responses_follow_them() {
    let base = Instant::now();
    let mut uas = layer();
    let nat = request_with(
        "OPTIONS",
        "SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKr1",
        "<sip:bob@example.com>",
        1,
    );
    uas.handle_input(base, received(nat, "203.0.113.5:40000"));
    let (key, req) = new_request(drain(&mut uas));
    let via = req.headers.top_via().unwrap();
    assert_eq!(via.received().unwrap(), "203.0.113.5");
    assert_eq!(via.rport(), Some(Some(40000)));
    let response = Response::to(&req, 200, Some("r"));
    assert_eq!(response.headers.top_via().unwrap(), via);
    uas.send_response(base, &key, response).unwrap();
    let out = drain(&mut uas);
    assert_eq!(transmits(&out)[0].destination, addr("203.0.113.5:40000"));

    let plain = request_with(
        "OPTIONS",
        "SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKr2",
        "<sip:bob@example.com>",
        1,
    );
    uas.handle_input(base, received(plain, "203.0.113.5:40000"));
    let (key, req) = new_request(drain(&mut uas));
    let via = req.headers.top_via().unwrap();
    assert_eq!(via.received().unwrap(), "203.0.113.5");
    assert_eq!(via.rport(), None);
    uas.send_response(base, &key, Response::to(&req, 200, Some("r")))
        .unwrap();
    assert_eq!(
        transmits(&drain(&mut uas))[0].destination,
        addr("203.0.113.5:5070")
    );

    let named = request_with(
        "OPTIONS",
        "SIP/2.0/UDP alice-pc.example.com;branch=z9hG4bKr3",
        "<sip:bob@example.com>",
        1,
    );
    uas.handle_input(base, received(named, "198.51.100.9:5062"));
    let (key, req) = new_request(drain(&mut uas));
    uas.send_response(base, &key, Response::to(&req, 200, Some("r")))
        .unwrap();
    assert_eq!(
        transmits(&drain(&mut uas))[0].destination,
        addr("198.51.100.9:5060"),
        "no DNS: the source IP and the default port"
    );
}

#[test]
fn responses_never_go_to_a_broadcast_address() {
    let base = Instant::now();
    let mut uas = TransactionLayer::new(
        Config {
            broadcast: vec!["192.0.2.255".parse().unwrap()],
            ..Config::default()
        },
        1,
    );
    for source in ["255.255.255.255:5060", "192.0.2.255:5060"] {
        uas.handle_input(base, received(request("INVITE", "z9hG4bKb1"), source));
        assert_eq!(drain(&mut uas), [], "from {source}");
        assert!(uas.is_empty());
    }
    let spoofed = request_with(
        "INVITE",
        "SIP/2.0/UDP 255.255.255.255:5060;branch=z9hG4bKb2",
        "<sip:bob@example.com>",
        1,
    );
    uas.handle_input(base, received(spoofed, ALICE));
    let (key, req) = new_request(drain(&mut uas));
    assert_eq!(
        req.headers.top_via().unwrap().received().unwrap(),
        "192.0.2.10"
    );
    uas.send_response(base, &key, Response::to(&req, 486, Some("x")))
        .unwrap();
    assert_eq!(transmits(&drain(&mut uas))[0].destination, addr(ALICE));

    let mut uac = layer();
    assert_eq!(
        uac.send_request(
            base,
            request("OPTIONS", "z9hG4bKb3"),
            addr("255.255.255.255:5060"),
            Transport::Udp
        ),
        Err(SendError::ForbiddenDestination)
    );
}

#[test]
fn reliable_transports_never_retransmit_and_skip_the_wait_timers() {
    let base = Instant::now();
    let tcp = |message: Message, source: &str| Input::Received {
        message,
        source: addr(source),
        transport: Transport::Tcp,
    };

    let mut uac = layer();
    let invite = request("INVITE", "z9hG4bKt1");
    let key = uac
        .send_request(base, invite.clone(), addr(BOB), Transport::Tcp)
        .unwrap();
    drain(&mut uac);
    let timer_b = uac.poll_timeout().expect("Timer B");
    assert!(
        on_end_grid((timer_b - base).as_millis() as u64, 32_000),
        "only Timer B"
    );
    uac.handle_input(
        ms(base, 100),
        tcp(Response::to(&invite, 486, Some("t")).into(), BOB),
    );
    let out = drain(&mut uac);
    assert_eq!(transmits(&out).len(), 1, "the ACK");
    assert!(
        matches!(&events(out)[..], [Event::Response { .. }, Event::Terminated { key: k }] if *k == key)
    );

    let options = request("OPTIONS", "z9hG4bKt2");
    uac.send_request(base, options.clone(), addr(BOB), Transport::Tcp)
        .unwrap();
    drain(&mut uac);
    uac.handle_input(
        ms(base, 100),
        tcp(Response::to(&options, 200, Some("t")).into(), BOB),
    );
    assert!(matches!(
        &events(drain(&mut uac))[..],
        [Event::Response { .. }, Event::Terminated { .. }]
    ));
    assert!(uac.is_empty());

    let mut uas = layer();
    let from = "192.0.2.10:49152";
    uas.handle_input(base, tcp(invite.clone().into(), from));
    let (key, req) = new_request(drain(&mut uas));
    uas.send_response(ms(base, 10), &key, Response::to(&req, 486, Some("t")))
        .unwrap();
    let out = drain(&mut uas);
    assert_eq!(
        transmits(&out)[0].destination,
        addr(from),
        "back on the connection"
    );
    let timer_h = uas.poll_timeout().expect("Timer H");
    assert!(
        on_end_grid((timer_h - base).as_millis() as u64, 32_010),
        "only Timer H"
    );
    let mut ack = request_with(
        "ACK",
        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKt1",
        "<sip:bob@example.com>;tag=t",
        1,
    );
    ack.headers.set(HeaderName::CSeq, "1 ACK");
    uas.handle_input(ms(base, 20), tcp(ack.into(), from));
    assert_eq!(
        events(drain(&mut uas)),
        [Event::Terminated { key }],
        "Timer I is zero"
    );

    uas.handle_input(base, tcp(options.into(), from));
    let (key, req) = new_request(drain(&mut uas));
    uas.send_response(base, &key, Response::to(&req, 200, Some("t")))
        .unwrap();
    assert_eq!(
        events(drain(&mut uas)),
        [Event::Terminated { key }],
        "Timer J is zero"
    );
    assert!(uas.is_empty());
}

#[test]
fn transport_errors_end_the_transaction() {
    let base = Instant::now();
    let mut uac = layer();
    let key = uac
        .send_request(
            base,
            request("OPTIONS", "z9hG4bKe1"),
            addr(BOB),
            Transport::Tcp,
        )
        .unwrap();
    drain(&mut uac);
    uac.handle_input(ms(base, 1), Input::TransportError(key.clone()));
    assert_eq!(
        events(drain(&mut uac)),
        [
            Event::TransportError { key: key.clone() },
            Event::Terminated { key }
        ]
    );
    assert!(uac.is_empty());
}

#[test]
fn send_request_checks_what_it_is_given() {
    let base = Instant::now();
    let mut uac = layer();
    let mut ack = request("ACK", "z9hG4bKa");
    ack.headers.set(HeaderName::CSeq, "1 ACK");
    assert_eq!(
        uac.send_request(base, ack, addr(BOB), Transport::Udp),
        Err(SendError::Ack)
    );
    let mut mismatched = request("OPTIONS", "z9hG4bKm");
    mismatched.headers.set(HeaderName::CSeq, "1 INFO");
    assert!(matches!(
        uac.send_request(base, mismatched, addr(BOB), Transport::Udp),
        Err(SendError::Malformed(_))
    ));
    let key = uac
        .send_request(
            base,
            request("INVITE", "z9hG4bKd"),
            addr(BOB),
            Transport::Udp,
        )
        .unwrap();
    assert_eq!(
        uac.send_request(
            base,
            request("INVITE", "z9hG4bKd"),
            addr(BOB),
            Transport::Udp
        ),
        Err(SendError::Duplicate(key))
    );
    let mut cancel = request("CANCEL", "z9hG4bKd");
    cancel.headers.set(HeaderName::CSeq, "1 CANCEL");
    assert!(
        uac.send_request(base, cancel, addr(BOB), Transport::Udp)
            .is_ok(),
        "a CANCEL shares its INVITE's branch"
    );
    let branch = uac.new_branch();
    assert!(branch.starts_with("z9hG4bK"));
    assert_ne!(branch, uac.new_branch());
}

/// A network that loses, delivers or duplicates each packet as `fates`
/// says (cycled; 0 lost, 1 delivered, 2 duplicated), 10 ms one way.
struct Net<'a> {
    fates: std::iter::Cycle<std::slice::Iter<'a, u8>>,
    /// Arrival time, whether Alice sent it, bytes.
    in_flight: Vec<(Instant, bool, Bytes)>,
}

impl Net<'_> {
    fn send(&mut self, now: Instant, from_alice: bool, t: &Transmit) {
        for i in 0..*self.fates.next().unwrap() {
            let at = now + Duration::from_millis(10 + 5 * u64::from(i));
            self.in_flight.push((at, from_alice, t.bytes.clone()));
        }
    }
}

/// Alice sends `method` to Bob over `net`; Bob's TU answers INVITE with
/// 486 and anything else with 200 at once. Returns what each TU saw.
fn exchange(method: &str, fates: &[u8]) -> (Vec<Event>, Vec<Event>) {
    let base = Instant::now();
    let mut alice = layer();
    let mut bob = TransactionLayer::new(Config::default(), 8);
    let mut net = Net {
        fates: fates.iter().cycle(),
        in_flight: Vec::new(),
    };
    let (mut alice_saw, mut bob_saw) = (Vec::new(), Vec::new());
    let mut now = base;
    alice
        .send_request(now, request(method, "z9hG4bKx1"), addr(BOB), Transport::Udp)
        .unwrap();
    loop {
        for output in drain(&mut alice) {
            match output {
                Output::Transmit(t) => net.send(now, true, &t),
                Output::Event(e) => alice_saw.push(e),
            }
        }
        while let Some(output) = bob.poll_output() {
            match output {
                Output::Transmit(t) => net.send(now, false, &t),
                Output::Event(Event::Request {
                    key,
                    request,
                    source,
                    transport,
                }) => {
                    let code = if request.method == Method::Invite {
                        486
                    } else {
                        200
                    };
                    let response = Response::to(&request, code, Some("bob"));
                    bob.send_response(now, &key, response).unwrap();
                    bob_saw.push(Event::Request {
                        key,
                        request,
                        source,
                        transport,
                    });
                }
                Output::Event(e) => bob_saw.push(e),
            }
        }
        let next = [
            net.in_flight.iter().map(|p| p.0).min(),
            alice.poll_timeout(),
            bob.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else { break };
        assert!(next < ms(base, 120_000), "exchange runs away");
        now = next;
        let (due, later) = net.in_flight.into_iter().partition(|p| p.0 <= now);
        net.in_flight = later;
        for (_, from_alice, bytes) in due {
            let message = parse(bytes).unwrap();
            if from_alice {
                bob.handle_input(now, received(message, ALICE));
            } else {
                alice.handle_input(now, received(message, BOB));
            }
        }
        alice.handle_timeout(now);
        bob.handle_timeout(now);
    }
    assert!(
        alice.is_empty() && bob.is_empty(),
        "every transaction ended"
    );
    (alice_saw, bob_saw)
}

fn count(events: &[Event], pred: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|e| pred(e)).count()
}

fn check_exchange(method: &str, fates: &[u8]) {
    let (alice, bob) = exchange(method, fates);
    let finals = count(
        &alice,
        |e| matches!(e, Event::Response { response, .. } if response.code >= 200),
    );
    let timeouts = count(&alice, |e| matches!(e, Event::Timeout { .. }));
    assert_eq!(
        finals + timeouts,
        1,
        "Alice's TU hears one outcome: {alice:?}"
    );
    assert_eq!(count(&alice, |e| matches!(e, Event::Terminated { .. })), 1);
    let requests = count(&bob, |e| matches!(e, Event::Request { .. }));
    assert!(requests <= 1, "Bob's TU sees the request once: {bob:?}");
    assert_eq!(
        count(&bob, |e| matches!(e, Event::Terminated { .. })),
        requests
    );
    if finals == 1 {
        assert_eq!(requests, 1);
    }
    assert_eq!(count(&bob, |e| matches!(e, Event::Ack { .. })), 0);
}

#[test]
fn lossy_exchange_with_a_lost_invite_lost_486_and_duplicated_ack() {
    check_exchange("INVITE", &[0, 1, 0, 1, 2, 1]);
    let (alice, bob) = exchange("INVITE", &[0, 1, 0, 1, 2, 1]);
    assert!(matches!(&alice[0], Event::Response { response, .. } if response.code == 486));
    assert!(matches!(&bob[0], Event::Request { .. }));
}

proptest! {
    #[test]
    fn any_loss_pattern_ends_cleanly(
        invite in any::<bool>(),
        fates in prop::collection::vec(0u8..3, 1..24),
    ) {
        check_exchange(if invite { "INVITE" } else { "OPTIONS" }, &fates);
    }
}
