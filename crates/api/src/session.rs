//! `POST /api/v1/login` and `/logout`.

use crate::auth::{session_cookie, Source, SESSION_COOKIE};
use crate::json::Body;
use crate::problem::Problem;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use switchboard_service::{Role, Service};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    #[schema(min_length = 1)]
    login: String,
    password: String,
}

fn role_name(role: &Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Manager => "manager",
        Role::User { .. } => "user",
    }
}

/// The session the cookie names, for a console page that was reloaded:
/// who is logged in, and the CSRF token changes must carry.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", security(("session" = [])),
    responses((status = 200, description = "logged in", body = SessionInfo),
              (status = 401, description = "no session, or it expired", body = Problem, content_type = "application/problem+json")))]
pub async fn current(
    State(service): State<Service>,
    Source(from): Source,
    headers: HeaderMap,
) -> Result<Json<SessionInfo>, Problem> {
    let secret =
        session_cookie(&headers).ok_or(switchboard_service::ServiceError::Unauthenticated)?;
    let (actor, csrf_token) = service.session(&secret, &from).await?;
    Ok(Json(SessionInfo {
        login: actor.name,
        role: role_name(&actor.role),
        csrf_token,
    }))
}

/// Who is logged in.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    login: String,
    #[schema(value_type = String)]
    role: &'static str,
    csrf_token: String,
}

/// Logs in; sets the session cookie and returns the CSRF token.
#[utoipa::path(post, path = "/api/v1/login", tag = "session", request_body = Login,
    responses((status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"), (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"), (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"), (status = 200, description = "logged in, with the `sb_session` cookie", body = SessionInfo),
              (status = 422, description = "wrong login or password", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "locked out after repeated failures", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(service): State<Service>,
    Source(from): Source,
    headers: HeaderMap,
    Body(input): Body<Login>,
) -> Result<Response, Problem> {
    let session = service.login(&input.login, &input.password, &from).await?;
    let cookie = session_cookie_header(&session.secret, &headers);
    let body = SessionInfo {
        role: role_name(&session.actor.role),
        login: session.actor.name,
        csrf_token: session.csrf_token,
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Ends the session.
#[utoipa::path(post, path = "/api/v1/logout", tag = "session", responses((status = 204, description = "logged out")))]
pub async fn logout(
    State(service): State<Service>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(secret) = session_cookie(&headers) {
        service.logout(&secret).await?;
    }
    let expired = format!("{}; Max-Age=0", session_cookie_header("", &headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, expired)]).into_response())
}

/// The `Set-Cookie` value carrying a session secret: never readable by
/// scripts, never sent by another site's request, and `Secure` when the
/// browser reached us over HTTPS (through a proxy that says so in
/// `X-Forwarded-Proto` or `Forwarded`). Trusting those headers is safe
/// here: they can only make the cookie stricter.
fn session_cookie_header(secret: &str, headers: &HeaderMap) -> String {
    let secure = if over_https(headers) { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Strict; Path=/{secure}")
}

fn over_https(headers: &HeaderMap) -> bool {
    let values = |name| {
        headers
            .get_all(name)
            .into_iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split([',', ';']))
            .map(|v| v.trim().to_ascii_lowercase())
            .collect::<Vec<_>>()
    };
    values("x-forwarded-proto").iter().any(|p| p == "https")
        || values("forwarded")
            .iter()
            .any(|p| p == "proto=https" || p == "proto=\"https\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_cookie_is_secure_when_the_browser_used_https() {
        let plain = session_cookie_header("s3cret", &headers(&[]));
        assert_eq!(
            plain,
            "sb_session=s3cret; HttpOnly; SameSite=Strict; Path=/"
        );
        for h in [
            headers(&[("x-forwarded-proto", "https")]),
            headers(&[("forwarded", "for=192.0.2.1;proto=https;by=10.0.0.1")]),
            headers(&[("forwarded", "For=\"[2001:db8::1]\";Proto=\"https\"")]),
        ] {
            assert!(
                session_cookie_header("s", &h).ends_with("; Secure"),
                "{h:?}"
            );
        }
        let http = headers(&[("x-forwarded-proto", "http"), ("forwarded", "proto=http")]);
        assert!(!session_cookie_header("s", &http).contains("Secure"));
    }
}
