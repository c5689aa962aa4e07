//! The audit log: who changed what, when, and from where. Append-only.

use crate::{Store, StoreError};
use sqlx::Row;

/// One audit entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// A unique id (ordering ties at the same millisecond).
    pub id: String,
    /// Unix milliseconds.
    pub at: i64,
    /// Who: an admin login, an API token's name, `cli`.
    pub actor: String,
    /// From where: an IP address, `cli`, `apply`.
    pub source: String,
    /// What was done: `extension.create`, `login.failed`, …
    pub action: String,
    /// What it was done to: `extension 1001`.
    pub object: String,
    /// Anything else worth keeping, as text (never secrets).
    pub detail: String,
}

impl Store {
    /// Appends an entry.
    pub async fn append_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, source, action, object, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&e.id)
        .bind(e.at)
        .bind(&e.actor)
        .bind(&e.source)
        .bind(&e.action)
        .bind(&e.object)
        .bind(&e.detail)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub async fn audit(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, source, action, object, detail FROM audit_log \
             ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    source: r.try_get("source")?,
                    action: r.try_get("action")?,
                    object: r.try_get("object")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
