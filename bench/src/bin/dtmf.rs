//! How well Switchboard hears keys pressed as tones (issue 6): its DTMF
//! detector (`switchboard_media::dtmf`) on a generated test set, every
//! signal sent through PCMU as a phone would send it.
//!
//! - Detection: each of the 16 keys at several levels, durations, twists,
//!   frequency offsets and noise levels; a case passes when exactly that
//!   key is heard, once.
//! - Rejection: presses the standards say must not count (too short, too
//!   quiet, off frequency by 5 %).
//! - Talk-off: every prompt Switchboard ships (espeak-ng speech), alone
//!   and over noise, and synthetic music (chords of harmonic notes with
//!   vibrato); any key heard there is a false positive.
//!
//!     cargo run --release -p switchboard-bench --bin dtmf

use std::f64::consts::TAU;
use switchboard_media::dtmf::{frequencies, Detector};
use switchboard_media::g711::Law;

const KEYS: &str = "123A456B789C*0#D";
/// The amplitude of a 0 dBm0 sine in 16-bit samples (µ-law's 3.17 dBm0
/// peak is 32,124).
const DBM0: f64 = 22_330.0;

/// A small, fixed pseudo-random generator (xorshift), so every run is the
/// same test set.
struct Noise(u64);

impl Noise {
    /// Uniform in [-1, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

fn through_pcmu(signal: &[f64]) -> Vec<i16> {
    let samples: Vec<i16> = signal
        .iter()
        .map(|&x| x.round().clamp(-32768.0, 32767.0) as i16)
        .collect();
    let (mut octets, mut back) = (Vec::new(), Vec::new());
    Law::Ulaw.encode(&samples, &mut octets);
    Law::Ulaw.decode(&octets, &mut back);
    back
}

fn detect(samples: &[i16]) -> String {
    let mut d = Detector::new(8000);
    let mut keys = Vec::new();
    for frame in samples.chunks(160) {
        d.push(frame, &mut keys);
    }
    keys.into_iter().collect()
}

struct Press {
    key: char,
    /// Level of the louder tone, dBm0; the column tone is `twist` dB
    /// above the row tone.
    level: f64,
    twist: f64,
    ms: f64,
    /// Relative frequency error of both tones.
    offset: f64,
    /// Signal to white noise, dB (None: no noise).
    snr: Option<f64>,
}

fn render(p: &Press, noise: &mut Noise) -> Vec<i16> {
    let [row, column] = frequencies(p.key).expect("a key");
    let (row_db, column_db) = if p.twist >= 0.0 {
        (p.level - p.twist, p.level)
    } else {
        (p.level, p.level + p.twist)
    };
    let (a, b) = (
        DBM0 * 10f64.powf(row_db / 20.0),
        DBM0 * 10f64.powf(column_db / 20.0),
    );
    let lead = 800;
    let n = (p.ms * 8.0) as usize;
    let mut x = vec![0.0; lead + n + lead];
    for (i, v) in x[lead..lead + n].iter_mut().enumerate() {
        let t = i as f64 / 8000.0;
        *v = a * (TAU * f64::from(row) * (1.0 + p.offset) * t).sin()
            + b * (TAU * f64::from(column) * (1.0 + p.offset) * t).sin();
    }
    if let Some(snr) = p.snr {
        // White noise at `snr` below the press's power.
        let power = (a * a + b * b) / 2.0;
        let sigma = (power / 10f64.powf(snr / 10.0)).sqrt() * 3f64.sqrt();
        for v in &mut x {
            *v += sigma * noise.next();
        }
    }
    through_pcmu(&x)
}

fn main() {
    let mut noise = Noise(0x2545F4914F6CDD1D);
    let (mut cases, mut heard, mut missed, mut wrong) = (0, 0, 0, 0);
    // Misses by condition: level, twist, duration, offset, noise.
    let mut by: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for key in KEYS.chars() {
        for level in [-4.0, -10.0, -20.0, -26.0] {
            for twist in [-6.0, 0.0, 6.0] {
                for ms in [40.0, 50.0, 70.0, 100.0] {
                    for offset in [-0.015, 0.0, 0.015] {
                        for snr in [None, Some(20.0), Some(12.0)] {
                            let p = Press {
                                key,
                                level,
                                twist,
                                ms,
                                offset,
                                snr,
                            };
                            let got = detect(&render(&p, &mut noise));
                            cases += 1;
                            let ok = got == key.to_string();
                            if ok {
                                heard += 1;
                            } else if got.is_empty() {
                                missed += 1;
                            } else {
                                wrong += 1;
                            }
                            let snr = snr.map_or("no noise".to_owned(), |s| format!("SNR {s} dB"));
                            for condition in [
                                format!("louder tone {level} dBm0"),
                                format!("twist {twist:+} dB"),
                                format!("{ms} ms"),
                                format!("offset {:+.1} %", offset * 100.0),
                                snr,
                            ] {
                                let e = by.entry(condition).or_default();
                                e.1 += 1;
                                if ok {
                                    e.0 += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Presses that must not count.
    let mut rejected = [(0, 0), (0, 0), (0, 0)];
    for key in KEYS.chars() {
        for (i, (level, ms, offset)) in [
            (-10.0, 20.0, 0.0),
            (-45.0, 100.0, 0.0),
            (-10.0, 100.0, 0.05),
        ]
        .into_iter()
        .enumerate()
        {
            for offset in [offset, -offset] {
                let p = Press {
                    key,
                    level,
                    twist: 0.0,
                    ms,
                    offset,
                    snr: None,
                };
                let got = detect(&render(&p, &mut noise));
                rejected[i].1 += 1;
                if got.is_empty() {
                    rejected[i].0 += 1;
                }
            }
        }
    }

    // Talk-off: the shipped prompts, alone and over noise, then music.
    let mut speech = Vec::new();
    let files = switchboard_bench::shipped_prompts();
    for f in &files {
        let file = std::fs::File::open(f).unwrap();
        speech.extend(switchboard_media::wav::read_mono(file, 8000).unwrap());
    }
    // Louder speech too: the prompts are quiet next to a shouting caller.
    let loud: Vec<f64> = speech.iter().map(|&s| f64::from(s) * 2.0).collect();
    let noisy: Vec<f64> = speech
        .iter()
        .map(|&s| f64::from(s) + 600.0 * noise.next())
        .collect();
    let speech_false = detect(&through_pcmu(
        &speech.iter().map(|&s| f64::from(s)).collect::<Vec<_>>(),
    )) + &detect(&through_pcmu(&loud))
        + &detect(&through_pcmu(&noisy));
    let speech_minutes = 3.0 * speech.len() as f64 / 8000.0 / 60.0;
    let music = music(&mut noise, 180.0);
    let music_false = detect(&through_pcmu(&music));

    println!("DTMF detector (switchboard_media::dtmf), every signal through PCMU");
    println!(
        "  detection: {heard} of {cases} presses heard ({:.2} %), {missed} missed, {wrong} heard as another key or twice",
        100.0 * heard as f64 / cases as f64
    );
    println!("    (16 keys × louder tone -4/-10/-20/-26 dBm0 × twist -6/0/+6 dB × 40/50/70/100 ms × frequency ±1.5 %/0 × no noise/20/12 dB SNR)");
    for (condition, (ok, of)) in &by {
        println!(
            "    {condition:>24}: {:6.2} % of {of}",
            100.0 * f64::from(*ok) / f64::from(*of)
        );
    }
    let names = ["20 ms presses", "-45 dBm0 presses", "5 % off frequency"];
    for ((ok, of), name) in rejected.iter().zip(names) {
        println!("  rejection: {ok} of {of} {name} not counted");
    }
    println!(
        "  talk-off: {} false keys in {:.1} minutes of speech (the {} shipped prompts, as they are, 6 dB louder, and over noise){}",
        speech_false.len(),
        speech_minutes,
        files.len(),
        if speech_false.is_empty() { String::new() } else { format!(": {speech_false}") }
    );
    println!(
        "  talk-off: {} false keys in {:.1} minutes of synthetic music{}",
        music_false.len(),
        music.len() as f64 / 8000.0 / 60.0,
        if music_false.is_empty() {
            String::new()
        } else {
            format!(": {music_false}")
        }
    );
}

/// Chords of three notes, each with its first five harmonics and a
/// vibrato, changing every 250 ms, the notes drawn at random from the
/// equal-tempered scale across the DTMF band.
fn music(noise: &mut Noise, seconds: f64) -> Vec<f64> {
    let n = (seconds * 8000.0) as usize;
    let mut out = vec![0.0; n];
    let chord = 2000;
    for start in (0..n).step_by(chord) {
        let notes: Vec<f64> = (0..3)
            .map(|_| 220.0 * 2f64.powf(((noise.next() + 1.0) * 18.0).floor() / 12.0))
            .collect();
        for (i, v) in out[start..(start + chord).min(n)].iter_mut().enumerate() {
            let t = (start + i) as f64 / 8000.0;
            for &f in &notes {
                let vibrato = 1.0 + 0.005 * (TAU * 5.0 * t).sin();
                for h in 1..=5 {
                    *v += 3000.0 / h as f64 * (TAU * f * h as f64 * vibrato * t).sin();
                }
            }
        }
    }
    out
}
