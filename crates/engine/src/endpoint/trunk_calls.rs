//! Calls through the trunks. Inbound: an INVITE from a trunk's address
//! needs no digest (the trunk is trusted by address), its DID (from the
//! Request-URI or To) picks the destination, and the call then flows as
//! any other. Outbound: a number that is no extension and no flow goes
//! out by the first outbound rule that matches and that the caller may use
//! (emergency rules before all, never refused for a limit); the rule's
//! trunks are tried in order, each INVITE answering the provider's digest
//! challenge, and a trunk that answers 5xx, does not answer, has no free
//! line or is down passes the call to the next one. The capacity plan
//! caps external calls (in and out) at once; calls between extensions
//! never count.

use super::forwarding::{Failure, Ringing, Route};
use super::trunk_auth::{credentials_header, digest_challenge};
use super::{Endpoint, Notice};
use crate::call::media::Side;
use crate::call::{Dialog, Disposition, OutboundCall, Phase, TrunkLeg};
use crate::registrar::{Account, Arrival};
use crate::trunk::rules::{self, CallerId, Dialled, Refusal};
use rand::Rng;
use std::time::{Duration, Instant};
use switchboard_sip::digest::Credentials;
use switchboard_sip::sdp::Sdp;
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Request, Response, Text, Uri};

/// How long the far end of an outbound call may ring.
const OUTBOUND_RING_TIME: Duration = Duration::from_secs(180);
/// A trunk that has not answered an INVITE at all (not even 100 Trying)
/// within this is taken for down, and the next trunk is tried.
const TRUNK_ANSWER_TIME: Duration = Duration::from_secs(4);

/// How long a caller's name is waited for before the call rings without.
const LOOKUP_TIME: Duration = Duration::from_millis(1500);

/// An inbound call waiting for its caller's name.
#[derive(Debug)]
pub(crate) struct Lookup {
    key: TransactionKey,
    req: Request,
    arrival: Arrival,
    origin: Origin,
    did: String,
    give_up: Instant,
}

/// Who a new call is from: an extension's number, or a caller's number
/// and the trunk it came in on.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub caller: String,
    pub trunk: Option<String>,
}

impl Endpoint {
    /// The trunk an INVITE that came as `arrival` says is from, if any.
    pub(super) fn trunk_sending(&self, arrival: &Arrival) -> Option<crate::trunk::Trunk> {
        self.network
            .trunk_at(arrival.source, arrival.transport)
            .cloned()
    }

    /// A new INVITE from `trunk`: to the destination of its DID.
    pub(super) fn inbound_from_trunk(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        trunk: crate::trunk::Trunk,
    ) {
        let did = if trunk.called_from_to {
            req.headers.to().ok().and_then(|t| uri_user(&t.uri))
        } else {
            uri_user(&req.uri)
        }
        .unwrap_or_default();
        let caller = req
            .headers
            .from()
            .ok()
            .and_then(|f| uri_user(&f.uri))
            .unwrap_or_else(|| "anonymous".to_owned());
        let origin = Origin {
            caller,
            trunk: Some(trunk.name.clone()),
        };
        if let Some(limit) = self.at_capacity() {
            // The caller hears why (early media), then gets 503.
            self.notices
                .push_back(Notice::CapacityRefused { inbound: true });
            let refusal = super::Service::Refusal {
                prompt: "error-busy-all-lines".to_owned(),
                number: did,
                code: 503,
                reason: format!("Service Unavailable (all {limit} external lines are in use)"),
            };
            return self.answer_service(now, key, req, arrival, origin, refusal);
        }
        if let Some(lines) = trunk
            .channels
            .filter(|&c| self.trunk_lines(&trunk.name) >= c)
        {
            let reason = format!(
                "Service Unavailable (all {lines} lines of trunk {} are in use)",
                trunk.name
            );
            return self.refuse_call(now, &key, &req, arrival, &origin, 503, &reason);
        }
        if let Some(url) = &trunk.caller_name_url {
            let id: u64 = self.rng.gen();
            let url = url.replace("{number}", &url_encoded(&origin.caller));
            self.notices.push_back(Notice::CallerLookup { id, url });
            let lookup = Lookup {
                key,
                req,
                arrival: arrival.clone(),
                origin,
                did,
                give_up: now + LOOKUP_TIME,
            };
            self.lookups.insert(id, lookup);
            return;
        }
        self.ring_did(now, key, req, arrival, origin, did);
    }

    /// Rings where DID `did` leads.
    fn ring_did(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        origin: Origin,
        did: String,
    ) {
        let target = match origin.trunk.as_deref().and_then(|t| self.network.trunk(t)) {
            Some(trunk) => self.network.did_target(trunk, &did),
            None => crate::call::plan::Target::HangUp,
        };
        let route = self.route_to(&target, &did, 0);
        self.set_up(now, key, req, arrival, origin, did, route);
    }

    /// The name of the caller of inbound call `id` came back (none: the
    /// lookup found nothing, or failed): the call rings, showing it.
    pub fn caller_named(&mut self, now: Instant, now_unix: u64, id: u64, name: Option<String>) {
        self.clock_unix = now_unix;
        if let Some(mut lookup) = self.lookups.remove(&id) {
            if let Some(name) = name {
                named(&mut lookup.req, &name);
            }
            let Lookup {
                key,
                req,
                arrival,
                origin,
                did,
                ..
            } = lookup;
            self.ring_did(now, key, req, &arrival, origin, did);
        }
        self.drain(now, now_unix);
    }

    /// Calls whose caller's name did not come in time ring without it.
    pub(super) fn lookup_sweep(&mut self, now: Instant) {
        let late: Vec<u64> = self
            .lookups
            .iter()
            .filter(|(_, l)| l.give_up <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in late {
            if let Some(l) = self.lookups.remove(&id) {
                self.ring_did(now, l.key, l.req, &l.arrival, l.origin, l.did);
            }
        }
    }

    /// The caller cancelled INVITE `key` while its name was looked up.
    pub(super) fn lookup_cancelled(&mut self, now: Instant, key: &TransactionKey) {
        let Some(id) = self
            .lookups
            .iter()
            .find(|(_, l)| &l.key == key)
            .map(|(id, _)| *id)
        else {
            return;
        };
        if let Some(l) = self.lookups.remove(&id) {
            self.refuse_call(
                now,
                &l.key,
                &l.req,
                &l.arrival,
                &l.origin,
                487,
                "Request Terminated",
            );
        }
    }

    /// Extension `caller` dialled `number`, which is none of ours: out
    /// through a trunk, if a rule lets it.
    pub(super) fn dial_out(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        caller: &Account,
        number: String,
    ) {
        let origin = Origin {
            caller: caller.number.clone(),
            trunk: None,
        };
        let refuse = |this: &mut Endpoint, code: u16, reason: &str| {
            this.refuse_call(now, &key, &req, arrival, &origin, code, reason);
        };
        let extension = Some((caller.number.as_str(), caller.outbound.international));
        let dialled = match rules::choose(&self.network.rules, extension, &number) {
            Ok(d) => d,
            Err(refusal) => {
                let (code, reason) = match refusal {
                    Refusal::NoRule => (404, "Not Found".to_owned()),
                    Refusal::NotAllowed => (
                        403,
                        format!(
                            "Forbidden (no outbound rule lets {} call this number)",
                            caller.number
                        ),
                    ),
                    Refusal::International => (
                        403,
                        "Forbidden (international calls are not allowed for this extension)"
                            .to_owned(),
                    ),
                };
                return refuse(self, code, &reason);
            }
        };
        if !dialled.emergency {
            if self.calls.count_for(&caller.number) >= self.call_limit(caller) {
                return refuse(self, 403, "Forbidden (call limit reached)");
            }
            if let Some(limit) = caller.outbound.per_hour {
                if self.outbound_in_last_hour(&caller.number, arrival.now) >= limit as usize {
                    let reason = format!(
                        "Forbidden (at most {limit} outbound calls an hour for this extension)"
                    );
                    return refuse(self, 403, &reason);
                }
            }
        }
        let route = self.outbound_route(dialled, caller.outbound.caller_id.clone());
        if matches!(route, Route::Ring(_)) {
            self.outbound_starts
                .entry(caller.number.clone())
                .or_default()
                .push_back(arrival.now);
        }
        self.set_up(now, key, req, arrival, origin, number, route);
    }

    /// Outbound calls extension `number` started within the hour before
    /// `now_unix` (older ones are forgotten here).
    fn outbound_in_last_hour(&mut self, number: &str, now_unix: u64) -> usize {
        let Some(starts) = self.outbound_starts.get_mut(number) else {
            return 0;
        };
        while starts.front().is_some_and(|&t| t + 3600 <= now_unix) {
            starts.pop_front();
        }
        starts.len()
    }

    /// Where a call flow's or a forward's external number goes: by the
    /// first rule that matches (and that `account`, when an extension
    /// forwards, may use).
    pub(super) fn route_external(&self, number: &str, account: Option<&Account>) -> Route {
        let extension = account.map(|a| (a.number.as_str(), a.outbound.international));
        match rules::choose(&self.network.rules, extension, number) {
            Ok(dialled) => {
                self.outbound_route(dialled, account.and_then(|a| a.outbound.caller_id.clone()))
            }
            Err(Refusal::NoRule) => Route::Fail(Failure::new(
                404,
                "Not Found (no outbound rule reaches the number)",
            )),
            Err(_) => Route::Fail(Failure::new(
                403,
                "Forbidden (no outbound rule open to the extension reaches the number)",
            )),
        }
    }

    /// The route of a call going out as `dialled` says, unless the
    /// capacity plan is full (emergency calls go regardless).
    fn outbound_route(&self, dialled: Dialled, own_caller_id: Option<String>) -> Route {
        if !dialled.emergency {
            if let Some(limit) = self.at_capacity() {
                let mut f = Failure::new(
                    486,
                    &format!("Busy Here (all {limit} external lines are in use)"),
                );
                f.disposition = Disposition::Busy;
                f.at_capacity = true;
                return Route::Fail(f);
            }
        }
        Route::Ring(Ringing {
            phones: Vec::new(),
            target: dialled.number.clone(),
            ring_for: OUTBOUND_RING_TIME,
            group: None,
            outbound: Some(Box::new(OutboundCall {
                dialled,
                own_caller_id,
                last_failure: None,
                lines_full: false,
            })),
        })
    }

    /// The capacity plan's limit, when the external calls in progress
    /// reach it.
    fn at_capacity(&self) -> Option<u32> {
        self.network
            .capacity
            .filter(|&c| self.external_count() >= c)
    }

    /// External calls in progress.
    fn external_count(&self) -> u32 {
        let calls = self.calls.calls.values().filter(|c| c.external()).count();
        let answered = self.services.externals();
        u32::try_from(calls + answered).unwrap_or(u32::MAX)
    }

    /// Calls holding a line of trunk `name`.
    fn trunk_lines(&self, name: &str) -> u32 {
        let calls = self
            .calls
            .calls
            .values()
            .filter(|c| c.uses_trunk(name))
            .count();
        let answered = self.services.on_trunk(name);
        u32::try_from(calls + answered).unwrap_or(u32::MAX)
    }

    /// Reports the external calls in progress when their number changed.
    pub(super) fn external_changed(&mut self) {
        let active = self.external_count();
        if active != self.external_calls {
            self.external_calls = active;
            self.notices.push_back(Notice::ExternalCalls { active });
        }
    }

    /// A failure a route ended in is counted when it was the capacity
    /// plan's.
    pub(super) fn count_refusal(&mut self, failure: &Failure) {
        if failure.at_capacity {
            self.notices
                .push_back(Notice::CapacityRefused { inbound: false });
        }
    }

    /// Sends call `id` to the next trunk of its rule that can take it; a
    /// call no trunk is left for ends with the last trunk's failure.
    pub(super) fn dial_trunk(&mut self, now: Instant, id: u64, offer: Option<&Sdp>) {
        loop {
            let Some(call) = self.calls.calls.get_mut(&id) else {
                return;
            };
            let Some(out) = call.outbound.as_mut() else {
                return;
            };
            if out.dialled.trunks.is_empty() {
                break;
            }
            let name = out.dialled.trunks.remove(0);
            let emergency = out.dialled.emergency;
            let Some(trunk) = self.network.trunk(&name).cloned() else {
                continue;
            };
            let up = self.lines.states.get(&name).is_none_or(|s| s.up());
            let Some(peer) = trunk.peer.filter(|_| up) else {
                continue;
            };
            if !emergency && trunk.channels.is_some_and(|c| self.trunk_lines(&name) >= c) {
                if let Some(out) = self
                    .calls
                    .calls
                    .get_mut(&id)
                    .and_then(|c| c.outbound.as_mut())
                {
                    out.lines_full = true;
                }
                continue;
            }
            if self.invite_trunk(now, id, &trunk, peer, offer) {
                return;
            }
        }
        let Some(out) = self
            .calls
            .calls
            .get_mut(&id)
            .and_then(|c| c.outbound.as_mut())
        else {
            return;
        };
        let (code, reason) = out.last_failure.take().unwrap_or_else(|| {
            if out.lines_full {
                (
                    486,
                    "Busy Here (every line of the trunks is in use)".to_owned(),
                )
            } else {
                (
                    503,
                    "Service Unavailable (no trunk can take the call)".to_owned(),
                )
            }
        });
        let disposition = match code {
            486 | 600 | 603 => Disposition::Busy,
            _ => Disposition::Failed,
        };
        self.fail_call(now, id, code, &reason);
        self.end_call(id, disposition, &code.to_string(), "system");
    }

    /// Sends call `id`'s INVITE to `trunk`; false when it could not be
    /// sent (or no SDP could be offered).
    fn invite_trunk(
        &mut self,
        now: Instant,
        id: u64,
        trunk: &crate::trunk::Trunk,
        peer: std::net::SocketAddr,
        offer: Option<&Sdp>,
    ) -> bool {
        let preferred = (!trunk.codecs.is_empty()).then_some(trunk.codecs.as_slice());
        let codecs = self
            .leg_codecs(id, preferred)
            .unwrap_or_else(|| self.config.calls.codecs.clone());
        let Some(call) = self.calls.calls.get(&id) else {
            return false;
        };
        let Some(out) = call.outbound.as_ref() else {
            return false;
        };
        let Some(mut sdp) = self.leg_offer(call, &trunk.local, &codecs, offer) else {
            return false;
        };
        if preferred.is_some() {
            crate::call::media::prefer(&mut sdp, &codecs);
        }
        let number = out.dialled.number.clone();
        let withheld = out.dialled.caller_id == CallerId::Withheld;
        let presented = match &out.dialled.caller_id {
            CallerId::Extension => out.own_caller_id.clone().or(trunk.main_number.clone()),
            CallerId::Main => trunk.main_number.clone().or(out.own_caller_id.clone()),
            CallerId::Number(n) => Some(n.clone()),
            CallerId::Withheld => out.own_caller_id.clone().or(trunk.main_number.clone()),
        }
        .unwrap_or_else(|| call.caller.clone());
        let name = call
            .invite
            .headers
            .from()
            .ok()
            .and_then(|f| f.display.as_ref().map(|d| d.replace('"', "")))
            .filter(|d| !d.is_empty());
        let domain = &trunk.domain;
        let local_uri = match (withheld, name) {
            (true, _) => "\"Anonymous\" <sip:anonymous@anonymous.invalid>".to_owned(),
            (false, Some(n)) => format!("\"{n}\" <sip:{presented}@{domain}>"),
            (false, None) => format!("<sip:{presented}@{domain}>"),
        };
        let Ok(remote_target) = Uri::parse_str(&format!("sip:{number}@{domain}")) else {
            return false;
        };
        let mut dialog = Dialog {
            call_id: format!("{:016x}@switchboard", self.rng.gen::<u64>()),
            local_tag: self.tag(),
            remote_tag: String::new(),
            local_uri,
            remote_uri: format!("<sip:{number}@{domain}>"),
            remote_target,
            route: Vec::new(),
            local_cseq: 0,
            peer,
            transport: trunk.transport,
            local: trunk.local.clone(),
        };
        let identity = format!("<sip:{presented}@{domain}>");
        let mut extra = Vec::new();
        if trunk.send_pai {
            extra.push((HeaderName::PAssertedIdentity, identity.clone()));
        }
        if trunk.send_rpid {
            let privacy = if withheld { "full" } else { "off" };
            extra.push((
                HeaderName::Other(Text::from_static("Remote-Party-ID")),
                format!("{identity};party=calling;screen=yes;privacy={privacy}"),
            ));
        }
        if withheld {
            extra.push((HeaderName::Privacy, "id".to_owned()));
        }
        let invite = self.new_invite(&mut dialog, &sdp, extra);
        let Ok(key) = self
            .layer
            .send_request(now, invite.clone(), peer, trunk.transport)
        else {
            return false;
        };
        let call = self.calls.calls.get_mut(&id).expect("looked up above");
        call.first_branch = call.branches.len();
        call.sdp_version += 1;
        let leg = TrunkLeg {
            name: trunk.name.clone(),
            auth_tries: 0,
            answer_by: Some(now + TRUNK_ANSWER_TIME),
        };
        self.add_branch(id, key, invite, dialog, sdp, number, Some(leg));
        true
    }

    /// A trunk challenged branch `i` of call `id` (401 or 407): the INVITE
    /// goes again with credentials, once (twice when the nonce went
    /// stale). False when the challenge is not answered (no credentials,
    /// refused already): the branch then fails as any other.
    pub(super) fn answer_trunk_challenge(
        &mut self,
        now: Instant,
        id: u64,
        i: usize,
        response: &Response,
    ) -> bool {
        let Some(call) = self.calls.calls.get(&id) else {
            return false;
        };
        let Some(leg) = call.branches[i].trunk.as_ref() else {
            return false;
        };
        let Some(trunk) = self.network.trunk(&leg.name).cloned() else {
            return false;
        };
        let (Some(user), Some(password)) = (trunk.auth_user(), trunk.password.as_deref()) else {
            return false;
        };
        let challenge = digest_challenge(response);
        let Some(challenge) = challenge.filter(|c| leg.auth_tries == 0 || c.stale) else {
            return false;
        };
        if leg.auth_tries >= 2 || call.phase != Phase::Ringing {
            return false;
        }
        let cnonce = format!("{:016x}", self.rng.gen::<u64>());
        let branch = self.layer.new_branch();
        let call = self.calls.calls.get_mut(&id).expect("looked up above");
        let b = &mut call.branches[i];
        let uri = b.invite.uri.to_string();
        let credentials = Credentials::answer(
            &challenge,
            user,
            password,
            "INVITE",
            &uri,
            &b.invite.body,
            &cnonce,
            1,
        );
        let mut invite = b.invite.clone();
        b.dialog.local_cseq += 1;
        let credentials_header = credentials_header(response.code);
        invite.headers.remove(&HeaderName::Authorization);
        invite.headers.remove(&HeaderName::ProxyAuthorization);
        invite
            .headers
            .push(credentials_header, credentials.to_string());
        invite.headers.set(
            HeaderName::Via,
            format!(
                "SIP/2.0/{} {};rport;branch={branch}",
                b.dialog.transport.as_str(),
                b.dialog.local
            ),
        );
        invite
            .headers
            .set(HeaderName::CSeq, format!("{} INVITE", b.dialog.local_cseq));
        let (peer, transport) = (b.dialog.peer, b.dialog.transport);
        let Ok(key) = self
            .layer
            .send_request(now, invite.clone(), peer, transport)
        else {
            return false;
        };
        let b = &mut call.branches[i];
        let old = std::mem::replace(&mut b.key, key.clone());
        b.invite = invite;
        b.provisional = false;
        if let Some(leg) = b.trunk.as_mut() {
            leg.auth_tries += 1;
            leg.answer_by = Some(now + TRUNK_ANSWER_TIME);
        }
        self.calls.branches.remove(&old);
        self.calls.branches.insert(key, (id, i));
        true
    }

    /// The trunk branch of call `id` failed with `code`: a 5xx, no answer,
    /// or credentials the trunk refused pass the call to the next trunk;
    /// anything else (busy, no such number) is the call's answer. False
    /// when `id` does not go out.
    pub(super) fn trunk_failed(&mut self, now: Instant, id: u64) -> bool {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return false;
        };
        let Some(b) = call.branches.last() else {
            return false;
        };
        if call.outbound.is_none() || b.trunk.is_none() {
            return false;
        }
        let trunk = b.trunk.as_ref().map(|t| t.name.clone()).unwrap_or_default();
        let out = call.outbound.as_mut().expect("checked above");
        let (code, reason) = out
            .last_failure
            .clone()
            .unwrap_or((408, "Request Timeout".to_owned()));
        // A challenge left unanswered is the trunk's trouble, not the
        // caller's: a phone must never see a trunk's 401 or 407.
        if matches!(code, 401 | 407 | 408) || (500..600).contains(&code) {
            out.last_failure = Some((
                503,
                format!("Service Unavailable (trunk {trunk} answered {code} {reason})"),
            ));
            let offer = if call.answer_in_ack || call.bridged.is_some() {
                None
            } else {
                Sdp::parse(&call.invite.body).ok()
            };
            self.dial_trunk(now, id, offer.as_ref());
        } else {
            let disposition = match code {
                486 | 600 | 603 => Disposition::Busy,
                487 => Disposition::Cancelled,
                _ => Disposition::Failed,
            };
            self.fail_call(now, id, code, &reason);
            self.end_call(id, disposition, &code.to_string(), Side::Callee.as_str());
        }
        true
    }

    /// Trunk branches that did not answer in time count as failed.
    pub(super) fn trunk_timers(&mut self, now: Instant) {
        let late: Vec<(u64, usize)> = self
            .calls
            .calls
            .values()
            .filter(|c| c.outbound.is_some() && c.phase == Phase::Ringing)
            .filter_map(|c| {
                let i = c.branches.len().checked_sub(1)?;
                let b = &c.branches[i];
                let due = b.trunk.as_ref()?.answer_by?;
                (!b.done && due <= now).then_some((c.id, i))
            })
            .collect();
        for (id, i) in late {
            if let Some(b) = self.calls.calls.get_mut(&id).map(|c| &mut c.branches[i]) {
                b.done = true;
                b.final_code = Some(408);
                if let Some(leg) = b.trunk.as_mut() {
                    leg.answer_by = None;
                }
            }
            if let Some(out) = self
                .calls
                .calls
                .get_mut(&id)
                .and_then(|c| c.outbound.as_mut())
            {
                out.last_failure = Some((408, "Request Timeout".to_owned()));
            }
            self.trunk_failed(now, id);
        }
    }
}

/// `text` as it may stand in a URL's query: letters and digits as they
/// are, everything else percent-encoded (`+` as `%2B`).
fn url_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sets the display name of the request's From to `name`.
fn named(req: &mut Request, name: &str) {
    let Ok(from) = req.headers.from() else {
        return;
    };
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .take(64)
        .collect();
    let tag = from.tag().map(|t| format!(";tag={t}")).unwrap_or_default();
    let value = format!("\"{clean}\" <{}>{tag}", from.uri);
    req.headers.set(HeaderName::From, value);
}

/// The user part of a SIP URI, or a tel URI's number.
fn uri_user(uri: &Uri) -> Option<String> {
    match uri {
        Uri::Sip(sip) => sip.user.as_ref().map(|u| u.to_string()),
        Uri::Tel(tel) => Some(tel.number.to_string()),
        Uri::Other { .. } => None,
    }
}
