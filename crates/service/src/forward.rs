//! Where an extension's calls go instead of ringing it, or once it could
//! not answer: nowhere (the caller hears busy or unavailable), its
//! voicemail box, another extension, or an external number (reached once
//! trunks exist). Written as administrators read it: `none`,
//! `voicemail`, `extension:1003`, `external:+4930123456`.

use crate::ServiceError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Default, PartialEq, Eq)]
pub enum Forward {
    #[default]
    None,
    Voicemail,
    Extension(String),
    External(String),
}

/// Whether voicemail messages are emailed to the extension's address, and
/// kept in the box after they were sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoicemailEmail {
    #[default]
    Off,
    SendAndKeep,
    SendAndDelete,
}

impl VoicemailEmail {
    pub fn as_str(self) -> &'static str {
        match self {
            VoicemailEmail::Off => "off",
            VoicemailEmail::SendAndKeep => "send_and_keep",
            VoicemailEmail::SendAndDelete => "send_and_delete",
        }
    }

    /// As the store keeps it; anything unknown reads as off.
    pub fn parse(s: &str) -> VoicemailEmail {
        match s {
            "send_and_keep" => VoicemailEmail::SendAndKeep,
            "send_and_delete" => VoicemailEmail::SendAndDelete,
            _ => VoicemailEmail::Off,
        }
    }
}

impl std::str::FromStr for VoicemailEmail {
    type Err = String;

    fn from_str(s: &str) -> Result<VoicemailEmail, String> {
        match s {
            "off" | "send_and_keep" | "send_and_delete" => Ok(VoicemailEmail::parse(s)),
            _ => Err(format!(
                "{s:?}: must be off, send_and_keep or send_and_delete"
            )),
        }
    }
}

impl Forward {
    /// As the store keeps it: none is no value.
    pub fn stored(&self) -> Option<String> {
        (*self != Forward::None).then(|| self.to_string())
    }

    /// What the store kept; anything unreadable reads as none.
    pub fn from_stored(s: Option<&str>) -> Forward {
        s.and_then(|s| s.parse().ok()).unwrap_or_default()
    }

    /// Checks a rule of extension `own`'s, as field `field`.
    pub(crate) fn check(&self, field: &'static str, own: &str) -> Result<(), ServiceError> {
        match self {
            Forward::Extension(n) if n == own => Err(ServiceError::invalid(
                field,
                "cannot forward an extension to itself",
            )),
            _ => Ok(()),
        }
    }
}

/// As a file or the API writes it (a plan shows it so).
impl fmt::Debug for Forward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

impl fmt::Display for Forward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Forward::None => f.write_str("none"),
            Forward::Voicemail => f.write_str("voicemail"),
            Forward::Extension(n) => write!(f, "extension:{n}"),
            Forward::External(n) => write!(f, "external:{n}"),
        }
    }
}

impl std::str::FromStr for Forward {
    type Err = String;

    fn from_str(s: &str) -> Result<Forward, String> {
        let expected = "must be none, voicemail, extension:NUMBER or external:NUMBER";
        match s.split_once(':') {
            None if s == "none" => Ok(Forward::None),
            None if s == "voicemail" => Ok(Forward::Voicemail),
            Some(("extension", n)) => {
                if (2..=10).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Forward::Extension(n.to_owned()))
                } else {
                    Err(format!("{s:?}: an extension number is 2 to 10 digits"))
                }
            }
            Some(("external", n)) => {
                let digits = n.strip_prefix('+').unwrap_or(n);
                if (3..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Forward::External(n.to_owned()))
                } else {
                    Err(format!(
                        "{s:?}: an external number is 3 to 15 digits, optionally after +"
                    ))
                }
            }
            _ => Err(format!("{s:?}: {expected}")),
        }
    }
}

impl Serialize for Forward {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Forward {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Forward, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwards_read_back_as_written() {
        for text in [
            "none",
            "voicemail",
            "extension:1003",
            "external:+4930123456",
        ] {
            let f: Forward = text.parse().unwrap();
            assert_eq!(f.to_string(), text);
            assert_eq!(Forward::from_stored(f.stored().as_deref()), f);
        }
        assert_eq!(Forward::None.stored(), None);
        for bad in ["", "mailbox", "extension:1", "extension:12a", "external:12"] {
            assert!(bad.parse::<Forward>().is_err(), "{bad}");
        }
        let json: Forward = serde_json::from_str("\"extension:1002\"").unwrap();
        assert_eq!(json, Forward::Extension("1002".into()));
        let err = serde_json::from_str::<Forward>("\"phone:1\"").unwrap_err();
        assert!(err.to_string().contains("must be none, voicemail"), "{err}");
        assert!(Forward::Extension("1001".into())
            .check("forward_busy", "1001")
            .is_err());
    }
}
