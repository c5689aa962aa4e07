//! Putting through a call Switchboard answered: an IVR's caller chose an
//! extension or a ring group. The answered call becomes a relayed call
//! whose caller leg is already up: the phones ring with Switchboard's
//! offer (the caller's codec first), the caller hears ringback from the
//! flow meanwhile, and the first phone to answer is joined to the
//! caller's leg (transcoding when it chose another codec). When nobody
//! takes it, the call goes back to being answered by Switchboard and its
//! flow goes on where the destination leads (voicemail, an IVR), or tells
//! the caller and ends.

use super::forwarding::Route;
use super::services::Service;
use super::{Endpoint, Notice};
use crate::call::media::{self, MediaOrder, Side};
use crate::call::plan::Target;
use crate::call::{Bridged, Call, Phase};
use rand::Rng;
use std::time::Instant;
use switchboard_sip::Response;

impl Endpoint {
    /// The flow of answered call `id` (as the API names it) asks for it to
    /// be put through to `target`; false when there is no such call.
    pub fn connect(&mut self, now: Instant, now_unix: u64, id: &str, target: Target) -> bool {
        let Some(id) = u64::from_str_radix(id, 16)
            .ok()
            .filter(|id| self.services.contains(*id))
        else {
            return false;
        };
        self.clock_unix = now_unix;
        let answered = self.services.take(id).expect("looked up above");
        let route = self.route_to(&target, &answered.number.clone(), 0);
        let ringing = match route {
            Route::Ring(ringing) => ringing,
            Route::Answer(service) => {
                self.services.put_back(id, answered);
                self.go_on(id, Some(service));
                return true;
            }
            Route::Fail(f) => {
                self.count_refusal(&f);
                self.services.put_back(id, answered);
                self.go_on(id, None);
                return true;
            }
        };
        let Some(codec) = media::leg_codec(&answered.sdp) else {
            self.services.put_back(id, answered);
            self.go_on(id, None);
            return true;
        };
        let Some(callee_port) = self.ports.take_random(&mut self.rng) else {
            self.services.put_back(id, answered);
            self.go_on(id, None);
            return true;
        };
        let call = Call {
            id,
            caller: answered.caller.clone(),
            callee: answered.number.clone(),
            target: ringing.target,
            forwards: 0,
            first_branch: 0,
            invite: answered.invite.clone(),
            invite_key: answered.invite_key.clone(),
            a: answered.dialog.clone(),
            branches: Vec::new(),
            b: None,
            phase: Phase::Ringing,
            ring_deadline: now + ringing.ring_for,
            caller_port: answered.port,
            callee_port,
            sdp_session: u64::from(self.rng.gen::<u32>()),
            sdp_version: 1,
            started_at: answered.started_at,
            answered_at: Some(answered.answered_at),
            codec: None,
            sdp_sent: [Some(answered.sdp.clone()), None],
            pending: None,
            timers: [None, None],
            answer_in_ack: false,
            transcoding: None,
            codecs: None,
            recording: false,
            star: None,
            music: None,
            group: ringing.group,
            trunk_in: answered.trunk.clone(),
            outbound: ringing.outbound,
            bridged: Some(Box::new(Bridged { codec, answered })),
        };
        let goes_out = call.outbound.is_some();
        self.calls.dialogs.insert(
            (call.a.call_id.clone(), call.a.local_tag.clone()),
            (id, Side::Caller),
        );
        self.notices.push_back(Notice::CallChanged(call.live()));
        self.calls.insert(Box::new(call));
        if goes_out {
            self.external_changed();
        }
        self.ring(now, id, ringing.phones, None);
        self.drain(now, now_unix);
        true
    }

    /// Whether call `id` was answered by Switchboard before it rang.
    pub(super) fn is_bridged(&self, id: u64) -> bool {
        self.calls
            .calls
            .get(&id)
            .is_some_and(|c| c.bridged.is_some())
    }

    /// Nobody took the put-through call `id`: it is Switchboard's answered
    /// call again, and its flow goes on with `service` (or tells the
    /// caller, with none).
    pub(super) fn not_put_through(&mut self, now: Instant, id: u64, service: Option<Service>) {
        self.cancel_all(now, id);
        let Some(mut call) = self.calls.remove(id) else {
            return;
        };
        self.ports.give_back(call.callee_port);
        let Some(bridged) = call.bridged.take() else {
            return;
        };
        let mut answered = bridged.answered;
        answered.dialog = call.a;
        self.services.put_back(id, answered);
        self.go_on(id, service);
    }

    fn go_on(&mut self, id: u64, service: Option<Service>) {
        self.notices
            .push_back(Notice::Media(MediaOrder::Continue { call: id, service }));
    }

    /// A phone answered put-through call `id` with `response`: the relay
    /// joins the caller's leg to it, transcoding when its codec differs.
    pub(super) fn put_through(&mut self, id: u64, response: &Response) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let Some(bridged) = &call.bridged else {
            return;
        };
        let sdp = switchboard_sip::sdp::Sdp::parse(&response.body).ok();
        let callee = sdp.as_ref().and_then(media::leg_codec);
        let peer = sdp.as_ref().and_then(media::audio_peer);
        self.notices.push_back(Notice::Media(MediaOrder::Bridge {
            call: id,
            callee_port: call.callee_port,
            callee: peer,
        }));
        let caller = bridged.codec.clone();
        match callee {
            Some(callee) if !callee.name.eq_ignore_ascii_case(caller.name) => {
                call.codec = Some(format!("{} to {}", caller.name, callee.name));
                call.transcoding = Some([caller.clone(), callee.clone()]);
                self.notices.push_back(Notice::Media(MediaOrder::Transcode {
                    call: id,
                    caller,
                    callee,
                }));
            }
            _ => call.codec = Some(caller.name.to_owned()),
        }
    }
}
