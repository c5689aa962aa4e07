//! Message-waiting indication (RFC 3842) through the endpoint: a phone
//! subscribes to its own box (authenticated), gets the counts at once and
//! at each change; another box, or another event package, is refused; a
//! subscription ended by `Expires: 0`, or forgotten by the phone (481),
//! leaves the phone told by unsolicited NOTIFYs instead.

mod support;

use std::net::SocketAddr;
use support::phones::{answer, finals_to, phone, request, requests_to, World, REALM};
use switchboard_sip::{HeaderName, Message, Method, Request};

fn subscribe(w: &mut World, mailbox: &str, event: &str) -> Vec<(SocketAddr, Message)> {
    let src = phone("1002");
    let uri = format!("sip:{mailbox}@{REALM}");
    w.authenticated("1002", "SUBSCRIBE", &uri, |n, auth| {
        format!(
            "SUBSCRIBE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-s{n}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:1002@{REALM}>;tag=sub{mailbox}{event}\r\n\
             To: <{uri}>\r\nCall-ID: sub-{mailbox}-{event}\r\nCSeq: {n} SUBSCRIBE\r\n\
             Contact: <sip:1002@{src}>\r\nEvent: {event}\r\nExpires: 600\r\n{auth}\
             Content-Length: 0\r\n\r\n"
        )
    })
}

/// The NOTIFYs in `sent`, and their bodies.
fn notifies(sent: &[(SocketAddr, Message)]) -> Vec<(Request, String)> {
    requests_to(sent, phone("1002"))
        .into_iter()
        .filter(|r| r.method == Method::Notify)
        .map(|r| (r.clone(), String::from_utf8_lossy(&r.body).into_owned()))
        .collect()
}

#[test]
fn a_subscribed_phone_hears_every_change_of_its_box() {
    let mut w = World::new(&["1001", "1002"]);
    w.register("1002");
    let sent = subscribe(&mut w, "1002", "message-summary");
    let ok = finals_to(&sent, phone("1002"))[0].clone();
    assert_eq!(ok.code, 200);
    assert_eq!(ok.headers.get(&HeaderName::Expires), Some("600"));
    let first = notifies(&sent);
    assert_eq!(first.len(), 1, "{sent:?}");
    let (notify, body) = &first[0];
    assert!(body.contains("Messages-Waiting: no\r\n"), "{body}");
    assert!(body.contains("Voice-Message: 0/0 (0/0)"), "{body}");
    assert_eq!(
        notify.headers.get(&HeaderName::Event),
        Some("message-summary")
    );
    assert_eq!(
        notify.headers.get(&HeaderName::ContentType),
        Some("application/simple-message-summary")
    );
    // Inside the subscription's dialog: its To carries our tag.
    let ours = ok.headers.to().unwrap().tag().unwrap().to_string();
    assert_eq!(
        notify.headers.from().unwrap().tag().unwrap().to_string(),
        ours
    );
    w.deliver(phone("1002"), &answer(notify, 200, "OK"));

    w.ep.set_waiting(w.now, w.unix, "1002", 2, 1);
    let sent = w.sent();
    let changed = notifies(&sent);
    assert_eq!(changed.len(), 1, "{sent:?}");
    assert!(changed[0].1.contains("Messages-Waiting: yes\r\n"));
    assert!(changed[0].1.contains("Voice-Message: 2/1 (0/0)"));
    // The same counts again change nothing.
    w.deliver(phone("1002"), &answer(&changed[0].0, 200, "OK"));
    w.ep.set_waiting(w.now, w.unix, "1002", 2, 1);
    assert!(notifies(&w.sent()).is_empty());

    // The phone forgets the subscription: from then on it is told
    // without one, outside any dialog.
    w.ep.set_waiting(w.now, w.unix, "1002", 1, 2);
    let (notify, _) = notifies(&w.sent()).remove(0);
    w.deliver(
        phone("1002"),
        &answer(&notify, 481, "Subscription Does Not Exist"),
    );
    w.ep.set_waiting(w.now, w.unix, "1002", 0, 3);
    let (notify, body) = notifies(&w.sent()).remove(0);
    assert!(notify.headers.to().unwrap().tag().is_none(), "{notify:?}");
    assert!(body.contains("Voice-Message: 0/3 (0/0)"), "{body}");
}

#[test]
fn other_boxes_and_other_packages_are_refused_and_expires_zero_ends() {
    let mut w = World::new(&["1001", "1002"]);
    w.register("1002");
    let sent = subscribe(&mut w, "1001", "message-summary");
    assert_eq!(finals_to(&sent, phone("1002"))[0].code, 403);
    let sent = subscribe(&mut w, "1002", "presence");
    let refused = finals_to(&sent, phone("1002"))[0].clone();
    assert_eq!(refused.code, 489);
    assert_eq!(
        refused.headers.get(&HeaderName::AllowEvents),
        Some("message-summary")
    );

    let sent = subscribe(&mut w, "1002", "message-summary");
    let ok = finals_to(&sent, phone("1002"))[0].clone();
    let (notify, _) = notifies(&sent).remove(0);
    w.deliver(phone("1002"), &answer(&notify, 200, "OK"));
    let tag = ok.headers.to().unwrap().tag().unwrap().to_string();
    let src = phone("1002");
    let end = format!(
        "SUBSCRIBE sip:1002@{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-end\r\n\
         Max-Forwards: 70\r\nFrom: <sip:1002@{REALM}>;tag=sub1002message-summary\r\n\
         To: <sip:1002@{REALM}>;tag={tag}\r\nCall-ID: sub-1002-message-summary\r\n\
         CSeq: 99 SUBSCRIBE\r\nContact: <sip:1002@{src}>\r\nEvent: message-summary\r\n\
         Expires: 0\r\nContent-Length: 0\r\n\r\n"
    );
    let sent = w.deliver(src, &end);
    assert_eq!(finals_to(&sent, src)[0].code, 200);
    let (last, _) = notifies(&sent).remove(0);
    let state = last.headers.get(&HeaderName::SubscriptionState).unwrap();
    assert!(state.starts_with("terminated"), "{state}");
    // A refresh of the ended subscription is a stranger's request now:
    // challenged, as every request naming no known dialog is.
    let again = end
        .replace("CSeq: 99", "CSeq: 100")
        .replace("-end", "-again");
    let sent = w.deliver(src, &again);
    assert_eq!(finals_to(&sent, src)[0].code, 407);

    w.ep.set_waiting(w.now, w.unix, "1002", 1, 0);
    let sent = w.sent();
    let told = notifies(&sent);
    assert_eq!(told.len(), 1, "{sent:?}");
    assert!(request(&sent[0].1).headers.to().unwrap().tag().is_none());
}
