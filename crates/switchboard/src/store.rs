//! Opening the store and the service layer over it, for `serve` and for
//! the commands that change configuration.

use crate::config::Config;
use crate::data_dir::DataDir;
use anyhow::Context;
use switchboard_service::{Actor, Service};
use switchboard_store::Store;

/// Opens the configured database (applying migrations) and the service
/// layer over it.
pub async fn open(config: &Config, data: &DataDir) -> anyhow::Result<Service> {
    let url = config.database_url(data.path());
    let store = Store::open(&url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&url)))?;
    let mut service = Service::new(store)
        .with_files(data.path())
        .with_shipped_sounds(crate::prompts::shipped_sounds())
        .with_capacity_plan(config.calls.capacity()?);
    if !config.calls.schedule_clock.is_empty() {
        let at = chrono::DateTime::parse_from_rfc3339(&config.calls.schedule_clock)
            .with_context(|| {
                format!(
                    "calls.schedule_clock {:?}: not an RFC 3339 time like 2026-12-25T10:00:00+01:00",
                    config.calls.schedule_clock
                )
            })?;
        service = service.with_schedule_clock(at.timestamp());
    }
    Ok(service)
}

/// Runs `work` with the service layer, as the local administrator (`cli`),
/// on a runtime of its own: how the commands that change configuration
/// reach the service layer.
pub fn with_service<T>(
    config: Config,
    work: impl AsyncFnOnce(Service, Actor) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let data = DataDir::open(&config.data_dir)?;
        let service = open(&config, &data).await?;
        work(service, Actor::cli()).await
    })
}

/// A database URL fit for a message: any password replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            super::redact("postgres://pbx:s3cret@db/pbx"),
            "postgres://pbx:***@db/pbx"
        );
        assert_eq!(
            super::redact("postgres://pbx@db/pbx"),
            "postgres://pbx@db/pbx"
        );
        assert_eq!(
            super::redact("sqlite:///var/lib/sb.db"),
            "sqlite:///var/lib/sb.db"
        );
    }
}
