//! Finding a SIP provider (RFC 3263): a host given with a port is looked
//! up by A/AAAA; a domain without one by NAPTR (the `SIP+D2U` or
//! `SIP+D2T` service names the SRV record), then SRV (`_sip._udp.DOMAIN`
//! or `_sip._tcp.DOMAIN`, lowest priority and highest weight first), then
//! A/AAAA at port 5060. hickory-resolver asks the system's nameservers,
//! or those `sip.dns_servers` names; `/etc/hosts` names resolve too.

use hickory_resolver::config::{NameServerConfig, NameServerConfigGroup, ResolverConfig};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::TokioResolver;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use switchboard_engine::Transport;

/// How long one DNS query may take.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// How long an answer is kept: a provider found, or not found.
const KEEP_FOUND: Duration = Duration::from_secs(240);
const KEEP_MISSING: Duration = Duration::from_secs(60);

type Question = (String, Option<u16>, Transport);

pub struct Resolver {
    inner: Option<TokioResolver>,
    /// Answers already found, and until when they hold.
    known: Mutex<HashMap<Question, (Option<SocketAddr>, Instant)>>,
}

impl Resolver {
    /// A resolver asking `servers` (none: the system's).
    pub fn new(servers: &[SocketAddr]) -> Resolver {
        let builder = if servers.is_empty() {
            TokioResolver::builder_tokio().ok()
        } else {
            let mut group = NameServerConfigGroup::new();
            for s in servers {
                group.push(NameServerConfig::new(*s, Protocol::Udp));
            }
            let config = ResolverConfig::from_parts(None, Vec::new(), group);
            Some(TokioResolver::builder_with_config(
                config,
                TokioConnectionProvider::default(),
            ))
        };
        // A nameserver that does not answer must not hold trunks up long.
        let inner = builder.map(|mut b| {
            b.options_mut().timeout = ANSWER_WITHIN;
            b.options_mut().attempts = 1;
            b.build()
        });
        Resolver {
            inner,
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Where to send SIP for `host` (and `port`, when given) over
    /// `transport`, as found within the last minutes.
    pub async fn sip_server(
        &self,
        host: &str,
        port: Option<u16>,
        transport: Transport,
    ) -> Option<SocketAddr> {
        let question = (host.to_owned(), port, transport);
        let now = Instant::now();
        if let Some((found, until)) = self.known.lock().expect("the DNS cache").get(&question) {
            if *until > now {
                return *found;
            }
        }
        let found = self.look_up(host, port, transport).await;
        let keep = if found.is_some() {
            KEEP_FOUND
        } else {
            KEEP_MISSING
        };
        self.known
            .lock()
            .expect("the DNS cache")
            .insert(question, (found, now + keep));
        found
    }

    async fn look_up(
        &self,
        host: &str,
        port: Option<u16>,
        transport: Transport,
    ) -> Option<SocketAddr> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Some(SocketAddr::new(ip, port.unwrap_or(5060)));
        }
        if let Some(port) = port {
            return self.address(host).await.map(|ip| SocketAddr::new(ip, port));
        }
        let srv_name = self
            .naptr(host, transport)
            .await
            .unwrap_or_else(|| match transport {
                Transport::Tcp => format!("_sip._tcp.{host}."),
                _ => format!("_sip._udp.{host}."),
            });
        if let Some(found) = self.srv(&srv_name).await {
            return Some(found);
        }
        self.address(host).await.map(|ip| SocketAddr::new(ip, 5060))
    }

    /// The SRV name a NAPTR record of `domain` gives for `transport`.
    async fn naptr(&self, domain: &str, transport: Transport) -> Option<String> {
        let wanted: &[u8] = match transport {
            Transport::Tcp => b"SIP+D2T",
            _ => b"SIP+D2U",
        };
        let lookup = self
            .inner
            .as_ref()?
            .lookup(format!("{domain}."), RecordType::NAPTR)
            .await
            .ok()?;
        let mut records: Vec<_> = lookup
            .record_iter()
            .filter_map(|r| match r.data() {
                RData::NAPTR(n) => Some(n.clone()),
                _ => None,
            })
            .filter(|n| n.services().eq_ignore_ascii_case(wanted))
            .filter(|n| n.flags().eq_ignore_ascii_case(b"s"))
            .collect();
        records.sort_by_key(|n| (n.order(), n.preference()));
        records.first().map(|n| n.replacement().to_ascii())
    }

    /// The first target of SRV record `name`, resolved.
    async fn srv(&self, name: &str) -> Option<SocketAddr> {
        let lookup = self.inner.as_ref()?.srv_lookup(name).await.ok()?;
        let mut records: Vec<_> = lookup.iter().cloned().collect();
        records.sort_by_key(|s| (s.priority(), std::cmp::Reverse(s.weight())));
        for s in records {
            let target = s.target().to_ascii();
            if let Some(ip) = self.address(target.trim_end_matches('.')).await {
                return Some(SocketAddr::new(ip, s.port()));
            }
        }
        None
    }

    /// An address of `host`: by the nameservers, else as the system
    /// resolves it (`/etc/hosts`).
    async fn address(&self, host: &str) -> Option<IpAddr> {
        if let Some(r) = &self.inner {
            if let Ok(found) = r.lookup_ip(format!("{host}.")).await {
                if let Some(ip) = found.iter().next() {
                    return Some(ip);
                }
            }
        }
        tokio::net::lookup_host((host, 0))
            .await
            .ok()?
            .next()
            .map(|a| a.ip())
    }
}
