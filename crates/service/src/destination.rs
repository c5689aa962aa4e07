//! Where a call is sent: the one notion every call flow routes to. An
//! extension, a ring group, an IVR, a schedule, a voicemail box, an
//! announcement (a sound, then the call ends), an external number (through
//! a trunk, once trunks exist), or hanging up. Written as administrators
//! read it: `extension:1001`, `ring_group:sales`, `ivr:main`,
//! `schedule:office`, `voicemail:1001`, `announcement:closed`,
//! `external:+4930123456`, `hangup`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Destination {
    Extension(String),
    RingGroup(String),
    Ivr(String),
    Schedule(String),
    Voicemail(String),
    Announcement(String),
    External(String),
    HangUp,
}

/// What a destination names: an extension, a flow object of a kind, or a
/// sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refers<'a> {
    Extension(&'a str),
    Flow(&'static str, &'a str),
    Sound(&'a str),
    Nothing,
}

impl Destination {
    /// The object the destination needs to exist.
    pub fn refers(&self) -> Refers<'_> {
        match self {
            Destination::Extension(n) | Destination::Voicemail(n) => Refers::Extension(n),
            Destination::RingGroup(n) => Refers::Flow("ring_group", n),
            Destination::Ivr(n) => Refers::Flow("ivr", n),
            Destination::Schedule(n) => Refers::Flow("schedule", n),
            Destination::Announcement(s) => Refers::Sound(s),
            Destination::External(_) | Destination::HangUp => Refers::Nothing,
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, what) = match self {
            Destination::Extension(n) => ("extension", n),
            Destination::RingGroup(n) => ("ring_group", n),
            Destination::Ivr(n) => ("ivr", n),
            Destination::Schedule(n) => ("schedule", n),
            Destination::Voicemail(n) => ("voicemail", n),
            Destination::Announcement(n) => ("announcement", n),
            Destination::External(n) => ("external", n),
            Destination::HangUp => return f.write_str("hangup"),
        };
        write!(f, "{kind}:{what}")
    }
}

/// A flow object's or a sound's name: lowercase letters, digits, `-`
/// and `_`, 1 to 40 characters, beginning with a letter or digit.
pub fn valid_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || (i > 0 && (b == b'-' || b == b'_'))
        })
}

const NAME_RULE: &str = "lowercase letters, digits, '-' and '_', 1 to 40 characters";

fn digits(n: &str) -> bool {
    (2..=10).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
}

impl std::str::FromStr for Destination {
    type Err = String;

    fn from_str(s: &str) -> Result<Destination, String> {
        if s == "hangup" {
            return Ok(Destination::HangUp);
        }
        let Some((kind, what)) = s.split_once(':') else {
            return Err(format!(
                "{s:?}: must be extension:N, ring_group:NAME, ivr:NAME, schedule:NAME, \
                 voicemail:N, announcement:SOUND, external:NUMBER or hangup"
            ));
        };
        let number = |make: fn(String) -> Destination| {
            if digits(what) {
                Ok(make(what.to_owned()))
            } else {
                Err(format!(
                    "{s:?}: {kind} needs an extension number of 2 to 10 digits"
                ))
            }
        };
        let named = |make: fn(String) -> Destination| {
            if valid_name(what) {
                Ok(make(what.to_owned()))
            } else {
                Err(format!("{s:?}: the name must be {NAME_RULE}"))
            }
        };
        match kind {
            "extension" => number(Destination::Extension),
            "voicemail" => number(Destination::Voicemail),
            "ring_group" => named(Destination::RingGroup),
            "ivr" => named(Destination::Ivr),
            "schedule" => named(Destination::Schedule),
            "announcement" => named(Destination::Announcement),
            "external" => {
                let digits = what.strip_prefix('+').unwrap_or(what);
                if (3..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Destination::External(what.to_owned()))
                } else {
                    Err(format!(
                        "{s:?}: an external number is 3 to 15 digits, optionally after +"
                    ))
                }
            }
            "queue" => Err(format!("{s:?}: queues are not built yet")),
            _ => Err(format!(
                "{s:?}: unknown kind {kind:?} (extension, ring_group, ivr, schedule, voicemail, \
                 announcement, external, hangup)"
            )),
        }
    }
}

impl Serialize for Destination {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Destination, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_written() {
        for s in [
            "extension:1001",
            "ring_group:sales",
            "ivr:main-menu",
            "schedule:office_2",
            "voicemail:1001",
            "announcement:closed",
            "external:+4930123456",
            "hangup",
        ] {
            let d: Destination = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn bad_destinations_say_why() {
        for (s, says) in [
            ("extension:1", "2 to 10 digits"),
            ("ring_group:Sales", "lowercase"),
            ("queue:support", "not built yet"),
            ("phone:1001", "unknown kind"),
            ("voicemail", "must be"),
            ("external:12ab", "3 to 15 digits"),
            ("ivr:-x", "lowercase"),
        ] {
            let e = s.parse::<Destination>().unwrap_err();
            assert!(e.contains(says), "{s}: {e}");
        }
    }
}
