//! Changes as they happen, for whoever listens: the console's live views
//! now, other nodes later.

use crate::{Actor, Extension, Role};
use serde::Serialize;

/// One change, serialized as `{"type": "extension.created", "extension": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "extension.created")]
    ExtensionCreated { extension: Extension },
    #[serde(rename = "extension.updated")]
    ExtensionUpdated { extension: Extension },
    #[serde(rename = "extension.deleted")]
    ExtensionDeleted { number: String },
}

impl Event {
    /// The extension the event is about.
    pub fn number(&self) -> &str {
        match self {
            Event::ExtensionCreated { extension } | Event::ExtensionUpdated { extension } => {
                &extension.number
            }
            Event::ExtensionDeleted { number } => number,
        }
    }

    /// Whether `actor` may hear of it: a user only of their own extension.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        match &actor.role {
            Role::Admin | Role::Manager => true,
            Role::User { extension } => extension == self.number(),
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
    }
}
