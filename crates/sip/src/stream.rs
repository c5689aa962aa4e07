//! Framing SIP over a byte stream (TCP, TLS): messages are delimited by
//! Content-Length (RFC 3261 §18.3), data arrives in arbitrary pieces, and
//! peers send CRLF keep-alives between messages (RFC 5626 §3.5.1: a
//! double-CRLF ping is answered with a single-CRLF pong).

use crate::message::Message;
use crate::parse::{parse_framed, ParseError, MAX_MESSAGE};
use bytes::{Buf, BytesMut};
use memchr::memmem;

/// What a stream yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    Message(Message),
    /// A frame whose length was right but whose content did not parse;
    /// the stream stays usable.
    Malformed(ParseError),
    /// A double-CRLF keep-alive ping: answer with `\r\n`.
    Ping,
}

/// Accumulates stream data and cuts complete frames out of it.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    buf: BytesMut,
    /// Total length of the message at the front, once its head is read.
    pending: Option<usize>,
}

impl StreamDecoder {
    /// A decoder with an empty buffer.
    pub fn new() -> StreamDecoder {
        StreamDecoder::default()
    }

    /// Appends received data.
    pub fn extend(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered but not yet framed.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next complete frame, `Ok(None)` when more data is needed. An
    /// error means the stream has lost its framing and should be closed.
    pub fn decode(&mut self) -> Result<Option<Frame>, ParseError> {
        if self.pending.is_none() {
            loop {
                if self.buf.starts_with(b"\r\n\r\n") {
                    self.buf.advance(4);
                    return Ok(Some(Frame::Ping));
                }
                if self.buf.len() >= 3 && self.buf.starts_with(b"\r\n") && self.buf[2] != b'\r' {
                    self.buf.advance(2);
                    continue;
                }
                break;
            }
            if self.buf.starts_with(b"\r") {
                return Ok(None);
            }
            let Some(head_end) = memmem::find(&self.buf, b"\r\n\r\n") else {
                return if self.buf.len() > MAX_MESSAGE {
                    Err(ParseError {
                        reason: "header section too large",
                        headers: None,
                        is_request: false,
                    })
                } else {
                    Ok(None)
                };
            };
            let body = declared_length(&self.buf[..head_end]).ok_or(ParseError {
                reason: "missing or malformed Content-Length on a stream",
                headers: None,
                is_request: false,
            })?;
            self.pending = Some(head_end + 4 + body);
        }
        let total = self.pending.unwrap_or(0);
        if total > MAX_MESSAGE {
            return Err(ParseError {
                reason: "message too large",
                headers: None,
                is_request: false,
            });
        }
        if self.buf.len() < total {
            return Ok(None);
        }
        self.pending = None;
        let frame = self.buf.split_to(total).freeze();
        Ok(Some(match parse_framed(frame, true) {
            Ok(m) => Frame::Message(m),
            Err(e) => Frame::Malformed(e),
        }))
    }
}

/// Finds the Content-Length value in a raw header section.
fn declared_length(head: &[u8]) -> Option<usize> {
    let mut found = None;
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = line[..colon].trim_ascii_end();
        if name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l") {
            let value = std::str::from_utf8(line[colon + 1..].trim_ascii()).ok()?;
            if found.is_some() {
                return None;
            }
            found = Some(crate::scan::decimal(value)? as usize);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[u8] = b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 4\r\n\r\nbody";

    #[test]
    fn frames_byte_by_byte() {
        let mut d = StreamDecoder::new();
        let mut got = Vec::new();
        let mut data = b"\r\n\r\n".to_vec();
        data.extend_from_slice(OPTIONS);
        data.extend_from_slice(b"\r\n");
        data.extend_from_slice(OPTIONS);
        for b in &data {
            d.extend(&[*b]);
            while let Some(f) = d.decode().unwrap() {
                got.push(f);
            }
        }
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Frame::Ping);
        assert!(matches!(&got[2], Frame::Message(m) if &m.body()[..] == b"body"));
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn requires_content_length() {
        let mut d = StreamDecoder::new();
        d.extend(b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n");
        assert!(d.decode().is_err());
    }
}
