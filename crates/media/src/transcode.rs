//! One direction of a call whose phones share no codec: each packet from
//! one phone is decoded, converted to the other's sample rate, encoded in
//! the other's codec and sent as a stream of Switchboard's own (sequence
//! numbers, timestamps, SSRC). 20 ms frames go out whatever the packet
//! size that came in. Key presses pass on as events when both phones took
//! telephone-event, and become tones in the audio when the far one did
//! not.

use crate::codec::{Decoder, Encoder, Leg};
use crate::dtmf;
use crate::resample::Stream;
use crate::rtp::{self, Packet};
use crate::telephone_event::Receiver;
use crate::tone::Player;

#[derive(Debug)]
pub struct Transcoder {
    from: Leg,
    to: Leg,
    decoder: Decoder,
    resampler: Stream,
    encoder: Encoder,
    stream: rtp::Stream,
    decoded: Vec<i16>,
    /// Converted samples waiting for a whole frame.
    pending: Vec<i16>,
    payload: Vec<u8>,
    out: Vec<u8>,
    /// Events in: the press being passed on (its timestamp in, and the
    /// one it goes out with).
    press: Option<(u32, u32)>,
    keys: Receiver,
    /// A key being played as tones to a phone without events.
    tones: Option<Player>,
}

impl Transcoder {
    /// From `from`'s packets to `to`'s, numbered from the given (random)
    /// SSRC, sequence number and timestamp.
    pub fn new(from: Leg, to: Leg, ssrc: u32, sequence: u16, timestamp: u32) -> Transcoder {
        Transcoder {
            from,
            to,
            decoder: Decoder::new(from.codec),
            resampler: Stream::new(from.codec.rate(), to.codec.rate()),
            encoder: Encoder::new(to.codec),
            stream: rtp::Stream::new(ssrc, sequence, timestamp),
            decoded: Vec::with_capacity(2048),
            pending: Vec::with_capacity(4096),
            payload: Vec::with_capacity(1500),
            out: Vec::with_capacity(1500),
            press: None,
            keys: Receiver::default(),
            tones: None,
        }
    }

    /// A datagram from the `from` phone; each packet for the other goes
    /// to `send`.
    pub fn packet(&mut self, datagram: &[u8], send: &mut impl FnMut(&[u8])) {
        let Ok(packet) = Packet::parse(datagram) else {
            return;
        };
        if Some(packet.payload_type) == self.from.events {
            return self.event(&packet, send);
        }
        if packet.payload_type != self.from.payload_type {
            return;
        }
        self.decoded.clear();
        self.decoder.decode(packet.payload, &mut self.decoded);
        self.resampler.push(&self.decoded, &mut self.pending);
        let frame = self.to.codec.frame();
        let mut at = 0;
        while self.pending.len() - at >= frame {
            let samples = &mut self.pending[at..at + frame];
            if let Some(player) = &mut self.tones {
                if player.fill(samples) < frame {
                    self.tones = None;
                }
            }
            self.payload.clear();
            self.encoder.encode(samples, &mut self.payload);
            self.out.clear();
            self.stream
                .next(
                    self.to.payload_type,
                    false,
                    &self.payload,
                    self.to.codec.ticks(),
                )
                .write(&mut self.out);
            send(&self.out);
            at += frame;
        }
        self.pending.drain(..at);
    }

    fn event(&mut self, packet: &Packet, send: &mut impl FnMut(&[u8])) {
        let Some(events) = self.to.events else {
            if let Some(key) = self.keys.receive(packet.timestamp, packet.payload) {
                self.tones = Some(Player::new(
                    dtmf::tones(&key.to_string(), 100, 0),
                    self.to.codec.rate(),
                ));
            }
            return;
        };
        // The press keeps one timestamp out, as it had one in; the stream's
        // own clock goes on with the audio.
        let timestamp = match self.press {
            Some((tin, tout)) if tin == packet.timestamp => tout,
            _ => {
                let tout = self.stream.timestamp;
                self.press = Some((packet.timestamp, tout));
                tout
            }
        };
        self.out.clear();
        let mut p = self.stream.next(events, packet.marker, packet.payload, 0);
        p.timestamp = timestamp;
        p.write(&mut self.out);
        send(&self.out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Kind;
    use crate::dtmf::Detector;
    use crate::goertzel::Goertzel;
    use crate::telephone_event::Sender;

    fn leg(codec: Kind, payload_type: u8, events: Option<u8>) -> Leg {
        Leg {
            codec,
            payload_type,
            events,
        }
    }

    /// A phone sending `f` Hz for `seconds` in `codec`, 20 ms a packet.
    fn phone(codec: Kind, pt: u8, f: f32, seconds: f32) -> Vec<Vec<u8>> {
        let rate = codec.rate();
        let n = (rate as f32 * seconds) as usize;
        let samples: Vec<i16> = (0..n)
            .map(|i| (6000.0 * (std::f32::consts::TAU * f * i as f32 / rate as f32).sin()) as i16)
            .collect();
        let mut enc = Encoder::new(codec);
        let mut stream = rtp::Stream::new(1, 1, 1);
        samples
            .chunks(codec.frame())
            .map(|frame| {
                let mut payload = Vec::new();
                enc.encode(frame, &mut payload);
                let mut out = Vec::new();
                stream
                    .next(pt, false, &payload, codec.ticks())
                    .write(&mut out);
                out
            })
            .collect()
    }

    fn hear(codec: Kind, packets: &[Vec<u8>], pt: u8) -> Vec<i16> {
        let mut dec = Decoder::new(codec);
        let mut out = Vec::new();
        for p in packets {
            let p = Packet::parse(p).unwrap();
            assert_eq!(p.payload_type, pt);
            dec.decode(p.payload, &mut out);
        }
        out
    }

    #[test]
    fn each_pair_of_codecs_carries_a_tone_both_ways() {
        let codecs = [
            (Kind::Pcmu, 0),
            (Kind::Pcma, 8),
            (Kind::G722, 9),
            (Kind::Opus, 111),
        ];
        for (a, pa) in codecs {
            for (b, pb) in codecs {
                if a == b {
                    continue;
                }
                let mut t = Transcoder::new(leg(a, pa, None), leg(b, pb, None), 7, 100, 1000);
                let mut sent = Vec::new();
                for p in phone(a, pa, 700.0, 1.0) {
                    t.packet(&p, &mut |out: &[u8]| sent.push(out.to_vec()));
                }
                assert!(sent.len() >= 48, "{a:?} → {b:?}: {} packets", sent.len());
                let heard = hear(b, &sent, pb);
                let tail: Vec<f32> = heard[heard.len() / 2..]
                    .iter()
                    .map(|&s| f32::from(s))
                    .collect();
                let at = Goertzel::new(700.0, b.rate()).amplitude(&tail);
                assert!(at > 4000.0, "{a:?} → {b:?}: 700 Hz at {at}");
                let first = Packet::parse(&sent[0]).unwrap();
                let second = Packet::parse(&sent[1]).unwrap();
                assert_eq!((first.ssrc, first.sequence), (7, 100));
                assert_eq!(second.timestamp, first.timestamp + b.ticks());
            }
        }
    }

    fn press(key: char, pt: u8) -> Vec<Vec<u8>> {
        let mut s = Sender::new(800, 800);
        s.push(key);
        let mut stream = rtp::Stream::new(3, 0, 5000);
        let mut packets = Vec::new();
        while s.busy() {
            let ts = stream.timestamp;
            match s.frame(ts, 160) {
                Some(e) => {
                    let mut p = stream.next(pt, e.marker, &e.payload, 160);
                    p.timestamp = e.timestamp;
                    let mut out = Vec::new();
                    p.write(&mut out);
                    packets.push(out);
                }
                None => {
                    stream.next(pt, false, &[], 160);
                }
            }
        }
        packets
    }

    #[test]
    fn events_pass_as_events_with_one_timestamp_per_press() {
        let mut t = Transcoder::new(
            leg(Kind::Pcmu, 0, Some(101)),
            leg(Kind::Opus, 111, Some(96)),
            7,
            0,
            0,
        );
        let mut sent = Vec::new();
        for p in press('9', 101) {
            t.packet(&p, &mut |out: &[u8]| sent.push(out.to_vec()));
        }
        let packets: Vec<_> = sent.iter().map(|p| Packet::parse(p).unwrap()).collect();
        assert_eq!(packets.len(), 7);
        assert!(packets
            .iter()
            .all(|p| p.payload_type == 96 && p.timestamp == packets[0].timestamp));
        assert!(packets[0].marker);
        let mut r = Receiver::default();
        let keys: Vec<char> = packets
            .iter()
            .filter_map(|p| r.receive(p.timestamp, p.payload))
            .collect();
        assert_eq!(keys, ['9']);
    }

    #[test]
    fn events_become_tones_for_a_phone_without_them() {
        let mut t = Transcoder::new(
            leg(Kind::Pcmu, 0, Some(101)),
            leg(Kind::Pcma, 8, None),
            7,
            0,
            0,
        );
        let mut sent = Vec::new();
        for p in press('6', 101) {
            t.packet(&p, &mut |out: &[u8]| sent.push(out.to_vec()));
        }
        assert!(sent.is_empty(), "no audio yet: nothing to carry the tones");
        for p in phone(Kind::Pcmu, 0, 0.0, 0.4) {
            t.packet(&p, &mut |out: &[u8]| sent.push(out.to_vec()));
        }
        let heard = hear(Kind::Pcma, &sent, 8);
        let mut d = Detector::new(8000);
        let mut keys = Vec::new();
        d.push(&heard, &mut keys);
        assert_eq!(keys, ['6']);
    }
}
