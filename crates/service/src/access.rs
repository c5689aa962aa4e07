//! Getting in: console sessions (a cookie secret plus a CSRF token), API
//! tokens (scoped, revocable), and lockout after repeated failed logins —
//! per account and per source address, kept in the store so it survives a
//! restart — recorded in the audit log.
//!
//! Session and token secrets are 256 random bits; the store keeps only
//! their SHA-256, so a copy of the database logs nobody in.

use crate::{now_millis, random_id, Actor, Role, Service, ServiceError};
use rand::RngCore;
use sha2::{Digest, Sha256};
use switchboard_store::{SessionRecord, TokenRecord};

/// Failed logins allowed within [`WINDOW_MS`] before a lockout.
pub const MAX_FAILURES: usize = 5;
/// The window failures are counted in, and how long a lockout lasts.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// How long a console session lasts.
pub const SESSION_MS: i64 = 12 * 60 * 60 * 1000;

/// A new console session: the cookie secret and the CSRF token to echo in
/// a header on every change.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub actor: Actor,
}

/// What an API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Read only.
    Read,
    /// Read and change.
    Write,
}

impl Scope {
    /// Parses `read` or `write`.
    pub fn parse(s: &str) -> Result<Scope, ServiceError> {
        match s {
            "read" => Ok(Scope::Read),
            "write" => Ok(Scope::Write),
            _ => Err(ServiceError::invalid("scope", "must be read or write")),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

fn secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Service {
    /// Logs in with a password and opens a session. After
    /// [`MAX_FAILURES`] failures within [`WINDOW_MS`] for the account or
    /// the source address, logins from either are refused until the window
    /// passes, whatever the password.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        source: &str,
    ) -> Result<NewSession, ServiceError> {
        let now = now_millis();
        let keys = [format!("login:{login}"), format!("ip:{source}")];
        if self.locked_out(&keys, now).await? {
            return Err(ServiceError::Locked);
        }
        let attempt = Actor {
            name: login.to_owned(),
            role: Role::User {
                extension: String::new(),
            },
            source: source.to_owned(),
        };
        let actor = match self.verify_password(login, password, source).await {
            Ok(actor) => actor,
            Err(ServiceError::Invalid { .. }) => {
                for key in &keys {
                    self.store
                        .add_login_failure(&random_id(), key, now, now - WINDOW_MS)
                        .await?;
                }
                self.audit_only(
                    &attempt,
                    "login.failed",
                    format!("user {login}"),
                    String::new(),
                )
                .await?;
                if self.locked_out(&keys, now).await? {
                    self.audit_only(
                        &attempt,
                        "login.locked",
                        format!("user {login}"),
                        format!("source {source}"),
                    )
                    .await?;
                }
                return Err(ServiceError::invalid("password", "wrong login or password"));
            }
            Err(other) => return Err(other),
        };
        self.store.clear_login_failures(&keys[0]).await?;
        let session = NewSession {
            secret: secret(),
            csrf_token: secret(),
            actor,
        };
        self.store
            .insert_session(&SessionRecord {
                token_hash: digest(&session.secret),
                login: login.to_owned(),
                csrf_token: session.csrf_token.clone(),
                source: source.to_owned(),
                expires_at: now + SESSION_MS,
            })
            .await?;
        self.audit_only(
            &session.actor,
            "login",
            format!("user {login}"),
            String::new(),
        )
        .await?;
        Ok(session)
    }

    /// True when the account or the address has [`MAX_FAILURES`] failed
    /// logins within [`WINDOW_MS`] before `now`.
    async fn locked_out(&self, keys: &[String], now: i64) -> Result<bool, ServiceError> {
        for key in keys {
            if self.store.login_failures(key, now - WINDOW_MS).await? >= MAX_FAILURES as i64 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The actor and CSRF token of a live session.
    pub async fn session(
        &self,
        secret: &str,
        source: &str,
    ) -> Result<(Actor, String), ServiceError> {
        let record = self
            .store
            .session(&digest(secret), now_millis())
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let actor = self.account_actor(&record.login, source).await?;
        Ok((actor, record.csrf_token))
    }

    /// Ends a session.
    pub async fn logout(&self, secret: &str) -> Result<(), ServiceError> {
        Ok(self
            .store
            .delete_session(&digest(secret), now_millis())
            .await?)
    }

    /// Makes an API token acting as `actor` with `scope`; returns its id
    /// and its secret (shown once).
    pub async fn create_token(
        &self,
        actor: &Actor,
        name: &str,
        scope: Scope,
    ) -> Result<(String, String), ServiceError> {
        if name.trim().is_empty() || name.len() > 64 {
            return Err(ServiceError::invalid("name", "must be 1 to 64 characters"));
        }
        let token = format!("sbt_{}", secret());
        let id = random_id();
        self.store
            .insert_token(&TokenRecord {
                id: id.clone(),
                name: name.to_owned(),
                token_hash: digest(&token),
                login: actor.name.clone(),
                scope: scope.as_str().to_owned(),
                created_at: now_millis(),
                revoked_at: None,
            })
            .await?;
        self.audit_only(
            actor,
            "token.create",
            format!("token {id}"),
            format!("name={name:?} scope={}", scope.as_str()),
        )
        .await?;
        Ok((id, token))
    }

    /// The actor and scope an API token acts with.
    pub async fn token(&self, token: &str, source: &str) -> Result<(Actor, Scope), ServiceError> {
        let record = self
            .store
            .token(&digest(token))
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let actor = self.account_actor(&record.login, source).await?;
        Ok((
            Actor {
                name: format!("{} (token {})", actor.name, record.name),
                ..actor
            },
            Scope::parse(&record.scope)?,
        ))
    }

    /// Revokes a token (admins only).
    pub async fn revoke_token(&self, actor: &Actor, id: &str) -> Result<(), ServiceError> {
        actor.require_admin()?;
        if !self.store.revoke_token(id, now_millis()).await? {
            return Err(ServiceError::NotFound(format!("token {id}")));
        }
        self.audit_only(actor, "token.revoke", format!("token {id}"), String::new())
            .await
    }

    /// The actor an account acts as now (its role may have changed).
    pub(crate) async fn account_actor(
        &self,
        login: &str,
        source: &str,
    ) -> Result<Actor, ServiceError> {
        let user = self
            .store
            .user(login)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let role = match (user.role.as_str(), user.extension) {
            ("admin", _) => Role::Admin,
            ("manager", _) => Role::Manager,
            (_, Some(extension)) => Role::User { extension },
            _ => return Err(ServiceError::Unauthenticated),
        };
        Ok(Actor {
            name: user.login,
            role,
            source: source.to_owned(),
        })
    }
}
