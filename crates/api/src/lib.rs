//! Switchboard's REST API, `/api/v1`: every service-layer operation over
//! HTTP. Handlers only translate — JSON in, a service call with the caller
//! as actor, JSON or problem+json out — so the API can do nothing the
//! service layer does not allow.
//!
//! Every other path outside `/api/` serves the embedded web console.
//!
//! Authentication is a console session (cookie `sb_session` from
//! `POST /api/v1/login`, plus the CSRF token it returns echoed in
//! `X-CSRF-Token` on every change) or an API token
//! (`Authorization: Bearer sbt_…`, scope `read` or `write`).

mod accounts;
mod auth;
mod calls;
mod console;
mod events;
mod extensions;
mod flows;
mod json;
mod metrics;
mod music;
pub mod openapi;
mod problem;
mod recordings;
mod registrations;
mod security;
mod session;
mod sounds;
mod tokens;
mod trunks;
mod voicemail;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use switchboard_service::Service;

pub use metrics::MetricsText;
pub use problem::Problem;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// The API's routes over `service`, and `/metrics` rendered by `metrics`.
/// Serve with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>`) so the audit log
/// and lockouts see the caller's address.
pub fn router(service: Service, metrics: MetricsText) -> Router {
    Router::new()
        .route("/metrics", get(metrics::render))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/session", get(session::current))
        .route("/api/v1/login", post(session::login))
        .route("/api/v1/logout", post(session::logout))
        .route(
            "/api/v1/extensions",
            get(extensions::list).post(extensions::create),
        )
        .route(
            "/api/v1/extensions/{number}",
            get(extensions::show)
                .patch(extensions::update)
                .delete(extensions::remove),
        )
        .route(
            "/api/v1/extensions/{number}/secret",
            post(extensions::regenerate_secret),
        )
        .route("/api/v1/registrations", get(registrations::list))
        .route("/api/v1/calls", get(calls::live))
        .route("/api/v1/calls/{id}/hangup", post(calls::hang_up))
        .route("/api/v1/calls/{id}/recording", post(recordings::record))
        .route(
            "/api/v1/music-on-hold",
            axum::routing::put(music::set)
                .delete(music::reset)
                .layer(DefaultBodyLimit::max(
                    switchboard_service::MAX_MUSIC_BYTES + 1,
                )),
        )
        .route("/api/v1/recordings", get(recordings::list))
        .route("/api/v1/recordings/{id}/audio", get(recordings::audio))
        .route(
            "/api/v1/recordings/{id}",
            axum::routing::delete(recordings::remove),
        )
        .route("/api/v1/mailboxes/{number}", get(voicemail::mailbox))
        .route(
            "/api/v1/mailboxes/{number}/messages",
            get(voicemail::messages),
        )
        .route(
            "/api/v1/mailboxes/{number}/greetings/{kind}",
            get(voicemail::get_greeting)
                .put(voicemail::set_greeting)
                .delete(voicemail::delete_greeting)
                .layer(DefaultBodyLimit::max(
                    switchboard_service::voicemail::MAX_GREETING_BYTES + 1,
                )),
        )
        .route("/api/v1/voicemail/{id}/audio", get(voicemail::audio))
        .route(
            "/api/v1/voicemail/{id}",
            axum::routing::patch(voicemail::update).delete(voicemail::remove),
        )
        .route("/api/v1/cdr", get(calls::records))
        .route(
            "/api/v1/ring-groups",
            get(flows::ring_groups::list).post(flows::ring_groups::create),
        )
        .route(
            "/api/v1/ring-groups/{name}",
            get(flows::ring_groups::show)
                .patch(flows::ring_groups::update)
                .delete(flows::ring_groups::remove),
        )
        .route(
            "/api/v1/ivrs",
            get(flows::ivrs::list).post(flows::ivrs::create),
        )
        .route(
            "/api/v1/ivrs/{name}",
            get(flows::ivrs::show)
                .patch(flows::ivrs::update)
                .delete(flows::ivrs::remove),
        )
        .route(
            "/api/v1/schedules",
            get(flows::schedules::list).post(flows::schedules::create),
        )
        .route(
            "/api/v1/schedules/{name}",
            get(flows::schedules::show)
                .patch(flows::schedules::update)
                .delete(flows::schedules::remove),
        )
        .route(
            "/api/v1/trunks",
            get(trunks::trunks::list).post(trunks::trunks::create),
        )
        .route(
            "/api/v1/trunks/{name}",
            get(trunks::trunks::show)
                .patch(trunks::trunks::update)
                .delete(trunks::trunks::remove),
        )
        .route(
            "/api/v1/dids",
            get(trunks::dids::list).post(trunks::dids::create),
        )
        .route(
            "/api/v1/dids/{name}",
            get(trunks::dids::show)
                .patch(trunks::dids::update)
                .delete(trunks::dids::remove),
        )
        .route(
            "/api/v1/outbound-rules",
            get(trunks::outbound_rules::list).post(trunks::outbound_rules::create),
        )
        .route(
            "/api/v1/outbound-rules/{name}",
            get(trunks::outbound_rules::show)
                .patch(trunks::outbound_rules::update)
                .delete(trunks::outbound_rules::remove),
        )
        .route("/api/v1/capacity", get(trunks::capacity))
        .route("/api/v1/numbers", get(flows::numbers))
        .route("/api/v1/numbers/{number}/flow", get(flows::number_flow))
        .route("/api/v1/sounds", get(sounds::list))
        .route(
            "/api/v1/sounds/{name}",
            axum::routing::put(sounds::set)
                .delete(sounds::remove)
                .layer(DefaultBodyLimit::max(
                    switchboard_service::MAX_SOUND_BYTES + 1,
                )),
        )
        .route("/api/v1/sounds/{name}/audio", get(sounds::audio))
        .route("/api/v1/security/bans", get(security::bans))
        .route(
            "/api/v1/security/bans/{address}",
            axum::routing::delete(security::unban),
        )
        .route(
            "/api/v1/security/lists",
            get(security::lists)
                .post(security::add)
                .delete(security::remove),
        )
        .route("/api/v1/events", get(events::stream))
        .route("/api/v1/users", get(accounts::list).post(accounts::create))
        .route(
            "/api/v1/users/{login}",
            axum::routing::delete(accounts::remove),
        )
        .route("/api/v1/tokens", post(tokens::create))
        .route("/api/v1/tokens/{id}", axum::routing::delete(tokens::revoke))
        .fallback(console::serve)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::Extension(metrics))
        .with_state(service)
}
