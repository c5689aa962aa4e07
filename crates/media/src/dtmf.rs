//! DTMF in the audio itself: a detector for phones and trunks that send
//! their keys as tones, and a generator for far ends that take no events.
//!
//! The detector looks at 20 ms windows every 10 ms, shaped by a Hann
//! window (so a tone 1.5 % off its nominal frequency, which ITU-T Q.24
//! asks to be heard, loses little), with a Goertzel filter per DTMF
//! frequency. A window holds a key when the strongest row and
//! column tones are loud enough, within the allowed twist of each other,
//! clearly above the other tones of their group, and carry most of the
//! window's energy: speech and music spread their energy and fail that
//! last test, which is what keeps them from "talking off" a key. A key
//! counts once it fills two windows in a row (a 40 ms press, the shortest
//! ITU-T Q.24 asks to be heard) and ends after two windows without it.

use crate::goertzel::Goertzel;
use crate::tone::{Segment, Tone};
use crate::Digit;

const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
const COLUMNS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
const KEYS: [[Digit; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];

/// The quietest tone heard: about -36 dBm0 (0 dBm0 is an amplitude of
/// about 22,700 in 16-bit samples).
const MIN_AMPLITUDE: f32 = 350.0;
/// How much louder the column tone may be than the row tone (normal
/// twist, 8 dB) and the row than the column (reverse twist, 8 dB).
const TWIST: f32 = 6.3;
/// How much the strongest tone of a group must beat the next (6 dB).
const GROUP_MARGIN: f32 = 4.0;
/// The share of the window's energy the two tones must carry.
const TONE_SHARE: f32 = 0.65;

/// The row and column frequencies of a key.
pub fn frequencies(digit: Digit) -> Option<[f32; 2]> {
    let digit = digit.to_ascii_uppercase();
    KEYS.iter().enumerate().find_map(|(r, row)| {
        let c = row.iter().position(|&k| k == digit)?;
        Some([ROWS[r], COLUMNS[c]])
    })
}

/// Hears keys in a stream of samples.
#[derive(Clone, Debug)]
pub struct Detector {
    window: usize,
    hop: usize,
    samples: Vec<f32>,
    /// The Hann window, and the window applied to the samples.
    hann: Vec<f32>,
    shaped: Vec<f32>,
    rows: [Goertzel; 4],
    columns: [Goertzel; 4],
    /// The key of the last windows and how many in a row held it.
    candidate: Option<Digit>,
    run: u32,
    /// The key being pressed, once reported.
    pressed: Option<Digit>,
    /// Windows in a row without the pressed key.
    missing: u32,
}

impl Detector {
    /// A detector for audio at `rate` samples a second.
    pub fn new(rate: u32) -> Detector {
        let window = (rate / 50) as usize;
        Detector {
            window,
            hop: window / 2,
            samples: Vec::with_capacity(window + window / 2),
            hann: (0..window)
                .map(|i| {
                    let x = std::f32::consts::PI * i as f32 / window as f32;
                    x.sin() * x.sin()
                })
                .collect(),
            shaped: vec![0.0; window],
            rows: ROWS.map(|f| Goertzel::new(f, rate)),
            columns: COLUMNS.map(|f| Goertzel::new(f, rate)),
            candidate: None,
            run: 0,
            pressed: None,
            missing: 0,
        }
    }

    /// Takes the next samples; the keys whose press began in them go to
    /// `keys`.
    pub fn push(&mut self, samples: &[i16], keys: &mut Vec<Digit>) {
        for &s in samples {
            self.samples.push(f32::from(s));
            if self.samples.len() == self.window {
                for ((out, x), w) in self.shaped.iter_mut().zip(&self.samples).zip(&self.hann) {
                    *out = x * w;
                }
                let heard = self.key_in_window();
                self.step(heard, keys);
                self.samples.drain(..self.hop);
            }
        }
    }

    fn step(&mut self, heard: Option<Digit>, keys: &mut Vec<Digit>) {
        if heard == self.candidate {
            self.run += 1;
        } else {
            self.candidate = heard;
            self.run = 1;
        }
        if self.pressed.is_some() {
            if heard == self.pressed {
                self.missing = 0;
                return;
            }
            self.missing += 1;
            if self.missing < 2 {
                return;
            }
            self.pressed = None;
        }
        if let Some(key) = self.candidate.filter(|_| self.run >= 2) {
            self.pressed = Some(key);
            self.missing = 0;
            keys.push(key);
        }
    }

    fn key_in_window(&self) -> Option<Digit> {
        let block = &self.shaped[..];
        let energy: f32 = block.iter().map(|x| x * x).sum();
        let n = block.len() as f32;
        // Through a Hann window a sine of amplitude a has power
        // (a n / 4)² and energy a² 3n / 16.
        if energy < MIN_AMPLITUDE * MIN_AMPLITUDE * 3.0 * n / 16.0 {
            return None;
        }
        let rows = self.rows.map(|g| g.power(block));
        let columns = self.columns.map(|g| g.power(block));
        let (r, row) = strongest(&rows)?;
        let (c, column) = strongest(&columns)?;
        let floor = (MIN_AMPLITUDE * n / 4.0).powi(2);
        if row < floor || column < floor {
            return None;
        }
        if column > row * TWIST || row > column * TWIST {
            return None;
        }
        let beaten = |powers: &[f32; 4], best: usize| {
            powers
                .iter()
                .enumerate()
                .all(|(i, &p)| i == best || p * GROUP_MARGIN <= powers[best])
        };
        if !beaten(&rows, r) || !beaten(&columns, c) {
            return None;
        }
        if row + column < TONE_SHARE * energy * n / 3.0 {
            return None;
        }
        Some(KEYS[r][c])
    }
}

fn strongest(powers: &[f32; 4]) -> Option<(usize, f32)> {
    powers
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The keys as tones: each held `on_ms`, then `off_ms` of silence, at
/// about -7 dBm0 per tone, as a phone's keypad makes them.
pub fn tones(keys: &str, on_ms: u32, off_ms: u32) -> Tone {
    let segments = keys
        .chars()
        .filter_map(frequencies)
        .flat_map(|freqs| [Segment::new(&freqs, on_ms), Segment::silence(off_ms)])
        .collect();
    Tone {
        segments,
        repeat: false,
        amplitude: 10_000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tone::Player;

    fn render(tone: Tone, rate: u32) -> Vec<i16> {
        let mut p = Player::new(tone, rate);
        let mut out = vec![0; rate as usize * 10];
        let n = p.fill(&mut out);
        out.truncate(n);
        out
    }

    fn detect(samples: &[i16], rate: u32) -> String {
        let mut d = Detector::new(rate);
        let mut keys = Vec::new();
        // Frames of 20 ms, as they arrive from RTP.
        for frame in samples.chunks((rate / 50) as usize) {
            d.push(frame, &mut keys);
        }
        keys.into_iter().collect()
    }

    #[test]
    fn every_key_is_heard_at_8_and_16_khz() {
        for rate in [8000, 16000] {
            let all = "123A456B789C*0#D";
            assert_eq!(
                detect(&render(tones(all, 60, 60), rate), rate),
                all,
                "{rate} Hz"
            );
        }
    }

    #[test]
    fn a_held_key_counts_once_and_a_repeated_one_twice() {
        assert_eq!(detect(&render(tones("5", 1000, 100), 8000), 8000), "5");
        assert_eq!(detect(&render(tones("55", 50, 50), 8000), 8000), "55");
    }

    #[test]
    fn presses_too_short_or_too_quiet_are_not_heard() {
        assert_eq!(detect(&render(tones("1", 15, 100), 8000), 8000), "");
        let mut quiet = tones("1", 100, 100);
        quiet.amplitude = 150.0;
        assert_eq!(detect(&render(quiet, 8000), 8000), "");
    }

    #[test]
    fn a_single_tone_or_a_chord_is_no_key() {
        let one = Tone {
            segments: vec![Segment::new(&[697.0], 500)],
            repeat: false,
            amplitude: 10_000.0,
        };
        assert_eq!(detect(&render(one, 8000), 8000), "");
        // Two rows at once.
        let two_rows = Tone {
            segments: vec![Segment::new(&[697.0, 852.0], 500)],
            repeat: false,
            amplitude: 10_000.0,
        };
        assert_eq!(detect(&render(two_rows, 8000), 8000), "");
    }

    #[test]
    fn keys_are_looked_up_by_their_frequencies() {
        assert_eq!(frequencies('5'), Some([770.0, 1336.0]));
        assert_eq!(frequencies('#'), Some([941.0, 1477.0]));
        assert_eq!(frequencies('d'), Some([941.0, 1633.0]));
        assert_eq!(frequencies('x'), None);
    }
}
