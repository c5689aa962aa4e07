//! `/api/v1/registrations`: the phones registered now.

use crate::auth::Caller;
use crate::json::Query;
use crate::problem::Problem;
use axum::extract::State;
use axum::Json;
use switchboard_service::{ListRegistrations, Registration, Service};

/// Registered phones; a user sees only their own extension's.
#[utoipa::path(get, path = "/api/v1/registrations", tag = "registrations", params(ListRegistrations),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Registration>),
              (status = 400, description = "bad query", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<Service>,
    Caller(actor): Caller,
    Query(q): Query<ListRegistrations>,
) -> Result<Json<Vec<Registration>>, Problem> {
    Ok(Json(s.registrations(&actor, q).await?))
}
