//! Qualifying phones: every `qualify_interval` seconds each phone
//! registered over UDP is sent an OPTIONS at the address it registered
//! from (so through its NAT, which the probe also keeps open). Any final
//! answer means it is there, and gives its round-trip time;
//! `qualify_misses` unanswered in a row mark it unreachable, and an answer
//! or a new REGISTER marks it reachable again. Reachability changes are
//! reported as changed bindings, round-trip times as refreshes.

use super::{Endpoint, Notice};
use rand::Rng;
use std::net::SocketAddr;
use std::time::Instant;
use switchboard_sip::transaction::{TransactionKey, Transport};
use switchboard_sip::{HeaderName, Method, Request, Uri};

/// An OPTIONS on its way to a phone.
pub(super) struct Probe {
    extension: String,
    uri: Uri,
    sent: Instant,
}

impl Endpoint {
    /// Sends the OPTIONS that are due.
    pub(super) fn qualify(&mut self, now: Instant, now_unix: u64) {
        let interval = self.config.registrar.qualify_interval;
        if interval == 0 {
            return;
        }
        let mut due = Vec::new();
        for (extension, bindings) in self.registrar.location.all_mut() {
            for b in bindings.iter_mut() {
                if b.transport == Transport::Udp && b.next_qualify <= now_unix {
                    b.next_qualify = now_unix + interval;
                    due.push((extension.clone(), b.uri.clone(), b.source, b.local.clone()));
                }
            }
        }
        for (extension, uri, destination, local) in due {
            self.probe(now, extension, uri, destination, &local);
        }
    }

    fn probe(
        &mut self,
        now: Instant,
        extension: String,
        uri: Uri,
        destination: SocketAddr,
        local: &str,
    ) {
        let tag: u64 = self.rng.gen();
        let call_id: u64 = self.rng.gen();
        let mut req = Request::new(Method::Options, uri.clone());
        let h = &mut req.headers;
        h.push(HeaderName::Via, format!("SIP/2.0/UDP {local};rport"));
        h.push(HeaderName::MaxForwards, "70");
        h.push(
            HeaderName::From,
            format!("<sip:switchboard@{local}>;tag={tag:016x}"),
        );
        h.push(HeaderName::To, format!("<{uri}>"));
        h.push(HeaderName::CallId, format!("{call_id:016x}@switchboard"));
        h.push(HeaderName::CSeq, "1 OPTIONS");
        h.push(HeaderName::UserAgent, self.config.server_name.as_str());
        h.push(HeaderName::ContentLength, "0");
        if let Ok(key) = self
            .layer
            .send_request(now, req, destination, Transport::Udp)
        {
            self.probes.insert(
                key,
                Probe {
                    extension,
                    uri,
                    sent: now,
                },
            );
        }
    }

    /// A final answer to a probe: the phone is there.
    pub(super) fn probe_answered(&mut self, key: &TransactionKey, now: Instant) {
        let Some(probe) = self.probes.remove(key) else {
            return;
        };
        let rtt = now.saturating_duration_since(probe.sent).as_millis();
        let Some(b) = self
            .registrar
            .location
            .find_mut(&probe.extension, &probe.uri)
        else {
            return;
        };
        let changed = !b.reachable;
        b.reachable = true;
        b.missed = 0;
        b.rtt_ms = Some(u32::try_from(rtt).unwrap_or(u32::MAX));
        self.report(probe.extension, changed);
    }

    /// A probe went unanswered.
    pub(super) fn probe_failed(&mut self, key: &TransactionKey) {
        let Some(probe) = self.probes.remove(key) else {
            return;
        };
        let misses = self.config.registrar.qualify_misses.max(1);
        let Some(b) = self
            .registrar
            .location
            .find_mut(&probe.extension, &probe.uri)
        else {
            return;
        };
        b.missed += 1;
        if b.missed >= misses && b.reachable {
            b.reachable = false;
            self.report(probe.extension, true);
        }
    }

    /// Forgets a probe whose transaction ended without an outcome.
    pub(super) fn probe_ended(&mut self, key: &TransactionKey) {
        self.probes.remove(key);
    }

    fn report(&mut self, extension: String, changed: bool) {
        let bindings = self.registrar.location.bindings(&extension).to_vec();
        self.notices.push_back(Notice::Bindings {
            extension,
            bindings,
            changed,
        });
    }
}
