//! Voicemail: `/api/v1/mailboxes/{number}` (a box: its counts and
//! greetings), its messages, and its greetings (GET, PUT a WAV file,
//! DELETE for the default one); `/api/v1/voicemail/{id}` a message: its
//! audio as WAV, marked heard or moved (PATCH), deleted. A user reaches
//! only their own box.

use crate::auth::Caller;
use crate::json::Body;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use switchboard_service::{Greeting, Mailbox, Message, MessagePatch, Service, ServiceError};

fn wav(bytes: Vec<u8>, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "audio/wav".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.wav\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn greeting(kind: &str) -> Result<Greeting, Problem> {
    kind.parse().map_err(|message: String| {
        ServiceError::Invalid {
            field: "greeting",
            message,
        }
        .into()
    })
}

/// A mailbox: whose, how many messages, which greetings are recorded.
#[utoipa::path(get, path = "/api/v1/mailboxes/{number}", tag = "voicemail", params(("number" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Mailbox),
              (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn mailbox(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<Mailbox>, Problem> {
    Ok(Json(s.mailbox(&actor, &number).await?))
}

/// A mailbox's messages, oldest first.
#[utoipa::path(get, path = "/api/v1/mailboxes/{number}/messages", tag = "voicemail", params(("number" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<Message>),
              (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn messages(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(number): Path<String>,
) -> Result<Json<Vec<Message>>, Problem> {
    Ok(Json(s.messages(&actor, &number).await?))
}

/// A greeting's audio (WAV), when one was recorded or uploaded.
#[utoipa::path(get, path = "/api/v1/mailboxes/{number}/greetings/{kind}", tag = "voicemail",
    params(("number" = String, Path), ("kind" = String, Path, description = "unavailable, busy or temporary")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "the WAV file", content_type = "audio/wav", body = Vec<u8>),
              (status = 404, description = "no such extension, or no such greeting recorded", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "no such kind of greeting", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn get_greeting(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path((number, kind)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let kind = greeting(&kind)?;
    match s.greeting(&actor, &number, kind).await? {
        Some(bytes) => Ok(wav(bytes, format!("greeting-{number}-{}", kind.as_str()))),
        None => {
            Err(ServiceError::NotFound(format!("{} greeting of {number}", kind.as_str())).into())
        }
    }
}

/// Sets a greeting; the body is the WAV file itself (any common rate and
/// format, up to 5 MiB).
#[utoipa::path(put, path = "/api/v1/mailboxes/{number}/greetings/{kind}", tag = "voicemail",
    params(("number" = String, Path), ("kind" = String, Path, description = "unavailable, busy or temporary")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "the WAV file, sent as it is (any Content-Type)"),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "callers hear it from now on"),
              (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "over 5 MiB", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "not a WAV file Switchboard can read, or no such kind", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn set_greeting(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path((number, kind)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    let kind = greeting(&kind)?;
    s.set_greeting(&actor, &number, kind, body.to_vec()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a greeting: the default one plays again.
#[utoipa::path(delete, path = "/api/v1/mailboxes/{number}/greetings/{kind}", tag = "voicemail",
    params(("number" = String, Path), ("kind" = String, Path, description = "unavailable, busy or temporary")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "removed (or there was none)"),
              (status = 404, description = "no such extension", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "no such kind of greeting", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_greeting(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path((number, kind)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let kind = greeting(&kind)?;
    s.delete_greeting(&actor, &number, kind).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A message's audio: a mono WAV file.
#[utoipa::path(get, path = "/api/v1/voicemail/{id}/audio", tag = "voicemail", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "the WAV file", content_type = "audio/wav", body = Vec<u8>),
              (status = 404, description = "no such message", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn audio(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (message, bytes) = s.message_audio(&actor, &id).await?;
    Ok(wav(bytes, format!("voicemail-{}", message.id)))
}

/// Marks a message heard (or not), or moves it to another folder.
#[utoipa::path(patch, path = "/api/v1/voicemail/{id}", tag = "voicemail", params(("id" = String, Path)),
    request_body = MessagePatch, security(("session" = []), ("token" = [])),
    responses((status = 200, body = Message),
              (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "body over 64 KiB", body = Problem, content_type = "application/problem+json"),
              (status = 415, description = "not application/json", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "an unknown field, or a value of the wrong kind", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such message", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(patch): Body<MessagePatch>,
) -> Result<Json<Message>, Problem> {
    Ok(Json(s.update_message(&actor, &id, patch).await?))
}

/// Deletes a message and its file.
#[utoipa::path(delete, path = "/api/v1/voicemail/{id}", tag = "voicemail", params(("id" = String, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "deleted"),
              (status = 404, description = "no such message", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "not logged in", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(s): State<Service>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    s.delete_message(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
