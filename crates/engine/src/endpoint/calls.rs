//! The call flow between extensions (see [`crate::call`]): an
//! authenticated INVITE rings every phone of the called extension at once;
//! ringing and early media come back to the caller; the first phone to
//! answer wins and the others are cancelled; either side's BYE ends both
//! legs; the caller's CANCEL, busy phones, no answer within the ring time,
//! an unregistered or unknown extension and the call limit each end the
//! call with the answer a phone expects. Every call leaves a record.

use super::forwarding::{Failure, Route};
use super::services::Service;
use super::session_timer::{session_expires, MIN_SE};
use super::trunk_calls::Origin;
use super::{Endpoint, Notice, Transmit};
use crate::call::forwarding::Reason;
use crate::call::media::{self, MediaEvent, MediaOrder, Side};
use crate::call::{call_id_text, Branch, Call, CallRecord, Dialog, Disposition, Phase};
use crate::registrar::{Account, Arrival, Binding};
use rand::Rng;
use std::net::IpAddr;
use std::time::Instant;
use switchboard_sip::sdp::Sdp;
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Headers, Message, Method, Request, Response, Uri};

const SDP: &str = "application/sdp";

impl Endpoint {
    /// A new INVITE from an authenticated extension.
    pub(super) fn start_call(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        caller: Account,
    ) {
        let origin = Origin {
            caller: caller.number.clone(),
            trunk: None,
        };
        let refuse = |this: &mut Endpoint, code: u16, reason: &str| {
            this.refuse_call(now, &key, &req, arrival, &origin, code, reason);
        };
        if let Some((interval, _)) = session_expires(&req.headers) {
            if interval < MIN_SE {
                let tag = self.tag();
                let mut r = Response::to(&req, 422, Some(&tag));
                r.headers.push(HeaderName::MinSe, MIN_SE.to_string());
                return self.respond(now, &key, r);
            }
        }
        let Some(dialed) = dialed_number(&req.uri) else {
            return refuse(self, 404, "Not Found");
        };
        if let Some(service) = Service::for_number(&dialed) {
            return self.answer_service(now, key, req, arrival, origin, service);
        }
        // A flow's number, or an extension's; anything else goes out
        // through a trunk, if a rule lets it.
        let target = match self.flow_number(&dialed) {
            Some(target) => target,
            None => match self.registrar.directory.by_number(&dialed) {
                None => return self.dial_out(now, key, req, arrival, &caller, dialed),
                Some(callee) if !callee.enabled => {
                    return refuse(self, 480, "Temporarily Unavailable")
                }
                Some(_) => crate::call::plan::Target::Extension(dialed.clone()),
            },
        };
        if self.calls.count_for(&caller.number) >= self.call_limit(&caller) {
            return refuse(self, 403, "Forbidden (call limit reached)");
        }
        // The callee's forwarding (or the flow) decides whose phones ring.
        let route = self.route_to(&target, &dialed, 0);
        self.set_up(now, key, req, arrival, origin, dialed, route);
    }

    /// Refuses a new call before anything rang; it still leaves its
    /// record.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn refuse_call(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        arrival: &Arrival,
        origin: &Origin,
        code: u16,
        reason: &str,
    ) {
        self.refuse_with(now, key, req, arrival, origin, code, reason, Vec::new());
    }

    /// As [`Endpoint::refuse_call`], with more headers in the answer.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn refuse_with(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        arrival: &Arrival,
        origin: &Origin,
        code: u16,
        reason: &str,
        headers: Vec<(HeaderName, String)>,
    ) {
        let tag = self.tag();
        let mut r = Response::to(req, code, Some(&tag)).with_reason(reason.to_owned());
        for (name, value) in headers {
            r.headers.push(name, value);
        }
        self.respond(now, key, r);
        let at = arrival.now as i64;
        self.notices.push_back(Notice::CallEnded(CallRecord {
            id: call_id_text(self.rng.gen()),
            caller: origin.caller.clone(),
            callee: dialed_number(&req.uri).unwrap_or_default(),
            started_at: at,
            answered_at: None,
            ended_at: at,
            disposition: if code == 486 {
                Disposition::Busy
            } else {
                Disposition::Failed
            },
            hangup_cause: code.to_string(),
            hangup_side: "system".to_owned(),
            codec: None,
            legs: req
                .headers
                .call_id()
                .map(|c| c.to_string())
                .into_iter()
                .collect(),
        }));
        self.counters.calls += 1;
    }

    /// Sets up a new call `route` says where to take: phones to ring, a
    /// trunk to dial, Switchboard's answer, or a failure.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn set_up(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        origin: Origin,
        dialed: String,
        route: Route,
    ) {
        let ringing = match route {
            Route::Ring(ringing) => ringing,
            Route::Answer(service) => {
                return self.answer_service(now, key, req, arrival, origin, service);
            }
            Route::Fail(failure) => {
                self.count_refusal(&failure);
                let headers = if failure.at_capacity {
                    vec![(
                        HeaderName::Warning,
                        "399 switchboard \"the capacity plan's external lines are all in use\""
                            .to_owned(),
                    )]
                } else {
                    Vec::new()
                };
                return self.refuse_with(
                    now,
                    &key,
                    &req,
                    arrival,
                    &origin,
                    failure.code,
                    &failure.reason,
                    headers,
                );
            }
        };
        let reject = |this: &mut Endpoint, code: u16, reason: &str| {
            this.refuse_call(now, &key, &req, arrival, &origin, code, reason);
        };
        // No body at all is a late offer: Switchboard offers to the callee
        // and, in its 200, to the caller, whose answer comes in the ACK.
        let offer = if req.body.is_empty() {
            None
        } else {
            let sdp = match req.headers.content_type() {
                Ok(Some(t))
                    if t.kind.eq_ignore_ascii_case("application")
                        && t.subtype.eq_ignore_ascii_case("sdp") =>
                {
                    Sdp::parse(&req.body).ok()
                }
                _ => None,
            };
            let Some(sdp) = sdp else {
                return reject(
                    self,
                    488,
                    "Not Acceptable Here (the body is not an SDP offer)",
                );
            };
            Some(sdp)
        };
        let Some(caller_port) = self.ports.take_random(&mut self.rng) else {
            return reject(self, 503, "Service Unavailable (no media ports left)");
        };
        let Some(callee_port) = self.ports.take_random(&mut self.rng) else {
            self.ports.give_back(caller_port);
            return reject(self, 503, "Service Unavailable (no media ports left)");
        };
        if req.headers.from().is_err() {
            return reject(self, 400, "Bad Request (From)");
        }
        if req.headers.to().is_err() {
            return reject(self, 400, "Bad Request (To)");
        }
        let tag = self.tag();
        let a = caller_dialog(&req, &tag, arrival);
        let id: u64 = self.rng.gen();
        let external = origin.trunk.is_some() || ringing.outbound.is_some();
        let call = Call {
            id,
            caller: origin.caller.clone(),
            callee: dialed,
            target: ringing.target,
            forwards: 0,
            first_branch: 0,
            invite: req.clone(),
            invite_key: key.clone(),
            a,
            branches: Vec::new(),
            b: None,
            phase: Phase::Ringing,
            ring_deadline: now + ringing.ring_for,
            caller_port,
            callee_port,
            sdp_session: u64::from(self.rng.gen::<u32>()),
            sdp_version: 1,
            started_at: arrival.now as i64,
            answered_at: None,
            codec: None,
            sdp_sent: [None, None],
            pending: None,
            timers: [None, None],
            answer_in_ack: offer.is_none(),
            transcoding: None,
            codecs: None,
            recording: false,
            star: None,
            music: None,
            group: ringing.group,
            bridged: None,
            trunk_in: origin.trunk.clone(),
            outbound: ringing.outbound,
        };
        self.notices.push_back(Notice::Media(MediaOrder::Open {
            call: id,
            caller_port,
            callee_port,
            caller: offer.as_ref().and_then(media::audio_peer),
        }));
        self.calls.invites.insert(key, id);
        self.calls.dialogs.insert(
            (call.a.call_id.clone(), call.a.local_tag.clone()),
            (id, Side::Caller),
        );
        self.notices.push_back(Notice::CallChanged(call.live()));
        self.calls.insert(Box::new(call));
        self.counters.active_calls = self.active_calls() as u64;
        if external {
            self.external_changed();
        }
        self.ring(now, id, ringing.phones, offer.as_ref());
    }

    /// Rings `phones` (of one extension, or of a ring group's members) for
    /// call `id`: one INVITE each, offering the caller's SDP `offer` (or
    /// Switchboard's, after a late offer) pointed at the relay. A call no
    /// phone can be rung for ends.
    pub(super) fn ring(
        &mut self,
        now: Instant,
        id: u64,
        phones: Vec<(Account, Vec<Binding>)>,
        offer: Option<&Sdp>,
    ) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        if call.outbound.is_some() {
            return self.dial_trunk(now, id, offer);
        }
        call.first_branch = call.branches.len();
        let name = call
            .invite
            .headers
            .from()
            .ok()
            .and_then(|f| f.display.as_ref().map(|d| d.replace('"', "")));
        // A group's prefix tells its members which group rang.
        let prefix = call.group.as_ref().and_then(|g| g.caller_id_prefix.clone());
        let display = match (prefix, name) {
            (Some(p), Some(n)) => format!("\"{}{n}\" ", p.replace('"', "")),
            (Some(p), None) => format!("\"{}{}\" ", p.replace('"', ""), call.caller),
            (None, Some(n)) => format!("\"{n}\" "),
            (None, None) => String::new(),
        };
        let bridged_codecs = self.leg_codecs(id, None);
        let phones = phones.into_iter().flat_map(|(account, bindings)| {
            let number = account.number;
            bindings.into_iter().map(move |b| (number.clone(), b))
        });
        for (number, phone) in phones {
            let Some(call) = self.calls.calls.get(&id) else {
                return;
            };
            let local = phone.local.clone();
            let host = local_host(&local).to_owned();
            let codecs = bridged_codecs
                .as_deref()
                .unwrap_or(&self.config.calls.codecs);
            let Some(sdp) = self.leg_offer(call, &local, codecs, offer) else {
                self.cancel_all(now, id);
                self.fail_call(now, id, 488, "Not Acceptable Here (no codec in common)");
                self.end_call(id, Disposition::Failed, "488", "system");
                return;
            };
            let caller_number = call.caller.clone();
            let mut dialog = Dialog {
                call_id: format!("{:016x}@switchboard", self.rng.gen::<u64>()),
                local_tag: self.tag(),
                remote_tag: String::new(),
                local_uri: format!("{display}<sip:{caller_number}@{host}>"),
                remote_uri: format!("<sip:{number}@{host}>"),
                remote_target: phone.uri.clone(),
                route: Vec::new(),
                local_cseq: 0,
                peer: phone.source,
                transport: phone.transport,
                local,
            };
            let invite = self.new_invite(&mut dialog, &sdp, Vec::new());
            let Ok(key) =
                self.layer
                    .send_request(now, invite.clone(), dialog.peer, dialog.transport)
            else {
                continue;
            };
            self.add_branch(id, key, invite, dialog, sdp, number, None);
        }
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        call.sdp_version += 1;
        if call.branches.len() == call.first_branch {
            self.fail_call(now, id, 480, "Temporarily Unavailable");
            self.end_call(id, Disposition::Failed, "no phone reachable", "system");
        }
    }

    /// Keeps a new branch of call `id`: the INVITE sent (as `key`) in
    /// `dialog`, offering `offer`, to `extension`'s phone or a trunk.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_branch(
        &mut self,
        id: u64,
        key: TransactionKey,
        invite: Request,
        dialog: Dialog,
        offer: Sdp,
        extension: String,
        trunk: Option<crate::call::TrunkLeg>,
    ) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        self.calls
            .branches
            .insert(key.clone(), (id, call.branches.len()));
        self.calls.dialogs.insert(
            (dialog.call_id.clone(), dialog.local_tag.clone()),
            (id, Side::Callee),
        );
        call.branches.push(Branch {
            invite,
            key,
            dialog,
            provisional: false,
            done: false,
            cancel_pending: false,
            final_code: None,
            offer,
            extension,
            trunk,
        });
    }

    /// A new leg's INVITE in `dialog` (To without a tag yet), offering
    /// `sdp`, with `extra` headers.
    pub(super) fn new_invite(
        &mut self,
        dialog: &mut Dialog,
        sdp: &Sdp,
        extra: Vec<(HeaderName, String)>,
    ) -> Request {
        let branch = self.layer.new_branch();
        let mut invite = dialog.request(Method::Invite, &branch, None);
        invite
            .headers
            .set(HeaderName::To, dialog.remote_uri.clone());
        invite
            .headers
            .push(HeaderName::Allow, self.caps.allow_header());
        for (name, value) in extra {
            invite.headers.push(name, value);
        }
        self.offer_session_timer(&mut invite.headers);
        let mut message = Message::Request(invite);
        message.set_body(Some(SDP), sdp.to_bytes().into());
        let Message::Request(invite) = message else {
            unreachable!("set_body keeps the kind")
        };
        invite
    }

    /// The codecs offered to a new leg of call `id`: `preferred` (a
    /// trunk's) or the server's, with the codec of a caller answered
    /// already first; none when that is just the server's list.
    pub(super) fn leg_codecs(&self, id: u64, preferred: Option<&[String]>) -> Option<Vec<String>> {
        let call = self.calls.calls.get(&id)?;
        let bridged = call.bridged.as_ref().map(|b| b.codec.name);
        if bridged.is_none() && preferred.is_none() {
            return None;
        }
        let mut codecs = preferred.unwrap_or(&self.config.calls.codecs).to_vec();
        if let Some(first) = bridged {
            codecs.retain(|c| !c.eq_ignore_ascii_case(first));
            codecs.insert(0, first.to_owned());
        }
        Some(codecs)
    }

    /// The SDP offered to a new leg of `call` reached at `local`: the
    /// caller's `offer` (none: a late offer, or a caller answered already)
    /// pointed at the relay, with `codecs`.
    pub(super) fn leg_offer(
        &self,
        call: &Call,
        local: &str,
        codecs: &[String],
        offer: Option<&Sdp>,
    ) -> Option<Sdp> {
        let address = self.media_address(local);
        let (session, version, port) = (call.sdp_session, call.sdp_version, call.callee_port);
        match offer {
            Some(offer) => {
                let mut sdp = offer.clone();
                let usable = media::rewrite(&mut sdp, address, port, codecs, session, version);
                // A phone that shares no codec with the caller may take
                // one Switchboard transcodes to.
                media::add_transcodable(&mut sdp, codecs);
                usable.then_some(sdp)
            }
            None => media::offer(address, port, codecs, session, version),
        }
    }

    /// A response on one of the INVITEs ringing the callee's phones; false
    /// when `key` is not such an INVITE.
    pub(super) fn branch_response(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: Response,
    ) -> bool {
        let Some(&(id, i)) = self.calls.branches.get(key) else {
            return false;
        };
        let code = response.code;
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return true;
        };
        if let Some(leg) = call.branches[i].trunk.as_mut() {
            // The trunk is there: it answered.
            leg.answer_by = None;
            if code >= 300 {
                if self.answer_trunk_challenge(now, id, i, &response) {
                    return true;
                }
                if let Some(out) = self
                    .calls
                    .calls
                    .get_mut(&id)
                    .and_then(|c| c.outbound.as_mut())
                {
                    out.last_failure = Some((code, response.reason.to_string()));
                }
            }
        }
        if code == 100 {
            return true;
        }
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return true;
        };
        let to_tag = response
            .headers
            .to()
            .ok()
            .and_then(|t| t.tag().map(|t| t.to_string()));
        let branch = &mut call.branches[i];
        if let Some(tag) = &to_tag {
            branch.dialog.remote_tag.clone_from(tag);
        }
        match code {
            101..=199 => {
                branch.provisional = true;
                if branch.cancel_pending {
                    self.cancel_branch(now, id, i);
                } else if call.phase == Phase::Ringing {
                    self.relay_to_caller(now, id, &response);
                }
            }
            200..=299 => {
                let wins = call.phase == Phase::Ringing && !branch.cancel_pending;
                let answered_here = call.b == Some(i);
                if wins {
                    self.answered(now, id, i, &response);
                } else {
                    self.ack_branch(id, i, &response);
                    if !answered_here {
                        self.bye(now, id, Side::Callee, Some(i));
                    }
                }
            }
            _ => {
                branch.done = true;
                branch.final_code = Some(code);
                self.branch_ended(now, id);
            }
        }
        true
    }

    /// An INVITE to a callee's phone got no answer at all.
    pub(super) fn branch_timed_out(&mut self, now: Instant, key: &TransactionKey) -> bool {
        let Some(&(id, i)) = self.calls.branches.get(key) else {
            return false;
        };
        if let Some(call) = self.calls.calls.get_mut(&id) {
            let b = &mut call.branches[i];
            if !b.done {
                b.done = true;
                b.final_code = Some(408);
                self.branch_ended(now, id);
            }
        }
        true
    }

    /// The caller cancelled its INVITE (`invite`).
    pub(super) fn caller_cancelled(&mut self, now: Instant, invite: &TransactionKey) {
        let Some(&id) = self.calls.invites.get(invite) else {
            self.lookup_cancelled(now, invite);
            return self.early_cancelled(now, invite);
        };
        if self.calls.calls.get(&id).map(|c| c.phase) != Some(Phase::Ringing) {
            return;
        }
        self.cancel_all(now, id);
        self.fail_call(now, id, 487, "Request Terminated");
        self.end_call(id, Disposition::Cancelled, "CANCEL", Side::Caller.as_str());
    }

    /// A request inside a call's dialog; false when it belongs to none.
    pub(super) fn in_dialog(&mut self, now: Instant, key: &TransactionKey, req: &Request) -> bool {
        let Some((id, side)) = self.dialog_of(req) else {
            return self.in_service_dialog(now, key, req);
        };
        let tag = self.tag();
        match req.method {
            Method::Bye => {
                self.respond(now, key, Response::to(req, 200, Some(&tag)));
                let answered = self.calls.calls.get(&id).map(|c| c.phase) == Some(Phase::Answered);
                if answered {
                    self.bye(now, id, side.other(), None);
                    self.end_call(id, Disposition::Answered, "BYE", side.as_str());
                } else if side == Side::Callee {
                    self.respond_branch_gone(now, id);
                } else if self.is_bridged(id) {
                    // The caller hung up while the phones rang for it.
                    self.cancel_all(now, id);
                    self.end_call(id, Disposition::Cancelled, "BYE", side.as_str());
                }
            }
            Method::Invite | Method::Update => self.mid_call_offer(now, key, req, id, side),
            Method::Info => self.info_in_call(now, key, req, id, side),
            _ => {
                let r = Response::to(req, 405, Some(&tag)).with_reason(format!(
                    "Method Not Allowed ({} is not relayed inside calls)",
                    req.method
                ));
                self.respond(now, key, r);
            }
        }
        true
    }

    /// The caller's ACK to the 200 of its INVITE. After a late offer it
    /// carries the answer to Switchboard's offer: where the caller
    /// receives; without a usable one the call cannot carry audio, and
    /// ends.
    pub(super) fn caller_ack(&mut self, now: Instant, ack: &Request) {
        let Some((id, Side::Caller)) = self.dialog_of(ack) else {
            return;
        };
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        if !call.answer_in_ack || call.phase != Phase::Answered {
            return;
        }
        call.answer_in_ack = false;
        let answer = Sdp::parse(&ack.body)
            .ok()
            .filter(|sdp| media::chosen_codec(sdp).is_some());
        let Some(answer) = answer else {
            return self.end_by_system(now, id, "no SDP answer in the ACK");
        };
        if let Some(peer) = media::audio_peer(&answer) {
            self.notices.push_back(Notice::Media(MediaOrder::Peer {
                call: id,
                side: Side::Caller,
                peer,
            }));
        }
    }

    /// Ends calls whose phones rang too long; runs the session timers.
    pub(super) fn call_timers(&mut self, now: Instant) {
        let due: Vec<u64> = self
            .calls
            .calls
            .values()
            .filter(|c| c.phase == Phase::Ringing && c.ring_deadline <= now)
            .map(|c| c.id)
            .collect();
        for id in due {
            let failure = Failure {
                code: 480,
                reason: "Temporarily Unavailable (no answer)".to_owned(),
                disposition: Disposition::NoAnswer,
                cause: "no answer".to_owned(),
                side: "system",
                at_capacity: false,
            };
            self.not_taken(now, id, Reason::NoAnswer, failure);
        }
        self.trunk_timers(now);
        self.session_timers(now);
    }

    /// What the relay reports: a call whose media stopped, or could not
    /// start, is ended.
    pub fn handle_media_event(&mut self, now: Instant, now_unix: u64, event: MediaEvent) {
        let (id, cause) = match event {
            MediaEvent::Key { call, side, key } => {
                self.clock_unix = now_unix;
                self.star_code(now, call, side, key);
                return self.drain(now, now_unix);
            }
            MediaEvent::Silent { call } => {
                let quiet_allowed = self
                    .calls
                    .calls
                    .get(&call)
                    .is_some_and(|c| c.phase == Phase::Ringing || c.on_hold());
                if quiet_allowed {
                    // No media is owed before the answer, nor on hold.
                    return;
                }
                (call, "media timeout")
            }
            MediaEvent::Failed { call } => (call, "media relay failed"),
        };
        self.clock_unix = now_unix;
        if self.services.contains(id) {
            self.hang_up_service(now, id, cause);
        }
        self.end_by_system(now, id, cause);
        self.drain(now, now_unix);
    }

    /// Ends call `id` (as the records and the API name it) on someone's
    /// request; false when there is no such call.
    pub fn hang_up(&mut self, now: Instant, now_unix: u64, id: &str, by: &str) -> bool {
        let Some(id) = u64::from_str_radix(id, 16)
            .ok()
            .filter(|id| self.calls.calls.contains_key(id) || self.services.contains(*id))
        else {
            return false;
        };
        self.clock_unix = now_unix;
        let cause = format!("hung up by {by}");
        self.hang_up_service(now, id, &cause);
        self.end_by_system(now, id, &cause);
        self.drain(now, now_unix);
        true
    }

    /// Shutting down: from now on a new call is refused with 503 and a
    /// Retry-After of `retry_after` seconds (phones try another server, or
    /// this one once it is back); calls in progress go on.
    pub fn stop_taking_calls(&mut self, retry_after: u32) {
        self.stopping = Some(retry_after);
    }

    /// Reserve each media port with `reserve` before it is used (the
    /// relay binds it there).
    pub fn set_media_port_reserve(&mut self, reserve: crate::call::media::Reserve) {
        self.ports.set_reserve(reserve);
    }

    /// How many calls are in progress.
    pub fn active_calls(&self) -> usize {
        self.calls.calls.len() + self.services.len()
    }

    /// Ends every call in progress, as [`hang_up`](Endpoint::hang_up) does.
    pub fn end_all_calls(&mut self, now: Instant, now_unix: u64, cause: &str) {
        self.clock_unix = now_unix;
        let ids: Vec<u64> = self.calls.calls.keys().copied().collect();
        for id in ids {
            self.end_by_system(now, id, cause);
        }
        for id in self.services.ids() {
            self.hang_up_service(now, id, cause);
        }
        self.drain(now, now_unix);
    }

    /// Ends a call from Switchboard's side: BYE to both phones, or the
    /// ringing ones cancelled.
    fn end_by_system(&mut self, now: Instant, id: u64, cause: &str) {
        let Some(phase) = self.calls.calls.get(&id).map(|c| c.phase) else {
            return;
        };
        if phase == Phase::Answered {
            self.bye(now, id, Side::Caller, None);
            self.bye(now, id, Side::Callee, None);
            self.end_call(id, Disposition::Answered, cause, "system");
        } else if self.is_bridged(id) {
            self.cancel_all(now, id);
            self.bye(now, id, Side::Caller, None);
            self.end_call(id, Disposition::Failed, cause, "system");
        } else {
            self.cancel_all(now, id);
            self.fail_call(now, id, 480, "Temporarily Unavailable");
            self.end_call(id, Disposition::Failed, cause, "system");
        }
    }

    pub(super) fn call_limit(&self, account: &Account) -> usize {
        let limit = match account.call_limit {
            0 => self.config.calls.default_call_limit,
            n => n,
        };
        limit as usize
    }

    fn dialog_of(&self, req: &Request) -> Option<(u64, Side)> {
        let call_id = req.headers.call_id().ok()?;
        let to = req.headers.to().ok()?;
        let tag = to.tag()?;
        self.calls
            .dialogs
            .get(&(call_id.to_string(), tag.to_string()))
            .copied()
    }

    /// The media address the phone reached at `local` must send to.
    pub(super) fn media_address(&self, local: &str) -> IpAddr {
        self.config
            .calls
            .media_address
            .or_else(|| local_host(local).trim_matches(['[', ']']).parse().ok())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]))
    }

    /// Relays a callee's provisional answer (or the 200) to the caller,
    /// its SDP pointed at the caller's side of the relay.
    fn relay_to_caller(&mut self, now: Instant, id: u64, from_callee: &Response) {
        let Some(call) = self.calls.calls.get(&id) else {
            return;
        };
        if call.bridged.is_some() {
            // The caller was answered already and hears the flow's ringback.
            if (200..300).contains(&from_callee.code) {
                self.put_through(id, from_callee);
            }
            return;
        }
        let address = self.media_address(&call.a.local);
        let call = self.calls.calls.get_mut(&id).expect("looked up above");
        let mut r = Response::to(&call.invite, from_callee.code, Some(&call.a.local_tag))
            .with_reason(from_callee.reason.to_string());
        r.headers.push(
            HeaderName::Contact,
            format!("<sip:switchboard@{}>", call.a.local),
        );
        let answer = Sdp::parse(&from_callee.body).ok();
        let mut order = None;
        let mut order_transcoding = None;
        let mut message = Message::Response(r);
        if let Some(mut sdp) = answer {
            if let Some(peer) = media::audio_peer(&sdp) {
                order = Some(MediaOrder::Peer {
                    call: id,
                    side: Side::Callee,
                    peer,
                });
            }
            // The callee chose a codec the caller did not offer: the caller
            // gets its own, and the relay transcodes.
            let chosen = media::leg_codec(&sdp);
            let caller_offer = Sdp::parse(&call.invite.body).ok();
            if let (Some(callee), Some(offer), None) = (chosen, &caller_offer, &call.transcoding) {
                if !media::offers(offer, callee.name) {
                    if let Some(caller) = media::leg_codec(offer) {
                        order_transcoding = Some(MediaOrder::Transcode {
                            call: id,
                            caller: caller.clone(),
                            callee: callee.clone(),
                        });
                        call.transcoding = Some([caller, callee]);
                    }
                }
            }
            if from_callee.code >= 200 {
                call.codec = match &call.transcoding {
                    Some([caller, callee]) => Some(format!("{} to {}", caller.name, callee.name)),
                    None => media::chosen_codec(&sdp),
                };
            }
            // A late offer's caller gets Switchboard's offer in the 200, and
            // no SDP before: an unreliable provisional cannot carry it.
            if from_callee.code >= 200 || !call.answer_in_ack {
                media::rewrite(
                    &mut sdp,
                    address,
                    call.caller_port,
                    &self.config.calls.codecs,
                    call.sdp_session,
                    call.sdp_version,
                );
                if let Some([caller, _]) = &call.transcoding {
                    media::set_codec(&mut sdp, caller);
                }
                call.sdp_version += 1;
                message.set_body(Some(SDP), sdp.to_bytes().into());
                if from_callee.code >= 200 {
                    call.sdp_sent[0] = Some(sdp);
                }
            }
        }
        let key = call.invite_key.clone();
        let Message::Response(mut r) = message else {
            unreachable!("set_body keeps the kind")
        };
        for order in [order, order_transcoding].into_iter().flatten() {
            self.notices.push_back(Notice::Media(order));
        }
        if (200..300).contains(&from_callee.code) {
            self.caller_session_timer(now, id, &mut r);
        }
        self.respond(now, &key, r);
    }

    /// Branch `i` answered first: it becomes the callee's leg.
    fn answered(&mut self, now: Instant, id: u64, i: usize, response: &Response) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        call.phase = Phase::Answered;
        call.b = Some(i);
        let caller_answered = call.answered_at.filter(|_| call.bridged.is_some());
        if let Some(group) = call.group.take() {
            let member = call.branches[i].extension.clone();
            self.calls.set_target(id, member.clone());
            self.group_answered(&group.name, &member);
        }
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        call.sdp_sent[1] = Some(call.branches[i].offer.clone());
        call.answered_at = caller_answered.or(Some(self.clock_unix as i64));
        let dialog = &mut call.branches[i].dialog;
        if let Some(target) = first_contact(&response.headers) {
            dialog.remote_target = target;
        }
        // A UAC's route set is the Record-Route in reverse (RFC 3261 §12.1.2).
        dialog.route = response
            .headers
            .get_all(&HeaderName::RecordRoute)
            .map(str::to_owned)
            .collect();
        dialog.route.reverse();
        call.branches[i].done = true;
        call.branches[i].final_code = Some(response.code);
        self.ack_branch(id, i, response);
        self.callee_session_timer(now, id, response);
        let others: Vec<usize> = (0..self.calls.calls[&id].branches.len())
            .filter(|&j| j != i)
            .collect();
        for j in others {
            self.cancel_branch(now, id, j);
        }
        self.relay_to_caller(now, id, response);
        if let Some(call) = self.calls.calls.get_mut(&id) {
            let callee = Sdp::parse(&response.body)
                .ok()
                .and_then(|s| media::leg_codec(&s));
            call.codecs = match (&call.transcoding, callee) {
                (Some(both), _) => Some(both.clone()),
                (None, Some(c)) => Some([c.clone(), c]),
                (None, None) => None,
            };
        }
        self.recording_at_answer(id);
        if let Some(call) = self.calls.calls.get(&id) {
            self.notices.push_back(Notice::CallChanged(call.live()));
        }
    }

    /// Sends the ACK for a 2xx from branch `i`.
    fn ack_branch(&mut self, id: u64, i: usize, response: &Response) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let branch = &mut call.branches[i];
        let mut dialog = branch.dialog.clone();
        if let Some(target) = first_contact(&response.headers) {
            dialog.remote_target = target;
        }
        let seq = response.headers.cseq().map(|c| c.seq).unwrap_or(1);
        let ack_branch = self.layer.new_branch();
        let mut ack = dialog.request(Method::Ack, &ack_branch, Some(seq));
        ack.headers.push(HeaderName::ContentLength, "0");
        self.outbox.push_back(Transmit {
            destination: dialog.peer,
            transport: dialog.transport,
            bytes: Message::Request(ack).to_bytes().into(),
        });
    }

    /// Sends BYE on one side (`branch` picks a callee branch other than the
    /// answered one).
    pub(super) fn bye(&mut self, now: Instant, id: u64, side: Side, branch: Option<usize>) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let dialog = match (side, branch.or(call.b)) {
            (Side::Caller, _) => &mut call.a,
            (Side::Callee, Some(i)) => &mut call.branches[i].dialog,
            (Side::Callee, None) => return,
        };
        let via_branch = self.layer.new_branch();
        let mut bye = dialog.request(Method::Bye, &via_branch, None);
        bye.headers.push(HeaderName::ContentLength, "0");
        let (peer, transport) = (dialog.peer, dialog.transport);
        let _ = self.layer.send_request(now, bye, peer, transport);
    }

    /// Cancels branch `i` now if it rang, or once it does.
    fn cancel_branch(&mut self, now: Instant, id: u64, i: usize) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let branch = &mut call.branches[i];
        if branch.done {
            return;
        }
        if !branch.provisional {
            branch.cancel_pending = true;
            return;
        }
        branch.cancel_pending = false;
        let invite = &branch.invite;
        let mut cancel = Request::new(Method::Cancel, invite.uri.clone());
        for name in [
            HeaderName::Via,
            HeaderName::From,
            HeaderName::To,
            HeaderName::CallId,
        ] {
            cancel.headers.copy_from(&invite.headers, &name);
        }
        cancel.headers.push(HeaderName::MaxForwards, "70");
        let seq = invite.headers.cseq().map(|c| c.seq).unwrap_or(1);
        cancel
            .headers
            .push(HeaderName::CSeq, format!("{seq} CANCEL"));
        cancel.headers.push(HeaderName::ContentLength, "0");
        let (peer, transport) = (branch.dialog.peer, branch.dialog.transport);
        let _ = self.layer.send_request(now, cancel, peer, transport);
    }

    pub(super) fn cancel_all(&mut self, now: Instant, id: u64) {
        let n = self.calls.calls.get(&id).map_or(0, |c| c.branches.len());
        for i in 0..n {
            self.cancel_branch(now, id, i);
        }
    }

    /// Every branch ringing now answered with a failure: a busy phone
    /// sends the call where the extension's busy rule says, any other
    /// failure where its no-answer rule says; without a rule the caller
    /// gets the most telling failure.
    fn branch_ended(&mut self, now: Instant, id: u64) {
        let Some(call) = self.calls.calls.get(&id) else {
            return;
        };
        let ringing = &call.branches[call.first_branch.min(call.branches.len())..];
        if call.phase != Phase::Ringing || !ringing.iter().all(|b| b.done) {
            return;
        }
        if self.trunk_failed(now, id) {
            return;
        }
        let Some(call) = self.calls.calls.get(&id) else {
            return;
        };
        let ringing = &call.branches[call.first_branch.min(call.branches.len())..];
        let codes: Vec<u16> = ringing.iter().filter_map(|b| b.final_code).collect();
        let (code, reason, disposition) = if codes.iter().any(|&c| c == 486 || c == 600) {
            (486, "Busy Here", Disposition::Busy)
        } else if codes.contains(&603) {
            (603, "Decline", Disposition::Busy)
        } else {
            (480, "Temporarily Unavailable", Disposition::Failed)
        };
        let why = if disposition == Disposition::Busy {
            Reason::Busy
        } else {
            Reason::NoAnswer
        };
        let failure = Failure {
            code,
            reason: reason.to_owned(),
            disposition,
            cause: code.to_string(),
            side: Side::Callee.as_str(),
            at_capacity: false,
        };
        self.not_taken(now, id, why, failure);
    }

    /// The callee hung up before the call was answered (a BYE on an early
    /// dialog): treated as a failed branch.
    fn respond_branch_gone(&mut self, now: Instant, id: u64) {
        self.cancel_all(now, id);
        self.fail_call(now, id, 480, "Temporarily Unavailable");
        self.end_call(id, Disposition::Failed, "BYE", Side::Callee.as_str());
    }

    /// Answers the caller's INVITE with a failure (while it still waits).
    pub(super) fn fail_call(&mut self, now: Instant, id: u64, code: u16, reason: &str) {
        let Some(call) = self.calls.calls.get(&id) else {
            return;
        };
        if call.phase != Phase::Ringing {
            return;
        }
        if call.bridged.is_some() {
            return self.not_put_through(now, id, None);
        }
        let r = Response::to(&call.invite, code, Some(&call.a.local_tag))
            .with_reason(reason.to_owned());
        let key = call.invite_key.clone();
        self.respond(now, &key, r);
    }

    /// Forgets a call: its ports go back, the relay closes, its record is
    /// written.
    pub(super) fn end_call(&mut self, id: u64, disposition: Disposition, cause: &str, side: &str) {
        let Some(call) = self.calls.remove(id) else {
            return;
        };
        self.ports.give_back(call.caller_port);
        self.ports.give_back(call.callee_port);
        self.notices
            .push_back(Notice::Media(MediaOrder::Close { call: id }));
        let record = call.record(self.clock_unix as i64, disposition, cause, side);
        self.counters.calls += 1;
        self.counters.active_calls = self.active_calls() as u64;
        self.notices.push_back(Notice::CallEnded(record));
        if call.external() {
            self.external_changed();
        }
    }
}

/// The dialog with the caller that its INVITE starts, Switchboard being
/// the called end (tag `tag`).
pub(super) fn caller_dialog(req: &Request, tag: &str, arrival: &Arrival) -> Dialog {
    let from = req.headers.from().ok();
    let to = req.headers.to().ok();
    let remote_uri = from
        .as_ref()
        .map(|f| f.uri.clone())
        .unwrap_or_else(|| req.uri.clone());
    Dialog {
        call_id: req
            .headers
            .call_id()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        local_tag: tag.to_owned(),
        remote_tag: from
            .as_ref()
            .and_then(|f| f.tag().map(|t| t.to_string()))
            .unwrap_or_default(),
        local_uri: format!("<{}>", to.as_ref().map_or(&req.uri, |t| &t.uri)),
        remote_uri: format!("<{remote_uri}>"),
        remote_target: first_contact(&req.headers).unwrap_or(remote_uri),
        route: req
            .headers
            .get_all(&HeaderName::RecordRoute)
            .map(str::to_owned)
            .collect(),
        local_cseq: 0,
        peer: arrival.source,
        transport: arrival.transport,
        local: uri_hostport(&req.uri),
    }
}

/// The number dialed: the user part of a SIP Request-URI.
fn dialed_number(uri: &Uri) -> Option<String> {
    match uri {
        Uri::Sip(sip) => sip.user.as_ref().map(|u| u.to_string()),
        Uri::Tel(tel) => Some(tel.number.to_string()),
        Uri::Other { .. } => None,
    }
}

fn uri_hostport(uri: &Uri) -> String {
    match uri {
        Uri::Sip(sip) => match sip.port {
            Some(port) => format!("{}:{port}", sip.host),
            None => sip.host.to_string(),
        },
        other => other.to_string(),
    }
}

/// The host of `host:port` (an IPv6 host keeps its brackets).
fn local_host(local: &str) -> &str {
    match local.rfind(':') {
        Some(i)
            if !local[i..].contains(']')
                && (local.starts_with('[') || local[..i].find(':').is_none()) =>
        {
            &local[..i]
        }
        _ => local,
    }
}

/// The URI of the first Contact.
pub(super) fn first_contact(headers: &Headers) -> Option<Uri> {
    headers
        .contacts()
        .filter_map(|c| c.ok().flatten())
        .map(|c| c.uri)
        .next()
}
