//! Telling sound from silence, 20 ms at a time: what ends a voicemail
//! message after a few seconds of nothing, and what discards a message
//! that held no sound at all. A frame is silent when its level (RMS) is
//! below the threshold, by default -45 dBm0: below speech, above the
//! line noise and comfort noise a phone sends while nobody speaks.

/// The RMS of a 0 dBm0 sine in 16-bit samples (its peak is 22,330).
const DBM0_RMS: f64 = 15_790.0;

#[derive(Clone, Debug)]
pub struct Silence {
    frame: usize,
    /// The squared RMS below which a frame is silent.
    floor: f64,
    /// Samples of the frame being filled, and their energy.
    filled: usize,
    energy: f64,
    quiet_frames: u32,
    sound: bool,
}

impl Silence {
    /// A detector for audio at `rate`, silent below `threshold` dBm0.
    pub fn new(rate: u32, threshold: f64) -> Silence {
        let rms = DBM0_RMS * 10f64.powf(threshold / 20.0);
        Silence {
            frame: (rate / 50).max(1) as usize,
            floor: rms * rms,
            filled: 0,
            energy: 0.0,
            quiet_frames: 0,
            sound: false,
        }
    }

    /// Takes the next samples; returns for how many milliseconds the audio
    /// has been silent, up to its last whole frame.
    pub fn push(&mut self, samples: &[i16]) -> u32 {
        for &s in samples {
            self.energy += f64::from(s) * f64::from(s);
            self.filled += 1;
            if self.filled == self.frame {
                if self.energy / self.frame as f64 >= self.floor {
                    self.quiet_frames = 0;
                    self.sound = true;
                } else {
                    self.quiet_frames += 1;
                }
                self.filled = 0;
                self.energy = 0.0;
            }
        }
        self.quiet_frames * 20
    }

    /// Whether any frame so far held sound.
    pub fn heard_sound(&self) -> bool {
        self.sound
    }
}

impl Default for Silence {
    /// 8 kHz, silent below -45 dBm0.
    fn default() -> Silence {
        Silence::new(8000, -45.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(db: f64, ms: usize, rate: usize) -> Vec<i16> {
        let a = 22_330.0 * 10f64.powf(db / 20.0);
        (0..ms * rate / 1000)
            .map(|i| (a * (std::f64::consts::TAU * 400.0 * i as f64 / rate as f64).sin()) as i16)
            .collect()
    }

    #[test]
    fn speech_level_is_sound_and_what_follows_is_counted_as_silence() {
        let mut s = Silence::default();
        assert_eq!(s.push(&tone(-20.0, 500, 8000)), 0);
        assert!(s.heard_sound());
        assert_eq!(s.push(&vec![0; 8000]), 1000);
        assert_eq!(
            s.push(&tone(-60.0, 1000, 8000)),
            2000,
            "line noise is silence"
        );
        assert_eq!(s.push(&tone(-30.0, 40, 8000)), 0, "a word again");
    }

    #[test]
    fn nothing_but_quiet_is_no_sound_at_any_rate() {
        let mut s = Silence::new(16000, -45.0);
        assert_eq!(s.push(&tone(-55.0, 3000, 16000)), 3000);
        assert!(!s.heard_sound());
        // Part of a frame counts once the frame is whole.
        assert_eq!(s.push(&[0; 100]), 3000);
        assert_eq!(s.push(&[0; 220]), 3020);
    }
}
