//! Changes to an answered call (RFC 3261 §14, RFC 3311): a phone's
//! re-INVITE or UPDATE with a new SDP offer (hold with sendonly or
//! inactive, resume, a new address) is relayed to the other phone in its
//! own dialog, the SDP pointed at the relay on each side; the answer comes
//! back the same way. One change at a time per call: a second offer while
//! one is pending is glare and gets 491 (the phone retries after a random
//! wait). A re-INVITE or UPDATE without SDP (a session refresh, or a
//! re-INVITE asking for an offer) is answered by Switchboard itself with
//! the session as it stands. Either way a change that succeeds refreshes
//! the legs' session timers (`session_timer.rs`). A phone put on hold
//! hears music from Switchboard while it is.

use super::{Endpoint, Notice, Transmit};
use crate::call::media::{self, MediaOrder, Side};
use crate::call::{Pending, Phase};
use std::time::Instant;
use switchboard_sip::sdp::{Direction, Sdp};
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Message, Method, Request, Response};

const SDP: &str = "application/sdp";

impl Endpoint {
    /// A re-INVITE or UPDATE from `side` of call `id`.
    pub(super) fn mid_call_offer(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        id: u64,
        side: Side,
    ) {
        let tag = self.tag();
        let Some(call) = self.calls.calls.get(&id) else {
            return;
        };
        let refuse = |this: &mut Endpoint, code: u16, reason: &str| {
            let r = Response::to(req, code, Some(&tag)).with_reason(reason.to_owned());
            this.respond(now, key, r);
        };
        if call.phase != Phase::Answered {
            return refuse(self, 491, "Request Pending (the call is not answered yet)");
        }
        if call.pending.is_some() {
            return refuse(self, 491, "Request Pending");
        }
        let offer = match req.headers.content_type() {
            Ok(Some(t)) if t.subtype.eq_ignore_ascii_case("sdp") && !req.body.is_empty() => {
                match Sdp::parse(&req.body) {
                    Ok(sdp) => Some(sdp),
                    Err(_) => return refuse(self, 400, "Bad Request (SDP)"),
                }
            }
            _ => None,
        };
        let Some(mut sdp) = offer else {
            // Nothing changes: answer with the session as it stands.
            let mut message = Message::Response(Response::to(req, 200, Some(&tag)));
            if let (Method::Invite, Some(current)) = (&req.method, &call.sdp_sent[side.index()]) {
                message.set_body(Some(SDP), current.to_bytes().into());
            }
            let Message::Response(mut r) = message else {
                unreachable!("set_body keeps the kind")
            };
            self.contact_toward(id, side, &mut r);
            self.refreshed_by_phone(now, id, side, &mut r);
            return self.respond(now, key, r);
        };
        let other = side.other();
        if let Some(peer) = media::audio_peer(&sdp) {
            self.notices.push_back(Notice::Media(MediaOrder::Peer {
                call: id,
                side,
                peer,
            }));
        }
        if !self.sdp_toward(id, other, &mut sdp) {
            return refuse(self, 488, "Not Acceptable Here (no codec in common)");
        }
        let branch = self.layer.new_branch();
        let Some(dialog) = self
            .calls
            .calls
            .get_mut(&id)
            .and_then(|c| c.dialog_mut(other))
        else {
            return;
        };
        let mut relayed = dialog.request(req.method.clone(), &branch, None);
        let (peer, transport) = (dialog.peer, dialog.transport);
        relayed
            .headers
            .push(HeaderName::Allow, self.caps.allow_header());
        let mut message = Message::Request(relayed);
        message.set_body(Some(SDP), sdp.to_bytes().into());
        let Message::Request(relayed) = message else {
            unreachable!("set_body keeps the kind")
        };
        let Ok(out) = self.layer.send_request(now, relayed, peer, transport) else {
            return refuse(
                self,
                500,
                "Server Internal Error (the other phone cannot be reached)",
            );
        };
        let call = self
            .calls
            .calls
            .get_mut(&id)
            .expect("its leg was found above");
        call.sdp_sent[other.index()] = Some(sdp);
        call.pending = Some(Pending {
            side,
            request: req.clone(),
            key: key.clone(),
            relayed: out.clone(),
        });
        let live = call.live();
        self.calls.relayed.insert(out, (id, other));
        self.notices.push_back(Notice::CallChanged(live));
    }

    /// A response to a re-INVITE or UPDATE Switchboard relayed; false when
    /// `key` is not one.
    pub(super) fn mid_call_response(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: &Response,
    ) -> bool {
        let Some(&(id, to)) = self.calls.relayed.get(key) else {
            return false;
        };
        let code = response.code;
        if code < 200 {
            return true;
        }
        if (200..300).contains(&code) && key.method() == &Method::Invite {
            self.ack_2xx(id, to, response);
        }
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return true;
        };
        if call.pending.as_ref().map(|p| &p.relayed) != Some(key) {
            // A retransmitted answer: the ACK above was all it needed.
            return true;
        }
        let pending = call.pending.take().expect("checked above");
        let from = pending.side;
        let mut message = Message::Response(
            Response::to(&pending.request, code, None).with_reason(response.reason.to_string()),
        );
        let answered = (200..300).contains(&code);
        if let (true, Ok(mut sdp)) = (answered, Sdp::parse(&response.body)) {
            if let Some(peer) = media::audio_peer(&sdp) {
                self.notices.push_back(Notice::Media(MediaOrder::Peer {
                    call: id,
                    side: to,
                    peer,
                }));
            }
            self.sdp_toward(id, from, &mut sdp);
            message.set_body(Some(SDP), sdp.to_bytes().into());
            if let Some(call) = self.calls.calls.get_mut(&id) {
                call.sdp_sent[from.index()] = Some(sdp);
            }
        }
        let Message::Response(mut r) = message else {
            unreachable!("set_body keeps the kind")
        };
        if answered {
            self.contact_toward(id, from, &mut r);
            self.refreshed(now, id, to);
            self.refreshed_by_phone(now, id, from, &mut r);
        }
        self.respond(now, &pending.key, r);
        if answered {
            self.music_on_hold(id, to);
        }
        if code == 481 || code == 408 {
            // The other phone lost the call.
            self.bye(now, id, from, None);
            self.end_call(
                id,
                crate::call::Disposition::Answered,
                &code.to_string(),
                to.as_str(),
            );
        }
        true
    }

    /// After a change offered to `to`: a phone told the other only sends
    /// (sendonly) or sends nothing (inactive) is on hold and hears music
    /// from Switchboard until it is taken off.
    fn music_on_hold(&mut self, id: u64, to: Side) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let offered = call.sdp_sent[to.index()]
            .as_ref()
            .map(|sdp| sdp.direction(0));
        let held = matches!(offered, Some(Direction::SendOnly | Direction::Inactive)).then_some(to);
        if held == call.music {
            return;
        }
        if call.music.take().is_some() {
            self.notices
                .push_back(Notice::Media(MediaOrder::Unhold { call: id }));
        }
        if let (Some(side), Some(codecs)) = (held, &call.codecs) {
            call.music = held;
            let codec = codecs[side.index()].clone();
            self.notices.push_back(Notice::Media(MediaOrder::Hold {
                call: id,
                side,
                codec,
            }));
        }
    }

    /// A relayed re-INVITE or UPDATE got no answer: the phone is gone.
    pub(super) fn mid_call_timed_out(&mut self, now: Instant, key: &TransactionKey) -> bool {
        let Some((id, to)) = self.calls.relayed.remove(key) else {
            return false;
        };
        let Some(pending) = self.calls.calls.get_mut(&id).and_then(|c| c.pending.take()) else {
            return true;
        };
        let r = Response::to(&pending.request, 408, None);
        self.respond(now, &pending.key, r);
        self.bye(now, id, pending.side, None);
        self.end_call(id, crate::call::Disposition::Answered, "408", to.as_str());
        true
    }

    /// A relayed transaction ended: its answers are all in.
    pub(super) fn mid_call_ended(&mut self, key: &TransactionKey) -> bool {
        self.calls.relayed.remove(key).is_some()
    }

    /// Points `sdp` at the relay's port toward `side`, at the address that
    /// phone reaches Switchboard at, as the next version of the call's
    /// descriptions; false when no codec is left.
    fn sdp_toward(&mut self, id: u64, side: Side, sdp: &mut Sdp) -> bool {
        let Some(call) = self.calls.calls.get(&id) else {
            return false;
        };
        let Some(dialog) = call.dialog(side) else {
            return false;
        };
        let address = self.media_address(&dialog.local);
        let kept = media::rewrite(
            sdp,
            address,
            call.port(side),
            &self.config.calls.codecs,
            call.sdp_session,
            call.sdp_version,
        );
        // Each phone of a transcoded call keeps seeing the codec it chose.
        if let Some(codecs) = &call.transcoding {
            media::set_codec(sdp, &codecs[side.index()]);
        }
        let kept = kept || call.transcoding.is_some();
        if let Some(call) = self.calls.calls.get_mut(&id) {
            call.sdp_version += 1;
        }
        kept
    }

    /// The Contact of a 2xx sent to `side`: Switchboard, where that phone
    /// reaches it.
    fn contact_toward(&self, id: u64, side: Side, response: &mut Response) {
        if let Some(dialog) = self.calls.calls.get(&id).and_then(|c| c.dialog(side)) {
            response.headers.push(
                HeaderName::Contact,
                format!("<sip:switchboard@{}>", dialog.local),
            );
        }
    }

    /// ACKs a 2xx to a re-INVITE sent to `side`.
    pub(super) fn ack_2xx(&mut self, id: u64, side: Side, response: &Response) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let Some(dialog) = call.dialog_mut(side) else {
            return;
        };
        let seq = response.headers.cseq().map(|c| c.seq).unwrap_or(1);
        let branch = self.layer.new_branch();
        let mut ack = dialog.request(Method::Ack, &branch, Some(seq));
        ack.headers.push(HeaderName::ContentLength, "0");
        self.outbox.push_back(Transmit {
            destination: dialog.peer,
            transport: dialog.transport,
            bytes: Message::Request(ack).to_bytes().into(),
        });
    }
}
