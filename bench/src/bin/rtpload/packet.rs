//! The packets the generator sends: G.711 µ-law RTP, 20 ms a packet (a
//! 12-byte header and 160 octets of payload, PT 0). The payload starts
//! with what the receiving end needs to account for the packet: which
//! stream it belongs to, its sequence number in that stream, and when it
//! was sent; the rest is µ-law silence.

/// Octets in a packet: the RTP header and 20 ms of G.711.
pub const LEN: usize = 12 + 160;
/// Samples in 20 ms at 8 kHz: the RTP timestamp step.
const SAMPLES: u32 = 160;
/// Marks our payloads, so a stray packet is not mistaken for one.
const MAGIC: &[u8; 4] = b"SBld";
/// µ-law silence.
const SILENCE: u8 = 0xff;

/// What a packet of ours says about itself.
#[derive(Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Index of the stream: call × 2, plus 1 for the callee's direction.
    pub stream: u32,
    /// The packet's number in its stream, from 0.
    pub seq: u32,
    /// When it was sent, in ns since the Unix epoch (the clock the
    /// kernel's receive timestamps use).
    pub sent_ns: u64,
}

/// A packet template, rewritten in place for every packet it sends.
pub fn template() -> [u8; LEN] {
    let mut p = [SILENCE; LEN];
    p[0] = 0x80; // version 2, no padding, no extension, no CSRC
    p[1] = 0; // no marker, PT 0 (PCMU)
    p
}

/// Fills `p` (from [`template`]) with the header and stamp of a packet.
pub fn write(p: &mut [u8; LEN], stamp: &Stamp) {
    p[2..4].copy_from_slice(&(stamp.seq as u16).to_be_bytes());
    p[4..8].copy_from_slice(&stamp.seq.wrapping_mul(SAMPLES).to_be_bytes());
    // Any SSRC will do as long as each stream has its own.
    p[8..12].copy_from_slice(&(0x5b00_0000 ^ stamp.stream).to_be_bytes());
    p[12..16].copy_from_slice(MAGIC);
    p[16..20].copy_from_slice(&stamp.stream.to_be_bytes());
    p[20..24].copy_from_slice(&stamp.seq.to_be_bytes());
    p[24..32].copy_from_slice(&stamp.sent_ns.to_be_bytes());
}

/// The stamp of a packet of ours; None for anything else.
pub fn read(p: &[u8]) -> Option<Stamp> {
    if p.len() != LEN || p[12..16] != MAGIC[..] {
        return None;
    }
    let u32_at = |i: usize| u32::from_be_bytes(p[i..i + 4].try_into().expect("4 octets"));
    Some(Stamp {
        stream: u32_at(16),
        seq: u32_at(20),
        sent_ns: u64::from_be_bytes(p[24..32].try_into().expect("8 octets")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_packet_reads_back() {
        let mut p = template();
        let stamp = Stamp {
            stream: 3999,
            seq: 70_000,
            sent_ns: 1_795_585_133_326_433_000,
        };
        write(&mut p, &stamp);
        assert_eq!(read(&p), Some(stamp));
        assert_eq!(p[1], 0, "PT 0");
        assert_eq!(&p[2..4], &(70_000u32 as u16).to_be_bytes());
        assert_eq!(read(&p[..100]), None);
    }
}
