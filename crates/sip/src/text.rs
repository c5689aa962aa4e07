//! `Text`: an immutable UTF-8 string that shares the buffer a message was
//! read into.
//!
//! Parsing a SIP message slices its header values out of the received
//! datagram instead of copying them: cloning or slicing a `Text` bumps a
//! reference count. Header text is checked to be UTF-8 once, when the
//! message is framed, so every `Text` can hand out a `&str` for free.

use bytes::Bytes;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// An immutable, cheaply cloned UTF-8 string backed by shared bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Bytes);

impl Text {
    /// A `Text` over a string that lives forever; no allocation.
    pub const fn from_static(s: &'static str) -> Text {
        Text(Bytes::from_static(s.as_bytes()))
    }

    /// Wraps bytes already known to be UTF-8.
    pub(crate) fn from_utf8(bytes: Bytes) -> Result<Text, std::str::Utf8Error> {
        std::str::from_utf8(&bytes)?;
        Ok(Text(bytes))
    }

    /// The string slice.
    pub fn as_str(&self) -> &str {
        // SAFETY: every constructor checks or inherits UTF-8 validity, and
        // `slice` only cuts at the boundaries of a `&str` taken from `self`.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }

    /// A `Text` for `part`, which must be a subslice of `self.as_str()`;
    /// shares the buffer instead of copying.
    pub fn slice(&self, part: &str) -> Text {
        if part.is_empty() {
            return Text::default();
        }
        Text(self.0.slice_ref(part.as_bytes()))
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Bytes::from(s.into_bytes()))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_the_buffer() {
        let whole = Text::from("Via: SIP/2.0/UDP host");
        let part = whole.slice(&whole[5..12]);
        assert_eq!(part, "SIP/2.0");
        assert_eq!(part.as_bytes().as_ptr(), whole.as_bytes()[5..].as_ptr());
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert!(Text::from_utf8(Bytes::from_static(b"\xff\xfe")).is_err());
    }
}
