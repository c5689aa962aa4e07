//! Inbound call flows: ring groups, IVRs and schedules, the building
//! blocks an administrator composes into who rings when. Each is a
//! [`FlowObject`]: named, optionally given an internal number (from the
//! same plan as extensions'), routing to [`Destination`]s. They are
//! created, read, changed (any subset of fields, checked whole) and
//! deleted here the same way; an object still referred to cannot be
//! deleted or renamed, and the error names who refers to it.

pub mod declare;
pub mod ivr;
pub mod numbers;
mod references;
pub mod ring_group;
pub mod schedule;

use crate::destination::{valid_name, Destination};
use crate::{now_millis, Actor, Event, Service, ServiceError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_store::FlowRecord;

/// What every flow object is to the service layer.
pub trait FlowObject: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// Its kind as stored and as destinations name it (`ring_group`).
    const KIND: &'static str;
    /// Its kind in words (`ring group`).
    const NOUN: &'static str;
    fn name(&self) -> &str;
    fn number(&self) -> Option<&str>;
    /// Sets the times the store keeps (Unix milliseconds).
    fn set_times(&mut self, created_at: i64, updated_at: i64);
    /// Checks its own fields (not whether what it names exists).
    fn check(&self) -> Result<(), ServiceError>;
    /// Where it sends calls, and in which of its fields or options.
    fn routes(&self) -> Vec<(String, &Destination)>;
    /// Extensions it names besides its destinations (a group's members),
    /// and what they are to it, in words.
    fn members(&self) -> Vec<&str> {
        Vec::new()
    }
    const MEMBER: &'static str = "member";
    /// Sounds it plays.
    fn sounds(&self) -> Vec<&str> {
        Vec::new()
    }
    /// Other objects it names: the field, their kind and name (a rule's
    /// trunks).
    fn names(&self) -> Vec<(&'static str, &'static str, &str)> {
        Vec::new()
    }
    /// Public numbers it claims, which no other object may (a DID's).
    fn claims(&self) -> Vec<crate::trunks::did::NumberRange> {
        Vec::new()
    }
    /// Only administrators read and change it (it holds credentials, or
    /// decides what calls cost).
    const ADMIN_ONLY: bool = false;
    /// Where the running server's view of it goes, when it has one (a
    /// trunk's registration).
    fn status_slot(&mut self) -> Option<&mut Option<crate::trunks::trunk::TrunkStatus>> {
        None
    }
    /// Fills in what is computed when read (a schedule's state now).
    fn when_read(&mut self, _service: &Service) {}
    /// As a declaration file lists it: without what the store keeps.
    fn declared(mut self) -> declare::FlowDecl {
        self.set_times(0, 0);
        if let Some(status) = self.status_slot() {
            *status = None;
        }
        self.into_decl()
    }
    fn into_decl(self) -> declare::FlowDecl;
}

/// The methods of [`FlowObject`] every flow object has alike: its name,
/// its number (none, `unnumbered`), and the store's times.
macro_rules! identity {
    () => {
        fn name(&self) -> &str {
            &self.name
        }

        fn number(&self) -> Option<&str> {
            self.number.as_deref()
        }

        fn set_times(&mut self, created_at: i64, updated_at: i64) {
            self.created_at = created_at;
            self.updated_at = updated_at;
        }
    };
    // Objects with no internal number (trunks, DIDs, outbound rules).
    (unnumbered) => {
        fn name(&self) -> &str {
            &self.name
        }

        fn number(&self) -> Option<&str> {
            None
        }

        fn set_times(&mut self, created_at: i64, updated_at: i64) {
            self.created_at = created_at;
            self.updated_at = updated_at;
        }
    };
}
pub(crate) use identity;

/// `name` or a `number`, as a flow object may have them.
fn check_identity(name: &str, number: Option<&str>) -> Result<(), ServiceError> {
    if !valid_name(name) {
        return Err(ServiceError::invalid(
            "name",
            "must be lowercase letters, digits, '-' and '_', 1 to 40 characters",
        ));
    }
    if let Some(n) = number {
        if !((2..=10).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ServiceError::invalid("number", "must be 2 to 10 digits"));
        }
    }
    Ok(())
}

fn decode<T: FlowObject>(r: FlowRecord) -> Result<T, ServiceError> {
    let mut t: T = serde_json::from_str(&r.body).map_err(|e| {
        ServiceError::Files(format!(
            "{} {} as stored is unreadable: {e}",
            T::NOUN,
            r.name
        ))
    })?;
    t.set_times(r.created_at, r.updated_at);
    Ok(t)
}

fn encode<T: FlowObject>(
    t: &T,
    created_at: i64,
    updated_at: i64,
) -> Result<FlowRecord, ServiceError> {
    let body = serde_json::to_string(t)
        .map_err(|e| ServiceError::Files(format!("{} {}: {e}", T::NOUN, t.name())))?;
    Ok(FlowRecord {
        kind: T::KIND.to_owned(),
        name: t.name().to_owned(),
        number: t.number().map(str::to_owned),
        body,
        created_at,
        updated_at,
    })
}

impl Service {
    /// Creates a flow object.
    pub async fn create_flow<T: FlowObject>(
        &self,
        actor: &Actor,
        mut t: T,
    ) -> Result<T, ServiceError> {
        require::<T>(actor)?;
        check_identity(t.name(), t.number())?;
        t.check()?;
        self.claims_free(&t, None).await?;
        if self.store.flow(T::KIND, t.name()).await?.is_some() {
            return Err(ServiceError::Conflict {
                field: "name",
                message: format!("there is already a {} {}", T::NOUN, t.name()),
            });
        }
        if let Some(n) = t.number() {
            self.number_unused(n, None).await?;
        }
        self.named_exist(&t).await?;
        let now = now_millis();
        t.set_times(now, now);
        self.store
            .insert_flow(&encode(&t, now, now)?)
            .await
            .map_err(number_taken)?;
        self.flow_changed(actor, "create", &t).await?;
        self.read(t).await
    }

    /// One flow object.
    pub async fn flow<T: FlowObject>(&self, actor: &Actor, name: &str) -> Result<T, ServiceError> {
        may_read::<T>(actor)?;
        let t = self.load_flow::<T>(name).await?;
        self.read(t).await
    }

    /// Every flow object of a kind, by name.
    pub async fn flows<T: FlowObject>(&self, actor: &Actor) -> Result<Vec<T>, ServiceError> {
        may_read::<T>(actor)?;
        let mut all = Vec::new();
        for r in self.store.flows(Some(T::KIND)).await? {
            all.push(self.read(decode::<T>(r)?).await?);
        }
        Ok(all)
    }

    /// Changes the fields `patch` gives (a JSON object); the result is
    /// checked whole, as a new one would be.
    pub async fn update_flow<T: FlowObject>(
        &self,
        actor: &Actor,
        name: &str,
        patch: serde_json::Map<String, serde_json::Value>,
    ) -> Result<T, ServiceError> {
        require::<T>(actor)?;
        let record = self
            .store
            .flow(T::KIND, name)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("{} {name}", T::NOUN)))?;
        let before: T = decode(record.clone())?;
        let mut doc: serde_json::Value = serde_json::from_str(&record.body)
            .map_err(|e| ServiceError::Files(format!("{} {name}: {e}", T::NOUN)))?;
        let fields = doc
            .as_object_mut()
            .ok_or_else(|| ServiceError::Files(format!("{} {name} is not an object", T::NOUN)))?;
        let changed: Vec<String> = patch.keys().cloned().collect();
        let original = fields.clone();
        for (k, v) in &patch {
            if k == "created_at" || k == "updated_at" || k == "state" || k == "status" {
                return Err(ServiceError::invalid(
                    "body",
                    format!("{k} cannot be changed"),
                ));
            }
            fields.insert(k.clone(), v.clone());
        }
        let mut after: T = match serde_json::from_value(doc) {
            Ok(t) => t,
            Err(e) => return Err(patch_error::<T>(e, &original, &patch)),
        };
        check_identity(after.name(), after.number())?;
        after.check()?;
        self.claims_free(&after, Some(name)).await?;
        if after.name() != name {
            if self.store.flow(T::KIND, after.name()).await?.is_some() {
                return Err(ServiceError::Conflict {
                    field: "name",
                    message: format!("there is already a {} {}", T::NOUN, after.name()),
                });
            }
            self.unreferenced(T::KIND, name, "name", "renamed").await?;
        }
        if after.number() != before.number() {
            if let Some(n) = after.number() {
                self.number_unused(n, Some((T::KIND, name))).await?;
            }
        }
        self.named_exist(&after).await?;
        let now = now_millis();
        after.set_times(record.created_at, now);
        let stored = encode(&after, record.created_at, now)?;
        if !self
            .store
            .update_flow(name, &stored)
            .await
            .map_err(number_taken)?
        {
            return Err(ServiceError::NotFound(format!("{} {name}", T::NOUN)));
        }
        let detail = format!("changed {}", changed.join(", "));
        self.record(
            actor,
            &format!("{}.update", T::KIND),
            format!("{} {name}", T::NOUN),
            detail,
            Event::FlowsChanged,
        )
        .await?;
        self.read(after).await
    }

    /// Deletes a flow object nothing refers to.
    pub async fn delete_flow<T: FlowObject>(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<(), ServiceError> {
        require::<T>(actor)?;
        let t = self.load_flow::<T>(name).await?;
        self.unreferenced(T::KIND, name, "name", "deleted").await?;
        if !self.store.delete_flow(T::KIND, name).await? {
            return Err(ServiceError::NotFound(format!("{} {name}", T::NOUN)));
        }
        self.flow_changed(actor, "delete", &t).await
    }

    async fn load_flow<T: FlowObject>(&self, name: &str) -> Result<T, ServiceError> {
        let record = self
            .store
            .flow(T::KIND, name)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("{} {name}", T::NOUN)))?;
        decode(record)
    }

    async fn read<T: FlowObject>(&self, mut t: T) -> Result<T, ServiceError> {
        t.when_read(self);
        let name = t.name().to_owned();
        if let Some(slot) = t.status_slot() {
            *slot = self.store.trunk_status(&name).await?.map(Into::into);
        }
        Ok(t)
    }

    /// Refuses (409 on `numbers`) public numbers another object claims
    /// (`except`: the object's name before this change).
    async fn claims_free<T: FlowObject>(
        &self,
        t: &T,
        except: Option<&str>,
    ) -> Result<(), ServiceError> {
        let mine = t.claims();
        if mine.is_empty() {
            return Ok(());
        }
        for other in self
            .flows::<crate::trunks::did::Did>(&Actor::system("dids"))
            .await?
        {
            if Some(other.name.as_str()) == except || other.name == t.name() {
                continue;
            }
            for theirs in other.ranges() {
                if let Some(r) = mine.iter().find(|r| r.overlaps(&theirs)) {
                    return Err(ServiceError::Conflict {
                        field: "numbers",
                        message: format!(
                            "{}..{} overlaps DID {} ({}..{})",
                            r.first, r.last, other.name, theirs.first, theirs.last
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    async fn flow_changed<T: FlowObject>(
        &self,
        actor: &Actor,
        what: &str,
        t: &T,
    ) -> Result<(), ServiceError> {
        let detail = t
            .number()
            .map(|n| format!("number {n}"))
            .unwrap_or_default();
        self.record(
            actor,
            &format!("{}.{what}", T::KIND),
            format!("{} {}", T::NOUN, t.name()),
            detail,
            Event::FlowsChanged,
        )
        .await
    }
}

/// Managers change flow objects; only administrators the admin-only ones.
fn require<T: FlowObject>(actor: &Actor) -> Result<(), ServiceError> {
    if T::ADMIN_ONLY {
        actor.require_admin()
    } else {
        actor.require_manager()
    }
}

/// Anyone signed in reads flow objects; only administrators the
/// admin-only ones.
fn may_read<T: FlowObject>(actor: &Actor) -> Result<(), ServiceError> {
    if T::ADMIN_ONLY {
        actor.require_admin()
    } else {
        Ok(())
    }
}

/// The field a patch set wrongly, named: the first whose value alone
/// makes the object unreadable (an unknown one is named by serde).
fn patch_error<T: FlowObject>(
    e: serde_json::Error,
    original: &serde_json::Map<String, serde_json::Value>,
    patch: &serde_json::Map<String, serde_json::Value>,
) -> ServiceError {
    let text = e.to_string();
    let culprit = patch.iter().find_map(|(k, v)| {
        let mut alone = original.clone();
        alone.insert(k.clone(), v.clone());
        serde_json::from_value::<T>(serde_json::Value::Object(alone))
            .is_err()
            .then_some(k.as_str())
    });
    let field = FIELDS
        .into_iter()
        .find(|f| Some(*f) == culprit || text.contains(&format!("`{f}`")))
        .unwrap_or("body");
    ServiceError::invalid(field, text)
}

/// Every flow object's field names, as errors name them.
const FIELDS: [&str; 52] = [
    "name",
    "number",
    "members",
    "strategy",
    "options",
    "hours",
    "holidays",
    "time_zone",
    "override",
    "greeting",
    "ring_time",
    "no_answer",
    "fallback",
    "open",
    "closed",
    "holiday",
    "timeout",
    "repeats",
    "extension_length",
    "dial_extension",
    "caller_id_prefix",
    "display_name",
    "override_by",
    "host",
    "transport",
    "username",
    "auth_username",
    "password",
    "register",
    "register_expires",
    "allowed_addresses",
    "channels",
    "codecs",
    "send_pai",
    "send_rpid",
    "called_number",
    "main_number",
    "unknown_did",
    "caller_name_url",
    "qualify",
    "enabled",
    "numbers",
    "destination",
    "priority",
    "patterns",
    "strip",
    "prepend",
    "allowed",
    "trunks",
    "caller_id",
    "emergency",
    "international",
];

/// The store's unique number, taken by a race, said as the service says it.
fn number_taken(e: switchboard_store::StoreError) -> ServiceError {
    match e {
        switchboard_store::StoreError::Conflict(_) => ServiceError::Conflict {
            field: "number",
            message: "is already used".into(),
        },
        other => other.into(),
    }
}

impl Service {
    /// Forces the schedule with internal number `number` open or closed,
    /// or back to its hours: a star code from extension `by`'s phone, which
    /// the schedule must list in `override_by`.
    pub async fn override_schedule(
        &self,
        actor: &Actor,
        number: &str,
        value: schedule::Override,
        by: &str,
    ) -> Result<schedule::Schedule, ServiceError> {
        let name = match self.store.flow_by_number(number).await? {
            Some(f) if f.kind == schedule::Schedule::KIND => f.name,
            _ => {
                return Err(ServiceError::NotFound(format!(
                    "schedule numbered {number}"
                )))
            }
        };
        let s: schedule::Schedule = self.load_flow(&name).await?;
        if !s.override_by.iter().any(|e| e == by) {
            return Err(ServiceError::Forbidden);
        }
        let mut patch = serde_json::Map::new();
        patch.insert(
            "override".to_owned(),
            serde_json::to_value(value).unwrap_or_default(),
        );
        self.update_flow(actor, &name, patch).await
    }
}
