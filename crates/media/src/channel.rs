//! One call leg that Switchboard itself answers (a test number, later an
//! IVR, voicemail, a queue): the phone's packets in, the keys it pressed
//! out, and every 20 ms the next packet of whatever Switchboard plays —
//! a prompt, a tone, the phone's own audio back (echo), or silence, in
//! whichever codec the phone chose (G.711, G.722, Opus).
//!
//! Keys are heard however the phone sends them: as RTP events (RFC 4733)
//! when it agreed to `telephone-event`, as tones in the audio otherwise
//! (both are checked: some phones send tones although they offered
//! events). Keys sent by SIP INFO reach the flow by the engine, not here.

use crate::codec::{Decoder, Encoder, Leg};
use crate::keys::{Heard, Keys};
use crate::rtp::Stream;
use crate::tone::{Player, Tone};
use crate::Digit;
use std::collections::VecDeque;
use std::sync::Arc;

/// Frames of echo kept at most: more means the phone sends faster than
/// real time, and the oldest are dropped.
const ECHO_DEPTH: usize = 8;

/// What the leg hears from Switchboard.
#[derive(Clone, Debug, Default)]
pub enum Source {
    #[default]
    Silence,
    /// The phone's own audio, sent back.
    Echo,
    /// Samples at the codec's rate, from `at` on.
    Audio {
        samples: Arc<[i16]>,
        at: usize,
    },
    Tone(Player),
}

/// What became of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A packet was written.
    Sent,
    /// A packet was written, and with it the audio being played ended.
    Finished,
}

#[derive(Debug)]
pub struct Channel {
    leg: Leg,
    keys: Keys,
    encoder: Encoder,
    stream: Stream,
    source: Source,
    echo: VecDeque<Vec<u8>>,
    samples: Vec<i16>,
    payload: Vec<u8>,
    /// While the flow listens: the decoder, and what it decoded since
    /// [`Channel::take_heard`].
    listening: Option<Decoder>,
    heard: Vec<i16>,
}

impl Channel {
    /// A leg speaking what `leg` says, its stream numbered from the given
    /// random SSRC, sequence number and timestamp.
    pub fn new(leg: Leg, ssrc: u32, sequence: u16, timestamp: u32) -> Channel {
        Channel {
            leg,
            keys: Keys::new(leg),
            encoder: Encoder::new(leg.codec),
            stream: Stream::new(ssrc, sequence, timestamp),
            source: Source::Silence,
            echo: VecDeque::new(),
            samples: Vec::with_capacity(leg.codec.frame() * 2),
            payload: Vec::with_capacity(1500),
            listening: None,
            heard: Vec::new(),
        }
    }

    pub fn leg(&self) -> Leg {
        self.leg
    }

    /// Plays `samples` (at the codec's rate), in place of whatever played.
    pub fn play(&mut self, samples: Arc<[i16]>) {
        self.source = Source::Audio { samples, at: 0 };
    }

    pub fn tone(&mut self, tone: Tone) {
        self.source = Source::Tone(Player::new(tone, self.leg.codec.rate()));
    }

    pub fn echo(&mut self) {
        self.echo.clear();
        self.source = Source::Echo;
    }

    pub fn silence(&mut self) {
        self.source = Source::Silence;
    }

    /// Starts (`true`) or stops decoding what the phone says, for
    /// [`Channel::take_heard`] (a voicemail message, a greeting).
    pub fn listen(&mut self, on: bool) {
        self.listening = on.then(|| Decoder::new(self.leg.codec));
        self.heard.clear();
    }

    /// What the phone said since the last call, while listening: samples
    /// at the codec's rate, in the order the packets came.
    pub fn take_heard(&mut self) -> Option<Vec<i16>> {
        (!self.heard.is_empty()).then(|| std::mem::take(&mut self.heard))
    }

    /// A datagram from the phone; the keys pressed in it go to `keys`.
    pub fn receive(&mut self, datagram: &[u8], keys: &mut Vec<Digit>) {
        let Heard::Audio(payload) = self.keys.packet(datagram, keys) else {
            return;
        };
        if let Some(decoder) = &mut self.listening {
            decoder.decode(payload, &mut self.heard);
        }
        if matches!(self.source, Source::Echo) {
            if self.echo.len() == ECHO_DEPTH {
                self.echo.pop_front();
            }
            self.echo.push_back(payload.to_vec());
        }
    }

    /// The next 20 ms packet, appended to `out`.
    pub fn frame(&mut self, out: &mut Vec<u8>) -> Frame {
        let frame = self.leg.codec.frame();
        self.payload.clear();
        self.samples.clear();
        self.samples.resize(frame, 0);
        let mut outcome = Frame::Sent;
        match &mut self.source {
            Source::Echo => {
                if let Some(p) = self.echo.pop_front() {
                    self.payload.extend_from_slice(&p);
                }
            }
            Source::Silence => {}
            Source::Audio { samples, at } => {
                let end = (*at + frame).min(samples.len());
                self.samples[..end - *at].copy_from_slice(&samples[*at..end]);
                *at = end;
                if end == samples.len() {
                    outcome = Frame::Finished;
                }
            }
            Source::Tone(player) => {
                if player.fill(&mut self.samples) < frame {
                    outcome = Frame::Finished;
                }
            }
        }
        if self.payload.is_empty() {
            self.encoder.encode(&self.samples, &mut self.payload);
        }
        if outcome == Frame::Finished {
            self.source = Source::Silence;
        }
        let ticks = self.leg.codec.ticks();
        self.stream
            .next(self.leg.payload_type, false, &self.payload, ticks)
            .write(out);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Decoder, Kind};
    use crate::dtmf;
    use crate::rtp::Packet;
    use crate::telephone_event::Sender;

    use crate::g711::Law;

    /// Samples per 20 ms frame at 8 kHz.
    const FRAME: usize = 160;

    const PCMU: Leg = Leg {
        codec: Kind::Pcmu,
        payload_type: 0,
        events: Some(101),
    };

    /// What a phone would send: `samples` as PCMU packets.
    fn packets(samples: &[i16]) -> Vec<Vec<u8>> {
        let mut stream = Stream::new(7, 100, 1000);
        samples
            .chunks(FRAME)
            .map(|chunk| {
                let mut payload = Vec::new();
                Law::Ulaw.encode(chunk, &mut payload);
                let mut out = Vec::new();
                stream
                    .next(0, false, &payload, FRAME as u32)
                    .write(&mut out);
                out
            })
            .collect()
    }

    #[test]
    fn keys_are_heard_as_events_and_as_tones() {
        let mut ch = Channel::new(PCMU, 1, 2, 3);
        let mut keys = Vec::new();
        let mut sender = Sender::new(800, 800);
        sender.push('4');
        let mut stream = Stream::new(9, 0, 0);
        while sender.busy() {
            let ts = stream.timestamp;
            if let Some(e) = sender.frame(ts, 160) {
                let mut out = Vec::new();
                let mut p = stream.next(101, e.marker, &e.payload, 160);
                p.timestamp = e.timestamp;
                p.write(&mut out);
                ch.receive(&out, &mut keys);
            } else {
                stream.next(0, false, &[], 160);
            }
        }
        let mut tone = crate::tone::Player::new(dtmf::tones("#", 100, 100), 8000);
        let mut samples = vec![0; 1600];
        tone.fill(&mut samples);
        for p in packets(&samples) {
            ch.receive(&p, &mut keys);
        }
        assert_eq!(keys, ['4', '#']);
    }

    #[test]
    fn audio_plays_out_in_frames_then_silence() {
        let mut ch = Channel::new(PCMU, 1, 2, 3);
        ch.play((0..400).map(|i| (i * 50) as i16).collect::<Vec<_>>().into());
        let mut sent = Vec::new();
        for _ in 0..4 {
            let mut out = Vec::new();
            let f = ch.frame(&mut out);
            sent.push((f, Packet::parse(&out).unwrap().payload.to_vec()));
        }
        assert_eq!(sent[0].0, Frame::Sent);
        assert_eq!(
            sent[2].0,
            Frame::Finished,
            "400 samples: the third frame ends them"
        );
        assert_eq!(sent[3].1, vec![0xFF; FRAME], "then silence");
        let first: Vec<i16> = sent[0]
            .1
            .iter()
            .map(|&o| crate::g711::ulaw_to_linear(o))
            .collect();
        assert!((first[100] - 5000).abs() < 200);
    }

    #[test]
    fn echo_sends_back_what_came() {
        let mut ch = Channel::new(PCMU, 1, 2, 3);
        ch.echo();
        let tone: Vec<i16> = (0..320).map(|i| ((i % 20) * 300) as i16).collect();
        let mut keys = Vec::new();
        let sent = packets(&tone);
        for p in &sent {
            ch.receive(p, &mut keys);
        }
        for p in &sent {
            let mut out = Vec::new();
            ch.frame(&mut out);
            let back = Packet::parse(&out).unwrap();
            assert_eq!(back.payload, Packet::parse(p).unwrap().payload);
            assert_eq!(back.ssrc, 1, "our own stream");
        }
    }

    #[test]
    fn a_wideband_leg_plays_and_hears_at_16_khz() {
        let g722 = Leg {
            codec: Kind::G722,
            payload_type: 9,
            events: None,
        };
        let mut ch = Channel::new(g722, 1, 2, 3);
        let tone: Vec<i16> = (0..16000)
            .map(|i| (6000.0 * (std::f32::consts::TAU * 5000.0 * i as f32 / 16000.0).sin()) as i16)
            .collect();
        ch.play(tone.into());
        let mut dec = Decoder::new(Kind::G722);
        let mut heard = Vec::new();
        let mut last_ts = None;
        loop {
            let mut out = Vec::new();
            let f = ch.frame(&mut out);
            let p = Packet::parse(&out).unwrap();
            assert_eq!(p.payload.len(), 160, "64 kbit/s");
            if let Some(ts) = last_ts {
                assert_eq!(
                    p.timestamp,
                    u32::wrapping_add(ts, 160),
                    "G.722 counts 8 kHz"
                );
            }
            last_ts = Some(p.timestamp);
            dec.decode(p.payload, &mut heard);
            if f == Frame::Finished {
                break;
            }
        }
        assert_eq!(heard.len(), 16000);
        let tail: Vec<f32> = heard[8000..].iter().map(|&s| f32::from(s)).collect();
        let level = crate::goertzel::Goertzel::new(5000.0, 16000).amplitude(&tail);
        assert!(level > 3000.0, "5 kHz, beyond narrowband: {level}");
        // Keys pressed as tones, at 16 kHz.
        let mut player = crate::tone::Player::new(dtmf::tones("7", 100, 100), 16000);
        let mut keypad = vec![0; 3200];
        player.fill(&mut keypad);
        let mut enc = Encoder::new(Kind::G722);
        let mut stream = Stream::new(5, 0, 0);
        let mut keys = Vec::new();
        for chunk in keypad.chunks(320) {
            let mut payload = Vec::new();
            enc.encode(chunk, &mut payload);
            let mut out = Vec::new();
            stream.next(9, false, &payload, 160).write(&mut out);
            ch.receive(&out, &mut keys);
        }
        assert_eq!(keys, ['7']);
    }

    #[test]
    fn the_stream_numbers_go_on() {
        let mut ch = Channel::new(PCMU, 1, 65535, 4294967200);
        let mut out = Vec::new();
        ch.frame(&mut out);
        let a = Packet::parse(&out).unwrap();
        let (seq, ts) = (a.sequence, a.timestamp);
        out.clear();
        ch.frame(&mut out);
        let b = Packet::parse(&out).unwrap();
        assert_eq!(b.sequence, seq.wrapping_add(1));
        assert_eq!(b.timestamp, ts.wrapping_add(160));
    }
}
