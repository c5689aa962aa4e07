//! Calls: the record of every ended call (CDR) and the calls in progress,
//! as the running servers report them; who may read them (admins and
//! managers every call, a user the calls of their own extension); and the
//! hang-up action, which reaches the server carrying the call through the
//! change feed.

use crate::{Actor, Event, Role, Service, ServiceError};
use serde::{Deserialize, Serialize};
use std::time::{Duration, UNIX_EPOCH};
use switchboard_store::{CdrQuery, CdrRecord, LiveCallRecord};

/// The record of a call that ended. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cdr {
    pub id: String,
    /// The calling extension.
    pub caller: String,
    /// The number called.
    pub callee: String,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: i64,
    /// Seconds from start to end.
    pub duration: i64,
    /// Seconds from answer to end.
    pub billable: i64,
    /// `answered`, `busy`, `no answer`, `cancelled` or `failed`.
    pub disposition: String,
    /// What ended it: `BYE`, `CANCEL`, a SIP status such as `486`,
    /// `no answer`, `media timeout`, `hung up by <who>`…
    pub hangup_cause: String,
    /// Who ended it: `caller`, `callee` or `system`.
    pub hangup_side: String,
    /// The audio codec both phones used, once answered.
    pub codec: Option<String>,
    /// The SIP Call-IDs of its legs, the caller's first.
    pub legs: Vec<String>,
}

/// A call in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiveCall {
    pub id: String,
    pub caller: String,
    pub callee: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds.
    pub answered_at: Option<i64>,
    /// `ringing` or `answered`.
    pub state: String,
    pub codec: Option<String>,
}

/// Which call records to list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListCdrs {
    /// Calls started at or after: Unix seconds, RFC 3339
    /// (`2026-11-25T09:00:00Z`) or a date (`2026-11-25`, midnight UTC).
    pub from: Option<String>,
    /// Calls started before; the same forms as `from`.
    pub to: Option<String>,
    /// Calls this extension made or received.
    pub extension: Option<String>,
    /// `answered`, `busy`, `no answer`, `cancelled` or `failed`.
    pub disposition: Option<String>,
    /// At most this many, newest first (default 1,000, at most 100,000).
    pub limit: Option<i64>,
}

const DISPOSITIONS: [&str; 6] = [
    "answered",
    "busy",
    "no answer",
    "cancelled",
    "failed",
    "voicemail",
];
const DEFAULT_LIMIT: i64 = 1_000;
const MAX_LIMIT: i64 = 100_000;

impl From<CdrRecord> for Cdr {
    fn from(r: CdrRecord) -> Cdr {
        Cdr {
            id: r.id,
            caller: r.caller,
            callee: r.callee,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            duration: r.duration,
            billable: r.billable,
            disposition: r.disposition,
            hangup_cause: r.hangup_cause,
            hangup_side: r.hangup_side,
            codec: r.codec,
            legs: r
                .legs
                .split(' ')
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl From<Cdr> for CdrRecord {
    fn from(c: Cdr) -> CdrRecord {
        CdrRecord {
            id: c.id,
            caller: c.caller,
            callee: c.callee,
            started_at: c.started_at,
            answered_at: c.answered_at,
            ended_at: c.ended_at,
            duration: c.duration,
            billable: c.billable,
            disposition: c.disposition,
            hangup_cause: c.hangup_cause,
            hangup_side: c.hangup_side,
            codec: c.codec,
            legs: c.legs.join(" "),
        }
    }
}

impl From<LiveCallRecord> for LiveCall {
    fn from(r: LiveCallRecord) -> LiveCall {
        LiveCall {
            id: r.id,
            caller: r.caller,
            callee: r.callee,
            started_at: r.started_at,
            answered_at: r.answered_at,
            state: r.state,
            codec: r.codec,
        }
    }
}

impl From<LiveCall> for LiveCallRecord {
    fn from(c: LiveCall) -> LiveCallRecord {
        LiveCallRecord {
            id: c.id,
            caller: c.caller,
            callee: c.callee,
            started_at: c.started_at,
            answered_at: c.answered_at,
            state: c.state,
            codec: c.codec,
        }
    }
}

impl Cdr {
    /// Records as CSV, with a header line; times in RFC 3339 (UTC).
    pub fn csv(records: &[Cdr]) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let header = [
            "id",
            "caller",
            "callee",
            "started_at",
            "answered_at",
            "ended_at",
            "duration",
            "billable",
            "disposition",
            "hangup_cause",
            "hangup_side",
            "codec",
            "legs",
        ];
        out.write_record(header).expect("writing to memory");
        for r in records {
            out.write_record([
                r.id.clone(),
                r.caller.clone(),
                r.callee.clone(),
                rfc3339(r.started_at),
                r.answered_at.map(rfc3339).unwrap_or_default(),
                rfc3339(r.ended_at),
                r.duration.to_string(),
                r.billable.to_string(),
                r.disposition.clone(),
                r.hangup_cause.clone(),
                r.hangup_side.clone(),
                r.codec.clone().unwrap_or_default(),
                r.legs.join(" "),
            ])
            .expect("writing to memory");
        }
        let bytes = out.into_inner().expect("writing to memory");
        String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
    }
}

/// Unix seconds as RFC 3339, UTC.
pub fn rfc3339(secs: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

/// A time bound as an administrator writes it: Unix seconds, RFC 3339, or
/// a date (midnight UTC).
fn parse_time(field: &'static str, text: &str) -> Result<i64, ServiceError> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    humantime::parse_rfc3339_weak(&full)
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .ok_or_else(|| {
            ServiceError::invalid(
                field,
                format!(
                    "{text:?} is not a time: give Unix seconds, 2026-11-25 or 2026-11-25T09:00:00Z"
                ),
            )
        })
}

impl Service {
    /// Call records, newest first; a user sees only their own extension's.
    pub async fn cdrs(&self, actor: &Actor, query: ListCdrs) -> Result<Vec<Cdr>, ServiceError> {
        let extension = match &actor.role {
            Role::Admin | Role::Manager => query.extension,
            Role::User { extension } => match query.extension {
                Some(asked) if &asked != extension => return Err(ServiceError::Forbidden),
                _ => Some(extension.clone()),
            },
        };
        if let Some(d) = &query.disposition {
            if !DISPOSITIONS.contains(&d.as_str()) {
                return Err(ServiceError::invalid(
                    "disposition",
                    format!("{d:?} is not one of {}", DISPOSITIONS.join(", ")),
                ));
            }
        }
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ServiceError::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let store_query = CdrQuery {
            from: query
                .from
                .as_deref()
                .map(|t| parse_time("from", t))
                .transpose()?,
            to: query
                .to
                .as_deref()
                .map(|t| parse_time("to", t))
                .transpose()?,
            extension,
            disposition: query.disposition,
            limit,
        };
        let records = self.store.cdrs(&store_query).await?;
        Ok(records.into_iter().map(Cdr::from).collect())
    }

    /// The calls in progress; a user sees only their own extension's.
    pub async fn live_calls(&self, actor: &Actor) -> Result<Vec<LiveCall>, ServiceError> {
        let calls = self.store.live_calls(None).await?;
        Ok(calls
            .into_iter()
            .map(LiveCall::from)
            .filter(|c| actor.may_touch(&c.caller) || actor.may_touch(&c.callee))
            .collect())
    }

    /// Call `id` in progress, if `actor` may see it (a user: only their
    /// own extension's).
    pub(crate) async fn live_call(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<switchboard_store::LiveCallRecord, ServiceError> {
        self.store
            .live_calls(Some(id))
            .await?
            .into_iter()
            .next()
            .filter(|c| actor.may_touch(&c.caller) || actor.may_touch(&c.callee))
            .ok_or_else(|| ServiceError::NotFound(format!("a call in progress {id:?}")))
    }

    /// Asks the server carrying call `id` to end it (BYE to both phones, or
    /// the ringing ones cancelled). A user may end only their own calls.
    pub async fn hang_up(&self, actor: &Actor, id: &str) -> Result<(), ServiceError> {
        let call = self.live_call(actor, id).await?;
        self.record(
            actor,
            "call.hang_up",
            format!("call {}", call.id),
            format!("{} to {}", call.caller, call.callee),
            Event::CallHangUp {
                call: call.id,
                by: actor.name.clone(),
            },
        )
        .await
    }

    /// Keeps what a running server reports: calls that started or changed,
    /// and the records of calls that ended; tells listeners the list of
    /// calls changed.
    pub async fn record_calls(
        &self,
        live: Vec<LiveCall>,
        ended: Vec<Cdr>,
    ) -> Result<(), ServiceError> {
        let live: Vec<LiveCallRecord> = live.into_iter().map(Into::into).collect();
        let ended: Vec<CdrRecord> = ended.into_iter().map(Into::into).collect();
        self.store.record_calls(&live, &ended).await?;
        self.announce(&Event::CallsChanged).await
    }

    /// Forgets the calls a stopped server left in progress; how many.
    pub async fn clear_live_calls(&self) -> Result<u64, ServiceError> {
        Ok(self.store.clear_live_calls().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_administrators_write_them() {
        assert_eq!(parse_time("from", "1764028800").unwrap(), 1_764_028_800);
        assert_eq!(parse_time("from", "2025-11-25").unwrap(), 1_764_028_800);
        assert_eq!(
            parse_time("from", "2025-11-25T09:00:00Z").unwrap(),
            1_764_028_800 + 9 * 3600
        );
        let e = parse_time("to", "yesterday").unwrap_err();
        assert_eq!(e.field(), Some("to"));
        assert_eq!(rfc3339(1_764_028_800), "2025-11-25T00:00:00Z");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let c = Cdr {
            id: "a1".into(),
            caller: "1001".into(),
            callee: "1002".into(),
            started_at: 1_764_028_800,
            answered_at: None,
            ended_at: 1_764_028_805,
            duration: 5,
            billable: 0,
            disposition: "no answer".into(),
            hangup_cause: "hung up by \"ops\", twice".into(),
            hangup_side: "system".into(),
            codec: None,
            legs: vec!["x@a".into(), "y@b".into()],
        };
        let text = Cdr::csv(&[c]);
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("id,caller,callee,started_at"));
        assert_eq!(
            lines.next().unwrap(),
            "a1,1001,1002,2025-11-25T00:00:00Z,,2025-11-25T00:00:05Z,5,0,no answer,\
             \"hung up by \"\"ops\"\", twice\",system,,x@a y@b"
        );
    }
}
