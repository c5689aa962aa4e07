//! The capacity plan: how many external calls (through a trunk, in or
//! out) the deployment is sized or licensed for — 4, 8, 16 … 1024, or
//! unlimited. Internal calls never count. The record keeps, per hour, the
//! most external calls at once and the calls refused at the limit; the
//! report sums days and says whether the plan fits.

use crate::{Actor, Service, ServiceError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_store::CapacityHour;

/// The sizes a plan comes in.
pub const PLAN_SIZES: [u32; 9] = [4, 8, 16, 32, 64, 128, 256, 512, 1024];

/// Simultaneous external calls allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CapacityPlan {
    #[default]
    Unlimited,
    Calls(u32),
}

impl CapacityPlan {
    /// `unlimited`, or one of the plan sizes.
    pub fn parse(s: &str) -> Result<CapacityPlan, String> {
        if s == "unlimited" {
            return Ok(CapacityPlan::Unlimited);
        }
        match s.parse::<u32>() {
            Ok(n) if PLAN_SIZES.contains(&n) => Ok(CapacityPlan::Calls(n)),
            _ => Err(format!(
                "{s:?}: must be unlimited or one of 4, 8, 16, 32, 64, 128, 256, 512, 1024"
            )),
        }
    }

    pub fn limit(self) -> Option<u32> {
        match self {
            CapacityPlan::Unlimited => None,
            CapacityPlan::Calls(n) => Some(n),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CapacityHourView {
    /// The hour's start (RFC 3339, UTC).
    pub hour: String,
    pub peak: u32,
    pub refused_inbound: u32,
    pub refused_outbound: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CapacityDay {
    /// YYYY-MM-DD (UTC).
    pub day: String,
    pub peak: u32,
    pub refused_inbound: u32,
    pub refused_outbound: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CapacityReport {
    /// External calls allowed at once (none: unlimited).
    pub capacity: Option<u32>,
    /// The last 24 hours that had external calls.
    pub hours: Vec<CapacityHourView>,
    /// The last 30 days that had external calls.
    pub days: Vec<CapacityDay>,
    /// The most external calls at once in those 30 days.
    pub peak: u32,
    /// Calls refused at the limit in those 30 days.
    pub refused: u32,
    /// Whether the plan fits, in words.
    pub hint: String,
}

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// What the record says of the plan.
pub fn sizing_hint(capacity: Option<u32>, peak: u32, refused: u32) -> String {
    let next_up = |c: u32| PLAN_SIZES.iter().copied().find(|&s| s > c);
    match capacity {
        None => match PLAN_SIZES.iter().copied().find(|&s| s >= peak.max(1)) {
            Some(s) => format!("unlimited; the peak of {peak} would fit a plan of {s}"),
            None => format!("unlimited; the peak was {peak}"),
        },
        Some(c) if refused > 0 => match next_up(c) {
            Some(n) => format!(
                "{refused} calls refused at the limit of {c} in 30 days: a plan of {n} would have carried them"
            ),
            None => format!("{refused} calls refused at the limit of {c} in 30 days"),
        },
        Some(c) if peak * 5 >= c * 4 => format!(
            "peak {peak} of {c}: close to the limit{}",
            next_up(c)
                .map(|n| format!("; consider {n}"))
                .unwrap_or_default()
        ),
        Some(c) => match PLAN_SIZES.iter().copied().find(|&s| s * 4 >= peak * 5) {
            Some(s) if s < c && peak > 0 => format!("peak {peak} of {c}: a plan of {s} would do"),
            _ => format!("peak {peak} of {c}: room to spare"),
        },
    }
}

impl Service {
    /// The capacity plan this server enforces.
    pub fn with_capacity_plan(mut self, plan: CapacityPlan) -> Service {
        self.capacity = plan;
        self
    }

    pub fn capacity_plan(&self) -> CapacityPlan {
        self.capacity
    }

    /// Adds what the server counted in one hour to the record.
    pub async fn record_capacity(&self, hour: CapacityHour) -> Result<(), ServiceError> {
        Ok(self.store.record_capacity_hour(&hour).await?)
    }

    /// The last 30 days' record against the plan.
    pub async fn capacity_report(&self, actor: &Actor) -> Result<CapacityReport, ServiceError> {
        actor.require_manager()?;
        let now = crate::now_millis() / 1000;
        let hours = self.store.capacity_hours(now - 30 * 86_400).await?;
        let mut days: Vec<CapacityDay> = Vec::new();
        for h in &hours {
            let day = DateTime::<Utc>::from_timestamp(h.hour, 0)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            match days.last_mut() {
                Some(d) if d.day == day => {
                    d.peak = d.peak.max(count(h.peak));
                    d.refused_inbound += count(h.refused_inbound);
                    d.refused_outbound += count(h.refused_outbound);
                }
                _ => days.push(CapacityDay {
                    day,
                    peak: count(h.peak),
                    refused_inbound: count(h.refused_inbound),
                    refused_outbound: count(h.refused_outbound),
                }),
            }
        }
        let peak = days.iter().map(|d| d.peak).max().unwrap_or(0);
        let refused = days
            .iter()
            .map(|d| d.refused_inbound + d.refused_outbound)
            .sum();
        let capacity = self.capacity.limit();
        Ok(CapacityReport {
            capacity,
            hours: hours
                .iter()
                .filter(|h| h.hour >= now - 86_400)
                .map(|h| CapacityHourView {
                    hour: DateTime::<Utc>::from_timestamp(h.hour, 0)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default(),
                    peak: count(h.peak),
                    refused_inbound: count(h.refused_inbound),
                    refused_outbound: count(h.refused_outbound),
                })
                .collect(),
            days,
            peak,
            refused,
            hint: sizing_hint(capacity, peak, refused),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_come_in_the_listed_sizes() {
        assert_eq!(CapacityPlan::parse("8"), Ok(CapacityPlan::Calls(8)));
        assert_eq!(
            CapacityPlan::parse("unlimited"),
            Ok(CapacityPlan::Unlimited)
        );
        assert!(CapacityPlan::parse("10")
            .unwrap_err()
            .contains("one of 4, 8"));
    }

    #[test]
    fn the_hint_compares_the_peak_with_the_plan() {
        assert!(sizing_hint(Some(8), 8, 3).contains("a plan of 16 would have carried them"));
        assert!(sizing_hint(Some(8), 7, 0).contains("close to the limit; consider 16"));
        assert!(sizing_hint(Some(64), 5, 0).contains("a plan of 8 would do"));
        assert!(sizing_hint(Some(8), 3, 0).contains("a plan of 4 would do"));
        assert!(sizing_hint(Some(4), 2, 0).contains("room to spare"));
        assert!(sizing_hint(None, 5, 0).contains("fit a plan of 8"));
    }
}
