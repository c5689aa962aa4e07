//! Sample-rate conversion between any two rates (8, 16 and 48 kHz for
//! calls; whatever rate a prompt or music file was made at): band-limited
//! interpolation with a Blackman-windowed sinc, the filter cut below the
//! lower of the two Nyquist frequencies so nothing folds back.
//!
//! Written here rather than taken from a crate: the one well-kept
//! resampler crate (rubato) has reshaped its API in each recent release,
//! and what a PBX needs is this one function over whole files, converted
//! once when loaded.

use std::f64::consts::PI;

/// Zero crossings of the sinc kept on each side: the filter's length, and
/// how sharp its cut is.
const ZERO_CROSSINGS: f64 = 16.0;

/// `samples` at `from` Hz, converted to `to` Hz.
pub fn convert(samples: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == to || samples.is_empty() || from == 0 || to == 0 {
        return samples.to_vec();
    }
    let ratio = f64::from(to) / f64::from(from);
    // The cut-off, as a fraction of the input's Nyquist frequency, a
    // little below the lower Nyquist.
    let cutoff = ratio.min(1.0) * 0.95;
    let half = ZERO_CROSSINGS / cutoff;
    let length = (samples.len() as f64 * ratio).round() as usize;
    let mut out = Vec::with_capacity(length);
    for n in 0..length {
        let centre = n as f64 / ratio;
        let first = (centre - half).ceil().max(0.0) as usize;
        let last = ((centre + half).floor() as usize).min(samples.len() - 1);
        let mut acc = 0.0;
        for (k, &s) in samples.iter().enumerate().take(last + 1).skip(first) {
            let t = k as f64 - centre;
            acc += f64::from(s) * kernel(t, cutoff, half);
        }
        out.push(acc.round().clamp(-32768.0, 32767.0) as i16);
    }
    out
}

/// The filter's weight at `t` input samples from the output's position.
fn kernel(t: f64, cutoff: f64, half: f64) -> f64 {
    let x = cutoff * t;
    let sinc = if x.abs() < 1e-9 {
        1.0
    } else {
        (PI * x).sin() / (PI * x)
    };
    // Blackman window over [-half, half].
    let w = 0.42 + 0.5 * (PI * t / half).cos() + 0.08 * (2.0 * PI * t / half).cos();
    cutoff * sinc * w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goertzel::Goertzel;

    fn sine(f: f64, rate: u32, seconds: f64) -> Vec<i16> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| (8000.0 * (2.0 * PI * f * i as f64 / f64::from(rate)).sin()) as i16)
            .collect()
    }

    fn level(samples: &[i16], f: f32, rate: u32) -> f32 {
        // The middle, away from the edges the filter sees half of.
        let x: Vec<f32> = samples[samples.len() / 4..samples.len() * 3 / 4]
            .iter()
            .map(|&s| f32::from(s))
            .collect();
        Goertzel::new(f, rate).amplitude(&x)
    }

    #[test]
    fn a_tone_keeps_its_pitch_and_level_between_rates() {
        for (from, to) in [
            (8000, 16000),
            (16000, 8000),
            (48000, 8000),
            (22050, 16000),
            (8000, 48000),
        ] {
            let out = convert(&sine(1000.0, from, 0.5), from, to);
            assert_eq!(out.len(), (to / 2) as usize, "{from} → {to}");
            let at = level(&out, 1000.0, to);
            assert!((at - 8000.0).abs() < 400.0, "{from} → {to}: {at}");
        }
    }

    #[test]
    fn what_the_lower_rate_cannot_carry_is_removed() {
        // 6 kHz exists at 16 kHz, not at 8: it must not fold to 2 kHz.
        let out = convert(&sine(6000.0, 16000, 0.5), 16000, 8000);
        assert!(level(&out, 2000.0, 8000) < 100.0);
        let peak = out[1000..3000]
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap();
        assert!(peak < 200, "{peak}");
    }

    #[test]
    fn the_same_rate_is_a_copy() {
        let s = sine(440.0, 8000, 0.1);
        assert_eq!(convert(&s, 8000, 8000), s);
    }
}
