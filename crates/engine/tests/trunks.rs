//! Trunks in virtual time: a registration refused, retried after its wait
//! and refreshed before it runs out; a trunk that stops answering OPTIONS
//! and one with no free line passed over for the next; a trunk's
//! challenge answered once, refused credentials passing the call on; a
//! withheld caller ID, Remote-Party-ID and the trunk's codecs on the
//! INVITE; the DID read from To when the trunk says so; an inbound call
//! beyond the trunk's lines refused with 503; a removed trunk's
//! registration ended at the provider.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use support::phones::{answer, phone, requests_to, World, REALM};
use switchboard_engine::call::plan::Target;
use switchboard_engine::trunk::rules::{CallerId, OutboundRule};
use switchboard_engine::trunk::{Network, Trunk};
use switchboard_engine::{Notice, Transport};
use switchboard_sip::{HeaderName, Message};

fn provider(n: u8) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, n], 5060))
}

fn trunk(name: &str, n: u8) -> Trunk {
    Trunk {
        name: name.into(),
        peer: Some(provider(n)),
        transport: Transport::Udp,
        domain: format!("198.51.100.{n}"),
        local: "192.0.2.1:5060".into(),
        username: Some("pbx".into()),
        auth_username: None,
        password: Some("Trunk-Pass-1".into()),
        register: None,
        allowed: Vec::new(),
        channels: None,
        codecs: Vec::new(),
        send_pai: false,
        send_rpid: false,
        called_from_to: false,
        main_number: Some("+4930123000".into()),
        caller_name_url: None,
        unknown_did: Target::HangUp,
        qualify: false,
    }
}

/// Every number starting with 0 goes out through `trunks`, in order.
fn rule(trunks: &[&str], caller_id: CallerId) -> OutboundRule {
    OutboundRule {
        name: "out".into(),
        matches: Arc::new(|n: &str| n.starts_with('0')),
        rewrite: Arc::new(|n: &str| n.to_owned()),
        allowed: None,
        trunks: trunks.iter().map(|t| t.to_string()).collect(),
        caller_id,
        emergency: false,
        international: false,
    }
}

fn world(trunks: Vec<Trunk>, rules: Vec<OutboundRule>) -> World {
    let mut w = World::new(&["1001", "1002"]);
    let dids: switchboard_engine::trunk::Dids =
        Arc::new(|n: &str| (n == "+4930123000").then(|| Target::Extension("1002".into())));
    let network = Network {
        trunks,
        rules,
        dids: Some(dids),
        capacity: None,
    };
    w.ep.set_network(w.now, w.unix, network);
    w
}

fn invites_to(sent: &[(SocketAddr, Message)], to: SocketAddr) -> Vec<switchboard_sip::Request> {
    requests_to(sent, to)
        .into_iter()
        .filter(|r| r.method.as_str() == "INVITE")
        .cloned()
        .collect()
}

fn states(w: &mut World) -> Vec<(String, &'static str, Option<bool>, Option<String>)> {
    w.notices()
        .into_iter()
        .filter_map(|n| match n {
            Notice::TrunkChanged { name, state } => {
                Some((name, state.registration, state.reachable, state.detail))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_refused_registration_is_retried_after_a_wait_and_refreshed_before_it_runs_out() {
    let mut t = trunk("prov", 1);
    t.register = Some(300);
    let mut w = world(vec![t], Vec::new());
    let sent = w.wait(1);
    let first = requests_to(&sent, provider(1))[0].clone();
    assert_eq!(first.method.as_str(), "REGISTER");
    assert_eq!(first.headers.get(&HeaderName::Expires), Some("300"));
    let sent = w.deliver(provider(1), &answer(&first, 403, "Forbidden"));
    assert!(requests_to(&sent, provider(1)).is_empty());
    let seen = states(&mut w);
    assert!(
        seen.iter()
            .any(|(_, r, _, d)| *r == "failed" && d.as_deref() == Some("403 Forbidden")),
        "{seen:?}"
    );
    // Nothing until the wait (15 s) is over.
    assert!(requests_to(&w.wait(13), provider(1)).is_empty());
    let sent = w.wait(3);
    let again = requests_to(&sent, provider(1))[0].clone();
    assert_eq!(again.method.as_str(), "REGISTER");
    let granted = answer(&again, 200, "OK").replace(
        "Content-Length: 0",
        "Contact: <sip:pbx@192.0.2.1:5060>;expires=120\r\nContent-Length: 0",
    );
    w.deliver(provider(1), &granted);
    assert!(states(&mut w).iter().any(|(_, r, _, _)| *r == "registered"));
    // Refreshed at three quarters of the 120 s granted.
    assert!(requests_to(&w.wait(85), provider(1)).is_empty());
    let refresh = requests_to(&w.wait(6), provider(1))[0].clone();
    assert_eq!(refresh.method.as_str(), "REGISTER");
    assert_eq!(
        refresh.headers.get(&HeaderName::CallId),
        first.headers.get(&HeaderName::CallId)
    );
}

#[test]
fn a_trunk_that_stops_answering_options_and_one_with_no_free_line_are_passed_over() {
    let mut silent = trunk("silent", 1);
    silent.qualify = true;
    let mut single = trunk("single", 2);
    single.channels = Some(1);
    let last = trunk("last", 3);
    let mut w = world(
        vec![silent, single, last],
        vec![rule(&["silent", "single", "last"], CallerId::Extension)],
    );
    // Two OPTIONS go unanswered (Timer F, 32 s each): the trunk is down.
    w.wait(70);
    let seen = states(&mut w);
    assert!(
        seen.iter()
            .any(|(n, _, reachable, _)| n == "silent" && *reachable == Some(false)),
        "{seen:?}"
    );
    w.register("1001");
    let sent = w.call("1001", "0301234567");
    assert!(
        invites_to(&sent, provider(1)).is_empty(),
        "the silent trunk is skipped"
    );
    assert_eq!(invites_to(&sent, provider(2)).len(), 1);
    // Its one line is taken: the next call goes to the last trunk.
    w.register("1002");
    let sent = w.call("1002", "0307654321");
    assert!(invites_to(&sent, provider(2)).is_empty());
    assert_eq!(invites_to(&sent, provider(3)).len(), 1);
}

#[test]
fn a_withheld_caller_id_goes_out_anonymous_with_the_trunks_codecs_and_rpid() {
    let mut t = trunk("prov", 1);
    t.send_rpid = true;
    t.send_pai = true;
    t.codecs = vec!["PCMA".into(), "PCMU".into()];
    let mut w = world(vec![t], vec![rule(&["prov"], CallerId::Withheld)]);
    w.register("1001");
    let sent = w.call("1001", "0301234567");
    let invite = invites_to(&sent, provider(1)).remove(0);
    let h = &invite.headers;
    assert!(
        h.get(&HeaderName::From)
            .unwrap()
            .starts_with("\"Anonymous\" <sip:anonymous@anonymous.invalid>"),
        "{invite:?}"
    );
    assert_eq!(h.get(&HeaderName::Privacy), Some("id"));
    assert_eq!(
        h.get(&HeaderName::PAssertedIdentity),
        Some("<sip:+4930123000@198.51.100.1>")
    );
    let rpid = h
        .get(&HeaderName::from_text("Remote-Party-ID".into()))
        .unwrap();
    assert!(rpid.contains("privacy=full"), "{rpid}");
    let sdp = String::from_utf8_lossy(&invite.body).into_owned();
    let media = sdp.lines().find(|l| l.starts_with("m=audio")).unwrap();
    assert!(media.contains("RTP/AVP 8 0"), "PCMA first: {media}");
    assert_eq!(invite.uri.to_string(), "sip:0301234567@198.51.100.1");
}

#[test]
fn the_did_is_read_from_to_when_the_trunk_says_so() {
    let mut t = trunk("prov", 1);
    t.called_from_to = true;
    let mut w = world(vec![t], Vec::new());
    w.register("1002");
    let sdp = support::phones::SDP;
    let invite = format!(
        "INVITE sip:pbx@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP {p};branch=z9hG4bK-t1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:+4917012345@198.51.100.1>;tag=t1\r\n\
         To: <sip:+4930123000@{REALM}>\r\nCall-ID: trunk-1\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:provider@{p}>\r\nContent-Type: application/sdp\r\n\
         Content-Length: {len}\r\n\r\n{sdp}",
        p = provider(1),
        len = sdp.len()
    );
    let sent = w.deliver(provider(1), &invite);
    assert!(
        sent.iter()
            .all(|(_, m)| !matches!(m, Message::Response(r) if r.code == 407)),
        "a trunk is not challenged"
    );
    let ringing = invites_to(&sent, phone("1002"));
    assert_eq!(ringing.len(), 1, "{sent:?}");
    assert!(
        ringing[0]
            .headers
            .get(&HeaderName::From)
            .unwrap()
            .contains("+4917012345"),
        "the caller's number is shown"
    );
}

#[test]
fn a_trunks_challenge_is_answered_once_and_refused_credentials_pass_the_call_on() {
    let mut w = world(
        vec![trunk("strict", 1), trunk("spare", 2)],
        vec![rule(&["strict", "spare"], CallerId::Extension)],
    );
    w.register("1001");
    let sent = w.call("1001", "0301234567");
    let first = invites_to(&sent, provider(1)).remove(0);
    let challenge = |req: &switchboard_sip::Request| {
        answer(req, 407, "Proxy Authentication Required").replace(
            "Content-Length: 0",
            "Proxy-Authenticate: Digest realm=\"provider\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"\r\nContent-Length: 0",
        )
    };
    let sent = w.deliver(provider(1), &challenge(&first));
    let second = invites_to(&sent, provider(1)).remove(0);
    let credentials = second
        .headers
        .get(&HeaderName::ProxyAuthorization)
        .expect("the challenge answered");
    assert!(
        credentials.contains("username=\"pbx\"") && credentials.contains("realm=\"provider\""),
        "{credentials}"
    );
    assert_eq!(
        second.headers.get(&HeaderName::CallId),
        first.headers.get(&HeaderName::CallId)
    );
    assert_eq!(second.headers.get(&HeaderName::CSeq), Some("2 INVITE"));
    // Challenged again: the credentials are wrong, and the spare trunk
    // takes the call; the phone never sees a 407 of the trunk's.
    let sent = w.deliver(provider(1), &challenge(&second));
    assert_eq!(invites_to(&sent, provider(2)).len(), 1, "{sent:?}");
    assert!(
        sent.iter()
            .filter(|(to, _)| *to == phone("1001"))
            .all(|(_, m)| !matches!(m, Message::Response(r) if r.code == 407)),
        "{sent:?}"
    );
}

#[test]
fn an_inbound_call_beyond_the_trunks_lines_gets_503() {
    let mut t = trunk("prov", 1);
    t.channels = Some(1);
    let mut w = world(vec![t], Vec::new());
    w.register("1002");
    let sdp = support::phones::SDP;
    let invite = |n: u32| {
        format!(
            "INVITE sip:+4930123000@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP {p};branch=z9hG4bK-l{n}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:+4917012345@198.51.100.1>;tag=l{n}\r\n\
             To: <sip:+4930123000@{REALM}>\r\nCall-ID: line-{n}\r\nCSeq: 1 INVITE\r\n\
             Contact: <sip:provider@{p}>\r\nContent-Type: application/sdp\r\n\
             Content-Length: {len}\r\n\r\n{sdp}",
            p = provider(1),
            len = sdp.len()
        )
    };
    let sent = w.deliver(provider(1), &invite(1));
    assert_eq!(invites_to(&sent, phone("1002")).len(), 1);
    let sent = w.deliver(provider(1), &invite(2));
    let refused = sent
        .iter()
        .find_map(|(to, m)| match m {
            Message::Response(r) if *to == provider(1) && r.code >= 200 => Some(r.clone()),
            _ => None,
        })
        .expect("an answer to the second call");
    assert_eq!(refused.code, 503);
    assert!(
        refused.reason.contains("lines of trunk prov"),
        "{}",
        refused.reason
    );
    assert!(invites_to(&sent, phone("1002")).is_empty());
}

#[test]
fn a_removed_trunk_ends_its_registration_answering_the_challenge() {
    let mut t = trunk("prov", 1);
    t.register = Some(300);
    let mut w = world(vec![t], Vec::new());
    let first = requests_to(&w.wait(1), provider(1))[0].clone();
    w.deliver(provider(1), &answer(&first, 200, "OK"));
    assert!(states(&mut w).iter().any(|(_, r, _, _)| *r == "registered"));
    let empty = Network {
        trunks: Vec::new(),
        rules: Vec::new(),
        dids: None,
        capacity: None,
    };
    w.ep.set_network(w.now, w.unix, empty);
    let sent = w.sent();
    let leaving = requests_to(&sent, provider(1))[0].clone();
    assert_eq!(leaving.headers.get(&HeaderName::Expires), Some("0"));
    assert_eq!(
        leaving.headers.get(&HeaderName::CallId),
        first.headers.get(&HeaderName::CallId)
    );
    let challenge = answer(&leaving, 401, "Unauthorized").replace(
        "Content-Length: 0",
        "WWW-Authenticate: Digest realm=\"provider\", nonce=\"n2\", algorithm=MD5\r\nContent-Length: 0",
    );
    let sent = w.deliver(provider(1), &challenge);
    let answered = requests_to(&sent, provider(1))[0].clone();
    assert_eq!(answered.headers.get(&HeaderName::Expires), Some("0"));
    assert!(answered.headers.get(&HeaderName::Authorization).is_some());
    let sent = w.deliver(provider(1), &answer(&answered, 200, "OK"));
    assert!(requests_to(&sent, provider(1)).is_empty());
    assert!(
        requests_to(&w.wait(60), provider(1)).is_empty(),
        "nothing more"
    );
}
