//! What any user agent server checks before it acts on a request
//! (RFC 3261 §8.2): the version, the headers every request needs and
//! their syntax, the Request-URI scheme, the method, required extensions,
//! the body's type and encoding, and what the client will accept back.
//!
//! [`inspect`] either passes a request or hands back the response that
//! rejects it, with the headers the RFC asks for (Allow, Unsupported,
//! Accept, Accept-Encoding) and a reason phrase that names the problem.

use crate::header_name::HeaderName;
use crate::message::{Headers, Request, Response, SIP_2_0};
use crate::method::Method;
use crate::parse::ParseError;
use crate::typed::{self, MediaType};
use crate::uri::Uri;
use crate::{scan, Text};

/// What this server supports; it shapes the checks and the headers of
/// rejections and OPTIONS answers.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// Methods this server implements.
    pub allow: Vec<Method>,
    /// Option tags this server supports.
    pub supported: Vec<&'static str>,
    /// Body types this server understands, as `type/subtype`.
    pub accept: Vec<&'static str>,
    /// Request-URI schemes this server handles.
    pub schemes: Vec<&'static str>,
}

impl Capabilities {
    /// `Allow` header value.
    pub fn allow_header(&self) -> String {
        join(self.allow.iter().map(Method::as_str))
    }

    /// `Supported` header value.
    pub fn supported_header(&self) -> String {
        join(self.supported.iter().copied())
    }

    /// `Accept` header value.
    pub fn accept_header(&self) -> String {
        join(self.accept.iter().copied())
    }

    fn accepts(&self, media: &MediaType) -> bool {
        self.accept
            .iter()
            .any(|a| a.split_once('/').is_some_and(|(k, s)| media.is(k, s)))
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// Headers that may appear only once (RFC 3261 §7.3: not list headers).
const SINGLE: [HeaderName; 6] = [
    HeaderName::From,
    HeaderName::To,
    HeaderName::CallId,
    HeaderName::CSeq,
    HeaderName::MaxForwards,
    HeaderName::ContentType,
];

/// Checks `req`; `Err` carries the response that rejects it. `to_tag` is
/// the tag this server puts in the To of a rejection.
pub fn inspect(req: &Request, caps: &Capabilities, to_tag: &str) -> Result<(), Response> {
    let reject = |code: u16| Response::to(req, code, Some(to_tag));
    let bad = |why: &str| reject(400).with_reason(format!("Bad Request ({why})"));

    if !req.version.eq_ignore_ascii_case(SIP_2_0) {
        return Err(reject(505));
    }
    check_headers(&req.headers).map_err(bad)?;
    let cseq = req.headers.cseq().map_err(bad)?;
    if cseq.method != req.method {
        return Err(bad("CSeq method does not match the request"));
    }
    if !caps.schemes.iter().any(|s| req.uri.scheme() == *s) {
        let mut r = reject(416);
        r.headers.push(
            HeaderName::Other(Text::from_static("Accept-Scheme")),
            join(caps.schemes.iter().copied()),
        );
        return Err(r);
    }
    if let Uri::Sip(u) = &req.uri {
        if !u.headers.is_empty() {
            return Err(bad("Request-URI must not carry headers"));
        }
    }
    if !caps.allow.contains(&req.method) {
        let code = if matches!(req.method, Method::Other(_)) {
            501
        } else {
            405
        };
        let mut r = reject(code);
        r.headers.push(HeaderName::Allow, caps.allow_header());
        return Err(r);
    }
    if req.method != Method::Ack && req.method != Method::Cancel {
        check_extensions(req, caps).map_err(|unsupported| {
            let mut r = reject(420);
            r.headers
                .push(HeaderName::Unsupported, unsupported.join(", "));
            r
        })?;
    }
    check_body(req, caps).map_err(|code| {
        let mut r = reject(code);
        match code {
            415 => {
                r.headers.push(HeaderName::Accept, caps.accept_header());
                r.headers.push(HeaderName::AcceptEncoding, "identity");
            }
            406 => r.headers.push(HeaderName::Accept, caps.accept_header()),
            _ => {}
        }
        r
    })?;
    Ok(())
}

/// The headers every request needs, each well formed and, where the RFC
/// says so, present only once.
fn check_headers(h: &Headers) -> Result<(), &'static str> {
    for name in &SINGLE {
        if h.count(name) > 1 {
            return Err(match name {
                HeaderName::From => "more than one From",
                HeaderName::To => "more than one To",
                HeaderName::CallId => "more than one Call-ID",
                HeaderName::CSeq => "more than one CSeq",
                HeaderName::MaxForwards => "more than one Max-Forwards",
                _ => "more than one Content-Type",
            });
        }
    }
    let mut vias = 0;
    for via in h.vias() {
        via.map_err(|_| "malformed Via")?;
        vias += 1;
    }
    if vias == 0 {
        return Err("missing Via");
    }
    h.from()?;
    h.to()?;
    let call_id = h.call_id()?;
    if call_id.is_empty() || call_id.contains([' ', '\t']) {
        return Err("malformed Call-ID");
    }
    h.cseq()?;
    h.max_forwards()?;
    h.content_type()?;
    for contact in h.contacts() {
        contact?;
    }
    for name in [HeaderName::Route, HeaderName::RecordRoute] {
        for (src, e) in h.elements(&name) {
            crate::NameAddr::parse(src, e).map_err(|_| "malformed Route or Record-Route")?;
        }
    }
    for name in [
        HeaderName::Require,
        HeaderName::ProxyRequire,
        HeaderName::Supported,
    ] {
        for v in h.get_all(&name) {
            typed::option_tags(v)?;
        }
    }
    Ok(())
}

/// Option tags in Require and Proxy-Require this server lacks. Switchboard
/// is both the user agent server and the proxy a phone talks to, so it
/// answers for both headers.
fn check_extensions(req: &Request, caps: &Capabilities) -> Result<(), Vec<String>> {
    let mut unsupported = Vec::new();
    for name in [HeaderName::Require, HeaderName::ProxyRequire] {
        for v in req.headers.get_all(&name) {
            for tag in typed::option_tags(v).unwrap_or_default() {
                if !caps.supported.iter().any(|s| s.eq_ignore_ascii_case(tag)) {
                    unsupported.push(tag.to_owned());
                }
            }
        }
    }
    if unsupported.is_empty() {
        Ok(())
    } else {
        Err(unsupported)
    }
}

/// 415 for a body of a type or encoding this server does not understand,
/// 406 when the client accepts nothing this server could answer an INVITE
/// with.
fn check_body(req: &Request, caps: &Capabilities) -> Result<(), u16> {
    if !req.body.is_empty() {
        if let Some(ct) = req.headers.content_type().ok().flatten() {
            if !caps.accepts(&ct) {
                return Err(415);
            }
        }
        for enc in req.headers.get_all(&HeaderName::ContentEncoding) {
            if scan::split_top_level(enc, b',')
                .any(|e| !scan::trim(e).eq_ignore_ascii_case("identity"))
            {
                return Err(415);
            }
        }
    }
    if req.method == Method::Invite && req.headers.count(&HeaderName::Accept) > 0 {
        let sdp_ok = req.headers.elements(&HeaderName::Accept).any(|(src, e)| {
            scan::trim(e).is_empty()
                || MediaType::parse(src, e).is_ok_and(|m| m.admits("application", "sdp"))
        });
        if !sdp_ok {
            return Err(406);
        }
    }
    Ok(())
}

/// The 400 for a request that did not parse, when one can be formed: the
/// start line looked like a request and its header lines could be split.
pub fn reject_unparsable(err: &ParseError, to_tag: &str) -> Option<Response> {
    if !err.is_request {
        return None;
    }
    let headers = err.headers.as_ref()?;
    headers.get(&HeaderName::Via)?;
    Some(
        Response::from_headers(headers, 400, Some(to_tag))
            .with_reason(format!("Bad Request ({})", err.reason)),
    )
}
