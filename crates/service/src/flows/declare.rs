//! Flow objects in a declaration file (`[[ring_group]]`, `[[ivr]]`,
//! `[[schedule]]`): what a plan does with them. New objects are created
//! first with every destination set to hang up, then given their real
//! destinations, so objects may name each other in any order (an IVR's
//! option leading to a submenu whose `0` leads back). Changes are shown
//! field by field; objects pruned are removed once nothing refers to them.

use super::ivr::Ivr;
use super::ring_group::RingGroup;
use super::schedule::Schedule;
use super::FlowObject;
use crate::destination::Destination;
use crate::trunks::{did::Did, outbound_rule::OutboundRule, trunk::Trunk};
use crate::{Actor, FieldChange, Service, ServiceError};
use serde_json::{Map, Value};

/// One flow object a file declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowDecl {
    RingGroup(RingGroup),
    Ivr(Ivr),
    Schedule(Schedule),
    Trunk(Trunk),
    Did(Did),
    OutboundRule(OutboundRule),
}

/// Fields the store fills in, never compared or declared.
const COMPUTED: [&str; 4] = ["created_at", "updated_at", "state", "status"];

impl FlowDecl {
    pub fn kind(&self) -> &'static str {
        match self {
            FlowDecl::RingGroup(_) => RingGroup::KIND,
            FlowDecl::Ivr(_) => Ivr::KIND,
            FlowDecl::Schedule(_) => Schedule::KIND,
            FlowDecl::Trunk(_) => Trunk::KIND,
            FlowDecl::Did(_) => Did::KIND,
            FlowDecl::OutboundRule(_) => OutboundRule::KIND,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            FlowDecl::RingGroup(g) => &g.name,
            FlowDecl::Ivr(i) => &i.name,
            FlowDecl::Schedule(s) => &s.name,
            FlowDecl::Trunk(t) => &t.name,
            FlowDecl::Did(d) => &d.name,
            FlowDecl::OutboundRule(r) => &r.name,
        }
    }

    /// Its fields as JSON, without the computed ones.
    pub(crate) fn fields(&self) -> Map<String, Value> {
        let value = match self {
            FlowDecl::RingGroup(g) => serde_json::to_value(g),
            FlowDecl::Ivr(i) => serde_json::to_value(i),
            FlowDecl::Schedule(s) => serde_json::to_value(s),
            FlowDecl::Trunk(t) => serde_json::to_value(t),
            FlowDecl::Did(d) => serde_json::to_value(d),
            FlowDecl::OutboundRule(r) => serde_json::to_value(r),
        };
        let mut fields = match value {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for c in COMPUTED {
            fields.remove(c);
        }
        fields
    }

    /// The same object sending every call to hang up, and naming no sound
    /// or member beyond what exists already (created before the rest).
    fn placeholder(&self) -> FlowDecl {
        let mut d = self.clone();
        match &mut d {
            FlowDecl::RingGroup(g) => g.no_answer = Destination::HangUp,
            FlowDecl::Ivr(i) => {
                i.options.clear();
                i.fallback = Destination::HangUp;
            }
            FlowDecl::Schedule(s) => {
                s.open = Destination::HangUp;
                s.closed = Destination::HangUp;
                s.holiday = None;
            }
            FlowDecl::Trunk(t) => t.unknown_did = Destination::HangUp,
            FlowDecl::Did(d) => d.destination = Destination::HangUp,
            // Created after the trunks and groups it names (see `kind_order`).
            FlowDecl::OutboundRule(_) => {}
        }
        d
    }
}

/// The fields of `want` that differ from `have`: the patch, and each
/// change as `field: from → to`.
pub(crate) fn difference(
    have: &FlowDecl,
    want: &FlowDecl,
) -> (Map<String, Value>, Vec<FieldChange>) {
    let (have, want) = (have.fields(), want.fields());
    let mut patch = Map::new();
    let mut changes = Vec::new();
    for (k, v) in want {
        let before = have.get(&k).cloned().unwrap_or(Value::Null);
        if before != v {
            let shown = |v: &Value| match k.as_str() {
                // A trunk's password, like an extension's secret.
                "password" if !v.is_null() => "(hidden)".to_owned(),
                _ => v.to_string(),
            };
            changes.push(FieldChange {
                field: k.clone(),
                from: shown(&before),
                to: shown(&v),
            });
            patch.insert(k, v);
        }
    }
    (patch, changes)
}

impl Service {
    /// Every flow object, as a file declares it.
    pub(crate) async fn declared_flows(
        &self,
        actor: &Actor,
    ) -> Result<Vec<FlowDecl>, ServiceError> {
        let mut all: Vec<FlowDecl> = Vec::new();
        all.extend(
            self.flows::<RingGroup>(actor)
                .await?
                .into_iter()
                .map(FlowObject::declared),
        );
        all.extend(
            self.flows::<Ivr>(actor)
                .await?
                .into_iter()
                .map(FlowObject::declared),
        );
        all.extend(
            self.flows::<Schedule>(actor)
                .await?
                .into_iter()
                .map(FlowObject::declared),
        );
        all.extend(
            self.flows::<Trunk>(actor)
                .await?
                .into_iter()
                .map(FlowObject::declared),
        );
        all.extend(
            self.flows::<Did>(actor)
                .await?
                .into_iter()
                .map(FlowObject::declared),
        );
        all.extend(
            self.flows::<OutboundRule>(actor)
                .await?
                .into_iter()
                .map(FlowObject::declared),
        );
        Ok(all)
    }

    /// Creates `d` with its calls hung up (see the module's doc).
    pub(crate) async fn create_placeholder(
        &self,
        actor: &Actor,
        d: &FlowDecl,
    ) -> Result<(), ServiceError> {
        match d.placeholder() {
            FlowDecl::RingGroup(g) => self.create_flow(actor, g).await.map(drop),
            FlowDecl::Ivr(i) => self.create_flow(actor, i).await.map(drop),
            FlowDecl::Schedule(s) => self.create_flow(actor, s).await.map(drop),
            FlowDecl::Trunk(t) => self.create_flow(actor, t).await.map(drop),
            FlowDecl::Did(d) => self.create_flow(actor, d).await.map(drop),
            FlowDecl::OutboundRule(r) => self.create_flow(actor, r).await.map(drop),
        }
    }

    /// Changes flow object `kind`/`name` by `patch`.
    pub(crate) async fn patch_declared(
        &self,
        actor: &Actor,
        kind: &str,
        name: &str,
        patch: Map<String, Value>,
    ) -> Result<(), ServiceError> {
        match kind {
            RingGroup::KIND => self
                .update_flow::<RingGroup>(actor, name, patch)
                .await
                .map(drop),
            Ivr::KIND => self.update_flow::<Ivr>(actor, name, patch).await.map(drop),
            Trunk::KIND => self
                .update_flow::<Trunk>(actor, name, patch)
                .await
                .map(drop),
            Did::KIND => self.update_flow::<Did>(actor, name, patch).await.map(drop),
            OutboundRule::KIND => self
                .update_flow::<OutboundRule>(actor, name, patch)
                .await
                .map(drop),
            _ => self
                .update_flow::<Schedule>(actor, name, patch)
                .await
                .map(drop),
        }
    }

    /// Deletes flow object `kind`/`name`.
    pub(crate) async fn delete_declared(
        &self,
        actor: &Actor,
        kind: &str,
        name: &str,
    ) -> Result<(), ServiceError> {
        match kind {
            RingGroup::KIND => self.delete_flow::<RingGroup>(actor, name).await,
            Ivr::KIND => self.delete_flow::<Ivr>(actor, name).await,
            Trunk::KIND => self.delete_flow::<Trunk>(actor, name).await,
            Did::KIND => self.delete_flow::<Did>(actor, name).await,
            OutboundRule::KIND => self.delete_flow::<OutboundRule>(actor, name).await,
            _ => self.delete_flow::<Schedule>(actor, name).await,
        }
    }
}
