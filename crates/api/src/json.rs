//! Request bodies and queries whose errors name what is wrong: malformed
//! JSON, wrong types, unknown fields and oversize bodies all become 4xx
//! problem+json, never a bare 500 or a text/plain rejection.

use crate::problem::Problem;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(named(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()))
            }
            Err(JsonRejection::JsonSyntaxError(e)) => {
                Err(Problem::new(StatusCode::BAD_REQUEST, e.body_text()))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send Content-Type: application/json",
            )),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("bodies are limited to {} bytes", crate::MAX_BODY),
            )),
            Err(e) => Err(Problem::new(e.status(), e.body_text())),
        }
    }
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(named(StatusCode::BAD_REQUEST, &e.body_text()))
            }
            Err(e) => Err(Problem::new(e.status(), e.body_text())),
        }
    }
}

/// A problem naming the field serde's message mentions in backquotes
/// (`unknown field `colour``, `call_limit: invalid type`).
fn named(status: StatusCode, message: &str) -> Problem {
    let problem = Problem::new(status, message);
    let field = message
        .split('`')
        .nth(1)
        .filter(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .or_else(|| {
            message.split(": ").nth(1).filter(|f| {
                f.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            })
        });
    match field {
        Some(f) => problem.field(f),
        None => problem,
    }
}
