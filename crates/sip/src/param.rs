//! Parameters: `;name=value` lists in URIs (RFC 3261 §19.1.1) and after
//! header values (`generic-param`, §25.1). URI parameters admit no white
//! space and keep their %-escapes; header parameters admit linear white
//! space around `;` and `=`, and quoted-string values kept with their quotes.

use crate::scan;
use crate::text::Text;
use std::fmt;

/// One parameter; `value` is `None` for a bare flag such as `;lr`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: Text,
    pub value: Option<Text>,
}

impl Param {
    /// A parameter with a value.
    pub fn new(name: impl Into<Text>, value: impl Into<Text>) -> Param {
        Param {
            name: name.into(),
            value: Some(value.into()),
        }
    }

    /// A flag parameter without a value.
    pub fn flag(name: impl Into<Text>) -> Param {
        Param {
            name: name.into(),
            value: None,
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(v) = &self.value {
            write!(f, "={v}")?;
        }
        Ok(())
    }
}

/// Finds a parameter by name, ignoring case.
pub fn find<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The value of parameter `name`, if present with a value.
pub fn value<'a>(params: &'a [Param], name: &str) -> Option<&'a Text> {
    find(params, name).and_then(|p| p.value.as_ref())
}

/// Writes `;name=value` for each parameter.
pub fn write_all(f: &mut fmt::Formatter<'_>, params: &[Param]) -> fmt::Result {
    for p in params {
        write!(f, ";{p}")?;
    }
    Ok(())
}

pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// Characters allowed unescaped in a URI parameter (`paramchar`).
pub fn is_param_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/:&+$%".contains(&b)
}

/// Checks %-escapes in `s` are complete and every other byte passes `ok`.
pub fn check_escaped(s: &str, ok: fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if i + 2 >= b.len() || !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
        } else if ok(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// Parses URI parameters: `s` is everything after the first `;`.
pub fn parse_uri_params(src: &Text, s: &str) -> Result<Vec<Param>, &'static str> {
    let mut out = Vec::new();
    for piece in s.split(';') {
        let (name, value) = match piece.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (piece, None),
        };
        if name.is_empty() || !check_escaped(name, is_param_char) {
            return Err("bad URI parameter name");
        }
        if let Some(v) = value {
            if !check_escaped(v, is_param_char) {
                return Err("bad URI parameter value");
            }
        }
        out.push(Param {
            name: src.slice(name),
            value: value.map(|v| src.slice(v)),
        });
    }
    Ok(out)
}

/// Characters of an unquoted header parameter value: a token, or a host
/// with its port or IPv6 brackets.
fn is_header_value_char(b: u8) -> bool {
    scan::is_token_byte(b) || b == b':' || b == b'[' || b == b']'
}

/// Parses header parameters. `s` must be empty or start (after optional
/// white space) with `;`. A parameter may be followed only by white space.
pub fn parse_header_params(src: &Text, s: &str) -> Result<Vec<Param>, &'static str> {
    let mut out = Vec::new();
    let mut rest = scan::trim(s);
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix(';') else {
            return Err("expected ';' before a parameter");
        };
        let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let name_len = after
            .bytes()
            .take_while(|&b| scan::is_token_byte(b))
            .count();
        if name_len == 0 {
            return Err("empty parameter");
        }
        let name = &after[..name_len];
        let mut tail = after[name_len..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = None;
        if let Some(v) = tail.strip_prefix('=') {
            let v = v.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (val, remaining) = if v.starts_with('"') {
                let (_, after_q) = scan::quoted(v)?;
                let len = v.len() - after_q.len();
                (&v[..len], after_q)
            } else {
                let len = v.bytes().take_while(|&b| is_header_value_char(b)).count();
                if len == 0 {
                    return Err("empty parameter value");
                }
                (&v[..len], &v[len..])
            };
            value = Some(src.slice(val));
            tail = remaining.trim_start_matches(|c: char| c.is_ascii_whitespace());
        }
        out.push(Param {
            name: src.slice(name),
            value,
        });
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_params_allow_white_space_and_quotes() {
        let t = Text::from(" ;   tag    = 1918181833n ; q = 0.33; x=\"a;b\" ; lr");
        let p = parse_header_params(&t, &t).unwrap();
        assert_eq!(value(&p, "tag").unwrap(), "1918181833n");
        assert_eq!(value(&p, "Q").unwrap(), "0.33");
        assert_eq!(value(&p, "x").unwrap(), "\"a;b\"");
        assert!(find(&p, "lr").unwrap().value.is_none());
    }

    #[test]
    fn empty_header_params_are_errors() {
        for bad in [";;", ";", "; =x", ";a=", "x"] {
            let t = Text::from(bad);
            assert!(parse_header_params(&t, &t).is_err(), "{bad}");
        }
    }

    #[test]
    fn uri_params_check_escapes() {
        let t = Text::from("%6C%72;n%61me=v%61lue%25%34%31");
        let p = parse_uri_params(&t, &t).unwrap();
        assert_eq!(p.len(), 2);
        let bad = Text::from("a=%4");
        assert!(parse_uri_params(&bad, &bad).is_err());
    }
}
