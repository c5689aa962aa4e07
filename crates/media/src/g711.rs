//! G.711, the codec every phone speaks: 8 kHz samples, one octet each,
//! companded by µ-law (PCMU, payload type 0, North America and Japan) or
//! A-law (PCMA, payload type 8, everywhere else). Decoding is a table
//! look-up; encoding finds the segment from the sample's leading zeros.

/// µ-law's bias on 16 bits (decoding) and on 14 (encoding), and the
/// largest 14-bit magnitude encoded.
const ULAW_BIAS: i32 = 0x84;
const ULAW_BIAS_14: i32 = 0x21;
const ULAW_CLIP: i32 = 8159;

/// The linear sample a µ-law octet stands for.
pub fn ulaw_to_linear(octet: u8) -> i16 {
    ULAW_TABLE[octet as usize]
}

/// The linear sample an A-law octet stands for.
pub fn alaw_to_linear(octet: u8) -> i16 {
    ALAW_TABLE[octet as usize]
}

/// The µ-law octet nearest a linear sample, as G.711's reference code
/// makes it (on 14 bits: the two lowest are dropped first).
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let v = i32::from(sample) >> 2;
    let (v, mask) = if v < 0 { (-v, 0x7F) } else { (v, 0xFF) };
    let v = v.min(ULAW_CLIP) + ULAW_BIAS_14;
    // v is 0x21..=0x2000: its top bit is bit 5 (segment 0) to bit 13 (8,
    // past the last segment: the loudest code).
    let segment = (31 - (v as u32).leading_zeros()) as i32 - 5;
    if segment > 7 {
        return (0x7F ^ mask) as u8;
    }
    (((segment << 4) | ((v >> (segment + 1)) & 0x0F)) ^ mask) as u8
}

/// The A-law octet nearest a linear sample.
pub fn linear_to_alaw(sample: i16) -> u8 {
    let (magnitude, mask) = if sample >= 0 {
        (sample as i32 >> 3, 0xD5)
    } else {
        ((!sample) as i32 >> 3, 0x55)
    };
    let code = if magnitude < 32 {
        magnitude >> 1
    } else {
        let segment = (31 - (magnitude as u32).leading_zeros()) as i32 - 4;
        (segment << 4) | ((magnitude >> segment) & 0x0F)
    };
    (code ^ mask) as u8
}

const fn ulaw_decode(octet: u8) -> i16 {
    let u = !octet;
    let segment = (u >> 4) & 0x07;
    let mantissa = (u & 0x0F) as i32;
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << segment) - ULAW_BIAS;
    if u & 0x80 != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

const fn alaw_decode(octet: u8) -> i16 {
    let a = octet ^ 0x55;
    let segment = (a >> 4) & 0x07;
    let mantissa = (a & 0x0F) as i32;
    let mut magnitude = (mantissa << 4) + 8;
    if segment > 0 {
        magnitude = (magnitude + 0x100) << (segment - 1);
    }
    if a & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

static ULAW_TABLE: [i16; 256] = table_ulaw();
static ALAW_TABLE: [i16; 256] = table_alaw();

const fn table_ulaw() -> [i16; 256] {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = ulaw_decode(i as u8);
        i += 1;
    }
    t
}

const fn table_alaw() -> [i16; 256] {
    let mut t = [0; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = alaw_decode(i as u8);
        i += 1;
    }
    t
}

/// The two laws, by the names SDP gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Law {
    /// PCMU.
    Ulaw,
    /// PCMA.
    Alaw,
}

impl Law {
    pub fn decode(self, octets: &[u8], out: &mut Vec<i16>) {
        let table = match self {
            Law::Ulaw => &ULAW_TABLE,
            Law::Alaw => &ALAW_TABLE,
        };
        out.extend(octets.iter().map(|&o| table[o as usize]));
    }

    pub fn encode(self, samples: &[i16], out: &mut Vec<u8>) {
        match self {
            Law::Ulaw => out.extend(samples.iter().map(|&s| linear_to_ulaw(s))),
            Law::Alaw => out.extend(samples.iter().map(|&s| linear_to_alaw(s))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(linear_to_ulaw(0), 0xFF);
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(ulaw_to_linear(0x80), 32124);
        assert_eq!(ulaw_to_linear(0x00), -32124);
        assert_eq!(ulaw_to_linear(0x7F), 0, "µ-law's negative zero");
        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0xAA), 32256);
        assert_eq!(alaw_to_linear(0x2A), -32256);
        assert_eq!(linear_to_ulaw(i16::MAX), 0x80);
        assert_eq!(linear_to_ulaw(i16::MIN), 0x00);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
    }

    /// Values from the ITU-T G.711 reference algorithm (Python's audioop,
    /// itself the Sun/CCITT code): the sample, its A-law and µ-law octets.
    #[test]
    fn codes_match_the_reference_implementation() {
        let reference: [(i16, u8, u8); 20] = [
            (0, 0xd5, 0xff),
            (7, 0xd5, 0xfe),
            (16, 0xd4, 0xfd),
            (32, 0xd7, 0xfb),
            (63, 0xd6, 0xf7),
            (100, 0xd3, 0xf2),
            (255, 0xda, 0xe7),
            (256, 0xc5, 0xe7),
            (500, 0xca, 0xdc),
            (1000, 0xfa, 0xce),
            (2000, 0xea, 0xbf),
            (4000, 0x9a, 0xaf),
            (8000, 0x8a, 0xa0),
            (16000, 0xba, 0x90),
            (32000, 0xaa, 0x80),
            (-1, 0x55, 0x7e),
            (-9, 0x55, 0x7d),
            (-100, 0x53, 0x72),
            (-1000, 0x7a, 0x4e),
            (-32768, 0x2a, 0x00),
        ];
        for (sample, alaw, ulaw) in reference {
            assert_eq!(linear_to_alaw(sample), alaw, "A-law of {sample}");
            assert_eq!(linear_to_ulaw(sample), ulaw, "µ-law of {sample}");
        }
        assert_eq!(alaw_to_linear(0xfa), 1008);
        assert_eq!(alaw_to_linear(0x53), -104);
    }

    #[test]
    fn every_octet_survives_decoding_and_encoding() {
        for octet in 0..=255u8 {
            if octet != 0x7F {
                assert_eq!(
                    linear_to_ulaw(ulaw_to_linear(octet)),
                    octet,
                    "µ-law {octet:#x}"
                );
            }
            assert_eq!(
                linear_to_alaw(alaw_to_linear(octet)),
                octet,
                "A-law {octet:#x}"
            );
        }
    }

    proptest! {
        /// Companding keeps a sample within its segment's step: the error
        /// grows with the magnitude, at most 1/16 of it (plus the first
        /// step near zero).
        #[test]
        fn quantisation_error_is_bounded(sample in any::<i16>()) {
            let s = i32::from(sample);
            for (law, back) in [
                (Law::Ulaw, i32::from(ulaw_to_linear(linear_to_ulaw(sample)))),
                (Law::Alaw, i32::from(alaw_to_linear(linear_to_alaw(sample)))),
            ] {
                let clipped = s.clamp(-32635, 32635);
                let bound = clipped.abs() / 16 + 16;
                prop_assert!((back - clipped).abs() <= bound, "{law:?}: {s} came back as {back}");
                prop_assert!(back.signum() == s.signum() || back.abs() <= 8 || s.abs() <= 8);
            }
        }

        /// Encoding is monotonic: a louder sample never gets a quieter code.
        #[test]
        fn encoding_keeps_order(a in any::<i16>(), b in any::<i16>()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(ulaw_to_linear(linear_to_ulaw(lo)) <= ulaw_to_linear(linear_to_ulaw(hi)));
            prop_assert!(alaw_to_linear(linear_to_alaw(lo)) <= alaw_to_linear(linear_to_alaw(hi)));
        }
    }
}
