//! Why the layer refused to send what the transaction user handed it.

use super::key::TransactionKey;
use std::fmt;

/// A refused `send_request` or `send_response`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// ACK is not a transaction (RFC 3261 §17): the ACK for a non-2xx is
    /// sent by the INVITE client transaction, the ACK for a 2xx by the TU.
    Ack,
    /// The request lacks a usable top Via or CSeq, or its CSeq method is
    /// not its method.
    Malformed(&'static str),
    /// The destination is a broadcast, multicast or unspecified address.
    ForbiddenDestination,
    /// A client transaction with this branch and method is running.
    Duplicate(TransactionKey),
    /// No server transaction has this key (it may have ended).
    UnknownTransaction,
    /// The status code is outside 100-699.
    BadStatus(u16),
    /// The transaction already sent its final response; only further
    /// 2xx may follow a 2xx to an INVITE.
    FinalAlreadySent,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Ack => f.write_str("ACK is not sent through a transaction"),
            SendError::Malformed(why) => write!(f, "malformed request: {why}"),
            SendError::ForbiddenDestination => {
                f.write_str("destination is a broadcast, multicast or unspecified address")
            }
            SendError::Duplicate(key) => write!(f, "transaction {key:?} already exists"),
            SendError::UnknownTransaction => f.write_str("no such server transaction"),
            SendError::BadStatus(code) => write!(f, "status code {code} is out of range"),
            SendError::FinalAlreadySent => f.write_str("a final response was already sent"),
        }
    }
}

impl std::error::Error for SendError {}
