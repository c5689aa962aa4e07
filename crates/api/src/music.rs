//! `/api/v1/music-on-hold`: what a phone on hold hears. PUT a WAV file
//! (any common rate and format, up to 20 MiB) to make it the music;
//! DELETE to go back to the track that ships.

use crate::auth::Caller;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_service::Service;

/// Sets the music on hold; the body is the WAV file itself.
#[utoipa::path(put, path = "/api/v1/music-on-hold", tag = "media",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "the WAV file, sent as it is (any Content-Type)"),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "every server plays it from now on"),
              (status = 413, description = "over 20 MiB", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "not a WAV file Switchboard can read", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn set(
    State(s): State<Service>,
    Caller(actor): Caller,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    s.set_music_on_hold(&actor, body.to_vec()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Goes back to the music that ships.
#[utoipa::path(delete, path = "/api/v1/music-on-hold", tag = "media",
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "the shipped track plays from now on"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn reset(State(s): State<Service>, Caller(actor): Caller) -> Result<StatusCode, Problem> {
    s.reset_music_on_hold(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
