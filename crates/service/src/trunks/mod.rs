//! The phone network: trunks to providers, the DIDs they bring in, the
//! outbound rules that choose a trunk for a dialled number, and the
//! capacity plan (how many external calls run at once) with its record.
//! Trunks, DIDs and rules are flow objects (see [`crate::flows`]): stored,
//! changed, referred to and declared the same way, by administrators only.

pub mod capacity;
pub mod did;
pub mod outbound_rule;
pub mod pattern;
pub mod trunk;

pub use capacity::{CapacityDay, CapacityHourView, CapacityPlan, CapacityReport};
pub use did::{Did, NumberRange};
pub use outbound_rule::{CallerId, OutboundRule};
pub use pattern::Pattern;
pub use trunk::{CalledNumber, Trunk, TrunkStatus, TrunkTransport};

use crate::{now_millis, Service, ServiceError};
use switchboard_store::TrunkStatusRecord;

impl From<TrunkStatusRecord> for TrunkStatus {
    fn from(r: TrunkStatusRecord) -> TrunkStatus {
        TrunkStatus {
            registration: r.registration,
            reachable: r.reachable,
            detail: r.detail,
            changed_at: r.changed_at,
        }
    }
}

impl Service {
    /// Keeps what the running server saw of trunk `name`.
    pub async fn set_trunk_status(
        &self,
        name: &str,
        registration: &str,
        reachable: Option<bool>,
        detail: Option<String>,
    ) -> Result<(), ServiceError> {
        self.store
            .set_trunk_status(&TrunkStatusRecord {
                name: name.to_owned(),
                registration: registration.to_owned(),
                reachable,
                detail,
                changed_at: now_millis(),
            })
            .await?;
        self.announce(&crate::Event::TrunkStatus {
            name: name.to_owned(),
        })
        .await
    }

    /// Forgets the state of trunks that no longer exist.
    pub async fn prune_trunk_status(&self, keep: &[String]) -> Result<(), ServiceError> {
        Ok(self.store.prune_trunk_status(keep).await?)
    }
}
