//! Outbound rules: which dialled numbers leave through the trunks. A rule
//! matches by pattern, strips and prepends digits, says who may use it
//! (extensions, or the members of ring groups; nobody listed: everyone)
//! and which trunks to try in order, and which caller ID to present.
//! Rules are tried by `priority`, lowest first; emergency rules come
//! before all others, are open to everyone and never refused for a limit.
//! A rule marked `international` is refused to extensions not allowed
//! international calls (toll-fraud protection).

use super::pattern::Pattern;
use crate::destination::{valid_name, Destination};
use crate::flows::ring_group::{check_text, unset};
use crate::flows::FlowObject;
use crate::ServiceError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The caller ID an outbound call presents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CallerId {
    /// The extension's outbound caller ID, else the trunk's main number.
    #[default]
    Extension,
    /// The trunk's main number.
    Main,
    /// None: the call is anonymous (RFC 3323 privacy).
    Withheld,
    /// This number.
    Number(String),
}

impl fmt::Display for CallerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallerId::Extension => "extension",
            CallerId::Main => "main",
            CallerId::Withheld => "withheld",
            CallerId::Number(n) => n,
        })
    }
}

impl TryFrom<String> for CallerId {
    type Error = String;

    fn try_from(s: String) -> Result<CallerId, String> {
        Ok(match s.as_str() {
            "extension" => CallerId::Extension,
            "main" => CallerId::Main,
            "withheld" => CallerId::Withheld,
            n if super::trunk::phone_number(n) => CallerId::Number(s),
            _ => {
                return Err(format!(
                    "{s:?}: must be extension, main, withheld or a number of 3 to 15 digits"
                ))
            }
        })
    }
}

impl From<CallerId> for String {
    fn from(c: CallerId) -> String {
        c.to_string()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboundRule {
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// Lower first.
    #[serde(default = "default_priority")]
    pub priority: u32,
    /// Dial patterns (`0[1-9]XXXXXXXX`, `00.`, `112`).
    pub patterns: Vec<String>,
    /// Digits taken off the front of the dialled number.
    #[serde(default)]
    pub strip: u32,
    /// Put in front, after stripping (`+49`).
    #[serde(default)]
    pub prepend: String,
    /// Who may use it: extension numbers, or `ring_group:NAME` for the
    /// group's members. Nobody listed: every extension.
    #[serde(default)]
    pub allowed: Vec<String>,
    /// The trunks tried, in order, until one takes the call.
    pub trunks: Vec<String>,
    /// `extension`, `main`, `withheld`, or a number.
    #[serde(default)]
    #[schema(value_type = String, example = "extension")]
    pub caller_id: CallerId,
    /// Emergency numbers: first, for everyone, never refused for a limit.
    #[serde(default)]
    pub emergency: bool,
    /// International: only for extensions allowed international calls.
    #[serde(default)]
    pub international: bool,
    #[serde(default, skip_serializing_if = "unset")]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "unset")]
    pub updated_at: i64,
}

fn default_priority() -> u32 {
    100
}

impl OutboundRule {
    /// Its patterns, parsed (checked on save).
    pub fn parsed_patterns(&self) -> Vec<Pattern> {
        self.patterns
            .iter()
            .filter_map(|p| Pattern::parse(p).ok())
            .collect()
    }

    /// The number sent to the trunk for `dialled`.
    pub fn rewrite(&self, dialled: &str) -> String {
        let strip = (self.strip as usize).min(dialled.len());
        format!("{}{}", self.prepend, &dialled[strip..])
    }
}

impl FlowObject for OutboundRule {
    const KIND: &'static str = "outbound_rule";
    const NOUN: &'static str = "outbound rule";
    const ADMIN_ONLY: bool = true;

    crate::flows::identity!(unnumbered);

    fn into_decl(self) -> crate::flows::declare::FlowDecl {
        crate::flows::declare::FlowDecl::OutboundRule(self)
    }

    fn check(&self) -> Result<(), ServiceError> {
        check_text("display_name", &self.display_name, 64)?;
        if self.patterns.is_empty() || self.patterns.len() > 50 {
            return Err(ServiceError::invalid(
                "patterns",
                "must be 1 to 50 patterns",
            ));
        }
        for p in &self.patterns {
            Pattern::parse(p).map_err(|e| ServiceError::invalid("patterns", e))?;
        }
        if self.strip > 15 {
            return Err(ServiceError::invalid("strip", "must be 0 to 15 digits"));
        }
        if self.prepend.len() > 15
            || !self
                .prepend
                .bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || b"*#".contains(&b) || (i == 0 && b == b'+'))
        {
            return Err(ServiceError::invalid(
                "prepend",
                "must be up to 15 digits, * or #, with an optional leading +",
            ));
        }
        if self.trunks.is_empty() || self.trunks.len() > 10 {
            return Err(ServiceError::invalid("trunks", "must be 1 to 10 trunks"));
        }
        for (i, t) in self.trunks.iter().enumerate() {
            if !valid_name(t) {
                return Err(ServiceError::invalid(
                    "trunks",
                    format!("{t:?} is not a trunk's name"),
                ));
            }
            if self.trunks[..i].contains(t) {
                return Err(ServiceError::invalid(
                    "trunks",
                    format!("{t} is listed twice"),
                ));
            }
        }
        for a in &self.allowed {
            let ok = match a.strip_prefix("ring_group:") {
                Some(g) => valid_name(g),
                None => (2..=10).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_digit()),
            };
            if !ok {
                return Err(ServiceError::invalid(
                    "allowed",
                    format!("{a:?} must be an extension number or ring_group:NAME"),
                ));
            }
        }
        if self.emergency && !self.allowed.is_empty() {
            return Err(ServiceError::invalid(
                "allowed",
                "an emergency rule is open to everyone",
            ));
        }
        Ok(())
    }

    fn routes(&self) -> Vec<(String, &Destination)> {
        Vec::new()
    }

    fn members(&self) -> Vec<&str> {
        self.allowed
            .iter()
            .filter(|a| !a.starts_with("ring_group:"))
            .map(String::as_str)
            .collect()
    }

    const MEMBER: &'static str = "allowed";

    fn names(&self) -> Vec<(&'static str, &'static str, &str)> {
        let groups = self
            .allowed
            .iter()
            .filter_map(|a| a.strip_prefix("ring_group:"))
            .map(|g| ("allowed", "ring_group", g));
        self.trunks
            .iter()
            .map(|t| ("trunks", "trunk", t.as_str()))
            .chain(groups)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_ids_read_back_as_written() {
        for s in ["extension", "main", "withheld", "+4930123456"] {
            let c = CallerId::try_from(s.to_owned()).unwrap();
            assert_eq!(c.to_string(), s);
        }
        assert!(CallerId::try_from("nobody".to_owned()).is_err());
    }
}
