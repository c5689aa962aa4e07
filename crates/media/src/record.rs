//! Recording a call: each phone's packets decoded, brought to the
//! recording's rate (16 kHz when either side is wideband, else 8 kHz) and
//! laid side by side as stereo, the caller on the left, the callee on the
//! right. The two sides arrive on their own; samples are paired as both
//! have them, and a side that sends nothing (on hold, or muted without
//! comfort noise) is filled with silence once the other is `MAX_LAG`
//! ahead, so the channels stay in step without a clock.

use crate::codec::{Decoder, Kind, Leg};
use crate::resample::Stream;
use crate::rtp::{self, Packet};
use std::collections::VecDeque;

/// How far one side may run ahead before the other is taken for silent.
const MAX_LAG_MS: usize = 200;
/// Comfort noise (RFC 3389): not audio to decode.
const COMFORT_NOISE: u8 = 13;

#[derive(Debug)]
pub struct Recorder {
    legs: [Leg; 2],
    decoders: [Decoder; 2],
    resamplers: [Stream; 2],
    waiting: [VecDeque<i16>; 2],
    rate: u32,
    paused: bool,
    decoded: Vec<i16>,
    converted: Vec<i16>,
}

impl Recorder {
    pub fn new(caller: Leg, callee: Leg) -> Recorder {
        let wide = |k: Kind| k.rate() > 8000;
        let rate = if wide(caller.codec) || wide(callee.codec) {
            16000
        } else {
            8000
        };
        Recorder {
            decoders: [Decoder::new(caller.codec), Decoder::new(callee.codec)],
            resamplers: [
                Stream::new(caller.codec.rate(), rate),
                Stream::new(callee.codec.rate(), rate),
            ],
            legs: [caller, callee],
            waiting: [VecDeque::new(), VecDeque::new()],
            rate,
            paused: false,
            decoded: Vec::new(),
            converted: Vec::new(),
        }
    }

    /// Samples a second of each channel.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Paused, what comes is not kept (and does not count as lag).
    pub fn pause(&mut self, paused: bool) {
        self.paused = paused;
        if paused {
            self.waiting.iter_mut().for_each(VecDeque::clear);
        }
    }

    /// A packet from side `side` (0 the caller, 1 the callee); stereo
    /// samples now complete are appended to `out` (left, right, left …).
    pub fn packet(&mut self, side: usize, datagram: &[u8], out: &mut Vec<i16>) {
        if self.paused || rtp::is_rtcp(datagram) {
            return;
        }
        let Ok(packet) = Packet::parse(datagram) else {
            return;
        };
        let leg = &self.legs[side];
        if Some(packet.payload_type) == leg.events || packet.payload_type == COMFORT_NOISE {
            return;
        }
        self.decoded.clear();
        self.decoders[side].decode(packet.payload, &mut self.decoded);
        self.converted.clear();
        self.resamplers[side].push(&self.decoded, &mut self.converted);
        self.waiting[side].extend(&self.converted);
        self.pair(out);
    }

    /// What is left, the shorter side filled with silence.
    pub fn finish(&mut self, out: &mut Vec<i16>) {
        let longest = self.waiting.iter().map(VecDeque::len).max().unwrap_or(0);
        for w in &mut self.waiting {
            w.resize(longest, 0);
        }
        self.pair(out);
    }

    fn pair(&mut self, out: &mut Vec<i16>) {
        let lag = MAX_LAG_MS * self.rate as usize / 1000;
        let [a, b] = &mut self.waiting;
        // A side this far behind is silent, not late.
        if a.len() > lag + b.len() {
            b.resize(a.len() - lag, 0);
        } else if b.len() > lag + a.len() {
            a.resize(b.len() - lag, 0);
        }
        let n = a.len().min(b.len());
        out.reserve(2 * n);
        for (l, r) in a.drain(..n).zip(b.drain(..n)) {
            out.push(l);
            out.push(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Encoder;
    use crate::goertzel::Goertzel;

    fn packets(kind: Kind, pt: u8, f: f32, frames: usize) -> Vec<Vec<u8>> {
        let rate = kind.rate();
        let mut enc = Encoder::new(kind);
        let mut stream = rtp::Stream::new(1, 1, 1);
        (0..frames)
            .map(|n| {
                let frame: Vec<i16> = (0..kind.frame())
                    .map(|i| {
                        let t = (n * kind.frame() + i) as f32 / rate as f32;
                        (6000.0 * (std::f32::consts::TAU * f * t).sin()) as i16
                    })
                    .collect();
                let mut payload = Vec::new();
                enc.encode(&frame, &mut payload);
                let mut out = Vec::new();
                stream
                    .next(pt, false, &payload, kind.ticks())
                    .write(&mut out);
                out
            })
            .collect()
    }

    fn channel(stereo: &[i16], which: usize) -> Vec<f32> {
        stereo
            .iter()
            .skip(which)
            .step_by(2)
            .map(|&s| f32::from(s))
            .collect()
    }

    #[test]
    fn each_side_has_its_channel_at_16_khz_when_one_is_wideband() {
        let caller = Leg {
            codec: Kind::G722,
            payload_type: 9,
            events: Some(101),
        };
        let callee = Leg {
            codec: Kind::Pcmu,
            payload_type: 0,
            events: None,
        };
        let mut r = Recorder::new(caller, callee);
        assert_eq!(r.rate(), 16000);
        let mut out = Vec::new();
        for (a, b) in packets(Kind::G722, 9, 440.0, 50)
            .iter()
            .zip(packets(Kind::Pcmu, 0, 1000.0, 50).iter())
        {
            r.packet(0, a, &mut out);
            r.packet(1, b, &mut out);
        }
        r.finish(&mut out);
        assert!(out.len() >= 2 * 15000, "a second of stereo: {}", out.len());
        let (left, right) = (channel(&out, 0), channel(&out, 1));
        let at = |x: &[f32], f: f32| Goertzel::new(f, 16000).amplitude(&x[4000..12000]);
        assert!(
            at(&left, 440.0) > 4000.0 && at(&left, 1000.0) < 400.0,
            "left is the caller"
        );
        assert!(
            at(&right, 1000.0) > 4000.0 && at(&right, 440.0) < 400.0,
            "right is the callee"
        );
    }

    #[test]
    fn a_silent_side_becomes_silence_and_a_pause_keeps_nothing() {
        let leg = Leg {
            codec: Kind::Pcma,
            payload_type: 8,
            events: None,
        };
        let mut r = Recorder::new(leg, leg);
        assert_eq!(r.rate(), 8000);
        let mut out = Vec::new();
        for p in packets(Kind::Pcma, 8, 500.0, 50) {
            r.packet(0, &p, &mut out);
        }
        // A second from one side only: all but the last 200 ms is out.
        assert_eq!(out.len(), 2 * (8000 - 1600));
        assert!(channel(&out, 1).iter().all(|&s| s == 0.0));
        r.pause(true);
        let before = out.len();
        for p in packets(Kind::Pcma, 8, 500.0, 10) {
            r.packet(1, &p, &mut out);
        }
        r.finish(&mut out);
        assert_eq!(out.len(), before, "nothing kept while paused");
    }
}
