//! Switchboard's engine: the PBX's behaviour, above the SIP core and below
//! the sockets. It receives parsed messages with their source and hands
//! back what to send; the binary owns the sockets and the clock.
//!
//! Today the engine answers what every SIP server owes its peers before any
//! PBX feature exists (see [`endpoint`]); registrar, calls and call flows
//! grow here as modules the core does not depend on.

pub mod endpoint;

pub use endpoint::{Endpoint, EndpointConfig, Transmit, Transport};
