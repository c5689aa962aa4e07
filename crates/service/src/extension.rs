//! Extensions: a number people dial, a phone account (SIP auth name and
//! secret), a voicemail PIN, and the limits that apply to it.
//!
//! Input arrives as [`ExtensionInput`] (create) or [`ExtensionPatch`]
//! (change); unknown fields are refused by name when deserialized. Every
//! value is checked here, the defaults (a strong secret, a PIN, two calls)
//! are chosen here, and the result is what the store keeps.

use crate::forward::{Forward, VoicemailEmail};
use crate::secrets::{self, weak_pin, weak_secret};
use crate::{now_millis, random_id, Actor, Event, Service, ServiceError};
use serde::{Deserialize, Serialize};
use switchboard_store::{ExtensionQuery, ExtensionRecord};

/// An extension as the service hands it out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Extension {
    pub number: String,
    pub display_name: String,
    pub auth_name: String,
    pub secret: String,
    pub email: Option<String>,
    pub voicemail_pin: Option<String>,
    pub enabled: bool,
    pub outbound_caller_id: Option<String>,
    pub call_limit: u32,
    /// Whether its calls are recorded.
    pub recording: RecordingPolicy,
    /// Do not disturb: its calls are treated as busy.
    pub dnd: bool,
    /// Where its calls go instead of ringing it.
    #[schema(value_type = String, example = "none")]
    pub forward_always: Forward,
    /// Where they go when it is busy or on do-not-disturb.
    #[schema(value_type = String, example = "voicemail")]
    pub forward_busy: Forward,
    /// Where they go when nobody answered within the ring time.
    #[schema(value_type = String, example = "voicemail")]
    pub forward_no_answer: Forward,
    /// Where they go when no phone of its is registered.
    #[schema(value_type = String, example = "extension:1002")]
    pub forward_unregistered: Forward,
    /// Seconds its phones ring; none: the server's default.
    pub ring_time: Option<u32>,
    /// Whether voicemail messages are emailed to `email`.
    pub voicemail_email: VoicemailEmail,
    /// May call abroad through the trunks (outbound rules marked
    /// international).
    pub international_calls: bool,
    /// Outbound calls it may start in an hour; none: no limit.
    pub outbound_calls_per_hour: Option<u32>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub updated_at: i64,
}

/// A new extension; what is left out gets its default. Also one entry of
/// a declaration file (`switchboard apply`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub number: String,
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[A-Za-z0-9._!~*'()-]{1,64}$")]
    pub auth_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 12)]
    pub secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[0-9]{4,10}$")]
    pub voicemail_pin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbound_caller_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 100)]
    pub call_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<RecordingPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd: Option<bool>,
    /// `none`, `voicemail`, `extension:NUMBER` or `external:NUMBER`
    /// (default none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub forward_always: Option<Forward>,
    /// Default voicemail.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub forward_busy: Option<Forward>,
    /// Default voicemail.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub forward_no_answer: Option<Forward>,
    /// Default voicemail.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub forward_unregistered: Option<Forward>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 5, maximum = 300)]
    pub ring_time: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voicemail_email: Option<VoicemailEmail>,
    /// Default false: calls abroad are refused (toll-fraud protection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub international_calls: Option<bool>,
    /// Default none: no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 10000)]
    pub outbound_calls_per_hour: Option<u32>,
}

/// Whether an extension's calls are recorded: never, every call, or when
/// asked for during the call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordingPolicy {
    #[default]
    Never,
    Always,
    OnDemand,
}

impl RecordingPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordingPolicy::Never => "never",
            RecordingPolicy::Always => "always",
            RecordingPolicy::OnDemand => "on_demand",
        }
    }

    /// As the store keeps it; anything unknown reads as never.
    pub fn parse(s: &str) -> RecordingPolicy {
        match s {
            "always" => RecordingPolicy::Always,
            "on_demand" => RecordingPolicy::OnDemand,
            _ => RecordingPolicy::Never,
        }
    }
}

impl std::str::FromStr for RecordingPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<RecordingPolicy, String> {
        match s {
            "never" | "always" | "on_demand" => Ok(RecordingPolicy::parse(s)),
            _ => Err(format!("{s:?}: must be never, always or on_demand")),
        }
    }
}

/// A change: only the fields given change. `Some(None)` clears an optional
/// field (JSON `null`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionPatch {
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub number: Option<String>,
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: Option<String>,
    #[schema(pattern = "^[A-Za-z0-9._!~*'()-]{1,64}$")]
    pub auth_name: Option<String>,
    #[schema(min_length = 12)]
    pub secret: Option<String>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub voicemail_pin: Option<Option<String>>,
    pub enabled: Option<bool>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub outbound_caller_id: Option<Option<String>>,
    #[schema(minimum = 1, maximum = 100)]
    pub call_limit: Option<u32>,
    pub recording: Option<RecordingPolicy>,
    pub dnd: Option<bool>,
    #[schema(value_type = Option<String>)]
    pub forward_always: Option<Forward>,
    #[schema(value_type = Option<String>)]
    pub forward_busy: Option<Forward>,
    #[schema(value_type = Option<String>)]
    pub forward_no_answer: Option<Forward>,
    #[schema(value_type = Option<String>)]
    pub forward_unregistered: Option<Forward>,
    /// `null` goes back to the server's default.
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<u32>, minimum = 5, maximum = 300)]
    pub ring_time: Option<Option<u32>>,
    pub voicemail_email: Option<VoicemailEmail>,
    pub international_calls: Option<bool>,
    /// `null`: no limit.
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub outbound_calls_per_hour: Option<Option<u32>>,
}

/// Which extensions to list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListExtensions {
    pub search: Option<String>,
    pub enabled: Option<bool>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// How many to skip, up to 2147483647.
    #[param(maximum = 2147483647)]
    pub offset: Option<u32>,
}

/// A page of extensions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExtensionList {
    pub items: Vec<Extension>,
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

/// The most calls one extension may have at once.
pub const MAX_CALL_LIMIT: u32 = 100;

fn check_number(n: &str) -> Result<(), ServiceError> {
    if (2..=10).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ServiceError::invalid("number", "must be 2 to 10 digits"))
    }
}

fn check_display_name(d: &str) -> Result<(), ServiceError> {
    let d_trim = d.trim();
    if d_trim.is_empty() || d.chars().count() > 64 || d.chars().any(char::is_control) || d_trim != d
    {
        return Err(ServiceError::invalid(
            "display_name",
            "must be 1 to 64 characters, no control characters or surrounding spaces",
        ));
    }
    Ok(())
}

fn check_auth_name(a: &str) -> Result<(), ServiceError> {
    let ok = (1..=64).contains(&a.len())
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "auth_name",
            "must be 1 to 64 letters, digits or -_.!~*'()",
        ))
    }
}

fn check_email(e: &str) -> Result<(), ServiceError> {
    let valid = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(())
    } else {
        Err(ServiceError::invalid("email", "is not an email address"))
    }
}

fn check_caller_id(c: &str) -> Result<(), ServiceError> {
    let digits = c.strip_prefix('+').unwrap_or(c);
    if (3..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "outbound_caller_id",
            "must be 3 to 15 digits, optionally after +",
        ))
    }
}

fn check_call_limit(l: u32) -> Result<(), ServiceError> {
    if (1..=MAX_CALL_LIMIT).contains(&l) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "call_limit",
            format!("must be 1 to {MAX_CALL_LIMIT}"),
        ))
    }
}

/// Every rule an extension must meet as a whole.
fn check(r: &ExtensionRecord) -> Result<(), ServiceError> {
    check_number(&r.number)?;
    check_display_name(&r.display_name)?;
    check_auth_name(&r.auth_name)?;
    if let Some(why) = weak_secret(&r.secret, &r.number, &r.auth_name) {
        return Err(ServiceError::invalid("secret", why));
    }
    if let Some(e) = &r.email {
        check_email(e)?;
    }
    if let Some(p) = &r.voicemail_pin {
        if let Some(why) = weak_pin(p, &r.number) {
            return Err(ServiceError::invalid("voicemail_pin", why));
        }
    }
    if let Some(c) = &r.outbound_caller_id {
        check_caller_id(c)?;
    }
    check_call_limit(u32::try_from(r.call_limit).unwrap_or(0))?;
    for (field, value) in [
        ("forward_always", &r.forward_always),
        ("forward_busy", &r.forward_busy),
        ("forward_no_answer", &r.forward_no_answer),
        ("forward_unregistered", &r.forward_unregistered),
    ] {
        Forward::from_stored(value.as_deref()).check(field, &r.number)?;
    }
    if let Some(t) = r.ring_time {
        if !(MIN_RING_TIME..=MAX_RING_TIME).contains(&t) {
            return Err(ServiceError::invalid(
                "ring_time",
                format!("must be {MIN_RING_TIME} to {MAX_RING_TIME} seconds"),
            ));
        }
    }
    if r.outbound_calls_per_hour
        .is_some_and(|n| !(1..=10_000).contains(&n))
    {
        return Err(ServiceError::invalid(
            "outbound_calls_per_hour",
            "must be 1 to 10000 (or none: no limit)",
        ));
    }
    if r.voicemail_email != "off" && r.email.is_none() {
        return Err(ServiceError::invalid(
            "voicemail_email",
            "needs the extension's email address",
        ));
    }
    Ok(())
}

/// The shortest and longest ring time an extension may have, in seconds.
pub const MIN_RING_TIME: i64 = 5;
pub const MAX_RING_TIME: i64 = 300;

impl From<ExtensionRecord> for Extension {
    fn from(r: ExtensionRecord) -> Extension {
        Extension {
            number: r.number,
            display_name: r.display_name,
            auth_name: r.auth_name,
            secret: r.secret,
            email: r.email,
            voicemail_pin: r.voicemail_pin,
            enabled: r.enabled,
            outbound_caller_id: r.outbound_caller_id,
            call_limit: u32::try_from(r.call_limit).unwrap_or(0),
            recording: RecordingPolicy::parse(&r.recording),
            dnd: r.dnd,
            forward_always: Forward::from_stored(r.forward_always.as_deref()),
            forward_busy: Forward::from_stored(r.forward_busy.as_deref()),
            forward_no_answer: Forward::from_stored(r.forward_no_answer.as_deref()),
            forward_unregistered: Forward::from_stored(r.forward_unregistered.as_deref()),
            ring_time: r.ring_time.and_then(|t| u32::try_from(t).ok()),
            voicemail_email: VoicemailEmail::parse(&r.voicemail_email),
            international_calls: r.international_calls,
            outbound_calls_per_hour: r
                .outbound_calls_per_hour
                .and_then(|n| u32::try_from(n).ok()),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Empty strings given for optional text mean "none".
fn optional(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

impl Service {
    /// Creates an extension.
    pub async fn create_extension(
        &self,
        actor: &Actor,
        input: ExtensionInput,
    ) -> Result<Extension, ServiceError> {
        actor.require_manager()?;
        check_number(&input.number)?;
        let auth_name = input.auth_name.unwrap_or_else(|| input.number.clone());
        let now = now_millis();
        let record = ExtensionRecord {
            id: random_id(),
            secret: input
                .secret
                .unwrap_or_else(|| secrets::sip_secret(&input.number, &auth_name)),
            voicemail_pin: Some(optional(input.voicemail_pin).unwrap_or_else(secrets::pin)),
            number: input.number,
            display_name: input.display_name,
            auth_name,
            email: optional(input.email),
            enabled: input.enabled.unwrap_or(true),
            outbound_caller_id: optional(input.outbound_caller_id),
            call_limit: i64::from(input.call_limit.unwrap_or(2)),
            recording: input.recording.unwrap_or_default().as_str().to_owned(),
            dnd: input.dnd.unwrap_or(false),
            forward_always: input.forward_always.unwrap_or_default().stored(),
            forward_busy: input.forward_busy.unwrap_or(Forward::Voicemail).stored(),
            forward_no_answer: input
                .forward_no_answer
                .unwrap_or(Forward::Voicemail)
                .stored(),
            forward_unregistered: input
                .forward_unregistered
                .unwrap_or(Forward::Voicemail)
                .stored(),
            ring_time: input.ring_time.map(i64::from),
            voicemail_email: input
                .voicemail_email
                .unwrap_or_default()
                .as_str()
                .to_owned(),
            international_calls: input.international_calls.unwrap_or(false),
            outbound_calls_per_hour: input.outbound_calls_per_hour.map(i64::from),
            created_at: now,
            updated_at: now,
        };
        check(&record)?;
        self.number_free(&record.number).await?;
        self.not_a_flow_number(&record.number).await?;
        self.store.insert_extension(&record).await?;
        let ext = Extension::from(record);
        let detail = format!("display_name={:?}", ext.display_name);
        self.record(
            actor,
            "extension.create",
            format!("extension {}", ext.number),
            detail,
            Event::ExtensionCreated {
                number: ext.number.clone(),
            },
        )
        .await?;
        Ok(ext)
    }

    /// A clear conflict when `number` is taken. The store's unique index
    /// still decides a race; this names the number when several unique
    /// fields collide at once.
    async fn number_free(&self, number: &str) -> Result<(), ServiceError> {
        match self.store.extension(number).await? {
            Some(_) => Err(ServiceError::Conflict {
                field: "number",
                message: format!("{number} is already an extension"),
            }),
            None => Ok(()),
        }
    }

    async fn load(&self, actor: &Actor, number: &str) -> Result<ExtensionRecord, ServiceError> {
        let not_found = || ServiceError::NotFound(format!("extension {number}"));
        if !actor.may_touch(number) {
            // A user learns nothing about extensions other than their own.
            return Err(not_found());
        }
        self.store.extension(number).await?.ok_or_else(not_found)
    }

    /// One extension.
    pub async fn extension(&self, actor: &Actor, number: &str) -> Result<Extension, ServiceError> {
        Ok(self.load(actor, number).await?.into())
    }

    /// A page of extensions; a user sees only their own.
    pub async fn list_extensions(
        &self,
        actor: &Actor,
        q: ListExtensions,
    ) -> Result<ExtensionList, ServiceError> {
        let limit = q.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err(ServiceError::invalid("limit", "must be 1 to 500"));
        }
        let offset = q.offset.unwrap_or(0);
        if offset > i32::MAX as u32 {
            return Err(ServiceError::invalid(
                "offset",
                "must be at most 2147483647",
            ));
        }
        if let crate::Role::User { extension } = &actor.role {
            let own = self.store.extension(extension).await?.map(Extension::from);
            let items: Vec<Extension> = own.into_iter().filter(|_| offset == 0).collect();
            return Ok(ExtensionList {
                total: items.len() as u64,
                items,
                limit,
                offset,
            });
        }
        let query = ExtensionQuery {
            search: q.search.filter(|s| !s.is_empty()),
            enabled: q.enabled,
            limit: i64::from(limit),
            offset: i64::from(offset),
        };
        let (records, total) = self.store.extensions(&query).await?;
        Ok(ExtensionList {
            items: records.into_iter().map(Extension::from).collect(),
            total: u64::try_from(total).unwrap_or(0),
            limit,
            offset,
        })
    }

    /// Changes an extension. A user may change their own display name,
    /// secret, email, PIN, forwarding, do-not-disturb, ring time and
    /// voicemail email; the rest is for managers and admins.
    pub async fn update_extension(
        &self,
        actor: &Actor,
        number: &str,
        patch: ExtensionPatch,
    ) -> Result<Extension, ServiceError> {
        let mut r = self.load(actor, number).await?;
        let admin_only = patch.number.is_some()
            || patch.auth_name.is_some()
            || patch.enabled.is_some()
            || patch.outbound_caller_id.is_some()
            || patch.call_limit.is_some()
            || patch.recording.is_some()
            || patch.international_calls.is_some()
            || patch.outbound_calls_per_hour.is_some();
        if admin_only {
            actor.require_manager()?;
        }
        let mut changed = Vec::new();
        macro_rules! apply {
            ($field:ident, $value:expr) => {
                if let Some(v) = $value {
                    r.$field = v;
                    changed.push(stringify!($field));
                }
            };
        }
        apply!(number, patch.number);
        apply!(display_name, patch.display_name);
        apply!(auth_name, patch.auth_name);
        apply!(secret, patch.secret);
        apply!(email, patch.email.map(optional));
        apply!(voicemail_pin, patch.voicemail_pin.map(optional));
        apply!(enabled, patch.enabled);
        apply!(outbound_caller_id, patch.outbound_caller_id.map(optional));
        apply!(call_limit, patch.call_limit.map(i64::from));
        apply!(recording, patch.recording.map(|p| p.as_str().to_owned()));
        apply!(dnd, patch.dnd);
        apply!(forward_always, patch.forward_always.map(|f| f.stored()));
        apply!(forward_busy, patch.forward_busy.map(|f| f.stored()));
        apply!(
            forward_no_answer,
            patch.forward_no_answer.map(|f| f.stored())
        );
        apply!(
            forward_unregistered,
            patch.forward_unregistered.map(|f| f.stored())
        );
        apply!(ring_time, patch.ring_time.map(|t| t.map(i64::from)));
        apply!(
            voicemail_email,
            patch.voicemail_email.map(|v| v.as_str().to_owned())
        );
        apply!(international_calls, patch.international_calls);
        apply!(
            outbound_calls_per_hour,
            patch.outbound_calls_per_hour.map(|t| t.map(i64::from))
        );
        if changed.is_empty() {
            return Ok(r.into());
        }
        r.updated_at = now_millis();
        check(&r)?;
        if r.number != number {
            self.number_free(&r.number).await?;
            self.not_a_flow_number(&r.number).await?;
            self.unreferenced("extension", number, "number", "renumbered")
                .await?;
        }
        if !self.store.update_extension(&r).await? {
            return Err(ServiceError::NotFound(format!("extension {number}")));
        }
        let ext = Extension::from(r);
        let detail = format!("changed {}", changed.join(", "));
        self.record(
            actor,
            "extension.update",
            format!("extension {number}"),
            detail,
            Event::ExtensionUpdated {
                number: ext.number.clone(),
                previous_number: (ext.number != number).then(|| number.to_owned()),
            },
        )
        .await?;
        Ok(ext)
    }

    /// Replaces an extension's SIP secret with a new strong one.
    pub async fn regenerate_secret(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Extension, ServiceError> {
        let r = self.load(actor, number).await?;
        let secret = secrets::sip_secret(&r.number, &r.auth_name);
        let patch = ExtensionPatch {
            secret: Some(secret),
            ..Default::default()
        };
        self.update_extension(actor, number, patch).await
    }

    /// Deletes an extension.
    pub async fn delete_extension(&self, actor: &Actor, number: &str) -> Result<(), ServiceError> {
        actor.require_manager()?;
        self.unreferenced("extension", number, "number", "deleted")
            .await?;
        if !self.store.delete_extension(number).await? {
            return Err(ServiceError::NotFound(format!("extension {number}")));
        }
        let event = Event::ExtensionDeleted {
            number: number.to_owned(),
        };
        self.record(
            actor,
            "extension.delete",
            format!("extension {number}"),
            String::new(),
            event,
        )
        .await
    }
}

/// `Option<Option<T>>` from JSON: absent → `None`, `null` → `Some(None)`.
mod nullable {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}
