//! What the running server saw of the trunks (registration and
//! reachability), and the capacity plan's hourly record of simultaneous
//! external calls and refusals.

use crate::{Store, StoreError};
use sqlx::Row;

/// A trunk's state as last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrunkStatusRecord {
    pub name: String,
    pub registration: String,
    pub reachable: Option<bool>,
    pub detail: Option<String>,
    pub changed_at: i64,
}

/// One hour of the capacity record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityHour {
    /// Unix seconds of the hour's start.
    pub hour: i64,
    pub peak: i64,
    pub refused_inbound: i64,
    pub refused_outbound: i64,
}

impl Store {
    pub async fn set_trunk_status(&self, s: &TrunkStatusRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO trunk_status (name, registration, reachable, detail, changed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET \
             registration = excluded.registration, reachable = excluded.reachable, \
             detail = excluded.detail, changed_at = excluded.changed_at",
        )
        .bind(&s.name)
        .bind(&s.registration)
        .bind(s.reachable.map(i64::from))
        .bind(s.detail.as_deref())
        .bind(s.changed_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn trunk_status(&self, name: &str) -> Result<Option<TrunkStatusRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT name, registration, reachable, detail, changed_at \
             FROM trunk_status WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some(TrunkStatusRecord {
            name: r.try_get("name")?,
            registration: r.try_get("registration")?,
            reachable: r.try_get::<Option<i64>, _>("reachable")?.map(|v| v != 0),
            detail: r.try_get("detail")?,
            changed_at: r.try_get("changed_at")?,
        }))
    }

    /// Forgets the state of trunks not named in `keep`.
    pub async fn prune_trunk_status(&self, keep: &[String]) -> Result<(), StoreError> {
        let rows = sqlx::query("SELECT name FROM trunk_status")
            .fetch_all(self.pool())
            .await?;
        for r in rows {
            let name: String = r.try_get("name")?;
            if !keep.contains(&name) {
                sqlx::query("DELETE FROM trunk_status WHERE name = $1")
                    .bind(&name)
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(())
    }

    /// Adds to hour `h`: its peak is the higher of the two, refusals add
    /// up.
    pub async fn record_capacity_hour(&self, h: &CapacityHour) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO capacity_hours (hour, peak, refused_inbound, refused_outbound) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (hour) DO UPDATE SET \
             peak = CASE WHEN excluded.peak > capacity_hours.peak \
                    THEN excluded.peak ELSE capacity_hours.peak END, \
             refused_inbound = capacity_hours.refused_inbound + excluded.refused_inbound, \
             refused_outbound = capacity_hours.refused_outbound + excluded.refused_outbound",
        )
        .bind(h.hour)
        .bind(h.peak)
        .bind(h.refused_inbound)
        .bind(h.refused_outbound)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The hours from `since` (Unix seconds) on, oldest first.
    pub async fn capacity_hours(&self, since: i64) -> Result<Vec<CapacityHour>, StoreError> {
        let rows = sqlx::query(
            "SELECT hour, peak, refused_inbound, refused_outbound FROM capacity_hours \
             WHERE hour >= $1 ORDER BY hour",
        )
        .bind(since)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CapacityHour {
                    hour: r.try_get("hour")?,
                    peak: r.try_get("peak")?,
                    refused_inbound: r.try_get("refused_inbound")?,
                    refused_outbound: r.try_get("refused_outbound")?,
                })
            })
            .collect()
    }
}
