//! Sounds: what IVR greetings and announcements play. An administrator
//! uploads a WAV (`DATA_DIR/sounds/NAME.wav`); the prompts shipped with
//! Switchboard are sounds too, under their own names, and cannot be
//! replaced or deleted here. A sound an IVR or an announcement still
//! plays cannot be deleted.

use crate::destination::valid_name;
use crate::{Actor, Event, Service, ServiceError};
use serde::Serialize;

/// The largest WAV taken: 10 MiB.
pub const MAX_SOUND_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sound {
    pub name: String,
    /// Shipped with Switchboard (a prompt), not uploaded.
    pub shipped: bool,
    pub duration_ms: u64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SoundList {
    pub items: Vec<Sound>,
}

fn file_of(name: &str) -> String {
    format!("sounds/{name}.wav")
}

fn check_name(name: &str) -> Result<(), ServiceError> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "name",
            "must be lowercase letters, digits, '-' and '_', 1 to 40 characters",
        ))
    }
}

impl Service {
    /// Knows the prompts shipped with the binary (name, length in ms).
    pub fn with_shipped_sounds(mut self, sounds: Vec<(String, u64)>) -> Service {
        self.shipped_sounds = std::sync::Arc::new(sounds);
        self
    }

    fn shipped(&self, name: &str) -> Option<u64> {
        self.shipped_sounds
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, ms)| *ms)
    }

    /// Whether `name` is an uploaded or a shipped sound.
    pub(crate) async fn sound_exists(&self, name: &str) -> bool {
        if self.shipped(name).is_some() {
            return true;
        }
        match self.file(&file_of(name)) {
            Ok(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// The uploaded sounds, then the shipped ones, each by name.
    pub async fn sounds(&self, _actor: &Actor) -> Result<SoundList, ServiceError> {
        let mut items = Vec::new();
        let dir = self.file("sounds")?;
        if let Ok(mut entries) = tokio::fs::read_dir(&dir).await {
            while let Ok(Some(e)) = entries.next_entry().await {
                let file = e.file_name().to_string_lossy().into_owned();
                let Some(name) = file.strip_suffix(".wav") else {
                    continue;
                };
                if !valid_name(name) {
                    continue;
                }
                let duration_ms = match tokio::fs::read(e.path()).await {
                    Ok(bytes) => wav_ms(&bytes).unwrap_or(0),
                    Err(_) => continue,
                };
                items.push(Sound {
                    name: name.to_owned(),
                    shipped: false,
                    duration_ms,
                });
            }
        }
        items.sort_by(|a, b| a.name.cmp(&b.name));
        let mut shipped: Vec<Sound> = self
            .shipped_sounds
            .iter()
            .map(|(name, ms)| Sound {
                name: name.clone(),
                shipped: true,
                duration_ms: *ms,
            })
            .collect();
        shipped.sort_by(|a, b| a.name.cmp(&b.name));
        items.extend(shipped);
        Ok(SoundList { items })
    }

    /// An uploaded sound's WAV; none for a shipped or unknown one.
    pub async fn sound_audio(&self, _actor: &Actor, name: &str) -> Result<Vec<u8>, ServiceError> {
        check_name(name)?;
        let path = self.file(&file_of(name))?;
        tokio::fs::read(&path)
            .await
            .map_err(|_| ServiceError::NotFound(format!("uploaded sound {name}")))
    }

    /// Uploads (or replaces) sound `name`.
    pub async fn set_sound(
        &self,
        actor: &Actor,
        name: &str,
        wav: Vec<u8>,
    ) -> Result<Sound, ServiceError> {
        actor.require_manager()?;
        check_name(name)?;
        if self.shipped(name).is_some() {
            return Err(ServiceError::Conflict {
                field: "name",
                message: format!("{name} is a shipped prompt; upload under another name"),
            });
        }
        if wav.len() > MAX_SOUND_BYTES {
            return Err(ServiceError::invalid("file", "is over 10 MiB"));
        }
        let duration_ms = wav_ms(&wav).map_err(|e| ServiceError::invalid("file", e))?;
        self.write_file(&file_of(name), &wav).await?;
        self.record(
            actor,
            "sound.set",
            format!("sound {name}"),
            format!("{:.1} s", duration_ms as f64 / 1000.0),
            Event::FlowsChanged,
        )
        .await?;
        Ok(Sound {
            name: name.to_owned(),
            shipped: false,
            duration_ms,
        })
    }

    /// Deletes an uploaded sound nothing plays.
    pub async fn delete_sound(&self, actor: &Actor, name: &str) -> Result<(), ServiceError> {
        actor.require_manager()?;
        check_name(name)?;
        if self.shipped(name).is_some() {
            return Err(ServiceError::invalid(
                "name",
                format!("{name} is a shipped prompt"),
            ));
        }
        let path = self.file(&file_of(name))?;
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Err(ServiceError::NotFound(format!("sound {name}")));
        }
        self.unreferenced("sound", name, "name", "deleted").await?;
        crate::voicemail::remove_file(&path).await?;
        self.record(
            actor,
            "sound.delete",
            format!("sound {name}"),
            String::new(),
            Event::FlowsChanged,
        )
        .await
    }
}

/// A WAV's length, when it reads as audio.
fn wav_ms(wav: &[u8]) -> Result<u64, String> {
    let samples = switchboard_media::wav::read_mono(std::io::Cursor::new(wav), 8000)
        .map_err(|e| e.to_string())?;
    Ok(samples.len() as u64 / 8)
}
