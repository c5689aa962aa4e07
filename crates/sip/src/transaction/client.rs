//! Client transactions (RFC 3261 §17.1): the INVITE machine (Timers A, B,
//! D; the ACK for 3xx-6xx) and the non-INVITE machine (Timers E, F, K).
//! Timer A doubles without limit (§17.1.1.2: 0.5, 1, 2, 4, 8, 16 s before
//! Timer B at 32 s); Timer E doubles up to T2, and is T2 in Proceeding.
//!
//! Following RFC 6026, a 2xx moves an INVITE client transaction to
//! Accepted rather than ending it: for 64·T1 (Timer M) every further 2xx,
//! retransmitted or from another fork, is passed to the TU, which sends
//! the ACK for each. Over a reliable transport nothing is retransmitted
//! and Timers D and K are zero. An INVITE in Proceeding waits for a final
//! response without limit: giving up (CANCEL, Timer C) is the TU's call.

use super::ack;
use super::events::{Event, Link, Output};
use super::key::TransactionKey;
use super::state::State;
use super::timers::{Deadlines, Timers};
use crate::message::{Message, Request, Response};
use crate::method::Method;
use bytes::Bytes;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One client transaction. Once a final response came, it keeps only
/// what its remaining state needs: no request to resend, no ACK to build
/// (an INVITE's Accepted state lasts 32 s, and at hundreds of calls a
/// second that is tens of megabytes).
#[derive(Debug)]
pub(crate) struct ClientTransaction {
    link: Link,
    state: State,
    timers: Timers,
    invite: bool,
    /// Resent until a response comes; empty after a final one.
    request: Bytes,
    /// For an INVITE until its final response: the ACK to send for a
    /// 3xx-6xx, To still unset.
    ack_template: Option<Box<Request>>,
    /// The ACK sent, resent for each retransmitted final response.
    ack: Option<Bytes>,
    interval: Duration,
    deadlines: Deadlines,
}

impl ClientTransaction {
    /// Sends `request` (CSeq number `cseq`) and starts the timers.
    pub(crate) fn start(
        now: Instant,
        link: Link,
        request: Request,
        cseq: u32,
        timers: Timers,
        out: &mut VecDeque<Output>,
    ) -> ClientTransaction {
        let invite = request.method == Method::Invite;
        let ack_template = invite.then(|| Box::new(ack::template(&request, cseq)));
        let bytes = Bytes::from(Message::Request(request).to_bytes());
        link.transmit(&bytes, out);
        let deadlines = Deadlines {
            resend: (!link.reliable()).then(|| now + timers.t1),
            end: Some(now + timers.lifetime()),
        };
        ClientTransaction {
            state: if invite {
                State::Calling
            } else {
                State::Trying
            },
            link,
            timers,
            invite,
            request: bytes,
            ack_template,
            ack: None,
            interval: timers.t1,
            deadlines,
        }
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

    /// A response whose key matched this transaction.
    pub(crate) fn on_response(
        &mut self,
        now: Instant,
        response: Response,
        out: &mut VecDeque<Output>,
    ) {
        let code = response.code;
        let provisional = (100..200).contains(&code);
        let success = (200..300).contains(&code);
        let failure = (300..700).contains(&code);
        match (self.invite, self.state) {
            (true, State::Calling | State::Proceeding) if provisional => {
                self.state = State::Proceeding;
                self.deadlines = Deadlines::default();
                self.pass_up(response, out);
            }
            (true, State::Calling | State::Proceeding) if success => {
                self.state = State::Accepted;
                self.deadlines = Deadlines {
                    resend: None,
                    end: Some(now + self.timers.lifetime()),
                };
                self.let_go();
                self.pass_up(response, out);
            }
            (true, State::Calling | State::Proceeding) if failure => {
                if let Some(template) = &self.ack_template {
                    let ack = ack::for_response(template, &response);
                    self.link.transmit(&ack, out);
                    self.ack = Some(ack);
                }
                self.let_go();
                self.pass_up(response, out);
                self.complete(now, self.timers.d(self.link.reliable()));
            }
            (true, State::Accepted) if success => self.pass_up(response, out),
            (true, State::Completed) if failure => {
                if let Some(ack) = &self.ack {
                    self.link.transmit(ack, out);
                }
            }
            (false, State::Trying | State::Proceeding) if provisional => {
                self.state = State::Proceeding;
                self.pass_up(response, out);
            }
            (false, State::Trying | State::Proceeding) if success || failure => {
                self.let_go();
                self.pass_up(response, out);
                self.complete(now, self.timers.t4_unless(self.link.reliable()));
            }
            _ => {}
        }
    }

    /// A final response came: the request is not resent again, and no
    /// ACK is left to build (a failure's was built before this).
    fn let_go(&mut self) {
        self.request = Bytes::new();
        self.ack_template = None;
    }

    /// Some deadline of this transaction may have passed.
    pub(crate) fn on_timeout(&mut self, now: Instant, out: &mut VecDeque<Output>) {
        if self.deadlines.take_end(now) {
            if matches!(
                self.state,
                State::Calling | State::Trying | State::Proceeding
            ) {
                let key = self.link.key.clone();
                out.push_back(Output::Event(Event::Timeout { key }));
            }
            self.terminate();
            return;
        }
        if !self.deadlines.take_resend(now) {
            return;
        }
        self.interval = match self.state {
            State::Calling => self.interval * 2,
            State::Trying => self.timers.backoff_capped(self.interval),
            State::Proceeding => self.timers.t2,
            _ => return,
        };
        self.link.transmit(&self.request, out);
        self.deadlines.resend = Some(now + self.interval);
    }

    /// The transport could not deliver our request or ACK.
    pub(crate) fn on_transport_error(&mut self, out: &mut VecDeque<Output>) {
        let key = self.link.key.clone();
        out.push_back(Output::Event(Event::TransportError { key }));
        self.terminate();
    }

    fn pass_up(&self, response: Response, out: &mut VecDeque<Output>) {
        let key = self.link.key.clone();
        out.push_back(Output::Event(Event::Response { key, response }));
    }

    /// Completed for `wait`, or straight to Terminated when it is zero.
    fn complete(&mut self, now: Instant, wait: Duration) {
        if wait.is_zero() {
            self.terminate();
        } else {
            self.state = State::Completed;
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
