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

pub async fn list(
    State(s): State<Service>,
    Caller(actor): Caller,
    Query(q): Query<ListExtensions>,
) -> Result<Json<ExtensionList>, Problem> {
    Ok(Json(s.list_extensions(&actor, q).await?))
}

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

pub async fn show(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<Extension>, Problem> {
    Ok(Json(s.extension(&actor, &number).await?))
}

pub async fn update(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
    Body(patch): Body<ExtensionPatch>,
) -> Result<Json<Extension>, Problem> {
    Ok(Json(s.update_extension(&actor, &number, patch).await?))
}

pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<StatusCode, Problem> {
    s.delete_extension(&actor, &number).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn regenerate_secret(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<Extension>, Problem> {
    Ok(Json(s.regenerate_secret(&actor, &number).await?))
}
