//! The SIP endpoint: turns each received message into the response the
//! server owes (RFC 3261 §8.2), before any PBX feature exists.
//!
//! - A request that does not parse gets 400 naming the problem, when a
//!   response can be formed; a response that does not parse is dropped.
//! - OPTIONS gets 200 with Allow, Accept and Supported.
//! - REGISTER gets a digest challenge (401) offering SHA-256 and MD5, and
//!   INVITE, SUBSCRIBE, MESSAGE and REFER a proxy challenge (407): no
//!   extension exists yet, so no credentials can pass, and every caller
//!   gets the same answer whatever user it names.
//! - Requests that only make sense inside a dialog get 481; ACK gets
//!   nothing.

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use switchboard_sip::digest::{Challenge, Credentials, NonceStatus, Nonces, Scheme};
use switchboard_sip::uas::{self, Capabilities};
use switchboard_sip::{parse, HeaderName, Message, Method, ParseError, Request, Response};

/// How a message travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
}

/// Bytes to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub destination: SocketAddr,
    pub transport: Transport,
    pub bytes: Vec<u8>,
}

/// Settings of the endpoint.
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    /// Realm of digest challenges.
    pub realm: String,
    /// Secret keying the nonces (the node secret).
    pub secret: [u8; 32],
    /// Seconds a nonce stays fresh.
    pub nonce_lifetime: u64,
    /// Value of the Server header.
    pub server_name: String,
}

/// The SIP endpoint.
pub struct Endpoint {
    caps: Capabilities,
    nonces: Nonces,
    config: EndpointConfig,
    rng: StdRng,
}

/// The methods Switchboard implements.
pub fn capabilities() -> Capabilities {
    Capabilities {
        allow: vec![
            Method::Invite,
            Method::Ack,
            Method::Bye,
            Method::Cancel,
            Method::Options,
            Method::Register,
            Method::Prack,
            Method::Subscribe,
            Method::Notify,
            Method::Refer,
            Method::Info,
            Method::Update,
            Method::Message,
        ],
        supported: vec![],
        accept: vec![
            "application/sdp",
            "multipart/mixed",
            "multipart/alternative",
        ],
        schemes: vec!["sip", "sips", "tel"],
    }
}

impl Endpoint {
    /// An endpoint; `seed` seeds the tags and nonce salts it makes.
    pub fn new(config: EndpointConfig, seed: u64) -> Endpoint {
        Endpoint {
            caps: capabilities(),
            nonces: Nonces::new(config.secret),
            config,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// Handles one datagram or stream frame received from `source`;
    /// `now_unix` is the wall-clock time in seconds (for nonces).
    pub fn handle(
        &mut self,
        bytes: Bytes,
        source: SocketAddr,
        transport: Transport,
        now_unix: u64,
    ) -> Option<Transmit> {
        self.handle_message(parse(bytes), source, transport, now_unix)
    }

    /// Handles a message already framed and parsed (stream transports).
    pub fn handle_message(
        &mut self,
        message: Result<Message, ParseError>,
        source: SocketAddr,
        transport: Transport,
        now_unix: u64,
    ) -> Option<Transmit> {
        let response = match message {
            Ok(Message::Request(req)) => self.answer(&req, now_unix)?,
            Ok(Message::Response(_)) => return None,
            Err(err) => uas::reject_unparsable(&err, &self.tag())?,
        };
        Some(Transmit {
            destination: source,
            transport,
            bytes: Message::from(self.finish(response)).to_bytes(),
        })
    }

    /// The response a parsed request gets, if any.
    pub fn answer(&mut self, req: &Request, now_unix: u64) -> Option<Response> {
        if req.method == Method::Ack {
            return None;
        }
        let tag = self.tag();
        if let Err(rejection) = uas::inspect(req, &self.caps, &tag) {
            return Some(rejection);
        }
        Some(match &req.method {
            Method::Options => {
                let mut r = Response::to(req, 200, Some(&tag));
                r.headers.push(HeaderName::Allow, self.caps.allow_header());
                r.headers
                    .push(HeaderName::Accept, self.caps.accept_header());
                r.headers.push(HeaderName::AcceptEncoding, "identity");
                r.headers
                    .push(HeaderName::Supported, self.caps.supported_header());
                r
            }
            Method::Register => self.challenge(req, 401, now_unix, &tag),
            Method::Invite | Method::Subscribe | Method::Message | Method::Refer => {
                self.challenge(req, 407, now_unix, &tag)
            }
            _ => Response::to(req, 481, Some(&tag)),
        })
    }

    /// A digest challenge; `stale=true` when the request carried a nonce
    /// that was ours but too old.
    fn challenge(&mut self, req: &Request, code: u16, now_unix: u64, tag: &str) -> Response {
        let (credentials_header, challenge_header) = if code == 401 {
            (HeaderName::Authorization, HeaderName::WwwAuthenticate)
        } else {
            (
                HeaderName::ProxyAuthorization,
                HeaderName::ProxyAuthenticate,
            )
        };
        let stale = req.headers.get_all(&credentials_header).any(|v| {
            matches!(Credentials::parse(v), Ok(Scheme::Digest(c))
                if self.nonces.check(&c.nonce, now_unix, self.config.nonce_lifetime) == NonceStatus::Stale)
        });
        let nonce = self.nonces.create(now_unix, self.rng.gen());
        let mut r = Response::to(req, code, Some(tag));
        for c in Challenge::sha256_and_md5(&self.config.realm, &nonce, stale) {
            r.headers.push(challenge_header.clone(), c.to_string());
        }
        r
    }

    fn finish(&self, mut r: Response) -> Response {
        r.headers
            .push(HeaderName::Server, self.config.server_name.as_str());
        let len = r.headers.0.len();
        let cl = r
            .headers
            .0
            .iter()
            .position(|h| h.name == HeaderName::ContentLength);
        if let Some(i) = cl {
            let h = r.headers.0.remove(i);
            r.headers.0.insert(len - 1, h);
        }
        r
    }

    fn tag(&mut self) -> String {
        format!("{:016x}", self.rng.gen::<u64>())
    }
}
