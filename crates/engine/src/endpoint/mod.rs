//! The SIP endpoint: the transaction layer, and the response each new
//! request is owed (RFC 3261 §8.2) before any PBX feature exists.
//! Retransmissions, ACKs for non-2xx answers and timers are the transaction
//! layer's; this module decides the answers.
//!
//! - A request that does not parse gets 400 naming the problem, when a
//!   response can be formed; a response that does not parse is dropped.
//! - OPTIONS gets 200 with Allow, Accept and Supported.
//! - REGISTER is authenticated by digest (401 challenges offering SHA-256
//!   and MD5) against the extensions' credentials, then handed to the
//!   [registrar](crate::registrar). A wrong password and an unknown user
//!   get the same challenge after the same work, so answers do not tell
//!   which extensions exist. REGISTER is answered statelessly: no
//!   transaction is kept for it, so a registrar under thousands of phones
//!   holds no 32-second Timer J state per refresh.
//! - INVITE is authenticated by a proxy challenge (407) and starts a call
//!   between extensions (`calls.rs`), or to a number Switchboard answers
//!   itself (`services.rs`: the test numbers, voicemail and its menu);
//!   requests inside a call's dialogs go to it. Where a call the callee
//!   does not take goes is `forwarding.rs`'s.
//! - SUBSCRIBE to `message-summary` is authenticated (407) and lights the
//!   phone's message-waiting lamp (`mwi.rs`). MESSAGE and REFER outside
//!   a dialog get a 407: those features do not exist yet.
//! - Requests that only make sense inside a dialog get 481; ACK gets
//!   nothing. CANCEL gets 200 when it matches an INVITE transaction (whose
//!   answer, a challenge, has already gone) and 481 when it matches none.
//! - A request whose top Via cannot be parsed gets its 400 statelessly,
//!   since no transaction can be keyed on it.

use crate::call::{CallConfig, CallRecord, Calls, LiveCall, MediaOrder, PortPool};
use crate::registrar::{Account, Arrival, Binding, Registrar, RegistrarConfig};
use crate::security::{Alarm, Ban, Dropped, Guard, SecurityConfig};
mod calls;
mod connect;
mod flows;
mod forwarding;
mod keepalive;
mod mid_call;
mod mwi;
mod qualify;
mod recording;
mod services;
mod session_timer;
mod trunk_auth;
mod trunk_calls;
mod trunk_registration;

pub(crate) use services::ServiceCall;
pub use services::{Forced, Service};

use bytes::Bytes;
use ipnet::IpNet;
use keepalive::KeepAlive;
use qualify::Probe;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::collections::VecDeque;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use switchboard_sip::digest::{Algorithm, Challenge, Credentials, NonceStatus, Nonces, Scheme};
use switchboard_sip::transaction::{self, Event, Input, Output, TransactionKey, TransactionLayer};
use switchboard_sip::uas::{self, Capabilities};
use switchboard_sip::{parse, HeaderName, Message, Method, ParseError, Request, Response, Text};

pub use switchboard_sip::transaction::Transport;

/// Bytes to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub destination: SocketAddr,
    pub transport: Transport,
    pub bytes: Bytes,
}

/// Settings of the endpoint.
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    /// Realm of digest challenges.
    pub realm: String,
    /// Secret keying the nonces (the node secret).
    pub secret: [u8; 32],
    /// Seconds a nonce stays fresh.
    pub nonce_lifetime: u64,
    /// The digest algorithms offered, one challenge each, in this order
    /// (RFC 8760: the preferred first; some phones read only the first).
    pub digest_algorithms: Vec<Algorithm>,
    /// Value of the Server header.
    pub server_name: String,
    /// Transaction timers and broadcast addresses.
    pub transactions: transaction::Config,
    /// Registration limits.
    pub registrar: RegistrarConfig,
    /// Bans, lists and rate limits.
    pub security: SecurityConfig,
    /// Ring time, media ports and codecs.
    pub calls: CallConfig,
}

/// What the endpoint tells the binary, besides what to send.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// An extension's registered contacts changed or were refreshed; these
    /// are all of them now (none: unregistered). `changed` is false for a
    /// plain refresh: the same phones, later expiry.
    Bindings {
        extension: String,
        bindings: Vec<Binding>,
        changed: bool,
    },
    /// Digest credentials failed: a wrong password, or a user that does
    /// not exist.
    AuthenticationFailed { source: SocketAddr, user: String },
    /// The guard banned an address, or has something else to report.
    Security(Alarm),
    /// For the media relay.
    Media(MediaOrder),
    /// A call started or changed (answered, say).
    CallChanged(LiveCall),
    /// A call ended; its record.
    CallEnded(CallRecord),
    /// Member `member` of ring group `group` answered at `at` (Unix
    /// seconds): to keep, for the order of round robin.
    GroupAnswered {
        group: String,
        member: String,
        at: u64,
    },
    /// A trunk's registration or reachability changed.
    TrunkChanged {
        name: String,
        state: crate::trunk::TrunkState,
    },
    /// The number of external calls (through a trunk) changed.
    ExternalCalls { active: u32 },
    /// A new external call was refused at the capacity plan's limit.
    CapacityRefused { inbound: bool },
    /// Ask `url` for the name of an inbound caller; the answer goes to
    /// [`Endpoint::caller_named`] with `id`.
    CallerLookup { id: u64, url: String },
}

/// What the endpoint has counted, for metrics. Totals only grow; the
/// last three are the state at the last sweep (once a second).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Messages that passed the guard.
    pub received: u64,
    pub dropped_blocked: u64,
    pub dropped_banned: u64,
    pub dropped_rate_limited: u64,
    pub authentication_failures: u64,
    pub bans: u64,
    /// REGISTERs answered 200.
    pub registrations: u64,
    pub contacts: u64,
    pub unreachable_contacts: u64,
    pub banned_addresses: u64,
    /// Calls that ended.
    pub calls: u64,
    pub active_calls: u64,
}

/// How often expired registrations are swept out.
const HOUSEKEEPING: Duration = Duration::from_secs(1);

/// HA1 values verified against when the user does not exist, so the answer
/// costs the same work as for a wrong password.
const DECOY_MD5: &str = "00000000000000000000000000000000";
const DECOY_SHA256: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The SIP endpoint: the transaction layer and what answers its requests.
/// Sans-I/O like the layers below it: messages and the time go in,
/// transmits come out of [`Endpoint::poll_transmit`].
pub struct Endpoint {
    layer: TransactionLayer,
    caps: Capabilities,
    nonces: Nonces,
    config: EndpointConfig,
    rng: StdRng,
    outbox: VecDeque<Transmit>,
    registrar: Registrar,
    guard: Guard,
    notices: VecDeque<Notice>,
    next_housekeeping: Option<Instant>,
    probes: HashMap<TransactionKey, Probe>,
    counters: Counters,
    calls: Calls,
    /// Calls Switchboard answered itself.
    services: services::ServiceCalls,
    /// Message-waiting lamps: each box's counts, and who subscribed.
    lamps: mwi::Lamps,
    ports: PortPool,
    /// Wall-clock seconds of the latest input.
    clock_unix: u64,
    /// The call flows: ring groups, IVRs, schedules.
    plan: crate::call::plan::Plan,
    /// Who of each ring group answered last.
    answers: crate::call::plan::Answers,
    /// Shutting down: new calls get 503, with this Retry-After (seconds).
    stopping: Option<u32>,
    /// Trunks, outbound rules, DIDs and the capacity plan.
    network: crate::trunk::Network,
    /// The trunks' registrations and reachability.
    lines: trunk_registration::TrunkLines,
    /// When each extension started its outbound calls in the last hour.
    outbound_starts: HashMap<String, VecDeque<u64>>,
    /// External calls now, as last reported.
    external_calls: u32,
    /// Inbound calls waiting for their caller's name.
    lookups: HashMap<u64, trunk_calls::Lookup>,
}

/// The methods Switchboard implements.
pub fn capabilities() -> Capabilities {
    Capabilities {
        allow: vec![
            Method::Invite,
            Method::Ack,
            Method::Bye,
            Method::Cancel,
            Method::Options,
            Method::Register,
            Method::Prack,
            Method::Subscribe,
            Method::Notify,
            Method::Refer,
            Method::Info,
            Method::Update,
            Method::Message,
        ],
        supported: vec!["timer"],
        accept: vec![
            "application/sdp",
            "multipart/mixed",
            "multipart/alternative",
            // Keys by SIP INFO, in calls Switchboard answers.
            "application/dtmf-relay",
            "application/dtmf",
        ],
        schemes: vec!["sip", "sips", "tel"],
    }
}

impl Endpoint {
    /// An endpoint; `seed` seeds the branches, tags and nonce salts it
    /// makes.
    pub fn new(config: EndpointConfig, seed: u64) -> Endpoint {
        Endpoint {
            layer: TransactionLayer::new(
                transaction::Config {
                    stateless: vec![Method::Register],
                    ..config.transactions.clone()
                },
                seed,
            ),
            caps: capabilities(),
            nonces: Nonces::new(config.secret),
            rng: StdRng::seed_from_u64(seed.rotate_left(32) ^ 0x5b0a_4d5e),
            outbox: VecDeque::new(),
            registrar: Registrar::new(config.registrar.clone()),
            guard: Guard::new(config.security.clone()),
            notices: VecDeque::new(),
            next_housekeeping: None,
            probes: HashMap::new(),
            counters: Counters::default(),
            calls: Calls::default(),
            services: Default::default(),
            lamps: Default::default(),
            ports: PortPool::new(config.calls.rtp_port_min, config.calls.rtp_port_max),
            clock_unix: 0,
            plan: Default::default(),
            answers: Default::default(),
            stopping: None,
            network: Default::default(),
            lines: Default::default(),
            outbound_starts: HashMap::new(),
            external_calls: 0,
            lookups: HashMap::new(),
            config,
        }
    }

    /// Adds or replaces the credentials of an extension. Its secret is
    /// hashed for the realm and not kept.
    pub fn set_account(&mut self, number: &str, auth_name: &str, secret: &str, enabled: bool) {
        let account = Account::new(number, auth_name, secret, enabled, &self.config.realm);
        self.registrar.directory.upsert(account);
        if !enabled {
            self.unregister(number);
        }
    }

    /// How many calls extension `number` may be in at once (0: the
    /// configured default); set after [`set_account`](Endpoint::set_account).
    pub fn set_call_limit(&mut self, number: &str, limit: u32) {
        self.registrar.directory.set_call_limit(number, limit);
    }

    /// Sets whether extension `number`'s calls are recorded.
    pub fn set_recording(&mut self, number: &str, recording: crate::call::Recording) {
        self.registrar.directory.set_recording(number, recording);
    }

    /// Sets where extension `number`'s calls go when it does not take
    /// them.
    pub fn set_forwarding(
        &mut self,
        number: &str,
        forwarding: crate::call::forwarding::Forwarding,
    ) {
        self.registrar.directory.set_forwarding(number, forwarding);
    }

    /// Sets what extension `number` may do through the trunks.
    pub fn set_outbound(&mut self, number: &str, outbound: crate::registrar::Outbound) {
        self.registrar.directory.set_outbound(number, outbound);
    }

    /// Forgets an extension, and its registrations.
    pub fn remove_account(&mut self, number: &str) {
        self.registrar.directory.remove(number);
        self.unregister(number);
    }

    fn unregister(&mut self, number: &str) {
        if self.registrar.location.clear(number) {
            self.notices.push_back(Notice::Bindings {
                extension: number.to_owned(),
                bindings: Vec::new(),
                changed: true,
            });
        }
    }

    /// The extensions the endpoint has credentials for.
    pub fn account_numbers(&self) -> Vec<String> {
        self.registrar
            .directory
            .numbers()
            .map(str::to_owned)
            .collect()
    }

    /// Puts back registrations kept from before a restart.
    pub fn restore_bindings(&mut self, extension: &str, bindings: Vec<Binding>) {
        self.registrar.location.restore(extension, bindings);
    }

    /// The registered contacts of an extension.
    pub fn bindings(&self, extension: &str) -> &[Binding] {
        self.registrar.location.bindings(extension)
    }

    /// Replaces the allow and block lists.
    pub fn set_address_lists(&mut self, allow: Vec<IpNet>, block: Vec<IpNet>) {
        self.guard.set_lists(allow, block);
    }

    /// Bans an address (a ban made elsewhere).
    pub fn ban(&mut self, address: IpAddr, ban: Ban) {
        self.guard.ban(address, ban);
    }

    /// Lifts a ban; true when there was one.
    pub fn unban(&mut self, address: IpAddr) -> bool {
        self.guard.unban(address)
    }

    /// What the endpoint has counted.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Whether a message from `source` is looked at at all.
    fn admit(&mut self, source: SocketAddr, now: Instant, now_unix: u64, response: bool) -> bool {
        let verdict = if response {
            self.guard.admit_response(source.ip(), now_unix)
        } else {
            self.guard.admit(source.ip(), now, now_unix)
        };
        let c = &mut self.counters;
        match verdict {
            Ok(()) => c.received += 1,
            Err(Dropped::Blocked) => c.dropped_blocked += 1,
            Err(Dropped::Banned) => c.dropped_banned += 1,
            Err(Dropped::RateLimited) => c.dropped_rate_limited += 1,
        }
        match verdict {
            Ok(()) => true,
            Err(Dropped::RateLimited) => {
                if self.guard.report_rate_limit(source.ip()) {
                    self.notices.push_back(Notice::Security(Alarm::RateLimited {
                        address: source.ip(),
                    }));
                }
                false
            }
            Err(Dropped::Banned | Dropped::Blocked) => false,
        }
    }

    /// The next notice for the binary, if any.
    pub fn poll_notice(&mut self) -> Option<Notice> {
        self.notices.pop_front()
    }

    /// Handles one datagram received from `source`. `now` drives the
    /// transaction timers; `now_unix` (wall-clock seconds) the nonces.
    /// Keep-alives are answered here: STUN Binding requests get their
    /// response, bare CRLFs nothing.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        now_unix: u64,
        bytes: Bytes,
        source: SocketAddr,
    ) {
        if !self.admit(source, now, now_unix, bytes.starts_with(b"SIP/2.0 ")) {
            return;
        }
        match keepalive::recognise(&bytes, source) {
            None => self.receive(now, now_unix, parse(bytes), source, Transport::Udp),
            Some(KeepAlive::Crlf) => {}
            Some(KeepAlive::Stun(answer)) => self.outbox.push_back(Transmit {
                destination: source,
                transport: Transport::Udp,
                bytes: answer.into(),
            }),
        }
    }

    /// Handles a message already framed and parsed (stream transports).
    pub fn handle_message(
        &mut self,
        now: Instant,
        now_unix: u64,
        message: Result<Message, ParseError>,
        source: SocketAddr,
        transport: Transport,
    ) {
        let response = matches!(message, Ok(Message::Response(_)));
        if self.admit(source, now, now_unix, response) {
            self.receive(now, now_unix, message, source, transport);
        }
    }

    fn receive(
        &mut self,
        now: Instant,
        now_unix: u64,
        message: Result<Message, ParseError>,
        source: SocketAddr,
        transport: Transport,
    ) {
        match message {
            Ok(message) => self.layer.handle_input(
                now,
                Input::Received {
                    message,
                    source,
                    transport,
                },
            ),
            Err(err) => {
                let tag = self.tag();
                if let Some(r) = uas::reject_unparsable(&err, &tag) {
                    self.send_stateless(r, source, transport);
                }
            }
        }
        self.drain(now, now_unix);
    }

    /// Answers a request that has no transaction: one answered
    /// statelessly (REGISTER), or one whose top Via is unusable (straight
    /// back to where it came from).
    fn send_stateless(
        &mut self,
        response: Response,
        destination: SocketAddr,
        transport: Transport,
    ) {
        let bytes = Message::from(self.finish(response)).to_bytes().into();
        self.outbox.push_back(Transmit {
            destination,
            transport,
            bytes,
        });
    }

    /// Tells the endpoint that `now` has come (see [`Endpoint::poll_timeout`]).
    pub fn handle_timeout(&mut self, now: Instant, now_unix: u64) {
        self.layer.handle_timeout(now);
        self.drain(now, now_unix);
    }

    /// When [`Endpoint::handle_timeout`] must be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match (self.layer.poll_timeout(), self.next_housekeeping) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Sweeps out expired registrations, once a second.
    fn housekeeping(&mut self, now: Instant, now_unix: u64) {
        if self.next_housekeeping.is_some_and(|t| now < t) {
            return;
        }
        self.next_housekeeping = Some(now + HOUSEKEEPING);
        self.guard.sweep(now, now_unix);
        self.qualify(now, now_unix);
        self.call_timers(now);
        self.lamp_sweep(now, now_unix);
        self.trunk_sweep(now);
        self.lookup_sweep(now);
        self.layer.shrink();
        self.calls.shrink();
        switchboard_sip::sparse::shrink_queue(&mut self.outbox);
        switchboard_sip::sparse::shrink_queue(&mut self.notices);
        let (contacts, unreachable) = self.registrar.location.census();
        self.counters.contacts = contacts;
        self.counters.unreachable_contacts = unreachable;
        self.counters.banned_addresses = self.guard.bans(now_unix).count() as u64;
        for extension in self.registrar.location.expire(now_unix) {
            let bindings = self.registrar.location.bindings(&extension).to_vec();
            self.notices.push_back(Notice::Bindings {
                extension,
                bindings,
                changed: true,
            });
        }
    }

    /// The next bytes to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.outbox.pop_front()
    }

    /// Open transactions.
    pub fn transactions(&self) -> usize {
        self.layer.len()
    }

    /// Acts on everything the transaction layer produced.
    fn drain(&mut self, now: Instant, now_unix: u64) {
        self.clock_unix = now_unix;
        self.housekeeping(now, now_unix);
        while let Some(output) = self.layer.poll_output() {
            match output {
                Output::Transmit(t) => self.outbox.push_back(Transmit {
                    destination: t.destination,
                    transport: t.transport,
                    bytes: t.bytes,
                }),
                Output::Event(Event::Request {
                    key,
                    request,
                    source,
                    transport,
                }) => {
                    let arrival = Arrival::new(source, transport, now_unix);
                    self.request(now, key, request, &arrival);
                }
                Output::Event(Event::Cancel {
                    key,
                    invite,
                    request,
                    ..
                }) => {
                    let tag = self.tag();
                    let code = if invite.is_some() { 200 } else { 481 };
                    self.respond(now, &key, Response::to(&request, code, Some(&tag)));
                    if let Some(invite) = invite {
                        self.caller_cancelled(now, &invite);
                    }
                }
                Output::Event(Event::Stateless {
                    request,
                    source,
                    transport,
                    destination,
                }) => {
                    let arrival = Arrival::new(source, transport, now_unix);
                    let tag = self.tag();
                    let answer = match uas::inspect(&request, &self.caps, &tag) {
                        Err(rejection) => Some(rejection),
                        Ok(()) => self.answer(&request, &arrival),
                    };
                    if let Some(r) = answer {
                        self.send_stateless(r, destination, transport);
                    }
                }
                Output::Event(Event::Unkeyable {
                    request,
                    source,
                    transport,
                    reason,
                }) => {
                    if request.method != Method::Ack
                        && request.headers.get(&HeaderName::Via).is_some()
                    {
                        let tag = self.tag();
                        let r = Response::to(&request, 400, Some(&tag))
                            .with_reason(format!("Bad Request ({reason})"));
                        self.send_stateless(r, source, transport);
                    }
                }
                Output::Event(Event::Ack { request, .. }) => self.caller_ack(now, &request),
                Output::Event(Event::Response { key, response }) => {
                    let code = response.code;
                    if !self.register_answered(now, &key, &response)
                        && !self.trunk_probe_answered(&key, code)
                        && !self.lamp_answered(&key, code)
                        && !self.refer_answered(now, &key, &response)
                        && !self.mid_call_response(now, &key, &response)
                        && !self.refresh_response(now, &key, &response)
                        && !self.branch_response(now, &key, response)
                        && code >= 200
                    {
                        self.probe_answered(&key, now)
                    }
                }
                Output::Event(Event::Timeout { key } | Event::TransportError { key }) => {
                    if !self.register_unanswered(now, &key)
                        && !self.trunk_probe_failed(&key)
                        && !self.lamp_unanswered(&key)
                        && !self.refer_failed(now, &key)
                        && !self.branch_timed_out(now, &key)
                        && !self.mid_call_timed_out(now, &key)
                        && !self.refresh_timed_out(now, &key)
                    {
                        self.probe_failed(&key)
                    }
                }
                Output::Event(Event::Terminated { key }) => {
                    if !self.mid_call_ended(&key) && !self.refresh_ended(&key) {
                        self.probe_ended(&key)
                    }
                }
                Output::Event(_) => {}
            }
        }
    }

    /// A request that started a server transaction: a new call, a request
    /// inside one, or one the endpoint answers itself.
    fn request(&mut self, now: Instant, key: TransactionKey, request: Request, arrival: &Arrival) {
        if request.method == Method::Ack {
            return;
        }
        let tag = self.tag();
        if let Err(rejection) = uas::inspect(&request, &self.caps, &tag) {
            return self.respond(now, &key, rejection);
        }
        let in_dialog = request.headers.to().is_ok_and(|t| t.tag().is_some());
        if in_dialog && self.in_dialog(now, &key, &request) {
            return;
        }
        if let (Method::Invite, Some(retry_after)) = (&request.method, self.stopping) {
            let mut r = Response::to(&request, 503, Some(&tag))
                .with_reason("Service Unavailable (shutting down)".to_owned());
            r.headers
                .push(HeaderName::RetryAfter, retry_after.to_string());
            return self.respond(now, &key, r);
        }
        if request.method == Method::Subscribe {
            if in_dialog && self.resubscribe(now, &key, &request, arrival.now) {
                return;
            }
            match self.authenticate(&request, arrival, &HeaderName::ProxyAuthorization) {
                Ok(_) if in_dialog => {
                    let r = Response::to(&request, 481, Some(&tag));
                    self.respond(now, &key, r);
                }
                Ok(account) => self.subscribe(now, key, request, arrival, account),
                Err(stale) => {
                    let r = self.challenge(&request, 407, stale, arrival.now, &tag);
                    self.respond(now, &key, r);
                }
            }
            return;
        }
        if request.method == Method::Invite && !in_dialog {
            if let Some(trunk) = self.trunk_sending(arrival) {
                // A trunk is trusted by its address: no challenge.
                return self.inbound_from_trunk(now, key, request, arrival, trunk);
            }
        }
        if request.method == Method::Invite {
            // Credentials first, then the dialog: a stranger learns nothing
            // about which dialogs exist.
            match self.authenticate(&request, arrival, &HeaderName::ProxyAuthorization) {
                Ok(_) if in_dialog => {
                    let r = Response::to(&request, 481, Some(&tag));
                    self.respond(now, &key, r);
                }
                Ok(account) => self.start_call(now, key, request, arrival, account),
                Err(stale) => {
                    let r = self.challenge(&request, 407, stale, arrival.now, &tag);
                    self.respond(now, &key, r);
                }
            }
            return;
        }
        if let Some(r) = self.answer(&request, arrival) {
            self.respond(now, &key, r);
        }
    }

    fn respond(&mut self, now: Instant, key: &TransactionKey, response: Response) {
        let response = self.finish(response);
        // The transaction was just created by the request being answered,
        // so it exists; an error here would mean it already ended, and
        // there is nobody left to tell.
        let _ = self.layer.send_response(now, key, response);
    }

    /// The response a request that passed `uas::inspect` gets, if any.
    fn answer(&mut self, req: &Request, arrival: &Arrival) -> Option<Response> {
        let now_unix = arrival.now;
        if req.method == Method::Ack {
            return None;
        }
        let tag = self.tag();
        Some(match &req.method {
            Method::Options => {
                let mut r = Response::to(req, 200, Some(&tag));
                r.headers.push(HeaderName::Allow, self.caps.allow_header());
                r.headers
                    .push(HeaderName::Accept, self.caps.accept_header());
                r.headers.push(HeaderName::AcceptEncoding, "identity");
                r.headers
                    .push(HeaderName::Supported, self.caps.supported_header());
                r
            }
            Method::Register => match self.authenticate(req, arrival, &HeaderName::Authorization) {
                Ok(account) => {
                    let (r, changed) = self.registrar.register(req, &account, arrival, &tag);
                    if r.code == 200 {
                        self.counters.registrations += 1;
                    }
                    if r.code == 200 && changed {
                        self.lamp_registered(&account.number);
                    }
                    if r.code == 200 && req.headers.get(&HeaderName::Contact).is_some() {
                        self.notices.push_back(Notice::Bindings {
                            bindings: self.registrar.location.bindings(&account.number).to_vec(),
                            extension: account.number,
                            changed,
                        });
                    }
                    r
                }
                Err(stale) => self.challenge(req, 401, stale, now_unix, &tag),
            },
            Method::Message | Method::Refer => {
                let stale = self.stale(req, &HeaderName::ProxyAuthorization, now_unix);
                self.challenge(req, 407, stale, now_unix, &tag)
            }
            _ => Response::to(req, 481, Some(&tag)),
        })
    }

    /// The account the request's credentials prove, or whether to say
    /// `stale=true` in the next challenge. Every failed attempt is noticed.
    fn authenticate(
        &mut self,
        req: &Request,
        arrival: &Arrival,
        credentials_header: &HeaderName,
    ) -> Result<Account, bool> {
        let mut stale = false;
        for value in req.headers.get_all(credentials_header) {
            let Ok(Scheme::Digest(c)) = Credentials::parse(value) else {
                continue;
            };
            if c.realm != self.config.realm {
                continue;
            }
            match self
                .nonces
                .check(&c.nonce, arrival.now, self.config.nonce_lifetime)
            {
                NonceStatus::Valid => {}
                NonceStatus::Stale => {
                    stale = true;
                    continue;
                }
                NonceStatus::Invalid => continue,
            }
            let method = req.method.as_str();
            let account = self.registrar.directory.by_auth_name(&c.username);
            let ha1 = match (account, c.algorithm) {
                (Some(a), algorithm) if !c.userhash => a.ha1(algorithm),
                (_, Algorithm::Md5 | Algorithm::Md5Sess) => DECOY_MD5,
                (_, Algorithm::Sha256 | Algorithm::Sha256Sess) => DECOY_SHA256,
            };
            let proven = c.verify_with_ha1(ha1, method, &req.body);
            match account {
                Some(account) if proven && !c.userhash => return Ok(account.clone()),
                _ => {
                    self.counters.authentication_failures += 1;
                    self.notices.push_back(Notice::AuthenticationFailed {
                        source: arrival.source,
                        user: c.username.clone(),
                    });
                    for alarm in self
                        .guard
                        .failed(arrival.source.ip(), &c.username, arrival.now)
                    {
                        if matches!(alarm, Alarm::Banned { .. }) {
                            self.counters.bans += 1;
                        }
                        self.notices.push_back(Notice::Security(alarm));
                    }
                }
            }
        }
        Err(stale)
    }

    /// Whether the request carried a nonce of ours that is too old.
    fn stale(&self, req: &Request, credentials_header: &HeaderName, now_unix: u64) -> bool {
        req.headers.get_all(credentials_header).any(|v| {
            matches!(Credentials::parse(v), Ok(Scheme::Digest(c))
                if self.nonces.check(&c.nonce, now_unix, self.config.nonce_lifetime) == NonceStatus::Stale)
        })
    }

    /// A digest challenge offering SHA-256 and MD5.
    fn challenge(
        &mut self,
        req: &Request,
        code: u16,
        stale: bool,
        now_unix: u64,
        tag: &str,
    ) -> Response {
        let challenge_header = if code == 401 {
            HeaderName::WwwAuthenticate
        } else {
            HeaderName::ProxyAuthenticate
        };
        let nonce = self.nonces.create(now_unix, self.rng.gen());
        let mut r = Response::to(req, code, Some(tag));
        for &algorithm in &self.config.digest_algorithms {
            let c = Challenge {
                stale,
                ..Challenge::new(&self.config.realm, &nonce, algorithm)
            };
            r.headers.push(challenge_header.clone(), c.to_string());
        }
        r
    }

    fn finish(&self, mut r: Response) -> Response {
        r.headers
            .push(HeaderName::Server, self.config.server_name.as_str());
        let length = r.headers.get_text(&HeaderName::ContentLength);
        r.headers.remove(&HeaderName::ContentLength);
        r.headers.push(
            HeaderName::ContentLength,
            length.unwrap_or(Text::from_static("0")),
        );
        r
    }

    fn tag(&mut self) -> String {
        format!("{:016x}", self.rng.gen::<u64>())
    }
}
