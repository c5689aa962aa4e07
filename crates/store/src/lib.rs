//! Switchboard's store: where configuration and history persist.
//!
//! One `Store` over sqlx's `Any` driver, so the same code and the same
//! migrations run on an embedded SQLite file (the default: a file in the
//! data directory, WAL mode) or on PostgreSQL (`postgres://…`), chosen by
//! the database URL alone. Migrations are embedded in the binary and
//! applied when the store opens. The store holds no business rules: it
//! stores what the service layer has validated, and reports conflicts.

pub mod access;
pub mod audit;
pub mod call_flows;
pub mod calls;
pub mod changes;
pub mod extensions;
pub mod recordings;
pub mod registrations;
pub mod security;
pub mod trunks;
pub mod users;
pub mod voicemail;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};

pub use access::{SessionRecord, TokenRecord};
pub use audit::AuditEntry;
pub use call_flows::FlowRecord;
pub use calls::{CdrQuery, CdrRecord, LiveCallRecord};
pub use changes::ChangeRecord;
pub use extensions::{ExtensionQuery, ExtensionRecord};
pub use recordings::{RecordingQuery, RecordingRecord};
pub use registrations::RegistrationRecord;
pub use security::{BanRecord, ListEntryRecord};
pub use trunks::{CapacityHour, TrunkStatusRecord};
pub use users::UserRecord;
pub use voicemail::{MessageCounts, MessageRecord};

/// The write-ahead log of the SQLite database at `url`
/// (`sqlite://path?options` or `sqlite:path`).
fn write_ahead_log(url: &str) -> PathBuf {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"));
    let path = rest.unwrap_or(url).split('?').next().unwrap_or("");
    PathBuf::from(format!("{path}-wal"))
}

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique column already holds the value; names the column.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("database URL {0:?} is neither sqlite: nor postgres:")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// An open store.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite database's write-ahead log, whose stamp tells whether
    /// anything was committed since a reader last looked.
    log: Option<PathBuf>,
}

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Opens the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let mut options = AnyPoolOptions::new().max_connections(8);
        if backend == Backend::Sqlite {
            // A connection to a file cannot go stale: checking it before
            // each use was a second round trip to its thread.
            options = options.test_before_acquire(false).after_connect(|conn, _| {
                Box::pin(async move {
                    // In WAL mode, synchronous=NORMAL cannot corrupt the
                    // database; a power cut may lose the last commits.
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        MIGRATIONS.run(&pool).await?;
        let log = (backend == Backend::Sqlite).then(|| write_ahead_log(url));
        Ok(Store { pool, backend, log })
    }

    /// When and how far the SQLite database's write-ahead log was last
    /// written, read from the file system without a round trip to the
    /// database; `None` on PostgreSQL, or when it cannot be read. Every
    /// commit, by any process, changes it.
    pub fn commit_stamp(&self) -> Option<(std::time::SystemTime, u64)> {
        let meta = std::fs::metadata(self.log.as_ref()?).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    /// The URL of the default store: `switchboard.db` in `data_dir`,
    /// created when missing.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("switchboard.db").display()
        )
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// `count` placeholders for values bound in order, numbered from
    /// `first` where the database numbers them. SQLite gets anonymous `?`:
    /// it looks a numbered one up by name, which grows with the
    /// statement's length and made long multi-row statements quadratic.
    pub(crate) fn placeholders(&self, first: usize, count: usize) -> String {
        let one = |n: usize| match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${n}"),
        };
        (first..first + count)
            .map(one)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A statement written for one batch (its placeholders counted from
    /// the batch): not kept prepared, since each batch size is another
    /// statement and would take a place in every connection's cache.
    pub(crate) fn batch_statement(
        sql: String,
    ) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false)
    }

    /// `count` rows of `columns` placeholders each, for a multi-row VALUES.
    pub(crate) fn rows(&self, count: usize, columns: usize) -> String {
        (0..count)
            .map(|row| format!("({})", self.placeholders(row * columns + 1, columns)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Maps a unique-constraint violation to [`StoreError::Conflict`] naming the
/// first of `columns` the database message mentions.
pub(crate) fn conflict(err: sqlx::Error, columns: &[&'static str]) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            let message = db.message();
            let column = columns
                .iter()
                .find(|c| message.contains(*c))
                .copied()
                .unwrap_or("value");
            return StoreError::Conflict(column);
        }
    }
    StoreError::Database(err)
}
