//! Wires the engine's registrar to the service layer: the extensions'
//! credentials go in (at start, then every change the change feed
//! announces, from any door or node: see `follow.rs`), and the registered
//! phones come out,
//! written to the store in batches so they can be listed and survive a
//! restart.

use crate::batches::Rounds;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use switchboard_engine::{Binding, Endpoint, Forward, Forwarding, Recording, Transport};
use switchboard_service::{Actor, ListRegistrations, RecordingPolicy, Registration, Service};
use switchboard_sip::Uri;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// An extension's phones, as the endpoint reported them.
pub struct BindingsReport {
    pub extension: String,
    pub bindings: Vec<Binding>,
    /// Phones came or went (not a mere refresh).
    pub changed: bool,
}

/// What the registrar must learn about an extension.
pub enum AccountChange {
    Set(Credentials),
    Remove(String),
    /// Every extension, after the change feed was missed: the others go.
    Sync(Vec<Credentials>),
}

/// An extension's SIP credentials.
pub struct Credentials {
    pub number: String,
    pub auth_name: String,
    pub secret: String,
    pub enabled: bool,
    /// Calls it may be in at once.
    pub call_limit: u32,
    /// Whether its calls are recorded.
    pub recording: RecordingPolicy,
    /// Where the calls it does not take go.
    pub forwarding: Forwarding,
    /// What it may do through the trunks.
    pub outbound: switchboard_engine::registrar::Outbound,
}

/// How long phones that came or went wait before they are written.
const FLUSH_EVERY: Duration = Duration::from_millis(200);

fn actor() -> Actor {
    Actor::system("registrar")
}

/// Every extension's credentials.
pub async fn credentials(service: &Service) -> anyhow::Result<Vec<Credentials>> {
    let declaration = service.export(&actor()).await?;
    Ok(declaration
        .extensions
        .into_iter()
        .filter_map(|e| {
            Some(Credentials {
                auth_name: e.auth_name.clone().unwrap_or_else(|| e.number.clone()),
                secret: e.secret?,
                enabled: e.enabled.unwrap_or(true),
                call_limit: e.call_limit.unwrap_or(0),
                recording: e.recording.unwrap_or_default(),
                forwarding: Forwarding {
                    always: forward(e.forward_always.as_ref()),
                    busy: forward(e.forward_busy.as_ref()),
                    no_answer: forward(e.forward_no_answer.as_ref()),
                    unregistered: forward(e.forward_unregistered.as_ref()),
                    dnd: e.dnd.unwrap_or(false),
                    ring_time: e.ring_time,
                },
                outbound: switchboard_engine::registrar::Outbound {
                    international: e.international_calls.unwrap_or(false),
                    per_hour: e.outbound_calls_per_hour,
                    caller_id: e.outbound_caller_id.clone(),
                },
                number: e.number,
            })
        })
        .collect())
}

/// Applies an account change to the endpoint.
pub fn apply(endpoint: &mut Endpoint, change: AccountChange) {
    match change {
        AccountChange::Set(c) => set(endpoint, &c),
        AccountChange::Remove(number) => endpoint.remove_account(&number),
        AccountChange::Sync(all) => {
            let keep: std::collections::HashSet<&str> =
                all.iter().map(|c| c.number.as_str()).collect();
            for number in endpoint.account_numbers() {
                if !keep.contains(number.as_str()) {
                    endpoint.remove_account(&number);
                }
            }
            for c in &all {
                set(endpoint, c);
            }
        }
    }
}

/// Gives the endpoint an extension's credentials and call limit.
pub fn set(endpoint: &mut Endpoint, c: &Credentials) {
    endpoint.set_account(&c.number, &c.auth_name, &c.secret, c.enabled);
    endpoint.set_call_limit(&c.number, c.call_limit);
    endpoint.set_recording(
        &c.number,
        match c.recording {
            RecordingPolicy::Never => Recording::Never,
            RecordingPolicy::Always => Recording::Always,
            RecordingPolicy::OnDemand => Recording::OnDemand,
        },
    );
    endpoint.set_forwarding(&c.number, c.forwarding.clone());
    endpoint.set_outbound(&c.number, c.outbound.clone());
}

/// A forwarding rule as the engine takes it.
fn forward(f: Option<&switchboard_service::Forward>) -> Forward {
    use switchboard_service::Forward as F;
    match f {
        None | Some(F::None) => Forward::None,
        Some(F::Voicemail) => Forward::Voicemail,
        Some(F::Extension(n)) => Forward::Extension(n.clone()),
        Some(F::External(n)) => Forward::External(n.clone()),
    }
}

/// Gives the endpoint the registrations kept from before a restart.
pub async fn restore(service: &Service, endpoint: &mut Endpoint) -> anyhow::Result<usize> {
    let kept = service
        .registrations(&actor(), ListRegistrations::default())
        .await?;
    let mut by_extension: HashMap<String, Vec<Binding>> = HashMap::new();
    for r in kept {
        match binding(&r) {
            Some(b) => by_extension.entry(r.extension.clone()).or_default().push(b),
            None => tracing::warn!(
                "dropping a kept registration of {} that no longer reads",
                r.extension
            ),
        }
    }
    let count = by_extension.values().map(Vec::len).sum();
    for (extension, bindings) in by_extension {
        endpoint.restore_bindings(&extension, bindings);
    }
    Ok(count)
}

/// What the registrar must learn when extension `number` was created or
/// changed (and had the number `previous` before).
pub async fn changed(
    service: &Service,
    number: &str,
    previous: Option<String>,
) -> Vec<AccountChange> {
    let mut changes: Vec<AccountChange> = previous.into_iter().map(AccountChange::Remove).collect();
    match service.extension(&actor(), number).await {
        Ok(e) => changes.push(AccountChange::Set(Credentials {
            number: e.number,
            auth_name: e.auth_name,
            secret: e.secret,
            enabled: e.enabled,
            call_limit: e.call_limit,
            recording: e.recording,
            forwarding: Forwarding {
                always: forward(Some(&e.forward_always)),
                busy: forward(Some(&e.forward_busy)),
                no_answer: forward(Some(&e.forward_no_answer)),
                unregistered: forward(Some(&e.forward_unregistered)),
                dnd: e.dnd,
                ring_time: e.ring_time,
            },
            outbound: switchboard_engine::registrar::Outbound {
                international: e.international_calls,
                per_hour: e.outbound_calls_per_hour,
                caller_id: e.outbound_caller_id,
            },
        })),
        Err(e) => tracing::warn!("registrar: extension {number}: {e}"),
    }
    changes
}

/// Starts the writer of registrations; send it each extension's phones as
/// the endpoint reports them, a batch at a time. While they come the writer
/// is not woken by them: it collects what has come every `FLUSH_EVERY`, so
/// a busy SIP driver does not pay for waking another thread; after a quiet
/// round the next report wakes it ([`Rounds`]) and, if its phones came or
/// went, is written at once. Otherwise phones that came or went are
/// written within `FLUSH_EVERY`; a mere refresh (a later expiry, a
/// round-trip time) waits up to `refresh_every`, so busy phones cost few
/// writes. Either way the latest state of an extension is what is
/// written. The task ends, having written everything, once every sender
/// is gone.
pub fn persist(
    service: Service,
    refresh_every: Duration,
) -> (mpsc::UnboundedSender<Vec<BindingsReport>>, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<BindingsReport>>();
    let task = tokio::spawn(async move {
        let mut pending: HashMap<String, Vec<Binding>> = HashMap::new();
        let mut changed: HashSet<String> = HashSet::new();
        let mut rounds = Rounds::new(FLUSH_EVERY);
        let mut last_refresh_flush = tokio::time::Instant::now();
        loop {
            let due = (!pending.is_empty()).then_some(last_refresh_flush + refresh_every);
            let open = rounds
                .next(&mut rx, due, |report| {
                    if report.changed {
                        changed.insert(report.extension.clone());
                    }
                    pending.insert(report.extension, report.bindings);
                })
                .await;
            let refresh_too = !open || last_refresh_flush.elapsed() >= refresh_every;
            let batch: Vec<_> = if refresh_too {
                last_refresh_flush = tokio::time::Instant::now();
                pending.drain().collect()
            } else {
                changed
                    .iter()
                    .filter_map(|e| pending.remove_entry(e))
                    .collect()
            };
            if !batch.is_empty() {
                let batch = batch
                    .into_iter()
                    .map(|(extension, bindings)| {
                        let phones = bindings
                            .iter()
                            .map(|b| registration(&extension, b))
                            .collect();
                        (extension, phones)
                    })
                    .collect();
                let changed = changed.drain().collect();
                if let Err(e) = service.record_registrations(batch, changed).await {
                    tracing::error!("registrar: saving registrations: {e}");
                }
            }
            if !open {
                return;
            }
        }
    });
    (tx, task)
}

fn transport_of(name: &str) -> Option<Transport> {
    Some(match name {
        "udp" => Transport::Udp,
        "tcp" => Transport::Tcp,
        "tls" => Transport::Tls,
        "sctp" => Transport::Sctp,
        "ws" => Transport::Ws,
        "wss" => Transport::Wss,
        _ => return None,
    })
}

fn registration(extension: &str, b: &Binding) -> Registration {
    Registration {
        extension: extension.to_owned(),
        contact: b.uri.to_string(),
        instance: b.instance.clone(),
        reg_id: b.reg_id,
        q: b.q.clone(),
        source: b.source.to_string(),
        transport: b.transport.as_str().to_ascii_lowercase(),
        user_agent: b.user_agent.clone(),
        expires_at: b.expires_at as i64,
        registered_at: b.registered_at as i64,
        local: b.local.clone(),
        reachable: b.reachable,
        rtt_ms: b.rtt_ms,
    }
}

/// A kept registration back as a binding. Its Call-ID and CSeq are not
/// kept: the phone's next REGISTER is taken whatever they are.
fn binding(r: &Registration) -> Option<Binding> {
    Some(Binding {
        uri: Uri::parse_str(&r.contact).ok()?,
        instance: r.instance.clone(),
        reg_id: r.reg_id,
        q: r.q.clone(),
        expires_at: u64::try_from(r.expires_at).ok()?,
        call_id: String::new(),
        cseq: 0,
        source: r.source.parse().ok()?,
        transport: transport_of(&r.transport)?,
        user_agent: r.user_agent.clone(),
        registered_at: u64::try_from(r.registered_at).ok()?,
        local: r.local.clone(),
        reachable: r.reachable,
        rtt_ms: r.rtt_ms,
        missed: 0,
        next_qualify: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binding_survives_the_store() {
        let b = Binding {
            uri: Uri::parse_str("sip:1001@192.0.2.7:5062;transport=tcp").unwrap(),
            instance: Some("<urn:uuid:1>".into()),
            reg_id: Some(1),
            q: Some("0.5".into()),
            expires_at: 2_000,
            call_id: String::new(),
            cseq: 0,
            source: "198.51.100.4:40000".parse().unwrap(),
            transport: Transport::Tcp,
            user_agent: Some("Phone/1".into()),
            registered_at: 1_000,
            local: "pbx.example.com:5060".into(),
            reachable: false,
            rtt_ms: Some(35),
            missed: 0,
            next_qualify: 0,
        };
        assert_eq!(binding(&registration("1001", &b)), Some(b));
    }
}
