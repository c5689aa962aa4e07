//! A SIP trunk: the provider that carries calls to and from the phone
//! network. Where it is (a host, looked up by DNS SRV when it is a domain
//! without a port), how it trusts us (registering with credentials, or
//! accepting our calls from a known address) and how we trust it (calls
//! are taken only from its registrar's address or the addresses listed),
//! how many calls it carries at once, which codecs it prefers, how our
//! caller ID is asserted, and where the called number is read.

use crate::destination::Destination;
use crate::flows::ring_group::{check_text, hang_up, unset};
use crate::flows::FlowObject;
use crate::ServiceError;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

/// How SIP reaches the provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrunkTransport {
    #[default]
    Udp,
    Tcp,
}

/// Where an inbound call's number (the DID) is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalledNumber {
    /// The user part of the Request-URI (most providers).
    #[default]
    RequestUri,
    /// The user part of To (providers that put the account in the
    /// Request-URI).
    To,
}

/// The trunk as the running server last saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrunkStatus {
    /// `registered`, `registering`, `failed` or `not_registering`.
    pub registration: String,
    /// Whether the provider answers OPTIONS (none: not asked yet).
    pub reachable: Option<bool>,
    /// What went wrong last, in words.
    pub detail: Option<String>,
    /// Unix milliseconds of the last change.
    pub changed_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Trunk {
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The provider: `sip.example.net` (looked up by DNS SRV, then A),
    /// `sip.example.net:5060`, `192.0.2.10`, `[2001:db8::1]:5080`.
    #[schema(example = "sip.example.net")]
    pub host: String,
    #[serde(default)]
    pub transport: TrunkTransport,
    /// The account at the provider: the user of From and of REGISTER.
    #[serde(default)]
    pub username: Option<String>,
    /// The digest user name, when it differs from `username`.
    #[serde(default)]
    pub auth_username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// Register with the provider (it then sends calls to us).
    #[serde(default)]
    pub register: bool,
    /// Seconds a registration asks for: 60 to 3600.
    #[serde(default = "default_expires")]
    pub register_expires: u32,
    /// Addresses calls from this trunk come from (`192.0.2.0/24`,
    /// `192.0.2.10`, `192.0.2.10:5060`); the registrar's address counts
    /// too when registering. Calls from anywhere else are not the trunk's.
    #[serde(default)]
    pub allowed_addresses: Vec<String>,
    /// Calls it carries at once (none: as many as the capacity plan lets).
    #[serde(default)]
    pub channels: Option<u32>,
    /// Codecs offered to it, preferred first (none: the server's).
    #[serde(default)]
    pub codecs: Vec<String>,
    /// Assert the caller's identity in P-Asserted-Identity.
    #[serde(default)]
    pub send_pai: bool,
    /// Assert it in Remote-Party-ID (older providers).
    #[serde(default)]
    pub send_rpid: bool,
    #[serde(default)]
    pub called_number: CalledNumber,
    /// The number presented when no other applies.
    #[serde(default)]
    pub main_number: Option<String>,
    /// A URL asked for the name of each inbound caller (`{number}` stands
    /// for the caller's number): its answer, a JSON `{"name": …}` or a
    /// line of text, is shown on the phones; after a second and a half the
    /// call rings without it.
    #[serde(default)]
    #[schema(example = "http://crm.example.net/lookup?number={number}")]
    pub caller_name_url: Option<String>,
    /// Where calls to a number no DID lists go.
    #[serde(default = "hang_up")]
    #[schema(value_type = String, example = "ivr:main")]
    pub unknown_did: Destination,
    /// Ask the provider with OPTIONS every 30 s; unanswered twice, it is
    /// down and outbound calls skip it.
    #[serde(default = "yes")]
    pub qualify: bool,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// As the server last saw it (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TrunkStatus>,
    #[serde(default, skip_serializing_if = "unset")]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "unset")]
    pub updated_at: i64,
}

fn default_expires() -> u32 {
    300
}

fn yes() -> bool {
    true
}

/// A host name: letters, digits, '-' and '.', labels of 1 to 63.
fn host_name(h: &str) -> bool {
    (1..=253).contains(&h.len())
        && h.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// A trunk's host split into a name (or address) and a port.
pub fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    if let Ok(a) = host.parse::<SocketAddr>() {
        return Some((a.ip().to_string(), Some(a.port())));
    }
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Some((ip.to_string(), None));
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p.parse::<u16>().ok().filter(|&p| p > 0)?)),
        None => (host, None),
    };
    host_name(name).then(|| (name.to_ascii_lowercase(), port))
}

/// An allowed address: an IP, a network, or an IP and port.
pub fn parse_allowed(a: &str) -> Option<(IpNet, Option<u16>)> {
    if let Ok(s) = a.parse::<SocketAddr>() {
        return Some((IpNet::from(s.ip()), Some(s.port())));
    }
    if let Ok(ip) = a.parse::<IpAddr>() {
        return Some((IpNet::from(ip), None));
    }
    a.parse::<IpNet>().ok().map(|n| (n, None))
}

/// A phone number as presented: digits with an optional leading '+', 3
/// to 15 digits.
pub(crate) fn phone_number(n: &str) -> bool {
    let digits = n.strip_prefix('+').unwrap_or(n);
    (3..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A SIP user name: the unreserved characters RFC 3261 lets stand bare.
fn sip_user(u: &str) -> bool {
    (1..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()&=+$,;?/".contains(&b))
}

impl FlowObject for Trunk {
    const KIND: &'static str = "trunk";
    const NOUN: &'static str = "trunk";
    const ADMIN_ONLY: bool = true;

    crate::flows::identity!(unnumbered);

    fn into_decl(self) -> crate::flows::declare::FlowDecl {
        crate::flows::declare::FlowDecl::Trunk(self)
    }

    fn status_slot(&mut self) -> Option<&mut Option<TrunkStatus>> {
        Some(&mut self.status)
    }

    fn check(&self) -> Result<(), ServiceError> {
        check_text("display_name", &self.display_name, 64)?;
        if split_host(&self.host).is_none() {
            return Err(ServiceError::invalid(
                "host",
                "must be a host name or an IP address, with an optional :port",
            ));
        }
        for (field, v) in [
            ("username", &self.username),
            ("auth_username", &self.auth_username),
        ] {
            if v.as_deref().is_some_and(|u| !sip_user(u)) {
                return Err(ServiceError::invalid(
                    field,
                    "must be 1 to 64 letters, digits or -_.!~*'()&=+$,;?/",
                ));
            }
        }
        if let Some(p) = &self.password {
            if p.is_empty() || p.len() > 128 || p.chars().any(char::is_control) {
                return Err(ServiceError::invalid(
                    "password",
                    "must be 1 to 128 characters, no control characters",
                ));
            }
        }
        if self.register && (self.username.is_none() || self.password.is_none()) {
            return Err(ServiceError::invalid(
                "register",
                "needs a username and a password",
            ));
        }
        if !(60..=3600).contains(&self.register_expires) {
            return Err(ServiceError::invalid(
                "register_expires",
                "must be 60 to 3600 seconds",
            ));
        }
        if self.allowed_addresses.len() > 50 {
            return Err(ServiceError::invalid(
                "allowed_addresses",
                "at most 50 addresses",
            ));
        }
        if let Some(a) = self
            .allowed_addresses
            .iter()
            .find(|a| parse_allowed(a).is_none())
        {
            return Err(ServiceError::invalid(
                "allowed_addresses",
                format!("{a:?} is not an IP address, a network or an address:port"),
            ));
        }
        if self.channels.is_some_and(|c| !(1..=10_000).contains(&c)) {
            return Err(ServiceError::invalid(
                "channels",
                "must be 1 to 10000 (or left out: no limit of its own)",
            ));
        }
        for (i, c) in self.codecs.iter().enumerate() {
            if switchboard_media::codec::Kind::from_name(c).is_none() {
                return Err(ServiceError::invalid(
                    "codecs",
                    format!("{c:?} is not a codec Switchboard knows (PCMU, PCMA, G722)"),
                ));
            }
            if self.codecs[..i].iter().any(|o| o.eq_ignore_ascii_case(c)) {
                return Err(ServiceError::invalid(
                    "codecs",
                    format!("{c} is listed twice"),
                ));
            }
        }
        if let Some(url) = &self.caller_name_url {
            let scheme = url.starts_with("http://") || url.starts_with("https://");
            if !scheme || url.len() > 500 || url.chars().any(|c| c.is_control() || c == ' ') {
                return Err(ServiceError::invalid(
                    "caller_name_url",
                    "must be an http:// or https:// URL (with {number} for the caller's number)",
                ));
            }
        }
        if self
            .main_number
            .as_deref()
            .is_some_and(|n| !phone_number(n))
        {
            return Err(ServiceError::invalid(
                "main_number",
                "must be 3 to 15 digits, with an optional leading +",
            ));
        }
        Ok(())
    }

    fn routes(&self) -> Vec<(String, &Destination)> {
        vec![("unknown DID".to_owned(), &self.unknown_did)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_names_or_addresses_with_a_port() {
        assert_eq!(
            split_host("SIP.example.net"),
            Some(("sip.example.net".into(), None))
        );
        assert_eq!(
            split_host("127.0.0.1:5080"),
            Some(("127.0.0.1".into(), Some(5080)))
        );
        assert_eq!(
            split_host("[2001:db8::1]:5080"),
            Some(("2001:db8::1".into(), Some(5080)))
        );
        assert_eq!(
            split_host("2001:db8::1"),
            Some(("2001:db8::1".into(), None))
        );
        for bad in ["", "a..b", "-a.b", "host:0", "host:99999", "ho st", "a/b"] {
            assert_eq!(split_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn allowed_addresses_are_ips_networks_or_ip_and_port() {
        assert!(parse_allowed("192.0.2.10").is_some());
        assert!(parse_allowed("192.0.2.0/24").is_some());
        assert_eq!(
            parse_allowed("127.0.0.1:5080").map(|(_, p)| p),
            Some(Some(5080))
        );
        assert!(parse_allowed("provider.example").is_none());
    }
}
