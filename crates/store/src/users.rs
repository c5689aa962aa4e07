//! Accounts that log in: a login, an argon2 password hash (never the
//! password), a role, and for users the extension they own.

use crate::{conflict, Store, StoreError};
use sqlx::Row;

/// A stored account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub login: String,
    pub password_hash: String,
    /// `admin`, `manager` or `user`.
    pub role: String,
    pub extension: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Store {
    /// How many accounts exist.
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }

    /// Adds an account.
    pub async fn insert_user(&self, u: &UserRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (id, login, password_hash, role, extension, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&u.id)
        .bind(&u.login)
        .bind(&u.password_hash)
        .bind(&u.role)
        .bind(u.extension.as_deref())
        .bind(u.created_at)
        .bind(u.updated_at)
        .execute(self.pool())
        .await
        .map_err(|e| conflict(e, &["login", "id"]))?;
        Ok(())
    }

    /// The account with `login`.
    pub async fn user(&self, login: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, login, password_hash, role, extension, created_at, updated_at FROM users WHERE login = $1",
        )
        .bind(login)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(UserRecord {
            id: r.try_get("id")?,
            login: r.try_get("login")?,
            password_hash: r.try_get("password_hash")?,
            role: r.try_get("role")?,
            extension: r.try_get("extension")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        }))
    }

    /// Every account, by login.
    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, login, password_hash, role, extension, created_at, updated_at FROM users ORDER BY login",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UserRecord {
                    id: r.try_get("id")?,
                    login: r.try_get("login")?,
                    password_hash: r.try_get("password_hash")?,
                    role: r.try_get("role")?,
                    extension: r.try_get("extension")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Deletes an account and its sessions and tokens; false when there is
    /// no such login.
    pub async fn delete_user(&self, login: &str) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM sessions WHERE login = $1")
            .bind(login)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE login = $1")
            .bind(login)
            .execute(self.pool())
            .await?;
        let done = sqlx::query("DELETE FROM users WHERE login = $1")
            .bind(login)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces an account's password hash; false when there is no such
    /// login.
    pub async fn set_password_hash(
        &self,
        login: &str,
        hash: &str,
        at: i64,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE login = $1")
                .bind(login)
                .bind(hash)
                .bind(at)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
