//! Voicemail as stored: one row per message left, naming its WAV file
//! (relative to the data directory, written and renamed before the row
//! exists, so a listed message always has its whole file), and the wrong
//! PINs counted against each mailbox's menu.

use crate::{Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A message. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: String,
    /// The extension whose box it is in.
    pub mailbox: String,
    pub caller: String,
    pub caller_name: Option<String>,
    pub received_at: i64,
    pub duration_ms: i64,
    /// `inbox` or `saved`.
    pub folder: String,
    pub heard: bool,
    pub file: String,
}

/// How many messages a mailbox holds: not yet heard, and heard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageCounts {
    pub new: i64,
    pub old: i64,
}

macro_rules! columns {
    () => {
        "id, mailbox, caller, caller_name, received_at, duration_ms, folder, heard, file"
    };
}

fn record(row: &AnyRow) -> Result<MessageRecord, sqlx::Error> {
    Ok(MessageRecord {
        id: row.try_get("id")?,
        mailbox: row.try_get("mailbox")?,
        caller: row.try_get("caller")?,
        caller_name: row.try_get("caller_name")?,
        received_at: row.try_get("received_at")?,
        duration_ms: row.try_get("duration_ms")?,
        folder: row.try_get("folder")?,
        heard: row.try_get::<i64, _>("heard")? != 0,
        file: row.try_get("file")?,
    })
}

impl Store {
    /// Keeps a message whose file is written.
    pub async fn insert_message(&self, m: &MessageRecord) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO voicemail_messages (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&m.id)
        .bind(&m.mailbox)
        .bind(&m.caller)
        .bind(m.caller_name.as_deref())
        .bind(m.received_at)
        .bind(m.duration_ms)
        .bind(&m.folder)
        .bind(i64::from(m.heard))
        .bind(&m.file)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A mailbox's messages, oldest first (the order they are played in).
    pub async fn messages(&self, mailbox: &str) -> Result<Vec<MessageRecord>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM voicemail_messages WHERE mailbox = $1 ORDER BY received_at, id"
        );
        let rows = sqlx::query(sql)
            .bind(mailbox)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(record).collect::<Result<_, _>>()?)
    }

    /// One message.
    pub async fn message(&self, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM voicemail_messages WHERE id = $1"
        );
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    /// Sets whether a message was heard and its folder; false when there
    /// is no such message.
    pub async fn update_message(
        &self,
        id: &str,
        heard: bool,
        folder: &str,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE voicemail_messages SET heard = $2, folder = $3 WHERE id = $1")
                .bind(id)
                .bind(i64::from(heard))
                .bind(folder)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets a message; false when there was none.
    pub async fn delete_message(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM voicemail_messages WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many messages each mailbox holds (or only `mailbox`), for the
    /// ones holding any.
    pub async fn message_counts(
        &self,
        mailbox: Option<&str>,
    ) -> Result<Vec<(String, MessageCounts)>, StoreError> {
        let rows = sqlx::query(
            "SELECT mailbox, SUM(CASE WHEN heard = 0 THEN 1 ELSE 0 END) AS new, \
             SUM(CASE WHEN heard = 0 THEN 0 ELSE 1 END) AS old \
             FROM voicemail_messages WHERE ($1 IS NULL OR mailbox = $1) \
             GROUP BY mailbox ORDER BY mailbox",
        )
        .bind(mailbox)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("mailbox")?,
                    MessageCounts {
                        new: row.try_get("new")?,
                        old: row.try_get("old")?,
                    },
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// The wrong PINs counted against `mailbox`, and until when (Unix
    /// seconds) it is locked: (0, 0) when none.
    pub async fn pin_failures(&self, mailbox: &str) -> Result<(i64, i64), StoreError> {
        let row =
            sqlx::query("SELECT failures, locked_until FROM voicemail_lockouts WHERE mailbox = $1")
                .bind(mailbox)
                .fetch_optional(self.pool())
                .await?;
        Ok(match row {
            Some(row) => (row.try_get("failures")?, row.try_get("locked_until")?),
            None => (0, 0),
        })
    }

    /// Sets the wrong PINs counted against `mailbox`; none clears them.
    pub async fn set_pin_failures(
        &self,
        mailbox: &str,
        failures: i64,
        locked_until: i64,
    ) -> Result<(), StoreError> {
        if failures == 0 {
            sqlx::query("DELETE FROM voicemail_lockouts WHERE mailbox = $1")
                .bind(mailbox)
                .execute(self.pool())
                .await?;
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO voicemail_lockouts (mailbox, failures, locked_until) VALUES ($1, $2, $3) \
             ON CONFLICT (mailbox) DO UPDATE SET failures = $2, locked_until = $3",
        )
        .bind(mailbox)
        .bind(failures)
        .bind(locked_until)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
