//! Call recordings: listed, downloaded and deleted through here, kept
//! here when a call's recording is finished, and deleted here when older
//! than the retention allows. A user sees only the recordings of calls
//! their own extension made or took. The files live under the data
//! directory (`recordings/`), named in the store relative to it.

use crate::extension::RecordingPolicy;
use crate::{Actor, Event, Service, ServiceError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use switchboard_store::{RecordingQuery, RecordingRecord};

/// A recording as the service hands it out. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Recording {
    /// The call's id (as in the call records).
    pub id: String,
    pub caller: String,
    pub callee: String,
    pub started_at: i64,
    pub ended_at: i64,
    /// Samples a second; channel 1 is the caller, channel 2 the callee.
    pub sample_rate: u32,
    pub duration_ms: i64,
    /// Bytes.
    pub size: i64,
}

/// What is asked of a call's recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordAction {
    Start,
    Pause,
    Resume,
    Stop,
}

impl RecordAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordAction::Start => "start",
            RecordAction::Pause => "pause",
            RecordAction::Resume => "resume",
            RecordAction::Stop => "stop",
        }
    }
}

impl std::str::FromStr for RecordAction {
    type Err = String;

    fn from_str(s: &str) -> Result<RecordAction, String> {
        [
            RecordAction::Start,
            RecordAction::Pause,
            RecordAction::Resume,
            RecordAction::Stop,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| format!("{s:?}: must be start, pause, resume or stop"))
    }
}

/// A request to a call's recording.
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    pub action: RecordAction,
}

/// Which recordings to list, newest first.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListRecordings {
    /// Calls this extension made or took.
    pub extension: Option<String>,
    /// At most this many, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

impl From<RecordingRecord> for Recording {
    fn from(r: RecordingRecord) -> Recording {
        Recording {
            id: r.id,
            caller: r.caller,
            callee: r.callee,
            started_at: r.started_at,
            ended_at: r.ended_at,
            sample_rate: u32::try_from(r.sample_rate).unwrap_or(0),
            duration_ms: r.duration_ms,
            size: r.size,
        }
    }
}

impl Service {
    /// Recordings, newest first; a user's own only.
    pub async fn list_recordings(
        &self,
        actor: &Actor,
        q: ListRecordings,
    ) -> Result<Vec<Recording>, ServiceError> {
        let limit = q.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(ServiceError::invalid("limit", "must be 1 to 1000"));
        }
        let extension = match (&actor.role, q.extension.filter(|e| !e.is_empty())) {
            (crate::Role::User { extension }, _) => Some(extension.clone()),
            (_, e) => e,
        };
        let rows = self
            .store
            .recordings(&RecordingQuery {
                extension,
                before: None,
                limit: i64::from(limit),
            })
            .await?;
        Ok(rows.into_iter().map(Recording::from).collect())
    }

    async fn load_recording(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<RecordingRecord, ServiceError> {
        let not_found = || ServiceError::NotFound(format!("recording {id}"));
        let r = self.store.recording(id).await?.ok_or_else(not_found)?;
        if !actor.may_touch(&r.caller) && !actor.may_touch(&r.callee) {
            return Err(not_found());
        }
        Ok(r)
    }

    /// A recording and the path of its WAV file.
    pub async fn recording_file(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(Recording, PathBuf), ServiceError> {
        let r = self.load_recording(actor, id).await?;
        let path = self.file(&r.file)?;
        Ok((r.into(), path))
    }

    /// Deletes a recording, its file first.
    pub async fn delete_recording(&self, actor: &Actor, id: &str) -> Result<(), ServiceError> {
        actor.require_manager()?;
        let r = self.load_recording(actor, id).await?;
        self.remove(&r).await?;
        self.record(
            actor,
            "recording.delete",
            format!("recording {id}"),
            String::new(),
            Event::RecordingsChanged,
        )
        .await
    }

    /// Keeps a finished recording, whose file is already in place.
    pub async fn keep_recording(&self, r: RecordingRecord) -> Result<(), ServiceError> {
        self.store.insert_recording(&r).await?;
        self.announce(&Event::RecordingsChanged).await
    }

    /// Asks the server carrying call `id` to start, pause, resume or stop
    /// recording it. Starting needs one of its parties' extensions to allow
    /// recording (`always` or `on_demand`); a user may ask only about their
    /// own calls.
    pub async fn record_call(
        &self,
        actor: &Actor,
        id: &str,
        action: RecordAction,
    ) -> Result<(), ServiceError> {
        let call = self.live_call(actor, id).await?;
        if action == RecordAction::Start {
            let mut allowed = false;
            for number in [&call.caller, &call.callee] {
                if let Some(e) = self.store.extension(number).await? {
                    allowed |= e.recording != RecordingPolicy::Never.as_str();
                }
            }
            if !allowed {
                return Err(ServiceError::invalid(
                    "action",
                    "neither party's extension allows recording (recording = never)",
                ));
            }
        }
        self.record(
            actor,
            "call.recording",
            format!("call {}", call.id),
            format!("{} ({} to {})", action.as_str(), call.caller, call.callee),
            Event::CallRecording {
                call: call.id,
                action: action.as_str().to_owned(),
            },
        )
        .await
    }

    /// Deletes the recordings of calls that started before `before` (Unix
    /// seconds); returns how many.
    pub async fn expire_recordings(
        &self,
        actor: &Actor,
        before: i64,
    ) -> Result<usize, ServiceError> {
        actor.require_admin()?;
        let mut removed = 0;
        loop {
            let old = self
                .store
                .recordings(&RecordingQuery {
                    extension: None,
                    before: Some(before),
                    limit: 500,
                })
                .await?;
            if old.is_empty() {
                break;
            }
            for r in &old {
                self.remove(r).await?;
                removed += 1;
            }
        }
        if removed > 0 {
            self.announce(&Event::RecordingsChanged).await?;
            self.audit_only(
                actor,
                "recording.expire",
                "recordings".to_owned(),
                format!("{removed} older than the retention"),
            )
            .await?;
        }
        Ok(removed)
    }

    async fn remove(&self, r: &RecordingRecord) -> Result<(), ServiceError> {
        let path = self.file(&r.file)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(ServiceError::Files(format!(
                    "deleting {}: {e}",
                    path.display()
                )))
            }
        }
        self.store.delete_recording(&r.id).await?;
        Ok(())
    }

    /// Where a stored file name points, under the data directory.
    pub(crate) fn file(&self, name: &str) -> Result<PathBuf, ServiceError> {
        let dir = self
            .files
            .as_ref()
            .ok_or_else(|| ServiceError::Files("no data directory for files".to_owned()))?;
        if name.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(ServiceError::Files(format!(
                "a stored file name {name:?} leaves the data directory"
            )));
        }
        Ok(dir.join(name))
    }
}
