//! Switchboard's engine: the PBX's behaviour, above the SIP core and below
//! the sockets. It receives parsed messages with their source and hands
//! back what to send; the binary owns the sockets and the clock.
//!
//! The engine answers what every SIP server owes its peers (see
//! [`endpoint`]), registers phones ([`registrar`]) and connects calls
//! between extensions ([`call`]).

pub mod call;
pub mod endpoint;
pub mod registrar;
pub mod security;
pub mod trunk;

pub use call::forwarding::{Forward, Forwarding};
pub use call::media::LegCodec;
pub use call::media::Reserve;
pub use call::{CallConfig, CallRecord, Disposition, LiveCall, MediaEvent, MediaOrder, Side};
pub use call::{RecordAction, Recording};
pub use endpoint::{
    Counters, Endpoint, EndpointConfig, Forced, Notice, Service, Transmit, Transport,
};
pub use registrar::{Binding, RegistrarConfig};
pub use security::{Alarm, Ban, Dropped, SecurityConfig};
