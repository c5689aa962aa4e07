//! Branch parameters for requests this side sends. The crate has no random
//! source, so the caller seeds the generator once (from the OS at start-up)
//! and each branch is the magic cookie followed by a bijective mix of the
//! seed and a counter: unique for 2^64 requests, and unguessable to a peer
//! as long as the seed is.

use crate::text::Text;
use crate::via::MAGIC_COOKIE;

/// Hands out RFC 3261 branches.
#[derive(Clone, Debug)]
pub(crate) struct Branches {
    seed: u64,
    counter: u64,
}

impl Branches {
    pub(crate) fn new(seed: u64) -> Branches {
        Branches { seed, counter: 0 }
    }

    pub(crate) fn next_branch(&mut self) -> Text {
        self.counter = self.counter.wrapping_add(1);
        let x = self
            .counter
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(self.seed);
        Text::from(format!("{MAGIC_COOKIE}{:016x}", mix(x)))
    }
}

/// The splitmix64 finalizer: a bijection on u64 that scatters bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn branches_are_cookied_and_distinct() {
        let mut b = Branches::new(42);
        let seen: HashSet<Text> = (0..10_000).map(|_| b.next_branch()).collect();
        assert_eq!(seen.len(), 10_000);
        assert!(seen.iter().all(|s| s.starts_with(MAGIC_COOKIE)));
        let mut other = Branches::new(43);
        assert!(!seen.contains(&other.next_branch()));
    }
}
