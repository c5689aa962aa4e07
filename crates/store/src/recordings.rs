//! Call recordings as stored: one row per recording, naming its WAV file
//! (relative to the data directory). The file is written, and renamed to
//! its final name, before the row exists, so a listed recording always has
//! its whole file.

use crate::{Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A recording. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingRecord {
    /// The call's id.
    pub id: String,
    pub caller: String,
    pub callee: String,
    pub started_at: i64,
    pub ended_at: i64,
    pub sample_rate: i64,
    pub duration_ms: i64,
    pub size: i64,
    pub file: String,
}

/// Which recordings to list, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordingQuery {
    /// Calls this extension made or received.
    pub extension: Option<String>,
    /// Started before (Unix seconds).
    pub before: Option<i64>,
    pub limit: i64,
}

/// The columns; a macro so statements stay `'static` strings.
macro_rules! columns {
    () => {
        "id, caller, callee, started_at, ended_at, sample_rate, duration_ms, size, file"
    };
}

fn record(row: &AnyRow) -> Result<RecordingRecord, sqlx::Error> {
    Ok(RecordingRecord {
        id: row.try_get("id")?,
        caller: row.try_get("caller")?,
        callee: row.try_get("callee")?,
        started_at: row.try_get("started_at")?,
        ended_at: row.try_get("ended_at")?,
        sample_rate: row.try_get("sample_rate")?,
        duration_ms: row.try_get("duration_ms")?,
        size: row.try_get("size")?,
        file: row.try_get("file")?,
    })
}

impl Store {
    /// Keeps a finished recording (again: the same id changes nothing).
    pub async fn insert_recording(&self, r: &RecordingRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO recordings (id, caller, callee, started_at, ended_at, sample_rate, \
             duration_ms, size, file) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&r.id)
        .bind(&r.caller)
        .bind(&r.callee)
        .bind(r.started_at)
        .bind(r.ended_at)
        .bind(r.sample_rate)
        .bind(r.duration_ms)
        .bind(r.size)
        .bind(&r.file)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Recordings, newest first.
    pub async fn recordings(&self, q: &RecordingQuery) -> Result<Vec<RecordingRecord>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM recordings WHERE ($1 IS NULL OR caller = $1 OR callee = $1) \
             AND ($2 IS NULL OR started_at < $2) ORDER BY started_at DESC, id LIMIT $3"
        );
        let rows = sqlx::query(sql)
            .bind(q.extension.as_deref())
            .bind(q.before)
            .bind(q.limit)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(record).collect::<Result<_, _>>()?)
    }

    /// One recording.
    pub async fn recording(&self, id: &str) -> Result<Option<RecordingRecord>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM recordings WHERE id = $1");
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    /// Forgets a recording; false when there was none.
    pub async fn delete_recording(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM recordings WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
