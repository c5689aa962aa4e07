//! The call flows the running engine routes through, built from the
//! service layer's ring groups, IVRs and schedules (see
//! [`switchboard_engine::call::plan`]) at start and again whenever one
//! changes. A schedule becomes a function of the time, evaluated in its own
//! time zone when a call arrives; `[schedules] clock` can set the time
//! schedules see (for tests and demonstrations).

use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::call::plan::{self, Plan, Target};
use switchboard_service::{Destination, Service, Strategy};

/// The engine's name for a destination.
pub fn target(d: &Destination) -> Target {
    match d {
        Destination::Extension(n) => Target::Extension(n.clone()),
        Destination::RingGroup(n) => Target::RingGroup(n.clone()),
        Destination::Ivr(n) => Target::Ivr(n.clone()),
        Destination::Schedule(n) => Target::Schedule(n.clone()),
        Destination::Voicemail(n) => Target::Voicemail(n.clone()),
        Destination::Announcement(n) => Target::Announcement(n.clone()),
        Destination::External(n) => Target::External(n.clone()),
        Destination::HangUp => Target::HangUp,
    }
}

/// Every flow object, as the engine needs it.
pub async fn plan(service: &Service) -> anyhow::Result<Plan> {
    let (groups, ivrs, schedules) = service.call_flows().await?;
    let mut plan = Plan::default();
    for g in groups {
        if let Some(n) = &g.number {
            plan.numbers
                .insert(n.clone(), Target::RingGroup(g.name.clone()));
        }
        let group_time = Duration::from_secs(u64::from(g.ring_time));
        let members = g
            .members
            .iter()
            .map(|m| {
                let t = m
                    .ring_time
                    .map_or(group_time, |t| Duration::from_secs(u64::from(t)));
                (m.extension.clone(), t)
            })
            .collect();
        let strategy = match g.strategy {
            Strategy::RingAll => plan::Strategy::RingAll,
            Strategy::Hunt => plan::Strategy::Hunt,
            Strategy::RoundRobin => plan::Strategy::RoundRobin,
            Strategy::LeastRecent => plan::Strategy::LeastRecent,
        };
        let group = plan::RingGroup {
            name: g.name.clone(),
            strategy,
            members,
            ring_time: group_time,
            no_answer: target(&g.no_answer),
            caller_id_prefix: g.caller_id_prefix.clone(),
        };
        plan.groups.insert(g.name, group);
    }
    for i in ivrs {
        if let Some(n) = &i.number {
            plan.numbers.insert(n.clone(), Target::Ivr(i.name.clone()));
        }
    }
    let offset = service.schedule_clock() - now_unix();
    for s in schedules {
        if let Some(n) = &s.number {
            plan.numbers
                .insert(n.clone(), Target::Schedule(s.name.clone()));
        }
        let name = s.name.clone();
        let schedule = Arc::new(s);
        let decide: plan::Decide = Arc::new(move |unix: u64| {
            let (state, _) = schedule.state_at(unix as i64 + offset);
            target(schedule.destination(state))
        });
        plan.schedules
            .insert(name.clone(), plan::Schedule { name, decide });
    }
    Ok(plan)
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
