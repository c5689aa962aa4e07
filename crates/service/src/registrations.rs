//! Registered phones: what the registrar reports is kept here, and who
//! may see it is decided here — admins and managers every extension's
//! phones, a user only their own.

use crate::{Actor, Role, Service, ServiceError};
use serde::{Deserialize, Serialize};
use switchboard_store::RegistrationRecord;

/// One registered phone (a contact of an extension).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Registration {
    pub extension: String,
    /// The Contact URI the phone registered.
    pub contact: String,
    /// The phone's `+sip.instance`, when it sends one.
    pub instance: Option<String>,
    pub reg_id: Option<u32>,
    pub q: Option<String>,
    /// Where the phone registered from (`address:port`): where it is
    /// reached, whatever its Contact says.
    pub source: String,
    /// `udp` or `tcp`.
    pub transport: String,
    pub user_agent: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds.
    pub registered_at: i64,
    /// The address the phone registered to (`host[:port]`).
    pub local: String,
    /// Whether it answers OPTIONS (phones on UDP are asked regularly).
    pub reachable: bool,
    /// Round-trip time of its last answered OPTIONS, in milliseconds.
    pub rtt_ms: Option<u32>,
}

/// Which registrations to list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListRegistrations {
    /// Only this extension's phones.
    pub extension: Option<String>,
}

impl From<RegistrationRecord> for Registration {
    fn from(r: RegistrationRecord) -> Registration {
        Registration {
            extension: r.extension,
            contact: r.contact,
            instance: r.instance,
            reg_id: r.reg_id.and_then(|id| u32::try_from(id).ok()),
            q: r.q,
            source: r.source,
            transport: r.transport,
            user_agent: r.user_agent,
            expires_at: r.expires_at,
            registered_at: r.registered_at,
            local: r.local,
            reachable: r.reachable,
            rtt_ms: r.rtt_ms.and_then(|ms| u32::try_from(ms).ok()),
        }
    }
}

impl From<Registration> for RegistrationRecord {
    fn from(r: Registration) -> RegistrationRecord {
        RegistrationRecord {
            extension: r.extension,
            contact: r.contact,
            instance: r.instance,
            reg_id: r.reg_id.map(i64::from),
            q: r.q,
            source: r.source,
            transport: r.transport,
            user_agent: r.user_agent,
            expires_at: r.expires_at,
            registered_at: r.registered_at,
            local: r.local,
            reachable: r.reachable,
            rtt_ms: r.rtt_ms.map(i64::from),
        }
    }
}

impl Service {
    /// The phones registered now, by extension.
    pub async fn registrations(
        &self,
        actor: &Actor,
        query: ListRegistrations,
    ) -> Result<Vec<Registration>, ServiceError> {
        let extension = match &actor.role {
            Role::Admin | Role::Manager => query.extension,
            Role::User { extension } => match query.extension {
                Some(asked) if &asked != extension => return Err(ServiceError::Forbidden),
                _ => Some(extension.clone()),
            },
        };
        let now = crate::now_millis() / 1000;
        let records = self.store.registrations(extension.as_deref(), now).await?;
        Ok(records.into_iter().map(Registration::from).collect())
    }

    /// Keeps what the registrar reports: each extension's phones, whole;
    /// announces the extensions in `changed` (new or gone phones, not
    /// refreshes).
    pub async fn record_registrations(
        &self,
        batch: Vec<(String, Vec<Registration>)>,
        changed: Vec<String>,
    ) -> Result<(), ServiceError> {
        let batch: Vec<(String, Vec<RegistrationRecord>)> = batch
            .into_iter()
            .map(|(extension, phones)| (extension, phones.into_iter().map(Into::into).collect()))
            .collect();
        self.store.replace_registrations(&batch).await?;
        let events: Vec<crate::Event> = changed
            .into_iter()
            .map(|extension| crate::Event::RegistrationChanged { extension })
            .collect();
        self.announce_all(&events).await
    }
}
