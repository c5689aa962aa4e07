//! `/api/v1/security/…`: the SIP guard's bans and the allow and block
//! lists. Administrators only.

use crate::auth::Caller;
use crate::json::{Body, Query};
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use switchboard_service::{BanInfo, ListEntry, NewListEntry, Service};

/// The addresses banned now.
#[utoipa::path(get, path = "/api/v1/security/bans", tag = "security",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<BanInfo>),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "administrators only", body = Problem, content_type = "application/problem+json")))]
pub async fn bans(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<Vec<BanInfo>>, Problem> {
    Ok(Json(s.bans(&actor).await?))
}

/// Lifts a ban.
#[utoipa::path(delete, path = "/api/v1/security/bans/{address}", tag = "security", params(("address" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "unbanned"),
              (status = 404, description = "no ban on that address", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "not an IP address", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "administrators only", body = Problem, content_type = "application/problem+json")))]
pub async fn unban(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(address): Path<String>,
) -> Result<StatusCode, Problem> {
    s.unban(&actor, &address).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The allow and block lists.
#[utoipa::path(get, path = "/api/v1/security/lists", tag = "security",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<ListEntry>),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "administrators only", body = Problem, content_type = "application/problem+json")))]
pub async fn lists(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<Vec<ListEntry>>, Problem> {
    Ok(Json(s.address_lists(&actor).await?))
}

/// Puts an address or network on the allow or block list.
#[utoipa::path(post, path = "/api/v1/security/lists", tag = "security", request_body = NewListEntry,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = ListEntry),
              (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"),
              (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "not an address or network", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "administrators only", body = Problem, content_type = "application/problem+json")))]
pub async fn add(
    State(s): State<Service>,
    Caller(actor): Caller,
    Body(entry): Body<NewListEntry>,
) -> Result<(StatusCode, Json<ListEntry>), Problem> {
    Ok((
        StatusCode::CREATED,
        Json(s.list_address(&actor, entry).await?),
    ))
}

/// Which network to take off the lists.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Unlist {
    /// An address or a network in CIDR form.
    network: String,
}

/// Takes an address or network off its list.
#[utoipa::path(delete, path = "/api/v1/security/lists", tag = "security", params(Unlist),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "off the lists"),
              (status = 400, description = "bad query", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "not on a list", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "not an address or network", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "administrators only", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Query(q): Query<Unlist>,
) -> Result<StatusCode, Problem> {
    s.unlist_address(&actor, &q.network).await?;
    Ok(StatusCode::NO_CONTENT)
}
