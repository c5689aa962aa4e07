//! The prompts Switchboard speaks, by language and name (`digit-5`,
//! `vm-enter-pin`, …). The shipped sets are in the binary
//! (`prompts/LANG/` in the repository, made by `scripts/make-prompts`);
//! an administrator's WAV at `DATA_DIR/prompts/LANG/NAME.wav` replaces the
//! shipped one of that name. Any rate and format is read; each prompt is
//! converted to 8 kHz the first time it is played and kept so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// (language, name, WAV file) of every shipped prompt.
static SHIPPED: &[(&str, &str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/prompts.rs"));

/// The language used when a prompt is missing from the chosen one.
const FALLBACK: &str = "en";

pub struct Prompts {
    language: String,
    /// The administrator's prompts: `DATA_DIR/prompts`.
    own: PathBuf,
    cache: Mutex<HashMap<String, Arc<[i16]>>>,
}

impl Prompts {
    pub fn new(data_dir: &Path, language: &str) -> Prompts {
        Prompts {
            language: language.to_owned(),
            own: data_dir.join("prompts"),
            cache: Mutex::default(),
        }
    }

    /// Whether a language has a shipped set.
    pub fn shipped(language: &str) -> bool {
        SHIPPED.iter().any(|(l, ..)| *l == language)
    }

    /// Prompt `name` as 8 kHz samples, if there is one.
    pub fn get(&self, name: &str) -> Option<Arc<[i16]>> {
        if let Some(p) = self.cache.lock().expect("the prompts' lock").get(name) {
            return Some(p.clone());
        }
        let samples: Arc<[i16]> = self.load(name)?.into();
        self.cache
            .lock()
            .expect("the prompts' lock")
            .insert(name.to_owned(), samples.clone());
        Some(samples)
    }

    /// The prompt that says a key.
    pub fn key(&self, key: char) -> Option<Arc<[i16]>> {
        let name = match key {
            '*' => "star".to_owned(),
            '#' => "pound".to_owned(),
            k => k.to_ascii_lowercase().to_string(),
        };
        self.get(&format!("digit-{name}"))
    }

    fn load(&self, name: &str) -> Option<Vec<i16>> {
        let read = |bytes: &[u8], from: &dyn std::fmt::Display| {
            switchboard_media::wav::read_mono(std::io::Cursor::new(bytes), 8000)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_prompts_are_read_and_an_administrators_file_wins() {
        let dir = std::env::temp_dir().join(format!("sb-prompts-{}", std::process::id()));
        let prompts = Prompts::new(&dir, "en");
        assert!(Prompts::shipped("en"));
        let one = prompts.key('1').expect("digit-1 ships");
        assert!(
            one.len() > 2000,
            "about half a second at 8 kHz: {}",
            one.len()
        );
        assert!(prompts.get("no-such-prompt").is_none());
        std::fs::create_dir_all(dir.join("prompts/en")).unwrap();
        let mut file = std::fs::File::create(dir.join("prompts/en/goodbye.wav")).unwrap();
        switchboard_media::wav::write(&mut file, 16000, 1, &[1000; 1600]).unwrap();
        let other_language = Prompts::new(&dir, "de");
        assert_eq!(
            other_language.get("goodbye").unwrap().len(),
            800,
            "its own, converted to 8 kHz"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
