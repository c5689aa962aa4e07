//! `/api/v1/tokens`: API tokens that act as their creator, read-only or
//! read-write; the secret is shown once, at creation.

use crate::auth::Caller;
use crate::json::Body;
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use switchboard_service::{Scope, Service};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    /// `read` or `write`.
    #[schema(pattern = "^(read|write)$")]
    scope: String,
}

/// Makes an API token acting as the caller; the secret is shown once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken,
    security(("session" = []), ("token" = [])),
    responses((status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"), (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"), (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"), (status = 201, description = "`{id, name, scope, token}`"),
              (status = 422, description = "bad name or scope", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<Service>,
    Caller(actor): Caller,
    Body(input): Body<NewToken>,
) -> Result<(StatusCode, Json<serde_json::Value>), Problem> {
    let scope = Scope::parse(&input.scope)?;
    let (id, token) = s.create_token(&actor, &input.name, scope).await?;
    let body =
        serde_json::json!({ "id": id, "name": input.name, "scope": input.scope, "token": token });
    Ok((StatusCode::CREATED, Json(body)))
}

/// Revokes a token (admins).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "revoked"),
              (status = 404, description = "no such live token", body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    s.revoke_token(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
