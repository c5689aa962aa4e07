//! Music on hold, as an administrator sets it: a WAV file of any common
//! rate and format, checked here (it must read as audio), kept at
//! `DATA_DIR/music/default.wav` (written aside and renamed, so a server
//! never reads half a file), and announced, so every server forgets the
//! track it had converted. Resetting goes back to the shipped track.

use crate::{Actor, Event, Service, ServiceError};

/// Where the administrator's track is kept, under the data directory.
pub const MUSIC_ON_HOLD: &str = "music/default.wav";
/// The longest file taken: 20 MiB (about ten minutes of 16 kHz audio).
pub const MAX_MUSIC_BYTES: usize = 20 * 1024 * 1024;

impl Service {
    /// Makes `wav` the music on hold.
    pub async fn set_music_on_hold(&self, actor: &Actor, wav: Vec<u8>) -> Result<(), ServiceError> {
        actor.require_admin()?;
        if wav.len() > MAX_MUSIC_BYTES {
            return Err(ServiceError::invalid("file", "is over 20 MiB"));
        }
        let samples = switchboard_media::wav::read_mono(std::io::Cursor::new(&wav), 8000)
            .map_err(|e| ServiceError::invalid("file", e.to_string()))?;
        let path = self.file(MUSIC_ON_HOLD)?;
        let part = path.with_extension("wav.part");
        let io = |e: std::io::Error| ServiceError::Files(format!("{}: {e}", path.display()));
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
        }
        tokio::fs::write(&part, &wav).await.map_err(io)?;
        tokio::fs::rename(&part, &path).await.map_err(io)?;
        let seconds = samples.len() as f64 / 8000.0;
        self.record(
            actor,
            "music_on_hold.set",
            "music on hold".to_owned(),
            format!("{seconds:.1} s, {} bytes", wav.len()),
            Event::MusicOnHoldChanged,
        )
        .await
    }

    /// Goes back to the music that ships.
    pub async fn reset_music_on_hold(&self, actor: &Actor) -> Result<(), ServiceError> {
        actor.require_admin()?;
        let path = self.file(MUSIC_ON_HOLD)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ServiceError::Files(format!("{}: {e}", path.display()))),
        }
        self.record(
            actor,
            "music_on_hold.reset",
            "music on hold".to_owned(),
            "the shipped track".to_owned(),
            Event::MusicOnHoldChanged,
        )
        .await
    }
}
