//! Timer values (RFC 3261 §17 and Table 4, RFC 6026 for L and M) and the
//! two deadlines a transaction can have armed at once: one that resends
//! something (A, E, G and the delayed 100 Trying) and one that ends the
//! current state (B, D, F, H, I, J, K, L, M).
//!
//! Every instant here was handed in by the caller; nothing reads the clock.

use std::time::{Duration, Instant};

/// The base timer values; everything else derives from them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timers {
    /// Round-trip estimate: first retransmission interval (default 500 ms).
    pub t1: Duration,
    /// Longest retransmission interval for non-INVITE requests and INVITE
    /// responses (default 4 s).
    pub t2: Duration,
    /// How long a message may stay in the network (default 5 s).
    pub t4: Duration,
}

impl Default for Timers {
    fn default() -> Timers {
        Timers {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
        }
    }
}

impl Timers {
    /// 64·T1: Timers B, F, H, J (unreliable), L and M.
    pub fn lifetime(&self) -> Duration {
        self.t1 * 64
    }

    /// Timer D: how long a completed INVITE client transaction absorbs
    /// retransmitted final responses (at least 32 s; zero when reliable).
    pub fn d(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.lifetime().max(Duration::from_secs(32))
        }
    }

    /// Timers I and K: T4 on unreliable transports, zero on reliable.
    pub fn t4_unless(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.t4
        }
    }

    /// Timer J: 64·T1 on unreliable transports, zero on reliable.
    pub fn j(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.lifetime()
        }
    }

    /// The retransmission interval after `current`, capped at T2
    /// (Timers E and G).
    pub fn backoff_capped(&self, current: Duration) -> Duration {
        (current * 2).min(self.t2)
    }
}

/// The deadlines one transaction has armed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deadlines {
    /// When to resend (or send the delayed 100 Trying).
    pub resend: Option<Instant>,
    /// When the current state ends.
    pub end: Option<Instant>,
}

impl Deadlines {
    /// The earliest armed deadline.
    pub fn next(&self) -> Option<Instant> {
        match (self.resend, self.end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// True, disarming it, when the resend deadline has passed.
    pub fn take_resend(&mut self, now: Instant) -> bool {
        take_due(&mut self.resend, now)
    }

    /// True, disarming it, when the end deadline has passed.
    pub fn take_end(&mut self, now: Instant) -> bool {
        take_due(&mut self.end, now)
    }
}

fn take_due(slot: &mut Option<Instant>, now: Instant) -> bool {
    match *slot {
        Some(at) if at <= now => {
            *slot = None;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_values() {
        let t = Timers::default();
        assert_eq!(t.lifetime(), Duration::from_secs(32));
        assert_eq!(t.d(false), Duration::from_secs(32));
        assert_eq!(t.d(true), Duration::ZERO);
        assert_eq!(t.t4_unless(false), Duration::from_secs(5));
        assert_eq!(t.j(true), Duration::ZERO);
        assert_eq!(t.backoff_capped(Duration::from_secs(2)), t.t2);
        assert_eq!(
            t.backoff_capped(Duration::from_millis(500)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn deadlines_fire_once() {
        let now = Instant::now();
        let mut d = Deadlines {
            resend: Some(now + Duration::from_secs(1)),
            end: Some(now + Duration::from_secs(2)),
        };
        assert_eq!(d.next(), d.resend);
        assert!(!d.take_resend(now));
        assert!(d.take_resend(now + Duration::from_secs(1)));
        assert!(!d.take_resend(now + Duration::from_secs(1)));
        assert_eq!(d.next(), d.end);
    }
}
