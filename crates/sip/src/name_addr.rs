//! `name-addr` and `addr-spec` (RFC 3261 §20.10, §25.1): the value of
//! From, To, Contact, Route, Record-Route, Reply-To and friends.
//!
//! Without angle brackets everything after the first `;` belongs to the
//! header, not the URI, and the URI may not carry `,`, `;` or `?`; the
//! model always writes the bracketed form, which means the same.

use crate::param::{self, Param};
use crate::scan;
use crate::text::Text;
use crate::uri::Uri;
use std::fmt;

/// An address with optional display name and header parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NameAddr {
    /// The display name with quotes removed and escapes resolved; an
    /// unquoted one has its words joined by single spaces.
    pub display: Option<Text>,
    pub uri: Uri,
    pub params: Vec<Param>,
}

impl NameAddr {
    /// An address with no display name or parameters.
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr {
            display: None,
            uri,
            params: Vec::new(),
        }
    }

    /// Parses one address; `s` is a subslice of `src`.
    pub fn parse(src: &Text, s: &str) -> Result<NameAddr, &'static str> {
        let s = scan::trim(s);
        let (display, rest) = if s.starts_with('"') {
            let (raw, rest) = scan::quoted(s)?;
            let display = match scan::unescape_quoted(raw) {
                std::borrow::Cow::Borrowed(b) => src.slice(b),
                std::borrow::Cow::Owned(o) => Text::from(o),
            };
            let rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
            if !rest.starts_with('<') {
                return Err("display name not followed by <URI>");
            }
            (Some(display), rest)
        } else if let Some(lt) = s.find('<') {
            let name = scan::trim(&s[..lt]);
            let words_ok = name
                .split([' ', '\t', '\r', '\n'])
                .all(|w| w.is_empty() || scan::is_token(w));
            if !words_ok {
                return Err("display name must be a token list or a quoted string");
            }
            (
                if name.is_empty() {
                    None
                } else {
                    Some(token_display(src, name))
                },
                &s[lt..],
            )
        } else {
            return Self::parse_addr_spec(src, s);
        };
        let inner_end = rest.find('>').ok_or("missing '>' after URI")?;
        let inner = &rest[1..inner_end];
        if inner.starts_with([' ', '\t']) || inner.ends_with([' ', '\t']) {
            return Err("white space inside <URI>");
        }
        let uri = Uri::parse(src, inner)?;
        let params = param::parse_header_params(src, &rest[inner_end + 1..])?;
        Ok(NameAddr {
            display,
            uri,
            params,
        })
    }

    fn parse_addr_spec(src: &Text, s: &str) -> Result<NameAddr, &'static str> {
        let (uri, params) = match s.find(';') {
            Some(sc) => (scan::trim(&s[..sc]), &s[sc..]),
            None => (s, ""),
        };
        if uri.contains(['?', ',', ' ', '\t']) {
            return Err("a URI with headers or spaces must be enclosed in <>");
        }
        Ok(NameAddr {
            display: None,
            uri: Uri::parse(src, uri)?,
            params: param::parse_header_params(src, params)?,
        })
    }

    /// Parses a standalone string (copies it).
    pub fn parse_str(s: &str) -> Result<NameAddr, &'static str> {
        let t = Text::from(s);
        NameAddr::parse(&t, &t)
    }

    /// The `tag` parameter (From and To).
    pub fn tag(&self) -> Option<&Text> {
        param::value(&self.params, "tag")
    }

    /// A header parameter's value.
    pub fn param(&self, name: &str) -> Option<&Text> {
        param::value(&self.params, name)
    }
}

/// A display name written as tokens: the words joined by single spaces,
/// as the quoted form it will be written back in can hold them. Shares the
/// buffer when it is already so.
fn token_display(src: &Text, name: &str) -> Text {
    let single_spaced = !name.contains(['\t', '\r', '\n']) && !name.contains("  ");
    if single_spaced {
        return src.slice(name);
    }
    let words: Vec<&str> = name
        .split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect();
    Text::from(words.join(" "))
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display {
            let mut q = String::with_capacity(d.len() + 2);
            scan::write_quoted(&mut q, d);
            write!(f, "{q} ")?;
        }
        write!(f, "<{}>", self.uri)?;
        param::write_all(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_the_shapes() {
        let a = NameAddr::parse_str(
            r#""J Rosenberg \\\""       <sip:jdrosen@example.com>  ;  tag = 98asjd8"#,
        )
        .unwrap();
        assert_eq!(a.display.as_deref(), Some(r#"J Rosenberg \""#));
        assert_eq!(a.tag().unwrap(), "98asjd8");
        let b = NameAddr::parse_str("caller<sip:caller@example.com>;tag=323").unwrap();
        assert_eq!(b.display.as_deref(), Some("caller"));
        let folded = NameAddr::parse_str("Big\r\n  Boss <sip:b@example.com>").unwrap();
        assert_eq!(folded.display.as_deref(), Some("Big Boss"));
        let c = NameAddr::parse_str("sip:user@example.com;tag=1;q=0.5").unwrap();
        assert_eq!(c.uri.to_string(), "sip:user@example.com");
        assert_eq!(c.params.len(), 2);
        let d = NameAddr::parse_str("unknown:opaque").unwrap();
        assert!(matches!(d.uri, Uri::Other { .. }));
    }

    #[test]
    fn rejects_the_rfc4475_mistakes() {
        for bad in [
            r#""Watson, Thomas" < sip:t.watson@example.org >"#,
            "Bell, Alexander <sip:a.g.bell@bell-tel.com>",
            r#""Mr. J. User <sip:j.user@example.com>"#,
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            r#""Joe" <sip:joe@example.org>;;;;"#,
        ] {
            assert!(NameAddr::parse_str(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_back_what_it_read() {
        let a =
            NameAddr::parse_str(r#""A \"quoted\" name" <sip:a@b;lr>;tag=x;expires=30"#).unwrap();
        let again = NameAddr::parse_str(&a.to_string()).unwrap();
        assert_eq!(a, again);
    }
}
