//! Who refers to what: every destination and member of every flow
//! object, so that nothing still named can be deleted or renamed, and
//! nothing can name what does not exist.

use super::ivr::Ivr;
use super::ring_group::RingGroup;
use super::schedule::Schedule;
use super::FlowObject;
use crate::destination::Refers;
use crate::trunks::{did::Did, outbound_rule::OutboundRule, trunk::Trunk};
use crate::{Service, ServiceError};

/// One reference: who (in words, with where in it) and to what.
struct Reference {
    /// The kind and name of the object referring.
    owner: (&'static str, String),
    who: String,
    kind: &'static str,
    name: String,
}

fn references_of<T: FlowObject>(t: &T, out: &mut Vec<Reference>) {
    let who = |place: &str| format!("{} {} ({place})", T::NOUN, t.name());
    for (place, d) in t.routes() {
        let (kind, name) = match d.refers() {
            Refers::Extension(n) => ("extension", n),
            Refers::Flow(k, n) => (k, n),
            Refers::Sound(s) => ("sound", s),
            Refers::Nothing => continue,
        };
        out.push(Reference {
            owner: (T::KIND, t.name().to_owned()),
            who: who(&place),
            kind,
            name: name.to_owned(),
        });
    }
    for m in t.members() {
        out.push(Reference {
            owner: (T::KIND, t.name().to_owned()),
            who: who(T::MEMBER),
            kind: "extension",
            name: m.to_owned(),
        });
    }
    for (place, kind, name) in t.names() {
        out.push(Reference {
            owner: (T::KIND, t.name().to_owned()),
            who: who(place),
            kind,
            name: name.to_owned(),
        });
    }
    for s in t.sounds() {
        out.push(Reference {
            owner: (T::KIND, t.name().to_owned()),
            who: who("greeting"),
            kind: "sound",
            name: s.to_owned(),
        });
    }
}

impl Service {
    /// Every reference every flow object makes.
    async fn references(&self) -> Result<Vec<Reference>, ServiceError> {
        let mut out = Vec::new();
        for r in self.store.flows(None).await? {
            match r.kind.as_str() {
                RingGroup::KIND => references_of(&super::decode::<RingGroup>(r)?, &mut out),
                Ivr::KIND => references_of(&super::decode::<Ivr>(r)?, &mut out),
                Schedule::KIND => references_of(&super::decode::<Schedule>(r)?, &mut out),
                Trunk::KIND => references_of(&super::decode::<Trunk>(r)?, &mut out),
                Did::KIND => references_of(&super::decode::<Did>(r)?, &mut out),
                OutboundRule::KIND => references_of(&super::decode::<OutboundRule>(r)?, &mut out),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Refuses (409 on `field`) when anything refers to the `kind` object
    /// `name`, which is about to be `verb` (deleted, renamed). Its own
    /// references to itself do not count when it is deleted.
    pub(crate) async fn unreferenced(
        &self,
        kind: &str,
        name: &str,
        field: &'static str,
        verb: &str,
    ) -> Result<(), ServiceError> {
        let own = |r: &Reference| verb == "deleted" && r.owner.0 == kind && r.owner.1 == name;
        let mut who: Vec<String> = self
            .references()
            .await?
            .into_iter()
            .filter(|r| r.kind == kind && r.name == name && !own(r))
            .map(|r| r.who)
            .collect();
        if who.is_empty() {
            return Ok(());
        }
        who.dedup();
        let noun = kind.replace('_', " ");
        Err(ServiceError::Conflict {
            field,
            message: format!(
                "{noun} {name} cannot be {verb}: {} {} to it",
                who.join(", "),
                if who.len() == 1 { "refers" } else { "refer" }
            ),
        })
    }

    /// Refuses (422 on the field) a flow object naming an extension, a
    /// flow object or a sound that does not exist.
    pub(crate) async fn named_exist<T: FlowObject>(&self, t: &T) -> Result<(), ServiceError> {
        let mut refs = Vec::new();
        references_of(t, &mut refs);
        for r in refs {
            let exists = match r.kind {
                "extension" => self.store.extension(&r.name).await?.is_some(),
                "sound" => self.sound_exists(&r.name).await,
                // A flow object may name itself (an IVR option that repeats it).
                k if k == T::KIND && r.name == t.name() => true,
                k => self.store.flow(k, &r.name).await?.is_some(),
            };
            if !exists {
                let field = field_of(&r.who);
                return Err(ServiceError::invalid(
                    field,
                    format!("{} {} does not exist", r.kind.replace('_', " "), r.name),
                ));
            }
        }
        Ok(())
    }
}

/// The field a reference's place is in ("ivr main (option 2)" → options).
fn field_of(who: &str) -> &'static str {
    let place = who
        .rsplit_once('(')
        .map(|(_, p)| p.trim_end_matches(')'))
        .unwrap_or("");
    match place {
        p if p.starts_with("option") => "options",
        "member" => "members",
        "allowed" => "allowed",
        "trunks" => "trunks",
        "destination" => "destination",
        "unknown DID" => "unknown_did",
        "overrides by star code" => "override_by",
        "greeting" => "greeting",
        "no answer" => "no_answer",
        "fallback" => "fallback",
        "open" => "open",
        "closed" => "closed",
        "holiday" => "holiday",
        _ => "body",
    }
}
