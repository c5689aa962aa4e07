//! Hearing the keys one phone presses, however it sends them: RFC 4733
//! events when it took telephone-event, tones in its audio otherwise (both
//! are listened to: some phones send tones although they offered events).
//! Used for the legs Switchboard answers and for star codes dialled during
//! a call between phones.

use crate::codec::{Decoder, Leg};
use crate::dtmf::Detector;
use crate::rtp::{self, Packet};
use crate::telephone_event::Receiver;
use crate::Digit;

#[derive(Debug)]
pub struct Keys {
    leg: Leg,
    events: Receiver,
    decoder: Decoder,
    detector: Detector,
    samples: Vec<i16>,
}

/// What a packet was, once listened to.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard<'a> {
    /// Audio in the leg's codec: its payload.
    Audio(&'a [u8]),
    /// An event, or something that is not the leg's audio.
    Other,
}

impl Keys {
    pub fn new(leg: Leg) -> Keys {
        Keys {
            leg,
            events: Receiver::default(),
            decoder: Decoder::new(leg.codec),
            detector: Detector::new(leg.codec.rate()),
            samples: Vec::with_capacity(leg.codec.frame() * 2),
        }
    }

    /// A datagram from the phone; keys whose press began in it go to
    /// `keys`.
    pub fn packet<'a>(&mut self, datagram: &'a [u8], keys: &mut Vec<Digit>) -> Heard<'a> {
        let Ok(packet) = Packet::parse(datagram) else {
            return Heard::Other;
        };
        if rtp::is_rtcp(datagram) {
            return Heard::Other;
        }
        if Some(packet.payload_type) == self.leg.events {
            keys.extend(self.events.receive(packet.timestamp, packet.payload));
            return Heard::Other;
        }
        if packet.payload_type != self.leg.payload_type {
            return Heard::Other;
        }
        self.samples.clear();
        self.decoder.decode(packet.payload, &mut self.samples);
        self.detector.push(&self.samples, keys);
        Heard::Audio(packet.payload)
    }
}
