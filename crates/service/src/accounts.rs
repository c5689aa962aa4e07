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

/// An account as the service hands it out (never its password).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Account {
    pub login: String,
    /// `admin`, `manager` or `user`.
    pub role: String,
    /// The extension a `user` account owns.
    pub extension: Option<String>,
}

/// A new account; a password is generated when none is given.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    #[schema(pattern = "^[a-z0-9._-]{1,64}$")]
    pub login: String,
    /// `admin`, `manager` or `user`.
    #[schema(pattern = "^(admin|manager|user)$")]
    pub role: String,
    /// Required for `user`: the extension the account owns.
    pub extension: Option<String>,
    #[schema(min_length = 12)]
    pub password: Option<String>,
}

impl From<UserRecord> for Account {
    fn from(u: UserRecord) -> Account {
        Account {
            login: u.login,
            role: u.role,
            extension: u.extension,
        }
    }
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

    /// Creates an account (admins only); returns it and its password, shown
    /// once.
    pub async fn create_account(
        &self,
        actor: &Actor,
        new: NewAccount,
    ) -> Result<(Account, String), ServiceError> {
        actor.require_admin()?;
        let login_ok = (1..=64).contains(&new.login.len())
            && new
                .login
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if !login_ok {
            return Err(ServiceError::invalid(
                "login",
                "must be 1 to 64 of a-z, 0-9, . _ -",
            ));
        }
        let extension = match (new.role.as_str(), new.extension) {
            ("admin" | "manager", None) => None,
            ("admin" | "manager", Some(_)) => {
                return Err(ServiceError::invalid(
                    "extension",
                    "only user accounts own an extension",
                ));
            }
            ("user", Some(number)) => {
                if self.store.extension(&number).await?.is_none() {
                    return Err(ServiceError::invalid(
                        "extension",
                        format!("extension {number} does not exist"),
                    ));
                }
                Some(number)
            }
            ("user", None) => {
                return Err(ServiceError::invalid(
                    "extension",
                    "a user account needs its extension",
                ))
            }
            _ => {
                return Err(ServiceError::invalid(
                    "role",
                    "must be admin, manager or user",
                ))
            }
        };
        let password = match new.password {
            Some(p) if p.chars().count() < 12 => {
                return Err(ServiceError::invalid(
                    "password",
                    "must be at least 12 characters",
                ));
            }
            Some(p) => p,
            None => new_password(),
        };
        let now = now_millis();
        let record = UserRecord {
            id: random_id(),
            login: new.login,
            password_hash: hash(&password)?,
            role: new.role,
            extension,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_user(&record).await.map_err(|e| match e {
            switchboard_store::StoreError::Conflict(_) => ServiceError::Conflict {
                field: "login",
                message: "is already taken".into(),
            },
            other => other.into(),
        })?;
        let detail = format!("role={}", record.role);
        self.audit_only(
            actor,
            "user.create",
            format!("user {}", record.login),
            detail,
        )
        .await?;
        Ok((record.into(), password))
    }

    /// Every account (admins only).
    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<Account>, ServiceError> {
        actor.require_admin()?;
        Ok(self
            .store
            .users()
            .await?
            .into_iter()
            .map(Account::from)
            .collect())
    }

    /// Deletes an account with its sessions and tokens (admins only); the
    /// last administrator stays.
    pub async fn delete_account(&self, actor: &Actor, login: &str) -> Result<(), ServiceError> {
        actor.require_admin()?;
        let users = self.store.users().await?;
        let target = users
            .iter()
            .find(|u| u.login == login)
            .ok_or_else(|| ServiceError::NotFound(format!("user {login}")))?;
        if target.role == "admin" && users.iter().filter(|u| u.role == "admin").count() == 1 {
            return Err(ServiceError::invalid(
                "login",
                "the last administrator cannot be deleted",
            ));
        }
        self.store.delete_user(login).await?;
        self.audit_only(actor, "user.delete", format!("user {login}"), String::new())
            .await
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
