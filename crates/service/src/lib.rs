//! Switchboard's service layer: the one place where PBX objects are
//! validated and changed. The REST API, `switchboard apply`, the CLI and the
//! console all call it, so no door can do what another cannot.
//!
//! Every change is made on behalf of an [`Actor`] (who, with which role,
//! from where), checked against that role, written to the store, recorded
//! in the audit log and announced as an [`Event`] through the store's change
//! feed (for live console updates now, for other nodes later).

pub mod access;
pub mod accounts;
pub mod actor;
pub mod apply;
pub mod calls;
pub mod destination;
pub mod error;
pub mod events;
pub mod extension;
mod feed;
pub mod flows;
pub mod forward;
pub mod music;
pub mod recordings;
pub mod registrations;
mod secrets;
pub mod security;
pub mod sounds;
pub mod trunks;
pub mod voicemail;

pub use access::{NewSession, Scope};
pub use accounts::{Account, NewAccount};
pub use actor::{Actor, Role};
pub use apply::{Declaration, FieldChange, Format, Plan, Step};
pub use calls::{Cdr, ListCdrs, LiveCall};
pub use destination::Destination;
pub use error::ServiceError;
pub use events::Event;
pub use extension::{
    Extension, ExtensionInput, ExtensionList, ExtensionPatch, ListExtensions, RecordingPolicy,
};
pub use flows::declare::FlowDecl;
pub use flows::ivr::Ivr;
pub use flows::numbers::{FlowBranch, FlowNode, NumberEntry, NumberList};
pub use flows::ring_group::{Member, RingGroup, Strategy};
pub use flows::schedule::{Override, Schedule, State as ScheduleState};
pub use flows::FlowObject;
pub use forward::{Forward, VoicemailEmail};
pub use music::{MAX_MUSIC_BYTES, MUSIC_ON_HOLD};
pub use recordings::{ListRecordings, RecordAction, RecordRequest, Recording};
pub use registrations::{ListRegistrations, Registration};
pub use security::{AddressList, BanInfo, ListEntry, NewListEntry};
pub use sounds::{Sound, SoundList, MAX_SOUND_BYTES};
pub use trunks::{
    CalledNumber, CallerId, CapacityPlan, CapacityReport, Did, OutboundRule, Pattern, Trunk,
    TrunkStatus, TrunkTransport,
};
pub use voicemail::{Folder, Greeting, Mailbox, Message, MessagePatch, NewMessage, PinCheck};

use rand::RngCore;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use switchboard_store::{AuditEntry, Store};
use tokio::sync::{broadcast, Notify};

/// The service layer over one store.
#[derive(Clone)]
pub struct Service {
    store: Store,
    events: broadcast::Sender<Event>,
    /// Wakes the change-feed reader when this process records a change.
    feed: Arc<Notify>,
    /// The data directory, where recordings are kept.
    files: Option<std::path::PathBuf>,
    /// The prompts shipped with the binary, which are sounds too.
    shipped_sounds: Arc<Vec<(String, u64)>>,
    /// Seconds added to the system clock for schedules (a test or a demo
    /// sets the time a schedule sees).
    clock_offset: i64,
    /// The simultaneous external calls allowed.
    capacity: trunks::CapacityPlan,
}

impl Service {
    /// A service over `store`.
    pub fn new(store: Store) -> Service {
        let (events, _) = broadcast::channel(1024);
        Service {
            store,
            events,
            feed: Arc::new(Notify::new()),
            files: None,
            shipped_sounds: Arc::default(),
            clock_offset: 0,
            capacity: Default::default(),
        }
    }

    /// The same service, keeping files (recordings) under `data_dir`.
    pub fn with_files(mut self, data_dir: &std::path::Path) -> Service {
        self.files = Some(data_dir.to_owned());
        self
    }

    /// Schedules see the time as `at` (Unix seconds) now, and from then
    /// on as it passes.
    pub fn with_schedule_clock(mut self, at: i64) -> Service {
        self.clock_offset = at - now_millis() / 1000;
        self
    }

    /// The time schedules see, in Unix seconds.
    pub fn schedule_clock(&self) -> i64 {
        now_millis() / 1000 + self.clock_offset
    }

    /// Every change from now on, as it happens, once
    /// [`follow_changes`](Service::follow_changes) runs.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The newest `limit` audit entries.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        actor.require_admin()?;
        Ok(self.store.audit(limit).await?)
    }

    /// Records a change and announces it.
    async fn record(
        &self,
        actor: &Actor,
        action: &str,
        object: String,
        detail: String,
        event: Event,
    ) -> Result<(), ServiceError> {
        self.audit_only(actor, action, object, detail).await?;
        self.announce(&event).await
    }

    /// Records something in the audit log that no listener needs to see.
    async fn audit_only(
        &self,
        actor: &Actor,
        action: &str,
        object: String,
        detail: String,
    ) -> Result<(), ServiceError> {
        let entry = AuditEntry {
            id: random_id(),
            at: now_millis(),
            actor: actor.name.clone(),
            source: actor.source.clone(),
            action: action.to_owned(),
            object,
            detail,
        };
        self.store.append_audit(&entry).await?;
        Ok(())
    }
}

/// Unix milliseconds now.
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// 128 random bits as hex: ids of stored rows.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
