//! Registered phones, as the registrar last saw them: written in batches
//! (each extension's contacts replaced whole), read to list them and to
//! restore them after a restart.

use crate::{Store, StoreError};
use sqlx::Row;

/// Rows written by one statement: well under both databases' limits on
/// bound values.
const ROWS_PER_STATEMENT: usize = 200;

/// Columns of the registrations table, as written.
const COLUMNS: usize = 14;

/// One registered contact. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationRecord {
    pub extension: String,
    pub contact: String,
    pub instance: Option<String>,
    pub reg_id: Option<i64>,
    pub q: Option<String>,
    /// `address:port` the phone registered from.
    pub source: String,
    /// `udp`, `tcp`, …
    pub transport: String,
    pub user_agent: Option<String>,
    pub expires_at: i64,
    pub registered_at: i64,
    /// `host[:port]` the phone registered to.
    pub local: String,
    pub reachable: bool,
    pub rtt_ms: Option<i64>,
}

impl Store {
    /// Replaces the contacts of each extension given, in one transaction,
    /// a few statements per batch rather than a few per extension (each
    /// statement is a round trip to the database's thread).
    pub async fn replace_registrations(
        &self,
        batch: &[(String, Vec<RegistrationRecord>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "DELETE FROM registrations WHERE extension IN ({})",
                self.placeholders(1, chunk.len())
            );
            let mut delete = Store::batch_statement(sql);
            for (extension, _) in chunk {
                delete = delete.bind(extension);
            }
            delete.execute(&mut *tx).await?;
        }
        let rows: Vec<(String, &RegistrationRecord)> = batch
            .iter()
            .flat_map(|(extension, records)| {
                records
                    .iter()
                    .enumerate()
                    .map(move |(i, r)| (format!("{extension}/{i}"), r))
            })
            .collect();
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO registrations (id, extension, contact, instance, reg_id, q, \
                 source, transport, user_agent, expires_at, registered_at, local, \
                 reachable, rtt_ms) VALUES {}",
                self.rows(chunk.len(), COLUMNS)
            );
            let mut insert = Store::batch_statement(sql);
            for (id, r) in chunk {
                insert = insert
                    .bind(id.as_str())
                    .bind(&r.extension)
                    .bind(&r.contact)
                    .bind(r.instance.as_deref())
                    .bind(r.reg_id)
                    .bind(r.q.as_deref())
                    .bind(&r.source)
                    .bind(&r.transport)
                    .bind(r.user_agent.as_deref())
                    .bind(r.expires_at)
                    .bind(r.registered_at)
                    .bind(&r.local)
                    .bind(i64::from(r.reachable))
                    .bind(r.rtt_ms);
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The contacts still registered at `now`, of one extension or of all,
    /// by extension.
    pub async fn registrations(
        &self,
        extension: Option<&str>,
        now: i64,
    ) -> Result<Vec<RegistrationRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT extension, contact, instance, reg_id, q, source, transport, user_agent, \
             expires_at, registered_at, local, reachable, rtt_ms FROM registrations \
             WHERE expires_at > $1 AND ($2 IS NULL OR extension = $2) ORDER BY extension, id",
        )
        .bind(now)
        .bind(extension)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RegistrationRecord {
                    extension: r.try_get("extension")?,
                    contact: r.try_get("contact")?,
                    instance: r.try_get("instance")?,
                    reg_id: r.try_get("reg_id")?,
                    q: r.try_get("q")?,
                    source: r.try_get("source")?,
                    transport: r.try_get("transport")?,
                    user_agent: r.try_get("user_agent")?,
                    expires_at: r.try_get("expires_at")?,
                    registered_at: r.try_get("registered_at")?,
                    local: r.try_get("local")?,
                    reachable: r.try_get::<i64, _>("reachable")? != 0,
                    rtt_ms: r.try_get("rtt_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
