//! Ring groups: several extensions reached by one destination (and one
//! number), rung all at once or one after another (in order, round robin
//! from the member after the last to answer, or who answered longest ago
//! first). Members busy, on do-not-disturb or without a registered phone
//! are skipped; when nobody answers the call goes to `no_answer`.

use super::FlowObject;
use crate::destination::Destination;
use crate::ServiceError;
use serde::{Deserialize, Serialize};

/// How the members ring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Every member at once, for the group's ring time.
    #[default]
    RingAll,
    /// One after another, in the order given.
    Hunt,
    /// One after another, beginning after the member who answered last.
    RoundRobin,
    /// One after another, who answered longest ago (or never) first.
    LeastRecent,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::RingAll => "ring all",
            Strategy::Hunt => "hunt",
            Strategy::RoundRobin => "round robin",
            Strategy::LeastRecent => "least recently answered",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub extension: String,
    /// Seconds it rings when members ring one after another; none takes
    /// the group's ring time.
    #[serde(default)]
    pub ring_time: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RingGroup {
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub name: String,
    /// The internal number extensions dial.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub number: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub strategy: Strategy,
    pub members: Vec<Member>,
    /// Seconds every member rings (ring all), or each member without its
    /// own (one after another): 5 to 300.
    #[serde(default = "default_ring_time")]
    pub ring_time: u32,
    /// Where the call goes when nobody answered.
    #[serde(default = "hang_up")]
    #[schema(value_type = String, example = "voicemail:1001")]
    pub no_answer: Destination,
    /// Put before the caller's name on the members' phones.
    #[serde(default)]
    pub caller_id_prefix: Option<String>,
    /// Unix milliseconds (not written in declaration files).
    #[serde(default, skip_serializing_if = "unset")]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "unset")]
    pub updated_at: i64,
}

fn default_ring_time() -> u32 {
    20
}

/// A time not set: in a declaration, where the store's times are left out.
pub(crate) fn unset(t: &i64) -> bool {
    *t == 0
}

pub(crate) fn hang_up() -> Destination {
    Destination::HangUp
}

/// A label's rule: up to `max` characters, no control characters.
pub(crate) fn check_text(
    field: &'static str,
    v: &Option<String>,
    max: usize,
) -> Result<(), ServiceError> {
    match v {
        Some(t) if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) => {
            Err(ServiceError::invalid(
                field,
                format!("must be 1 to {max} characters, no control characters"),
            ))
        }
        _ => Ok(()),
    }
}

impl FlowObject for RingGroup {
    const KIND: &'static str = "ring_group";
    const NOUN: &'static str = "ring group";

    fn into_decl(self) -> super::declare::FlowDecl {
        super::declare::FlowDecl::RingGroup(self)
    }

    super::identity!();

    fn check(&self) -> Result<(), ServiceError> {
        check_text("display_name", &self.display_name, 64)?;
        check_text("caller_id_prefix", &self.caller_id_prefix, 20)?;
        if self.members.is_empty() || self.members.len() > 50 {
            return Err(ServiceError::invalid(
                "members",
                "must be 1 to 50 extensions",
            ));
        }
        if !(5..=300).contains(&self.ring_time) {
            return Err(ServiceError::invalid(
                "ring_time",
                "must be 5 to 300 seconds",
            ));
        }
        for (i, m) in self.members.iter().enumerate() {
            if self.members[..i].iter().any(|o| o.extension == m.extension) {
                return Err(ServiceError::invalid(
                    "members",
                    format!("{} is a member twice", m.extension),
                ));
            }
            if m.ring_time.is_some_and(|t| !(5..=300).contains(&t)) {
                return Err(ServiceError::invalid(
                    "members",
                    format!("{}: ring_time must be 5 to 300 seconds", m.extension),
                ));
            }
        }
        if self.no_answer == Destination::RingGroup(self.name.clone()) {
            return Err(ServiceError::invalid(
                "no_answer",
                "cannot be the group itself",
            ));
        }
        Ok(())
    }

    fn routes(&self) -> Vec<(String, &Destination)> {
        vec![("no answer".to_owned(), &self.no_answer)]
    }

    fn members(&self) -> Vec<&str> {
        self.members.iter().map(|m| m.extension.as_str()).collect()
    }
}
