//! The Via header (RFC 3261 §20.42): how a response finds its way back.
//! `sent-protocol` may carry white space around its slashes, and the
//! parameters `branch`, `received`, `rport` (RFC 3581) and `maddr` matter
//! to transactions and transports.

use crate::param::{self, Param};
use crate::scan;
use crate::text::Text;
use crate::uri::{parse_host_port, Host};
use std::fmt;

/// The magic cookie that marks an RFC 3261 branch.
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// One Via entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Via {
    /// Protocol version, `2.0`.
    pub version: Text,
    /// Transport as written (`UDP`, `TCP`, `TLS`, `WS`, `WSS`, `SCTP`, …).
    pub transport: Text,
    pub host: Host,
    pub port: Option<u16>,
    pub params: Vec<Param>,
}

impl Via {
    /// Parses one via-parm; `s` is a subslice of `src`.
    pub fn parse(src: &Text, s: &str) -> Result<Via, &'static str> {
        let mut parts = s.splitn(3, '/');
        let name = scan::trim(parts.next().unwrap_or(""));
        let version = scan::trim(parts.next().ok_or("bad Via protocol")?);
        let rest = parts.next().ok_or("bad Via protocol")?;
        if !name.eq_ignore_ascii_case("SIP") || !scan::is_token(version) {
            return Err("bad Via protocol");
        }
        let rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let t_len = rest.bytes().take_while(|&b| scan::is_token_byte(b)).count();
        if t_len == 0 {
            return Err("missing Via transport");
        }
        let transport = &rest[..t_len];
        let after = &rest[t_len..];
        let sent_by_start = after.len() - after.trim_start_matches([' ', '\t', '\r', '\n']).len();
        if sent_by_start == 0 {
            return Err("missing space before Via sent-by");
        }
        let after = &after[sent_by_start..];
        let (sent_by, params) = match after.find(';') {
            Some(sc) => (&after[..sc], &after[sc..]),
            None => (after, ""),
        };
        let (host, port) = parse_sent_by(src, scan::trim(sent_by))?;
        Ok(Via {
            version: src.slice(version),
            transport: src.slice(transport),
            host,
            port,
            params: param::parse_header_params(src, params)?,
        })
    }

    /// Parses a standalone string (copies it).
    pub fn parse_str(s: &str) -> Result<Via, &'static str> {
        let t = Text::from(s);
        Via::parse(&t, &t)
    }

    /// The branch parameter.
    pub fn branch(&self) -> Option<&Text> {
        param::value(&self.params, "branch")
    }

    /// The `received` parameter.
    pub fn received(&self) -> Option<&Text> {
        param::value(&self.params, "received")
    }

    /// `Some(None)` when `rport` is present without a value (a request
    /// asking for it), `Some(Some(port))` when filled in.
    pub fn rport(&self) -> Option<Option<u16>> {
        param::find(&self.params, "rport").map(|p| p.value.as_ref().and_then(|v| v.parse().ok()))
    }

    /// True when the branch is the RFC 3261 magic cookie followed by an
    /// identifier. A bare cookie identifies nothing (RFC 4475 §3.2.1), so
    /// such a request is matched by RFC 2543 rules like a cookie-less one.
    pub fn has_rfc3261_branch(&self) -> bool {
        self.branch()
            .is_some_and(|b| b.len() > MAGIC_COOKIE.len() && b.starts_with(MAGIC_COOKIE))
    }

    /// Sets or replaces a parameter.
    pub fn set_param(&mut self, name: &str, value: Option<Text>) {
        match self
            .params
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            Some(p) => p.value = value,
            None => self.params.push(Param {
                name: Text::from(name),
                value,
            }),
        }
    }
}

/// `sent-by`: host, optionally `:` port, with white space allowed around
/// the colon.
fn parse_sent_by(src: &Text, s: &str) -> Result<(Host, Option<u16>), &'static str> {
    let colon = if s.starts_with('[') {
        s.find(']')
            .and_then(|end| s[end..].find(':').map(|c| c + end))
    } else {
        s.find(':')
    };
    match colon {
        None => {
            if s.contains([' ', '\t']) {
                return Err("white space in Via sent-by");
            }
            parse_host_port(src, s)
        }
        Some(c) => {
            let (host, _) = parse_host_port(src, scan::trim(&s[..c]))?;
            let port = scan::trim(&s[c + 1..]);
            let port = scan::decimal(port)
                .and_then(|p| u16::try_from(p).ok())
                .ok_or("bad port in Via")?;
            Ok((host, Some(port)))
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/{}/{} {}", self.version, self.transport, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        param::write_all(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tortuous_vias() {
        let v = Via::parse_str("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw").unwrap();
        assert_eq!(v.transport, "UDP");
        assert_eq!(v.host, Host::Ipv4("192.0.2.2".parse().unwrap()));
        assert!(!v.has_rfc3261_branch());
        let w = Via::parse_str(
            "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ",
        )
        .unwrap();
        assert_eq!(w.branch().unwrap(), "z9hG4bK9ikj8");
        assert!(w.has_rfc3261_branch());
        let x = Via::parse_str("SIP/2.0/UDP [2001:db8::9:1]:5070;rport;received=2001:db8::9:255")
            .unwrap();
        assert_eq!(x.port, Some(5070));
        assert_eq!(x.rport(), Some(None));
        assert_eq!(x.received().unwrap(), "2001:db8::9:255");
    }

    #[test]
    fn rejects_broken_vias() {
        for bad in [
            "SIP/2.0/UDP 192.0.2.15;;,;,,",
            "SIP/2.0/UDP",
            "SIP/2.0 host",
            "HTTP/1.1/TCP h",
            "SIP/2.0/UDP h:99999",
            "SIP/2.0/UDP a b",
        ] {
            assert!(Via::parse_str(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_back_what_it_read() {
        let v = Via::parse_str(
            "SIP/2.0/TLS h.example.com:5061;branch=z9hG4bKx;rport=5;received=1.2.3.4",
        )
        .unwrap();
        assert_eq!(Via::parse_str(&v.to_string()).unwrap(), v);
    }
}
