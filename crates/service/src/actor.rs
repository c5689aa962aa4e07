//! Who is acting: a name for the audit log, a role that bounds what they
//! may do, and where the request came from.

use crate::ServiceError;

/// What an actor may do. Admins and managers manage every object; a user
/// sees and changes only their own extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    Manager,
    User { extension: String },
}

/// The one on whose behalf a change is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Login, token name, or `cli`.
    pub name: String,
    pub role: Role,
    /// An IP address, `cli`, or `apply`.
    pub source: String,
}

impl Actor {
    /// The local administrator at the command line.
    pub fn cli() -> Actor {
        Actor {
            name: "cli".into(),
            role: Role::Admin,
            source: "cli".into(),
        }
    }

    /// Switchboard itself, reading what its running parts need (the
    /// registrar's credentials, say).
    pub fn system(part: &str) -> Actor {
        Actor {
            name: part.into(),
            role: Role::Admin,
            source: "system".into(),
        }
    }

    pub(crate) fn require_admin(&self) -> Result<(), ServiceError> {
        match self.role {
            Role::Admin => Ok(()),
            _ => Err(ServiceError::Forbidden),
        }
    }

    pub(crate) fn require_manager(&self) -> Result<(), ServiceError> {
        match self.role {
            Role::Admin | Role::Manager => Ok(()),
            Role::User { .. } => Err(ServiceError::Forbidden),
        }
    }

    /// May this actor see or change extension `number`?
    pub(crate) fn may_touch(&self, number: &str) -> bool {
        match &self.role {
            Role::Admin | Role::Manager => true,
            Role::User { extension } => extension == number,
        }
    }
}
