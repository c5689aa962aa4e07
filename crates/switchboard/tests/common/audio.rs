//! Finding known audio (a prompt, the music on hold) in what a phone
//! heard: normalised cross-correlation, coarse first; the shipped prompts
//! as a phone hears them; how long a tone was heard.

use super::baresip::power;
use std::path::Path;
use switchboard_media::g711::Law;

/// A shipped prompt at `rate`.
pub fn prompt_at(name: &str, rate: u32) -> Vec<i16> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../prompts/en/{name}.wav"));
    switchboard_media::wav::read_mono(std::fs::File::open(&file).unwrap(), rate).unwrap()
}

/// A shipped prompt as a PCMU phone hears it.
pub fn prompt(name: &str) -> Vec<i16> {
    let samples = prompt_at(name, 8000);
    let (mut octets, mut back) = (Vec::new(), Vec::new());
    Law::Ulaw.encode(&samples, &mut octets);
    Law::Ulaw.decode(&octets, &mut back);
    back
}

/// Seconds (whole, 8 kHz) of `heard` where `hz` carries most of the sound.
pub fn seconds_of_tone(heard: &[i16], hz: f64) -> usize {
    heard
        .chunks(8000)
        .filter(|s| s.len() == 8000)
        .filter(|s| {
            let energy: f64 = s.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
            // A pure tone's Goertzel power is energy × N / 2.
            energy > 1e9 && power(s, hz) > 0.8 * energy * 4000.0
        })
        .count()
}

/// Where `needle` best matches in `haystack`, and how well (normalised
/// cross-correlation, 1.0 for the same samples). The needle may run past
/// the end by its last tenth (a phone hung up by Switchboard records
/// little of the last packets it got).
pub fn find(haystack: &[i16], needle: &[i16]) -> (usize, f64) {
    let n: Vec<f64> = needle.iter().map(|&s| f64::from(s)).collect();
    let mut h: Vec<f64> = haystack.iter().map(|&s| f64::from(s)).collect();
    h.resize(h.len() + n.len() / 10, 0.0);
    let last = h.len().saturating_sub(n.len());
    // First on both signals averaged over 4 samples (a sixteenth of the
    // work), then at full rate around the best place found.
    let quarter =
        |x: &[f64]| -> Vec<f64> { x.chunks(4).map(|c| c.iter().sum::<f64>() / 4.0).collect() };
    let (hq, nq) = (quarter(&h), quarter(&n));
    if hq.len() < nq.len() {
        return (0, 0.0);
    }
    let coarse = best(&hq, &nq, 0..=hq.len().saturating_sub(nq.len())).0 * 4;
    best(&h, &n, coarse.saturating_sub(8)..=(coarse + 8).min(last))
}

/// The best place of `n` in `h` among `places`, and its score.
fn best(h: &[f64], n: &[f64], places: std::ops::RangeInclusive<usize>) -> (usize, f64) {
    let n_energy: f64 = n.iter().map(|x| x * x).sum();
    places
        .map(|at| {
            let window = &h[at..at + n.len()];
            let (mut dot, mut energy) = (0.0, 0.0);
            for (a, b) in window.iter().zip(n) {
                dot += a * b;
                energy += a * a;
            }
            (at, dot / (energy * n_energy).sqrt().max(1.0))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, 0.0))
}
