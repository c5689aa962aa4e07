//! Declarative configuration: a file says what should exist, and applying
//! it makes the PBX so — creating what is missing, changing what differs,
//! and (with prune) removing what the file no longer lists. Applying the
//! same file twice changes nothing the second time, and an export applied
//! back is a no-op.
//!
//! The file is TOML (one `[[extension]]` table per extension, and
//! `[[ring_group]]`, `[[ivr]]`, `[[schedule]]` for call flows,
//! `[[trunk]]`, `[[did]]`, `[[outbound_rule]]` for the phone network) or YAML
//! (`extension:`, `ring_group:` … lists), with the same field names as the
//! API. A field left out of an extension is left as it is (or gets its
//! default on creation); a flow object is declared whole.

use crate::flows::declare::{self, FlowDecl};
use crate::trunks::{Did, OutboundRule, Trunk};
use crate::{
    Actor, ExtensionInput, ExtensionPatch, Ivr, ListExtensions, RingGroup, Schedule, Service,
    ServiceError,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The contents of a declaration file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    #[serde(default, rename = "extension", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionInput>,
    #[serde(default, rename = "ring_group", skip_serializing_if = "Vec::is_empty")]
    pub ring_groups: Vec<RingGroup>,
    #[serde(default, rename = "ivr", skip_serializing_if = "Vec::is_empty")]
    pub ivrs: Vec<Ivr>,
    #[serde(default, rename = "schedule", skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<Schedule>,
    #[serde(default, rename = "trunk", skip_serializing_if = "Vec::is_empty")]
    pub trunks: Vec<Trunk>,
    #[serde(default, rename = "did", skip_serializing_if = "Vec::is_empty")]
    pub dids: Vec<Did>,
    #[serde(
        default,
        rename = "outbound_rule",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub outbound_rules: Vec<OutboundRule>,
}

impl Declaration {
    /// Adds a flow object to its list.
    pub fn push_flow(&mut self, f: FlowDecl) {
        match f {
            FlowDecl::RingGroup(g) => self.ring_groups.push(g),
            FlowDecl::Ivr(i) => self.ivrs.push(i),
            FlowDecl::Schedule(s) => self.schedules.push(s),
            FlowDecl::Trunk(t) => self.trunks.push(t),
            FlowDecl::Did(d) => self.dids.push(d),
            FlowDecl::OutboundRule(r) => self.outbound_rules.push(r),
        }
    }

    /// Its flow objects, ring groups first; outbound rules after the
    /// trunks and groups they name.
    fn flows(&self) -> Vec<FlowDecl> {
        let mut all: Vec<FlowDecl> = self
            .ring_groups
            .iter()
            .cloned()
            .map(FlowDecl::RingGroup)
            .collect();
        all.extend(self.ivrs.iter().cloned().map(FlowDecl::Ivr));
        all.extend(self.schedules.iter().cloned().map(FlowDecl::Schedule));
        all.extend(self.trunks.iter().cloned().map(FlowDecl::Trunk));
        all.extend(self.dids.iter().cloned().map(FlowDecl::Did));
        all.extend(
            self.outbound_rules
                .iter()
                .cloned()
                .map(FlowDecl::OutboundRule),
        );
        all
    }
}

/// The two ways a declaration is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

impl Format {
    /// The format a file name's extension names: `.toml`, `.yaml`, `.yml`.
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "toml" => Ok(Format::Toml),
            "yaml" | "yml" => Ok(Format::Yaml),
            _ => Err(format!("unknown format {s:?}: use toml or yaml")),
        }
    }
}

impl Declaration {
    /// Parses a declaration; errors name the line and the field.
    pub fn parse(text: &str, format: Format) -> Result<Declaration, String> {
        match format {
            Format::Toml => toml::from_str(text).map_err(|e| e.to_string()),
            Format::Yaml => yaml_serde::from_str(text).map_err(|e| e.to_string()),
        }
    }

    /// The declaration, written in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Toml => toml::to_string(self).expect("declarations serialize as TOML"),
            Format::Yaml => yaml_serde::to_string(self).expect("declarations serialize as YAML"),
        }
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Create(ExtensionInput),
    /// The number, the change, and the fields it changes.
    Update(String, ExtensionPatch, Vec<FieldChange>),
    Delete(String),
    /// A new flow object.
    CreateFlow(FlowDecl),
    /// Kind, name, the change, and the fields it changes.
    UpdateFlow(
        &'static str,
        String,
        serde_json::Map<String, serde_json::Value>,
        Vec<FieldChange>,
    ),
    /// Kind and name.
    DeleteFlow(&'static str, String),
}

/// One field a step changes, with its values as a plan shows them: secrets
/// and PINs are never shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} → {}", self.field, self.from, self.to)
    }
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
                Step::Update(n, _, changes) => {
                    writeln!(f, "~ extension {n}")?;
                    for change in changes {
                        writeln!(f, "    {change}")?;
                    }
                }
                Step::Delete(n) => writeln!(f, "- extension {n}")?,
                Step::CreateFlow(d) => writeln!(f, "+ {} {}", d.kind(), d.name())?,
                Step::UpdateFlow(kind, name, _, changes) => {
                    writeln!(f, "~ {kind} {name}")?;
                    for change in changes {
                        writeln!(f, "    {change}")?;
                    }
                }
                Step::DeleteFlow(kind, name) => writeln!(f, "- {kind} {name}")?,
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
                recording: Some(e.recording),
                dnd: Some(e.dnd),
                forward_always: Some(e.forward_always),
                forward_busy: Some(e.forward_busy),
                forward_no_answer: Some(e.forward_no_answer),
                forward_unregistered: Some(e.forward_unregistered),
                ring_time: e.ring_time,
                voicemail_email: Some(e.voicemail_email),
                international_calls: Some(e.international_calls),
                outbound_calls_per_hour: e.outbound_calls_per_hour,
            }));
            if done {
                let mut d = Declaration {
                    extensions,
                    ..Declaration::default()
                };
                for f in self.declared_flows(actor).await? {
                    d.push_flow(f);
                }
                return Ok(d);
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
        let wanted = declaration.flows();
        let mut seen_flows = BTreeSet::new();
        for d in &wanted {
            if !seen_flows.insert((d.kind(), d.name().to_owned())) {
                return Err(ServiceError::invalid(
                    "name",
                    format!("{} {} is listed twice", d.kind(), d.name()),
                ));
            }
        }
        let current_flows = self.declared_flows(actor).await?;
        if prune {
            for have in &current_flows {
                if !seen_flows.contains(&(have.kind(), have.name().to_owned())) {
                    steps.push(Step::DeleteFlow(have.kind(), have.name().to_owned()));
                }
            }
        }
        for want in wanted {
            let have = current_flows
                .iter()
                .find(|c| c.kind() == want.kind() && c.name() == want.name());
            match have {
                None => steps.push(Step::CreateFlow(want)),
                Some(have) => {
                    let (patch, changes) = declare::difference(have, &want);
                    if !changes.is_empty() {
                        steps.push(Step::UpdateFlow(
                            want.kind(),
                            want.name().to_owned(),
                            patch,
                            changes,
                        ));
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
        // Extensions first (flows ring them), new flow objects as
        // placeholders, then every flow object's real destinations, then
        // what is pruned: flow objects while anything can go, extensions.
        let (mut extensions, mut flows, mut pruned_flows, mut pruned) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for step in plan.steps {
            match step {
                Step::Create(_) | Step::Update(..) => extensions.push(step),
                Step::Delete(_) => pruned.push(step),
                Step::CreateFlow(_) | Step::UpdateFlow(..) => flows.push(step),
                Step::DeleteFlow(..) => pruned_flows.push(step),
            }
        }
        self.apply_extensions(actor, extensions).await?;
        for step in &flows {
            if let Step::CreateFlow(d) = step {
                self.create_placeholder(actor, d)
                    .await
                    .map_err(|e| about(e, d.kind(), d.name()))?;
            }
        }
        for step in flows {
            let (kind, name, patch) = match step {
                Step::CreateFlow(d) => (d.kind(), d.name().to_owned(), d.fields()),
                Step::UpdateFlow(kind, name, patch, _) => (kind, name, patch),
                _ => continue,
            };
            self.patch_declared(actor, kind, &name, patch)
                .await
                .map_err(|e| about(e, kind, &name))?;
        }
        while !pruned_flows.is_empty() {
            let before = pruned_flows.len();
            let mut left = Vec::new();
            let mut last = None;
            for step in pruned_flows {
                let Step::DeleteFlow(kind, name) = &step else {
                    continue;
                };
                match self.delete_declared(actor, kind, name).await {
                    Ok(()) => {}
                    Err(e @ ServiceError::Conflict { .. }) => {
                        last = Some(about(e, kind, name));
                        left.push(step);
                    }
                    Err(e) => return Err(about(e, kind, name)),
                }
            }
            if left.len() == before {
                return Err(last.expect("a step was left"));
            }
            pruned_flows = left;
        }
        self.apply_extensions(actor, pruned).await
    }

    async fn apply_extensions(&self, actor: &Actor, steps: Vec<Step>) -> Result<(), ServiceError> {
        for step in steps {
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
                _ => continue,
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

/// An error of a flow object's step, naming the object.
fn about(e: ServiceError, kind: &str, name: &str) -> ServiceError {
    match e {
        ServiceError::Invalid { field, message } => ServiceError::Invalid {
            field,
            message: format!("{message} ({kind} {name})"),
        },
        ServiceError::Conflict { field, message } => ServiceError::Conflict {
            field,
            message: format!("{message} ({kind} {name})"),
        },
        other => other,
    }
}

/// A value as a plan shows it.
fn shown<T: fmt::Debug>(value: &Option<T>) -> String {
    value.as_ref().map_or("none".into(), |v| format!("{v:?}"))
}

/// The patch turning `have` into `want`, for the fields `want` gives.
fn difference(have: &ExtensionInput, want: &ExtensionInput) -> (ExtensionPatch, Vec<FieldChange>) {
    let mut patch = ExtensionPatch::default();
    let mut changes = Vec::new();
    if want.display_name != have.display_name {
        patch.display_name = Some(want.display_name.clone());
        changes.push(FieldChange {
            field: "display_name".to_owned(),
            from: format!("{:?}", have.display_name),
            to: format!("{:?}", want.display_name),
        });
    }
    macro_rules! differs {
        ($field:ident, $wrap:expr, $show:expr) => {
            if want.$field.is_some() && want.$field != have.$field {
                patch.$field = want.$field.clone().map($wrap);
                changes.push(FieldChange {
                    field: stringify!($field).to_owned(),
                    from: $show(&have.$field),
                    to: $show(&want.$field),
                });
            }
        };
    }
    let hidden = |_: &Option<String>| "(hidden)".to_owned();
    differs!(auth_name, |v| v, shown);
    differs!(secret, |v| v, hidden);
    differs!(email, Some, shown);
    differs!(voicemail_pin, Some, hidden);
    differs!(enabled, |v| v, shown);
    differs!(outbound_caller_id, Some, shown);
    differs!(call_limit, |v| v, shown);
    differs!(recording, |v| v, shown);
    differs!(dnd, |v| v, shown);
    differs!(forward_always, |v| v, shown);
    differs!(forward_busy, |v| v, shown);
    differs!(forward_no_answer, |v| v, shown);
    differs!(forward_unregistered, |v| v, shown);
    differs!(ring_time, Some, shown);
    differs!(voicemail_email, |v| v, shown);
    differs!(international_calls, |v| v, shown);
    differs!(outbound_calls_per_hour, Some, shown);
    (patch, changes)
}
