//! Following the store's change feed: every change the service layer
//! records is appended there, and a running server reads what came after
//! the last change it saw and announces it to its listeners. Changes made
//! by this process wake the reader at once; changes made elsewhere (the
//! CLI, another node on the same database) are picked up within a poll.
//! On SQLite a poll first looks at the write-ahead log's stamp, and asks
//! the database only when something was committed since the last look: a
//! query is two wake-ups of other threads, which an idle server should
//! not spend twice a second.

use crate::{now_millis, Event, Service, ServiceError};
use std::time::{Duration, Instant};

/// How long a change made elsewhere may wait before it is announced.
const POLL: Duration = Duration::from_millis(500);
/// How long a poll may trust the log's stamp before it asks anyway.
const ASK_AT_LEAST_EVERY: Duration = Duration::from_secs(10);
/// The most changes read at once.
const BATCH: i64 = 500;
/// How long changes are kept for readers that fell behind.
const KEEP: Duration = Duration::from_secs(24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl Service {
    /// Starts announcing every change recorded from now on, by anyone, to
    /// [`subscribe`](Service::subscribe)rs. A server calls this once.
    pub async fn follow_changes(&self) -> Result<(), ServiceError> {
        let from = self.store.latest_change().await?;
        tokio::spawn(follow(self.clone(), from));
        Ok(())
    }

    /// Appends events to the change feed in one write, and wakes this
    /// process's reader.
    pub(crate) async fn announce_all(&self, events: &[Event]) -> Result<(), ServiceError> {
        if events.is_empty() {
            return Ok(());
        }
        let json: Vec<String> = events
            .iter()
            .map(|e| serde_json::to_string(e).expect("events serialize"))
            .collect();
        self.store.append_changes(now_millis(), &json).await?;
        self.feed.notify_one();
        Ok(())
    }

    /// Appends `event` to the change feed and wakes this process's reader.
    pub(crate) async fn announce(&self, event: &Event) -> Result<(), ServiceError> {
        self.announce_all(std::slice::from_ref(event)).await
    }
}

async fn follow(service: Service, mut last: i64) {
    let mut pruned = Instant::now();
    let mut behind = false;
    let mut stamp = service.store.commit_stamp();
    let mut asked = Instant::now();
    loop {
        if !behind {
            tokio::select! {
                _ = service.feed.notified() => {}
                _ = tokio::time::sleep(POLL) => {
                    let now = service.store.commit_stamp();
                    let quiet = now.is_some() && now == stamp;
                    if quiet && asked.elapsed() < ASK_AT_LEAST_EVERY {
                        continue;
                    }
                }
            }
        }
        // Taken before the question, so a commit made while it is asked
        // moves the stamp past this one.
        stamp = service.store.commit_stamp();
        asked = Instant::now();
        let changes = match service.store.changes_after(last, BATCH).await {
            Ok(changes) => changes,
            Err(e) => {
                tracing::warn!("change feed: {e}");
                behind = false;
                continue;
            }
        };
        behind = changes.len() as i64 == BATCH;
        for change in changes {
            last = change.seq;
            match serde_json::from_str::<Event>(&change.event) {
                Ok(event) => {
                    let _ = service.events.send(event);
                }
                Err(e) => tracing::warn!(
                    "change {} is not an event this version knows: {e}",
                    change.seq
                ),
            }
        }
        if pruned.elapsed() >= PRUNE_EVERY {
            pruned = Instant::now();
            let before = now_millis() - KEEP.as_millis() as i64;
            if let Err(e) = service.store.prune_changes(before).await {
                tracing::warn!("change feed: pruning: {e}");
            }
        }
    }
}
