//! Server transactions (RFC 3261 §17.2): the INVITE machine (Timers G, H,
//! I) and the non-INVITE machine (Timer J).
//!
//! An INVITE server transaction sends 100 Trying itself when the TU has
//! not answered within `Config::trying_delay` (200 ms by default, as
//! §17.2.1 allows; zero sends it at once). Following RFC 6026, a 2xx moves
//! it to Accepted for 64·T1 (Timer L): retransmitted INVITEs are absorbed,
//! further 2xx from the TU (its own retransmissions, §13.3.1.4) are sent,
//! and ACKs go to the TU. A retransmitted request is answered with the
//! last response sent, if any. Over a reliable transport nothing is
//! retransmitted and Timers I and J are zero.

use super::config::Config;
use super::error::SendError;
use super::events::{Event, Link, Output};
use super::key::TransactionKey;
use super::state::State;
use super::timers::{Deadlines, Timers};
use crate::header_name::HeaderName;
use crate::message::{Message, Request, Response};
use crate::method::Method;
use crate::text::Text;
use bytes::Bytes;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One server transaction.
#[derive(Debug)]
pub(crate) struct ServerTransaction {
    link: Link,
    invite: bool,
    state: State,
    timers: Timers,
    /// The last response sent, resent for a retransmitted request.
    last: Option<Bytes>,
    /// The 100 Trying waiting for its timer.
    trying: Option<Bytes>,
    /// The To tag of the final response (RFC 2543 ACK matching).
    final_to_tag: Option<Text>,
    interval: Duration,
    deadlines: Deadlines,
}

impl ServerTransaction {
    /// Starts the transaction for `request` (its top Via already stamped).
    pub(crate) fn start(
        now: Instant,
        link: Link,
        request: &Request,
        config: &Config,
        out: &mut VecDeque<Output>,
    ) -> ServerTransaction {
        let invite = request.method == Method::Invite;
        let mut tx = ServerTransaction {
            link,
            invite,
            state: if invite {
                State::Proceeding
            } else {
                State::Trying
            },
            timers: config.timers,
            last: None,
            trying: None,
            final_to_tag: None,
            interval: config.timers.t1,
            deadlines: Deadlines::default(),
        };
        if invite {
            let trying = Bytes::from(Message::Response(trying(request)).to_bytes());
            if config.trying_delay.is_zero() {
                tx.link.transmit(&trying, out);
                tx.last = Some(trying);
            } else {
                tx.trying = Some(trying);
                tx.deadlines.resend = Some(now + config.trying_delay);
            }
        }
        tx
    }

    pub(crate) fn state(&self) -> State {
        self.state
    }

    pub(crate) fn key(&self) -> &TransactionKey {
        &self.link.key
    }

    pub(crate) fn deadlines(&self) -> Deadlines {
        self.deadlines
    }

    /// The To tag of the final response sent, if any.
    pub(crate) fn final_to_tag(&self) -> Option<&Text> {
        self.final_to_tag.as_ref()
    }

    /// The request arrived again.
    pub(crate) fn on_retransmission(&self, out: &mut VecDeque<Output>) {
        if matches!(self.state, State::Proceeding | State::Completed) {
            if let Some(last) = &self.last {
                self.link.transmit(last, out);
            }
        }
    }

    /// An ACK matched this (INVITE) transaction; true when it belongs to
    /// the TU (the ACK for a 2xx).
    pub(crate) fn on_ack(&mut self, now: Instant) -> bool {
        match self.state {
            State::Completed => {
                let wait = self.timers.t4_unless(self.link.reliable());
                self.finish(State::Confirmed, now, wait);
                false
            }
            State::Accepted => true,
            _ => false,
        }
    }

    /// The TU's response.
    pub(crate) fn send_response(
        &mut self,
        now: Instant,
        response: Response,
        out: &mut VecDeque<Output>,
    ) -> Result<(), SendError> {
        let code = response.code;
        if !(100..700).contains(&code) {
            return Err(SendError::BadStatus(code));
        }
        let open = matches!(self.state, State::Trying | State::Proceeding);
        let accepted_2xx = self.state == State::Accepted && (200..300).contains(&code);
        if !open && !accepted_2xx {
            return Err(SendError::FinalAlreadySent);
        }
        if open && code >= 200 {
            self.final_to_tag = response.headers.to().ok().and_then(|to| to.tag().cloned());
        }
        let bytes = Bytes::from(Message::Response(response).to_bytes());
        self.link.transmit(&bytes, out);
        if accepted_2xx {
            return Ok(());
        }
        self.trying = None;
        // Accepted absorbs retransmitted INVITEs without an answer (the TU
        // resends its 2xx): nothing to keep for its 32 s.
        let accepted = self.invite && (200..300).contains(&code);
        self.last = (!accepted).then_some(bytes);
        let reliable = self.link.reliable();
        match code {
            100..=199 => {
                self.state = State::Proceeding;
                self.deadlines = Deadlines::default();
            }
            200..=299 if self.invite => {
                self.finish(State::Accepted, now, self.timers.lifetime());
            }
            _ if self.invite => {
                self.state = State::Completed;
                self.interval = self.timers.t1;
                self.deadlines = Deadlines {
                    resend: (!reliable).then(|| now + self.timers.t1),
                    end: Some(now + self.timers.lifetime()),
                };
            }
            _ => self.finish(State::Completed, now, self.timers.j(reliable)),
        }
        Ok(())
    }

    /// Some deadline of this transaction may have passed.
    pub(crate) fn on_timeout(&mut self, now: Instant, out: &mut VecDeque<Output>) {
        if self.deadlines.take_end(now) {
            if self.state == State::Completed && self.invite {
                let key = self.link.key.clone();
                out.push_back(Output::Event(Event::Timeout { key }));
            }
            self.terminate();
            return;
        }
        if !self.deadlines.take_resend(now) {
            return;
        }
        match self.state {
            State::Proceeding => {
                if let Some(trying) = self.trying.take() {
                    self.link.transmit(&trying, out);
                    self.last = Some(trying);
                }
            }
            State::Completed => {
                if let Some(last) = &self.last {
                    self.link.transmit(last, out);
                }
                self.interval = self.timers.backoff_capped(self.interval);
                self.deadlines.resend = Some(now + self.interval);
            }
            _ => {}
        }
    }

    /// The transport could not deliver our response.
    pub(crate) fn on_transport_error(&mut self, out: &mut VecDeque<Output>) {
        let key = self.link.key.clone();
        out.push_back(Output::Event(Event::TransportError { key }));
        self.terminate();
    }

    /// `state` until `wait` passes, or straight to Terminated when it is
    /// zero.
    fn finish(&mut self, state: State, now: Instant, wait: Duration) {
        if wait.is_zero() {
            self.terminate();
        } else {
            self.state = state;
            self.deadlines = Deadlines {
                resend: None,
                end: Some(now + wait),
            };
        }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        self.deadlines = Deadlines::default();
    }
}

/// The 100 Trying for `request`, with its Timestamp (RFC 3261 §8.2.6.1).
fn trying(request: &Request) -> Response {
    let mut response = Response::to(request, 100, None);
    response
        .headers
        .copy_from(&request.headers, &HeaderName::Timestamp);
    response
}
