//! The registrar (RFC 3261 §10.3): phones register their contacts for an
//! extension after digest authentication, refresh them, remove one or all
//! (`*`), or ask what is registered (no Contact). Expiry is bounded by the
//! configured minimum (423 with Min-Expires below it) and maximum.
//!
//! REGISTER is answered without a transaction (the endpoint's choice, for
//! speed), so a retransmitted REGISTER reaches the registrar again: the
//! same Call-ID and CSeq as a binding already holds is taken as that
//! repeat and changes nothing; only a lower CSeq is refused.
//!
//! Authentication is the endpoint's; this module is handed the account
//! the credentials proved, and checks only that the account owns the
//! address being registered.

pub mod directory;
pub mod location;

pub use directory::{Account, Directory, Outbound};
pub use location::{Binding, Location, Refusal, Update};

use std::net::SocketAddr;
use switchboard_sip::transaction::Transport;
use switchboard_sip::typed::number;
use switchboard_sip::{HeaderName, NameAddr, Request, Response, Uri};

/// Registration limits.
#[derive(Clone, Debug)]
pub struct RegistrarConfig {
    /// Shortest registration accepted, in seconds (shorter gets 423).
    pub min_expires: u64,
    /// Used when the phone asks for none.
    pub default_expires: u64,
    /// Longer requests are granted this.
    pub max_expires: u64,
    /// Most contacts one extension may have at once.
    pub max_contacts: usize,
    /// Seconds between OPTIONS to each UDP phone; 0 asks none.
    pub qualify_interval: u64,
    /// Unanswered OPTIONS in a row that mark a phone unreachable.
    pub qualify_misses: u32,
}

impl Default for RegistrarConfig {
    fn default() -> RegistrarConfig {
        RegistrarConfig {
            min_expires: 60,
            default_expires: 3600,
            max_expires: 7200,
            max_contacts: 10,
            qualify_interval: 30,
            qualify_misses: 2,
        }
    }
}

/// The registrar's state: who may register, and who is registered.
#[derive(Debug, Default)]
pub struct Registrar {
    pub config: RegistrarConfig,
    pub directory: Directory,
    pub location: Location,
}

/// What a REGISTER came with, besides the request.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub source: SocketAddr,
    pub transport: Transport,
    /// Unix seconds.
    pub now: u64,
}

impl Arrival {
    pub fn new(source: SocketAddr, transport: Transport, now: u64) -> Arrival {
        Arrival {
            source,
            transport,
            now,
        }
    }
}

impl Registrar {
    pub fn new(config: RegistrarConfig) -> Registrar {
        Registrar {
            config,
            ..Default::default()
        }
    }

    /// Answers an authenticated REGISTER from `account`. The flag is true
    /// when the extension's bindings changed (not for a plain refresh).
    pub fn register(
        &mut self,
        req: &Request,
        account: &Account,
        arrival: &Arrival,
        tag: &str,
    ) -> (Response, bool) {
        let refuse = |code: u16, reason: &str| {
            (
                Response::to(req, code, Some(tag)).with_reason(reason.to_owned()),
                false,
            )
        };
        if !account.enabled {
            return refuse(403, "Forbidden (extension disabled)");
        }
        let aor = match req.headers.to() {
            Ok(to) => to,
            Err(_) => return refuse(400, "Bad Request (malformed To)"),
        };
        if !owns(account, &aor) {
            return refuse(403, "Forbidden (not this extension's address)");
        }
        let header_expires = match req.headers.get(&HeaderName::Expires) {
            None => None,
            Some(v) => match number(v, u64::from(u32::MAX)) {
                Ok(n) => Some(n),
                Err(_) => return refuse(400, "Bad Request (malformed Expires)"),
            },
        };
        let call_id = match req.headers.call_id() {
            Ok(c) => c,
            Err(_) => return refuse(400, "Bad Request (malformed Call-ID)"),
        };
        let cseq = match req.headers.cseq() {
            Ok(c) => c.seq,
            Err(_) => return refuse(400, "Bad Request (malformed CSeq)"),
        };
        let mut contacts = Vec::new();
        let mut wildcard = false;
        for c in req.headers.contacts() {
            match c {
                Ok(Some(c)) => contacts.push(c),
                Ok(None) => wildcard = true,
                Err(_) => return refuse(400, "Bad Request (malformed Contact)"),
            }
        }
        let extension = account.number.as_str();
        let changed = if wildcard {
            if !contacts.is_empty() || header_expires != Some(0) {
                return refuse(
                    400,
                    "Bad Request (Contact: * needs Expires: 0 and no other Contact)",
                );
            }
            match self.location.remove_all(extension, &call_id, cseq) {
                Ok(changed) => changed,
                Err(Refusal::OutOfOrder) => {
                    return refuse(500, "Server Internal Error (CSeq out of order)")
                }
            }
        } else if contacts.is_empty() {
            false
        } else {
            let user_agent = req.headers.get(&HeaderName::UserAgent).map(str::to_owned);
            let local = match &req.uri {
                Uri::Sip(sip) => match sip.port {
                    Some(port) => format!("{}:{port}", sip.host),
                    None => sip.host.to_string(),
                },
                other => other.to_string(),
            };
            let mut updates = Vec::with_capacity(contacts.len());
            for contact in contacts {
                let asked = match contact.param("expires") {
                    Some(v) => match number(v, u64::from(u32::MAX)) {
                        Ok(n) => n,
                        Err(_) => return refuse(400, "Bad Request (malformed Contact expires)"),
                    },
                    None => header_expires.unwrap_or(self.config.default_expires),
                };
                if asked != 0 && asked < self.config.min_expires {
                    let mut r = Response::to(req, 423, Some(tag));
                    r.headers
                        .push(HeaderName::MinExpires, self.config.min_expires.to_string());
                    return (r, false);
                }
                let reg_id = match contact
                    .param("reg-id")
                    .map(|v| number(v, u64::from(u32::MAX)))
                {
                    None => None,
                    Some(Ok(n)) => Some(n as u32),
                    Some(Err(_)) => return refuse(400, "Bad Request (malformed reg-id)"),
                };
                updates.push(Update {
                    expires: asked.min(self.config.max_expires),
                    binding: Binding {
                        instance: contact
                            .param("+sip.instance")
                            .map(|v| unquote(v).to_owned()),
                        reg_id,
                        q: contact.param("q").map(|v| v.as_str().to_owned()),
                        // A copy of its own: a slice would keep the whole
                        // REGISTER alive as long as the binding.
                        uri: Uri::parse_str(&contact.uri.to_string()).unwrap_or(contact.uri),
                        expires_at: 0,
                        call_id: call_id.as_str().to_owned(),
                        cseq,
                        source: arrival.source,
                        transport: arrival.transport,
                        user_agent: user_agent.clone(),
                        registered_at: 0,
                        local: local.clone(),
                        reachable: true,
                        rtt_ms: None,
                        missed: 0,
                        next_qualify: 0,
                    },
                });
            }
            match self.location.update(
                extension,
                updates,
                arrival.now,
                self.config.max_contacts,
                self.config.qualify_interval,
            ) {
                Ok(changed) => changed,
                Err(Refusal::OutOfOrder) => {
                    return refuse(500, "Server Internal Error (CSeq out of order)")
                }
            }
        };
        let mut r = Response::to(req, 200, Some(tag));
        for b in self.location.bindings(extension) {
            r.headers
                .push(HeaderName::Contact, contact_value(b, arrival.now));
        }
        (r, changed)
    }
}

/// Whether `account` may register `aor`: its user part is the extension's
/// number or its auth name.
fn owns(account: &Account, aor: &NameAddr) -> bool {
    let user = match &aor.uri {
        Uri::Sip(sip) => sip.user.as_ref().map(|u| u.as_str()),
        Uri::Tel(tel) => Some(tel.number.as_str()),
        Uri::Other { .. } => None,
    };
    user.is_some_and(|u| u == account.number || u == account.auth_name)
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
}

/// A binding as a Contact of the 200: its URI, what is left of its time,
/// and the parameters that identify it.
fn contact_value(b: &Binding, now: u64) -> String {
    let mut v = format!("<{}>;expires={}", b.uri, b.expires_at.saturating_sub(now));
    if let Some(q) = &b.q {
        v.push_str(&format!(";q={q}"));
    }
    if let Some(instance) = &b.instance {
        v.push_str(&format!(";+sip.instance=\"{instance}\""));
    }
    if let Some(reg_id) = b.reg_id {
        v.push_str(&format!(";reg-id={reg_id}"));
    }
    v
}
