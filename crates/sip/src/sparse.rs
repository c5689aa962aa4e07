//! Tables that give memory back after a peak. A `HashMap` keeps the
//! capacity of its largest moment: after a burst of calls, the
//! transactions and calls tables would hold room for thousands of entries
//! (each stored inline) for as long as the process runs.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// Shrinks `map` when at most a quarter of its room is used, keeping room
/// for twice what it holds; small tables are left alone.
pub fn shrink_map<K: Eq + Hash, V>(map: &mut HashMap<K, V>) {
    if map.capacity() > 64 && map.len() < map.capacity() / 4 {
        map.shrink_to(map.len() * 2);
    }
}

/// The same for a queue.
pub fn shrink_queue<T>(queue: &mut VecDeque<T>) {
    if queue.capacity() > 64 && queue.len() < queue.capacity() / 4 {
        queue.shrink_to(queue.len() * 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_emptied_after_a_peak_shrinks_and_a_busy_one_does_not() {
        let mut map: HashMap<u32, [u8; 256]> = (0..10_000).map(|i| (i, [0; 256])).collect();
        let peak = map.capacity();
        shrink_map(&mut map);
        assert_eq!(map.capacity(), peak, "full: left alone");
        map.retain(|&k, _| k < 100);
        shrink_map(&mut map);
        assert!(map.capacity() < peak / 16, "{} of {peak}", map.capacity());
        assert_eq!(map.len(), 100);
        let mut queue: VecDeque<u32> = (0..10_000).collect();
        queue.truncate(10);
        shrink_queue(&mut queue);
        assert!(queue.capacity() < 100, "{}", queue.capacity());
    }
}
