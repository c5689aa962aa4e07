//! `GET /metrics`: the running server's counters in Prometheus' text
//! format, for administrators and managers (Prometheus sends an API token:
//! `authorization: {credentials: sbt_…}`). The binary says what to render.

use crate::auth::Caller;
use crate::problem::Problem;
use axum::extract::Extension;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use switchboard_service::Role;

/// Renders the metrics text.
pub type MetricsText = Arc<dyn Fn() -> String + Send + Sync>;

pub async fn render(
    Caller(actor): Caller,
    Extension(metrics): Extension<MetricsText>,
) -> Result<Response, Problem> {
    if matches!(actor.role, Role::User { .. }) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "administrators and managers only",
        ));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics(),
    )
        .into_response())
}
