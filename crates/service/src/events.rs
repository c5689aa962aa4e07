//! Changes as they happen, for whoever listens: the console's live views
//! now, other nodes later. An event says what changed, not what it holds:
//! a listener that needs the object reads it through the service layer,
//! with its own actor's rights, so no secret travels with an event.
//!
//! Events reach listeners through the store's change feed (see
//! [`Service::follow_changes`](crate::Service::follow_changes)), so a running
//! server hears of changes made by the CLI or by another node too.

use crate::{Actor, Role};
use serde::{Deserialize, Serialize};

/// One change, serialized as `{"type": "extension.created", "number": "1001"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "extension.created")]
    ExtensionCreated { number: String },
    /// `previous_number` is set when the number itself changed.
    #[serde(rename = "extension.updated")]
    ExtensionUpdated {
        number: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_number: Option<String>,
    },
    #[serde(rename = "extension.deleted")]
    ExtensionDeleted { number: String },
    /// The phones registered to an extension changed (not a mere refresh).
    #[serde(rename = "registration.changed")]
    RegistrationChanged { extension: String },
    /// An address was banned (by the SIP guard or by hand).
    #[serde(rename = "security.banned")]
    SecurityBanned { address: String },
    #[serde(rename = "security.unbanned")]
    SecurityUnbanned { address: String },
    /// The allow or block list changed.
    #[serde(rename = "security.lists_changed")]
    SecurityListsChanged,
    /// Calls started, were answered or ended (read the list again).
    #[serde(rename = "calls.changed")]
    CallsChanged,
    /// Someone asked for call `call` to be ended.
    #[serde(rename = "call.hang_up")]
    CallHangUp { call: String, by: String },
    /// Someone asked for call `call`'s recording to start, pause, resume
    /// or stop (`action`).
    #[serde(rename = "call.recording")]
    CallRecording { call: String, action: String },
    /// A call's recording was kept, or recordings deleted.
    #[serde(rename = "recordings.changed")]
    RecordingsChanged,
    /// The music on hold was set or reset.
    #[serde(rename = "music_on_hold.changed")]
    MusicOnHoldChanged,
    /// A message was left in `mailbox`, heard, moved or deleted.
    #[serde(rename = "voicemail.changed")]
    VoicemailChanged { mailbox: String },
    /// A ring group, IVR, schedule or sound was created, changed or
    /// deleted (read them again).
    #[serde(rename = "flows.changed")]
    FlowsChanged,
    /// What the server saw of trunk `name` changed (its registration,
    /// whether it answers).
    #[serde(rename = "trunks.status")]
    TrunkStatus { name: String },
}

impl Event {
    /// Whether the event is about extension `number`.
    fn concerns(&self, extension: &str) -> bool {
        match self {
            Event::SecurityBanned { .. }
            | Event::SecurityUnbanned { .. }
            | Event::SecurityListsChanged
            | Event::CallHangUp { .. }
            | Event::CallRecording { .. }
            | Event::TrunkStatus { .. }
            | Event::MusicOnHoldChanged => false,
            Event::CallsChanged | Event::RecordingsChanged | Event::FlowsChanged => true,
            Event::ExtensionCreated { number } | Event::ExtensionDeleted { number } => {
                number == extension
            }
            Event::RegistrationChanged { extension: number }
            | Event::VoicemailChanged { mailbox: number } => number == extension,
            Event::ExtensionUpdated {
                number,
                previous_number,
            } => number == extension || previous_number.as_deref() == Some(extension),
        }
    }

    /// Whether `actor` may hear of it: security and trunks only
    /// administrators, a user only of their own extension.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        let security = matches!(
            self,
            Event::SecurityBanned { .. }
                | Event::SecurityUnbanned { .. }
                | Event::SecurityListsChanged
                | Event::TrunkStatus { .. }
        );
        match &actor.role {
            Role::Admin => true,
            Role::Manager => !security,
            Role::User { extension } => self.concerns(extension),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_hear_only_of_their_own_extension() {
        let deleted = Event::ExtensionDeleted {
            number: "1001".into(),
        };
        let user = |n: &str| Actor {
            name: "u".into(),
            role: Role::User {
                extension: n.into(),
            },
            source: "x".into(),
        };
        assert!(deleted.visible_to(&user("1001")));
        assert!(!deleted.visible_to(&user("1002")));
        assert!(deleted.visible_to(&Actor::cli()));
        let json = serde_json::to_value(&deleted).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "extension.deleted", "number": "1001"})
        );
        let renamed = Event::ExtensionUpdated {
            number: "2001".into(),
            previous_number: Some("1001".into()),
        };
        assert!(renamed.visible_to(&user("1001")) && renamed.visible_to(&user("2001")));
        assert!(!renamed.visible_to(&user("1002")));
        let text = serde_json::to_string(&renamed).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), renamed);
    }
}
