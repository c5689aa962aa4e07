//! Accounts that log in to the console and the API. The first start
//! creates `admin` with a random password shown once; `reset_password`
//! makes a new one. Passwords are stored as argon2id hashes only.

use crate::{now_millis, random_id, Actor, Role, Service, ServiceError};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;
use switchboard_store::UserRecord;

/// The login of the first administrator.
pub const FIRST_ADMIN: &str = "admin";

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

fn new_password() -> String {
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn hash(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::invalid("password", e.to_string()))
}

impl Service {
    /// On first start, creates `admin` with a random password and returns
    /// it so it can be shown once; `None` when accounts already exist.
    pub async fn ensure_first_admin(&self) -> Result<Option<String>, ServiceError> {
        if self.store.user_count().await? > 0 {
            return Ok(None);
        }
        let password = new_password();
        let now = now_millis();
        self.store
            .insert_user(&UserRecord {
                id: random_id(),
                login: FIRST_ADMIN.into(),
                password_hash: hash(&password)?,
                role: "admin".into(),
                extension: None,
                created_at: now,
                updated_at: now,
            })
            .await?;
        let system = Actor {
            name: "switchboard".into(),
            role: Role::Admin,
            source: "first start".into(),
        };
        self.audit_only(
            &system,
            "user.create",
            format!("user {FIRST_ADMIN}"),
            "role=admin".into(),
        )
        .await?;
        Ok(Some(password))
    }

    /// Gives `login` a new random password and returns it.
    pub async fn reset_password(&self, actor: &Actor, login: &str) -> Result<String, ServiceError> {
        actor.require_admin()?;
        let password = new_password();
        if !self
            .store
            .set_password_hash(login, &hash(&password)?, now_millis())
            .await?
        {
            return Err(ServiceError::NotFound(format!("user {login}")));
        }
        self.audit_only(
            actor,
            "user.password_reset",
            format!("user {login}"),
            String::new(),
        )
        .await?;
        Ok(password)
    }

    /// The actor `login` acts as, when `password` is theirs. Unknown logins
    /// and wrong passwords fail alike.
    pub async fn verify_password(
        &self,
        login: &str,
        password: &str,
        source: &str,
    ) -> Result<Actor, ServiceError> {
        let refused = || ServiceError::invalid("password", "wrong login or password");
        let Some(user) = self.store.user(login).await? else {
            return Err(refused());
        };
        let parsed = PasswordHash::new(&user.password_hash).map_err(|_| refused())?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .map_err(|_| refused())?;
        self.account_actor(&user.login, source)
            .await
            .map_err(|_| refused())
    }
}
