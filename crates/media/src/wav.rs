//! WAV files in and out (the `hound` crate reads and writes the format):
//! any common rate, 8 to 32 bits, integer or float, mono or more channels,
//! read as 16-bit mono at the rate a call needs; recordings written as
//! 16-bit PCM.

use crate::resample;
use std::io::{Read, Seek, Write};

/// Why a file is not audio Switchboard can play.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not a WAV file Switchboard can read: {0}")]
    Format(#[from] hound::Error),
    #[error("the WAV file has no audio")]
    Empty,
}

/// A WAV file's audio as 16-bit mono at `rate` Hz: channels mixed down,
/// other sample sizes scaled, the rate converted.
pub fn read_mono<R: Read>(reader: R, rate: u32) -> Result<Vec<i16>, Error> {
    let mut wav = hound::WavReader::new(reader)?;
    let spec = wav.spec();
    let channels = usize::from(spec.channels.max(1));
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => wav.samples::<f32>().collect::<Result<_, _>>()?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            wav.samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()?
        }
    };
    if samples.is_empty() {
        return Err(Error::Empty);
    }
    let mono: Vec<i16> = samples
        .chunks(channels)
        .map(|frame| {
            let mean = frame.iter().sum::<f32>() / frame.len() as f32;
            (mean * 32767.0).round().clamp(-32768.0, 32767.0) as i16
        })
        .collect();
    Ok(resample::convert(&mono, spec.sample_rate, rate))
}

/// Writes 16-bit PCM: `channels` interleaved in `samples`.
pub fn write<W: Write + Seek>(
    writer: W,
    rate: u32,
    channels: u16,
    samples: &[i16],
) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(writer, spec)?;
    let mut i16s = w.get_i16_writer(samples.len() as u32);
    for &s in samples {
        i16s.write_sample(s);
    }
    i16s.flush()?;
    w.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn file(
        spec: hound::WavSpec,
        write: impl FnOnce(&mut hound::WavWriter<&mut Cursor<Vec<u8>>>),
    ) -> Vec<u8> {
        let mut c = Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut c, spec).unwrap();
        write(&mut w);
        w.finalize().unwrap();
        c.into_inner()
    }

    #[test]
    fn stereo_24_bit_at_48_khz_is_read_as_mono_at_8() {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48000,
            bits_per_sample: 24,
            sample_format: hound::SampleFormat::Int,
        };
        let bytes = file(spec, |w| {
            for _ in 0..4800 {
                w.write_sample(4_000_000i32).unwrap();
                w.write_sample(0i32).unwrap();
            }
        });
        let mono = read_mono(Cursor::new(bytes), 8000).unwrap();
        assert_eq!(mono.len(), 800);
        // Half of 4,000,000 / 2^23 of full scale, in the middle.
        let mid = mono[400];
        assert!((i32::from(mid) - 7812).abs() < 100, "{mid}");
    }

    #[test]
    fn float_files_are_read() {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let bytes = file(spec, |w| {
            for _ in 0..10 {
                w.write_sample(-0.5f32).unwrap();
            }
        });
        assert_eq!(
            read_mono(Cursor::new(bytes), 8000).unwrap(),
            vec![-16384; 10]
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let mut c = Cursor::new(Vec::new());
        let samples: Vec<i16> = (0..320).map(|i| i * 10).collect();
        write(&mut c, 16000, 1, &samples).unwrap();
        assert_eq!(
            read_mono(Cursor::new(c.into_inner()), 16000).unwrap(),
            samples
        );
    }

    #[test]
    fn junk_and_empty_files_are_refused() {
        assert!(matches!(
            read_mono(Cursor::new(b"RIFF junk".to_vec()), 8000),
            Err(Error::Format(_))
        ));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let empty = file(spec, |_| {});
        assert!(matches!(
            read_mono(Cursor::new(empty), 8000),
            Err(Error::Empty)
        ));
    }
}
