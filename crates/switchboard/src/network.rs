//! The phone network the running engine routes through, built from the
//! service layer's trunks, DIDs and outbound rules (see
//! [`switchboard_engine::trunk`]) at start, whenever one changes, and every
//! few minutes so that a provider's changed address is picked up. Each
//! trunk's host is resolved here (the engine does no I/O): an address as
//! given, a name with a port by A/AAAA, a name without one by DNS SRV
//! (RFC 3263: `_sip._udp` or `_sip._tcp`, lowest priority first) and then
//! A/AAAA, port 5060 when there is no SRV record.

use crate::call_flows::target;
use crate::config::Config;
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use switchboard_engine::trunk::{self, rules, Network};
use switchboard_engine::Transport;
use switchboard_service::trunks::trunk::split_host;
use switchboard_service::{
    Actor, CallerId, Did, OutboundRule, RingGroup, Service, Trunk, TrunkTransport,
};

/// Where our SIP listens: what the providers reach.
#[derive(Clone, Debug)]
pub struct Local {
    pub listen: IpAddr,
    pub udp_port: u16,
    pub tcp_port: u16,
    /// Nameservers to ask instead of the system's (`sip.dns_servers`).
    pub dns_servers: Vec<SocketAddr>,
}

impl Local {
    pub fn of(config: &Config) -> anyhow::Result<Local> {
        Ok(Local {
            listen: config.sip.listen,
            udp_port: config.sip.udp_port,
            tcp_port: config.sip.tcp_port,
            dns_servers: config.sip.dns_servers()?,
        })
    }
}

/// How often the trunks' hosts are looked up again.
const RESOLVE_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Asks the builder for a new network (the trunks, DIDs or rules changed).
#[derive(Clone)]
pub struct Rebuild(Arc<tokio::sync::Notify>);

impl Rebuild {
    pub fn ask(&self) {
        self.0.notify_one();
    }
}

/// Builds the network again when asked, and every few minutes so that a
/// provider that moved is followed (trunks whose address stayed keep
/// their registration), and hands it to the driver. Requests made while
/// a build runs (DNS may take a while) are served by one more build, so
/// the change feed never waits for DNS. `resolver` is the one the first
/// build used, with what it found.
pub fn builder(
    service: Service,
    driver: crate::transport::driver::DriverTx,
    local: Local,
    resolver: Arc<crate::dns::Resolver>,
) -> Rebuild {
    let asked = Arc::new(tokio::sync::Notify::new());
    let wake = asked.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RESOLVE_EVERY);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = wake.notified() => {}
                _ = tick.tick() => {}
            }
            match network(&service, &local, &resolver).await {
                Ok(n) => {
                    if driver
                        .send(crate::transport::driver::Inbound::Network(n))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Err(e) => tracing::error!("building the phone network: {e:#}"),
            }
        }
    });
    Rebuild(asked)
}

/// Every trunk, DID and rule, as the engine needs them.
pub async fn network(
    service: &Service,
    local: &Local,
    resolver: &crate::dns::Resolver,
) -> anyhow::Result<Network> {
    let actor = Actor::system("trunks");
    let defined = service.flows::<Trunk>(&actor).await?;
    // What was seen of trunks since removed is forgotten.
    let names: Vec<String> = defined.iter().map(|t| t.name.clone()).collect();
    service.prune_trunk_status(&names).await?;
    // Looked up side by side: a provider's DNS being slow holds no other.
    let trunks = futures_util::future::join_all(
        defined
            .iter()
            .filter(|t| t.enabled)
            .map(|t| engine_trunk(t, local, resolver)),
    )
    .await;
    let groups = service.flows::<RingGroup>(&actor).await?;
    let mut rules: Vec<OutboundRule> = service.flows::<OutboundRule>(&actor).await?;
    rules.sort_by(|a, b| {
        (!a.emergency, a.priority, &a.name).cmp(&(!b.emergency, b.priority, &b.name))
    });
    let rules = rules.into_iter().map(|r| engine_rule(r, &groups)).collect();
    let dids: Vec<(Vec<switchboard_service::trunks::NumberRange>, _)> = service
        .flows::<Did>(&actor)
        .await?
        .into_iter()
        .map(|d| (d.ranges(), target(&d.destination)))
        .collect();
    let dids: trunk::Dids = Arc::new(move |number: &str| {
        dids.iter()
            .find(|(ranges, _)| ranges.iter().any(|r| r.contains(number)))
            .map(|(_, t)| t.clone())
    });
    Ok(Network {
        trunks,
        rules,
        dids: Some(dids),
        capacity: service.capacity_plan().limit(),
    })
}

async fn engine_trunk(t: &Trunk, local: &Local, resolver: &crate::dns::Resolver) -> trunk::Trunk {
    let transport = match t.transport {
        TrunkTransport::Udp => Transport::Udp,
        TrunkTransport::Tcp => Transport::Tcp,
    };
    let peer = match split_host(&t.host) {
        Some((host, port)) => resolver.sip_server(&host, port, transport).await,
        None => None,
    };
    if peer.is_none() {
        tracing::warn!("trunk {}: {} does not resolve", t.name, t.host);
    }
    let port = match transport {
        Transport::Tcp => local.tcp_port,
        _ => local.udp_port,
    };
    let ip = match (local.listen.is_unspecified(), peer) {
        (true, Some(peer)) => route_to(peer).unwrap_or(local.listen),
        _ => local.listen,
    };
    trunk::Trunk {
        name: t.name.clone(),
        peer,
        transport,
        domain: t.host.clone(),
        local: SocketAddr::new(ip, port).to_string(),
        username: t.username.clone(),
        auth_username: t.auth_username.clone(),
        password: t.password.clone(),
        register: t.register.then_some(t.register_expires),
        allowed: t
            .allowed_addresses
            .iter()
            .filter_map(|a| switchboard_service::trunks::trunk::parse_allowed(a))
            .collect(),
        channels: t.channels,
        codecs: t.codecs.clone(),
        send_pai: t.send_pai,
        send_rpid: t.send_rpid,
        called_from_to: t.called_number == switchboard_service::CalledNumber::To,
        main_number: t.main_number.clone(),
        caller_name_url: t.caller_name_url.clone(),
        unknown_did: target(&t.unknown_did),
        qualify: t.qualify,
    }
}

/// The address of ours the kernel sends from toward `peer`.
fn route_to(peer: SocketAddr) -> Option<IpAddr> {
    let any: SocketAddr = if peer.is_ipv4() {
        "0.0.0.0:0".parse().ok()?
    } else {
        "[::]:0".parse().ok()?
    };
    let socket = std::net::UdpSocket::bind(any).ok()?;
    socket.connect(peer).ok()?;
    socket.local_addr().ok().map(|a| a.ip())
}

fn engine_rule(r: OutboundRule, groups: &[RingGroup]) -> rules::OutboundRule {
    let allowed = (!r.allowed.is_empty()).then(|| {
        let mut who = HashSet::new();
        for a in &r.allowed {
            match a.strip_prefix("ring_group:") {
                Some(g) => who.extend(
                    groups
                        .iter()
                        .filter(|x| x.name == g)
                        .flat_map(|x| x.members.iter().map(|m| m.extension.clone())),
                ),
                None => {
                    who.insert(a.clone());
                }
            }
        }
        who
    });
    let patterns = r.parsed_patterns();
    let caller_id = match &r.caller_id {
        CallerId::Extension => rules::CallerId::Extension,
        CallerId::Main => rules::CallerId::Main,
        CallerId::Withheld => rules::CallerId::Withheld,
        CallerId::Number(n) => rules::CallerId::Number(n.clone()),
    };
    let rule = Arc::new(r);
    let rewriting = rule.clone();
    rules::OutboundRule {
        name: rule.name.clone(),
        matches: Arc::new(move |n: &str| patterns.iter().any(|p| p.matches(n))),
        rewrite: Arc::new(move |n: &str| rewriting.rewrite(n)),
        allowed,
        trunks: rule.trunks.clone(),
        caller_id,
        emergency: rule.emergency,
        international: rule.international,
    }
}
