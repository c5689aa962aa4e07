//! `/api/v1/ring-groups`, `/api/v1/ivrs` and `/api/v1/schedules`: the
//! call flows' building blocks, each listed, created, shown, changed (any
//! subset of fields) and deleted the same way; `/api/v1/numbers`: every
//! internal number and the tree a call to one follows.

use crate::auth::Caller;
use crate::json::Body;
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};
use switchboard_service::{FlowNode, Ivr, NumberList, RingGroup, Schedule, Service};

/// The routes and handlers of one kind of flow object.
macro_rules! flow_routes {
    ($module:ident, $type:ty, $list:ident, $tag:literal, $path:literal, $item_path:literal) => {
        pub mod $module {
            use super::*;

            #[derive(Serialize, utoipa::ToSchema)]
            pub struct $list {
                pub items: Vec<$type>,
            }

            /// Every one, by name.
            #[utoipa::path(get, path = $path, tag = $tag,
                security(("session" = []), ("token" = [])),
                responses((status = 200, body = $list),
                    (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
            pub async fn list(State(s): State<Service>, Caller(actor): Caller) -> Result<Json<$list>, Problem> {
                Ok(Json($list { items: s.flows::<$type>(&actor).await? }))
            }

            /// Creates one; what it names must exist.
            #[utoipa::path(post, path = $path, tag = $tag, request_body = $type,
                security(("session" = []), ("token" = [])),
                responses((status = 201, body = $type),
                    (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "name or number taken", body = Problem, content_type = "application/problem+json"),
                    (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"),
                    (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "a field is invalid, or names what does not exist", body = Problem, content_type = "application/problem+json"),
                    (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
            pub async fn create(
                State(s): State<Service>,
                Caller(actor): Caller,
                Body(input): Body<$type>,
            ) -> Result<(StatusCode, Json<$type>), Problem> {
                Ok((StatusCode::CREATED, Json(s.create_flow(&actor, input).await?)))
            }

            /// One.
            #[utoipa::path(get, path = $item_path, tag = $tag, params(("name" = String, Path)),
                security(("session" = []), ("token" = [])),
                responses((status = 200, body = $type),
                    (status = 404, description = "none of that name", body = Problem, content_type = "application/problem+json"),
                    (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
            pub async fn show(
                State(s): State<Service>,
                Caller(actor): Caller,
                Path(name): Path<String>,
            ) -> Result<Json<$type>, Problem> {
                Ok(Json(s.flow::<$type>(&actor, &name).await?))
            }

            /// Changes the fields given (any of them); the result is checked whole.
            #[utoipa::path(patch, path = $item_path, tag = $tag, params(("name" = String, Path)),
                request_body(content = Object, description = "any of the object's fields"),
                security(("session" = []), ("token" = [])),
                responses((status = 200, body = $type),
                    (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "none of that name", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "name or number taken, or renamed while referred to", body = Problem, content_type = "application/problem+json"),
                    (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"),
                    (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json"),
                    (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
            pub async fn update(
                State(s): State<Service>,
                Caller(actor): Caller,
                Path(name): Path<String>,
                Body(patch): Body<Map<String, Value>>,
            ) -> Result<Json<$type>, Problem> {
                Ok(Json(s.update_flow::<$type>(&actor, &name, patch).await?))
            }

            /// Deletes one nothing refers to.
            #[utoipa::path(delete, path = $item_path, tag = $tag, params(("name" = String, Path)),
                security(("session" = []), ("token" = [])),
                responses((status = 204, description = "deleted"),
                    (status = 404, description = "none of that name", body = Problem, content_type = "application/problem+json"),
                    (status = 409, description = "still referred to (the message says by whom)", body = Problem, content_type = "application/problem+json"),
                    (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
            pub async fn remove(
                State(s): State<Service>,
                Caller(actor): Caller,
                Path(name): Path<String>,
            ) -> Result<StatusCode, Problem> {
                s.delete_flow::<$type>(&actor, &name).await?;
                Ok(StatusCode::NO_CONTENT)
            }
        }
    };
}

pub(crate) use flow_routes;

flow_routes!(
    ring_groups,
    RingGroup,
    RingGroupList,
    "ring groups",
    "/api/v1/ring-groups",
    "/api/v1/ring-groups/{name}"
);
flow_routes!(
    ivrs,
    Ivr,
    IvrList,
    "ivrs",
    "/api/v1/ivrs",
    "/api/v1/ivrs/{name}"
);
flow_routes!(
    schedules,
    Schedule,
    ScheduleList,
    "schedules",
    "/api/v1/schedules",
    "/api/v1/schedules/{name}"
);

/// Every internal number (extensions, ring groups, IVRs, schedules).
#[utoipa::path(get, path = "/api/v1/numbers", tag = "numbers",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = NumberList),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn numbers(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<NumberList>, Problem> {
    Ok(Json(s.numbers(&actor).await?))
}

/// Where a call to `number` goes, step by step.
#[utoipa::path(get, path = "/api/v1/numbers/{number}/flow", tag = "numbers", params(("number" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FlowNode),
        (status = 404, description = "no such number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn number_flow(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<FlowNode>, Problem> {
    Ok(Json(s.number_flow(&actor, &number).await?))
}
