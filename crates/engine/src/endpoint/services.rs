//! Numbers Switchboard answers itself: the test numbers an administrator
//! dials to check a phone (`*43` echo, `*44` a prompt, `*45` the keys
//! pressed, read back), voicemail (a caller leaving a message, `*97` and
//! `*98` the menu), and the star codes a user sets their extension with
//! (`*78`/`*79` do-not-disturb on/off, `*72NUMBER`/`*73` forward every
//! call to another extension, or no longer), `*61N`/`*62N`/`*63N` (force
//! schedule N open or closed, or back to its hours), and the IVRs and
//! announcements of call flows. Switchboard is the far end of such a call: it
//! answers the INVITE with its own SDP (one codec it can play, and
//! telephone-event when offered), takes one port pair, and orders the
//! media thread to answer there ([`MediaOrder::Answer`]); the binary runs
//! what the number does. The phone's BYE, a hang-up (by the flow, an
//! administrator, shutdown) or silence ends the call, which leaves its
//! record like any other. Keys sent by SIP INFO (`application/dtmf-relay`
//! or `application/dtmf`) are passed on as [`MediaOrder::Key`].

use super::{Endpoint, Notice};
use crate::call::media::{self, LegCodec, MediaOrder};
use crate::call::{call_id_text, CallRecord, Dialog, Disposition, LiveCall};
use crate::registrar::Arrival;
use rand::Rng;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;
use switchboard_sip::sdp::Sdp;
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Message, Method, Request, Response};

/// What a number Switchboard answers does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// `*43`: what the caller says comes back.
    Echo,
    /// `*44`: a prompt plays, then Switchboard hangs up.
    Prompt,
    /// `*45`: each key pressed is read back.
    ReadBack,
    /// The caller leaves a message in `mailbox` (the extension called,
    /// or forwarded to); `busy` says which greeting plays.
    Voicemail { mailbox: String, busy: bool },
    /// `*97`: the caller's own box; `*98`: any box, its number asked.
    VoicemailMenu { own: bool },
    /// `*78` / `*79`: do-not-disturb on or off for the caller's extension.
    DoNotDisturb(bool),
    /// `*72NUMBER`: the caller's calls go to extension NUMBER instead;
    /// `*73`: no longer.
    ForwardAlways(Option<String>),
    /// IVR `name`, reached by dialing `number`.
    Ivr { name: String, number: String },
    /// Sound `sound` plays, then the call ends.
    Announcement { sound: String, number: String },
    /// `*61N`, `*62N`, `*63N`: the schedule numbered N is forced open,
    /// closed, or follows its hours again.
    ScheduleOverride { number: String, to: Forced },
    /// The call is refused, but first hears prompt `prompt` as early media
    /// (183 Session Progress): at the end, the INVITE gets `code` and
    /// `reason` instead of an answer. Nothing is answered, nothing billed.
    Refusal {
        prompt: String,
        number: String,
        code: u16,
        reason: String,
    },
}

/// What a schedule's override is set to by star code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Forced {
    Open,
    Closed,
    Auto,
}

/// A number of 2 to 10 digits after a star code's prefix.
fn after<'a>(number: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = number.strip_prefix(prefix)?;
    ((2..=10).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
}

impl Service {
    /// The service a dialed number names.
    pub fn for_number(number: &str) -> Option<Service> {
        Some(match number {
            "*43" => Service::Echo,
            "*44" => Service::Prompt,
            "*45" => Service::ReadBack,
            "*97" => Service::VoicemailMenu { own: true },
            "*98" => Service::VoicemailMenu { own: false },
            "*78" => Service::DoNotDisturb(true),
            "*79" => Service::DoNotDisturb(false),
            "*73" => Service::ForwardAlways(None),
            _ => {
                for (prefix, to) in [
                    ("*61", Forced::Open),
                    ("*62", Forced::Closed),
                    ("*63", Forced::Auto),
                ] {
                    if let Some(n) = after(number, prefix) {
                        return Some(Service::ScheduleOverride {
                            number: n.to_owned(),
                            to,
                        });
                    }
                }
                Service::ForwardAlways(Some(after(number, "*72")?.to_owned()))
            }
        })
    }

    /// The number a call to it is recorded as reaching.
    pub fn number(&self) -> &str {
        match self {
            Service::Echo => "*43",
            Service::Prompt => "*44",
            Service::ReadBack => "*45",
            Service::Voicemail { mailbox, .. } => mailbox,
            Service::VoicemailMenu { own: true } => "*97",
            Service::VoicemailMenu { own: false } => "*98",
            Service::DoNotDisturb(true) => "*78",
            Service::DoNotDisturb(false) => "*79",
            Service::ForwardAlways(Some(_)) => "*72",
            Service::ForwardAlways(None) => "*73",
            Service::Ivr { number, .. }
            | Service::Announcement { number, .. }
            | Service::Refusal { number, .. } => number,
            Service::ScheduleOverride {
                to: Forced::Open, ..
            } => "*61",
            Service::ScheduleOverride {
                to: Forced::Closed, ..
            } => "*62",
            Service::ScheduleOverride {
                to: Forced::Auto, ..
            } => "*63",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Service::Echo => "echo test",
            Service::Prompt => "prompt test",
            Service::ReadBack => "key read-back test",
            Service::Voicemail { .. } => "voicemail",
            Service::VoicemailMenu { .. } => "voicemail menu",
            Service::DoNotDisturb(_) => "do-not-disturb",
            Service::ForwardAlways(_) => "call forwarding",
            Service::Ivr { .. } => "IVR",
            Service::Announcement { .. } => "announcement",
            Service::ScheduleOverride { .. } => "schedule override",
            Service::Refusal { .. } => "refusal",
        }
    }
}

/// A call Switchboard answered.
#[derive(Debug)]
pub(crate) struct ServiceCall {
    pub(super) caller: String,
    pub(super) number: String,
    pub(super) dialog: Dialog,
    pub(super) port: u16,
    pub(super) started_at: i64,
    pub(super) answered_at: i64,
    pub(super) codec: &'static str,
    /// The answer sent, sent again for a refresh.
    pub(super) sdp: Sdp,
    disposition: Disposition,
    /// The caller's INVITE and its transaction (answered): a flow that
    /// puts the call through rings the phones for it.
    pub(super) invite: Request,
    pub(super) invite_key: TransactionKey,
    /// The trunk it came in on.
    pub(super) trunk: Option<String>,
    /// Not answered: early media before a refusal, its code and reason.
    early: Option<(u16, String)>,
}

/// A caller's INVITE about to be answered by Switchboard: its server
/// transaction, the dialog the answer makes, and the call's record so far.
pub(super) struct Answering {
    pub key: TransactionKey,
    pub dialog: Dialog,
    pub caller: String,
    pub started_at: i64,
    pub id: u64,
    pub trunk: Option<String>,
}

/// The calls Switchboard answered, and the index that finds one from a
/// request inside its dialog.
#[derive(Debug, Default)]
pub(super) struct ServiceCalls {
    calls: HashMap<u64, ServiceCall>,
    /// REFERs sent (the flow asked the phone to call a number instead) →
    /// call and the number.
    refers: HashMap<TransactionKey, (u64, String)>,
    /// (Call-ID, our tag) → call.
    dialogs: HashMap<(String, String), u64>,
}

impl ServiceCalls {
    pub(super) fn len(&self) -> usize {
        self.calls.len()
    }

    pub(super) fn ids(&self) -> Vec<u64> {
        self.calls.keys().copied().collect()
    }

    /// Calls answered that came in on a trunk.
    pub(super) fn externals(&self) -> usize {
        self.calls
            .values()
            .filter(|c| c.trunk.is_some() && c.early.is_none())
            .count()
    }

    /// The refusal still playing its early media for INVITE `key`.
    pub(super) fn early_for(&self, key: &TransactionKey) -> Option<u64> {
        self.calls
            .iter()
            .find(|(_, c)| c.early.is_some() && &c.invite_key == key)
            .map(|(id, _)| *id)
    }

    /// Calls answered that came in on trunk `name`.
    pub(super) fn on_trunk(&self, name: &str) -> usize {
        self.calls
            .values()
            .filter(|c| c.trunk.as_deref() == Some(name) && c.early.is_none())
            .count()
    }

    pub(super) fn contains(&self, id: u64) -> bool {
        self.calls.contains_key(&id)
    }

    /// Takes call `id` out (its flow puts it through).
    pub(super) fn take(&mut self, id: u64) -> Option<ServiceCall> {
        let call = self.calls.remove(&id)?;
        self.dialogs
            .remove(&(call.dialog.call_id.clone(), call.dialog.local_tag.clone()));
        Some(call)
    }

    /// Puts call `id` back (it was not put through).
    pub(super) fn put_back(&mut self, id: u64, call: ServiceCall) {
        self.dialogs.insert(
            (call.dialog.call_id.clone(), call.dialog.local_tag.clone()),
            id,
        );
        self.calls.insert(id, call);
    }
}

impl Endpoint {
    /// Answers an authenticated INVITE for a service number.
    pub(super) fn answer_service(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        origin: super::trunk_calls::Origin,
        service: Service,
    ) {
        let tag = self.tag();
        let dialog = super::calls::caller_dialog(&req, &tag, arrival);
        let answered = Answering {
            key,
            dialog,
            caller: origin.caller,
            started_at: arrival.now as i64,
            id: self.rng.gen(),
            trunk: origin.trunk,
        };
        self.accept_service(now, &req, answered, service);
    }

    /// Answers the caller's INVITE (`req`) as `service`: with Switchboard's
    /// SDP, one port pair, and the media thread told to take the leg. A
    /// caller whose offer Switchboard cannot answer gets the failure, and
    /// the call its record.
    pub(super) fn accept_service(
        &mut self,
        now: Instant,
        req: &Request,
        answering: Answering,
        service: Service,
    ) {
        let Answering {
            key,
            dialog,
            caller,
            started_at,
            id,
            trunk,
        } = answering;
        let external = trunk.is_some();
        let refuse = |this: &mut Endpoint, code: u16, reason: &str| {
            let r = Response::to(req, code, Some(&dialog.local_tag)).with_reason(reason.to_owned());
            this.respond(now, &key, r);
            this.counters.calls += 1;
            this.notices.push_back(Notice::CallEnded(CallRecord {
                id: call_id_text(id),
                caller: caller.clone(),
                callee: service.number().to_owned(),
                started_at,
                answered_at: None,
                ended_at: this.clock_unix as i64,
                disposition: Disposition::Failed,
                hangup_cause: code.to_string(),
                hangup_side: "system".to_owned(),
                codec: None,
                legs: vec![dialog.call_id.clone()],
            }));
            if external {
                this.external_changed();
            }
        };
        let early = match &service {
            Service::Refusal { code, reason, .. } => Some((*code, reason.clone())),
            _ => None,
        };
        // A refusal with no audio to play it over is just the refusal.
        let no_media = |this: &mut Endpoint, code: u16, reason: &str| match &early {
            Some((c, r)) => refuse(this, *c, r),
            None => refuse(this, code, reason),
        };
        let offer = match Sdp::parse(&req.body) {
            Ok(sdp) if !req.body.is_empty() => sdp,
            _ => return no_media(self, 488, "Not Acceptable Here (an SDP offer is needed)"),
        };
        let Some(codec) = media::leg_codec(&offer) else {
            return no_media(
                self,
                488,
                "Not Acceptable Here (no codec Switchboard speaks)",
            );
        };
        if req.headers.from().is_err() || req.headers.to().is_err() {
            return refuse(self, 400, "Bad Request (From or To)");
        }
        let Some(port) = self.ports.take_random(&mut self.rng) else {
            return refuse(self, 503, "Service Unavailable (no media ports left)");
        };
        let address = self.media_address(&dialog.local);
        let session = u64::from(self.rng.gen::<u32>());
        let Some(sdp) = answer(address, port, &codec, session) else {
            self.ports.give_back(port);
            return refuse(self, 500, "Server Internal Error (SDP)");
        };
        let mut ok = match &early {
            Some(_) => Response::to(req, 183, Some(&dialog.local_tag)),
            None => Response::to(req, 200, Some(&dialog.local_tag)),
        };
        ok.headers.push(
            HeaderName::Contact,
            format!("<sip:switchboard@{}>", dialog.local),
        );
        ok.headers.push(HeaderName::Allow, self.caps.allow_header());
        let mut message = Message::Response(ok);
        message.set_body(Some("application/sdp"), sdp.to_bytes().into());
        let Message::Response(ok) = message else {
            unreachable!("set_body keeps the kind")
        };
        self.respond(now, &key, ok);
        let caller_name = req
            .headers
            .from()
            .ok()
            .and_then(|f| f.display.as_ref().map(|d| d.replace('"', "")))
            .filter(|d| !d.is_empty());
        self.notices.push_back(Notice::Media(MediaOrder::Answer {
            call: id,
            port,
            peer: media::audio_peer(&offer),
            codec: codec.clone(),
            service: service.clone(),
            caller: caller.clone(),
            caller_name,
        }));
        let disposition = match service {
            Service::Voicemail { .. } => Disposition::Voicemail,
            Service::Refusal { .. } => Disposition::Failed,
            _ => Disposition::Answered,
        };
        let call = ServiceCall {
            caller,
            number: service.number().to_owned(),
            dialog,
            port,
            started_at,
            answered_at: self.clock_unix as i64,
            codec: codec.name,
            sdp,
            disposition,
            invite: req.clone(),
            invite_key: key.clone(),
            trunk,
            early,
        };
        self.notices.push_back(Notice::CallChanged(LiveCall {
            id: call_id_text(id),
            caller: call.caller.clone(),
            callee: call.number.clone(),
            started_at,
            answered_at: call.early.is_none().then_some(call.answered_at),
            state: if call.early.is_some() {
                "ringing"
            } else {
                "answered"
            },
            codec: Some(call.codec.to_owned()),
        }));
        self.services.dialogs.insert(
            (call.dialog.call_id.clone(), call.dialog.local_tag.clone()),
            id,
        );
        self.services.calls.insert(id, call);
        self.counters.active_calls = self.active_calls() as u64;
        if external {
            self.external_changed();
        }
    }

    /// A request inside a service call's dialog; false when it belongs to
    /// none.
    pub(super) fn in_service_dialog(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
    ) -> bool {
        let found = req
            .headers
            .call_id()
            .ok()
            .zip(req.headers.to().ok())
            .and_then(|(c, to)| {
                let tag = to.tag()?;
                self.services
                    .dialogs
                    .get(&(c.to_string(), tag.to_string()))
                    .copied()
            });
        let Some(id) = found else {
            return false;
        };
        let tag = self.tag();
        match req.method {
            Method::Bye => {
                self.respond(now, key, Response::to(req, 200, Some(&tag)));
                self.end_service_call(id, "BYE", "caller");
            }
            Method::Info => match info_key(req) {
                Some(Some(k)) => {
                    self.respond(now, key, Response::to(req, 200, Some(&tag)));
                    self.notices
                        .push_back(Notice::Media(MediaOrder::Key { call: id, key: k }));
                }
                Some(None) => self.respond(now, key, Response::to(req, 200, Some(&tag))),
                None => self.respond(now, key, unsupported_info(req, &tag)),
            },
            Method::Notify => {
                // How the phone's call after a REFER goes: heard, not needed.
                self.respond(now, key, Response::to(req, 200, Some(&tag)));
            }
            Method::Invite | Method::Update => {
                // A refresh or a new offer: the session stays as it is.
                let sdp = self.services.calls[&id].sdp.to_bytes();
                let mut ok = Response::to(req, 200, Some(&tag));
                let local = &self.services.calls[&id].dialog.local;
                ok.headers
                    .push(HeaderName::Contact, format!("<sip:switchboard@{local}>"));
                let mut message = Message::Response(ok);
                if !req.body.is_empty() || req.method == Method::Invite {
                    message.set_body(Some("application/sdp"), sdp.into());
                }
                let Message::Response(ok) = message else {
                    unreachable!("set_body keeps the kind")
                };
                self.respond(now, key, ok);
            }
            _ => {
                let r = Response::to(req, 405, Some(&tag));
                self.respond(now, key, r);
            }
        }
        true
    }

    /// Asks the phone of service call `id` (as records name it) to call
    /// `number` instead, by REFER (RFC 3515); once it agrees the call
    /// ends. False when there is no such call.
    pub fn transfer(&mut self, now: Instant, now_unix: u64, id: &str, number: &str) -> bool {
        self.clock_unix = now_unix;
        let Some(id) = u64::from_str_radix(id, 16)
            .ok()
            .filter(|id| self.services.contains(*id))
        else {
            return false;
        };
        let call = self.services.calls.get_mut(&id).expect("looked up above");
        let host = call.dialog.local.clone();
        let branch = self.layer.new_branch();
        let mut refer = call.dialog.request(Method::Refer, &branch, None);
        refer
            .headers
            .push(HeaderName::ReferTo, format!("<sip:{number}@{host}>"));
        refer
            .headers
            .push(HeaderName::ReferredBy, format!("<sip:switchboard@{host}>"));
        refer.headers.push(HeaderName::ContentLength, "0");
        let (peer, transport) = (call.dialog.peer, call.dialog.transport);
        match self.layer.send_request(now, refer, peer, transport) {
            Ok(key) => {
                self.services.refers.insert(key, (id, number.to_owned()));
            }
            Err(_) => self.hang_up_service(now, id, "transfer failed"),
        }
        self.drain(now, now_unix);
        true
    }

    /// The phone's answer to a REFER: the call ends either way (the flow
    /// is done with it); false when `key` is no REFER.
    pub(super) fn refer_answered(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: &Response,
    ) -> bool {
        if response.code < 200 {
            return self.services.refers.contains_key(key);
        }
        let Some((id, number)) = self.services.refers.remove(key) else {
            return false;
        };
        let cause = if response.code < 300 {
            format!("transferred to {number}")
        } else {
            format!("transfer to {number} refused ({})", response.code)
        };
        self.hang_up_service(now, id, &cause);
        true
    }

    /// A REFER went unanswered; false when `key` is no REFER.
    pub(super) fn refer_failed(&mut self, now: Instant, key: &TransactionKey) -> bool {
        let Some((id, _)) = self.services.refers.remove(key) else {
            return false;
        };
        self.hang_up_service(now, id, "transfer unanswered");
        true
    }

    /// Ends a service call from Switchboard's side, with BYE.
    pub(super) fn hang_up_service(&mut self, now: Instant, id: u64, cause: &str) {
        let Some(call) = self.services.calls.get_mut(&id) else {
            return;
        };
        if let Some((code, reason)) = call.early.clone() {
            // Early media over: the refusal itself.
            let mut r =
                Response::to(&call.invite, code, Some(&call.dialog.local_tag)).with_reason(reason);
            if code == 503 {
                r.headers.push(HeaderName::RetryAfter, "60");
            }
            let key = call.invite_key.clone();
            self.respond(now, &key, r);
            return self.end_service_call(id, &code.to_string(), "system");
        }
        let branch = self.layer.new_branch();
        let mut bye = call.dialog.request(Method::Bye, &branch, None);
        bye.headers.push(HeaderName::ContentLength, "0");
        let (peer, transport) = (call.dialog.peer, call.dialog.transport);
        let _ = self.layer.send_request(now, bye, peer, transport);
        self.end_service_call(id, cause, "system");
    }

    /// The caller cancelled INVITE `key` while a refusal played to it:
    /// 487, and the call is over.
    pub(super) fn early_cancelled(&mut self, now: Instant, key: &TransactionKey) {
        let Some(id) = self.services.early_for(key) else {
            return;
        };
        if let Some(call) = self.services.calls.get(&id) {
            let r = Response::to(&call.invite, 487, Some(&call.dialog.local_tag));
            self.respond(now, key, r);
        }
        self.end_service_call(id, "CANCEL", "caller");
    }

    /// Forgets a service call: its ports go back, the media thread closes
    /// it, its record is written.
    fn end_service_call(&mut self, id: u64, cause: &str, side: &str) {
        let Some(call) = self.services.calls.remove(&id) else {
            return;
        };
        self.services
            .dialogs
            .remove(&(call.dialog.call_id.clone(), call.dialog.local_tag.clone()));
        self.ports.give_back(call.port);
        self.notices
            .push_back(Notice::Media(MediaOrder::Close { call: id }));
        self.counters.calls += 1;
        self.counters.active_calls = self.active_calls() as u64;
        self.notices.push_back(Notice::CallEnded(CallRecord {
            id: call_id_text(id),
            caller: call.caller,
            callee: call.number,
            started_at: call.started_at,
            answered_at: call.early.is_none().then_some(call.answered_at),
            ended_at: self.clock_unix as i64,
            disposition: call.disposition,
            hangup_cause: cause.to_owned(),
            hangup_side: side.to_owned(),
            codec: Some(call.codec.to_owned()),
            legs: vec![call.dialog.call_id],
        }));
        if call.trunk.is_some() {
            self.external_changed();
        }
    }
}

/// The answer to an INFO whose body is not a key: 415, naming what is
/// taken.
pub(super) fn unsupported_info(req: &Request, tag: &str) -> Response {
    let mut r = Response::to(req, 415, Some(tag));
    r.headers.push(
        HeaderName::Accept,
        "application/dtmf-relay, application/dtmf",
    );
    r
}

/// Switchboard's answer: `codec` (and telephone-event) at
/// `address`:`port`.
fn answer(address: IpAddr, port: u16, codec: &LegCodec, session: u64) -> Option<Sdp> {
    let pt = codec.payload_type;
    let mut formats = pt.to_string();
    let map = media::TRANSCODABLE
        .iter()
        .find(|(n, ..)| *n == codec.name)
        .map_or("PCMU/8000", |(.., map)| map);
    let mut attributes = format!("a=rtpmap:{pt} {map}\r\n");
    if let Some(e) = codec.events {
        formats += &format!(" {e}");
        attributes += &format!("a=rtpmap:{e} telephone-event/8000\r\na=fmtp:{e} 0-16\r\n");
    }
    let text = format!(
        "v=0\r\no=switchboard 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP {formats}\r\n{attributes}a=ptime:20\r\na=sendrecv\r\n"
    );
    let mut sdp = Sdp::parse(text.as_bytes()).ok()?;
    sdp.set_address(address, session, 1);
    Some(sdp)
}

/// The key in a SIP INFO: `Some(Some(key))` for a key, `Some(None)` for a
/// known body without one (an end of press), `None` for a body of another
/// kind.
pub(super) fn info_key(req: &Request) -> Option<Option<char>> {
    let t = req.headers.content_type().ok().flatten()?;
    if !t.kind.eq_ignore_ascii_case("application") {
        return None;
    }
    let body = std::str::from_utf8(&req.body).ok()?;
    let key = |s: &str| {
        let s = s.trim();
        match s {
            "10" => Some('*'),
            "11" => Some('#'),
            _ => {
                let mut chars = s.chars();
                let c = chars.next()?.to_ascii_uppercase();
                (chars.next().is_none() && "0123456789*#ABCD".contains(c)).then_some(c)
            }
        }
    };
    if t.subtype.eq_ignore_ascii_case("dtmf-relay") {
        // "Signal=5\r\nDuration=160\r\n"
        let signal = body.lines().find_map(|l| {
            let (name, value) = l.split_once('=')?;
            name.trim().eq_ignore_ascii_case("signal").then_some(value)
        });
        return Some(signal.and_then(key));
    }
    if t.subtype.eq_ignore_ascii_case("dtmf") {
        return Some(key(body));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdp(text: &str) -> Sdp {
        Sdp::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn the_answer_carries_the_offers_first_codec_with_telephone_event() {
        let offer = sdp(
            "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9 8 0 96\r\n\
             a=rtpmap:96 telephone-event/8000\r\n",
        );
        let codec = media::leg_codec(&offer).unwrap();
        assert_eq!(
            (codec.name, codec.payload_type, codec.events),
            ("G722", 9, Some(96))
        );
        let text = answer("192.0.2.1".parse().unwrap(), 30000, &codec, 5)
            .unwrap()
            .to_string();
        assert!(text.contains("m=audio 30000 RTP/AVP 9 96\r\n"), "{text}");
        assert!(text.contains("a=rtpmap:9 G722/8000\r\n"), "{text}");
        assert!(text.contains("c=IN IP4 192.0.2.1\r\n"), "{text}");
        assert!(
            text.contains("a=rtpmap:96 telephone-event/8000\r\n"),
            "{text}"
        );
        let ilbc_only = sdp(
            "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 97\r\na=rtpmap:97 iLBC/8000\r\n",
        );
        assert_eq!(media::leg_codec(&ilbc_only), None);
    }

    #[test]
    fn info_bodies_give_their_key() {
        let info = |ct: &str, body: &str| {
            let text = format!(
                "INFO sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n\
                 To: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 2 INFO\r\nContent-Type: {ct}\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            );
            match switchboard_sip::parse(bytes::Bytes::from(text)).unwrap() {
                Message::Request(r) => info_key(&r),
                Message::Response(_) => unreachable!(),
            }
        };
        assert_eq!(
            info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
            Some(Some('5'))
        );
        assert_eq!(
            info("application/dtmf-relay", "Signal= #\r\nDuration=100\r\n"),
            Some(Some('#'))
        );
        assert_eq!(
            info("application/dtmf-relay", "Signal=11\r\n"),
            Some(Some('#'))
        );
        assert_eq!(info("application/dtmf", "7"), Some(Some('7')));
        assert_eq!(info("application/dtmf", "xyz"), Some(None));
        assert_eq!(info("text/plain", "5"), None);
    }

    #[test]
    fn service_numbers() {
        assert_eq!(Service::for_number("*43"), Some(Service::Echo));
        assert_eq!(Service::for_number("*45"), Some(Service::ReadBack));
        assert_eq!(Service::for_number("1001"), None);
        assert_eq!(
            Service::for_number("*721003"),
            Some(Service::ForwardAlways(Some("1003".into())))
        );
        assert_eq!(Service::for_number("*72"), None);
        assert_eq!(Service::for_number("*72x1"), None);
        assert_eq!(
            Service::for_number("*78"),
            Some(Service::DoNotDisturb(true))
        );
    }
}
