//! The location service: the contacts registered for each extension
//! (RFC 3261 §10.3), with what is needed to reach them through NAT — the
//! address and transport each REGISTER came from.
//!
//! A contact replaces an earlier one when it names the same device: the
//! same `+sip.instance` and `reg-id` (RFC 5626), or, without an instance,
//! an equivalent URI. So a phone that restarts replaces its binding
//! instead of piling up stale ones.

use std::collections::HashMap;
use std::net::SocketAddr;
use switchboard_sip::transaction::Transport;
use switchboard_sip::{Text, Uri};

/// One registered contact.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The Contact URI as the phone gave it.
    pub uri: Uri,
    /// `+sip.instance`, quotes removed.
    pub instance: Option<String>,
    pub reg_id: Option<u32>,
    /// The `q` value as written (`0.5`), if any.
    pub q: Option<String>,
    /// Unix seconds.
    pub expires_at: u64,
    pub call_id: String,
    pub cseq: u32,
    /// Where the REGISTER came from: where the phone is reached.
    pub source: SocketAddr,
    pub transport: Transport,
    pub user_agent: Option<String>,
    /// Unix seconds of the first registration of this binding.
    pub registered_at: u64,
    /// `host[:port]` the phone registered to (its REGISTER's Request-URI):
    /// how it knows us, so the sent-by of requests sent to it.
    pub local: String,
    /// Whether it answered its last OPTIONS (or has not been asked yet).
    pub reachable: bool,
    /// Round-trip time of its last answered OPTIONS, in milliseconds.
    pub rtt_ms: Option<u32>,
    /// OPTIONS gone unanswered in a row.
    pub missed: u32,
    /// Unix seconds when it is next asked.
    pub next_qualify: u64,
}

impl Binding {
    /// Whether `self` and `other` name the same device.
    fn same_device(&self, other: &Binding) -> bool {
        match (&self.instance, &other.instance) {
            (Some(a), Some(b)) => a == b && self.reg_id == other.reg_id,
            (None, None) => same_uri(&self.uri, &other.uri),
            _ => false,
        }
    }
}

/// Whether two binding lists hold the same phones at the same addresses,
/// as reachable as before, whatever their expiry.
pub fn same_phones(a: &[Binding], b: &[Binding]) -> bool {
    a.len() == b.len()
        && a.iter().all(|x| {
            b.iter().any(|y| {
                x.same_device(y)
                    && x.uri == y.uri
                    && x.source == y.source
                    && x.transport == y.transport
                    && x.reachable == y.reachable
            })
        })
}

fn same_uri(a: &Uri, b: &Uri) -> bool {
    match (a.as_sip(), b.as_sip()) {
        (Some(a), Some(b)) => a.equivalent(b),
        _ => a == b,
    }
}

/// A contact of a REGISTER, read and checked.
#[derive(Clone, Debug)]
pub struct Update {
    pub binding: Binding,
    /// Seconds it is to last; 0 removes it.
    pub expires: u64,
}

/// Why a registration update was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// An earlier CSeq on the same Call-ID (§10.3 step 7).
    OutOfOrder,
}

/// The bindings of every extension.
#[derive(Debug, Default)]
pub struct Location {
    bindings: HashMap<String, Vec<Binding>>,
}

impl Location {
    /// The live bindings of `aor`.
    pub fn bindings(&self, aor: &str) -> &[Binding] {
        self.bindings.get(aor).map_or(&[], Vec::as_slice)
    }

    /// Every extension's bindings, to walk (qualifying them).
    pub fn all_mut(&mut self) -> impl Iterator<Item = (&String, &mut Vec<Binding>)> {
        self.bindings.iter_mut()
    }

    /// One binding of `aor`, by its Contact URI.
    pub fn find_mut(&mut self, aor: &str, uri: &Uri) -> Option<&mut Binding> {
        self.bindings
            .get_mut(aor)?
            .iter_mut()
            .find(|b| &b.uri == uri)
    }

    /// Replaces `aor`'s bindings (restoring them after a restart).
    pub fn restore(&mut self, aor: &str, bindings: Vec<Binding>) {
        if bindings.is_empty() {
            self.bindings.remove(aor);
        } else {
            self.bindings.insert(aor.to_owned(), bindings);
        }
    }

    /// Removes every binding of `aor`; true when there were some.
    pub fn clear(&mut self, aor: &str) -> bool {
        self.bindings.remove(aor).is_some()
    }

    /// Applies the contacts of one REGISTER, all or nothing. At most
    /// `max_contacts` stay: the ones expiring soonest make room. True when
    /// the phones changed, not only their expiry (see [`same_phones`]).
    pub fn update(
        &mut self,
        aor: &str,
        updates: Vec<Update>,
        now: u64,
        max_contacts: usize,
        qualify_interval: u64,
    ) -> Result<bool, Refusal> {
        let mut bindings = self.bindings(aor).to_vec();
        bindings.retain(|b| b.expires_at >= now);
        for update in updates {
            let new = update.binding;
            match bindings.iter().position(|b| b.same_device(&new)) {
                Some(i) => {
                    let old = &bindings[i];
                    if old.call_id == new.call_id && new.cseq < old.cseq {
                        return Err(Refusal::OutOfOrder);
                    }
                    if old.call_id == new.call_id && new.cseq == old.cseq {
                        // A retransmission of the REGISTER already applied
                        // (REGISTER has no transaction to absorb it).
                        continue;
                    }
                    if update.expires == 0 {
                        bindings.remove(i);
                    } else {
                        let (registered_at, rtt_ms, next_qualify) =
                            (old.registered_at, old.rtt_ms, old.next_qualify);
                        bindings[i] = Binding {
                            registered_at,
                            rtt_ms,
                            next_qualify,
                            expires_at: now + update.expires,
                            ..new
                        };
                    }
                }
                None if update.expires == 0 => {}
                None => bindings.push(Binding {
                    expires_at: now + update.expires,
                    registered_at: now,
                    next_qualify: now + qualify_interval,
                    ..new
                }),
            }
        }
        while bindings.len() > max_contacts.max(1) {
            let soonest = (0..bindings.len())
                .min_by_key(|&i| bindings[i].expires_at)
                .expect("not empty");
            bindings.remove(soonest);
        }
        let changed = !same_phones(self.bindings(aor), &bindings);
        self.restore(aor, bindings);
        Ok(changed)
    }

    /// Removes every binding of `aor` (`Contact: *`), unless one carries
    /// the same Call-ID with a higher CSeq.
    pub fn remove_all(&mut self, aor: &str, call_id: &Text, cseq: u32) -> Result<bool, Refusal> {
        if self
            .bindings(aor)
            .iter()
            .any(|b| b.call_id == call_id.as_str() && cseq < b.cseq)
        {
            return Err(Refusal::OutOfOrder);
        }
        Ok(self.clear(aor))
    }

    /// Drops bindings that expired by `now`; returns the extensions whose
    /// bindings changed.
    pub fn expire(&mut self, now: u64) -> Vec<String> {
        let mut changed = Vec::new();
        self.bindings.retain(|aor, bindings| {
            let before = bindings.len();
            bindings.retain(|b| b.expires_at >= now);
            if bindings.len() != before {
                changed.push(aor.clone());
            }
            !bindings.is_empty()
        });
        changed
    }

    /// How many contacts are registered, and how many of them do not
    /// answer.
    pub fn census(&self) -> (u64, u64) {
        self.bindings
            .values()
            .flatten()
            .fold((0, 0), |(all, silent), b| {
                (all + 1, silent + u64::from(!b.reachable))
            })
    }
}
