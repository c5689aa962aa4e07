//! Dial patterns, as PBX administrators write them: digits, `*`, `#` and
//! `+` stand for themselves; `X` is any digit, `Z` 1–9, `N` 2–9, `[1-5]`
//! or `[135]` one of those; a final `.` is one or more of anything more,
//! a final `!` zero or more. `0[1-9]XXXXXXXX` is a national number of 10
//! digits, `00.` anything international, `112` exactly that.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Element {
    /// One character out of a set (bit i: the character of index i in
    /// `ALPHABET`).
    One(u16),
    /// The rest: at least this many characters.
    Rest(usize),
}

const ALPHABET: &[u8; 13] = b"0123456789*#+";

fn bit(c: u8) -> Option<u16> {
    ALPHABET.iter().position(|&a| a == c).map(|i| 1 << i)
}

fn digits(from: u8, to: u8) -> u16 {
    (from..=to).map(|d| 1 << (d - b'0')).fold(0, |a, b| a | b)
}

/// A parsed dial pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    elements: Vec<Element>,
}

impl Pattern {
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let bad = |why: &str| Err(format!("{text:?}: {why}"));
        if text.is_empty() || text.len() > 40 {
            return bad("must be 1 to 40 characters");
        }
        let bytes = text.as_bytes();
        let mut elements = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i].to_ascii_uppercase();
            let e = match c {
                b'X' => Element::One(digits(b'0', b'9')),
                b'Z' => Element::One(digits(b'1', b'9')),
                b'N' => Element::One(digits(b'2', b'9')),
                b'.' | b'!' => {
                    if i + 1 != bytes.len() {
                        return bad("'.' and '!' may only end a pattern");
                    }
                    Element::Rest(usize::from(c == b'.'))
                }
                b'[' => {
                    let Some(len) = bytes[i..].iter().position(|&b| b == b']') else {
                        return bad("'[' without ']'");
                    };
                    let inner = &bytes[i + 1..i + len];
                    let mut set = 0u16;
                    let mut j = 0;
                    while j < inner.len() {
                        if j + 2 < inner.len() && inner[j + 1] == b'-' {
                            let (a, b) = (inner[j], inner[j + 2]);
                            if !(a.is_ascii_digit() && b.is_ascii_digit() && a <= b) {
                                return bad("a range in [] must be of digits, low to high");
                            }
                            set |= digits(a, b);
                            j += 3;
                        } else {
                            let Some(b) = bit(inner[j]) else {
                                return bad("[] may hold digits, *, # and + only");
                            };
                            set |= b;
                            j += 1;
                        }
                    }
                    if set == 0 {
                        return bad("[] is empty");
                    }
                    i += len;
                    Element::One(set)
                }
                c => match bit(c) {
                    Some(b) => Element::One(b),
                    None => {
                        return bad("may hold digits, *, #, +, X, Z, N, [..] and a final . or !")
                    }
                },
            };
            elements.push(e);
            i += 1;
        }
        Ok(Pattern {
            text: text.to_owned(),
            elements,
        })
    }

    /// Whether `number` (as dialled) matches.
    pub fn matches(&self, number: &str) -> bool {
        let n = number.as_bytes();
        for (i, e) in self.elements.iter().enumerate() {
            match e {
                Element::Rest(min) => {
                    return n.len() - i.min(n.len()) >= *min
                        && n[i.min(n.len())..].iter().all(|&c| bit(c).is_some())
                }
                Element::One(set) => match n.get(i).and_then(|&c| bit(c)) {
                    Some(b) if set & b != 0 => {}
                    _ => return false,
                },
            }
        }
        n.len() == self.elements.len()
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        Pattern::parse(p).unwrap().matches(n)
    }

    #[test]
    fn patterns_match_as_administrators_read_them() {
        assert!(m("112", "112"));
        assert!(!m("112", "1120"));
        assert!(!m("112", "11"));
        assert!(m("0[1-9]XXXXXXXX", "0301234567"));
        assert!(!m("0[1-9]XXXXXXXX", "0001234567"));
        assert!(!m("0[1-9]XXXXXXXX", "030123456"));
        assert!(m("00.", "0044207946"));
        assert!(!m("00.", "00"));
        assert!(m("9!", "9"));
        assert!(m("9!", "9123"));
        assert!(m("NXX", "212"));
        assert!(!m("NXX", "112"));
        assert!(m("Z!", "5"));
        assert!(m("+49.", "+4930123456"));
        assert!(m("[*#]X", "*5"));
        assert!(m("[135]", "3") && !m("[135]", "2"));
        assert!(m("x.", "12"), "lowercase letters are the same");
    }

    #[test]
    fn bad_patterns_say_why() {
        for (p, says) in [
            ("", "1 to 40"),
            ("0.1", "only end"),
            ("[12", "without ']'"),
            ("[]", "empty"),
            ("[9-1]", "low to high"),
            ("12a", "may hold"),
        ] {
            let e = Pattern::parse(p).unwrap_err();
            assert!(e.contains(says), "{p}: {e}");
        }
    }
}
