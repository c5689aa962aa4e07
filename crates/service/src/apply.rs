//! Declarative configuration: a file says what should exist, and applying
//! it makes the PBX so — creating what is missing, changing what differs,
//! and (with prune) removing what the file no longer lists. Applying the
//! same file twice changes nothing the second time, and an export applied
//! back is a no-op.
//!
//! The format is TOML, one `[[extension]]` table per extension, with the
//! same field names as the API. A field left out of an entry is left as it
//! is (or gets its default on creation).

use crate::{Actor, ExtensionInput, ExtensionPatch, ListExtensions, Service, ServiceError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The contents of a declaration file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    #[serde(default, rename = "extension")]
    pub extensions: Vec<ExtensionInput>,
}

impl Declaration {
    /// Parses a declaration; errors name the line and the field.
    pub fn from_toml(text: &str) -> Result<Declaration, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The declaration as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Create(ExtensionInput),
    /// The number, the change, and the names of the fields it changes.
    Update(String, ExtensionPatch, Vec<&'static str>),
    Delete(String),
}

/// What applying a declaration would do, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// True when applying would change nothing.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return writeln!(f, "no changes");
        }
        for step in &self.steps {
            match step {
                Step::Create(e) => writeln!(f, "+ extension {} ({})", e.number, e.display_name)?,
                Step::Update(n, _, fields) => {
                    writeln!(f, "~ extension {n}: {}", fields.join(", "))?
                }
                Step::Delete(n) => writeln!(f, "- extension {n}")?,
            }
        }
        Ok(())
    }
}

impl Service {
    /// Every extension, as a declaration (secrets and PINs included).
    pub async fn export(&self, actor: &Actor) -> Result<Declaration, ServiceError> {
        actor.require_admin()?;
        let mut extensions = Vec::new();
        loop {
            let q = ListExtensions {
                limit: Some(500),
                offset: Some(extensions.len() as u32),
                ..Default::default()
            };
            let page = self.list_extensions(actor, q).await?;
            let done = page.items.is_empty()
                || extensions.len() as u64 + page.items.len() as u64 >= page.total;
            extensions.extend(page.items.into_iter().map(|e| ExtensionInput {
                number: e.number,
                display_name: e.display_name,
                auth_name: Some(e.auth_name),
                secret: Some(e.secret),
                email: e.email,
                voicemail_pin: e.voicemail_pin,
                enabled: Some(e.enabled),
                outbound_caller_id: e.outbound_caller_id,
                call_limit: Some(e.call_limit),
            }));
            if done {
                return Ok(Declaration { extensions });
            }
        }
    }

    /// What applying `declaration` would do; with `prune`, extensions the
    /// file does not list are removed.
    pub async fn plan(
        &self,
        actor: &Actor,
        declaration: &Declaration,
        prune: bool,
    ) -> Result<Plan, ServiceError> {
        actor.require_admin()?;
        let mut seen = BTreeSet::new();
        for e in &declaration.extensions {
            if !seen.insert(e.number.as_str()) {
                return Err(ServiceError::invalid(
                    "number",
                    format!("{} is listed twice", e.number),
                ));
            }
        }
        let current = self.export(actor).await?.extensions;
        let mut steps = Vec::new();
        for want in &declaration.extensions {
            match current.iter().find(|c| c.number == want.number) {
                None => steps.push(Step::Create(want.clone())),
                Some(have) => {
                    let (patch, fields) = difference(have, want);
                    if !fields.is_empty() {
                        steps.push(Step::Update(want.number.clone(), patch, fields));
                    }
                }
            }
        }
        if prune {
            for have in &current {
                if !seen.contains(have.number.as_str()) {
                    steps.push(Step::Delete(have.number.clone()));
                }
            }
        }
        Ok(Plan { steps })
    }

    /// Carries out a plan, step by step. On an error the steps before it
    /// stay done, and the error names the extension it stopped at.
    pub async fn apply(&self, actor: &Actor, plan: Plan) -> Result<(), ServiceError> {
        for step in plan.steps {
            let (number, result) = match step {
                Step::Create(e) => (
                    e.number.clone(),
                    self.create_extension(actor, e).await.map(drop),
                ),
                Step::Update(n, patch, _) => (
                    n.clone(),
                    self.update_extension(actor, &n, patch).await.map(drop),
                ),
                Step::Delete(n) => (n.clone(), self.delete_extension(actor, &n).await),
            };
            result.map_err(|e| match e {
                ServiceError::Invalid { field, message } => ServiceError::Invalid {
                    field,
                    message: format!("{message} (extension {number})"),
                },
                other => other,
            })?;
        }
        Ok(())
    }
}

/// The patch turning `have` into `want`, for the fields `want` gives.
fn difference(have: &ExtensionInput, want: &ExtensionInput) -> (ExtensionPatch, Vec<&'static str>) {
    let mut patch = ExtensionPatch::default();
    let mut fields = Vec::new();
    if want.display_name != have.display_name {
        patch.display_name = Some(want.display_name.clone());
        fields.push("display_name");
    }
    macro_rules! differs {
        ($field:ident, $wrap:expr) => {
            if want.$field.is_some() && want.$field != have.$field {
                patch.$field = want.$field.clone().map($wrap);
                fields.push(stringify!($field));
            }
        };
    }
    differs!(auth_name, |v| v);
    differs!(secret, |v| v);
    differs!(email, Some);
    differs!(voicemail_pin, Some);
    differs!(enabled, |v| v);
    differs!(outbound_caller_id, Some);
    differs!(call_limit, |v| v);
    (patch, fields)
}
