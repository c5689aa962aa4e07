//! SDP (RFC 8866) as a B2BUA needs it: read an offer or answer, rewrite
//! where media goes (the relay's address and ports), drop what the relay
//! makes meaningless (ICE candidates, `a=rtcp`), keep the codecs both
//! sides may use, read and set the direction (hold is `sendonly` or
//! `inactive`, RFC 3264 §8.4), and write it back.
//!
//! Lines this module does not interpret are kept as they were, in order,
//! so whatever a phone put in its description survives the rewrite. The
//! parser is strict about the structure (`x=value` lines, `v=0` first, an
//! `m=` line with port, protocol and formats) and tolerant of line endings
//! (CRLF or LF, RFC 8866 §5).

use std::fmt;
use std::net::IpAddr;

/// A session description: session-level lines, then media sections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sdp {
    /// Lines before the first `m=`, `v=` first.
    pub session: Vec<Line>,
    pub media: Vec<Media>,
}

/// One `type=value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: u8,
    pub value: String,
}

/// One media section: its `m=` line and the lines under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, …
    pub kind: String,
    pub port: u16,
    /// The `/count` after the port, if given.
    pub port_count: Option<u16>,
    /// `RTP/AVP`, `RTP/SAVP`, …
    pub proto: String,
    /// Payload types (for RTP) in the offerer's order of preference.
    pub formats: Vec<String>,
    pub lines: Vec<Line>,
}

/// Which way media flows (RFC 3264 §5.1); `sendrecv` when unsaid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    fn parse(s: &str) -> Option<Direction> {
        Some(match s {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }

    /// The direction as seen from the other end.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            d => d,
        }
    }
}

/// Why a body is not a session description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdpError(pub String);

impl fmt::Display for SdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad SDP: {}", self.0)
    }
}

impl std::error::Error for SdpError {}

fn err<T>(what: impl Into<String>) -> Result<T, SdpError> {
    Err(SdpError(what.into()))
}

impl Sdp {
    /// Reads a session description.
    pub fn parse(body: &[u8]) -> Result<Sdp, SdpError> {
        let text = std::str::from_utf8(body).or_else(|_| err("not UTF-8"))?;
        let mut session = Vec::new();
        let mut media: Vec<Media> = Vec::new();
        for raw in text.split('\n') {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.is_empty() {
                continue;
            }
            let line = Line::parse(raw)?;
            if session.is_empty()
                && media.is_empty()
                && (line.kind, line.value.as_str()) != (b'v', "0")
            {
                return err("does not start with v=0");
            }
            if line.kind == b'm' {
                media.push(Media::parse(&line.value)?);
            } else if let Some(m) = media.last_mut() {
                m.lines.push(line);
            } else {
                session.push(line);
            }
        }
        if session.is_empty() {
            return err("empty");
        }
        Ok(Sdp { session, media })
    }

    /// The address media of section `index` is sent to: its own `c=`, else
    /// the session's.
    pub fn connection(&self, index: usize) -> Option<IpAddr> {
        let own = self.media.get(index).and_then(|m| find(&m.lines, b'c'));
        own.or_else(|| find(&self.session, b'c'))
            .and_then(connection_address)
    }

    /// Points every connection line at `address`, and the origin too; the
    /// origin's version becomes `version` (a B2BUA leg counts its own).
    pub fn set_address(&mut self, address: IpAddr, session_id: u64, version: u64) {
        let c = connection_value(address);
        let mut has_session_c = false;
        for line in &mut self.session {
            match line.kind {
                b'c' => {
                    line.value = c.clone();
                    has_session_c = true;
                }
                b'o' => {
                    line.value = format!(
                        "switchboard {session_id} {version} {}",
                        connection_value(address)
                    )
                }
                _ => {}
            }
        }
        for m in &mut self.media {
            m.lines.retain(|l| l.kind != b'c');
            if !has_session_c {
                m.lines.insert(0, Line::new(b'c', c.clone()));
            }
        }
    }

    /// The direction of section `index`.
    pub fn direction(&self, index: usize) -> Direction {
        let attr = |lines: &[Line]| {
            lines
                .iter()
                .filter(|l| l.kind == b'a')
                .find_map(|l| Direction::parse(&l.value))
        };
        self.media
            .get(index)
            .and_then(|m| attr(&m.lines))
            .or_else(|| attr(&self.session))
            .unwrap_or(Direction::SendRecv)
    }

    /// Sets the direction of every media section (and removes a
    /// session-level one).
    pub fn set_direction(&mut self, direction: Direction) {
        self.session
            .retain(|l| !(l.kind == b'a' && Direction::parse(&l.value).is_some()));
        for m in &mut self.media {
            m.lines
                .retain(|l| !(l.kind == b'a' && Direction::parse(&l.value).is_some()));
            m.lines.push(Line::new(b'a', direction.as_str().to_owned()));
        }
    }

    /// Writes it, CRLF after every line.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl fmt::Display for Sdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.session {
            write!(f, "{line}")?;
        }
        for m in &self.media {
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

impl Line {
    pub fn new(kind: u8, value: String) -> Line {
        Line { kind, value }
    }

    fn parse(raw: &str) -> Result<Line, SdpError> {
        let bytes = raw.as_bytes();
        if bytes.len() < 2 || bytes[1] != b'=' || !bytes[0].is_ascii_lowercase() {
            return err(format!("line {raw:?} is not type=value"));
        }
        Ok(Line::new(bytes[0], raw[2..].to_owned()))
    }

    /// The attribute name and value of an `a=name:value` line.
    pub fn attribute(&self) -> Option<(&str, Option<&str>)> {
        if self.kind != b'a' {
            return None;
        }
        Some(match self.value.split_once(':') {
            Some((name, value)) => (name, Some(value)),
            None => (self.value.as_str(), None),
        })
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}\r\n", self.kind as char, self.value)
    }
}

/// A codec of a media section, from its `a=rtpmap` (or the static
/// payload types of RFC 3551).
/// It borrows from its media section: reading the codecs allocates
/// nothing, and the engine reads them several times per offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Codec<'a> {
    pub payload_type: &'a str,
    /// As written in the rtpmap (`PCMU`, `opus`, `telephone-event`).
    pub name: &'a str,
    pub clock_rate: u32,
}

impl Media {
    fn parse(value: &str) -> Result<Media, SdpError> {
        let mut parts = value.split(' ');
        let kind = parts.next().filter(|k| !k.is_empty());
        let (Some(kind), Some(port), Some(proto)) = (kind, parts.next(), parts.next()) else {
            return err(format!("m={value} lacks a port or protocol"));
        };
        let (port, port_count) = match port.split_once('/') {
            Some((p, n)) => (
                p,
                Some(
                    n.parse()
                        .or_else(|_| err(format!("port count in m={value}")))?,
                ),
            ),
            None => (port, None),
        };
        let port = port
            .parse()
            .or_else(|_| err(format!("port in m={value}")))?;
        let formats: Vec<String> = parts.filter(|f| !f.is_empty()).map(str::to_owned).collect();
        if formats.is_empty() {
            return err(format!("m={value} has no formats"));
        }
        Ok(Media {
            kind: kind.to_owned(),
            port,
            port_count,
            proto: proto.to_owned(),
            formats,
            lines: Vec::new(),
        })
    }

    /// The codecs offered, in order.
    pub fn codecs(&self) -> impl Iterator<Item = Codec<'_>> {
        self.formats.iter().filter_map(|pt| {
            let mapped = self.lines.iter().find_map(|l| match l.attribute() {
                Some(("rtpmap", Some(v))) => {
                    let (p, enc) = v.split_once(' ')?;
                    (p == pt).then_some(enc)
                }
                _ => None,
            });
            let (name, clock_rate) = match mapped {
                Some(enc) => {
                    let mut it = enc.split('/');
                    let name = it.next()?;
                    (name, it.next()?.parse().ok()?)
                }
                None => static_payload(pt)?,
            };
            Some(Codec {
                payload_type: pt,
                name,
                clock_rate,
            })
        })
    }

    /// Whether a codec of that name (in any case) is offered.
    pub fn offers(&self, name: &str) -> bool {
        self.codecs().any(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Keeps only the payload types `keep` says yes to, with their
    /// `rtpmap`, `fmtp` and `rtcp-fb` lines. False when none is left.
    pub fn retain_formats(&mut self, mut keep: impl FnMut(&str) -> bool) -> bool {
        self.formats.retain(|pt| keep(pt));
        let formats = self.formats.clone();
        self.lines.retain(|l| match l.attribute() {
            Some(("rtpmap" | "fmtp" | "rtcp-fb", Some(v))) => {
                let pt = v.split(' ').next().unwrap_or("");
                pt == "*" || formats.iter().any(|f| f == pt)
            }
            _ => true,
        });
        !self.formats.is_empty()
    }

    /// Drops the attributes that describe where media really goes, which
    /// a relay replaces: ICE (RFC 8839), `a=rtcp` (RFC 3605) and RTCP
    /// multiplexing (the relay uses the next port for RTCP).
    pub fn strip_transport_attributes(&mut self) {
        self.lines.retain(|l| {
            !matches!(
                l.attribute(),
                Some((
                    "candidate"
                        | "ice-ufrag"
                        | "ice-pwd"
                        | "ice-options"
                        | "ice-lite"
                        | "end-of-candidates"
                        | "remote-candidates"
                        | "rtcp"
                        | "rtcp-mux",
                    _
                ))
            )
        });
    }
}

impl fmt::Display for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={} {}", self.kind, self.port)?;
        if let Some(n) = self.port_count {
            write!(f, "/{n}")?;
        }
        write!(f, " {} {}\r\n", self.proto, self.formats.join(" "))?;
        for line in &self.lines {
            write!(f, "{line}")?;
        }
        Ok(())
    }
}

/// RFC 3551's static audio payload types that phones leave unmapped.
fn static_payload(pt: &str) -> Option<(&'static str, u32)> {
    Some(match pt {
        "0" => ("PCMU", 8000),
        "3" => ("GSM", 8000),
        "4" => ("G723", 8000),
        "8" => ("PCMA", 8000),
        "9" => ("G722", 8000),
        "18" => ("G729", 8000),
        _ => return None,
    })
}

fn find(lines: &[Line], kind: u8) -> Option<&str> {
    lines
        .iter()
        .find(|l| l.kind == kind)
        .map(|l| l.value.as_str())
}

fn connection_address(value: &str) -> Option<IpAddr> {
    let mut parts = value.split(' ');
    let (Some("IN"), Some(_), Some(addr)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    addr.split('/').next()?.parse().ok()
}

fn connection_value(address: IpAddr) -> String {
    match address {
        IpAddr::V4(a) => format!("IN IP4 {a}"),
        IpAddr::V6(a) => format!("IN IP6 {a}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BARESIP: &str = "v=0\r\n\
        o=- 1234 5678 IN IP4 192.168.1.20\r\n\
        s=-\r\n\
        c=IN IP4 192.168.1.20\r\n\
        t=0 0\r\n\
        m=audio 10000 RTP/AVP 9 0 8 101\r\n\
        b=AS:64\r\n\
        a=rtpmap:9 G722/8000\r\n\
        a=rtpmap:101 telephone-event/8000\r\n\
        a=fmtp:101 0-15\r\n\
        a=rtcp:10001\r\n\
        a=candidate:1 1 UDP 2130706431 192.168.1.20 10000 typ host\r\n\
        a=sendrecv\r\n\
        a=label:1\r\n";

    #[test]
    fn reads_and_writes_back_byte_for_byte() {
        let sdp = Sdp::parse(BARESIP.as_bytes()).unwrap();
        assert_eq!(sdp.to_string(), BARESIP);
        assert_eq!(sdp.connection(0), Some("192.168.1.20".parse().unwrap()));
        let m = &sdp.media[0];
        assert_eq!(
            (m.kind.as_str(), m.port, m.proto.as_str()),
            ("audio", 10000, "RTP/AVP")
        );
        let names: Vec<_> = m.codecs().map(|c| c.name).collect();
        assert_eq!(names, ["G722", "PCMU", "PCMA", "telephone-event"]);
    }

    #[test]
    fn the_relay_rewrite_keeps_what_it_does_not_know() {
        let mut sdp = Sdp::parse(BARESIP.as_bytes()).unwrap();
        sdp.set_address("203.0.113.5".parse().unwrap(), 42, 3);
        let m = &mut sdp.media[0];
        m.port = 30000;
        m.strip_transport_attributes();
        assert!(m.retain_formats(|pt| pt != "9"));
        let text = sdp.to_string();
        assert!(
            text.contains("o=switchboard 42 3 IN IP4 203.0.113.5\r\n"),
            "{text}"
        );
        assert!(text.contains("c=IN IP4 203.0.113.5\r\n"));
        assert!(text.contains("m=audio 30000 RTP/AVP 0 8 101\r\n"));
        assert!(!text.contains("G722") && !text.contains("candidate") && !text.contains("a=rtcp:"));
        assert!(text.contains("a=label:1\r\n") && text.contains("b=AS:64\r\n"));
        assert_eq!(sdp.connection(0), Some("203.0.113.5".parse().unwrap()));
    }

    #[test]
    fn media_level_connections_are_rewritten_too() {
        let body =
            "v=0\no=a 1 1 IN IP6 ::1\ns=x\nt=0 0\nm=audio 4000 RTP/AVP 0\nc=IN IP6 2001:db8::1\n";
        let mut sdp = Sdp::parse(body.as_bytes()).unwrap();
        assert_eq!(sdp.connection(0), Some("2001:db8::1".parse().unwrap()));
        sdp.set_address("192.0.2.1".parse().unwrap(), 1, 1);
        assert_eq!(sdp.connection(0), Some("192.0.2.1".parse().unwrap()));
        assert_eq!(sdp.to_string().matches("c=").count(), 1);
    }

    #[test]
    fn direction_is_read_and_set() {
        let mut sdp = Sdp::parse(BARESIP.as_bytes()).unwrap();
        assert_eq!(sdp.direction(0), Direction::SendRecv);
        sdp.set_direction(Direction::SendOnly);
        assert_eq!(sdp.direction(0), Direction::SendOnly);
        assert_eq!(sdp.to_string().matches("a=sendonly").count(), 1);
        assert!(!sdp.to_string().contains("a=sendrecv"));
        assert_eq!(Direction::SendOnly.reversed(), Direction::RecvOnly);
    }

    #[test]
    fn malformed_descriptions_are_errors() {
        for bad in [
            "",
            "o=x\r\n",
            "v=1\r\n",
            "v=0\r\nm=audio\r\n",
            "v=0\r\nm=audio x RTP/AVP 0\r\n",
            "v=0\r\nm=audio 4000 RTP/AVP\r\n",
            "v=0\r\nnot a line\r\n",
            "v=0\r\nX=upper\r\n",
        ] {
            assert!(Sdp::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(Sdp::parse(&[b'v', b'=', b'0', b'\n', 0xff]).is_err());
    }

    fn line() -> impl Strategy<Value = Line> {
        (
            prop::sample::select(vec![b'o', b's', b'c', b't', b'a', b'b', b'i']),
            "[ -~]{0,40}",
        )
            .prop_map(|(kind, value)| Line::new(kind, value))
    }

    fn media() -> impl Strategy<Value = Media> {
        (
            "[a-z]{1,8}",
            any::<u16>(),
            prop::option::of(1u16..8),
            "[A-Z/]{1,10}",
            prop::collection::vec("[0-9]{1,3}", 1..6),
            prop::collection::vec(line(), 0..6),
        )
            .prop_map(|(kind, port, port_count, proto, formats, lines)| Media {
                kind,
                port,
                port_count,
                proto,
                formats,
                lines,
            })
    }

    proptest! {
        #[test]
        fn writing_then_reading_gives_the_same_description(
            session in prop::collection::vec(line(), 0..6),
            media in prop::collection::vec(media(), 0..4),
        ) {
            let mut all = vec![Line::new(b'v', "0".into())];
            all.extend(session);
            let sdp = Sdp { session: all, media };
            let again = Sdp::parse(&sdp.to_bytes()).unwrap();
            prop_assert_eq!(again, sdp);
        }

        #[test]
        fn any_bytes_are_read_or_refused_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = Sdp::parse(&bytes);
        }
    }
}
