//! Serves the embedded web console: its hashed assets for good, and its
//! page for every other address outside `/api/`, so a reload on
//! `/extensions` lands on the console and not on a 404. Everything under
//! `/api/` that no route takes is a problem+json 404.

use crate::problem::Problem;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// What the console's page may load and do: only its own files and the API.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn serve(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") {
        return Problem::new(StatusCode::NOT_FOUND, "no such endpoint").into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "the console is read with GET",
        )
        .into_response();
    }
    let asset = match switchboard_console::asset(path) {
        Some(asset) => asset,
        None if path.starts_with("/assets/") => {
            return (StatusCode::NOT_FOUND, "no such file").into_response()
        }
        None => switchboard_console::index(),
    };
    let cache = if asset.immutable() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
