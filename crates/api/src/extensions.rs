//! `/api/v1/extensions`: list (paged, searchable), create, show, change,
//! delete, and regenerate the SIP secret.

use crate::auth::Caller;
use crate::json::{Body, Query};
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use switchboard_service::{
    Extension, ExtensionInput, ExtensionList, ExtensionPatch, ListExtensions, Service,
};

/// A page of extensions; a user sees only their own.
#[utoipa::path(get, path = "/api/v1/extensions", tag = "extensions", params(ListExtensions),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ExtensionList), (status = 422, description = "limit out of range", body = Problem, content_type = "application/problem+json"), (status = 400, description = "bad query", body = Problem, content_type = "application/problem+json"), (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"), (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<Service>,
    Caller(actor): Caller,
    Query(q): Query<ListExtensions>,
) -> Result<Json<ExtensionList>, Problem> {
    Ok(Json(s.list_extensions(&actor, q).await?))
}

/// Creates an extension; a strong secret and a PIN are generated unless given.
#[utoipa::path(post, path = "/api/v1/extensions", tag = "extensions", request_body = ExtensionInput,
    security(("session" = []), ("token" = [])),
    responses((status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"), (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"), (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"), (status = 201, body = Extension), (status = 409, description = "number or auth name taken", body = Problem, content_type = "application/problem+json"), (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json"), (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"), (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<Service>,
    Caller(actor): Caller,
    Body(input): Body<ExtensionInput>,
) -> Result<(StatusCode, Json<Extension>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_extension(&actor, input).await?),
    ))
}

/// One extension.
#[utoipa::path(get, path = "/api/v1/extensions/{number}", tag = "extensions", params(("number" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Extension), (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"), (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"), (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<Extension>, Problem> {
    Ok(Json(s.extension(&actor, &number).await?))
}

/// Changes the fields given; `null` clears an optional one.
#[utoipa::path(patch, path = "/api/v1/extensions/{number}", tag = "extensions", params(("number" = String, Path)),
    request_body = ExtensionPatch, security(("session" = []), ("token" = [])),
    responses((status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"), (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"), (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"), (status = 200, body = Extension), (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"), (status = 409, description = "number or auth name taken", body = Problem, content_type = "application/problem+json"), (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json"), (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"), (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
    Body(patch): Body<ExtensionPatch>,
) -> Result<Json<Extension>, Problem> {
    Ok(Json(s.update_extension(&actor, &number, patch).await?))
}

/// Deletes an extension.
#[utoipa::path(delete, path = "/api/v1/extensions/{number}", tag = "extensions", params(("number" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"), (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"), (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<StatusCode, Problem> {
    s.delete_extension(&actor, &number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the SIP secret with a new generated one.
#[utoipa::path(post, path = "/api/v1/extensions/{number}/secret", tag = "extensions", params(("number" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Extension), (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"), (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"), (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn regenerate_secret(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<Extension>, Problem> {
    Ok(Json(s.regenerate_secret(&actor, &number).await?))
}
