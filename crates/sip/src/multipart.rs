//! Multipart bodies (RFC 2046 §5.1, RFC 5621): a body made of parts, each
//! with its own headers, split at the boundary named in Content-Type. Used
//! to find the SDP inside `multipart/mixed` and `multipart/alternative`.

use crate::header_name::HeaderName;
use crate::message::Headers;
use crate::parse::split_headers;
use crate::text::Text;
use crate::typed::MediaType;
use bytes::Bytes;
use memchr::memmem;

/// One part of a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub headers: Headers,
    pub body: Bytes,
}

impl Part {
    /// The part's Content-Type (`text/plain` when it has none).
    pub fn content_type(&self) -> Option<MediaType> {
        match self.headers.get_text(&HeaderName::ContentType) {
            Some(v) => MediaType::parse(&v, &v).ok(),
            None => {
                let t = Text::from_static("text/plain");
                MediaType::parse(&t, &t).ok()
            }
        }
    }
}

/// Splits `body` at `boundary`. The preamble and epilogue are ignored.
pub fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, &'static str> {
    if boundary.is_empty() || boundary.len() > 70 {
        return Err("bad multipart boundary");
    }
    let delimiter = format!("--{boundary}");
    let finder = memmem::Finder::new(delimiter.as_bytes());
    let mut pos = finder.find(body).ok_or("multipart boundary not found")?;
    let mut parts = Vec::new();
    loop {
        let after = pos + delimiter.len();
        if body[after..].starts_with(b"--") {
            return Ok(parts);
        }
        let line_end = memmem::find(&body[after..], b"\r\n").ok_or("unterminated multipart")?;
        let content_start = after + line_end + 2;
        let next = finder
            .find(&body[content_start..])
            .map(|i| i + content_start)
            .ok_or("multipart without closing boundary")?;
        let content_end = if body[..next].ends_with(b"\r\n") {
            next - 2
        } else {
            next
        };
        if content_end < content_start {
            return Err("empty multipart part");
        }
        parts.push(part(body.slice(content_start..content_end))?);
        pos = next;
    }
}

fn part(content: Bytes) -> Result<Part, &'static str> {
    let (head_len, body_start) = if content.starts_with(b"\r\n") {
        (0, 2)
    } else {
        let end =
            memmem::find(&content, b"\r\n\r\n").ok_or("multipart part without headers end")?;
        (end, end + 4)
    };
    let head =
        Text::from_utf8(content.slice(..head_len)).map_err(|_| "part headers are not UTF-8")?;
    Ok(Part {
        headers: split_headers(&head, &head)?,
        body: content.slice(body_start..),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_part() {
        let body = Bytes::from_static(
            b"preamble\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nHello\r\n--xyz\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--xyz--\r\n",
        );
        let parts = parse(&body, "xyz").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(&parts[0].body[..], b"Hello");
        assert!(parts[1].content_type().unwrap().is("application", "sdp"));
        assert_eq!(&parts[1].body[..], b"v=0\r\n");
    }

    #[test]
    fn broken_multiparts_are_errors() {
        assert!(parse(&Bytes::from_static(b"--a\r\n\r\nx"), "a").is_err());
        assert!(parse(&Bytes::from_static(b"nothing"), "a").is_err());
    }
}
