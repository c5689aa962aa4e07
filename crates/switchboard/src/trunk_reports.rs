//! Keeps what the engine reports of the phone network: each trunk's state
//! (registration, reachability) in the store, where the API, the CLI and
//! the console read it, and the capacity plan's record — the most
//! external calls at once in each hour, and the calls refused at the
//! limit — written when they change, and checked every half minute for
//! the hour turning.

use std::time::Duration;
use switchboard_engine::trunk::TrunkState;
use switchboard_service::Service;
use switchboard_store::CapacityHour;
use tokio::sync::mpsc;

/// What the driver passes on.
pub enum TrunkReport {
    Changed { name: String, state: TrunkState },
    External { active: u32 },
    Refused { inbound: bool },
}

const FLUSH_EVERY: Duration = Duration::from_secs(30);

fn hour_of(unix: i64) -> i64 {
    unix - unix.rem_euclid(3600)
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Starts the keeper; the driver sends it the reports.
pub fn keep(service: Service) -> mpsc::UnboundedSender<TrunkReport> {
    let (tx, mut rx) = mpsc::unbounded_channel::<TrunkReport>();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        let mut active = 0u32;
        let mut hour = CapacityHour {
            hour: hour_of(now_unix()),
            peak: 0,
            refused_inbound: 0,
            refused_outbound: 0,
        };
        let mut dirty = false;
        loop {
            let report = tokio::select! {
                r = rx.recv() => r,
                _ = tick.tick() => {
                    flush(&service, &mut hour, &mut dirty, active).await;
                    continue;
                }
            };
            let Some(report) = report else {
                flush(&service, &mut hour, &mut dirty, active).await;
                return;
            };
            if hour_of(now_unix()) != hour.hour {
                flush(&service, &mut hour, &mut dirty, active).await;
            }
            match report {
                TrunkReport::Changed { name, state } => {
                    match (&state.detail, state.reachable) {
                        (Some(d), _) => {
                            tracing::warn!("trunk {name}: {} ({d})", state.registration)
                        }
                        (None, Some(false)) => tracing::warn!("trunk {name}: not answering"),
                        _ => tracing::info!("trunk {name}: {}", state.registration),
                    }
                    if let Err(e) = service
                        .set_trunk_status(&name, state.registration, state.reachable, state.detail)
                        .await
                    {
                        tracing::error!("keeping the state of trunk {name}: {e}");
                    }
                }
                TrunkReport::External { active: now } => {
                    active = now;
                    if i64::from(now) > hour.peak {
                        hour.peak = i64::from(now);
                        dirty = true;
                    }
                }
                TrunkReport::Refused { inbound } => {
                    tracing::warn!(
                        "an {} call was refused: the capacity plan's lines are all in use",
                        if inbound { "inbound" } else { "outbound" }
                    );
                    if inbound {
                        hour.refused_inbound += 1;
                    } else {
                        hour.refused_outbound += 1;
                    }
                    dirty = true;
                }
            }
            // A new peak or a refusal is rare (at most the plan's size of
            // peaks an hour): written at once, so reports are current.
            if dirty {
                flush(&service, &mut hour, &mut dirty, active).await;
            }
        }
    });
    tx
}

/// Adds the hour's figures to the store; refusals counted are then
/// cleared (the store adds them up), and a new hour starts at the calls in
/// progress.
async fn flush(service: &Service, hour: &mut CapacityHour, dirty: &mut bool, active: u32) {
    if *dirty {
        match service.record_capacity(*hour).await {
            Ok(()) => {
                hour.refused_inbound = 0;
                hour.refused_outbound = 0;
                *dirty = false;
            }
            Err(e) => tracing::error!("keeping the capacity record: {e}"),
        }
    }
    let now = hour_of(now_unix());
    if now != hour.hour {
        *hour = CapacityHour {
            hour: now,
            peak: i64::from(active),
            refused_inbound: 0,
            refused_outbound: 0,
        };
        *dirty = active > 0;
    }
}
