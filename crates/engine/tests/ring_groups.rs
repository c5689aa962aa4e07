//! Ring groups, schedules and IVR numbers through the endpoint, in
//! virtual time: ring all rings every available member at once (busy on
//! do-not-disturb and unregistered ones skipped), with the group's prefix
//! before the caller's name; one after another moves on when a member's
//! ring time runs out, and round robin begins after whoever answered last;
//! nobody answering sends the call to the group's no-answer destination;
//! a schedule decides by the time; an IVR's number is answered by
//! Switchboard.

mod support;

use std::sync::Arc;
use std::time::Duration;
use support::phones::{answer, finals_to, phone, requests_to, World};
use switchboard_engine::call::plan::{Plan, RingGroup, Schedule, Strategy, Target};
use switchboard_engine::{Forwarding, MediaOrder, Notice, Service};
use switchboard_sip::{HeaderName, Method};

fn world() -> World {
    let mut w = World::new(&["1001", "1002", "1003", "1004", "1005"]);
    for n in ["1002", "1003", "1004"] {
        w.register(n);
    }
    w
}

fn group(strategy: Strategy, members: &[&str], no_answer: Target) -> RingGroup {
    RingGroup {
        name: "sales".into(),
        strategy,
        members: members
            .iter()
            .map(|m| (m.to_string(), Duration::from_secs(5)))
            .collect(),
        ring_time: Duration::from_secs(8),
        no_answer,
        caller_id_prefix: Some("Sales: ".into()),
    }
}

fn plan_with(g: RingGroup) -> Plan {
    let mut plan = Plan::default();
    plan.numbers
        .insert("600".into(), Target::RingGroup(g.name.clone()));
    plan.groups.insert(g.name.clone(), g);
    plan
}

fn invites_to<'a>(
    sent: &'a [(std::net::SocketAddr, switchboard_sip::Message)],
    n: &str,
) -> Vec<&'a switchboard_sip::Request> {
    requests_to(sent, phone(n))
        .into_iter()
        .filter(|r| r.method == Method::Invite)
        .collect()
}

/// The service Switchboard answered with, from the notices.
fn answered_by(w: &mut World) -> Option<Service> {
    w.notices().into_iter().find_map(|n| match n {
        Notice::Media(MediaOrder::Answer { service, .. }) => Some(service),
        _ => None,
    })
}

#[test]
fn ring_all_rings_the_available_members_at_once_with_the_prefix() {
    let mut w = world();
    let dnd = Forwarding {
        dnd: true,
        ..Default::default()
    };
    w.ep.set_forwarding("1004", dnd);
    w.ep.set_plan(plan_with(group(
        Strategy::RingAll,
        &["1002", "1003", "1004", "1005"],
        Target::HangUp,
    )));
    let sent = w.call("1001", "600");
    let (to_2, to_3) = (invites_to(&sent, "1002"), invites_to(&sent, "1003"));
    assert_eq!((to_2.len(), to_3.len()), (1, 1), "{sent:?}");
    assert!(
        invites_to(&sent, "1004").is_empty(),
        "on do-not-disturb, yet rung"
    );
    assert!(
        invites_to(&sent, "1005").is_empty(),
        "unregistered, yet rung"
    );
    let from = to_2[0].headers.get(&HeaderName::From).unwrap();
    assert!(from.starts_with("\"Sales: 1001\" <sip:1001@"), "{from}");
    // Both ring; 1003 answers: 1002 is cancelled.
    let (ringing, invite) = (to_2[0].clone(), to_3[0].clone());
    w.deliver(phone("1002"), &answer(&ringing, 180, "Ringing"));
    w.deliver(phone("1003"), &answer(&invite, 180, "Ringing"));
    let sent = w.deliver(phone("1003"), &answer(&invite, 200, "OK"));
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    let to_2: Vec<_> = requests_to(&sent, phone("1002"))
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(to_2, [Method::Cancel], "{sent:?}");
}

#[test]
fn members_ring_one_after_another_and_round_robin_goes_on_after_the_last_to_answer() {
    let mut w = world();
    w.ep.set_plan(plan_with(group(
        Strategy::RoundRobin,
        &["1002", "1003", "1004"],
        Target::HangUp,
    )));
    let sent = w.call("1001", "600");
    let first = invites_to(&sent, "1002");
    assert_eq!(first.len(), 1, "1002 rings first: {sent:?}");
    assert!(invites_to(&sent, "1003").is_empty());
    let invite = first[0].clone();
    w.deliver(phone("1002"), &answer(&invite, 180, "Ringing"));
    let sent = w.wait(4);
    assert!(
        invites_to(&sent, "1003").is_empty(),
        "1003 rang before 1002's 5 s"
    );
    let sent = w.wait(2);
    let methods: Vec<_> = requests_to(&sent, phone("1002"))
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert!(methods.contains(&Method::Cancel), "{sent:?}");
    // (Sent again, unanswered, within the two seconds: one INVITE all the same.)
    let next = invites_to(&sent, "1003");
    assert!(!next.is_empty(), "{sent:?}");
    let via = |r: &switchboard_sip::Request| r.headers.get(&HeaderName::Via).unwrap().to_owned();
    assert!(next.iter().all(|r| via(r) == via(next[0])), "{sent:?}");
    let invite = next[0].clone();
    w.deliver(phone("1003"), &answer(&invite, 180, "Ringing"));
    let sent = w.deliver(phone("1003"), &answer(&invite, 200, "OK"));
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    // The next call begins after 1003, with 1004.
    let sent = w.call("1002", "600");
    assert_eq!(invites_to(&sent, "1004").len(), 1, "{sent:?}");
    assert!(invites_to(&sent, "1003").is_empty());
}

#[test]
fn nobody_answering_goes_to_the_groups_destination() {
    let mut w = world();
    w.ep.set_plan(plan_with(group(
        Strategy::RingAll,
        &["1002", "1003"],
        Target::Voicemail("1005".into()),
    )));
    let sent = w.call("1001", "600");
    for n in ["1002", "1003"] {
        let invite = invites_to(&sent, n)[0].clone();
        w.deliver(phone(n), &answer(&invite, 180, "Ringing"));
    }
    w.notices();
    let sent = w.wait(7);
    assert!(
        finals_to(&sent, phone("1001")).is_empty(),
        "before the 8 s: {sent:?}"
    );
    let sent = w.wait(2);
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    assert_eq!(
        answered_by(&mut w),
        Some(Service::Voicemail {
            mailbox: "1005".into(),
            busy: false
        })
    );
    // Members none of whom can ring: straight to the destination.
    w.ep.set_plan(plan_with(group(
        Strategy::Hunt,
        &["1005"],
        Target::Voicemail("1005".into()),
    )));
    let sent = w.call("1002", "600");
    assert_eq!(finals_to(&sent, phone("1002"))[0].code, 200);
    assert!(invites_to(&sent, "1005").is_empty());
}

#[test]
fn a_schedule_decides_by_the_time_and_an_ivr_number_is_answered() {
    let mut w = world();
    let mut plan = Plan::default();
    plan.numbers
        .insert("700".into(), Target::Schedule("office".into()));
    plan.numbers
        .insert("500".into(), Target::Ivr("main".into()));
    // Open in even minutes (a stand-in for office hours).
    let decide = Arc::new(|unix: u64| {
        if (unix / 60).is_multiple_of(2) {
            Target::Ivr("main".into())
        } else {
            Target::Extension("1003".into())
        }
    });
    plan.schedules.insert(
        "office".into(),
        Schedule {
            name: "office".into(),
            decide,
        },
    );
    w.ep.set_plan(plan);
    w.unix = 60 * 1000;
    w.notices();
    let sent = w.call("1001", "700");
    assert_eq!(finals_to(&sent, phone("1001"))[0].code, 200);
    assert_eq!(
        answered_by(&mut w),
        Some(Service::Ivr {
            name: "main".into(),
            number: "700".into()
        })
    );
    w.unix += 60;
    let sent = w.call("1002", "700");
    assert_eq!(
        invites_to(&sent, "1003").len(),
        1,
        "closed: 1003 rings: {sent:?}"
    );
    let sent = w.call("1004", "500");
    assert_eq!(finals_to(&sent, phone("1004"))[0].code, 200);
}

#[test]
fn who_answered_is_reported_and_taken_back_after_a_restart() {
    let mut w = world();
    w.ep.set_plan(plan_with(group(
        Strategy::RoundRobin,
        &["1002", "1003", "1004"],
        Target::HangUp,
    )));
    let sent = w.call("1001", "600");
    let invite = invites_to(&sent, "1002")[0].clone();
    w.deliver(phone("1002"), &answer(&invite, 200, "OK"));
    let answered: Vec<_> = w
        .notices()
        .into_iter()
        .filter_map(|n| match n {
            Notice::GroupAnswered { group, member, at } => Some((group, member, at)),
            _ => None,
        })
        .collect();
    assert_eq!(answered, [("sales".into(), "1002".into(), w.unix)]);
    // A new endpoint told who answered last goes on after 1003.
    let mut again = world();
    again.ep.set_plan(plan_with(group(
        Strategy::RoundRobin,
        &["1002", "1003", "1004"],
        Target::HangUp,
    )));
    again.ep.set_group_answers(vec![
        ("sales".into(), "1002".into(), 10),
        ("sales".into(), "1003".into(), 20),
    ]);
    let sent = again.call("1001", "600");
    assert_eq!(invites_to(&sent, "1004").len(), 1, "{sent:?}");
}
