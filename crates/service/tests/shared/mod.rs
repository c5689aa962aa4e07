//! What the service layer's tests of JSON-shaped objects share: a refusal
//! checked by its field and words, and objects and patches written as
//! JSON.

use switchboard_service::ServiceError;

/// Fails unless `result` refused `field`, saying `says`.
pub fn refused(result: Result<impl std::fmt::Debug, ServiceError>, field: &str, says: &str) {
    match result {
        Err(
            ServiceError::Invalid { field: f, message }
            | ServiceError::Conflict { field: f, message },
        ) if f == field && message.contains(says) => {}
        other => panic!("expected {field} refused saying {says:?}, got {other:?}"),
    }
}

pub fn object<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

pub fn patch(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    v.as_object().unwrap().clone()
}
