//! Framing SIP over a byte stream (TCP, TLS): messages are delimited by
//! Content-Length (RFC 3261 §18.3), data arrives in arbitrary pieces, and
//! peers send CRLF keep-alives between messages (RFC 5626 §3.5.1: a
//! double-CRLF ping is answered with a single-CRLF pong).

use crate::message::Message;
use crate::parse::{parse_framed, ParseError, HEAD_END, MAX_MESSAGE};
use bytes::{Buf, BytesMut};

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
    /// How much of the buffer has been searched for the end of the head,
    /// so data trickling in is not searched again from the start.
    scanned: usize,
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
        let total = match self.pending {
            Some(total) => total,
            None => {
                match self.skip_keepalives() {
                    Front::Ping => return Ok(Some(Frame::Ping)),
                    Front::Wait => return Ok(None),
                    Front::Message => {}
                }
                match self.next_frame_length()? {
                    Some(total) => total,
                    None => return Ok(None),
                }
            }
        };
        if self.buf.len() < total {
            return Ok(None);
        }
        self.pending = None;
        self.scanned = 0;
        let frame = self.buf.split_to(total).freeze();
        Ok(Some(match parse_framed(frame, true) {
            Ok(m) => Frame::Message(m),
            Err(e) => Frame::Malformed(e),
        }))
    }

    /// Consumes CRLFs before a message: a double CRLF is a ping, a single
    /// one (a pong, or stray) is dropped. Waits while the buffer could
    /// still become a ping.
    fn skip_keepalives(&mut self) -> Front {
        loop {
            if self.buf.starts_with(b"\r\n\r\n") {
                self.buf.advance(4);
                self.scanned = 0;
                return Front::Ping;
            }
            if self.buf.len() < 4 && b"\r\n\r\n".starts_with(&self.buf) {
                return Front::Wait;
            }
            if !self.buf.starts_with(b"\r\n") {
                return Front::Message;
            }
            self.buf.advance(2);
            self.scanned = 0;
        }
    }

    /// The length of the message at the front once its head is complete;
    /// `None` while the head is incomplete or the front is a keep-alive.
    fn next_frame_length(&mut self) -> Result<Option<usize>, ParseError> {
        let from = self.scanned.saturating_sub(3);
        let found = HEAD_END.find(&self.buf[from..]).map(|i| i + from);
        self.scanned = self.buf.len();
        let Some(head_end) = found else {
            return if self.buf.len() > MAX_MESSAGE {
                Err(framing("header section too large"))
            } else {
                Ok(None)
            };
        };
        let body = declared_length(&self.buf[..head_end])
            .ok_or_else(|| framing("missing or malformed Content-Length on a stream"))?;
        let total = (head_end + 4)
            .checked_add(body)
            .filter(|&t| t <= MAX_MESSAGE)
            .ok_or_else(|| framing("message too large"))?;
        self.pending = Some(total);
        Ok(Some(total))
    }
}

/// What the front of the buffer holds.
enum Front {
    Ping,
    Wait,
    Message,
}

fn framing(reason: &'static str) -> ParseError {
    ParseError {
        reason,
        headers: None,
        is_request: false,
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
            found = Some(usize::try_from(crate::scan::decimal(value)?).ok()?);
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
    fn huge_content_length_is_an_error_not_an_overflow() {
        let mut d = StreamDecoder::new();
        d.extend(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 18446744073709551615\r\n\r\n");
        assert!(d.decode().is_err());
    }

    #[test]
    fn junk_after_a_crlf_does_not_buffer_forever() {
        let mut d = StreamDecoder::new();
        d.extend(b"\r\n\r");
        assert_eq!(d.decode().unwrap(), None, "may still become a ping");
        d.extend(&vec![b'x'; MAX_MESSAGE + 10]);
        assert!(d.decode().is_err(), "no header end within the limit");
    }

    #[test]
    fn requires_content_length() {
        let mut d = StreamDecoder::new();
        d.extend(b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n");
        assert!(d.decode().is_err());
    }
}
