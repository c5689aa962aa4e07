//! The SIP message model: requests and responses, an ordered header list,
//! and the body. Headers keep their values as text and are typed on
//! demand, so a proxy path that reads three headers pays for three.
//!
//! Writing a message back ([`Message::write_to`]) emits known header names
//! in canonical form and every value as stored; parsing that output gives
//! the same model again.

use crate::header_name::HeaderName;
use crate::method::Method;
use crate::name_addr::NameAddr;
use crate::scan;
use crate::text::Text;
use crate::typed::{self, CSeq, MediaType};
use crate::uri::Uri;
use crate::via::Via;
use bytes::Bytes;
use std::fmt::Write as _;

/// One header line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    pub name: HeaderName,
    pub value: Text,
}

/// Header lines in message order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Headers(pub Vec<Header>);

fn same_name(a: &HeaderName, b: &HeaderName) -> bool {
    match (a, b) {
        (HeaderName::Other(x), HeaderName::Other(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

impl Headers {
    /// Appends a header line.
    pub fn push(&mut self, name: HeaderName, value: impl Into<Text>) {
        self.0.push(Header {
            name,
            value: value.into(),
        });
    }

    /// Puts a header line before all others (a new top Via).
    pub fn push_front(&mut self, name: HeaderName, value: impl Into<Text>) {
        self.0.insert(
            0,
            Header {
                name,
                value: value.into(),
            },
        );
    }

    /// The first value of `name`.
    pub fn get(&self, name: &HeaderName) -> Option<&Text> {
        self.0
            .iter()
            .find(|h| same_name(&h.name, name))
            .map(|h| &h.value)
    }

    /// Every line of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a Text> + 'a {
        self.0
            .iter()
            .filter(move |h| same_name(&h.name, name))
            .map(|h| &h.value)
    }

    /// Every comma-separated element of every line of `name`, with the
    /// line it came from (so typed parsers can slice it).
    pub fn elements<'a>(
        &'a self,
        name: &'a HeaderName,
    ) -> impl Iterator<Item = (&'a Text, &'a str)> + 'a {
        self.get_all(name)
            .flat_map(|line| scan::split_top_level(line, b',').map(move |e| (line, e)))
    }

    /// How many lines of `name` there are.
    pub fn count(&self, name: &HeaderName) -> usize {
        self.get_all(name).count()
    }

    /// Removes every line of `name`.
    pub fn remove(&mut self, name: &HeaderName) {
        self.0.retain(|h| !same_name(&h.name, name));
    }

    /// Replaces every line of `name` with one line holding `value`, kept at
    /// the position of the first.
    pub fn set(&mut self, name: HeaderName, value: impl Into<Text>) {
        let value = value.into();
        match self.0.iter().position(|h| same_name(&h.name, &name)) {
            Some(i) => {
                self.0[i].value = value;
                let mut seen = 0;
                self.0.retain(|h| {
                    let keep = !same_name(&h.name, &name) || seen == 0;
                    if same_name(&h.name, &name) {
                        seen += 1;
                    }
                    keep
                });
            }
            None => self.push(name, value),
        }
    }

    /// The lines in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.0.iter()
    }

    /// The topmost Via.
    pub fn top_via(&self) -> Result<Via, &'static str> {
        let (src, first) = self
            .elements(&HeaderName::Via)
            .next()
            .ok_or("missing Via")?;
        Via::parse(src, first)
    }

    /// Every Via, top first.
    pub fn vias(&self) -> impl Iterator<Item = Result<Via, &'static str>> + '_ {
        self.elements(&HeaderName::Via)
            .map(|(src, e)| Via::parse(src, e))
    }

    fn single(&self, name: &HeaderName, missing: &'static str) -> Result<&Text, &'static str> {
        self.get(name).ok_or(missing)
    }

    /// The From address.
    pub fn from(&self) -> Result<NameAddr, &'static str> {
        let v = self.single(&HeaderName::From, "missing From")?;
        NameAddr::parse(v, v).map_err(|_| "malformed From")
    }

    /// The To address.
    pub fn to(&self) -> Result<NameAddr, &'static str> {
        let v = self.single(&HeaderName::To, "missing To")?;
        NameAddr::parse(v, v).map_err(|_| "malformed To")
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Result<&Text, &'static str> {
        self.single(&HeaderName::CallId, "missing Call-ID")
    }

    /// The CSeq.
    pub fn cseq(&self) -> Result<CSeq, &'static str> {
        let v = self.single(&HeaderName::CSeq, "missing CSeq")?;
        CSeq::parse(v, v).map_err(|_| "malformed CSeq")
    }

    /// Max-Forwards, when present.
    pub fn max_forwards(&self) -> Result<Option<u8>, &'static str> {
        self.get(&HeaderName::MaxForwards)
            .map(|v| {
                typed::number(v, 255)
                    .map(|n| n as u8)
                    .map_err(|_| "malformed Max-Forwards")
            })
            .transpose()
    }

    /// Content-Type, when present.
    pub fn content_type(&self) -> Result<Option<MediaType>, &'static str> {
        self.get(&HeaderName::ContentType)
            .map(|v| MediaType::parse(v, v).map_err(|_| "malformed Content-Type"))
            .transpose()
    }

    /// Every Contact; a `*` wildcard yields `Ok(None)`.
    pub fn contacts(&self) -> impl Iterator<Item = Result<Option<NameAddr>, &'static str>> + '_ {
        self.elements(&HeaderName::Contact).map(|(src, e)| {
            if scan::trim(e) == "*" {
                Ok(None)
            } else {
                NameAddr::parse(src, e)
                    .map(Some)
                    .map_err(|_| "malformed Contact")
            }
        })
    }
}

/// A request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub method: Method,
    pub uri: Uri,
    /// `SIP/2.0`, or whatever other version the peer wrote.
    pub version: Text,
    pub headers: Headers,
    pub body: Bytes,
}

/// A response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Response {
    pub version: Text,
    pub code: u16,
    pub reason: Text,
    pub headers: Headers,
    pub body: Bytes,
}

/// A request or a response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    Request(Request),
    Response(Response),
}

/// The version Switchboard speaks.
pub const SIP_2_0: &str = "SIP/2.0";

impl Request {
    /// A request with the given start line and no headers.
    pub fn new(method: Method, uri: Uri) -> Request {
        Request {
            method,
            uri,
            version: Text::from_static(SIP_2_0),
            headers: Headers::default(),
            body: Bytes::new(),
        }
    }
}

impl Response {
    /// A response to `req` (RFC 3261 §8.2.6.2): Via, From, To, Call-ID and
    /// CSeq copied, no body. `to_tag` is added to To when it has none and
    /// the response is not 100.
    pub fn to(req: &Request, code: u16, to_tag: Option<&str>) -> Response {
        Self::from_headers(&req.headers, code, to_tag)
    }

    /// As [`Response::to`], from the headers of a request that may not have
    /// parsed completely.
    pub fn from_headers(headers: &Headers, code: u16, to_tag: Option<&str>) -> Response {
        let mut out = Headers::default();
        for h in headers.iter() {
            let copy = matches!(
                h.name,
                HeaderName::Via | HeaderName::From | HeaderName::CallId | HeaderName::CSeq
            );
            if copy {
                out.0.push(h.clone());
            } else if h.name == HeaderName::To {
                let mut value = h.value.clone();
                if let (Some(tag), true) = (to_tag, code > 100) {
                    let has_tag = NameAddr::parse(&h.value, &h.value)
                        .map(|a| a.tag().is_some())
                        .unwrap_or(true);
                    if !has_tag {
                        value = Text::from(format!("{};tag={tag}", h.value));
                    }
                }
                out.0.push(Header {
                    name: HeaderName::To,
                    value,
                });
            }
        }
        out.push(HeaderName::ContentLength, Text::from_static("0"));
        Response {
            version: Text::from_static(SIP_2_0),
            code,
            reason: Text::from_static(crate::status::reason(code)),
            headers: out,
            body: Bytes::new(),
        }
    }

    /// Replaces the reason phrase.
    pub fn with_reason(mut self, reason: impl Into<Text>) -> Response {
        self.reason = reason.into();
        self
    }
}

impl Message {
    /// The headers.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    /// The headers, mutable.
    pub fn headers_mut(&mut self) -> &mut Headers {
        match self {
            Message::Request(r) => &mut r.headers,
            Message::Response(r) => &mut r.headers,
        }
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }

    /// Replaces the body and sets Content-Length (and Content-Type when
    /// given).
    pub fn set_body(&mut self, content_type: Option<&str>, body: Bytes) {
        let len = body.len();
        match self {
            Message::Request(r) => r.body = body,
            Message::Response(r) => r.body = body,
        }
        let headers = self.headers_mut();
        if let Some(ct) = content_type {
            headers.set(HeaderName::ContentType, ct);
        }
        headers.set(HeaderName::ContentLength, len.to_string());
    }

    /// Appends the wire form to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let mut line = String::with_capacity(128);
        match self {
            Message::Request(r) => {
                let _ = write!(line, "{} {} {}\r\n", r.method, r.uri, r.version);
            }
            Message::Response(r) => {
                let _ = write!(line, "{} {} {}\r\n", r.version, r.code, r.reason);
            }
        }
        out.extend_from_slice(line.as_bytes());
        for h in self.headers().iter() {
            out.extend_from_slice(h.name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(h.value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(self.body());
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512 + self.body().len());
        self.write_to(&mut out);
        out
    }
}

impl From<Request> for Message {
    fn from(r: Request) -> Message {
        Message::Request(r)
    }
}

impl From<Response> for Message {
    fn from(r: Response) -> Message {
        Message::Response(r)
    }
}
