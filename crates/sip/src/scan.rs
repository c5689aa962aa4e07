//! Lexical rules of the SIP grammar (RFC 3261 §25.1): tokens, linear white
//! space, quoted strings, and splitting header values at top-level commas
//! and semicolons without being fooled by quotes or angle brackets.

/// `token` characters: alphanumerics and `-.!%*_+\`'~`.
pub fn is_token_byte(b: u8) -> bool {
    TOKEN[b as usize]
}

/// Which bytes are `token` characters, looked up rather than searched for
/// on every byte of every header name.
static TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
            );
        b += 1;
    }
    table
};

/// True when `s` is a non-empty `token`.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// Space or horizontal tab.
pub fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without leading and trailing linear white space.
pub fn trim(s: &str) -> &str {
    let is_lws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let b = s.as_bytes();
    let start = b.iter().position(|c| !is_lws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_lws(c)).map_or(start, |i| i + 1);
    // Cutting at ASCII white space keeps `s` valid UTF-8 on both sides.
    &s[start..end]
}

/// Parses a quoted string at the start of `s` (which must begin with `"`).
/// Returns the raw content between the quotes (escapes kept) and the rest.
pub fn quoted(s: &str) -> Result<(&str, &str), &'static str> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return Err("expected a quoted string");
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if i + 1 >= bytes.len() || bytes[i + 1] == b'\r' || bytes[i + 1] == b'\n' {
                    return Err("bad escape in quoted string");
                }
                i += 2;
            }
            b'"' => return Ok((&s[1..i], &s[i + 1..])),
            b'\r' | b'\n' => return Err("line break in quoted string"),
            _ => i += 1,
        }
    }
    Err("unterminated quoted string")
}

/// Resolves `\x` escapes in the raw content of a quoted string.
pub fn unescape_quoted(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('\\') {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Writes `s` as a quoted string, escaping `"` and `\`.
pub fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Splits `s` at every `sep` that is outside quoted strings and angle
/// brackets. Pieces are not trimmed.
pub fn split_top_level(s: &str, sep: u8) -> SplitTopLevel<'_> {
    SplitTopLevel { rest: Some(s), sep }
}

/// Iterator returned by [`split_top_level`].
pub struct SplitTopLevel<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for SplitTopLevel<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let bytes = s.as_bytes();
        let mut in_quotes = false;
        let mut in_angle = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if in_quotes {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_quotes = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_quotes = true;
            } else if b == b'<' {
                in_angle = true;
            } else if b == b'>' {
                in_angle = false;
            } else if b == self.sep && !in_angle {
                self.rest = Some(&s[i + 1..]);
                return Some(&s[..i]);
            }
            i += 1;
        }
        self.rest = None;
        Some(s)
    }
}

/// Parses a decimal number with at least one digit and no sign; `None` when
/// it is empty, has other characters, or does not fit `u64`.
pub fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_keep_escapes_until_asked() {
        let (raw, rest) = quoted(r#""J Rosenberg \\\"" <sip:a@b>"#).unwrap();
        assert_eq!(raw, r#"J Rosenberg \\\""#);
        assert_eq!(rest, " <sip:a@b>");
        assert_eq!(unescape_quoted(raw), r#"J Rosenberg \""#);
        assert!(quoted("\"open").is_err());
    }

    #[test]
    fn splitting_ignores_commas_in_quotes_and_brackets() {
        let parts: Vec<_> =
            split_top_level(r#""a, b" <sip:x@y;p=1,2>;q=1 , <sip:z>"#, b',').collect();
        assert_eq!(parts, vec![r#""a, b" <sip:x@y;p=1,2>;q=1 "#, " <sip:z>"]);
    }

    #[test]
    fn decimals_are_strict() {
        assert_eq!(decimal("0068"), Some(68));
        assert_eq!(decimal("-1"), None);
        assert_eq!(decimal(""), None);
        assert_eq!(decimal("36893488147419103232"), None);
    }
}
