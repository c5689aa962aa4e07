//! Calls to call flows (see [`crate::call::plan`]): a number that is a
//! ring group, an IVR or a schedule, and every destination such a flow
//! names. A schedule decides at the moment of the call; a ring group rings
//! its available members (not busy, not on do-not-disturb, registered)
//! all at once or one after another, then sends the call to its no-answer
//! destination; an IVR or an announcement is answered by Switchboard.

use super::forwarding::{Failure, Ringing, Route, MAX_FORWARDS};
use super::services::Service;
use super::Endpoint;
use crate::call::plan::{Plan, Strategy, Target};
use crate::call::GroupRinging;
use crate::registrar::{Account, Binding};

impl Endpoint {
    /// The call flows from now on.
    pub fn set_plan(&mut self, plan: Plan) {
        self.plan = plan;
    }

    /// What internal number `dialed` is, when it is a flow's.
    pub(super) fn flow_number(&self, dialed: &str) -> Option<Target> {
        self.plan.numbers.get(dialed).cloned()
    }

    /// Where a call to `target` goes, `hops` steps into its flow; `dialed`
    /// is the number the caller dialed (the record's callee).
    pub(super) fn route_to(&self, target: &Target, dialed: &str, hops: u32) -> Route {
        if hops > MAX_FORWARDS {
            return Route::Fail(Failure::new(482, "Loop Detected (call flow)"));
        }
        match target {
            Target::Extension(n) => match self.registrar.directory.by_number(n) {
                Some(a) if a.enabled => self.route(a.clone(), self.clock_unix, hops),
                Some(_) => Route::Fail(Failure::new(480, "Temporarily Unavailable")),
                None => Route::Fail(Failure::new(404, "Not Found")),
            },
            Target::RingGroup(name) => self.route_group(name, dialed, hops),
            Target::Schedule(name) => match self.plan.schedules.get(name) {
                Some(s) => self.route_to(&(s.decide)(self.clock_unix), dialed, hops + 1),
                None => Route::Fail(Failure::new(404, "Not Found (no such schedule)")),
            },
            Target::Ivr(name) => Route::Answer(Service::Ivr {
                name: name.clone(),
                number: dialed.to_owned(),
            }),
            Target::Voicemail(mailbox) => Route::Answer(Service::Voicemail {
                mailbox: mailbox.clone(),
                busy: false,
            }),
            Target::Announcement(sound) => Route::Answer(Service::Announcement {
                sound: sound.clone(),
                number: dialed.to_owned(),
            }),
            Target::External(number) => self.route_external(number, None),
            Target::HangUp => Route::Fail(Failure::new(
                480,
                "Temporarily Unavailable (the call flow hangs up)",
            )),
        }
    }

    fn route_group(&self, name: &str, dialed: &str, hops: u32) -> Route {
        let Some(g) = self.plan.groups.get(name) else {
            return Route::Fail(Failure::new(404, "Not Found (no such ring group)"));
        };
        let order = self.answers.order(g);
        let mut group = GroupRinging {
            name: g.name.clone(),
            next: order.into(),
            no_answer: g.no_answer.clone(),
            caller_id_prefix: g.caller_id_prefix.clone(),
        };
        if g.strategy != Strategy::RingAll {
            return self.next_member(group, dialed, hops);
        }
        let phones: Vec<(Account, Vec<Binding>)> = group
            .next
            .drain(..)
            .filter_map(|(m, _)| self.available(&m))
            .collect();
        if phones.is_empty() {
            return self.route_to(&group.no_answer, dialed, hops + 1);
        }
        Route::Ring(Ringing {
            phones,
            target: String::new(),
            ring_for: g.ring_time,
            group: Some(group),
            outbound: None,
        })
    }

    /// The next available member of a group ringing one after another;
    /// after the last, the group's no-answer destination.
    pub(super) fn next_member(&self, mut group: GroupRinging, dialed: &str, hops: u32) -> Route {
        while let Some((member, ring_for)) = group.next.pop_front() {
            if let Some(phones) = self.available(&member) {
                return Route::Ring(Ringing {
                    phones: vec![phones],
                    target: member,
                    ring_for,
                    group: Some(group),
                    outbound: None,
                });
            }
        }
        self.route_to(&group.no_answer, dialed, hops + 1)
    }

    /// Extension `number` and its registered phones, when a group may ring
    /// it: enabled, not on do-not-disturb, below its call limit.
    fn available(&self, number: &str) -> Option<(Account, Vec<Binding>)> {
        let account = self.registrar.directory.by_number(number)?;
        if !account.enabled
            || account.forwarding.dnd
            || self.calls.count_for(number) >= self.call_limit(account)
        {
            return None;
        }
        let phones = self.registered_phones(number, self.clock_unix);
        (!phones.is_empty()).then(|| (account.clone(), phones))
    }

    /// Who of each ring group answered, and when (as kept from before).
    pub fn set_group_answers(&mut self, answers: Vec<(String, String, u64)>) {
        let mut by_time = answers;
        by_time.sort_by_key(|(.., at)| *at);
        for (group, member, at) in by_time {
            self.answers.answered(&group, &member, at);
        }
    }

    /// A member of the group ringing for `group` answered.
    pub(super) fn group_answered(&mut self, group: &str, member: &str) {
        self.answers.answered(group, member, self.clock_unix);
        self.notices.push_back(super::Notice::GroupAnswered {
            group: group.to_owned(),
            member: member.to_owned(),
            at: self.clock_unix,
        });
    }
}
