//! The registrar through the endpoint, in virtual time: digest
//! authentication with SHA-256 and MD5, bindings with expiry bounds,
//! several contacts, unregistering one or all, queries, RFC 5626 instance
//! replacement, CSeq ordering, expiry sweeps, and answers that do not tell
//! existing extensions from missing ones.

mod support;

use bytes::Bytes;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use switchboard_engine::{Endpoint, EndpointConfig, Notice, RegistrarConfig};
use switchboard_sip::digest::{Algorithm, Challenge, Credentials, Scheme};
use switchboard_sip::{parse, HeaderName, Message, Response};

const REALM: &str = "pbx.test";
const SECRET: &str = "Correct-Horse-42";

fn endpoint() -> Endpoint {
    let mut ep = Endpoint::new(
        EndpointConfig {
            registrar: RegistrarConfig {
                min_expires: 60,
                default_expires: 3600,
                max_expires: 7200,
                max_contacts: 3,
                qualify_interval: 0,
                qualify_misses: 2,
            },
            ..support::config(REALM)
        },
        7,
    );
    ep.set_account("1001", "1001", SECRET, true);
    ep.set_account("1002", "desk", SECRET, true);
    ep
}

/// A phone: its address, Call-ID and CSeq counter.
struct Phone {
    source: SocketAddr,
    call_id: String,
    cseq: u32,
    branch: u32,
    now: Instant,
    unix: u64,
}

impl Phone {
    fn new(port: u16) -> Phone {
        Phone {
            source: SocketAddr::from(([192, 0, 2, 10], port)),
            call_id: format!("reg-{port}"),
            cseq: 0,
            branch: 0,
            now: Instant::now(),
            unix: 1_000_000,
        }
    }

    fn register(
        &mut self,
        ep: &mut Endpoint,
        aor: &str,
        headers: &str,
        auth: Option<&str>,
    ) -> Response {
        self.cseq += 1;
        self.branch += 1;
        let auth = auth
            .map(|a| format!("Authorization: {a}\r\n"))
            .unwrap_or_default();
        let text = format!(
            "REGISTER sip:{REALM} SIP/2.0\r\n\
             Via: SIP/2.0/UDP {src};branch=z9hG4bK-{call}-{b}\r\n\
             Max-Forwards: 70\r\n\
             From: <sip:{aor}@{REALM}>;tag=t{b}\r\n\
             To: <sip:{aor}@{REALM}>\r\n\
             Call-ID: {call}\r\n\
             CSeq: {cseq} REGISTER\r\n\
             User-Agent: TestPhone/1.0\r\n\
             {headers}{auth}Content-Length: 0\r\n\r\n",
            src = self.source,
            call = self.call_id,
            b = self.branch,
            cseq = self.cseq,
        );
        ep.handle_datagram(self.now, self.unix, Bytes::from(text), self.source);
        let mut out = Vec::new();
        while let Some(t) = ep.poll_transmit() {
            out.push(t);
        }
        assert_eq!(out.len(), 1, "one answer");
        match parse(out.remove(0).bytes).unwrap() {
            Message::Response(r) => r,
            Message::Request(_) => panic!("a request"),
        }
    }

    /// REGISTER, answer the challenge with `user`/`password` using
    /// `algorithm`, and return the final answer.
    fn register_as(
        &mut self,
        ep: &mut Endpoint,
        aor: &str,
        user: &str,
        password: &str,
        algorithm: Algorithm,
        headers: &str,
    ) -> Response {
        let challenge = self.register(ep, aor, headers, None);
        assert_eq!(challenge.code, 401);
        let challenge = challenges(&challenge)
            .into_iter()
            .find(|c| c.algorithm == algorithm)
            .expect("the algorithm is offered");
        let credentials = Credentials::answer(
            &challenge,
            user,
            password,
            "REGISTER",
            &format!("sip:{REALM}"),
            b"",
            "c0ffee",
            1,
        );
        self.register(ep, aor, headers, Some(&credentials.to_string()))
    }

    fn later(&mut self, secs: u64) {
        self.now += Duration::from_secs(secs);
        self.unix += secs;
    }
}

fn challenges(r: &Response) -> Vec<Challenge> {
    r.headers
        .get_all(&HeaderName::WwwAuthenticate)
        .map(|v| match Challenge::parse(v).unwrap() {
            Scheme::Digest(c) => c,
            Scheme::Other(_) => panic!("not digest"),
        })
        .collect()
}

fn contacts(r: &Response) -> Vec<String> {
    let mut c: Vec<String> = r
        .headers
        .get_all(&HeaderName::Contact)
        .map(str::to_owned)
        .collect();
    c.sort();
    c
}

fn notices(ep: &mut Endpoint) -> Vec<Notice> {
    std::iter::from_fn(|| ep.poll_notice()).collect()
}

#[test]
fn phones_register_with_sha256_or_md5() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let ok = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10:5060>\r\n",
    );
    assert_eq!(ok.code, 200);
    assert_eq!(contacts(&ok), ["<sip:1001@192.0.2.10:5060>;expires=3600"]);
    let b = &ep.bindings("1001")[0];
    assert_eq!(b.source, phone.source);
    assert_eq!(b.user_agent.as_deref(), Some("TestPhone/1.0"));
    assert!(
        matches!(&notices(&mut ep)[..], [Notice::Bindings { extension, bindings, changed: true }] if extension == "1001" && bindings.len() == 1)
    );
    let refresh = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10:5060>\r\n",
    );
    assert_eq!(refresh.code, 200);
    assert!(
        matches!(
            &notices(&mut ep)[..],
            [Notice::Bindings { changed: false, .. }]
        ),
        "a refresh is not a change"
    );

    // The auth name differs from the number; either may be the address.
    let mut desk = Phone::new(5070);
    let ok = desk.register_as(
        &mut ep,
        "1002",
        "desk",
        SECRET,
        Algorithm::Md5,
        "Contact: <sip:desk@192.0.2.10:5070>;expires=120\r\n",
    );
    assert_eq!(ok.code, 200);
    assert_eq!(contacts(&ok), ["<sip:desk@192.0.2.10:5070>;expires=120"]);
    let ok = desk.register_as(
        &mut ep,
        "desk",
        "desk",
        SECRET,
        Algorithm::Md5,
        "Contact: <sip:desk@192.0.2.10:5070>;expires=120\r\n",
    );
    assert_eq!(ok.code, 200);
    assert_eq!(ep.bindings("1002").len(), 1, "the same contact, refreshed");
}

#[test]
fn wrong_passwords_and_missing_users_get_the_same_answer() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let contact = "Contact: <sip:1001@192.0.2.10>\r\n";
    let wrong = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        "guess-guess",
        Algorithm::Sha256,
        contact,
    );
    let missing = phone.register_as(
        &mut ep,
        "1999",
        "1999",
        "guess-guess",
        Algorithm::Sha256,
        contact,
    );
    for r in [&wrong, &missing] {
        assert_eq!(r.code, 401);
        let names: Vec<_> = r.headers.iter().map(|(n, _)| n.clone()).collect();
        let wrong_names: Vec<_> = wrong.headers.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, wrong_names, "the same headers");
        let c = challenges(r);
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|c| !c.stale && c.realm == REALM));
    }
    assert_eq!(wrong.reason, missing.reason);
    let failed: Vec<_> = notices(&mut ep)
        .into_iter()
        .filter_map(|n| match n {
            Notice::AuthenticationFailed { user, source } => Some((user, source)),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [("1001".into(), phone.source), ("1999".into(), phone.source)]
    );
    assert!(ep.bindings("1001").is_empty());
}

#[test]
fn an_extension_registers_only_its_own_address() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let r = phone.register_as(
        &mut ep,
        "1002",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:x@192.0.2.10>\r\n",
    );
    assert_eq!(r.code, 403);
    ep.set_account("1001", "1001", SECRET, false);
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:x@192.0.2.10>\r\n",
    );
    assert_eq!(r.code, 403, "disabled");
}

#[test]
fn expiry_is_bounded_and_swept() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10>\r\nExpires: 30\r\n",
    );
    assert_eq!(r.code, 423);
    assert_eq!(r.headers.get(&HeaderName::MinExpires), Some("60"));
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10>\r\nExpires: 86400\r\n",
    );
    assert_eq!(
        contacts(&r),
        ["<sip:1001@192.0.2.10>;expires=7200"],
        "capped at the maximum"
    );
    notices(&mut ep);
    phone.later(7199);
    ep.handle_timeout(phone.now, phone.unix);
    assert_eq!(ep.bindings("1001").len(), 1);
    phone.later(2);
    ep.handle_timeout(phone.now, phone.unix);
    assert!(ep.bindings("1001").is_empty());
    assert!(notices(&mut ep).contains(&Notice::Bindings {
        extension: "1001".into(),
        bindings: vec![],
        changed: true,
    }));
}

#[test]
fn several_contacts_one_removed_then_all_and_queries() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let two = "Contact: <sip:a@192.0.2.10:5060>;q=0.8, <sip:b@192.0.2.10:5061>;expires=600\r\n";
    let r = phone.register_as(&mut ep, "1001", "1001", SECRET, Algorithm::Sha256, two);
    assert_eq!(
        contacts(&r),
        [
            "<sip:a@192.0.2.10:5060>;expires=3600;q=0.8",
            "<sip:b@192.0.2.10:5061>;expires=600"
        ]
    );
    let r = phone.register_as(&mut ep, "1001", "1001", SECRET, Algorithm::Sha256, "");
    assert_eq!(r.code, 200, "a query");
    assert_eq!(contacts(&r).len(), 2);
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:b@192.0.2.10:5061>;expires=0\r\n",
    );
    assert_eq!(contacts(&r), ["<sip:a@192.0.2.10:5060>;expires=3600;q=0.8"]);
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: *\r\n",
    );
    assert_eq!(r.code, 400, "* needs Expires: 0");
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: *\r\nExpires: 0\r\n",
    );
    assert_eq!(r.code, 200);
    assert!(contacts(&r).is_empty() && ep.bindings("1001").is_empty());
}

#[test]
fn a_restarted_phone_replaces_its_binding() {
    let mut ep = endpoint();
    let instance = ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1";
    let mut phone = Phone::new(5060);
    phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        &format!("Contact: <sip:1001@192.0.2.10:5060>{instance}\r\n"),
    );
    // After a restart: a new Call-ID, a new port, the same instance.
    let mut restarted = Phone::new(6000);
    let r = restarted.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        &format!("Contact: <sip:1001@192.0.2.10:6000>{instance}\r\n"),
    );
    assert_eq!(
        contacts(&r),
        [format!("<sip:1001@192.0.2.10:6000>;expires=3600{instance}")]
    );
    assert_eq!(ep.bindings("1001")[0].source.port(), 6000);

    // Without an instance, an equivalent URI is the same contact.
    let mut plain = Phone::new(7000);
    plain.register_as(
        &mut ep,
        "1002",
        "desk",
        SECRET,
        Algorithm::Md5,
        "Contact: <sip:desk@192.0.2.10:7000;transport=udp>\r\n",
    );
    let mut again = Phone::new(7000);
    again.call_id = "another-call-id".into();
    again.register_as(
        &mut ep,
        "1002",
        "desk",
        SECRET,
        Algorithm::Md5,
        "Contact: <sip:desk@192.0.2.10:7000;TRANSPORT=UDP>\r\n",
    );
    assert_eq!(ep.bindings("1002").len(), 1);

    // Room is made for a new contact by dropping the one expiring soonest.
    for port in [7001, 7002, 7003] {
        let mut p = Phone::new(port);
        p.register_as(
            &mut ep,
            "1002",
            "desk",
            SECRET,
            Algorithm::Md5,
            &format!("Contact: <sip:desk@192.0.2.10:{port}>;expires={port}\r\n"),
        );
    }
    let ports: Vec<u16> = ep
        .bindings("1002")
        .iter()
        .map(|b| b.source.port())
        .collect();
    assert_eq!(ports, [7001, 7002, 7003]);
}

#[test]
fn an_older_cseq_on_the_same_call_id_is_refused() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let contact = "Contact: <sip:1001@192.0.2.10>\r\n";
    phone.register_as(&mut ep, "1001", "1001", SECRET, Algorithm::Sha256, contact);
    phone.register_as(&mut ep, "1001", "1001", SECRET, Algorithm::Sha256, contact);
    phone.cseq = 0;
    let r = phone.register_as(&mut ep, "1001", "1001", SECRET, Algorithm::Sha256, contact);
    assert_eq!(r.code, 500, "CSeq 2 after 4");
}

#[test]
fn a_retransmitted_register_gets_the_same_answer_and_keeps_no_transaction() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    let contact = "Contact: <sip:1001@192.0.2.10>;expires=600\r\n";
    let challenge = phone.register(&mut ep, "1001", contact, None);
    let challenge = challenges(&challenge).remove(0);
    let credentials = Credentials::answer(
        &challenge,
        "1001",
        SECRET,
        "REGISTER",
        &format!("sip:{REALM}"),
        b"",
        "c0ffee",
        1,
    )
    .to_string();
    let first = phone.register(&mut ep, "1001", contact, Some(&credentials));
    assert_eq!(first.code, 200);
    assert!(matches!(
        notices(&mut ep)[..],
        [Notice::Bindings { changed: true, .. }]
    ));
    phone.cseq -= 1;
    phone.branch -= 1;
    phone.later(1);
    let again = phone.register(&mut ep, "1001", contact, Some(&credentials));
    assert_eq!(again.code, 200, "{again:?}");
    assert_eq!(contacts(&first), ["<sip:1001@192.0.2.10>;expires=600"]);
    assert_eq!(
        contacts(&again),
        ["<sip:1001@192.0.2.10>;expires=599"],
        "the repeat is not applied again: a second later, a second less"
    );
    assert!(
        matches!(
            notices(&mut ep)[..],
            [Notice::Bindings { changed: false, .. }]
        ),
        "a repeat changes no phones"
    );
    assert_eq!(ep.transactions(), 0, "REGISTER is answered statelessly");
}

#[test]
fn deleting_an_extension_drops_its_registrations() {
    let mut ep = endpoint();
    let mut phone = Phone::new(5060);
    phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10>\r\n",
    );
    notices(&mut ep);
    ep.remove_account("1001");
    assert!(ep.bindings("1001").is_empty());
    assert_eq!(
        notices(&mut ep),
        [Notice::Bindings {
            extension: "1001".into(),
            bindings: vec![],
            changed: true,
        }]
    );
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10>\r\n",
    );
    assert_eq!(r.code, 401);
}

#[test]
fn repeated_failures_ban_the_source_which_then_gets_no_answer() {
    let mut ep = endpoint();
    let mut attacker = Phone::new(5060);
    for _ in 0..5 {
        let r = attacker.register_as(
            &mut ep,
            "1001",
            "1001",
            "guess-guess",
            Algorithm::Md5,
            "Contact: <sip:x@192.0.2.10>\r\n",
        );
        assert_eq!(r.code, 401);
    }
    let banned = notices(&mut ep).into_iter().any(|n| {
        matches!(n, Notice::Security(switchboard_engine::Alarm::Banned { address, .. }) if address == attacker.source.ip())
    });
    assert!(banned, "five failures ban the address");
    let options = "OPTIONS sip:pbx.test SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-o1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n";
    ep.handle_datagram(
        attacker.now,
        attacker.unix,
        Bytes::from(options),
        attacker.source,
    );
    assert!(ep.poll_transmit().is_none(), "a banned source gets nothing");
    // Another address is still answered, and the right password works there.
    let mut phone = Phone::new(5099);
    phone.source = SocketAddr::from(([192, 0, 2, 11], 5099));
    let r = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Md5,
        "Contact: <sip:1001@192.0.2.11:5099>\r\n",
    );
    assert_eq!(r.code, 200);
    assert!(ep.unban(attacker.source.ip()));
    let r = attacker.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Md5,
        "Contact: <sip:1001@192.0.2.10>\r\n",
    );
    assert_eq!(r.code, 200, "answered again once unbanned");
}

/// Advances `phone`'s clock one second at a time, running the endpoint's
/// timers; returns what the endpoint sent meanwhile.
fn run_for(ep: &mut Endpoint, phone: &mut Phone, secs: u64) -> Vec<switchboard_engine::Transmit> {
    let mut sent = Vec::new();
    for _ in 0..secs {
        phone.later(1);
        ep.handle_timeout(phone.now, phone.unix);
        sent.extend(std::iter::from_fn(|| ep.poll_transmit()));
    }
    sent
}

#[test]
fn udp_phones_are_qualified_and_marked_unreachable_when_silent() {
    let mut ep = Endpoint::new(
        EndpointConfig {
            registrar: RegistrarConfig {
                qualify_interval: 30,
                qualify_misses: 2,
                ..Default::default()
            },
            ..support::config(REALM)
        },
        9,
    );
    ep.set_account("1001", "1001", SECRET, true);
    let mut phone = Phone::new(5060);
    let ok = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10:5060>\r\n",
    );
    assert_eq!(ok.code, 200);
    notices(&mut ep);

    // After the interval: an OPTIONS to where the phone registered from.
    let sent = run_for(&mut ep, &mut phone, 30);
    assert_eq!(sent.len(), 1, "one probe");
    assert_eq!(sent[0].destination, phone.source);
    let Message::Request(probe) = parse(sent[0].bytes.clone()).unwrap() else {
        panic!("a request")
    };
    assert_eq!(probe.method.as_str(), "OPTIONS");
    assert_eq!(probe.uri.to_string(), "sip:1001@192.0.2.10:5060");
    let via = probe.headers.get(&HeaderName::Via).unwrap();
    assert!(
        via.starts_with("SIP/2.0/UDP pbx.test;rport;branch=z9hG4bK"),
        "{via}"
    );

    // Answered 15 ms later: reachable, with its round trip.
    let answer = Response::to(&probe, 200, Some("phone"));
    let answered_at = phone.now + Duration::from_millis(15);
    ep.handle_datagram(
        answered_at,
        phone.unix,
        Message::from(answer).to_bytes().into(),
        phone.source,
    );
    let b = &ep.bindings("1001")[0];
    assert!(b.reachable);
    assert_eq!(b.rtt_ms, Some(15));
    assert!(matches!(
        &notices(&mut ep)[..],
        [Notice::Bindings { changed: false, .. }]
    ));

    // Silent from now on: the second unanswered probe marks it unreachable.
    run_for(&mut ep, &mut phone, 100);
    assert!(!ep.bindings("1001")[0].reachable);
    assert!(notices(&mut ep).iter().any(
        |n| matches!(n, Notice::Bindings { changed: true, bindings, .. } if !bindings[0].reachable)
    ));

    // It registers again: reachable.
    let ok = phone.register_as(
        &mut ep,
        "1001",
        "1001",
        SECRET,
        Algorithm::Sha256,
        "Contact: <sip:1001@192.0.2.10:5060>\r\n",
    );
    assert_eq!(ok.code, 200);
    assert!(ep.bindings("1001")[0].reachable);
}
