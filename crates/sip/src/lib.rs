//! Switchboard's SIP core: the message model, parser and serializer, URIs
//! and typed headers, digest authentication and the RFC 3261 transaction
//! layer.
//!
//! This crate does no I/O and never reads the clock. Bytes and the current
//! time go in; messages to send, timers to arm and events come out. That
//! keeps it testable at any speed and reachable by fuzzers in every state
//! (the style of quinn-proto, rustls and str0m).

pub mod digest;
pub mod header_name;
pub mod message;
pub mod method;
pub mod multipart;
pub mod name_addr;
pub mod param;
pub mod parse;
pub mod scan;
pub mod sdp;
pub mod sparse;
pub mod status;
pub mod stream;
pub mod text;
pub mod transaction;
pub mod typed;
pub mod uas;
pub mod uri;
pub mod via;

pub use header_name::HeaderName;
pub use message::{Headers, Message, Request, Response};
pub use method::Method;
pub use name_addr::NameAddr;
pub use param::Param;
pub use parse::{parse, ParseError};
pub use stream::{Frame, StreamDecoder};
pub use text::Text;
pub use typed::{CSeq, MediaType};
pub use uri::{Host, SipUri, TelUri, Uri};
pub use via::Via;
