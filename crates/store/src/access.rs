//! Sessions and API tokens, stored by the SHA-256 hash of their secret, and
//! the failed logins that lock accounts and addresses out.

use crate::{Store, StoreError};
use sqlx::Row;

/// A console session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub login: String,
    pub csrf_token: String,
    pub source: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// An API token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub login: String,
    /// `read` or `write`.
    pub scope: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Adds a session.
    pub async fn insert_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, login, csrf_token, source, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.token_hash)
        .bind(&s.login)
        .bind(&s.csrf_token)
        .bind(&s.source)
        .bind(s.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session with this token hash, if it has not expired at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT token_hash, login, csrf_token, source, expires_at FROM sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            token_hash: r.try_get("token_hash")?,
            login: r.try_get("login")?,
            csrf_token: r.try_get("csrf_token")?,
            source: r.try_get("source")?,
            expires_at: r.try_get("expires_at")?,
        }))
    }

    /// Ends a session, and every session that expired before `now`.
    pub async fn delete_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Adds an API token.
    pub async fn insert_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, name, token_hash, login, scope, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&t.id)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(&t.login)
        .bind(&t.scope)
        .bind(t.created_at)
        .bind(t.revoked_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live (not revoked) token with this hash.
    pub async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, token_hash, login, scope, created_at, revoked_at FROM api_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(TokenRecord {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            token_hash: r.try_get("token_hash")?,
            login: r.try_get("login")?,
            scope: r.try_get("scope")?,
            created_at: r.try_get("created_at")?,
            revoked_at: r.try_get("revoked_at")?,
        }))
    }

    /// Revokes a token; false when there is no live token with this id.
    pub async fn revoke_token(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Records a failed login under `key` at `at`, forgetting failures
    /// older than `forget_before`.
    pub async fn add_login_failure(
        &self,
        id: &str,
        key: &str,
        at: i64,
        forget_before: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(forget_before)
            .execute(self.pool())
            .await?;
        sqlx::query("INSERT INTO login_failures (id, key, at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(key)
            .bind(at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Failed logins under `key` since `since`.
    pub async fn login_failures(&self, key: &str, since: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(self.pool())
                .await?
                .try_get("n")?,
        )
    }

    /// Forgets the failed logins under `key`.
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
