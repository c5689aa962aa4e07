//! `/api/v1/recordings`: the recordings of calls (list, download as WAV,
//! delete), and `/api/v1/calls/{id}/recording`, which starts, pauses,
//! resumes or stops recording a call in progress.

use crate::auth::Caller;
use crate::json::{Body, Query};
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use switchboard_service::{ListRecordings, RecordRequest, Recording, Service, ServiceError};

/// Recordings, newest first; a user sees only their own extension's.
#[utoipa::path(get, path = "/api/v1/recordings", tag = "recordings", params(ListRecordings),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Recording>),
              (status = 400, description = "bad query", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "limit out of range", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<Service>,
    Caller(actor): Caller,
    Query(q): Query<ListRecordings>,
) -> Result<Json<Vec<Recording>>, Problem> {
    Ok(Json(s.list_recordings(&actor, q).await?))
}

/// A recording's audio: a stereo WAV file, the caller on the left channel
/// and the callee on the right.
#[utoipa::path(get, path = "/api/v1/recordings/{id}/audio", tag = "recordings", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "the WAV file", content_type = "audio/wav", body = Vec<u8>),
              (status = 404, description = "no such recording", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn audio(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (recording, path) = s.recording_file(&actor, &id).await?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| ServiceError::Files(format!("reading {}: {e}", path.display())))?;
    let disposition = format!("attachment; filename=\"recording-{}.wav\"", recording.id);
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Deletes a recording and its file.
#[utoipa::path(delete, path = "/api/v1/recordings/{id}", tag = "recordings", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "deleted"),
              (status = 404, description = "no such recording", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    s.delete_recording(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts, pauses, resumes or stops recording a call in progress.
/// Starting needs one of the parties' extensions to allow recording.
#[utoipa::path(post, path = "/api/v1/calls/{id}/recording", tag = "calls", params(("id" = String, Path)),
    request_body = RecordRequest, security(("session" = []), ("token" = [])),
    responses((status = 202, description = "the server carrying the call is told"),
              (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"),
              (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such call in progress", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "recording not allowed for this call", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(request): Body<RecordRequest>,
) -> Result<StatusCode, Problem> {
    s.record_call(&actor, &id, request.action).await?;
    Ok(StatusCode::ACCEPTED)
}
