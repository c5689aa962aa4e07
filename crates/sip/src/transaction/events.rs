//! What crosses the transaction layer's boundary: [`Input`] goes in with
//! the current time; [`Output`]s come out of `poll_output`, each either
//! bytes to send ([`Transmit`]) or news for the transaction user
//! ([`Event`]).

use super::key::TransactionKey;
use super::transport::Transport;
use crate::message::{Message, Request, Response};
use bytes::Bytes;
use std::collections::VecDeque;
use std::net::SocketAddr;

/// Something that happened outside the layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A message read from the network (already parsed; framing and 400s
    /// for unparseable requests are the transport's business).
    Received {
        message: Message,
        source: SocketAddr,
        transport: Transport,
    },
    /// The transport could not deliver a [`Transmit`] of this transaction
    /// (RFC 3261 §17.1.4, §17.2.4), after whatever fallback it tries
    /// itself (§18.2.2: a new connection to the sent-by). The transaction
    /// reports [`Event::TransportError`] and ends.
    TransportError(TransactionKey),
}

/// One thing the caller must act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Transmit(Transmit),
    Event(Event),
}

/// Bytes to send. Over a reliable transport `destination` is the remote
/// address of the connection to use (for responses, the one the request
/// came in on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    /// The transaction sending it, to report a transport error against.
    pub key: TransactionKey,
    pub destination: SocketAddr,
    pub transport: Transport,
    pub bytes: Bytes,
}

/// News for the transaction user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A new request started a server transaction; answer it with
    /// `send_response(key, …)`. The top Via already carries `received`
    /// and `rport` (RFC 3581), so responses built with
    /// [`Response::to`] copy them.
    Request {
        key: TransactionKey,
        request: Request,
        source: SocketAddr,
        transport: Transport,
    },
    /// A new CANCEL started a server transaction (answer it with 200, or
    /// 481 when `invite` is `None`); `invite` is the INVITE server
    /// transaction it cancels (RFC 3261 §9.2), if that still exists.
    Cancel {
        key: TransactionKey,
        invite: Option<TransactionKey>,
        request: Request,
        source: SocketAddr,
        transport: Transport,
    },
    /// An ACK that is not part of an INVITE transaction: the ACK for a 2xx
    /// (RFC 3261 §17.2.1, §13.3.1.4), for the dialog layer.
    Ack {
        request: Request,
        source: SocketAddr,
        transport: Transport,
    },
    /// A response for a client transaction: provisional, final, and every
    /// further 2xx to an INVITE (each needs its own ACK from the TU).
    Response {
        key: TransactionKey,
        response: Response,
    },
    /// A request of a method the layer answers statelessly
    /// ([`Config::stateless`](super::Config::stateless)). No transaction
    /// exists: the TU sends its answer to `destination` itself, and a
    /// retransmission arrives as another such event.
    Stateless {
        request: Request,
        source: SocketAddr,
        transport: Transport,
        destination: SocketAddr,
    },
    /// A request no transaction can be keyed on (its top Via does not
    /// parse, or an RFC 2543 request lacks From, To, Call-ID or CSeq). It
    /// started nothing; the TU may answer it statelessly (400).
    Unkeyable {
        request: Request,
        source: SocketAddr,
        transport: Transport,
        reason: &'static str,
    },
    /// A response that matches no client transaction (RFC 3261 §18.1.2),
    /// for example a 2xx retransmitted after the INVITE transaction ended.
    StrayResponse {
        response: Response,
        source: SocketAddr,
        transport: Transport,
    },
    /// Timer B or F fired (no final response) or Timer H fired (no ACK
    /// for a 3xx-6xx final response).
    Timeout { key: TransactionKey },
    /// The transport failed to deliver a message of this transaction.
    TransportError { key: TransactionKey },
    /// The transaction is gone; every transaction ends with exactly one.
    Terminated { key: TransactionKey },
}

/// Where one transaction sends to, and how it queues what it sends.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    pub(crate) key: TransactionKey,
    pub(crate) destination: SocketAddr,
    pub(crate) transport: Transport,
}

impl Link {
    pub(crate) fn transmit(&self, bytes: &Bytes, out: &mut VecDeque<Output>) {
        out.push_back(Output::Transmit(Transmit {
            key: self.key.clone(),
            destination: self.destination,
            transport: self.transport,
            bytes: bytes.clone(),
        }));
    }

    pub(crate) fn reliable(&self) -> bool {
        self.transport.is_reliable()
    }
}
