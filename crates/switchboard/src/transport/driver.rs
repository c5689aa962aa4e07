//! The driver: one task that owns the engine's endpoint, feeds it what the
//! transports receive, runs its timers, and routes what it sends — UDP to
//! the socket, TCP to the connection for that peer (the one the request
//! came in on).
//!
//! One task means the endpoint needs no lock. It reads the UDP socket
//! itself, in batches, so a datagram reaches the endpoint without a hop
//! between threads (the hop cost more than the answer); when it falls
//! behind, datagrams wait in the kernel's buffer and are dropped there.
//! The socket is watched for reading only: watched for writing too, the
//! thread was woken each time a peer read what it had been sent. A send
//! the socket's buffer cannot take is dropped, as UDP may, and the
//! transaction retransmits it.
//! TCP connections and the change feed talk to it over a bounded channel:
//! TCP readers wait when it is full, which pushes back on the sender; a
//! TCP peer that does not read its answers loses them rather than growing
//! a queue.

use super::{may_send_to, now_unix, trace};
use crate::allocator;
use crate::calls::CallReport;
use crate::guard::{self, SecurityChange};
use crate::metrics::Metrics;
use crate::registrar::{self, AccountChange, BindingsReport};
use crate::relay::Relay;
use crate::trunk_reports::TrunkReport;
use bytes::Bytes;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use switchboard_engine::{Alarm, Endpoint, MediaEvent, Notice, RecordAction, Transport};
use switchboard_sip::{Message, ParseError};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::sync::mpsc;

/// The SIP UDP socket, watched for reading only.
type UdpSocket = AsyncFd<std::net::UdpSocket>;

/// What transports tell the driver.
pub enum Inbound {
    Stream {
        message: Result<Message, ParseError>,
        source: SocketAddr,
    },
    Connected {
        peer: SocketAddr,
        writer: mpsc::Sender<Bytes>,
    },
    Disconnected {
        peer: SocketAddr,
    },
    /// A connection to a provider could not be opened.
    ConnectFailed {
        peer: SocketAddr,
    },
    /// An extension's credentials changed.
    Account(AccountChange),
    /// A ban, or the allow and block lists, changed.
    Security(SecurityChange),
    /// End call `call` (as the API names it), asked for by `by`.
    HangUp {
        call: String,
        by: String,
    },
    /// Ask the phone of call `call` (one Switchboard answered) to call
    /// `to` instead.
    Transfer {
        call: String,
        to: String,
    },
    /// Mailbox `mailbox` holds `new` messages not heard and `old` heard:
    /// its phones' lamps must say so.
    Waiting {
        mailbox: String,
        new: u32,
        old: u32,
    },
    /// Put call `call` (one Switchboard answered) through to `to`.
    Connect {
        call: String,
        to: switchboard_engine::call::plan::Target,
    },
    /// The call flows changed (ring groups, IVRs, schedules).
    Plan(switchboard_engine::call::plan::Plan),
    /// The trunks, DIDs, outbound rules or their addresses changed.
    Network(switchboard_engine::trunk::Network),
    /// The name of inbound call `id`'s caller, as the CRM gave it.
    CallerName {
        id: u64,
        name: Option<String>,
    },
    /// Start, pause, resume or stop recording call `call`.
    Recording {
        call: String,
        action: switchboard_service::RecordAction,
    },
    /// Shut down: refuse new calls (503, Retry-After `retry_after`), let
    /// the calls in progress go on for up to `grace`, then end them with
    /// BYE, and stop once those had time to arrive.
    Stop {
        grace: Duration,
        retry_after: u32,
    },
}

/// Handle for transports to reach the driver.
pub type DriverTx = mpsc::Sender<Inbound>;

/// Messages waiting for the driver before TCP readers wait.
pub const QUEUE: usize = 4096;

/// Datagrams read in one go before timers and the channel get a turn.
const UDP_BATCH: usize = 256;

/// How long the driver goes on after ending calls at shutdown, so their
/// BYEs are retransmitted (UDP) and answered.
const LINGER: Duration = Duration::from_secs(2);

/// How often the thread returns the memory it freed to the system.
const GIVE_BACK_EVERY: Duration = Duration::from_secs(1);

/// Answers waiting for one TCP peer before further ones are dropped.
pub const PEER_QUEUE: usize = 256;

/// Where the driver sends what it learns.
pub struct Outlets {
    /// Registration changes, to be kept.
    pub registrations: mpsc::UnboundedSender<Vec<BindingsReport>>,
    /// The guard's alarms.
    pub alarms: mpsc::UnboundedSender<Alarm>,
    /// The endpoint's counters.
    pub metrics: Metrics,
    /// Carries out the engine's media orders.
    pub relay: Relay,
    /// What the relay reports back.
    pub media_events: mpsc::UnboundedReceiver<MediaEvent>,
    /// Calls that started, changed or ended, to be kept.
    pub calls: mpsc::UnboundedSender<Vec<CallReport>>,
    /// Trunks' states and the capacity record, to be kept.
    pub trunks: mpsc::UnboundedSender<crate::trunk_reports::TrunkReport>,
    /// Callers' names to look up: the call and the URL to ask.
    pub lookups: mpsc::UnboundedSender<(u64, String)>,
    /// The driver itself, for the connections it opens to report to.
    pub own: DriverTx,
}

/// Starts the driver on a thread of its own, with a single-threaded
/// runtime: the SIP path never waits for, or wakes, another thread (on
/// tokio's shared workers each idle wake-up cost more than a REGISTER).
/// It runs until every sender of `rx` is gone.
pub fn spawn(
    endpoint: Endpoint,
    rx: mpsc::Receiver<Inbound>,
    udp: Option<std::net::UdpSocket>,
    outlets: Outlets,
    sip_trace: bool,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("sip".into())
        .spawn(move || {
            runtime.block_on(async move {
                let watch = |socket: std::net::UdpSocket| {
                    socket.set_nonblocking(true)?;
                    // SAFETY: the socket owns its descriptor, which stays
                    // open and the same until the AsyncFd drops it; it is
                    // never swapped through `get_mut`.
                    unsafe { UdpSocket::register_with_interest(socket, Interest::READABLE) }
                        .map_err(|e| e.into_parts().1)
                };
                let udp = match udp.map(watch).transpose() {
                    Ok(udp) => udp,
                    Err(e) => {
                        tracing::error!("udp: {e}");
                        return;
                    }
                };
                run(endpoint, rx, udp, outlets, sip_trace).await
            })
        })?;
    Ok(())
}

async fn run(
    mut endpoint: Endpoint,
    mut rx: mpsc::Receiver<Inbound>,
    udp: Option<UdpSocket>,
    outlets: Outlets,
    sip_trace: bool,
) {
    let Outlets {
        registrations,
        alarms,
        metrics,
        mut relay,
        mut media_events,
        calls,
        trunks,
        lookups,
        own,
    } = outlets;
    // Messages for providers whose connection is being opened.
    let mut connecting: HashMap<SocketAddr, Vec<Bytes>> = HashMap::new();
    let mut connections: HashMap<SocketAddr, mpsc::Sender<Bytes>> = HashMap::new();
    let mut buf = vec![0u8; 65_535];
    // Shutting down: when the calls in progress are ended, and when the
    // driver stops.
    let mut stop_at: Option<Instant> = None;
    let mut exit_at: Option<Instant> = None;
    let mut given_back = Instant::now();
    loop {
        let deadline = [endpoint.poll_timeout(), stop_at, exit_at]
            .into_iter()
            .flatten()
            .min();
        let inbound = tokio::select! {
            m = rx.recv() => match m {
                Some(m) => Wake::Inbound(m),
                None => return,
            },
            r = readable(udp.as_ref()), if udp.is_some() => match r {
                Ok(()) => Wake::Udp,
                Err(e) => {
                    tracing::warn!("udp: {e}");
                    continue;
                }
            },
            Some(event) = media_events.recv() => Wake::Media(event),
            _ = sleep_until(deadline), if deadline.is_some() => Wake::Timer,
        };
        let now = Instant::now();
        match inbound {
            Wake::Timer => endpoint.handle_timeout(now, now_unix()),
            Wake::Media(event) => endpoint.handle_media_event(now, now_unix(), event),
            Wake::Udp => {
                let Some(socket) = &udp else { continue };
                let now_unix = now_unix();
                for _ in 0..UDP_BATCH {
                    let received = socket.try_io(Interest::READABLE, |s| s.recv_from(&mut buf));
                    let (n, source) = match received {
                        Ok(r) => r,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) => {
                            tracing::debug!("udp receive: {e}");
                            continue;
                        }
                    };
                    let bytes = Bytes::copy_from_slice(&buf[..n]);
                    trace(sip_trace, "recv", &source, "udp", &bytes);
                    endpoint.handle_datagram(now, now_unix, bytes, source);
                }
            }
            Wake::Inbound(Inbound::Stream { message, source }) => {
                if let (true, Ok(m)) = (sip_trace, &message) {
                    trace(true, "recv", &source, "tcp", &m.to_bytes());
                }
                endpoint.handle_message(now, now_unix(), message, source, Transport::Tcp);
            }
            Wake::Inbound(Inbound::Connected { peer, writer }) => {
                for bytes in connecting.remove(&peer).unwrap_or_default() {
                    trace(sip_trace, "send", &peer, "tcp", &bytes);
                    let _ = writer.try_send(bytes);
                }
                connections.insert(peer, writer);
            }
            Wake::Inbound(Inbound::ConnectFailed { peer }) => {
                if let Some(lost) = connecting.remove(&peer) {
                    tracing::info!("{} messages to {peer} not sent: no connection", lost.len());
                }
            }
            Wake::Inbound(Inbound::Disconnected { peer }) => {
                connections.remove(&peer);
            }
            Wake::Inbound(Inbound::Account(change)) => registrar::apply(&mut endpoint, change),
            Wake::Inbound(Inbound::Security(change)) => guard::apply(&mut endpoint, change),
            Wake::Inbound(Inbound::HangUp { call, by }) => {
                endpoint.hang_up(now, now_unix(), &call, &by);
            }
            Wake::Inbound(Inbound::Transfer { call, to }) => {
                endpoint.transfer(now, now_unix(), &call, &to);
            }
            Wake::Inbound(Inbound::Connect { call, to }) => {
                endpoint.connect(now, now_unix(), &call, to);
            }
            Wake::Inbound(Inbound::Plan(plan)) => endpoint.set_plan(plan),
            Wake::Inbound(Inbound::Network(network)) => {
                endpoint.set_network(now, now_unix(), network);
            }
            Wake::Inbound(Inbound::CallerName { id, name }) => {
                endpoint.caller_named(now, now_unix(), id, name);
            }
            Wake::Inbound(Inbound::Waiting { mailbox, new, old }) => {
                endpoint.set_waiting(now, now_unix(), &mailbox, new, old);
            }
            Wake::Inbound(Inbound::Recording { call, action }) => {
                use switchboard_service::RecordAction as A;
                let action = match action {
                    A::Start => RecordAction::Start,
                    A::Pause => RecordAction::Pause,
                    A::Resume => RecordAction::Resume,
                    A::Stop => RecordAction::Stop,
                };
                if !endpoint.recording(&call, action) {
                    tracing::info!("recording of call {call}: nothing to {action:?}");
                }
            }
            Wake::Inbound(Inbound::Stop { grace, retry_after }) => {
                endpoint.stop_taking_calls(retry_after);
                let at = now + grace;
                stop_at = Some(stop_at.map_or(at, |s| s.min(at)));
            }
        }
        if let Some(at) = stop_at {
            if endpoint.active_calls() == 0 || at <= now {
                let calls = endpoint.active_calls();
                if calls > 0 {
                    tracing::info!("ending {calls} calls still in progress");
                    endpoint.end_all_calls(now, now_unix(), "server stopping");
                }
                stop_at = None;
                exit_at = Some(now + if calls > 0 { LINGER } else { Duration::ZERO });
            }
        }
        metrics.set(endpoint.counters());
        let mut reports = Vec::new();
        let mut call_reports = Vec::new();
        while let Some(notice) = endpoint.poll_notice() {
            match notice {
                Notice::Bindings {
                    extension,
                    bindings,
                    changed,
                } => reports.push(BindingsReport {
                    extension,
                    bindings,
                    changed,
                }),
                Notice::AuthenticationFailed { source, user } => {
                    tracing::info!(target: "security", "authentication failed for {user:?} from {source}");
                }
                Notice::Security(alarm) => {
                    let _ = alarms.send(alarm);
                }
                Notice::Media(order) => relay.order(order),
                Notice::CallChanged(call) => call_reports.push(CallReport::Changed(call)),
                Notice::CallEnded(record) => call_reports.push(CallReport::Ended(record)),
                Notice::GroupAnswered { group, member, at } => {
                    call_reports.push(CallReport::GroupAnswered(group, member, at))
                }
                Notice::TrunkChanged { name, state } => {
                    let _ = trunks.send(TrunkReport::Changed { name, state });
                }
                Notice::ExternalCalls { active } => {
                    let _ = trunks.send(TrunkReport::External { active });
                }
                Notice::CapacityRefused { inbound } => {
                    let _ = trunks.send(TrunkReport::Refused { inbound });
                }
                Notice::CallerLookup { id, url } => {
                    let _ = lookups.send((id, url));
                }
            }
        }
        if !reports.is_empty() {
            let _ = registrations.send(reports);
        }
        if !call_reports.is_empty() {
            let _ = calls.send(call_reports);
        }
        relay.flush();
        while let Some(t) = endpoint.poll_transmit() {
            if !may_send_to(&t.destination) {
                tracing::warn!("refusing to send to {}", t.destination);
                continue;
            }
            match t.transport {
                Transport::Udp => {
                    let Some(socket) = &udp else { continue };
                    trace(sip_trace, "send", &t.destination, "udp", &t.bytes);
                    if let Err(e) = socket.get_ref().send_to(&t.bytes, t.destination) {
                        tracing::debug!("udp send to {}: {e}", t.destination);
                    }
                }
                _ => match connections.get(&t.destination) {
                    Some(writer) => {
                        trace(sip_trace, "send", &t.destination, "tcp", &t.bytes);
                        if writer.try_send(t.bytes).is_err() {
                            tracing::debug!("tcp {} is not reading; answer dropped", t.destination);
                        }
                    }
                    None if endpoint.dials(t.destination) => {
                        let waiting = connecting.entry(t.destination).or_default();
                        if waiting.is_empty() {
                            super::tcp::connect(t.destination, own.clone());
                        }
                        waiting.push(t.bytes);
                    }
                    None => tracing::debug!("no connection to {} any more", t.destination),
                },
            }
        }
        if exit_at.is_some_and(|at| at <= now) {
            return;
        }
        // The endpoint's housekeeping wakes this thread every second.
        if now.duration_since(given_back) >= GIVE_BACK_EVERY {
            allocator::give_back();
            given_back = now;
        }
    }
}

/// Why the driver woke.
enum Wake {
    Inbound(Inbound),
    Udp,
    Media(MediaEvent),
    Timer,
}

/// Waits until the socket may be read; what was read clears that
/// (`try_io` sees the socket run dry).
async fn readable(socket: Option<&UdpSocket>) -> std::io::Result<()> {
    match socket {
        Some(s) => s.readable().await.map(drop),
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(d) = deadline {
        tokio::time::sleep_until(d.into()).await;
    }
}
