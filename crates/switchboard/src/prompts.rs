//! The prompts Switchboard speaks, by language and name (`digit-5`,
//! `vm-enter-pin`, …). The shipped sets are in the binary
//! (`prompts/LANG/` in the repository, made by `scripts/make-prompts`);
//! an administrator's WAV at `DATA_DIR/prompts/LANG/NAME.wav` replaces the
//! shipped one of that name. Any rate and format is read; each prompt is
//! converted to the rate a call needs (8 kHz for G.711, 16 for G.722, 48
//! for Opus) the first time it is played at that rate, and kept so. The
//! call-progress tones of the configured country (`calls.tones`) come
//! from here too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use switchboard_media::tone::{Country, Kind, Tone};

/// (language, name, WAV file) of every shipped prompt.
static SHIPPED: &[(&str, &str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/prompts.rs"));

/// The language used when a prompt is missing from the chosen one.
const FALLBACK: &str = "en";

/// A prompt's samples at one rate, shared by every call playing it.
type Samples = Arc<[i16]>;

pub struct Prompts {
    language: String,
    /// Whose call-progress tones are played with the prompts.
    tones: Country,
    /// The administrator's prompts: `DATA_DIR/prompts`.
    own: PathBuf,
    /// Uploaded sounds: `DATA_DIR/sounds`.
    sounds: PathBuf,
    cache: Mutex<HashMap<(String, u32), Samples>>,
}

impl Prompts {
    pub fn new(data_dir: &Path, language: &str, tones: Country) -> Prompts {
        Prompts {
            language: language.to_owned(),
            tones,
            own: data_dir.join("prompts"),
            sounds: data_dir.join("sounds"),
            cache: Mutex::default(),
        }
    }

    /// Whether a language has a shipped set.
    pub fn shipped(language: &str) -> bool {
        SHIPPED.iter().any(|(l, ..)| *l == language)
    }

    /// Prompt `name` as samples at `rate`, if there is one.
    pub fn get(&self, name: &str, rate: u32) -> Option<Arc<[i16]>> {
        let key = (name.to_owned(), rate);
        if let Some(p) = self.cache.lock().expect("the prompts' lock").get(&key) {
            return Some(p.clone());
        }
        let samples: Arc<[i16]> = self.load(name, rate)?.into();
        self.cache
            .lock()
            .expect("the prompts' lock")
            .insert(key, samples.clone());
        Some(samples)
    }

    /// Sound `name` (an IVR's greeting, an announcement) at `rate`: the
    /// administrator's upload at `DATA_DIR/sounds/NAME.wav`, else the
    /// prompt of that name. Read at each call, so a new upload plays at
    /// once.
    pub fn sound(&self, name: &str, rate: u32) -> Option<Arc<[i16]>> {
        let path = self.sounds.join(format!("{name}.wav"));
        if let Ok(bytes) = std::fs::read(&path) {
            match switchboard_media::wav::read_mono(std::io::Cursor::new(bytes), rate) {
                Ok(samples) => return Some(samples.into()),
                Err(e) => tracing::warn!("sound {}: {e}", path.display()),
            }
        }
        self.get(name, rate)
    }

    /// A call-progress tone, as the configured country plays it.
    pub fn tone(&self, kind: Kind) -> Tone {
        self.tones.tone(kind)
    }

    /// The prompt that says a key, at `rate`.
    pub fn key(&self, key: char, rate: u32) -> Option<Arc<[i16]>> {
        let name = match key {
            '*' => "star".to_owned(),
            '#' => "pound".to_owned(),
            k => k.to_ascii_lowercase().to_string(),
        };
        self.get(&format!("digit-{name}"), rate)
    }

    fn load(&self, name: &str, rate: u32) -> Option<Vec<i16>> {
        let read = |bytes: &[u8], from: &dyn std::fmt::Display| {
            switchboard_media::wav::read_mono(std::io::Cursor::new(bytes), rate)
                .map_err(|e| tracing::warn!("prompt {from}: {e}"))
                .ok()
        };
        for language in [self.language.as_str(), FALLBACK] {
            let own = self.own.join(language).join(format!("{name}.wav"));
            if let Ok(bytes) = std::fs::read(&own) {
                if let Some(samples) = read(&bytes, &own.display()) {
                    return Some(samples);
                }
            }
            if let Some((.., bytes)) = SHIPPED
                .iter()
                .find(|(l, n, _)| *l == language && *n == name)
            {
                return read(bytes, &format!("{language}/{name} (shipped)"));
            }
        }
        None
    }
}

/// The shipped prompts' names and lengths in milliseconds (of the
/// fallback set, which every language falls back to): sounds flows may
/// play.
pub fn shipped_sounds() -> Vec<(String, u64)> {
    SHIPPED
        .iter()
        .filter(|(l, ..)| *l == FALLBACK)
        .filter_map(|(_, name, bytes)| {
            let samples =
                switchboard_media::wav::read_mono(std::io::Cursor::new(bytes), 8000).ok()?;
            Some(((*name).to_owned(), samples.len() as u64 / 8))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_prompts_are_read_and_an_administrators_file_wins() {
        let dir = std::env::temp_dir().join(format!("sb-prompts-{}", std::process::id()));
        let prompts = Prompts::new(&dir, "en", Country::Us);
        assert!(Prompts::shipped("en"));
        let one = prompts.key('1', 8000).expect("digit-1 ships");
        assert!(one.len() > 2000, "half a second at 8 kHz: {}", one.len());
        let wide = prompts.key('1', 16000).unwrap();
        assert!(
            wide.len().abs_diff(one.len() * 2) <= 2,
            "the same prompt at 16 kHz: {} and {}",
            wide.len(),
            one.len()
        );
        assert!(prompts.get("no-such-prompt", 8000).is_none());
        std::fs::create_dir_all(dir.join("prompts/en")).unwrap();
        let mut file = std::fs::File::create(dir.join("prompts/en/goodbye.wav")).unwrap();
        switchboard_media::wav::write(&mut file, 16000, 1, &[1000; 1600]).unwrap();
        let other_language = Prompts::new(&dir, "de", Country::De);
        assert_eq!(
            other_language.get("goodbye", 8000).unwrap().len(),
            800,
            "its own, converted to 8 kHz"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
