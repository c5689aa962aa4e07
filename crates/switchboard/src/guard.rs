//! Wires the engine's SIP guard to the service layer: the allow and block
//! lists and the bans in force go in at start (and on every change, see
//! `follow.rs`); the guard's alarms come out, to be kept — bans in the
//! store (so the CLI, the API and other nodes see them) and everything in
//! the audit log.

use std::net::IpAddr;
use switchboard_engine::{Alarm, Ban, Endpoint};
use switchboard_service::{Actor, AddressList, Service};
use tokio::sync::mpsc;

/// What the guard must learn.
pub enum SecurityChange {
    Ban(IpAddr, Ban),
    Unban(IpAddr),
    Lists {
        allow: Vec<ipnet::IpNet>,
        block: Vec<ipnet::IpNet>,
    },
}

fn actor() -> Actor {
    Actor::system("guard")
}

/// The lists as they are now.
pub async fn lists(service: &Service) -> anyhow::Result<SecurityChange> {
    let (mut allow, mut block) = (Vec::new(), Vec::new());
    for entry in service.address_lists(&actor()).await? {
        let network = switchboard_service::security::parse_network(&entry.network)?;
        match entry.list {
            AddressList::Allow => allow.push(network),
            AddressList::Block => block.push(network),
        }
    }
    Ok(SecurityChange::Lists { allow, block })
}

/// The bans in force now.
pub async fn bans(service: &Service) -> anyhow::Result<Vec<SecurityChange>> {
    Ok(service
        .bans(&actor())
        .await?
        .into_iter()
        .filter_map(|b| {
            Some(SecurityChange::Ban(
                b.address.parse().ok()?,
                Ban {
                    until: u64::try_from(b.until).ok()?,
                    reason: b.reason,
                },
            ))
        })
        .collect())
}

/// The ban on `address`, if one is in force.
pub async fn ban_on(service: &Service, address: &str) -> anyhow::Result<Vec<SecurityChange>> {
    Ok(bans(service)
        .await?
        .into_iter()
        .filter(|c| matches!(c, SecurityChange::Ban(ip, _) if ip.to_string() == address))
        .collect())
}

/// Applies a change to the endpoint.
pub fn apply(endpoint: &mut Endpoint, change: SecurityChange) {
    match change {
        SecurityChange::Ban(address, ban) => endpoint.ban(address, ban),
        SecurityChange::Unban(address) => {
            endpoint.unban(address);
        }
        SecurityChange::Lists { allow, block } => endpoint.set_address_lists(allow, block),
    }
}

/// Starts the keeper of the guard's alarms.
pub fn keep_alarms(service: Service) -> mpsc::UnboundedSender<Alarm> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Alarm>();
    tokio::spawn(async move {
        while let Some(alarm) = rx.recv().await {
            let kept = match alarm {
                Alarm::Banned { address, ban } => {
                    tracing::warn!(target: "security", "banned {address} until {}: {}", ban.until, ban.reason);
                    service
                        .record_ban(&actor(), address, ban.until as i64, &ban.reason)
                        .await
                }
                Alarm::RateLimited { address } => {
                    tracing::warn!(target: "security", "{address} is over the rate limit");
                    service
                        .record_alarm(
                            &actor(),
                            "security.rate_limited",
                            format!("address {address}"),
                            String::new(),
                        )
                        .await
                }
                Alarm::UserUnderAttack { user, failures } => {
                    tracing::warn!(target: "security", "{failures} failed authentications for {user:?}");
                    service
                        .record_alarm(
                            &actor(),
                            "security.user_attacked",
                            format!("user {user}"),
                            format!("{failures} failed authentications"),
                        )
                        .await
                }
            };
            if let Err(e) = kept {
                tracing::error!("keeping a security alarm: {e}");
            }
        }
    });
    tx
}
