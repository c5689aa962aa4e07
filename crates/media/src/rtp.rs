//! RTP packets (RFC 3550): the fixed header read and written, CSRCs,
//! header extensions and padding stepped over. What Switchboard sends has
//! no CSRC, no extension and no padding.

/// The fixed header's length.
pub const HEADER: usize = 12;

/// A received packet's header fields and payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub payload: &'a [u8],
}

/// Why a datagram is not an RTP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    TooShort,
    /// Not version 2.
    Version,
    /// CSRCs, extension or padding run past the end.
    Length,
}

impl<'a> Packet<'a> {
    pub fn parse(datagram: &'a [u8]) -> Result<Packet<'a>, Error> {
        if datagram.len() < HEADER {
            return Err(Error::TooShort);
        }
        if datagram[0] >> 6 != 2 {
            return Err(Error::Version);
        }
        let padding = datagram[0] & 0x20 != 0;
        let extension = datagram[0] & 0x10 != 0;
        let csrcs = usize::from(datagram[0] & 0x0F);
        let mut start = HEADER + 4 * csrcs;
        if extension {
            let words = datagram.get(start + 2..start + 4).ok_or(Error::Length)?;
            start += 4 + 4 * usize::from(u16::from_be_bytes([words[0], words[1]]));
        }
        let mut end = datagram.len();
        if padding {
            let pad = usize::from(*datagram.last().ok_or(Error::Length)?);
            end = end.checked_sub(pad).ok_or(Error::Length)?;
        }
        if start > end {
            return Err(Error::Length);
        }
        Ok(Packet {
            marker: datagram[1] & 0x80 != 0,
            payload_type: datagram[1] & 0x7F,
            sequence: u16::from_be_bytes([datagram[2], datagram[3]]),
            timestamp: u32::from_be_bytes([datagram[4], datagram[5], datagram[6], datagram[7]]),
            ssrc: u32::from_be_bytes([datagram[8], datagram[9], datagram[10], datagram[11]]),
            payload: &datagram[start..end],
        })
    }

    /// Appends the packet as it goes on the wire (no CSRC, extension or
    /// padding).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(0x80);
        out.push(u8::from(self.marker) << 7 | (self.payload_type & 0x7F));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.extend_from_slice(self.payload);
    }
}

/// Whether a datagram on a multiplexed port is RTCP rather than RTP
/// (RFC 5761 §4: payload types 64–95 with the marker are RTCP's range).
pub fn is_rtcp(datagram: &[u8]) -> bool {
    datagram.len() >= 2 && (192..=223).contains(&datagram[1])
}

/// The numbering of what one source sends: sequence numbers and
/// timestamps that go on from a random start.
#[derive(Clone, Debug)]
pub struct Stream {
    pub ssrc: u32,
    pub sequence: u16,
    pub timestamp: u32,
}

impl Stream {
    /// A stream starting at the given (random) values.
    pub fn new(ssrc: u32, sequence: u16, timestamp: u32) -> Stream {
        Stream {
            ssrc,
            sequence,
            timestamp,
        }
    }

    /// The header of the next packet; the timestamp then moves on by
    /// `ticks` (samples at the payload's clock rate).
    pub fn next<'a>(
        &mut self,
        payload_type: u8,
        marker: bool,
        payload: &'a [u8],
        ticks: u32,
    ) -> Packet<'a> {
        let packet = Packet {
            marker,
            payload_type,
            sequence: self.sequence,
            timestamp: self.timestamp,
            ssrc: self.ssrc,
            payload,
        };
        self.sequence = self.sequence.wrapping_add(1);
        self.timestamp = self.timestamp.wrapping_add(ticks);
        packet
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn csrcs_extension_and_padding_are_stepped_over() {
        let mut d = vec![0xB1, 0x80 | 8, 0, 7, 0, 0, 1, 0, 0xDE, 0xAD, 0xBE, 0xEF];
        d.extend_from_slice(&[1, 2, 3, 4]); // one CSRC
        d.extend_from_slice(&[0xBE, 0xDE, 0, 1, 9, 9, 9, 9]); // a one-word extension
        d.extend_from_slice(b"audio");
        d.extend_from_slice(&[0, 0, 3]); // three octets of padding
        let p = Packet::parse(&d).unwrap();
        assert_eq!(p.payload, b"audio");
        assert!(p.marker);
        assert_eq!(
            (p.payload_type, p.sequence, p.timestamp, p.ssrc),
            (8, 7, 256, 0xDEADBEEF)
        );
    }

    #[test]
    fn broken_packets_are_refused() {
        assert_eq!(Packet::parse(&[0x80; 11]), Err(Error::TooShort));
        assert_eq!(Packet::parse(&[0x40; 12]), Err(Error::Version));
        let mut d = vec![0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(Packet::parse(&d), Err(Error::Length), "15 CSRCs promised");
        d[0] = 0xA0;
        d.push(200);
        assert_eq!(
            Packet::parse(&d),
            Err(Error::Length),
            "more padding than packet"
        );
    }

    #[test]
    fn rtcp_is_told_from_rtp() {
        assert!(is_rtcp(&[0x80, 200, 0, 6]));
        assert!(!is_rtcp(&[0x80, 0, 0, 6]));
        assert!(!is_rtcp(&[0x80, 0x80 | 101, 0, 6]));
    }

    proptest! {
        #[test]
        fn written_packets_read_back(marker: bool, pt in 0u8..128, seq: u16, ts: u32, ssrc: u32,
                                     payload in proptest::collection::vec(any::<u8>(), 0..300)) {
            let p = Packet { marker, payload_type: pt, sequence: seq, timestamp: ts, ssrc, payload: &payload };
            let mut out = Vec::new();
            p.write(&mut out);
            prop_assert_eq!(Packet::parse(&out).unwrap(), p);
        }

        #[test]
        fn any_datagram_parses_or_is_refused(d in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(p) = Packet::parse(&d) {
                prop_assert!(p.payload.len() <= d.len() - HEADER);
            }
        }
    }
}
