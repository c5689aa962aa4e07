//! What came back, per stream: packets received once, duplicated, or out
//! of order (a lower sequence number than one already received), and each
//! packet's transit time. A stream's added jitter at a packet is that
//! packet's transit minus the smallest transit of the stream: the delay
//! the path added beyond its best case.

/// Totals over all streams.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    pub sent: u64,
    pub received: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub reordered: u64,
    /// Added jitter in ns: median, 99th percentile, largest.
    pub jitter_ns: [u64; 3],
}

pub struct Tally {
    streams: Vec<Stream>,
}

#[derive(Default)]
struct Stream {
    sent: u32,
    /// Bit `seq` is set once packet `seq` has been received.
    seen: Vec<u64>,
    highest: Option<u32>,
    received: u32,
    duplicates: u32,
    reordered: u32,
    /// Transit of each packet received once, in ns.
    transits: Vec<u64>,
}

impl Tally {
    /// Room for `streams` streams of about `packets` packets each.
    pub fn new(streams: usize, packets: usize) -> Tally {
        Tally {
            streams: (0..streams)
                .map(|_| Stream {
                    seen: vec![0; packets.div_ceil(64)],
                    transits: Vec::with_capacity(packets),
                    ..Stream::default()
                })
                .collect(),
        }
    }

    /// Counts one more packet of `stream` as sent.
    pub fn sent(&mut self, stream: usize) {
        self.streams[stream].sent += 1;
    }

    /// Records packet `seq` of `stream` back after `transit_ns`; false
    /// when no such packet was sent.
    pub fn received(&mut self, stream: u32, seq: u32, transit_ns: u64) -> bool {
        let Some(s) = self.streams.get_mut(stream as usize) else {
            return false;
        };
        if seq >= s.sent {
            return false;
        }
        let (word, bit) = (seq as usize / 64, 1u64 << (seq % 64));
        if word >= s.seen.len() {
            s.seen.resize(word + 1, 0);
        }
        if s.seen[word] & bit != 0 {
            s.duplicates += 1;
            return true;
        }
        s.seen[word] |= bit;
        s.received += 1;
        match s.highest {
            Some(h) if seq < h => s.reordered += 1,
            _ => s.highest = Some(seq),
        }
        s.transits.push(transit_ns);
        true
    }

    pub fn summary(&self) -> Summary {
        let mut jitter: Vec<u64> = Vec::new();
        for s in &self.streams {
            let best = s.transits.iter().copied().min().unwrap_or(0);
            jitter.extend(s.transits.iter().map(|t| t - best));
        }
        jitter.sort_unstable();
        let rank = |q: usize| match jitter.len() {
            0 => 0,
            n => jitter[(n * q).div_ceil(100).max(1) - 1],
        };
        let sum = |f: fn(&Stream) -> u32| self.streams.iter().map(|s| f(s) as u64).sum::<u64>();
        let (sent, received) = (sum(|s| s.sent), sum(|s| s.received));
        Summary {
            sent,
            received,
            lost: sent - received,
            duplicates: sum(|s| s.duplicates),
            reordered: sum(|s| s.reordered),
            jitter_ns: [rank(50), rank(99), rank(100)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_loss_duplicates_order_and_jitter() {
        let mut t = Tally::new(2, 4);
        for _ in 0..4 {
            t.sent(0);
            t.sent(1);
        }
        // Stream 0: 0, 2, 1 (late), 2 again; 3 lost. Transits 1.0, 1.5, 3.0 ms.
        assert!(t.received(0, 0, 1_000_000));
        assert!(t.received(0, 2, 1_500_000));
        assert!(t.received(0, 1, 3_000_000));
        assert!(t.received(0, 2, 9_000_000));
        // Stream 1: all four, each 10 ms plus 0, 0, 0.2, 0 ms.
        for (seq, extra) in [0, 0, 200_000, 0].into_iter().enumerate() {
            assert!(t.received(1, seq as u32, 10_000_000 + extra));
        }
        assert!(!t.received(0, 4, 0), "never sent");
        assert!(!t.received(2, 0, 0), "no such stream");
        assert_eq!(
            t.summary(),
            Summary {
                sent: 8,
                received: 7,
                lost: 1,
                duplicates: 1,
                reordered: 1,
                // Jitter, sorted: 0, 0, 0, 0, 0.2, 0.5, 2.0 ms.
                jitter_ns: [0, 2_000_000, 2_000_000],
            }
        );
    }
}
