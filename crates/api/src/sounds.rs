//! `/api/v1/sounds`: what IVR greetings and announcements play — the
//! uploaded WAVs and the shipped prompts; upload, listen, delete.

use crate::auth::Caller;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use switchboard_service::{Service, Sound, SoundList};

/// The uploaded sounds, then the shipped prompts.
#[utoipa::path(get, path = "/api/v1/sounds", tag = "sounds",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = SoundList),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Result<Json<SoundList>, Problem> {
    Ok(Json(s.sounds(&actor).await?))
}

/// Uploads a sound; the body is the WAV file itself (any common rate and
/// format, up to 10 MiB).
#[utoipa::path(put, path = "/api/v1/sounds/{name}", tag = "sounds", params(("name" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "the WAV file, sent as it is (any Content-Type)"),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Sound),
        (status = 409, description = "a shipped prompt's name", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "over 10 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not a WAV file Switchboard can read, or a bad name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn set(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<Sound>, Problem> {
    Ok(Json(s.set_sound(&actor, &name, body.to_vec()).await?))
}

/// An uploaded sound's WAV.
#[utoipa::path(get, path = "/api/v1/sounds/{name}/audio", tag = "sounds", params(("name" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "the WAV", content_type = "audio/wav"),
        (status = 404, description = "no uploaded sound of that name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a bad name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn audio(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(name): Path<String>,
) -> Result<Response, Problem> {
    let bytes = s.sound_audio(&actor, &name).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], bytes).into_response())
}

/// Deletes an uploaded sound nothing plays.
#[utoipa::path(delete, path = "/api/v1/sounds/{name}", tag = "sounds", params(("name" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "deleted"),
        (status = 404, description = "no uploaded sound of that name", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "still played (the message says by whom)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a shipped prompt, or a bad name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, Problem> {
    s.delete_sound(&actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
