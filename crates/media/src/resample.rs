//! Sample-rate conversion between any two rates (8, 16 and 48 kHz for
//! calls; whatever rate a prompt or music file was made at): band-limited
//! interpolation with a Blackman-windowed sinc, the filter cut below the
//! lower of the two Nyquist frequencies so nothing folds back.
//!
//! The ratio is reduced to L/M, so the fractional positions of the output
//! samples repeat every L: the filter is computed once per phase when the
//! converter is made, and each output sample costs one multiply-add per
//! tap. [`Stream`] keeps its history between frames (a call's audio, 20 ms
//! at a time); [`convert`] does a whole file.
//!
//! Written here rather than taken from a crate: the one well-kept
//! resampler crate (rubato) has reshaped its API in each recent release,
//! and this is the one converter a PBX needs, on its hot path.

use std::f64::consts::PI;

/// Zero crossings of the sinc kept on each side: the filter's length, and
/// how sharp its cut is.
const ZERO_CROSSINGS: f64 = 12.0;

/// A converter from one rate to another, fed a frame at a time.
#[derive(Clone, Debug)]
pub struct Stream {
    /// Output samples per `down` input samples.
    up: usize,
    down: usize,
    /// Taps per phase, and the filter of each phase (`up` of them).
    taps: usize,
    phases: Vec<Vec<f32>>,
    /// Input not yet consumed, the history the filter needs first.
    input: Vec<f32>,
    /// The next output sample's position: `next / up` input samples past
    /// the start of `input`'s history.
    next: usize,
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Stream {
    pub fn new(from: u32, to: u32) -> Stream {
        let (from, to) = (from.max(1) as usize, to.max(1) as usize);
        let g = gcd(from, to);
        let (up, down) = (to / g, from / g);
        // The cut-off, as a fraction of the input's Nyquist frequency, a
        // little below the lower Nyquist.
        let cutoff = (up as f64 / down as f64).min(1.0) * 0.95;
        let half = (ZERO_CROSSINGS / cutoff).ceil() as usize;
        let taps = 2 * half;
        let phases = (0..up)
            .map(|phase| {
                let frac = phase as f64 / up as f64;
                (0..taps)
                    .map(|j| {
                        // Tap j weighs input sample (i - half + 1 + j) for
                        // an output at i + frac.
                        let t = j as f64 - (half as f64 - 1.0) - frac;
                        kernel(t, cutoff, half as f64) as f32
                    })
                    .collect()
            })
            .collect();
        Stream {
            up,
            down,
            taps,
            phases,
            // History of silence, so the first samples come out at once.
            input: vec![0.0; half - 1],
            next: 0,
        }
    }

    /// Whether the rates are the same (samples pass unchanged).
    pub fn is_identity(&self) -> bool {
        self.up == self.down
    }

    /// Converts the next input samples, appending what they make.
    pub fn push(&mut self, samples: &[i16], out: &mut Vec<i16>) {
        if self.is_identity() {
            out.extend_from_slice(samples);
            return;
        }
        self.input.extend(samples.iter().map(|&s| f32::from(s)));
        loop {
            let (i, phase) = (self.next / self.up, self.next % self.up);
            if i + self.taps > self.input.len() {
                break;
            }
            let window = &self.input[i..i + self.taps];
            let acc: f32 = window
                .iter()
                .zip(&self.phases[phase])
                .map(|(x, w)| x * w)
                .sum();
            out.push(acc.round().clamp(-32768.0, 32767.0) as i16);
            self.next += self.down;
        }
        // Drop what no output sample will read again.
        let consumed = self.next / self.up;
        if consumed > 0 {
            self.input.drain(..consumed);
            self.next -= consumed * self.up;
        }
    }

    /// Samples still held back by the filter: what [`Stream::push`] of
    /// that many zeros would flush out.
    pub fn delay(&self) -> usize {
        self.taps / 2
    }
}

/// `samples` at `from` Hz, converted to `to` Hz (the same length in time).
pub fn convert(samples: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == to || samples.is_empty() || from == 0 || to == 0 {
        return samples.to_vec();
    }
    let mut stream = Stream::new(from, to);
    let length = (samples.len() as f64 * f64::from(to) / f64::from(from)).round() as usize;
    let mut out = Vec::with_capacity(length + 64);
    stream.push(samples, &mut out);
    stream.push(&vec![0; stream.delay() + 1], &mut out);
    out.truncate(length);
    out
}

/// The filter's weight at `t` input samples from the output's position.
fn kernel(t: f64, cutoff: f64, half: f64) -> f64 {
    if t.abs() >= half {
        return 0.0;
    }
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
            (16000, 48000),
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

    #[test]
    fn frames_give_what_the_whole_gives() {
        let s = sine(700.0, 8000, 0.3);
        let mut whole = Vec::new();
        Stream::new(8000, 48000).push(&s, &mut whole);
        let mut framed = Vec::new();
        let mut stream = Stream::new(8000, 48000);
        for (n, frame) in s.chunks(160).enumerate() {
            stream.push(frame, &mut framed);
            // All of it out but what the filter holds back.
            assert!(
                framed.len() + 6 * stream.delay() >= (n + 1) * 960,
                "after frame {n}"
            );
        }
        assert_eq!(framed, whole);
        // Each 20 ms frame at 48 kHz comes out as 20 ms at 8 kHz.
        let mut down = Stream::new(48000, 8000);
        let mut out = Vec::new();
        for frame in whole.chunks(960) {
            down.push(frame, &mut out);
        }
        // Less what both filters hold back (each delay in its input's samples).
        let held = stream.delay() + down.delay().div_ceil(6);
        assert!(
            out.len() + held + 1 >= s.len(),
            "{} of {}",
            out.len(),
            s.len()
        );
    }
}
