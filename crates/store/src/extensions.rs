//! Extensions as stored: one row each, unique by number and by SIP auth
//! name. Validation happens in the service layer before anything gets here.

use crate::{conflict, Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// An extension row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionRecord {
    pub id: String,
    pub number: String,
    pub display_name: String,
    pub auth_name: String,
    pub secret: String,
    pub email: Option<String>,
    pub voicemail_pin: Option<String>,
    pub enabled: bool,
    pub outbound_caller_id: Option<String>,
    pub call_limit: i64,
    /// `never`, `always` or `on_demand`.
    pub recording: String,
    /// Do not disturb: calls are treated as busy.
    pub dnd: bool,
    /// Where calls go (`voicemail`, `extension:N`, `external:N`): always,
    /// when busy, not answered, not registered.
    pub forward_always: Option<String>,
    pub forward_busy: Option<String>,
    pub forward_no_answer: Option<String>,
    pub forward_unregistered: Option<String>,
    /// Seconds the phones ring; none takes the default.
    pub ring_time: Option<i64>,
    /// `off`, `send_and_keep` or `send_and_delete`.
    pub voicemail_email: String,
    /// May call abroad through the trunks.
    pub international_calls: bool,
    /// Outbound calls it may start in an hour; none: no limit.
    pub outbound_calls_per_hour: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub updated_at: i64,
}

/// Which extensions to list: a page, optionally only those whose number,
/// name or email contains `search`.
#[derive(Clone, Debug, Default)]
pub struct ExtensionQuery {
    pub search: Option<String>,
    pub enabled: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

/// The columns, in the order `record` and `insert_extension` use; a macro so
/// statements stay `'static` strings built at compile time.
macro_rules! columns {
    () => {
        "id, number, display_name, auth_name, secret, email, voicemail_pin, \
         enabled, outbound_caller_id, call_limit, recording, dnd, forward_always, \
         forward_busy, forward_no_answer, forward_unregistered, ring_time, voicemail_email, \
         international_calls, outbound_calls_per_hour, created_at, updated_at"
    };
}

/// The filter of `extensions`: `$1` a lower-case LIKE pattern or NULL, `$2`
/// enabled (0/1) or NULL.
macro_rules! filter {
    () => {
        "($1 IS NULL OR LOWER(number) LIKE $1 OR LOWER(display_name) LIKE $1 \
         OR LOWER(COALESCE(email, '')) LIKE $1) AND ($2 IS NULL OR enabled = $2)"
    };
}
const UNIQUE: [&str; 3] = ["number", "auth_name", "id"];

fn record(row: &AnyRow) -> Result<ExtensionRecord, sqlx::Error> {
    Ok(ExtensionRecord {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        display_name: row.try_get("display_name")?,
        auth_name: row.try_get("auth_name")?,
        secret: row.try_get("secret")?,
        email: row.try_get("email")?,
        voicemail_pin: row.try_get("voicemail_pin")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        outbound_caller_id: row.try_get("outbound_caller_id")?,
        call_limit: row.try_get("call_limit")?,
        recording: row.try_get("recording")?,
        dnd: row.try_get::<i64, _>("dnd")? != 0,
        forward_always: row.try_get("forward_always")?,
        forward_busy: row.try_get("forward_busy")?,
        forward_no_answer: row.try_get("forward_no_answer")?,
        forward_unregistered: row.try_get("forward_unregistered")?,
        ring_time: row.try_get("ring_time")?,
        voicemail_email: row.try_get("voicemail_email")?,
        international_calls: row.try_get::<i64, _>("international_calls")? != 0,
        outbound_calls_per_hour: row.try_get("outbound_calls_per_hour")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, <sqlx::Any as sqlx::Database>::Arguments>;

/// Binds `$1` to `$20`: the id, then every column up to `outbound_calls_per_hour`, in
/// the order of `columns!()`; callers bind the timestamps after.
fn bind_columns<'q>(q: AnyQuery<'q>, e: &'q ExtensionRecord) -> AnyQuery<'q> {
    q.bind(&e.id)
        .bind(&e.number)
        .bind(&e.display_name)
        .bind(&e.auth_name)
        .bind(&e.secret)
        .bind(e.email.as_deref())
        .bind(e.voicemail_pin.as_deref())
        .bind(i64::from(e.enabled))
        .bind(e.outbound_caller_id.as_deref())
        .bind(e.call_limit)
        .bind(&e.recording)
        .bind(i64::from(e.dnd))
        .bind(e.forward_always.as_deref())
        .bind(e.forward_busy.as_deref())
        .bind(e.forward_no_answer.as_deref())
        .bind(e.forward_unregistered.as_deref())
        .bind(e.ring_time)
        .bind(&e.voicemail_email)
        .bind(i64::from(e.international_calls))
        .bind(e.outbound_calls_per_hour)
}

impl Store {
    /// Inserts a new extension.
    pub async fn insert_extension(&self, e: &ExtensionRecord) -> Result<(), StoreError> {
        let sql = concat!(
            "INSERT INTO extensions (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22)"
        );
        bind_columns(sqlx::query(sql), e)
            .bind(e.created_at)
            .bind(e.updated_at)
            .execute(self.pool())
            .await
            .map_err(|err| conflict(err, &UNIQUE))?;
        Ok(())
    }

    /// The extension with `number`.
    pub async fn extension(&self, number: &str) -> Result<Option<ExtensionRecord>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM extensions WHERE number = $1");
        let row = sqlx::query(sql)
            .bind(number)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    /// A page of extensions in number order, and how many match in all.
    pub async fn extensions(
        &self,
        q: &ExtensionQuery,
    ) -> Result<(Vec<ExtensionRecord>, i64), StoreError> {
        let pattern = q.search.as_ref().map(|s| format!("%{}%", s.to_lowercase()));
        let enabled = q.enabled.map(i64::from);
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM extensions WHERE ",
            filter!(),
            " ORDER BY number LIMIT $3 OFFSET $4"
        );
        let rows = sqlx::query(sql)
            .bind(pattern.as_deref())
            .bind(enabled)
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(self.pool())
            .await?;
        let count_sql = concat!("SELECT COUNT(*) AS n FROM extensions WHERE ", filter!());
        let total: i64 = sqlx::query(count_sql)
            .bind(pattern.as_deref())
            .bind(enabled)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let records = rows.iter().map(record).collect::<Result<_, _>>()?;
        Ok((records, total))
    }

    /// Replaces the extension with id `e.id`; false when there is none.
    pub async fn update_extension(&self, e: &ExtensionRecord) -> Result<bool, StoreError> {
        let done = bind_columns(
            sqlx::query(
            "UPDATE extensions SET number = $2, display_name = $3, auth_name = $4, secret = $5, \
             email = $6, voicemail_pin = $7, enabled = $8, outbound_caller_id = $9, \
             call_limit = $10, recording = $11, dnd = $12, forward_always = $13, \
             forward_busy = $14, forward_no_answer = $15, forward_unregistered = $16, \
             ring_time = $17, voicemail_email = $18, international_calls = $19, \
             outbound_calls_per_hour = $20, updated_at = $21 WHERE id = $1",
            ),
            e,
        )
        .bind(e.updated_at)
        .execute(self.pool())
        .await
        .map_err(|err| conflict(err, &UNIQUE))?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes the extension with `number`; false when there is none.
    pub async fn delete_extension(&self, number: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM extensions WHERE number = $1")
            .bind(number)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
