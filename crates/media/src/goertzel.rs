//! The Goertzel filter: the power of one frequency in a block of samples,
//! for a handful of multiplications per sample. DTMF detection and the
//! tests that check which tone a phone heard both use it.

/// A filter tuned to one frequency at one sample rate.
#[derive(Clone, Copy, Debug)]
pub struct Goertzel {
    coeff: f32,
}

impl Goertzel {
    pub fn new(frequency: f32, rate: u32) -> Goertzel {
        let w = 2.0 * std::f32::consts::PI * frequency / rate as f32;
        Goertzel {
            coeff: 2.0 * w.cos(),
        }
    }

    /// The squared magnitude of the frequency's component in `block`: for
    /// a sine of amplitude `a` over `n` samples, about `(a n / 2)²`.
    pub fn power(&self, block: &[f32]) -> f32 {
        let (mut s1, mut s2) = (0.0f32, 0.0f32);
        for &x in block {
            let s0 = x + self.coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        s1 * s1 + s2 * s2 - self.coeff * s1 * s2
    }

    /// The amplitude of the frequency's component in `block`.
    pub fn amplitude(&self, block: &[f32]) -> f32 {
        2.0 * self.power(block).sqrt() / block.len().max(1) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(f: f32, amplitude: f32, rate: u32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| amplitude * (2.0 * std::f32::consts::PI * f * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn it_hears_its_frequency_and_not_others() {
        let block = sine(1209.0, 8000.0, 8000, 160);
        let at = Goertzel::new(1209.0, 8000).amplitude(&block);
        assert!((at - 8000.0).abs() < 400.0, "{at}");
        let off = Goertzel::new(1477.0, 8000).amplitude(&block);
        assert!(off < 800.0, "{off}");
    }
}
