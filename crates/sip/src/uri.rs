//! URIs: `sip:` and `sips:` (RFC 3261 §19.1), `tel:` (RFC 3966), and any
//! other absolute URI kept opaque so a server can answer 416.
//!
//! Parts are kept as written, %-escapes included, so a URI is written back
//! exactly; [`SipUri::equivalent`] applies the comparison rules of §19.1.4,
//! under which escaped and unescaped forms are equal.

use crate::param::{self, check_escaped, is_unreserved, Param};
use crate::text::Text;
use std::borrow::Cow;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Any URI Switchboard may meet in a request line or header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Uri {
    Sip(SipUri),
    Tel(TelUri),
    /// Another scheme, kept as written: `scheme:rest`.
    Other {
        scheme: Text,
        rest: Text,
    },
}

/// A `sip:` or `sips:` URI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SipUri {
    pub secure: bool,
    pub user: Option<Text>,
    pub password: Option<Text>,
    pub host: Host,
    pub port: Option<u16>,
    pub params: Vec<Param>,
    /// `?name=value&…`; a value may be empty.
    pub headers: Vec<Param>,
}

/// A `tel:` URI: the number with its visual separators, and parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TelUri {
    pub number: Text,
    pub params: Vec<Param>,
}

/// The host part of a SIP URI or Via.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    Name(Text),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

impl Host {
    /// Parses a hostname, IPv4 address or bracketed IPv6 reference.
    pub fn parse(src: &Text, s: &str) -> Result<Host, &'static str> {
        if let Some(inner) = s.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or("unterminated IPv6 reference")?;
            return inner
                .parse()
                .map(Host::Ipv6)
                .map_err(|_| "bad IPv6 address");
        }
        if s.is_empty() {
            return Err("empty host");
        }
        if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            if let Ok(v4) = s.parse() {
                return Ok(Host::Ipv4(v4));
            }
        }
        if is_hostname(s.as_bytes()) {
            return Ok(Host::Name(src.slice(s)));
        }
        Err("bad host name")
    }

    /// True when both name the same host (names compare ignoring case).
    pub fn same(&self, other: &Host) -> bool {
        match (self, other) {
            (Host::Name(a), Host::Name(b)) => a.eq_ignore_ascii_case(b),
            _ => self == other,
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(n) => f.write_str(n),
            Host::Ipv4(a) => write!(f, "{a}"),
            Host::Ipv6(a) => write!(f, "[{a}]"),
        }
    }
}

/// Labels of letters, digits and `-`, not starting with `-`, separated by
/// single dots; one trailing dot is allowed.
fn is_hostname(s: &[u8]) -> bool {
    let mut label_start = true;
    for &b in s {
        match b {
            b'.' if label_start => return false,
            b'.' => label_start = true,
            b'-' if label_start => return false,
            b if b.is_ascii_alphanumeric() || b == b'-' => label_start = false,
            _ => return false,
        }
    }
    !s.is_empty()
}

fn is_user_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,;?/".contains(&b)
}

fn is_password_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,".contains(&b)
}

fn is_header_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/?:+$".contains(&b)
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

impl Uri {
    /// Parses the whole of `s` (a subslice of `src`) as a URI.
    pub fn parse(src: &Text, s: &str) -> Result<Uri, &'static str> {
        let (scheme, rest) = s.split_once(':').ok_or("URI without a scheme")?;
        if !is_scheme(scheme) {
            return Err("bad URI scheme");
        }
        if scheme.eq_ignore_ascii_case("sip") {
            SipUri::parse_rest(src, rest, false).map(Uri::Sip)
        } else if scheme.eq_ignore_ascii_case("sips") {
            SipUri::parse_rest(src, rest, true).map(Uri::Sip)
        } else if scheme.eq_ignore_ascii_case("tel") {
            TelUri::parse_rest(src, rest).map(Uri::Tel)
        } else if rest.is_empty()
            || rest
                .bytes()
                .any(|b| b <= b' ' || b == b'<' || b == b'>' || b == b'"' || b >= 0x7f)
        {
            Err("bad absolute URI")
        } else {
            Ok(Uri::Other {
                scheme: src.slice(scheme),
                rest: src.slice(rest),
            })
        }
    }

    /// Parses a standalone string (copies it).
    pub fn parse_str(s: &str) -> Result<Uri, &'static str> {
        let t = Text::from(s);
        Uri::parse(&t, &t)
    }

    /// The SIP URI, if this is one.
    pub fn as_sip(&self) -> Option<&SipUri> {
        match self {
            Uri::Sip(u) => Some(u),
            _ => None,
        }
    }

    /// The scheme as written in lower case.
    pub fn scheme(&self) -> Cow<'_, str> {
        match self {
            Uri::Sip(u) if u.secure => "sips".into(),
            Uri::Sip(_) => "sip".into(),
            Uri::Tel(_) => "tel".into(),
            Uri::Other { scheme, .. } => scheme.to_ascii_lowercase().into(),
        }
    }
}

impl SipUri {
    fn parse_rest(src: &Text, s: &str, secure: bool) -> Result<SipUri, &'static str> {
        let (userinfo, hostpart) = match s.find('@') {
            Some(at) => (Some(&s[..at]), &s[at + 1..]),
            None => (None, s),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(ui) => {
                let (u, p) = match ui.find(':') {
                    Some(c) => (&ui[..c], Some(&ui[c + 1..])),
                    None => (ui, None),
                };
                if u.is_empty() || !check_escaped(u, is_user_char) {
                    return Err("bad user part in URI");
                }
                if let Some(p) = p {
                    if !check_escaped(p, is_password_char) {
                        return Err("bad password in URI");
                    }
                }
                (Some(src.slice(u)), p.map(|p| src.slice(p)))
            }
        };
        let (hostport, headers) = match hostpart.find('?') {
            Some(q) => (&hostpart[..q], Some(&hostpart[q + 1..])),
            None => (hostpart, None),
        };
        let (hostport, params) = match hostport.find(';') {
            Some(sc) => (&hostport[..sc], Some(&hostport[sc + 1..])),
            None => (hostport, None),
        };
        let (host, port) = split_host_port(hostport)?;
        Ok(SipUri {
            secure,
            user,
            password,
            host: Host::parse(src, host)?,
            port,
            params: match params {
                Some(p) => param::parse_uri_params(src, p)?,
                None => Vec::new(),
            },
            headers: match headers {
                Some(h) => parse_uri_headers(src, h)?,
                None => Vec::new(),
            },
        })
    }

    /// A URI parameter's value (`None` if absent or a bare flag).
    pub fn param(&self, name: &str) -> Option<&Text> {
        param::value(&self.params, name)
    }

    /// True when a parameter (flag or valued) is present.
    pub fn has_param(&self, name: &str) -> bool {
        param::find(&self.params, name).is_some()
    }

    /// RFC 3261 §19.1.4 comparison: escapes resolved, host and parameter
    /// names case-insensitive, `user`, `ttl`, `method`, `maddr` and
    /// `transport` must agree when either side has them, and headers must
    /// all match. Parameters compare by name; a name given twice counts by
    /// its first value.
    pub fn equivalent(&self, other: &SipUri) -> bool {
        const MUST_MATCH: [&str; 5] = ["user", "ttl", "method", "maddr", "transport"];
        let opt_eq = |a: &Option<Text>, b: &Option<Text>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => unescape(a) == unescape(b),
            _ => false,
        };
        let param_eq = |a: &Option<Text>, b: &Option<Text>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let (a, b) = (unescape(a), unescape(b));
                a.eq_ignore_ascii_case(&b)
            }
            _ => false,
        };
        if self.secure != other.secure
            || !opt_eq(&self.user, &other.user)
            || !opt_eq(&self.password, &other.password)
            || !self.host.same(&other.host)
            || self.port != other.port
        {
            return false;
        }
        let by_name = |params: &[Param], name: &str| {
            params
                .iter()
                .find(|p| unescape(&p.name).eq_ignore_ascii_case(name.as_bytes()))
                .cloned()
        };
        for (i, p) in self.params.iter().enumerate() {
            let name = String::from_utf8_lossy(&unescape(&p.name)).into_owned();
            let repeated = self.params[..i]
                .iter()
                .any(|q| unescape(&q.name).eq_ignore_ascii_case(name.as_bytes()));
            if repeated {
                continue;
            }
            match by_name(&other.params, &name) {
                Some(q) if !param_eq(&p.value, &q.value) => return false,
                None if MUST_MATCH.iter().any(|m| m.eq_ignore_ascii_case(&name)) => return false,
                _ => {}
            }
        }
        for q in &other.params {
            let name = String::from_utf8_lossy(&unescape(&q.name)).into_owned();
            if MUST_MATCH.iter().any(|m| m.eq_ignore_ascii_case(&name))
                && by_name(&self.params, &name).is_none()
            {
                return false;
            }
        }
        self.headers.len() == other.headers.len()
            && self.headers.iter().all(|h| {
                other.headers.iter().any(|g| {
                    unescape(&h.name).eq_ignore_ascii_case(&unescape(&g.name))
                        && opt_eq(&h.value, &g.value)
                })
            })
    }
}

fn split_host_port(s: &str) -> Result<(&str, Option<u16>), &'static str> {
    let colon = if s.starts_with('[') {
        let end = s.find(']').ok_or("unterminated IPv6 reference")?;
        match &s[end + 1..] {
            "" => None,
            rest if rest.starts_with(':') => Some(end + 1),
            _ => return Err("junk after IPv6 reference"),
        }
    } else {
        s.find(':')
    };
    match colon {
        None => Ok((s, None)),
        Some(c) => {
            let port = &s[c + 1..];
            if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                return Err("bad port");
            }
            let port: u32 = port.parse().map_err(|_| "bad port")?;
            let port = u16::try_from(port).map_err(|_| "port out of range")?;
            Ok((&s[..c], Some(port)))
        }
    }
}

/// Parses `host[:port]` as in a Via sent-by (no escapes, no brackets needed
/// except for IPv6).
pub fn parse_host_port(src: &Text, s: &str) -> Result<(Host, Option<u16>), &'static str> {
    let (h, p) = split_host_port(s)?;
    Ok((Host::parse(src, h)?, p))
}

fn parse_uri_headers(src: &Text, s: &str) -> Result<Vec<Param>, &'static str> {
    s.split('&')
        .map(|h| {
            let (name, value) = h.split_once('=').ok_or("URI header without '='")?;
            if name.is_empty()
                || !check_escaped(name, is_header_char)
                || !check_escaped(value, is_header_char)
            {
                return Err("bad URI header");
            }
            Ok(Param {
                name: src.slice(name),
                value: Some(src.slice(value)),
            })
        })
        .collect()
}

impl TelUri {
    fn parse_rest(src: &Text, s: &str) -> Result<TelUri, &'static str> {
        let (number, params) = match s.find(';') {
            Some(sc) => (&s[..sc], Some(&s[sc + 1..])),
            None => (s, None),
        };
        let ok = |b: u8| b.is_ascii_hexdigit() || b"+*#-.()pPwW".contains(&b);
        if number.is_empty() || !number.bytes().all(ok) {
            return Err("bad telephone number");
        }
        Ok(TelUri {
            number: src.slice(number),
            params: match params {
                Some(p) => param::parse_uri_params(src, p)?,
                None => Vec::new(),
            },
        })
    }
}

/// Resolves %-escapes into raw bytes.
pub fn unescape(s: &str) -> Cow<'_, [u8]> {
    if !s.contains('%') {
        return Cow::Borrowed(s.as_bytes());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(out)
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uri::Sip(u) => u.fmt(f),
            Uri::Tel(t) => t.fmt(f),
            Uri::Other { scheme, rest } => write!(f, "{scheme}:{rest}"),
        }
    }
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.secure { "sips:" } else { "sip:" })?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(pw) = &self.password {
                write!(f, ":{pw}")?;
            }
            f.write_str("@")?;
        }
        write!(f, "{}", self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        param::write_all(f, &self.params)?;
        for (i, h) in self.headers.iter().enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            write!(f, "{}={}", h.name, h.value.as_deref().unwrap_or(""))?;
        }
        Ok(())
    }
}

impl fmt::Display for TelUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tel:{}", self.number)?;
        param::write_all(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(s: &str) -> SipUri {
        match Uri::parse_str(s).unwrap() {
            Uri::Sip(u) => u,
            other => panic!("not sip: {other:?}"),
        }
    }

    #[test]
    fn parses_every_part() {
        let u =
            sip("sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?Subject=hi&Priority=urgent");
        assert!(u.secure);
        assert_eq!(u.user.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("secret"));
        assert_eq!(u.host, Host::Ipv6("2001:db8::1".parse().unwrap()));
        assert_eq!(u.port, Some(5061));
        assert_eq!(u.param("transport").unwrap(), "tcp");
        assert!(u.has_param("lr"));
        assert_eq!(u.headers.len(), 2);
    }

    #[test]
    fn weird_but_valid_user_parts() {
        let u = sip("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
        assert_eq!(
            u.user.as_deref(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
        assert_eq!(
            sip("sip:user;par=u%40example.net@example.com")
                .user
                .as_deref(),
            Some("user;par=u%40example.net")
        );
    }

    #[test]
    fn escaped_and_unescaped_forms_are_equivalent() {
        assert!(sip("sip:%75se%72@example.com").equivalent(&sip("sip:user@EXAMPLE.com")));
        assert!(!sip("sip:user@example.com").equivalent(&sip("sip:user@example.com:5060")));
        assert!(!sip("sip:user@example.com;transport=tcp").equivalent(&sip("sip:user@example.com")));
        assert!(sip("sip:user@example.com;foo=1").equivalent(&sip("sip:user@example.com")));
        let twice = sip("sip:user@example.com;p=1;P=2");
        assert!(
            twice.equivalent(&twice.clone()),
            "a repeated parameter counts once"
        );
    }

    #[test]
    fn rejects_bad_uris() {
        for bad in [
            "<sip:a@b>",
            "sip:",
            "sip:a@",
            "sip:a@b:99999",
            "sip:a@b:",
            "sip:a b@c",
            "sip:a@b;;x",
            "sip:%zz@b",
            "tel:",
            "x",
        ] {
            assert!(Uri::parse_str(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_schemes_stay_opaque() {
        let u = Uri::parse_str("nobodyKnowsThisScheme:totallyopaquecontent").unwrap();
        assert_eq!(u.scheme(), "nobodyknowsthisscheme");
        assert_eq!(u.to_string(), "nobodyKnowsThisScheme:totallyopaquecontent");
        assert!(matches!(
            Uri::parse_str("tel:+1-201-555-0123;phone-context=x").unwrap(),
            Uri::Tel(_)
        ));
    }
}
