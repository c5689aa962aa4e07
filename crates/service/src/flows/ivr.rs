//! IVRs (auto attendants): Switchboard answers, plays a greeting, and the
//! caller's key chooses a destination. Callers may also type an
//! extension's number when the IVR allows it. Nothing or a wrong key
//! plays the greeting again, up to `repeats` times; then the caller goes
//! to `fallback`. An option may lead to another IVR (nested menus) or back
//! to this one.

use super::ring_group::{check_text, hang_up, unset};
use super::FlowObject;
use crate::destination::{valid_name, Destination};
use crate::ServiceError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ivr {
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub name: String,
    #[serde(default)]
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub number: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The sound played: an uploaded one, or a shipped prompt.
    pub greeting: String,
    /// Key (`0`–`9`, `*`, `#`) → destination.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub options: BTreeMap<String, Destination>,
    /// Callers may type an extension's number.
    #[serde(default)]
    pub dial_extension: bool,
    /// How many digits such a number has: 2 to 10.
    #[serde(default = "default_length")]
    pub extension_length: u32,
    /// Seconds to wait for a key after the greeting: 1 to 60.
    #[serde(default = "default_timeout")]
    pub timeout: u32,
    /// Times the greeting plays before the caller goes to `fallback`.
    #[serde(default = "default_repeats")]
    pub repeats: u32,
    #[serde(default = "hang_up")]
    #[schema(value_type = String, example = "hangup")]
    pub fallback: Destination,
    /// Unix milliseconds (not written in declaration files).
    #[serde(default, skip_serializing_if = "unset")]
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "unset")]
    pub updated_at: i64,
}

fn default_length() -> u32 {
    4
}

fn default_timeout() -> u32 {
    5
}

fn default_repeats() -> u32 {
    3
}

/// The keys a phone has.
pub const KEYS: &str = "0123456789*#";

impl FlowObject for Ivr {
    const KIND: &'static str = "ivr";
    const NOUN: &'static str = "ivr";

    fn into_decl(self) -> super::declare::FlowDecl {
        super::declare::FlowDecl::Ivr(self)
    }

    super::identity!();

    fn check(&self) -> Result<(), ServiceError> {
        check_text("display_name", &self.display_name, 64)?;
        if !valid_name(&self.greeting) {
            return Err(ServiceError::invalid("greeting", "must name a sound"));
        }
        for key in self.options.keys() {
            if key.len() != 1 || !KEYS.contains(key.as_str()) {
                return Err(ServiceError::invalid(
                    "options",
                    format!("{key:?} is not a key: 0 to 9, * or #"),
                ));
            }
        }
        if !(2..=10).contains(&self.extension_length) {
            return Err(ServiceError::invalid(
                "extension_length",
                "must be 2 to 10 digits",
            ));
        }
        if !(1..=60).contains(&self.timeout) {
            return Err(ServiceError::invalid("timeout", "must be 1 to 60 seconds"));
        }
        if !(1..=10).contains(&self.repeats) {
            return Err(ServiceError::invalid("repeats", "must be 1 to 10"));
        }
        if self.fallback == Destination::Ivr(self.name.clone()) {
            return Err(ServiceError::invalid(
                "fallback",
                "cannot be the IVR itself",
            ));
        }
        Ok(())
    }

    fn routes(&self) -> Vec<(String, &Destination)> {
        let mut routes: Vec<(String, &Destination)> = self
            .options
            .iter()
            .map(|(k, d)| (format!("option {k}"), d))
            .collect();
        routes.push(("fallback".to_owned(), &self.fallback));
        routes
    }

    fn sounds(&self) -> Vec<&str> {
        vec![&self.greeting]
    }
}
