//! Music on hold: what a phone put on hold hears, played by Switchboard.
//! The track that ships (`music/default.wav` in the repository, made by
//! `scripts/make-music`) is in the binary; an administrator's own, set
//! through the service layer (`switchboard music set`, `PUT
//! /api/v1/music-on-hold`), is `DATA_DIR/music/default.wav` and wins.
//! Each rate a call needs is converted once and kept until the track
//! changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use switchboard_service::{Event, Service};

static SHIPPED: &[u8] = include_bytes!("../../../music/default.wav");

pub struct Music {
    own: PathBuf,
    cache: Mutex<HashMap<u32, Arc<[i16]>>>,
}

impl Music {
    pub fn new(data_dir: &Path) -> Music {
        Music {
            own: data_dir.join(switchboard_service::MUSIC_ON_HOLD),
            cache: Mutex::default(),
        }
    }

    /// The track at `rate`: the administrator's, or the shipped one.
    pub fn get(&self, rate: u32) -> Arc<[i16]> {
        if let Some(t) = self.cache.lock().expect("the music's lock").get(&rate) {
            return t.clone();
        }
        let read =
            |bytes: &[u8]| switchboard_media::wav::read_mono(std::io::Cursor::new(bytes), rate);
        let own = std::fs::read(&self.own).ok().and_then(|b| {
            read(&b)
                .map_err(|e| tracing::warn!("music on hold {}: {e}", self.own.display()))
                .ok()
        });
        let track: Arc<[i16]> = own
            .or_else(|| read(SHIPPED).ok())
            .unwrap_or_else(|| vec![0; rate as usize])
            .into();
        self.cache
            .lock()
            .expect("the music's lock")
            .insert(rate, track.clone());
        track
    }

    /// Forgets the converted tracks when the music changes (on this node
    /// or another sharing the data directory's store).
    pub fn follow(self: &Arc<Music>, service: &Service) {
        let mut events = service.subscribe();
        let music = self.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(Event::MusicOnHoldChanged)
                    | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        music.cache.lock().expect("the music's lock").clear();
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        });
    }
}
