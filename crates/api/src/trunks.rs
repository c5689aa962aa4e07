//! `/api/v1/trunks`, `/api/v1/dids` and `/api/v1/outbound-rules`: the
//! phone network, handled like the call flows (administrators only); and
//! `/api/v1/capacity`: the capacity plan's record with a sizing hint.

use crate::auth::Caller;
use crate::flows::flow_routes;
use crate::json::Body;
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};
use switchboard_service::{CapacityReport, Did, OutboundRule, Service, Trunk};

flow_routes!(
    trunks,
    Trunk,
    TrunkList,
    "trunks",
    "/api/v1/trunks",
    "/api/v1/trunks/{name}"
);
flow_routes!(
    dids,
    Did,
    DidList,
    "DIDs",
    "/api/v1/dids",
    "/api/v1/dids/{name}"
);
flow_routes!(
    outbound_rules,
    OutboundRule,
    OutboundRuleList,
    "outbound rules",
    "/api/v1/outbound-rules",
    "/api/v1/outbound-rules/{name}"
);

/// The capacity plan, the peak simultaneous external calls per hour (last
/// 24 hours) and day (last 30), the calls refused at the limit, and
/// whether the plan fits.
#[utoipa::path(get, path = "/api/v1/capacity", tag = "capacity",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CapacityReport),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn capacity(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<CapacityReport>, Problem> {
    Ok(Json(s.capacity_report(&actor).await?))
}
