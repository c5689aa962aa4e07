//! Caller names from a CRM: for each inbound call whose trunk has a
//! `caller_name_url`, the engine asks for the URL (the caller's number in
//! it); this asks it, within a second, and hands the name back. The answer
//! may be JSON with a `name` string or plain text (its first line). No
//! answer, an error status or anything else leaves the call as it came.

use crate::transport::driver::{DriverTx, Inbound};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the URL has to answer (the engine rings without a name soon
/// after anyway).
const ANSWER_WITHIN: Duration = Duration::from_millis(1200);

/// Starts the asker; the driver sends it (call, URL) pairs.
pub fn start(driver: DriverTx) -> mpsc::UnboundedSender<(u64, String)> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(u64, String)>();
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(ANSWER_WITHIN).build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("caller names: {e}");
                return;
            }
        };
        while let Some((id, url)) = rx.recv().await {
            let (client, driver) = (client.clone(), driver.clone());
            tokio::spawn(async move {
                let name = ask(&client, &url).await;
                let _ = driver.send(Inbound::CallerName { id, name }).await;
            });
        }
    });
    tx
}

async fn ask(client: &reqwest::Client, url: &str) -> Option<String> {
    let response = match client.get(url).send().await {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => {
            tracing::info!("caller name from {url}: {}", r.status());
            return None;
        }
        Err(e) => {
            tracing::info!("caller name from {url}: {e}");
            return None;
        }
    };
    name_in(&response.text().await.ok()?)
}

/// The name an answer gives: JSON's `name`, or the first line of text.
fn name_in(body: &str) -> Option<String> {
    let name = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(v) => v.get("name")?.as_str()?.to_owned(),
        Err(_) => body.lines().next()?.to_owned(),
    };
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::name_in;

    #[test]
    fn names_come_from_json_or_the_first_line() {
        assert_eq!(
            name_in(r#"{"name": "ACME Corp"}"#).as_deref(),
            Some("ACME Corp")
        );
        assert_eq!(name_in("Jane Doe\nmore").as_deref(), Some("Jane Doe"));
        assert_eq!(name_in(r#"{"other": 1}"#), None);
        assert_eq!(name_in("  \n"), None);
    }
}
