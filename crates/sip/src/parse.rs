//! The message parser: frames one message out of a datagram or a complete
//! stream frame, splits and unfolds its header lines, and parses the start
//! line. Header values stay text (see `message`), sliced from the input
//! without copying unless they were folded over several lines.
//!
//! A datagram may carry octets past Content-Length (RFC 3261 §18.3): they
//! are ignored. A Content-Length larger than what arrived is an error.

use crate::header_name::HeaderName;
use crate::message::{Headers, Message, Request, Response, SIP_2_0};
use crate::method::Method;
use crate::scan;
use crate::text::Text;
use crate::uri::Uri;
use bytes::Bytes;
use memchr::memmem;
use std::fmt;
use std::sync::LazyLock;

/// Why a message could not be parsed, with whatever was understood of it
/// so a server can still answer a broken request with 400.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, fit for a 400 reason phrase.
    pub reason: &'static str,
    /// The header lines, when the message could be split into lines.
    pub headers: Option<Headers>,
    /// True when the start line looks like a request rather than a
    /// response (responses that fail to parse are dropped silently).
    pub is_request: bool,
}

impl ParseError {
    fn bare(reason: &'static str) -> ParseError {
        ParseError {
            reason,
            headers: None,
            is_request: false,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

impl std::error::Error for ParseError {}

/// The empty line that ends the header section; the searcher is built once.
pub(crate) static HEAD_END: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\r\n\r\n"));

/// Largest message accepted, head and body together.
pub const MAX_MESSAGE: usize = 65_535;

/// Parses one message from a datagram.
pub fn parse(buf: Bytes) -> Result<Message, ParseError> {
    parse_framed(buf, false)
}

/// Parses one message; with `length_required`, Content-Length must be
/// present (stream transports).
pub(crate) fn parse_framed(buf: Bytes, length_required: bool) -> Result<Message, ParseError> {
    if buf.len() > MAX_MESSAGE {
        return Err(ParseError::bare("message too large"));
    }
    let skip = buf
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    let head_end = HEAD_END
        .find(&buf[skip..])
        .map(|i| i + skip)
        .ok_or(ParseError::bare("no empty line after the headers"))?;
    let head = Text::from_utf8(buf.slice(skip..head_end))
        .map_err(|_| ParseError::bare("headers are not UTF-8"))?;
    let (start, lines) = head
        .split_once("\r\n")
        .unwrap_or((&head, &head[head.len()..]));
    let is_request = !start.starts_with("SIP/");
    let headers = split_headers(&head, lines).map_err(|reason| ParseError {
        reason,
        headers: None,
        is_request,
    })?;
    let fail = |reason| ParseError {
        reason,
        headers: Some(headers.clone()),
        is_request,
    };

    let body_start = head_end + 4;
    let available = buf.len() - body_start;
    let body = match content_length(&headers).map_err(fail)? {
        Some(len) if len > available => return Err(fail("Content-Length larger than message")),
        Some(len) => buf.slice(body_start..body_start + len),
        None if length_required => return Err(fail("missing Content-Length on a stream")),
        None => buf.slice(body_start..),
    };

    if is_request {
        let (method, uri, version) = parse_request_line(&head, start).map_err(fail)?;
        Ok(Message::Request(Request {
            method,
            uri,
            version,
            headers,
            body,
        }))
    } else {
        let (version, code, reason) = parse_status_line(&head, start).map_err(fail)?;
        Ok(Message::Response(Response {
            version,
            code,
            reason,
            headers,
            body,
        }))
    }
}

/// Splits header lines, joining folded continuation lines. `lines` is a
/// subslice of `head`; values become spans of `head`, and only folded
/// values (which must be joined) are copied.
pub(crate) fn split_headers(head: &Text, lines: &str) -> Result<Headers, &'static str> {
    let mut headers = Headers::with_source(head.clone());
    if lines.is_empty() {
        return Ok(headers);
    }
    let bytes = head.as_bytes();
    let mut pos = lines.as_ptr() as usize - head.as_ptr() as usize;
    let end = pos + lines.len();
    while pos < end {
        let line_end = next_line_end(bytes, pos, end);
        let line = &bytes[pos..line_end];
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return Err("continuation line before any header");
        }
        let colon = memchr::memchr(b':', line).ok_or("header line without ':'")?;
        let name = head[pos..pos + colon].trim_end_matches([' ', '\t']);
        if !scan::is_token(name) {
            return Err("bad header name");
        }
        let name = HeaderName::known(name.as_bytes())
            .unwrap_or_else(|| HeaderName::Other(head.slice(name)));
        let mut value_end = line_end;
        let mut next = (line_end + 2).min(end);
        let mut folded = false;
        while next < end && matches!(bytes[next], b' ' | b'\t') {
            value_end = next_line_end(bytes, next, end);
            next = (value_end + 2).min(end);
            folded = true;
        }
        let value_start = pos + colon + 1;
        if folded {
            let joined = head[value_start..value_end].replace("\r\n", "");
            headers.push(name, scan::trim(&joined).to_owned());
        } else {
            let raw = &head[value_start..value_end];
            let trimmed = scan::trim(raw);
            let start = value_start + (trimmed.as_ptr() as usize - raw.as_ptr() as usize);
            headers.push_span(name, start, start + trimmed.len());
        }
        pos = next;
    }
    Ok(headers)
}

/// Where the line starting at `from` ends: the next CRLF before `end`, or
/// `end`. A lone LF does not end a line.
fn next_line_end(bytes: &[u8], from: usize, end: usize) -> usize {
    let mut search = from;
    while let Some(i) = memchr::memchr(b'\n', &bytes[search..end]) {
        let lf = search + i;
        if lf > from && bytes[lf - 1] == b'\r' {
            return lf - 1;
        }
        search = lf + 1;
    }
    end
}

fn content_length(headers: &Headers) -> Result<Option<usize>, &'static str> {
    let mut values = headers.get_all(&HeaderName::ContentLength);
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err("more than one Content-Length");
    }
    let n = scan::decimal(first).ok_or("malformed Content-Length")?;
    usize::try_from(n)
        .map(Some)
        .map_err(|_| "malformed Content-Length")
}

fn parse_version(head: &Text, s: &str) -> Result<Text, &'static str> {
    let ok = s.len() > 4
        && s.as_bytes()[..4].eq_ignore_ascii_case(b"SIP/")
        && s[4..]
            .split_once('.')
            .is_some_and(|(a, b)| scan::decimal(a).is_some() && scan::decimal(b).is_some());
    if s == SIP_2_0 {
        Ok(Text::from_static(SIP_2_0))
    } else if ok {
        Ok(head.slice(s))
    } else {
        Err("malformed SIP version")
    }
}

fn parse_request_line(head: &Text, line: &str) -> Result<(Method, Uri, Text), &'static str> {
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed Request-Line");
    };
    let method = Method::parse(&head.slice(method)).ok_or("bad method")?;
    let uri = Uri::parse(head, uri).map_err(|_| "malformed Request-URI")?;
    Ok((method, uri, parse_version(head, version)?))
}

fn parse_status_line(head: &Text, line: &str) -> Result<(Text, u16, Text), &'static str> {
    let mut parts = line.splitn(3, ' ');
    let version = parse_version(head, parts.next().unwrap_or(""))?;
    let code = parts.next().unwrap_or("");
    if code.len() != 3 {
        return Err("malformed status code");
    }
    let code = scan::decimal(code)
        .filter(|c| (100..=699).contains(c))
        .ok_or("malformed status code")? as u16;
    let reason = parts.next().unwrap_or("");
    if reason.bytes().any(|b| b < b' ' && b != b'\t') {
        return Err("control character in reason phrase");
    }
    Ok((version, code, head.slice(reason)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> Request {
        match parse(Bytes::copy_from_slice(s.as_bytes())).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => panic!("not a request"),
        }
    }

    #[test]
    fn parses_a_register() {
        let r = req("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nl: 0\r\n\r\n");
        assert_eq!(r.method, Method::Register);
        assert_eq!(r.headers.count(&HeaderName::ContentLength), 1);
        assert_eq!(r.headers.top_via().unwrap().branch().unwrap(), "z9hG4bK1");
        assert!(r.body.is_empty());
    }

    #[test]
    fn unfolds_continuation_lines() {
        let r = req("OPTIONS sip:a@b SIP/2.0\r\nSubject: one\r\n two\r\n\tthree\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(
            r.headers.get(&HeaderName::Subject).unwrap(),
            "one two\tthree"
        );
    }

    #[test]
    fn body_follows_content_length_and_ignores_trailing_octets() {
        let r = req("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhello world");
        assert_eq!(&r.body[..], b"hello");
    }

    #[test]
    fn errors_keep_headers_for_a_400() {
        let e = parse(Bytes::from_static(
            b"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 99\r\n\r\nshort",
        ))
        .unwrap_err();
        assert!(e.is_request);
        assert_eq!(e.reason, "Content-Length larger than message");
        assert_eq!(e.headers.unwrap().call_id().unwrap(), "x");
    }

    #[test]
    fn strict_start_lines() {
        for bad in [
            "INVITE  sip:a@b SIP/2.0\r\n\r\n",
            "INVITE sip:a@b SIP/2.0 \r\n\r\n",
            "INVITE <sip:a@b> SIP/2.0\r\n\r\n",
            "SIP/2.0 4294967301 OK\r\n\r\n",
            "INVITE sip:a@b SIP/2\r\n\r\n",
            "OPTIONS sip:a@b S01\u{d2}$\r\n\r\n",
        ] {
            assert!(
                parse(Bytes::copy_from_slice(bad.as_bytes())).is_err(),
                "{bad:?}"
            );
        }
    }
}
