//! `GET /api/v1/events`: changes as server-sent events, for live views.
//! Each event is one JSON object (see the service layer's `Event`); a user
//! hears only of their own extension. A listener too slow to keep up is
//! told to reload (`event: lagged`) instead of silently missing changes.

use crate::auth::Caller;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{Stream, StreamExt};
use std::convert::Infallible;
use switchboard_service::Service;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

/// Streams every change the caller may see.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "text/event-stream of change events", content_type = "text/event-stream"),
              (status = 401, description = "not logged in", body = crate::Problem, content_type = "application/problem+json")))]
pub async fn stream(
    State(s): State<Service>,
    Caller(actor): Caller,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let events = BroadcastStream::new(s.subscribe()).filter_map(move |item| {
        let out = match item {
            Ok(event) if event.visible_to(&actor) => Some(
                SseEvent::default()
                    .json_data(&event)
                    .unwrap_or_else(|_| SseEvent::default().event("error")),
            ),
            Ok(_) => None,
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(SseEvent::default().event("lagged").data("reload"))
            }
        };
        std::future::ready(out.map(Ok))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
