//! Ring groups, IVRs and schedules as stored: one row each, keyed by kind
//! and name, holding the validated definition as a JSON document and the
//! internal number (unique) in a column of its own.

use crate::{conflict, Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// One flow object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowRecord {
    /// `ring_group`, `ivr` or `schedule`.
    pub kind: String,
    pub name: String,
    pub number: Option<String>,
    /// The definition, as JSON.
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
}

fn record(row: &AnyRow) -> Result<FlowRecord, sqlx::Error> {
    Ok(FlowRecord {
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        number: row.try_get("number")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

macro_rules! columns {
    () => {
        "kind, name, number, body, created_at, updated_at"
    };
}

impl Store {
    pub async fn insert_flow(&self, f: &FlowRecord) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO call_flows (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(&f.kind)
        .bind(&f.name)
        .bind(f.number.as_deref())
        .bind(&f.body)
        .bind(f.created_at)
        .bind(f.updated_at)
        .execute(self.pool())
        .await
        .map_err(|e| conflict(e, &["number", "name"]))?;
        Ok(())
    }

    /// Replaces the flow `kind`/`previous_name` with `f` (which may be
    /// renamed); false when there is none.
    pub async fn update_flow(
        &self,
        previous_name: &str,
        f: &FlowRecord,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE call_flows SET name = $3, number = $4, body = $5, updated_at = $6 \
             WHERE kind = $1 AND name = $2",
        )
        .bind(&f.kind)
        .bind(previous_name)
        .bind(&f.name)
        .bind(f.number.as_deref())
        .bind(&f.body)
        .bind(f.updated_at)
        .execute(self.pool())
        .await
        .map_err(|e| conflict(e, &["number", "name"]))?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn flow(&self, kind: &str, name: &str) -> Result<Option<FlowRecord>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM call_flows WHERE kind = $1 AND name = $2"
        );
        let row = sqlx::query(sql)
            .bind(kind)
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    /// The flow with internal number `number`, of any kind.
    pub async fn flow_by_number(&self, number: &str) -> Result<Option<FlowRecord>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM call_flows WHERE number = $1");
        let row = sqlx::query(sql)
            .bind(number)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    /// Every flow (of `kind`, or all), by kind and name.
    pub async fn flows(&self, kind: Option<&str>) -> Result<Vec<FlowRecord>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM call_flows WHERE ($1 IS NULL OR kind = $1) ORDER BY kind, name"
        );
        let rows = sqlx::query(sql).bind(kind).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(record).collect::<Result<_, _>>()?)
    }

    /// Forgets a flow; false when there was none.
    pub async fn delete_flow(&self, kind: &str, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM call_flows WHERE kind = $1 AND name = $2")
            .bind(kind)
            .bind(name)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Member `extension` of ring group `group` answered at `at` (Unix
    /// seconds).
    pub async fn record_group_answer(
        &self,
        group: &str,
        extension: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ring_group_answers (ring_group, extension, answered_at) \
             VALUES ($1, $2, $3) ON CONFLICT (ring_group, extension) \
             DO UPDATE SET answered_at = excluded.answered_at",
        )
        .bind(group)
        .bind(extension)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every (ring group, member, when it last answered).
    pub async fn group_answers(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT ring_group, extension, answered_at FROM ring_group_answers")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("ring_group")?,
                    r.try_get("extension")?,
                    r.try_get("answered_at")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
