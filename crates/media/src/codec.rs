//! The codecs calls speak, behind one encoder and one decoder type: G.711
//! (PCMU, PCMA: Switchboard's own, `g711`), G.722 (16 kHz wideband) and
//! Opus (48 kHz, mono here) from the `audio-codec` crate, pure Rust and
//! made for VoIP. Each codec has its own sample rate and RTP clock (G.722
//! counts 8 kHz although it samples 16, as RFC 3551 has it).

use crate::g711::Law;

/// A codec Switchboard can decode and encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Pcmu,
    Pcma,
    G722,
    Opus,
}

/// Opus's bit rate here: wideband speech, well within what a phone line
/// carries.
const OPUS_BITRATE: i32 = 32_000;

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Pcmu, Kind::Pcma, Kind::G722, Kind::Opus];

    /// The codec of that name (as SDP writes it, any case).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The codec an SDP `rtpmap` names (`PCMU/8000`, `opus/48000/2` …).
    pub fn from_sdp(name: &str, clock_rate: u32) -> Option<Kind> {
        let kind = Kind::from_name(name)?;
        (kind.rtp_clock() == clock_rate).then_some(kind)
    }

    /// As SDP writes it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pcmu => "PCMU",
            Kind::Pcma => "PCMA",
            Kind::G722 => "G722",
            Kind::Opus => "opus",
        }
    }

    /// Samples a second of its audio.
    pub fn rate(self) -> u32 {
        match self {
            Kind::Pcmu | Kind::Pcma => 8000,
            Kind::G722 => 16000,
            Kind::Opus => 48000,
        }
    }

    /// Ticks a second of its RTP timestamps.
    pub fn rtp_clock(self) -> u32 {
        match self {
            Kind::Pcmu | Kind::Pcma | Kind::G722 => 8000,
            Kind::Opus => 48000,
        }
    }

    /// Samples in 20 ms.
    pub fn frame(self) -> usize {
        (self.rate() / 50) as usize
    }

    /// RTP ticks in 20 ms.
    pub fn ticks(self) -> u32 {
        self.rtp_clock() / 50
    }
}

/// What one phone speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub codec: Kind,
    pub payload_type: u8,
    /// telephone-event's payload type, when the phone took it.
    pub events: Option<u8>,
}

/// Turns payloads into samples at the codec's rate.
pub struct Decoder {
    kind: Kind,
    inner: Inner<audio_codec::g722::G722Decoder, audio_codec::opus::OpusDecoder>,
    scratch: Vec<i16>,
}

/// Turns samples at the codec's rate into payloads.
pub struct Encoder {
    kind: Kind,
    inner: Inner<audio_codec::g722::G722Encoder, audio_codec::opus::OpusEncoder>,
    scratch: Vec<u8>,
}

enum Inner<G, O> {
    G711(Law),
    G722(Box<G>),
    Opus(Box<O>),
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Decoder({:?})", self.kind)
    }
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Encoder({:?})", self.kind)
    }
}

impl Decoder {
    pub fn new(kind: Kind) -> Decoder {
        let inner = match kind {
            Kind::Pcmu => Inner::G711(Law::Ulaw),
            Kind::Pcma => Inner::G711(Law::Alaw),
            Kind::G722 => Inner::G722(Box::default()),
            Kind::Opus => Inner::Opus(Box::new(audio_codec::opus::OpusDecoder::new(48000, 1))),
        };
        Decoder {
            kind,
            inner,
            scratch: Vec::new(),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Appends the samples of one payload (none for one that does not
    /// decode).
    pub fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let (decoder, max): (&mut dyn audio_codec::Decoder, usize) = match &mut self.inner {
            Inner::G711(law) => return law.decode(payload, out),
            Inner::G722(d) => (d.as_mut(), payload.len() * 2),
            // At most 120 ms in one packet.
            Inner::Opus(d) => (d.as_mut(), 5760),
        };
        self.scratch.resize(max, 0);
        if let Ok(n) = decoder.decode_into(payload, &mut self.scratch) {
            out.extend_from_slice(&self.scratch[..n.min(max)]);
        }
    }
}

impl Encoder {
    pub fn new(kind: Kind) -> Encoder {
        let inner = match kind {
            Kind::Pcmu => Inner::G711(Law::Ulaw),
            Kind::Pcma => Inner::G711(Law::Alaw),
            Kind::G722 => Inner::G722(Box::default()),
            Kind::Opus => {
                let mut e = audio_codec::opus::OpusEncoder::new(48000, 1);
                e.set_bitrate(OPUS_BITRATE);
                Inner::Opus(Box::new(e))
            }
        };
        Encoder {
            kind,
            inner,
            scratch: Vec::new(),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Appends the payload of one frame of samples (20 ms at the codec's
    /// rate).
    pub fn encode(&mut self, samples: &[i16], out: &mut Vec<u8>) {
        let (encoder, max): (&mut dyn audio_codec::Encoder, usize) = match &mut self.inner {
            Inner::G711(law) => return law.encode(samples, out),
            Inner::G722(e) => (e.as_mut(), samples.len() / 2 + 1),
            // RFC 6716: a packet is at most 1,275 octets.
            Inner::Opus(e) => (e.as_mut(), 1276),
        };
        self.scratch.resize(max, 0);
        if let Ok(n) = encoder.encode_into(samples, &mut self.scratch) {
            out.extend_from_slice(&self.scratch[..n.min(max)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goertzel::Goertzel;

    fn sine(f: f32, rate: u32, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| (8000.0 * (std::f32::consts::TAU * f * i as f32 / rate as f32).sin()) as i16)
            .collect()
    }

    /// A second of 1 kHz through each codec comes out as 1 kHz.
    #[test]
    fn every_codec_carries_a_tone() {
        for kind in [Kind::Pcmu, Kind::Pcma, Kind::G722, Kind::Opus] {
            let rate = kind.rate();
            let input = sine(1000.0, rate, rate as usize);
            let (mut enc, mut dec) = (Encoder::new(kind), Decoder::new(kind));
            let mut out = Vec::new();
            let mut bytes = 0;
            for frame in input.chunks(kind.frame()) {
                let mut payload = Vec::new();
                enc.encode(frame, &mut payload);
                assert!(!payload.is_empty(), "{kind:?}");
                bytes += payload.len();
                dec.decode(&payload, &mut out);
            }
            assert_eq!(out.len(), input.len(), "{kind:?}");
            let tail: Vec<f32> = out[out.len() / 2..].iter().map(|&s| f32::from(s)).collect();
            let at = Goertzel::new(1000.0, rate).amplitude(&tail);
            let off = Goertzel::new(2500.0, rate).amplitude(&tail);
            assert!(
                at > 6000.0 && off < 600.0,
                "{kind:?}: {at} at 1 kHz, {off} at 2.5 kHz"
            );
            match kind {
                Kind::Pcmu | Kind::Pcma => assert_eq!(bytes, 8000),
                Kind::G722 => assert_eq!(bytes, 8000, "64 kbit/s"),
                Kind::Opus => assert!(bytes < 8000, "{bytes} octets for a second"),
            }
        }
    }

    #[test]
    fn codecs_are_known_by_their_sdp_names() {
        assert_eq!(Kind::from_sdp("PCMU", 8000), Some(Kind::Pcmu));
        assert_eq!(Kind::from_sdp("g722", 8000), Some(Kind::G722));
        assert_eq!(Kind::from_sdp("opus", 48000), Some(Kind::Opus));
        assert_eq!(Kind::from_sdp("opus", 8000), None);
        assert_eq!(Kind::from_sdp("iLBC", 8000), None);
        assert_eq!(Kind::G722.ticks(), 160);
        assert_eq!(Kind::Opus.frame(), 960);
    }

    #[test]
    fn garbage_payloads_decode_to_nothing_or_something_but_never_panic() {
        for kind in [Kind::G722, Kind::Opus] {
            let mut dec = Decoder::new(kind);
            let mut out = Vec::new();
            for junk in [&[][..], &[0xFF; 3][..], &[0x7A; 200][..]] {
                dec.decode(junk, &mut out);
            }
        }
    }
}
