//! `/api/v1/calls` (the calls in progress, and hanging one up) and
//! `/api/v1/cdr` (the records of ended calls, as JSON or, for
//! `Accept: text/csv`, as CSV).

use crate::auth::Caller;
use crate::json::Query;
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use switchboard_service::{Cdr, ListCdrs, LiveCall, Service};

/// The calls in progress; a user sees only their own extension's.
#[utoipa::path(get, path = "/api/v1/calls", tag = "calls",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<LiveCall>),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn live(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<Vec<LiveCall>>, Problem> {
    Ok(Json(s.live_calls(&actor).await?))
}

/// Ends a call in progress: BYE to both phones, or the ringing ones
/// cancelled. The record says who hung it up.
#[utoipa::path(post, path = "/api/v1/calls/{id}/hangup", tag = "calls", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 202, description = "the server carrying the call is told to end it"),
              (status = 404, description = "no such call in progress", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn hang_up(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    s.hang_up(&actor, &id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Call records, newest first; a user sees only their own extension's.
/// Send `Accept: text/csv` for CSV (times in RFC 3339, UTC).
#[utoipa::path(get, path = "/api/v1/cdr", tag = "calls", params(ListCdrs),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "the records; CSV with `Accept: text/csv`",
               content((Vec<Cdr> = "application/json"), (String = "text/csv"))),
              (status = 400, description = "bad query", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "a filter's value is wrong", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn records(
    State(s): State<Service>,
    Caller(actor): Caller,
    headers: HeaderMap,
    Query(q): Query<ListCdrs>,
) -> Result<Response, Problem> {
    let list = s.cdrs(&actor, q).await?;
    let csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")));
    Ok(if csv {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"calls.csv\"",
                ),
            ],
            Cdr::csv(&list),
        )
            .into_response()
    } else {
        Json(list).into_response()
    })
}
