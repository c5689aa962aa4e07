//! Call-progress tones: what a caller hears while a phone rings, when it
//! is busy, when the network is, a call waiting, the beep before a
//! recording. Each country has its own; an administrator picks theirs
//! (`Country`), and the shapes are those of ITU-T E.180's supplement.

/// A stretch of a tone: up to two frequencies summed (none: silence).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub frequencies: [f32; 2],
    /// How many of `frequencies` sound.
    pub count: usize,
    pub ms: u32,
}

impl Segment {
    /// `frequencies` (at most two) sounding for `ms`.
    pub fn new(frequencies: &[f32], ms: u32) -> Segment {
        let mut f = [0.0; 2];
        let count = frequencies.len().min(2);
        f[..count].copy_from_slice(&frequencies[..count]);
        Segment {
            frequencies: f,
            count,
            ms,
        }
    }

    pub fn silence(ms: u32) -> Segment {
        Segment::new(&[], ms)
    }
}

/// A tone: its segments, played once or over and over.
#[derive(Clone, Debug, PartialEq)]
pub struct Tone {
    pub segments: Vec<Segment>,
    pub repeat: bool,
    /// The peak of each frequency, in 16-bit sample units.
    pub amplitude: f32,
}

/// The tones a PBX plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ringback,
    Busy,
    Congestion,
    CallWaiting,
    /// The beep before a recording starts.
    Beep,
}

/// Whose tones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Country {
    /// North America (also the default).
    Us,
    /// The United Kingdom.
    Uk,
    /// Germany (and much of continental Europe: 425 Hz).
    De,
    France,
}

impl Country {
    /// By ISO 3166 code (`us`, `ca`, `gb`/`uk`, `de`, `at`, `ch`, `fr`).
    pub fn from_code(code: &str) -> Option<Country> {
        match code.to_ascii_lowercase().as_str() {
            "us" | "ca" => Some(Country::Us),
            "gb" | "uk" => Some(Country::Uk),
            "de" | "at" | "ch" => Some(Country::De),
            "fr" => Some(Country::France),
            _ => None,
        }
    }

    /// The tone of `kind` as this country plays it.
    pub fn tone(self, kind: Kind) -> Tone {
        use Country::*;
        let s = Segment::new;
        let off = Segment::silence;
        let (segments, repeat) = match (self, kind) {
            (_, Kind::Beep) => (vec![s(&[1000.0], 250)], false),
            (Us, Kind::Ringback) => (vec![s(&[440.0, 480.0], 2000), off(4000)], true),
            (Us, Kind::Busy) => (vec![s(&[480.0, 620.0], 500), off(500)], true),
            (Us, Kind::Congestion) => (vec![s(&[480.0, 620.0], 250), off(250)], true),
            (Us, Kind::CallWaiting) => (vec![s(&[440.0], 300), off(9700)], true),
            (Uk, Kind::Ringback) => (
                vec![
                    s(&[400.0, 450.0], 400),
                    off(200),
                    s(&[400.0, 450.0], 400),
                    off(2000),
                ],
                true,
            ),
            (Uk, Kind::Busy) => (vec![s(&[400.0], 375), off(375)], true),
            (Uk, Kind::Congestion) => (
                vec![s(&[400.0], 400), off(350), s(&[400.0], 225), off(525)],
                true,
            ),
            (Uk, Kind::CallWaiting) => (vec![s(&[400.0], 100), off(3000)], true),
            (De, Kind::Ringback) => (vec![s(&[425.0], 1000), off(4000)], true),
            (De, Kind::Busy) => (vec![s(&[425.0], 480), off(480)], true),
            (De, Kind::Congestion) => (vec![s(&[425.0], 240), off(240)], true),
            (De, Kind::CallWaiting) => (
                vec![s(&[425.0], 200), off(200), s(&[425.0], 200), off(5000)],
                true,
            ),
            (France, Kind::Ringback) => (vec![s(&[440.0], 1500), off(3500)], true),
            (France, Kind::Busy) => (vec![s(&[440.0], 500), off(500)], true),
            (France, Kind::Congestion) => (vec![s(&[440.0], 250), off(250)], true),
            (France, Kind::CallWaiting) => (vec![s(&[440.0], 300), off(10000)], true),
        };
        Tone {
            segments,
            repeat,
            // About -16 dBm0 per frequency.
            amplitude: 3500.0,
        }
    }
}

/// Plays a tone into sample buffers, keeping its place between calls.
#[derive(Clone, Debug)]
pub struct Player {
    tone: Tone,
    rate: u32,
    segment: usize,
    /// Samples of the current segment already played.
    at: u64,
    phase: [f32; 2],
}

impl Player {
    pub fn new(tone: Tone, rate: u32) -> Player {
        Player {
            tone,
            rate,
            segment: 0,
            at: 0,
            phase: [0.0; 2],
        }
    }

    /// Fills `out`; returns how many samples the tone had (fewer than
    /// `out.len()` once a tone that does not repeat is over).
    pub fn fill(&mut self, out: &mut [i16]) -> usize {
        let mut written = 0;
        while written < out.len() {
            let Some(segment) = self.tone.segments.get(self.segment).copied() else {
                if self.tone.repeat && !self.tone.segments.is_empty() {
                    self.segment = 0;
                    continue;
                }
                return written;
            };
            let length = u64::from(segment.ms) * u64::from(self.rate) / 1000;
            if self.at >= length {
                self.segment += 1;
                self.at = 0;
                self.phase = [0.0; 2];
                continue;
            }
            let n = ((length - self.at) as usize).min(out.len() - written);
            let steps = segment
                .frequencies
                .map(|f| std::f32::consts::TAU * f / self.rate as f32);
            for o in &mut out[written..written + n] {
                let mut v = 0.0;
                for (phase, step) in self.phase.iter_mut().zip(steps).take(segment.count) {
                    v += phase.sin();
                    *phase = (*phase + step) % std::f32::consts::TAU;
                }
                *o = (v * self.tone.amplitude) as i16;
            }
            written += n;
            self.at += n as u64;
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goertzel::Goertzel;

    fn level(samples: &[i16], f: f32) -> f32 {
        let x: Vec<f32> = samples.iter().map(|&s| f32::from(s)).collect();
        Goertzel::new(f, 8000).amplitude(&x)
    }

    #[test]
    fn us_busy_is_480_and_620_hz_half_a_second_on_and_off() {
        let mut p = Player::new(Country::Us.tone(Kind::Busy), 8000);
        let mut second = vec![0; 8000];
        assert_eq!(p.fill(&mut second), 8000);
        let (on, off) = second.split_at(4000);
        assert!(level(on, 480.0) > 3000.0 && level(on, 620.0) > 3000.0);
        assert!(level(on, 440.0) < 500.0);
        assert!(off.iter().all(|&s| s == 0));
        // It repeats.
        let mut more = vec![0; 4000];
        p.fill(&mut more);
        assert!(level(&more, 620.0) > 3000.0);
    }

    #[test]
    fn each_country_rings_its_own_way() {
        let first = |c: Country| c.tone(Kind::Ringback).segments[0];
        assert_eq!(first(Country::Us).frequencies, [440.0, 480.0]);
        assert_eq!(first(Country::Uk).ms, 400);
        assert_eq!(first(Country::De).frequencies[0], 425.0);
        assert_eq!(Country::from_code("GB"), Some(Country::Uk));
        assert_eq!(Country::from_code("xx"), None);
    }

    #[test]
    fn a_beep_ends() {
        let mut p = Player::new(Country::De.tone(Kind::Beep), 8000);
        let mut out = vec![0; 8000];
        assert_eq!(p.fill(&mut out), 2000);
        assert!(level(&out[..2000], 1000.0) > 3000.0);
        assert_eq!(p.fill(&mut out), 0);
    }
}
