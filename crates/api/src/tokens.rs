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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    scope: String,
}

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

pub async fn revoke(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    s.revoke_token(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
