//! The RFC 3261 §17 transaction layer, sans-I/O.
//!
//! A [`TransactionLayer`] holds every client and server transaction of an
//! endpoint. Received messages and transport errors go in through
//! `handle_input`, the TU's requests and responses through `send_request`
//! and `send_response`; bytes to send and events for the TU come out of
//! `poll_output`. Time is always an `Instant` handed in by the caller
//! (`poll_timeout` says when to call `handle_timeout` next); the layer
//! never reads the clock, so tests run whole exchanges in virtual time.
//!
//! Choices worth knowing:
//! - RFC 6026's Accepted state in both INVITE machines: 2xx
//!   retransmissions reach the client TU, INVITE retransmissions after a
//!   2xx do not reach the server TU, and ACKs for 2xx always go to the TU.
//! - An INVITE server transaction sends 100 Trying itself only when the
//!   TU has not answered within 200 ms ([`Config::trying_delay`]).
//! - Responses follow RFC 3581 and §18.2.2 back to the source IP, never
//!   to a broadcast address; there is no DNS (see `return_path`).
//! - Requests without the magic cookie (RFC 2543 peers) are matched by the
//!   fields §17.2.3 lists for them.
//! - Branches come from a caller-supplied seed, since the crate has no
//!   random source.

mod ack;
mod branch;
mod client;
mod config;
mod error;
mod events;
mod key;
mod layer;
mod return_path;
mod server;
mod state;
mod timers;
mod top_via;
mod transport;

pub use config::Config;
pub use error::SendError;
pub use events::{Event, Input, Output, Transmit};
pub use key::{LegacyKey, TransactionKey};
pub use layer::TransactionLayer;
pub use state::State;
pub use timers::{Timers, END_GRID};
pub use transport::Transport;
