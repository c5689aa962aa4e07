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

/// Header lines in message order.
///
/// Lines read off the wire are spans of one shared buffer (`source`), so
/// parsing costs no reference count per header; a [`Text`] is cut only
/// when a typed accessor or caller asks for one. Lines added later hold
/// their own `Text`.
#[derive(Clone, Debug, Default)]
pub struct Headers {
    source: Text,
    lines: Vec<Line>,
}

#[derive(Clone, Debug)]
struct Line {
    name: HeaderName,
    value: Value,
}

#[derive(Clone, Debug)]
enum Value {
    /// `source[start..end]`.
    Span {
        start: u32,
        end: u32,
    },
    Owned(Text),
}

fn same_name(a: &HeaderName, b: &HeaderName) -> bool {
    match (a, b) {
        (HeaderName::Other(x), HeaderName::Other(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

impl Headers {
    /// Headers whose lines will be spans of `source`.
    pub(crate) fn with_source(source: Text) -> Headers {
        Headers {
            source,
            lines: Vec::with_capacity(16),
        }
    }

    /// Appends a line whose value is `source[start..end]`.
    pub(crate) fn push_span(&mut self, name: HeaderName, start: usize, end: usize) {
        let value = Value::Span {
            start: start as u32,
            end: end as u32,
        };
        self.lines.push(Line { name, value });
    }

    fn value<'a>(&'a self, line: &'a Line) -> &'a str {
        match &line.value {
            Value::Span { start, end } => &self.source[*start as usize..*end as usize],
            Value::Owned(t) => t,
        }
    }

    /// The buffer a line's value lives in, for typed parsers to slice.
    fn buffer<'a>(&'a self, line: &'a Line) -> &'a Text {
        match &line.value {
            Value::Span { .. } => &self.source,
            Value::Owned(t) => t,
        }
    }

    fn text(&self, line: &Line) -> Text {
        match &line.value {
            Value::Span { .. } => self.source.slice(self.value(line)),
            Value::Owned(t) => t.clone(),
        }
    }

    fn lines_named<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a Line> + 'a {
        self.lines.iter().filter(move |l| same_name(&l.name, name))
    }

    fn first_line(&self, name: &HeaderName) -> Option<&Line> {
        self.lines.iter().find(|l| same_name(&l.name, name))
    }

    /// Appends a header line.
    pub fn push(&mut self, name: HeaderName, value: impl Into<Text>) {
        self.lines.push(Line {
            name,
            value: Value::Owned(value.into()),
        });
    }

    /// Puts a header line before all others (a new top Via).
    pub fn push_front(&mut self, name: HeaderName, value: impl Into<Text>) {
        self.lines.insert(
            0,
            Line {
                name,
                value: Value::Owned(value.into()),
            },
        );
    }

    /// The first value of `name`.
    pub fn get(&self, name: &HeaderName) -> Option<&str> {
        self.first_line(name).map(|l| self.value(l))
    }

    /// The first value of `name` as a shared `Text`.
    pub fn get_text(&self, name: &HeaderName) -> Option<Text> {
        self.first_line(name).map(|l| self.text(l))
    }

    /// Every line of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a str> + 'a {
        self.lines_named(name).map(|l| self.value(l))
    }

    /// Every comma-separated element of every line of `name`, with the
    /// buffer it lies in (so typed parsers can slice it).
    pub fn elements<'a>(
        &'a self,
        name: &'a HeaderName,
    ) -> impl Iterator<Item = (&'a Text, &'a str)> + 'a {
        self.lines_named(name).flat_map(|l| {
            let buffer = self.buffer(l);
            scan::split_top_level(self.value(l), b',').map(move |e| (buffer, e))
        })
    }

    /// How many lines of `name` there are.
    pub fn count(&self, name: &HeaderName) -> usize {
        self.lines_named(name).count()
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &str)> + '_ {
        self.lines.iter().map(|l| (&l.name, self.value(l)))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Removes every line of `name`.
    pub fn remove(&mut self, name: &HeaderName) {
        self.lines.retain(|l| !same_name(&l.name, name));
    }

    /// Replaces every line of `name` with one line holding `value`, kept at
    /// the position of the first.
    pub fn set(&mut self, name: HeaderName, value: impl Into<Text>) {
        let value = Value::Owned(value.into());
        match self.lines.iter().position(|l| same_name(&l.name, &name)) {
            Some(i) => {
                self.lines[i].value = value;
                let mut index = 0;
                self.lines.retain(|l| {
                    let keep = index <= i || !same_name(&l.name, &name);
                    index += 1;
                    keep
                });
            }
            None => self.lines.push(Line { name, value }),
        }
    }

    /// Replaces the value of the first line of `name`; false when there is
    /// none.
    pub fn replace_first(&mut self, name: &HeaderName, value: Text) -> bool {
        match self.lines.iter_mut().find(|l| same_name(&l.name, name)) {
            Some(line) => {
                line.value = Value::Owned(value);
                true
            }
            None => false,
        }
    }

    /// Appends every line of `name` in `from`, sharing its buffers.
    pub fn copy_from(&mut self, from: &Headers, name: &HeaderName) {
        for line in from.lines_named(name) {
            self.lines.push(Line {
                name: line.name.clone(),
                value: Value::Owned(from.text(line)),
            });
        }
    }

    /// The topmost Via.
    pub fn top_via(&self) -> Result<Via, &'static str> {
        let (src, first) = self
            .elements(&HeaderName::Via)
            .next()
            .ok_or("missing Via")?;
        Via::parse(src, first).map_err(|_| "malformed Via")
    }

    /// Every Via, top first.
    pub fn vias(&self) -> impl Iterator<Item = Result<Via, &'static str>> + '_ {
        self.elements(&HeaderName::Via)
            .map(|(src, e)| Via::parse(src, e))
    }

    /// The first line of `name` with the buffer it lies in.
    fn single(
        &self,
        name: &HeaderName,
        missing: &'static str,
    ) -> Result<(&Text, &str), &'static str> {
        let line = self.first_line(name).ok_or(missing)?;
        Ok((self.buffer(line), self.value(line)))
    }

    /// The From address.
    pub fn from(&self) -> Result<NameAddr, &'static str> {
        let (src, v) = self.single(&HeaderName::From, "missing From")?;
        NameAddr::parse(src, v).map_err(|_| "malformed From")
    }

    /// The To address.
    pub fn to(&self) -> Result<NameAddr, &'static str> {
        let (src, v) = self.single(&HeaderName::To, "missing To")?;
        NameAddr::parse(src, v).map_err(|_| "malformed To")
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Result<Text, &'static str> {
        self.get_text(&HeaderName::CallId).ok_or("missing Call-ID")
    }

    /// The CSeq.
    pub fn cseq(&self) -> Result<CSeq, &'static str> {
        let (src, v) = self.single(&HeaderName::CSeq, "missing CSeq")?;
        CSeq::parse(src, v).map_err(|_| "malformed CSeq")
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
        self.single(&HeaderName::ContentType, "")
            .ok()
            .map(|(src, v)| MediaType::parse(src, v).map_err(|_| "malformed Content-Type"))
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
        out.copy_from(headers, &HeaderName::Via);
        out.copy_from(headers, &HeaderName::From);
        if let Some(to) = headers.get_text(&HeaderName::To) {
            let needs_tag = code > 100
                && to_tag.is_some()
                && NameAddr::parse(&to, &to).is_ok_and(|a| a.tag().is_none());
            match to_tag {
                Some(tag) if needs_tag => out.push(HeaderName::To, format!("{to};tag={tag}")),
                _ => out.push(HeaderName::To, to),
            }
        }
        out.copy_from(headers, &HeaderName::CallId);
        out.copy_from(headers, &HeaderName::CSeq);
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
        for (name, value) in self.headers().iter() {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
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

impl PartialEq for Headers {
    /// Headers are equal when they hold the same lines in the same order,
    /// however each value is stored.
    fn eq(&self, other: &Headers) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Eq for Headers {}

impl std::hash::Hash for Headers {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for (name, value) in self.iter() {
            name.hash(state);
            value.hash(state);
        }
    }
}
