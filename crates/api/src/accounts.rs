//! `/api/v1/users`: accounts that log in (admins only). The password of a
//! new account is returned once.

use crate::auth::Caller;
use crate::json::Body;
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use switchboard_service::{Account, NewAccount, Service};

/// Creates an account; the password (generated unless given) is returned once.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewAccount,
    security(("session" = []), ("token" = [])),
    responses((status = 201, description = "`{login, role, extension, password}`"),
              (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"),
              (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "login taken", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "a field is invalid", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not an administrator", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<Service>,
    Caller(actor): Caller,
    Body(input): Body<NewAccount>,
) -> Result<(StatusCode, Json<serde_json::Value>), Problem> {
    let (account, password) = s.create_account(&actor, input).await?;
    let body = serde_json::json!({
        "login": account.login, "role": account.role, "extension": account.extension, "password": password,
    });
    Ok((StatusCode::CREATED, Json(body)))
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Account>),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not an administrator", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<Vec<Account>>, Problem> {
    Ok(Json(s.accounts(&actor).await?))
}

/// Deletes an account with its sessions and tokens; the last administrator stays.
#[utoipa::path(delete, path = "/api/v1/users/{login}", tag = "users", params(("login" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "deleted"),
              (status = 404, description = "no such account", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "the last administrator", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not an administrator", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(login): Path<String>,
) -> Result<StatusCode, Problem> {
    s.delete_account(&actor, &login).await?;
    Ok(StatusCode::NO_CONTENT)
}
