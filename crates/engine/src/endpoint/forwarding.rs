//! Where a call goes when the extension called does not take it (see
//! [`crate::call::forwarding`]): before anything rings (forward always,
//! do-not-disturb, busy at its call limit, no phone registered) and while
//! it rings (every phone busy, or nobody answered within the ring time).
//! A rule sends the call to the extension's voicemail, which Switchboard
//! answers itself, or to another extension, whose own rules then apply,
//! up to [`MAX_FORWARDS`] times; without a rule the caller hears the
//! failure. An external number needs a trunk, which does not exist yet.

use super::services::{Answering, Service};
use super::Endpoint;
use crate::call::forwarding::{Forward, Reason};
use crate::call::media::MediaOrder;
use crate::call::{Disposition, GroupRinging, Phase};
use crate::registrar::{Account, Binding};
use std::time::{Duration, Instant};
use switchboard_sip::sdp::Sdp;

/// How many times one call may be forwarded: beyond, rules that forward
/// in a circle would ring for ever.
pub(super) const MAX_FORWARDS: u32 = 5;

/// Where a call goes.
#[derive(Debug)]
pub(super) enum Route {
    /// Ring these phones.
    Ring(Ringing),
    /// Switchboard answers: voicemail, an IVR, an announcement.
    Answer(Service),
    Fail(Failure),
}

/// Phones to ring for a call: of one extension, or of a ring group's
/// members.
#[derive(Debug)]
pub(super) struct Ringing {
    pub phones: Vec<(Account, Vec<Binding>)>,
    /// The extension rung (none while a group rings all its members).
    pub target: String,
    pub ring_for: Duration,
    pub group: Option<GroupRinging>,
    /// Not phones but a trunk: the call goes out.
    pub outbound: Option<Box<crate::call::OutboundCall>>,
}

/// How a call that goes nowhere ends: the caller's answer and the record.
#[derive(Clone, Debug)]
pub(super) struct Failure {
    pub code: u16,
    pub reason: String,
    pub disposition: Disposition,
    pub cause: String,
    pub side: &'static str,
    /// The capacity plan's limit refused it.
    pub at_capacity: bool,
}

impl Failure {
    /// The failure a caller hears when `reason` has no rule.
    fn of(reason: Reason) -> Failure {
        let (code, text, disposition, cause) = match reason {
            Reason::Busy => (486, "Busy Here", Disposition::Busy, "486"),
            Reason::NoAnswer => (
                480,
                "Temporarily Unavailable (no answer)",
                Disposition::NoAnswer,
                "no answer",
            ),
            Reason::Unregistered | Reason::Always => (
                480,
                "Temporarily Unavailable (not registered)",
                Disposition::Failed,
                "480",
            ),
        };
        Failure {
            code,
            reason: text.to_owned(),
            disposition,
            cause: cause.to_owned(),
            side: "system",
            at_capacity: false,
        }
    }

    pub(super) fn new(code: u16, reason: &str) -> Failure {
        Failure {
            code,
            reason: reason.to_owned(),
            disposition: Disposition::Failed,
            cause: code.to_string(),
            side: "system",
            at_capacity: false,
        }
    }
}

/// What one rule of an extension's says.
enum Next {
    Extension(Account),
    Voicemail {
        mailbox: String,
        busy: bool,
    },
    /// Out through a trunk.
    External(String),
    Fail(Failure),
}

impl Endpoint {
    /// Where a new call to `account` goes, `forwards` forwards in.
    pub(super) fn route(&self, mut account: Account, now_unix: u64, mut forwards: u32) -> Route {
        loop {
            let rules = &account.forwarding;
            let reason = if rules.always != Forward::None {
                Reason::Always
            } else if rules.dnd
                || self.calls.count_for(&account.number) >= self.call_limit(&account)
            {
                Reason::Busy
            } else {
                let phones = self.registered_phones(&account.number, now_unix);
                if !phones.is_empty() {
                    return Route::Ring(Ringing {
                        target: account.number.clone(),
                        ring_for: self.ring_time(&account),
                        phones: vec![(account, phones)],
                        group: None,
                        outbound: None,
                    });
                }
                Reason::Unregistered
            };
            match self.next(&account, reason, Failure::of(reason)) {
                Next::Extension(next) if forwards < MAX_FORWARDS => {
                    account = next;
                    forwards += 1;
                }
                Next::Extension(_) => {
                    return Route::Fail(Failure::new(482, "Loop Detected (forwarding)"))
                }
                Next::Voicemail { mailbox, busy } => {
                    return Route::Answer(Service::Voicemail { mailbox, busy })
                }
                Next::External(number) => return self.route_external(&number, Some(&account)),
                Next::Fail(f) => return Route::Fail(f),
            }
        }
    }

    /// What `account`'s rule for `reason` says; `failure` when none.
    fn next(&self, account: &Account, reason: Reason, failure: Failure) -> Next {
        match account.forwarding.rule(reason) {
            Forward::None => Next::Fail(failure),
            Forward::Voicemail => Next::Voicemail {
                mailbox: account.number.clone(),
                busy: reason == Reason::Busy,
            },
            Forward::Extension(number) => match self.registrar.directory.by_number(number) {
                Some(next) if next.enabled => Next::Extension(next.clone()),
                Some(_) => Next::Fail(Failure::new(
                    480,
                    "Temporarily Unavailable (forwarded to a disabled extension)",
                )),
                None => Next::Fail(Failure::new(
                    404,
                    "Not Found (forwarded to an extension that does not exist)",
                )),
            },
            Forward::External(number) => Next::External(number.clone()),
        }
    }

    /// The extension ringing for call `id` did not take it (`reason`):
    /// the call goes where its rule says, or ends with `failure`.
    pub(super) fn not_taken(&mut self, now: Instant, id: u64, reason: Reason, failure: Failure) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        if call.phase != Phase::Ringing {
            return;
        }
        let forwards = call.forwards;
        if let Some(group) = call.group.take() {
            let dialed = call.callee.clone();
            let route = self.next_member(group, &dialed, forwards);
            self.cancel_all(now, id);
            return self.take_route(now, id, route);
        }
        let account = self.registrar.directory.by_number(&call.target).cloned();
        let next = match &account {
            Some(account) => self.next(account, reason, failure.clone()),
            None => Next::Fail(failure),
        };
        let route = match next {
            Next::Extension(_) if forwards >= MAX_FORWARDS => {
                Route::Fail(Failure::new(482, "Loop Detected (forwarding)"))
            }
            Next::Extension(next) => self.route(next, self.clock_unix, forwards + 1),
            Next::Voicemail { mailbox, busy } => {
                Route::Answer(Service::Voicemail { mailbox, busy })
            }
            Next::External(number) => self.route_external(&number, account.as_ref()),
            Next::Fail(f) => Route::Fail(f),
        };
        self.cancel_all(now, id);
        self.take_route(now, id, route);
    }

    /// Call `id`, its phones cancelled, goes where `route` says.
    pub(super) fn take_route(&mut self, now: Instant, id: u64, route: Route) {
        match route {
            Route::Ring(ringing) => {
                self.calls.set_target(id, ringing.target);
                let Some(call) = self.calls.calls.get_mut(&id) else {
                    return;
                };
                call.group = ringing.group;
                let goes_out = ringing.outbound.is_some() && call.outbound.is_none();
                if ringing.outbound.is_some() {
                    call.outbound = ringing.outbound;
                }
                call.forwards += 1;
                call.ring_deadline = now + ringing.ring_for;
                // Rare enough (a forward while ringing) to read the offer again.
                let offer = if call.answer_in_ack || call.bridged.is_some() {
                    None
                } else {
                    Sdp::parse(&call.invite.body).ok()
                };
                if goes_out {
                    self.external_changed();
                }
                self.ring(now, id, ringing.phones, offer.as_ref());
            }
            Route::Answer(service) => self.send_to_service(now, id, service),
            Route::Fail(f) => {
                self.count_refusal(&f);
                self.fail_call(now, id, f.code, &f.reason);
                self.end_call(id, f.disposition, &f.cause, f.side);
            }
        }
    }

    /// The phones of extension `number` registered at `now_unix`.
    pub(super) fn registered_phones(&self, number: &str, now_unix: u64) -> Vec<Binding> {
        self.registrar
            .location
            .bindings(number)
            .iter()
            .filter(|b| b.expires_at >= now_unix)
            .cloned()
            .collect()
    }

    /// How long `account`'s phones ring.
    pub(super) fn ring_time(&self, account: &Account) -> Duration {
        let seconds = account
            .forwarding
            .ring_time
            .map_or(self.config.calls.ring_time, u64::from);
        Duration::from_secs(seconds)
    }

    /// Call `id`, still ringing and its phones cancelled, is answered by
    /// Switchboard instead: its relay closes, and the caller's INVITE gets
    /// Switchboard's answer, in the dialog its provisional answers began.
    fn send_to_service(&mut self, now: Instant, id: u64, service: Service) {
        if self.is_bridged(id) {
            return self.not_put_through(now, id, Some(service));
        }
        let Some(call) = self.calls.remove(id) else {
            return;
        };
        self.ports.give_back(call.caller_port);
        self.ports.give_back(call.callee_port);
        self.notices
            .push_back(super::Notice::Media(MediaOrder::Close { call: id }));
        let answering = Answering {
            key: call.invite_key,
            dialog: call.a,
            caller: call.caller,
            started_at: call.started_at,
            id,
            trunk: call.trunk_in,
        };
        self.accept_service(now, &call.invite, answering, service);
    }
}
