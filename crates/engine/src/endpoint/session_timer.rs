//! Session timers (RFC 4028), so a call whose phone vanished (power cut,
//! network gone, no BYE) ends. Each leg has its own timer: the phone
//! refreshes it (a re-INVITE or UPDATE before it runs out) or Switchboard
//! does (a re-INVITE with the session as it stands, every half interval).
//! A leg whose phone should have refreshed and did not, or whose phone
//! answers Switchboard's refresh with 481, 408 or nothing, ends the call
//! with BYE to the other phone.
//!
//! Toward the caller Switchboard is the UAS: it takes the caller's
//! Session-Expires (422 with Min-SE when below 90 s), lets a phone that
//! supports timers refresh, and refreshes itself for one that does not.
//! Toward the callee it is the UAC: it offers `calls.session_expires` and
//! follows the refresher the phone's answer names (itself when the phone
//! knows no timers).

use super::Endpoint;
use crate::call::media::Side;
use crate::call::{Disposition, Phase, SessionTimer};
use std::time::{Duration, Instant};
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Headers, Message, Method, Request, Response};

/// The shortest interval allowed (RFC 4028 §4).
pub const MIN_SE: u64 = 90;

/// A Session-Expires header: interval, and the refresher if named.
pub(super) fn session_expires(headers: &Headers) -> Option<(u64, Option<String>)> {
    let value = headers.get(&HeaderName::SessionExpires)?;
    let mut parts = value.split(';');
    let interval = parts.next()?.trim().parse().ok()?;
    let refresher = parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("refresher")
            .then(|| value.trim().to_ascii_lowercase())
    });
    Some((interval, refresher))
}

/// Whether the message says it supports `timer`.
fn supports_timer(headers: &Headers) -> bool {
    headers
        .get_all(&HeaderName::Supported)
        .chain(headers.get_all(&HeaderName::Require))
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case("timer"))
}

impl SessionTimer {
    fn new(now: Instant, interval: u64, we_refresh: bool) -> SessionTimer {
        let mut t = SessionTimer {
            interval,
            we_refresh,
            due: now,
        };
        t.restart(now);
        t
    }

    /// The session was just refreshed.
    pub fn restart(&mut self, now: Instant) {
        let wait = if self.we_refresh {
            self.interval / 2
        } else {
            // RFC 4028 §10: BYE at the interval less a third, or 32 s.
            self.interval - (self.interval / 3).min(32)
        };
        self.due = now + Duration::from_secs(wait);
    }

    /// Session-Expires (and Require) for a response to a request the
    /// phone sent on this leg.
    fn headers_for_phone_request(&self, headers: &mut Headers) {
        let refresher = if self.we_refresh { "uas" } else { "uac" };
        headers.push(
            HeaderName::SessionExpires,
            format!("{};refresher={refresher}", self.interval),
        );
        if !self.we_refresh {
            headers.push(HeaderName::Require, "timer");
        }
    }
}

impl Endpoint {
    /// Headers of the INVITE to a callee's phone.
    pub(super) fn offer_session_timer(&self, headers: &mut Headers) {
        headers.push(HeaderName::Supported, "timer");
        headers.push(
            HeaderName::SessionExpires,
            self.config.calls.session_expires.to_string(),
        );
        headers.push(HeaderName::MinSe, MIN_SE.to_string());
    }

    /// The caller's leg, as its 2xx is sent: the timer is set and the
    /// response says how it runs.
    pub(super) fn caller_session_timer(&mut self, now: Instant, id: u64, response: &mut Response) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let asked = session_expires(&call.invite.headers);
        let supported = supports_timer(&call.invite.headers);
        let interval = asked
            .as_ref()
            .map_or(self.config.calls.session_expires, |(n, _)| *n)
            .min(self.config.calls.session_expires.max(MIN_SE))
            .max(MIN_SE);
        let phone_refreshes = match asked.as_ref().and_then(|(_, r)| r.as_deref()) {
            Some("uas") => false,
            Some(_) => true,
            None => supported,
        };
        let timer = SessionTimer::new(now, interval, !phone_refreshes);
        timer.headers_for_phone_request(&mut response.headers);
        call.timers[0] = Some(timer);
    }

    /// The callee's leg, as its 2xx arrives.
    pub(super) fn callee_session_timer(&mut self, now: Instant, id: u64, response: &Response) {
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let timer = match session_expires(&response.headers) {
            Some((interval, refresher)) => SessionTimer::new(
                now,
                interval.max(MIN_SE),
                refresher.as_deref() != Some("uas"),
            ),
            None => SessionTimer::new(now, self.config.calls.session_expires, true),
        };
        call.timers[1] = Some(timer);
    }

    /// A request from the phone on `side` refreshed its leg; `response`
    /// (a 2xx to it) says how the timer runs on.
    pub(super) fn refreshed_by_phone(
        &mut self,
        now: Instant,
        id: u64,
        side: Side,
        response: &mut Response,
    ) {
        if let Some(timer) = self
            .calls
            .calls
            .get_mut(&id)
            .and_then(|c| c.timers[side.index()].as_mut())
        {
            timer.restart(now);
            timer.headers_for_phone_request(&mut response.headers);
        }
    }

    /// A leg was refreshed by a request Switchboard sent and the phone
    /// accepted.
    pub(super) fn refreshed(&mut self, now: Instant, id: u64, side: Side) {
        if let Some(timer) = self
            .calls
            .calls
            .get_mut(&id)
            .and_then(|c| c.timers[side.index()].as_mut())
        {
            timer.restart(now);
        }
    }

    /// Refreshes the legs that are due, and ends the calls whose phone
    /// let its leg run out.
    pub(super) fn session_timers(&mut self, now: Instant) {
        let mut due = Vec::new();
        for call in self.calls.calls.values() {
            if call.phase != Phase::Answered {
                continue;
            }
            for side in [Side::Caller, Side::Callee] {
                if let Some(t) = call.timers[side.index()].filter(|t| t.due <= now) {
                    due.push((call.id, side, t.we_refresh, call.pending.is_some()));
                }
            }
        }
        for (id, side, we_refresh, busy) in due {
            if !we_refresh {
                self.bye(now, id, side, None);
                self.bye(now, id, side.other(), None);
                self.end_call(id, Disposition::Answered, "session expired", side.as_str());
            } else if busy {
                // A change is under way; it refreshes the leg when done.
                self.refreshed(now, id, side);
            } else {
                self.send_refresh(now, id, side);
            }
        }
    }

    /// A re-INVITE with the session as it stands, refreshing one leg.
    fn send_refresh(&mut self, now: Instant, id: u64, side: Side) {
        let branch = self.layer.new_branch();
        let Some(call) = self.calls.calls.get_mut(&id) else {
            return;
        };
        let Some(timer) = call.timers[side.index()].as_mut() else {
            return;
        };
        timer.restart(now);
        let interval = timer.interval;
        let sdp = call.sdp_sent[side.index()].as_ref().map(|s| s.to_bytes());
        let Some(dialog) = call.dialog_mut(side) else {
            return;
        };
        let mut refresh: Request = dialog.request(Method::Invite, &branch, None);
        let (peer, transport) = (dialog.peer, dialog.transport);
        refresh.headers.push(HeaderName::Supported, "timer");
        refresh.headers.push(
            HeaderName::SessionExpires,
            format!("{interval};refresher=uac"),
        );
        let mut message = Message::Request(refresh);
        if let Some(sdp) = sdp {
            message.set_body(Some("application/sdp"), sdp.into());
        }
        let Message::Request(refresh) = message else {
            unreachable!("set_body keeps the kind")
        };
        if let Ok(key) = self.layer.send_request(now, refresh, peer, transport) {
            self.calls.refreshes.insert(key, (id, side));
        }
    }

    /// An answer to one of Switchboard's refreshes; false when `key` is
    /// not one.
    pub(super) fn refresh_response(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        response: &Response,
    ) -> bool {
        let Some(&(id, side)) = self.calls.refreshes.get(key) else {
            return false;
        };
        match response.code {
            100..=199 => {}
            200..=299 => {
                self.ack_2xx(id, side, response);
                self.refreshed(now, id, side);
            }
            408 | 481 => self.refresh_failed(now, id, side, response.code),
            _ => {}
        }
        true
    }

    /// One of Switchboard's refreshes got no answer at all.
    pub(super) fn refresh_timed_out(&mut self, now: Instant, key: &TransactionKey) -> bool {
        let Some((id, side)) = self.calls.refreshes.remove(key) else {
            return false;
        };
        self.refresh_failed(now, id, side, 408);
        true
    }

    /// One of Switchboard's refreshes is over.
    pub(super) fn refresh_ended(&mut self, key: &TransactionKey) -> bool {
        self.calls.refreshes.remove(key).is_some()
    }

    fn refresh_failed(&mut self, now: Instant, id: u64, side: Side, code: u16) {
        self.bye(now, id, side.other(), None);
        self.end_call(
            id,
            Disposition::Answered,
            &format!("session refresh failed ({code})"),
            side.as_str(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_expires_reads_interval_and_refresher() {
        let mut h = Headers::default();
        h.push(HeaderName::SessionExpires, "1800; Refresher=UAC");
        assert_eq!(session_expires(&h), Some((1800, Some("uac".into()))));
        let mut h = Headers::default();
        h.push(HeaderName::SessionExpires, "90");
        assert_eq!(session_expires(&h), Some((90, None)));
        h.push(HeaderName::Supported, "replaces, timer");
        assert!(supports_timer(&h));
    }

    #[test]
    fn a_phone_refreshing_is_given_a_margin_and_switchboard_refreshes_at_half() {
        let now = Instant::now();
        assert_eq!(
            SessionTimer::new(now, 90, false).due - now,
            Duration::from_secs(60)
        );
        assert_eq!(
            SessionTimer::new(now, 1800, false).due - now,
            Duration::from_secs(1768)
        );
        assert_eq!(
            SessionTimer::new(now, 1800, true).due - now,
            Duration::from_secs(900)
        );
    }
}
