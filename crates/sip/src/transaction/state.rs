//! The states of the four transaction machines (RFC 3261 Figures 5-8,
//! with the Accepted state RFC 6026 adds to both INVITE machines).

/// Where a transaction is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// INVITE client: request sent, no response yet.
    Calling,
    /// Non-INVITE client or server: request sent or received, no
    /// response yet.
    Trying,
    /// A provisional response was received or sent.
    Proceeding,
    /// A 3xx-6xx final (any final for non-INVITE) was received or sent;
    /// retransmissions are absorbed.
    Completed,
    /// INVITE server: the ACK for a 3xx-6xx final arrived.
    Confirmed,
    /// INVITE: a 2xx was received or sent (RFC 6026); further 2xx go to
    /// or come from the TU, which also owns the ACK.
    Accepted,
    /// Done; the layer forgets the transaction.
    Terminated,
}
