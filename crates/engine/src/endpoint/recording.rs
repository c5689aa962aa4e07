//! Recording a call between extensions: started at the answer when
//! either party's extension records always, or on request (the API, for
//! any call one of whose parties does not refuse recording — the service
//! layer checks that); paused, resumed and stopped on request. The engine
//! only keeps the state and orders the relay, which decodes both sides
//! and writes the file.

use super::{Endpoint, Notice};
use crate::call::media::MediaOrder;
use crate::call::{Phase, RecordAction};

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
