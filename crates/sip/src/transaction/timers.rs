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

/// The grid ends with nothing to resend before them are put off to.
pub const END_GRID: Duration = Duration::from_millis(500);

impl Deadlines {
    /// When the layer must wake for this transaction: the resend deadline
    /// exactly; an end with nothing to resend before it (a finished
    /// transaction waiting out Timer D, I, J, K, L or M: only memory is
    /// freed) put off to the next [`END_GRID`] boundary after `epoch`, so
    /// that at low traffic the ends of many transactions share one
    /// wake-up instead of one each.
    pub fn wake_at(&self, epoch: Instant) -> Option<Instant> {
        match (self.resend, self.end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(a), None) => Some(a),
            (None, Some(b)) => Some(on_grid(b, epoch)),
            (None, None) => None,
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

/// `at`, or the first [`END_GRID`] boundary after it, counted from `epoch`.
fn on_grid(at: Instant, epoch: Instant) -> Instant {
    let grid = END_GRID.as_nanos();
    let since = at.saturating_duration_since(epoch).as_nanos();
    let steps = since.div_ceil(grid);
    epoch + Duration::from_nanos(u64::try_from(steps * grid).unwrap_or(u64::MAX))
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
        assert_eq!(d.wake_at(now), d.resend);
        assert!(!d.take_resend(now));
        assert!(d.take_resend(now + Duration::from_secs(1)));
        assert!(!d.take_resend(now + Duration::from_secs(1)));
        assert_eq!(d.wake_at(now), d.end, "2 s is on the grid");
    }

    #[test]
    fn an_end_alone_waits_for_the_grid() {
        let epoch = Instant::now();
        let end = |ms| Deadlines {
            resend: None,
            end: Some(epoch + Duration::from_millis(ms)),
        };
        let at = |ms| Some(epoch + Duration::from_millis(ms));
        assert_eq!(end(5_010).wake_at(epoch), at(5_500));
        assert_eq!(end(5_490).wake_at(epoch), at(5_500), "ends share a wake-up");
        assert_eq!(end(5_500).wake_at(epoch), at(5_500));
        let resend = Deadlines {
            resend: Some(epoch + Duration::from_millis(700)),
            end: Some(epoch + Duration::from_millis(5_010)),
        };
        assert_eq!(resend.wake_at(epoch), at(700), "resends stay exact");
    }
}
