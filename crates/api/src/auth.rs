//! Who is calling: a console session or an API token, resolved by the
//! service layer into an actor. Changes made with a session must carry its
//! CSRF token; tokens with scope `read` may only read.

use crate::problem::Problem;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use std::net::SocketAddr;
use switchboard_service::{Actor, Scope, Service};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sb_session";

/// The calling actor.
pub struct Caller(pub Actor);

/// The caller's address, as an extractor.
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Source, Self::Rejection> {
        Ok(Source(source(parts)))
    }
}

/// The caller's address, as the audit log and lockouts see it.
pub fn source(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The session secret from the Cookie header, if any.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| {
            cookies.split(';').find_map(|c| {
                c.trim()
                    .strip_prefix(SESSION_COOKIE)?
                    .strip_prefix('=')
                    .map(str::to_owned)
            })
        })
}

impl FromRequestParts<Service> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Caller, Problem> {
        let source = source(parts);
        let changes = !matches!(parts.method, Method::GET | Method::HEAD);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            let (actor, scope) = service.token(token.trim(), &source).await?;
            if changes && scope == Scope::Read {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "this token may only read",
                ));
            }
            return Ok(Caller(actor));
        }
        let Some(secret) = session_cookie(&parts.headers) else {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "log in, or send an API token",
            ));
        };
        let (actor, csrf) = service.session(&secret, &source).await?;
        if changes {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "missing or wrong X-CSRF-Token header",
                ));
            }
        }
        Ok(Caller(actor))
    }
}
