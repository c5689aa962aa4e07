//! The change feed: the service layer appends each change as it makes it;
//! a running server reads what came after the last one it saw. Sequence
//! numbers follow commit order on both SQLite and PostgreSQL.

use crate::{Store, StoreError};
use sqlx::Row;

/// One change, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRecord {
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// The service layer's event, as JSON.
    pub event: String,
}

/// How often a writer retries when another took the same number.
const ATTEMPTS: usize = 20;

/// Changes written by one statement (each statement is a round trip to
/// the database's thread).
const EVENTS_PER_STATEMENT: usize = 500;

impl Store {
    /// Appends several changes in one transaction, in order.
    pub async fn append_changes(&self, at: i64, events: &[String]) -> Result<(), StoreError> {
        let mut attempt = 0;
        loop {
            let mut tx = self.pool().begin().await?;
            let mut failed = None;
            for chunk in events.chunks(EVENTS_PER_STATEMENT) {
                // Numbered after the newest, in the order given: row k of
                // the VALUES list gets MAX(seq) + k.
                let rows: Vec<String> = (0..chunk.len())
                    .map(|k| format!("({}, {})", k + 1, self.placeholders(k + 2, 1)))
                    .collect();
                let sql = format!(
                    "INSERT INTO changes (seq, at, event) \
                     SELECT newest.seq + v.column1, {}, v.column2 \
                     FROM (SELECT COALESCE(MAX(seq), 0) AS seq FROM changes) AS newest, \
                     (VALUES {}) AS v",
                    self.placeholders(1, 1),
                    rows.join(", ")
                );
                let mut insert = Store::batch_statement(sql).bind(at);
                for event in chunk {
                    insert = insert.bind(event);
                }
                if let Err(e) = insert.execute(&mut *tx).await {
                    failed = Some(e);
                    break;
                }
            }
            match failed {
                None => {
                    tx.commit().await?;
                    return Ok(());
                }
                Some(sqlx::Error::Database(db))
                    if db.is_unique_violation() && attempt < ATTEMPTS =>
                {
                    attempt += 1;
                }
                Some(e) => return Err(e.into()),
            }
        }
    }

    /// The newest sequence number, 0 when there is none.
    pub async fn latest_change(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS seq FROM changes")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("seq")?)
    }

    /// Up to `limit` changes after `seq`, oldest first.
    pub async fn changes_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        let rows =
            sqlx::query("SELECT seq, at, event FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(seq)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(ChangeRecord {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    event: r.try_get("event")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Forgets changes older than `before` (Unix milliseconds), keeping the
    /// newest so numbering goes on from it.
    pub async fn prune_changes(&self, before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM changes WHERE at < $1 AND seq < (SELECT MAX(seq) FROM changes)",
        )
        .bind(before)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
