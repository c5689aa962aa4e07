//! Keeping trunks usable: registering with the providers that want it
//! (REGISTER answered by digest when challenged, refreshed before it
//! expires, retried after a failure with a growing wait) and asking each
//! qualified trunk with OPTIONS whether it is there. Every change of a
//! trunk's state is reported, and a trunk whose registration failed or
//! that stopped answering is skipped by outbound calls.

use super::trunk_auth::{credentials_header, digest_challenge};
use super::{Endpoint, Notice};
use crate::trunk::{Network, Trunk, TrunkState};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use switchboard_sip::digest::{Challenge, Credentials};
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::transaction::Transport;
use switchboard_sip::{HeaderName, Method, Request, Response, Uri};

/// Waits after the first, second … failed registration.
const BACKOFF: [u64; 6] = [15, 30, 60, 120, 300, 600];
/// How often a qualified trunk is asked.
const QUALIFY_EVERY: Duration = Duration::from_secs(30);
/// Unanswered OPTIONS in a row that mark a trunk down.
const MISSES_DOWN: u32 = 2;

/// A registration with one provider.
#[derive(Debug)]
pub(super) struct Registration {
    call_id: String,
    tag: String,
    cseq: u32,
    /// Seconds asked for (raised when the provider wants more).
    expires: u32,
    /// The REGISTER in flight, and how many challenges it answered.
    pending: Option<(TransactionKey, u8)>,
    /// When the next REGISTER goes (a refresh, or a retry).
    next: Instant,
    failures: usize,
}

/// What the endpoint keeps of the trunks besides their definitions.
#[derive(Debug, Default)]
pub(super) struct TrunkLines {
    pub states: HashMap<String, TrunkState>,
    registrations: HashMap<String, Registration>,
    /// REGISTER transactions → trunk.
    registers: HashMap<TransactionKey, String>,
    /// OPTIONS transactions → trunk.
    probes: HashMap<TransactionKey, String>,
    /// Next OPTIONS, and unanswered ones in a row, per trunk.
    qualify: HashMap<String, (Instant, u32)>,
    /// What each trunk was defined as, to see what a change touches.
    defined: HashMap<String, String>,
    /// Registrations being ended (their trunk removed or changed), by the
    /// REGISTER in flight.
    leaving: HashMap<TransactionKey, Leaving>,
}

/// A registration being ended.
#[derive(Debug)]
struct Leaving {
    trunk: Trunk,
    call_id: String,
    tag: String,
    cseq: u32,
    challenged: bool,
}

/// What a trunk's registration depends on.
fn fingerprint(t: &Trunk) -> String {
    format!(
        "{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}",
        t.peer, t.transport, t.domain, t.local, t.username, t.auth_username, t.password, t.register
    )
}

impl Endpoint {
    /// Replaces the trunks, rules, DIDs and capacity plan. Registrations
    /// of trunks whose definition did not change go on; the others start
    /// again (or end, with the trunk). `now_unix` is wall-clock seconds.
    pub fn set_network(&mut self, now: Instant, now_unix: u64, network: Network) {
        let mut defined = HashMap::new();
        for t in &network.trunks {
            let print = fingerprint(t);
            let same = self.lines.defined.get(&t.name) == Some(&print);
            if !same {
                self.leave(now, &t.name);
                let registration = if t.register.is_some() {
                    let tag = self.tag();
                    self.lines.registrations.insert(
                        t.name.clone(),
                        Registration {
                            call_id: format!(
                                "{:016x}@switchboard",
                                rand::Rng::gen::<u64>(&mut self.rng)
                            ),
                            tag,
                            cseq: 0,
                            expires: t.register.unwrap_or(300),
                            pending: None,
                            next: now,
                            failures: 0,
                        },
                    );
                    "registering"
                } else {
                    "not_registering"
                };
                let reachable = self
                    .lines
                    .states
                    .get(&t.name)
                    .and_then(|s| s.reachable)
                    .filter(|_| t.qualify);
                self.trunk_state(&t.name, registration, reachable, None);
            }
            if t.qualify {
                self.lines.qualify.entry(t.name.clone()).or_insert((now, 0));
            } else {
                self.lines.qualify.remove(&t.name);
            }
            defined.insert(t.name.clone(), print);
        }
        let gone: Vec<String> = self
            .lines
            .defined
            .keys()
            .filter(|n| !defined.contains_key(*n))
            .cloned()
            .collect();
        for name in gone {
            self.leave(now, &name);
            self.lines.qualify.remove(&name);
            self.lines.states.remove(&name);
        }
        self.lines.defined = defined;
        self.network = network;
        // Registrations and OPTIONS go from the housekeeping, which must
        // run even before any message arrives.
        if self.next_housekeeping.is_none() {
            self.next_housekeeping = Some(now);
        }
        // What ending registrations sent goes now.
        self.drain(now, now_unix);
    }

    /// Forgets trunk `name`'s registration, ending it at the provider
    /// when it holds (the trunk as it was is still `self.network`'s).
    fn leave(&mut self, now: Instant, name: &str) {
        let Some(reg) = self.lines.registrations.remove(name) else {
            return;
        };
        if let Some((key, _)) = &reg.pending {
            self.lines.registers.remove(key);
        }
        let registered = self
            .lines
            .states
            .get(name)
            .is_some_and(|s| s.registration == "registered");
        if let (true, Some(trunk)) = (registered, self.network.trunk(name).cloned()) {
            let leaving = Leaving {
                trunk,
                call_id: reg.call_id,
                tag: reg.tag,
                cseq: reg.cseq,
                challenged: false,
            };
            self.end_registration(now, leaving, None);
        }
    }

    /// Whether Switchboard opens connections to `destination`: a trunk's
    /// provider over TCP.
    pub fn dials(&self, destination: std::net::SocketAddr) -> bool {
        self.network
            .trunks
            .iter()
            .any(|t| t.transport == Transport::Tcp && t.peer == Some(destination))
    }

    /// Sends what is due: registrations to refresh or retry, OPTIONS.
    pub(super) fn trunk_sweep(&mut self, now: Instant) {
        let due: Vec<String> = self
            .lines
            .registrations
            .iter()
            .filter(|(_, r)| r.pending.is_none() && r.next <= now)
            .map(|(n, _)| n.clone())
            .collect();
        for name in due {
            self.send_register(now, &name, None);
        }
        let ask: Vec<String> = self
            .lines
            .qualify
            .iter()
            .filter(|(_, (next, _))| *next <= now)
            .map(|(n, _)| n.clone())
            .collect();
        for name in ask {
            if let Some(q) = self.lines.qualify.get_mut(&name) {
                q.0 = now + QUALIFY_EVERY;
            }
            self.send_trunk_options(now, &name);
        }
    }

    fn send_register(&mut self, now: Instant, name: &str, challenge: Option<(u16, &Challenge)>) {
        let Some(t) = self.network.trunk(name).cloned() else {
            return;
        };
        let Some(peer) = t.peer else {
            return self.registration_failed(now, name, "the host does not resolve".into());
        };
        let branch = self.layer.new_branch();
        let cnonce = format!("{:016x}", rand::Rng::gen::<u64>(&mut self.rng));
        let user_agent = self.config.server_name.clone();
        let Some(reg) = self.lines.registrations.get_mut(name) else {
            return;
        };
        reg.cseq += 1;
        let Some(req) = register_request(
            &t,
            (&reg.call_id, &reg.tag, reg.cseq),
            reg.expires,
            &branch,
            challenge.map(|(code, c)| (code, c, cnonce.as_str())),
            &user_agent,
        ) else {
            return self.registration_failed(
                now,
                name,
                format!("sip:{} is not a SIP URI", t.domain),
            );
        };
        let tries = match challenge {
            Some(_) => reg.pending.as_ref().map_or(1, |(_, n)| n + 1),
            None => 0,
        };
        if let Ok(key) = self.layer.send_request(now, req, peer, t.transport) {
            if let Some((old, _)) = reg.pending.replace((key.clone(), tries)) {
                self.lines.registers.remove(&old);
            }
            self.lines.registers.insert(key, name.to_owned());
        }
    }

    /// Ends the registration `reg` of `trunk` (removed, or changed): a
    /// REGISTER with `Expires: 0` on its Call-ID, its challenge answered
    /// once; whatever the answer, it is then forgotten.
    fn end_registration(
        &mut self,
        now: Instant,
        mut leaving: Leaving,
        challenge: Option<(u16, &Challenge)>,
    ) {
        let Some(peer) = leaving.trunk.peer else {
            return;
        };
        let branch = self.layer.new_branch();
        let cnonce = format!("{:016x}", rand::Rng::gen::<u64>(&mut self.rng));
        leaving.cseq += 1;
        let Some(req) = register_request(
            &leaving.trunk,
            (&leaving.call_id, &leaving.tag, leaving.cseq),
            0,
            &branch,
            challenge.map(|(code, c)| (code, c, cnonce.as_str())),
            &self.config.server_name,
        ) else {
            return;
        };
        if let Ok(key) = self
            .layer
            .send_request(now, req, peer, leaving.trunk.transport)
        {
            self.lines.leaving.insert(key, leaving);
        }
    }

    /// An answer to an unregistering REGISTER; false when `key` is none.
    fn unregister_answered(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: &Response,
    ) -> bool {
        if response.code < 200 {
            return self.lines.leaving.contains_key(key);
        }
        let Some(mut leaving) = self.lines.leaving.remove(key) else {
            return false;
        };
        if leaving.challenged {
            return true;
        }
        leaving.challenged = true;
        if let Some(c) = digest_challenge(response) {
            self.end_registration(now, leaving, Some((response.code, &c)));
        }
        true
    }

    /// An answer to a REGISTER sent to a trunk; false when `key` is none.
    pub(super) fn register_answered(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: &Response,
    ) -> bool {
        let Some(name) = self.lines.registers.get(key).cloned() else {
            return self.unregister_answered(now, key, response);
        };
        if response.code < 200 {
            return true;
        }
        self.lines.registers.remove(key);
        let tries = self
            .lines
            .registrations
            .get_mut(&name)
            .and_then(|r| r.pending.take())
            .map_or(0, |(_, n)| n);
        match response.code {
            200..=299 => {
                let asked = self
                    .lines
                    .registrations
                    .get(&name)
                    .map_or(300, |r| r.expires);
                let granted = granted_expires(response).unwrap_or(asked).max(10);
                if let Some(r) = self.lines.registrations.get_mut(&name) {
                    r.failures = 0;
                    r.next = now + Duration::from_secs(u64::from(granted) * 3 / 4);
                }
                let reachable = self.lines.states.get(&name).and_then(|s| s.reachable);
                self.trunk_state(&name, "registered", reachable, None);
            }
            401 | 407 if tries < 2 => {
                let challenge = digest_challenge(response);
                // A second challenge is answered only when the first
                // nonce went stale; otherwise the password is wrong.
                match challenge {
                    Some(c) if tries == 0 || c.stale => {
                        if let Some(r) = self.lines.registrations.get_mut(&name) {
                            r.pending = Some((key.clone(), tries));
                        }
                        self.send_register(now, &name, Some((response.code, &c)));
                    }
                    _ => self.registration_failed(
                        now,
                        &name,
                        format!(
                            "{} {} (the credentials were refused)",
                            response.code, response.reason
                        ),
                    ),
                }
            }
            423 => {
                let min = response
                    .headers
                    .get(&HeaderName::MinExpires)
                    .and_then(|v| v.trim().parse::<u32>().ok());
                match (min, self.lines.registrations.get_mut(&name)) {
                    (Some(min), Some(r)) if min > r.expires && tries < 2 => {
                        r.expires = min;
                        self.send_register(now, &name, None);
                    }
                    _ => self.registration_failed(now, &name, "423 Interval Too Brief".into()),
                }
            }
            code => self.registration_failed(now, &name, format!("{code} {}", response.reason)),
        }
        true
    }

    /// A REGISTER to a trunk got no answer; false when `key` is none.
    pub(super) fn register_unanswered(&mut self, now: Instant, key: &TransactionKey) -> bool {
        let Some(name) = self.lines.registers.remove(key) else {
            return self.lines.leaving.remove(key).is_some();
        };
        if let Some(r) = self.lines.registrations.get_mut(&name) {
            r.pending = None;
        }
        self.registration_failed(now, &name, "no answer".into());
        true
    }

    fn registration_failed(&mut self, now: Instant, name: &str, detail: String) {
        if let Some(r) = self.lines.registrations.get_mut(name) {
            let wait = BACKOFF[r.failures.min(BACKOFF.len() - 1)];
            r.failures += 1;
            r.pending = None;
            r.next = now + Duration::from_secs(wait);
        }
        let reachable = self.lines.states.get(name).and_then(|s| s.reachable);
        self.trunk_state(name, "failed", reachable, Some(detail));
    }

    fn send_trunk_options(&mut self, now: Instant, name: &str) {
        let Some(t) = self.network.trunk(name).cloned() else {
            return;
        };
        let Some(peer) = t.peer else {
            return;
        };
        let Ok(uri) = Uri::parse_str(&format!("sip:{}", t.domain)) else {
            return;
        };
        let branch = self.layer.new_branch();
        let tag = self.tag();
        let mut req = outside_dialog(Method::Options, uri.clone(), &t, &branch);
        let h = &mut req.headers;
        h.push(
            HeaderName::From,
            format!("<sip:switchboard@{}>;tag={tag}", t.local),
        );
        h.push(HeaderName::To, format!("<{uri}>"));
        h.push(
            HeaderName::CallId,
            format!("{:016x}@switchboard", rand::Rng::gen::<u64>(&mut self.rng)),
        );
        h.push(HeaderName::CSeq, "1 OPTIONS");
        h.push(HeaderName::UserAgent, self.config.server_name.as_str());
        h.push(HeaderName::ContentLength, "0");
        if let Ok(key) = self.layer.send_request(now, req, peer, t.transport) {
            self.lines.probes.insert(key, name.to_owned());
        }
    }

    /// An answer to a trunk's OPTIONS (any final answer: it is there);
    /// false when `key` is none.
    pub(super) fn trunk_probe_answered(&mut self, key: &TransactionKey, code: u16) -> bool {
        if code < 200 {
            return self.lines.probes.contains_key(key);
        }
        let Some(name) = self.lines.probes.remove(key) else {
            return false;
        };
        if let Some(q) = self.lines.qualify.get_mut(&name) {
            q.1 = 0;
        }
        self.reachability(&name, true);
        true
    }

    /// A trunk's OPTIONS went unanswered; false when `key` is none.
    pub(super) fn trunk_probe_failed(&mut self, key: &TransactionKey) -> bool {
        let Some(name) = self.lines.probes.remove(key) else {
            return false;
        };
        let misses = self.lines.qualify.get_mut(&name).map_or(0, |q| {
            q.1 += 1;
            q.1
        });
        if misses >= MISSES_DOWN {
            self.reachability(&name, false);
        }
        true
    }

    fn reachability(&mut self, name: &str, reachable: bool) {
        let Some(s) = self.lines.states.get(name).cloned() else {
            return;
        };
        if s.reachable != Some(reachable) {
            self.trunk_state(name, s.registration, Some(reachable), s.detail);
        }
    }

    fn trunk_state(
        &mut self,
        name: &str,
        registration: &'static str,
        reachable: Option<bool>,
        detail: Option<String>,
    ) {
        let state = TrunkState {
            registration,
            reachable,
            detail,
        };
        if self.lines.states.get(name) == Some(&state) {
            return;
        }
        self.lines.states.insert(name.to_owned(), state.clone());
        self.notices.push_back(Notice::TrunkChanged {
            name: name.to_owned(),
            state,
        });
    }
}

/// A REGISTER of trunk `t` in registration `(call_id, tag, cseq)` asking
/// for `expires` seconds (0: ending it), answering `auth` (the response's
/// code, its challenge, a cnonce) when given.
fn register_request(
    t: &Trunk,
    (call_id, tag, cseq): (&str, &str, u32),
    expires: u32,
    branch: &str,
    auth: Option<(u16, &Challenge, &str)>,
    user_agent: &str,
) -> Option<Request> {
    let user = t.username.clone().unwrap_or_default();
    let uri_text = format!("sip:{}", t.domain);
    let uri = Uri::parse_str(&uri_text).ok()?;
    let mut req = outside_dialog(Method::Register, uri, t, branch);
    let h = &mut req.headers;
    h.push(
        HeaderName::From,
        format!("<sip:{user}@{}>;tag={tag}", t.domain),
    );
    h.push(HeaderName::To, format!("<sip:{user}@{}>", t.domain));
    h.push(HeaderName::CallId, call_id);
    h.push(HeaderName::CSeq, format!("{cseq} REGISTER"));
    let param = match t.transport {
        Transport::Tcp => ";transport=tcp",
        _ => "",
    };
    h.push(
        HeaderName::Contact,
        format!("<sip:{user}@{}{param}>", t.local),
    );
    h.push(HeaderName::Expires, expires.to_string());
    h.push(HeaderName::UserAgent, user_agent);
    if let Some((code, c, cnonce)) = auth {
        let credentials = Credentials::answer(
            c,
            t.auth_user().unwrap_or_default(),
            t.password.as_deref().unwrap_or_default(),
            "REGISTER",
            &uri_text,
            b"",
            cnonce,
            1,
        );
        h.push(credentials_header(code), credentials.to_string());
    }
    h.push(HeaderName::ContentLength, "0");
    Some(req)
}

/// A request to trunk `t` outside any dialog: its Via (our address as the
/// provider reaches us, `branch`) and Max-Forwards.
fn outside_dialog(method: Method, uri: Uri, t: &Trunk, branch: &str) -> Request {
    let mut req = Request::new(method, uri);
    req.headers.push(
        HeaderName::Via,
        format!(
            "SIP/2.0/{} {};rport;branch={branch}",
            t.transport.as_str(),
            t.local
        ),
    );
    req.headers.push(HeaderName::MaxForwards, "70");
    req
}

/// The seconds a registrar granted: our Contact's `expires`, else the
/// Expires header.
fn granted_expires(response: &Response) -> Option<u32> {
    let from_contact = response
        .headers
        .contacts()
        .filter_map(|c| c.ok().flatten())
        .find_map(|c| c.param("expires").and_then(|v| v.parse::<u32>().ok()));
    from_contact.or_else(|| {
        response
            .headers
            .get(&HeaderName::Expires)
            .and_then(|v| v.trim().parse().ok())
    })
}
