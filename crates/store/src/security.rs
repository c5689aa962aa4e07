//! Bans and the allow and block lists, as the SIP guard and the
//! administrators leave them. Times are Unix seconds.

use crate::{Store, StoreError};
use sqlx::Row;

/// A banned address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BanRecord {
    pub address: String,
    pub until: i64,
    pub reason: String,
    pub created_at: i64,
}

/// A network on the allow or block list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntryRecord {
    /// `192.0.2.0/24`, `2001:db8::/32`.
    pub network: String,
    /// `allow` or `block`.
    pub list: String,
    pub note: String,
    pub created_at: i64,
}

impl Store {
    /// Adds a ban, or replaces the one on the same address.
    pub async fn put_ban(&self, b: &BanRecord) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM bans WHERE address = $1")
            .bind(&b.address)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO bans (address, until, reason, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&b.address)
        .bind(b.until)
        .bind(&b.reason)
        .bind(b.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a ban; true when there was one in force at `now`.
    pub async fn delete_ban(&self, address: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM bans WHERE address = $1 AND until > $2")
            .bind(address)
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The bans in force at `now`, soonest to end first.
    pub async fn bans(&self, now: i64) -> Result<Vec<BanRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT address, until, reason, created_at FROM bans WHERE until > $1 \
             ORDER BY until, address",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BanRecord {
                    address: r.try_get("address")?,
                    until: r.try_get("until")?,
                    reason: r.try_get("reason")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Puts a network on a list (moving it from the other one).
    pub async fn put_list_entry(&self, e: &ListEntryRecord) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM address_lists WHERE network = $1")
            .bind(&e.network)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO address_lists (network, list, note, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&e.network)
        .bind(&e.list)
        .bind(&e.note)
        .bind(e.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a network off its list; true when it was on one.
    pub async fn delete_list_entry(&self, network: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM address_lists WHERE network = $1")
            .bind(network)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Both lists, allow first.
    pub async fn list_entries(&self) -> Result<Vec<ListEntryRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT network, list, note, created_at FROM address_lists ORDER BY list, network",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ListEntryRecord {
                    network: r.try_get("network")?,
                    list: r.try_get("list")?,
                    note: r.try_get("note")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
