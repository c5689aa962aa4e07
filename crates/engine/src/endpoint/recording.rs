//! Recording a call between extensions: started at the answer when
//! either party's extension records always; on request (the API, for any
//! call one of whose parties does not refuse recording — the service layer
//! checks that); or by the star code `*1`, pressed during the call by a
//! party whose extension records on demand, which starts the recording or,
//! pressed again, stops it (heard by the relay, or sent by SIP INFO, which
//! is also passed on to the other phone). Paused, resumed and stopped on
//! request. The
//! engine keeps the state and orders the relay, which hears the keys,
//! decodes both sides and writes the file.

use super::{Endpoint, Notice};
use crate::call::media::{MediaOrder, Side};
use crate::call::{Phase, RecordAction, Recording};
use std::time::{Duration, Instant};
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Message, Method, Request, Response};

/// The star code that starts or stops recording: `*` then this key,
/// within `STAR_CODE_TIME`.
const RECORD_KEY: char = '1';
const STAR_CODE_TIME: Duration = Duration::from_secs(3);

impl Endpoint {
    /// Does `action` to the recording of call `id` (as the API names
    /// it); false when there is no such answered call, or the action does
    /// not fit (starting what records, pausing what does not).
    pub fn recording(&mut self, id: &str, action: RecordAction) -> bool {
        let Some(id) = u64::from_str_radix(id, 16).ok().filter(|id| {
            self.calls
                .calls
                .get(id)
                .is_some_and(|c| c.phase == Phase::Answered)
        }) else {
            return false;
        };
        self.record(id, action)
    }

    /// At the answer: recording starts if a party records always; the
    /// keys of a party that records on demand are listened to.
    pub(super) fn recording_at_answer(&mut self, id: u64) {
        let Some(call) = self.calls.calls.get(&id) else {
            return;
        };
        let policy = |number: &str| {
            self.registrar
                .directory
                .by_number(number)
                .map_or(Recording::Never, |a| a.recording)
        };
        let policies = [policy(&call.caller), policy(&call.callee)];
        if let Some(codecs) = call.codecs.clone() {
            for (side, codec) in [Side::Caller, Side::Callee].into_iter().zip(codecs) {
                if policies[side.index()] == Recording::OnDemand {
                    self.notices.push_back(Notice::Media(MediaOrder::WatchKeys {
                        call: id,
                        side,
                        codec,
                    }));
                }
            }
        }
        if policies.contains(&Recording::Always) {
            self.record(id, RecordAction::Start);
        }
    }

    /// A key `side` sent by SIP INFO during call `id`: a star code if
    /// that party records on demand; passed on to the other phone, in an
    /// INFO of its own dialog, either way.
    pub(super) fn info_in_call(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        id: u64,
        side: Side,
    ) {
        let tag = self.tag();
        let Some(pressed) = super::services::info_key(req) else {
            return self.respond(now, key, super::services::unsupported_info(req, &tag));
        };
        self.respond(now, key, Response::to(req, 200, Some(&tag)));
        let on_demand = self.calls.calls.get(&id).is_some_and(|call| {
            let number = if side == Side::Caller {
                &call.caller
            } else {
                &call.callee
            };
            self.registrar
                .directory
                .by_number(number)
                .is_some_and(|a| a.recording == Recording::OnDemand)
        });
        if let (Some(k), true) = (pressed, on_demand) {
            self.star_code(now, id, side, k);
        }
        let Some(dialog) = self
            .calls
            .calls
            .get_mut(&id)
            .and_then(|c| c.dialog_mut(side.other()))
        else {
            return;
        };
        let branch = self.layer.new_branch();
        let info = dialog.request(Method::Info, &branch, None);
        let (peer, transport) = (dialog.peer, dialog.transport);
        let mut message = Message::Request(info);
        let content_type = req.headers.get(&HeaderName::ContentType).map(str::to_owned);
        message.set_body(content_type.as_deref(), req.body.clone());
        let Message::Request(info) = message else {
            unreachable!("set_body keeps the kind")
        };
        let _ = self.layer.send_request(now, info, peer, transport);
    }

    /// A key pressed during call `id` by a party whose keys are watched.
    pub(super) fn star_code(&mut self, now: Instant, id: u64, side: Side, key: char) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let star = call.star.take();
        if key == '*' {
            call.star = Some((side, now));
            return;
        }
        let started =
            star.is_some_and(|(s, at)| s == side && now.duration_since(at) <= STAR_CODE_TIME);
        if started && key == RECORD_KEY {
            let action = if call.recording {
                RecordAction::Stop
            } else {
                RecordAction::Start
            };
            self.record(id, action);
        }
    }

    pub(super) fn record(&mut self, id: u64, action: RecordAction) -> bool {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return false;
        };
        let order = match (action, call.recording) {
            (RecordAction::Start, false) => {
                let Some([caller, callee]) = call.codecs.clone() else {
                    return false;
                };
                call.recording = true;
                MediaOrder::Record {
                    call: id,
                    caller,
                    callee,
                    parties: [call.caller.clone(), call.callee.clone()],
                }
            }
            (RecordAction::Pause | RecordAction::Resume, true) => MediaOrder::RecordPause {
                call: id,
                paused: action == RecordAction::Pause,
            },
            (RecordAction::Stop, true) => {
                call.recording = false;
                MediaOrder::RecordStop { call: id }
            }
            _ => return false,
        };
        self.notices.push_back(Notice::Media(order));
        true
    }
}
