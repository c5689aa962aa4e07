//! Calls: the records of ended calls (CDRs), written in batches as the
//! servers report them and read back with filters; and the calls in
//! progress, replaced as they change, so every door can list them.

use crate::{Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// The record of one ended call. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CdrRecord {
    pub id: String,
    pub caller: String,
    pub callee: String,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: i64,
    pub duration: i64,
    pub billable: i64,
    pub disposition: String,
    pub hangup_cause: String,
    pub hangup_side: String,
    pub codec: Option<String>,
    /// The legs' Call-IDs, separated by spaces, the caller's first.
    pub legs: String,
}

/// A call in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveCallRecord {
    pub id: String,
    pub caller: String,
    pub callee: String,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub state: String,
    pub codec: Option<String>,
}

/// Which records to read: all bounds optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CdrQuery {
    /// Started at or after (Unix seconds).
    pub from: Option<i64>,
    /// Started before (Unix seconds).
    pub to: Option<i64>,
    /// Calls this extension made or received.
    pub extension: Option<String>,
    pub disposition: Option<String>,
    pub limit: i64,
}

/// Rows written by one statement: well under both databases' limits on
/// bound values.
const ROWS_PER_STATEMENT: usize = 200;

const CDR_COLUMNS: &str = "id, caller, callee, started_at, answered_at, ended_at, duration, \
                           billable, disposition, hangup_cause, hangup_side, codec, legs";

const LIVE_COLUMNS: &str = "id, caller, callee, started_at, answered_at, state, codec";

impl Store {
    /// In one transaction: calls in progress added or changed (`live`),
    /// calls that ended taken off them and their records kept (`ended`).
    /// A record already kept is left as it is, so a batch may be retried.
    pub async fn record_calls(
        &self,
        live: &[LiveCallRecord],
        ended: &[CdrRecord],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        for chunk in live.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO live_calls ({LIVE_COLUMNS}) VALUES {} \
                 ON CONFLICT (id) DO UPDATE SET answered_at = excluded.answered_at, \
                 state = excluded.state, codec = excluded.codec",
                self.rows(chunk.len(), 7)
            );
            let mut q = Store::batch_statement(sql);
            for c in chunk {
                q = q
                    .bind(&c.id)
                    .bind(&c.caller)
                    .bind(&c.callee)
                    .bind(c.started_at)
                    .bind(c.answered_at)
                    .bind(&c.state)
                    .bind(c.codec.as_deref());
            }
            q.execute(&mut *tx).await?;
        }
        for chunk in ended.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "DELETE FROM live_calls WHERE id IN ({})",
                self.placeholders(1, chunk.len())
            );
            let mut q = Store::batch_statement(sql);
            for c in chunk {
                q = q.bind(&c.id);
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO cdrs ({CDR_COLUMNS}) VALUES {} ON CONFLICT (id) DO NOTHING",
                self.rows(chunk.len(), 13)
            );
            let mut q = Store::batch_statement(sql);
            for c in chunk {
                q = q
                    .bind(&c.id)
                    .bind(&c.caller)
                    .bind(&c.callee)
                    .bind(c.started_at)
                    .bind(c.answered_at)
                    .bind(c.ended_at)
                    .bind(c.duration)
                    .bind(c.billable)
                    .bind(&c.disposition)
                    .bind(&c.hangup_cause)
                    .bind(&c.hangup_side)
                    .bind(c.codec.as_deref())
                    .bind(&c.legs);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets every call in progress (a server starting has none), and
    /// says how many there were.
    pub async fn clear_live_calls(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM live_calls")
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Records matching `query`, newest first.
    pub async fn cdrs(&self, query: &CdrQuery) -> Result<Vec<CdrRecord>, StoreError> {
        let sql = format!(
            "SELECT {CDR_COLUMNS} FROM cdrs \
             WHERE ($1 IS NULL OR started_at >= $1) AND ($2 IS NULL OR started_at < $2) \
             AND ($3 IS NULL OR caller = $3 OR callee = $3) \
             AND ($4 IS NULL OR disposition = $4) \
             ORDER BY started_at DESC, id LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(query.from)
            .bind(query.to)
            .bind(query.extension.as_deref())
            .bind(query.disposition.as_deref())
            .bind(query.limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(cdr)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// The calls in progress (or the one with that id), oldest first.
    pub async fn live_calls(&self, id: Option<&str>) -> Result<Vec<LiveCallRecord>, StoreError> {
        let sql = format!(
            "SELECT {LIVE_COLUMNS} FROM live_calls WHERE ($1 IS NULL OR id = $1) \
             ORDER BY started_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(LiveCallRecord {
                    id: r.try_get("id")?,
                    caller: r.try_get("caller")?,
                    callee: r.try_get("callee")?,
                    started_at: r.try_get("started_at")?,
                    answered_at: r.try_get("answered_at")?,
                    state: r.try_get("state")?,
                    codec: r.try_get("codec")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

fn cdr(r: &AnyRow) -> Result<CdrRecord, sqlx::Error> {
    Ok(CdrRecord {
        id: r.try_get("id")?,
        caller: r.try_get("caller")?,
        callee: r.try_get("callee")?,
        started_at: r.try_get("started_at")?,
        answered_at: r.try_get("answered_at")?,
        ended_at: r.try_get("ended_at")?,
        duration: r.try_get("duration")?,
        billable: r.try_get("billable")?,
        disposition: r.try_get("disposition")?,
        hangup_cause: r.try_get("hangup_cause")?,
        hangup_side: r.try_get("hangup_side")?,
        codec: r.try_get("codec")?,
        legs: r.try_get("legs")?,
    })
}
