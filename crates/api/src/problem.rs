//! Errors as RFC 9457 problem details (`application/problem+json`), with
//! the field at fault named where there is one.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use switchboard_service::ServiceError;

/// A problem+json response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(skip)]
    #[schema(ignore)]
    status: StatusCode,
    title: String,
    #[serde(rename = "status")]
    code: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl Problem {
    /// A problem with a status and a detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            code: status.as_u16(),
            detail: detail.into(),
            field: None,
        }
    }

    /// Names the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Problem {
        let status = match &e {
            ServiceError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Conflict { .. } => StatusCode::CONFLICT,
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Forbidden => StatusCode::FORBIDDEN,
            ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ServiceError::Locked => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Store(err) => {
                tracing::error!("store: {err}");
                return Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the database failed; see the server log",
                );
            }
            ServiceError::Files(err) => {
                tracing::error!("{err}");
                return Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "a file could not be read or written; see the server log",
                );
            }
        };
        let field = e.field();
        let problem = Problem::new(status, e.to_string());
        match field {
            Some(f) => problem.field(f),
            None => problem,
        }
    }
}
