//! DTMF as RTP events (RFC 4733, `telephone-event`): four octets per
//! packet, the key, an end flag, the volume and the duration so far. One
//! key press is many packets sharing the timestamp of its start; the last
//! (with the end flag) is sent three times, since it may be lost.

use crate::Digit;
use std::collections::VecDeque;

/// The key an event code stands for (codes 0–15; 16, flash, and the
/// rest are no key).
pub fn digit_of(code: u8) -> Option<Digit> {
    b"0123456789*#ABCD"
        .get(usize::from(code))
        .map(|&c| c as char)
}

/// The event code of a key.
pub fn code_of(digit: Digit) -> Option<u8> {
    let at = b"0123456789*#ABCD"
        .iter()
        .position(|&c| c as char == digit.to_ascii_uppercase())?;
    Some(at as u8)
}

/// Turns received event packets into key presses: one per event, however
/// many packets carried it.
#[derive(Clone, Debug, Default)]
pub struct Receiver {
    /// The timestamp and code of the event last reported.
    last: Option<(u32, u8)>,
}

impl Receiver {
    /// An event packet's payload and RTP timestamp; the key when this
    /// packet starts a new press.
    pub fn receive(&mut self, timestamp: u32, payload: &[u8]) -> Option<Digit> {
        let &[code, ..] = payload else {
            return None;
        };
        if payload.len() < 4 || self.last == Some((timestamp, code)) {
            return None;
        }
        self.last = Some((timestamp, code));
        digit_of(code)
    }
}

/// An event packet to send in place of a frame of audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventPacket {
    pub payload: [u8; 4],
    /// Set on the first packet of a press.
    pub marker: bool,
    /// The timestamp the press started at (the same for all its packets).
    pub timestamp: u32,
}

/// Sends queued keys as events, one 20 ms frame at a time: each key held
/// `press` ticks, its end sent three times, then `gap` ticks of audio
/// before the next key.
#[derive(Clone, Debug)]
pub struct Sender {
    queue: VecDeque<u8>,
    current: Option<Press>,
    /// Ticks of audio still owed before the next key.
    quiet: u32,
    press: u32,
    gap: u32,
}

#[derive(Clone, Debug)]
struct Press {
    code: u8,
    timestamp: u32,
    duration: u32,
    ends_sent: u8,
}

/// The volume sent with every event: -10 dBm0, as a phone keypad sends.
const VOLUME: u8 = 10;

impl Sender {
    /// Presses of `press` ticks with `gap` ticks between (800 and 800 at
    /// 8 kHz: 100 ms each).
    pub fn new(press: u32, gap: u32) -> Sender {
        Sender {
            queue: VecDeque::new(),
            current: None,
            quiet: 0,
            press,
            gap,
        }
    }

    /// Queues a key; false for a character that is no key.
    pub fn push(&mut self, digit: Digit) -> bool {
        match code_of(digit) {
            Some(code) => {
                self.queue.push_back(code);
                true
            }
            None => false,
        }
    }

    /// Whether keys are waiting or being sent.
    pub fn busy(&self) -> bool {
        self.current.is_some() || !self.queue.is_empty()
    }

    /// The next frame: an event packet to send instead of audio, or none
    /// (send audio). `timestamp` is the RTP timestamp this frame would
    /// have; `ticks` its length.
    pub fn frame(&mut self, timestamp: u32, ticks: u32) -> Option<EventPacket> {
        if self.current.is_none() {
            if self.quiet > 0 {
                self.quiet = self.quiet.saturating_sub(ticks);
                return None;
            }
            let code = self.queue.pop_front()?;
            self.current = Some(Press {
                code,
                timestamp,
                duration: 0,
                ends_sent: 0,
            });
        }
        let p = self.current.as_mut()?;
        let marker = p.duration == 0;
        let ending = p.duration + ticks >= self.press;
        if ending {
            p.duration = self.press;
            p.ends_sent += 1;
        } else {
            p.duration += ticks;
        }
        let payload = encode(p.code, ending, p.duration);
        let packet = EventPacket {
            payload,
            marker,
            timestamp: p.timestamp,
        };
        if p.ends_sent == 3 {
            self.current = None;
            self.quiet = self.gap;
        }
        Some(packet)
    }
}

fn encode(code: u8, end: bool, duration: u32) -> [u8; 4] {
    let d = duration.min(u32::from(u16::MAX)) as u16;
    let [hi, lo] = d.to_be_bytes();
    [code, u8::from(end) << 7 | VOLUME, hi, lo]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_codes() {
        assert_eq!(digit_of(0), Some('0'));
        assert_eq!(digit_of(10), Some('*'));
        assert_eq!(digit_of(11), Some('#'));
        assert_eq!(digit_of(15), Some('D'));
        assert_eq!(digit_of(16), None, "flash is no key");
        for c in "0123456789*#ABCD".chars() {
            assert_eq!(digit_of(code_of(c).unwrap()), Some(c));
        }
        assert_eq!(code_of('x'), None);
    }

    #[test]
    fn a_press_is_reported_once_however_many_packets_carry_it() {
        let mut r = Receiver::default();
        assert_eq!(r.receive(1000, &[5, 10, 0, 160]), Some('5'));
        assert_eq!(r.receive(1000, &[5, 10, 1, 64]), None);
        assert_eq!(r.receive(1000, &[5, 0x80 | 10, 3, 32]), None);
        assert_eq!(r.receive(1000, &[5, 0x80 | 10, 3, 32]), None);
        assert_eq!(
            r.receive(5000, &[5, 10, 0, 160]),
            Some('5'),
            "the same key again"
        );
        assert_eq!(r.receive(5000, &[11, 10, 0, 160]), Some('#'));
        assert_eq!(r.receive(6000, &[5, 10]), None, "too short");
    }

    #[test]
    fn sent_presses_are_received_as_sent() {
        let mut s = Sender::new(800, 800);
        for c in "1#9".chars() {
            assert!(s.push(c));
        }
        assert!(!s.push('x'));
        let mut r = Receiver::default();
        let mut heard = String::new();
        let (mut ts, mut events, mut ends) = (0u32, 0, 0);
        while s.busy() {
            if let Some(p) = s.frame(ts, 160) {
                events += 1;
                if p.payload[1] & 0x80 != 0 {
                    ends += 1;
                    assert_eq!(u16::from_be_bytes([p.payload[2], p.payload[3]]), 800);
                }
                heard.extend(r.receive(p.timestamp, &p.payload));
            }
            ts += 160;
        }
        assert_eq!(heard, "1#9");
        assert_eq!(ends, 9, "each end three times");
        assert_eq!(events, 3 * (4 + 3));
    }

    #[test]
    fn a_press_keeps_its_start_timestamp_and_marks_only_its_first_packet() {
        let mut s = Sender::new(480, 160);
        s.push('7');
        let first = s.frame(8000, 160).unwrap();
        assert!(first.marker);
        let second = s.frame(8160, 160).unwrap();
        assert!(!second.marker);
        assert_eq!(second.timestamp, 8000);
        assert_eq!(
            u16::from_be_bytes([second.payload[2], second.payload[3]]),
            320
        );
    }
}
