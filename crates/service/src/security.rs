//! Security as administrators see it: the addresses the SIP guard banned
//! (and lifting a ban), the allow and block lists, and the guard's alarms
//! kept in the audit log. Only administrators see or change any of it.

use crate::{now_millis, Actor, Event, Service, ServiceError};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use switchboard_store::{BanRecord, ListEntryRecord};

/// A banned address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BanInfo {
    pub address: String,
    /// Unix seconds.
    pub until: i64,
    pub reason: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// A network on the allow or block list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListEntry {
    /// `192.0.2.0/24`; a single address is `/32` or `/128`.
    pub network: String,
    pub list: AddressList,
    pub note: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AddressList {
    /// Always answered; never banned or rate limited.
    Allow,
    /// Never answered.
    Block,
}

impl AddressList {
    fn as_str(self) -> &'static str {
        match self {
            AddressList::Allow => "allow",
            AddressList::Block => "block",
        }
    }
}

/// A network to put on a list.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewListEntry {
    /// An address or a network in CIDR form.
    pub network: String,
    pub list: AddressList,
    #[serde(default)]
    pub note: String,
}

/// Reads an address or a CIDR network, naming the field when it is neither.
pub fn parse_network(text: &str) -> Result<IpNet, ServiceError> {
    let text = text.trim();
    text.parse::<IpNet>()
        .map(|n| n.trunc())
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            ServiceError::invalid(
                "network",
                "must be an IP address or a network such as 192.0.2.0/24",
            )
        })
}

fn parse_address(text: &str) -> Result<IpAddr, ServiceError> {
    text.trim()
        .parse()
        .map_err(|_| ServiceError::invalid("address", "must be an IP address"))
}

fn now_secs() -> i64 {
    now_millis() / 1000
}

impl Service {
    /// The bans in force.
    pub async fn bans(&self, actor: &Actor) -> Result<Vec<BanInfo>, ServiceError> {
        actor.require_admin()?;
        Ok(self
            .store
            .bans(now_secs())
            .await?
            .into_iter()
            .map(|b| BanInfo {
                address: b.address,
                until: b.until,
                reason: b.reason,
                created_at: b.created_at,
            })
            .collect())
    }

    /// Keeps a ban the SIP guard made, and tells the other nodes.
    pub async fn record_ban(
        &self,
        actor: &Actor,
        address: IpAddr,
        until: i64,
        reason: &str,
    ) -> Result<(), ServiceError> {
        actor.require_admin()?;
        let record = BanRecord {
            address: address.to_string(),
            until,
            reason: reason.to_owned(),
            created_at: now_secs(),
        };
        self.store.put_ban(&record).await?;
        self.record(
            actor,
            "security.ban",
            format!("address {address}"),
            format!("{reason}; until {until}"),
            Event::SecurityBanned {
                address: address.to_string(),
            },
        )
        .await
    }

    /// Lifts a ban.
    pub async fn unban(&self, actor: &Actor, address: &str) -> Result<(), ServiceError> {
        actor.require_admin()?;
        let address = parse_address(address)?;
        if !self
            .store
            .delete_ban(&address.to_string(), now_secs())
            .await?
        {
            return Err(ServiceError::NotFound(format!("a ban on {address}")));
        }
        self.record(
            actor,
            "security.unban",
            format!("address {address}"),
            String::new(),
            Event::SecurityUnbanned {
                address: address.to_string(),
            },
        )
        .await
    }

    /// Keeps one of the guard's alarms in the audit log.
    pub async fn record_alarm(
        &self,
        actor: &Actor,
        action: &str,
        object: String,
        detail: String,
    ) -> Result<(), ServiceError> {
        actor.require_admin()?;
        self.audit_only(actor, action, object, detail).await
    }

    /// The allow and block lists.
    pub async fn address_lists(&self, actor: &Actor) -> Result<Vec<ListEntry>, ServiceError> {
        actor.require_admin()?;
        Ok(self
            .store
            .list_entries()
            .await?
            .into_iter()
            .map(|e| ListEntry {
                list: if e.list == "allow" {
                    AddressList::Allow
                } else {
                    AddressList::Block
                },
                network: e.network,
                note: e.note,
                created_at: e.created_at,
            })
            .collect())
    }

    /// Puts a network on a list (off the other one).
    pub async fn list_address(
        &self,
        actor: &Actor,
        entry: NewListEntry,
    ) -> Result<ListEntry, ServiceError> {
        actor.require_admin()?;
        let network = parse_network(&entry.network)?;
        if entry.note.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "note",
                "must be at most 200 characters",
            ));
        }
        let record = ListEntryRecord {
            network: network.to_string(),
            list: entry.list.as_str().to_owned(),
            note: entry.note.trim().to_owned(),
            created_at: now_secs(),
        };
        self.store.put_list_entry(&record).await?;
        self.record(
            actor,
            "security.list",
            format!("network {network}"),
            format!("on the {} list", entry.list.as_str()),
            Event::SecurityListsChanged,
        )
        .await?;
        Ok(ListEntry {
            network: record.network,
            list: entry.list,
            note: record.note,
            created_at: record.created_at,
        })
    }

    /// Takes a network off its list.
    pub async fn unlist_address(&self, actor: &Actor, network: &str) -> Result<(), ServiceError> {
        actor.require_admin()?;
        let network = parse_network(network)?;
        if !self.store.delete_list_entry(&network.to_string()).await? {
            return Err(ServiceError::NotFound(format!("{network} on a list")));
        }
        self.record(
            actor,
            "security.unlist",
            format!("network {network}"),
            String::new(),
            Event::SecurityListsChanged,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_read_and_named() {
        assert_eq!(
            parse_network("192.0.2.7").unwrap().to_string(),
            "192.0.2.7/32"
        );
        assert_eq!(
            parse_network(" 10.1.2.3/8 ").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            parse_network("2001:db8::/32").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert_eq!(
            parse_network("10.0.0.0/33").unwrap_err().field(),
            Some("network")
        );
        assert_eq!(
            parse_network("example.com").unwrap_err().field(),
            Some("network")
        );
    }
}
