//! Wires the engine's calls to the service layer: calls that start or
//! change, and the records of calls that end, are written to the store in
//! batches (so `switchboard calls`, `switchboard cdr`, the API and the
//! console see them), and each record also goes to the log (target `cdr`).
//! Which ring group member answered is kept the same way.

use crate::batches::Rounds;
use std::collections::HashMap;
use std::time::Duration;
use switchboard_engine::{CallRecord, LiveCall};
use switchboard_service::{Cdr, Service};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What the endpoint reports about a call.
pub enum CallReport {
    Changed(LiveCall),
    Ended(CallRecord),
    /// A ring group's member answered: group, extension, Unix seconds.
    GroupAnswered(String, String, u64),
}

/// How long reports wait before they are written.
const FLUSH_EVERY: Duration = Duration::from_millis(1000);

/// Starts the writer; send it reports a batch at a time. Like the
/// registrations' writer it is not woken by them but collects them every
/// `FLUSH_EVERY` while calls come and go, and sleeps when none do
/// ([`Rounds`]). A batch that cannot be written is kept and tried again,
/// so no record is lost to a busy database. The task ends, having written
/// everything, once every sender is gone.
pub fn persist(service: Service) -> (mpsc::UnboundedSender<Vec<CallReport>>, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<CallReport>>();
    let task = tokio::spawn(async move {
        let mut live: HashMap<String, switchboard_service::LiveCall> = HashMap::new();
        let mut ended: Vec<Cdr> = Vec::new();
        let mut answers: Vec<(String, String, i64)> = Vec::new();
        let mut rounds = Rounds::new(FLUSH_EVERY);
        loop {
            // What a refused write left is tried again a round later.
            let retry = !(live.is_empty() && ended.is_empty() && answers.is_empty());
            let due = retry.then(|| tokio::time::Instant::now() + FLUSH_EVERY);
            let open = rounds
                .next(&mut rx, due, |report| match report {
                    CallReport::Changed(c) => {
                        live.insert(c.id.clone(), live_call(c));
                    }
                    CallReport::Ended(r) => {
                        log(&r);
                        live.remove(&r.id);
                        ended.push(cdr(r));
                    }
                    CallReport::GroupAnswered(group, member, at) => {
                        answers.push((group, member, at as i64));
                    }
                })
                .await;
            if !answers.is_empty() {
                match service.record_group_answers(&answers).await {
                    Ok(()) => answers.clear(),
                    Err(e) => tracing::error!("calls: saving who answered ring groups: {e}"),
                }
            }
            if !live.is_empty() || !ended.is_empty() {
                let changed: Vec<_> = live.values().cloned().collect();
                match service.record_calls(changed, ended.clone()).await {
                    Ok(()) => {
                        live.clear();
                        ended.clear();
                    }
                    Err(e) => tracing::error!("calls: saving call records: {e}"),
                }
            }
            if !open {
                if !ended.is_empty() {
                    tracing::error!("calls: {} call records could not be saved", ended.len());
                }
                return;
            }
        }
    });
    (tx, task)
}

fn live_call(c: LiveCall) -> switchboard_service::LiveCall {
    switchboard_service::LiveCall {
        id: c.id,
        caller: c.caller,
        callee: c.callee,
        started_at: c.started_at,
        answered_at: c.answered_at,
        state: c.state.to_owned(),
        codec: c.codec,
    }
}

fn cdr(r: CallRecord) -> Cdr {
    Cdr {
        duration: r.duration(),
        billable: r.billable(),
        id: r.id,
        caller: r.caller,
        callee: r.callee,
        started_at: r.started_at,
        answered_at: r.answered_at,
        ended_at: r.ended_at,
        disposition: r.disposition.as_str().to_owned(),
        hangup_cause: r.hangup_cause,
        hangup_side: r.hangup_side,
        codec: r.codec,
        legs: r.legs,
    }
}

fn log(r: &CallRecord) {
    tracing::info!(
        target: "cdr",
        "call {} from {} to {}: {}, {} s ({} s billable), ended by {} ({}), codec {}",
        r.id,
        r.caller,
        r.callee,
        r.disposition.as_str(),
        r.duration(),
        r.billable(),
        r.hangup_side,
        r.hangup_cause,
        r.codec.as_deref().unwrap_or("-")
    );
}
