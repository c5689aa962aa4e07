//! Forwarding through the endpoint, in virtual time: do-not-disturb and a
//! busy rule send a call to voicemail without ringing; nobody answering
//! within the ring time moves the call to another extension (the first
//! phone cancelled); no rule means the caller hears the failure; rules in
//! a circle end with 482; an external number needs a trunk. And the
//! voicemail menu's call back, a REFER.

mod support;

use support::phones::{answer, finals_to, phone, requests_to, World};
use switchboard_engine::{Forward, Forwarding, MediaOrder, Notice, Service};
use switchboard_sip::Method;

fn world() -> World {
    World::new(&["1001", "1002", "1003"])
}

fn forwarding(f: impl FnOnce(&mut Forwarding)) -> Forwarding {
    let mut rules = Forwarding::default();
    f(&mut rules);
    rules
}

/// The voicemail Switchboard answered, from the notices.
fn voicemail(w: &mut World) -> Option<(String, bool)> {
    w.notices().into_iter().find_map(|n| match n {
        Notice::Media(MediaOrder::Answer {
            service: Service::Voicemail { mailbox, busy },
            ..
        }) => Some((mailbox, busy)),
        _ => None,
    })
}

#[test]
fn do_not_disturb_goes_to_the_busy_greeting_without_ringing() {
    let mut w = world();
    w.register("1002");
    w.ep.set_forwarding(
        "1002",
        forwarding(|f| {
            f.dnd = true;
            f.busy = Forward::Voicemail;
        }),
    );
    let sent = w.call("1001", "1002");
    assert!(
        requests_to(&sent, phone("1002")).is_empty(),
        "1002 rang: {sent:?}"
    );
    let finals = finals_to(&sent, phone("1001"));
    assert_eq!(finals.iter().map(|r| r.code).collect::<Vec<_>>(), [200]);
    assert_eq!(voicemail(&mut w), Some(("1002".into(), true)));
}

#[test]
fn without_a_rule_the_caller_hears_why() {
    let mut w = world();
    w.ep.set_forwarding("1002", forwarding(|f| f.dnd = true));
    let sent = w.call("1001", "1002");
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 486);
    let sent = w.call("1001", "1003");
    let r = finals_to(&sent, phone("1001"))[0];
    assert_eq!(
        (r.code, &*r.reason),
        (480, "Temporarily Unavailable (not registered)")
    );
    w.ep.set_forwarding("1003", forwarding(|f| f.unregistered = Forward::Voicemail));
    w.notices();
    let sent = w.call("1001", "1003");
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    assert_eq!(voicemail(&mut w), Some(("1003".into(), false)));
}

#[test]
fn no_answer_within_the_ring_time_rings_the_next_extension() {
    let mut w = world();
    w.register("1002");
    w.register("1003");
    w.ep.set_forwarding(
        "1002",
        forwarding(|f| {
            f.no_answer = Forward::Extension("1003".into());
            f.ring_time = Some(5);
        }),
    );
    w.ep.set_forwarding("1003", forwarding(|f| f.no_answer = Forward::Voicemail));
    let sent = w.call("1001", "1002");
    let invite = requests_to(&sent, phone("1002"))[0].clone();
    assert_eq!(invite.method, Method::Invite);
    w.deliver(phone("1002"), &answer(&invite, 180, "Ringing"));
    let sent = w.wait(4);
    assert!(requests_to(&sent, phone("1003")).is_empty(), "rang early");
    let sent = w.wait(2);
    let to_1002: Vec<_> = requests_to(&sent, phone("1002"))
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert!(to_1002.contains(&Method::Cancel), "{sent:?}");
    let invite = requests_to(&sent, phone("1003"))[0].clone();
    assert_eq!(invite.method, Method::Invite);
    assert!(
        finals_to(&sent, phone("1001")).is_empty(),
        "the caller waits on"
    );
    // 1003 rings the server's 30 s, then its own voicemail takes the call.
    w.deliver(phone("1003"), &answer(&invite, 180, "Ringing"));
    w.notices();
    let sent = w.wait(31);
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    assert_eq!(voicemail(&mut w), Some(("1003".into(), false)));
}

#[test]
fn a_busy_phone_sends_the_call_to_voicemail() {
    let mut w = world();
    w.register("1002");
    w.ep.set_forwarding("1002", forwarding(|f| f.busy = Forward::Voicemail));
    let sent = w.call("1001", "1002");
    let invite = requests_to(&sent, phone("1002"))[0].clone();
    let sent = w.deliver(phone("1002"), &answer(&invite, 486, "Busy Here"));
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    assert_eq!(voicemail(&mut w), Some(("1002".into(), true)));
}

#[test]
fn rules_in_a_circle_end_and_external_numbers_need_an_outbound_rule() {
    let mut w = world();
    w.ep.set_forwarding(
        "1002",
        forwarding(|f| f.always = Forward::Extension("1003".into())),
    );
    w.ep.set_forwarding(
        "1003",
        forwarding(|f| f.always = Forward::Extension("1002".into())),
    );
    let sent = w.call("1001", "1002");
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 482);
    w.ep.set_forwarding(
        "1003",
        forwarding(|f| f.always = Forward::External("+4930123456".into())),
    );
    let sent = w.call("1001", "1002");
    let r = finals_to(&sent, phone("1001"))[0];
    assert_eq!(r.code, 404);
    assert!(r.reason.contains("no outbound rule"), "{}", r.reason);
}

/// The voicemail menu's "call back": Switchboard asks the phone, by REFER,
/// to call the number; once the phone agrees (202) the call ends (BYE).
#[test]
fn a_menu_call_back_is_a_refer_then_a_bye() {
    let mut w = world();
    w.register("1002");
    let sent = w.call("1002", "*97");
    assert_eq!(finals_to(&sent, phone("1002"))[0].code, 200);
    let call = w
        .notices()
        .into_iter()
        .find_map(|n| match n {
            Notice::Media(MediaOrder::Answer {
                call,
                service: Service::VoicemailMenu { own: true },
                ..
            }) => Some(call),
            _ => None,
        })
        .expect("the menu answered");
    let id = switchboard_engine::call::call_id_text(call);
    let (now, unix) = (w.now, w.unix);
    assert!(w.ep.transfer(now, unix, &id, "1001"));
    let sent = w.sent();
    let refer = requests_to(&sent, phone("1002"))[0].clone();
    assert_eq!(refer.method, Method::Refer);
    let to = refer
        .headers
        .get(&switchboard_sip::HeaderName::ReferTo)
        .unwrap();
    assert!(to.starts_with("<sip:1001@"), "{to}");
    let sent = w.deliver(phone("1002"), &answer(&refer, 202, "Accepted"));
    let bye = requests_to(&sent, phone("1002"));
    assert_eq!(
        bye.iter().map(|r| r.method.clone()).collect::<Vec<_>>(),
        [Method::Bye]
    );
    let ended = w.notices().into_iter().find_map(|n| match n {
        Notice::CallEnded(r) => Some(r.hangup_cause),
        _ => None,
    });
    assert_eq!(ended.as_deref(), Some("transferred to 1001"));
    assert!(!w.ep.transfer(now, unix, &id, "1001"), "the call is gone");
}
