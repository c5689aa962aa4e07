//! What can go wrong in the service layer, in words an administrator
//! understands and with the field at fault named, so every door (HTTP
//! problem+json, CLI, apply) can say exactly what to fix.

use switchboard_store::StoreError;

/// A refused or failed change.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A field's value is not acceptable.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The value is valid but already in use.
    #[error("{field}: {message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    #[error("{0} not found")]
    NotFound(String),
    #[error("not allowed for this account")]
    Forbidden,
    /// No valid session or token.
    #[error("log in first")]
    Unauthenticated,
    /// Too many failed logins for this account or address; try later.
    #[error("too many failed logins; try again later")]
    Locked,
    #[error(transparent)]
    Store(StoreError),
    /// A file under the data directory (a recording) could not be read,
    /// written or removed.
    #[error("files: {0}")]
    Files(String),
}

impl ServiceError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// The field at fault, if the error is about one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ServiceError::Invalid { field, .. } | ServiceError::Conflict { field, .. } => {
                Some(field)
            }
            _ => None,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> ServiceError {
        match e {
            StoreError::Conflict(column) => {
                let field = if column == "auth_name" {
                    "auth_name"
                } else {
                    "number"
                };
                ServiceError::Conflict {
                    field,
                    message: "is already used by another extension".into(),
                }
            }
            other => ServiceError::Store(other),
        }
    }
}
