//! Small typed header values: CSeq, media types (Content-Type, Accept),
//! option-tag lists (Require, Supported, …) and plain numbers
//! (Max-Forwards, Expires, Content-Length).

use crate::method::Method;
use crate::param::{self, Param};
use crate::scan;
use crate::text::Text;
use std::fmt;

/// `CSeq: 4711 INVITE`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

impl CSeq {
    /// Parses a CSeq value; the number must fit 32 bits.
    pub fn parse(src: &Text, s: &str) -> Result<CSeq, &'static str> {
        let s = scan::trim(s);
        let split = s
            .find([' ', '\t', '\r', '\n'])
            .ok_or("CSeq without method")?;
        let seq = scan::decimal(&s[..split])
            .and_then(|n| u32::try_from(n).ok())
            .ok_or("CSeq number is not a 32-bit number")?;
        let method = Method::parse(&src.slice(scan::trim(&s[split..]))).ok_or("bad CSeq method")?;
        Ok(CSeq { seq, method })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

/// A media type with parameters, as in Content-Type and Accept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MediaType {
    pub kind: Text,
    pub subtype: Text,
    pub params: Vec<Param>,
}

impl MediaType {
    /// Parses `type/subtype;params`.
    pub fn parse(src: &Text, s: &str) -> Result<MediaType, &'static str> {
        let s = scan::trim(s);
        let (kind, rest) = s.split_once('/').ok_or("media type without '/'")?;
        let kind = scan::trim(kind);
        let rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let sub_len = rest.bytes().take_while(|&b| scan::is_token_byte(b)).count();
        let subtype = &rest[..sub_len];
        if !scan::is_token(kind) || !scan::is_token(subtype) {
            return Err("bad media type");
        }
        Ok(MediaType {
            kind: src.slice(kind),
            subtype: src.slice(subtype),
            params: param::parse_header_params(src, &rest[sub_len..])?,
        })
    }

    /// True when this is `kind/subtype`, ignoring case.
    pub fn is(&self, kind: &str, subtype: &str) -> bool {
        self.kind.eq_ignore_ascii_case(kind) && self.subtype.eq_ignore_ascii_case(subtype)
    }

    /// True when this Accept entry admits `kind/subtype` (wildcards count).
    pub fn admits(&self, kind: &str, subtype: &str) -> bool {
        (self.kind.as_str() == "*" || self.kind.eq_ignore_ascii_case(kind))
            && (self.subtype.as_str() == "*" || self.subtype.eq_ignore_ascii_case(subtype))
    }

    /// A parameter's value with quotes removed.
    pub fn param(&self, name: &str) -> Option<&str> {
        param::value(&self.params, name).map(|v| v.trim_matches('"'))
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.subtype)?;
        param::write_all(f, &self.params)
    }
}

/// Parses a comma-separated list of option tags (Require, Supported, …).
/// An empty value is an empty list.
pub fn option_tags(s: &str) -> Result<Vec<&str>, &'static str> {
    let s = scan::trim(s);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|t| {
            let t = scan::trim(t);
            if scan::is_token(t) {
                Ok(t)
            } else {
                Err("bad option tag")
            }
        })
        .collect()
}

/// Parses a header holding one unsigned number no larger than `max`.
pub fn number(s: &str, max: u64) -> Result<u64, &'static str> {
    scan::decimal(scan::trim(s))
        .filter(|&n| n <= max)
        .ok_or("not a number in range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq_with_folding_and_leading_zeros() {
        let t = Text::from("0009\r\n  INVITE");
        assert_eq!(
            CSeq::parse(&t, &t).unwrap(),
            CSeq {
                seq: 9,
                method: Method::Invite
            }
        );
        let big = Text::from("36893488147419103232 REGISTER");
        assert!(CSeq::parse(&big, &big).is_err());
    }

    #[test]
    fn media_types() {
        let t = Text::from("multipart/mixed;boundary=7a9cbec02ceef655");
        let m = MediaType::parse(&t, &t).unwrap();
        assert!(m.is("Multipart", "MIXED"));
        assert_eq!(m.param("boundary"), Some("7a9cbec02ceef655"));
        let w = Text::from("application/*");
        assert!(MediaType::parse(&w, &w)
            .unwrap()
            .admits("application", "sdp"));
    }

    #[test]
    fn numbers_and_tags() {
        assert_eq!(number(" 70 ", 255), Ok(70));
        assert!(number("300", 255).is_err());
        assert!(number("-1", u32::MAX as u64).is_err());
        assert_eq!(
            option_tags("100rel, timer").unwrap(),
            vec!["100rel", "timer"]
        );
        assert!(option_tags("a b").is_err());
    }
}
