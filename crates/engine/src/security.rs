//! Keeping attackers out. A PBX on the internet is scanned and
//! brute-forced within minutes, so before any request is looked at its
//! source must pass the guard:
//!
//! - an address on the allow list always passes, and is never banned or
//!   rate limited;
//! - an address on the block list, or banned, gets no answer at all;
//! - each source may send `rate_limit` requests a second (with bursts up
//!   to `rate_burst`); beyond that its requests are dropped.
//!
//! Failed authentications are counted per source address and per user
//! name. `max_failures` from one address within `failure_window` seconds
//! ban it for `ban_time` seconds; as many against one user name, from
//! anywhere, are reported (the extension is under attack) but do not lock
//! its owner out.

use ipnet::IpNet;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

/// The guard's limits.
#[derive(Clone, Debug)]
pub struct SecurityConfig {
    /// Failed authentications from one address, within the window, that
    /// ban it.
    pub max_failures: usize,
    /// Seconds over which failures are counted.
    pub failure_window: u64,
    /// Seconds a ban lasts.
    pub ban_time: u64,
    /// Requests a second one source may send; 0 for no limit.
    pub rate_limit: u32,
    /// Requests one source may send at once before the rate applies.
    pub rate_burst: u32,
}

impl Default for SecurityConfig {
    fn default() -> SecurityConfig {
        SecurityConfig {
            max_failures: 5,
            failure_window: 300,
            ban_time: 3600,
            rate_limit: 100,
            rate_burst: 400,
        }
    }
}

/// Why a source got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    Blocked,
    Banned,
    RateLimited,
}

/// A ban in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ban {
    /// Unix seconds.
    pub until: u64,
    pub reason: String,
}

/// What the guard has to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alarm {
    Banned {
        address: IpAddr,
        ban: Ban,
    },
    /// A source went over the rate limit (reported once until it slows
    /// down).
    RateLimited {
        address: IpAddr,
    },
    /// `failures` failed authentications for one user name within the
    /// window, from any address.
    UserUnderAttack {
        user: String,
        failures: usize,
    },
}

/// A token bucket: `tokens` refill at the rate, up to the burst.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    reported: bool,
}

/// The guard's state.
#[derive(Debug, Default)]
pub struct Guard {
    config: SecurityConfig,
    allow: Vec<IpNet>,
    block: Vec<IpNet>,
    bans: HashMap<IpAddr, Ban>,
    failures: HashMap<IpAddr, VecDeque<u64>>,
    user_failures: HashMap<String, VecDeque<u64>>,
    buckets: HashMap<IpAddr, Bucket>,
}

/// How long an idle, full bucket is kept, in seconds.
const IDLE_BUCKET: f64 = 60.0;

impl Guard {
    pub fn new(config: SecurityConfig) -> Guard {
        Guard {
            config,
            ..Default::default()
        }
    }

    /// Replaces the allow and block lists.
    pub fn set_lists(&mut self, allow: Vec<IpNet>, block: Vec<IpNet>) {
        self.allow = allow;
        self.block = block;
    }

    fn allowed(&self, ip: IpAddr) -> bool {
        self.allow.iter().any(|n| n.contains(&ip))
    }

    /// Whether a response from `ip` is looked at: the lists and bans
    /// apply, the rate limit does not (responses answer Switchboard's own
    /// requests, and a phone taking many calls sends many).
    pub fn admit_response(&mut self, ip: IpAddr, now_unix: u64) -> Result<(), Dropped> {
        if self.allowed(ip) {
            return Ok(());
        }
        if self.block.iter().any(|n| n.contains(&ip)) {
            return Err(Dropped::Blocked);
        }
        if let Some(ban) = self.bans.get(&ip) {
            if ban.until > now_unix {
                return Err(Dropped::Banned);
            }
            self.bans.remove(&ip);
        }
        Ok(())
    }

    /// Whether a request from `ip` is looked at; `Err` says why not.
    pub fn admit(&mut self, ip: IpAddr, now: Instant, now_unix: u64) -> Result<(), Dropped> {
        self.admit_response(ip, now_unix)?;
        if self.config.rate_limit == 0 || self.allowed(ip) {
            return Ok(());
        }
        let burst = f64::from(self.config.rate_burst.max(1));
        let rate = f64::from(self.config.rate_limit);
        let bucket = self.buckets.entry(ip).or_insert(Bucket {
            tokens: burst,
            at: now,
            reported: false,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            if bucket.tokens >= burst / 2.0 {
                bucket.reported = false;
            }
            Ok(())
        } else {
            Err(Dropped::RateLimited)
        }
    }

    /// Whether a rate-limited source is yet to be reported; marks it so.
    pub fn report_rate_limit(&mut self, ip: IpAddr) -> bool {
        match self.buckets.get_mut(&ip) {
            Some(b) if !b.reported => {
                b.reported = true;
                true
            }
            _ => false,
        }
    }

    /// Counts a failed authentication by `user` from `ip`.
    pub fn failed(&mut self, ip: IpAddr, user: &str, now_unix: u64) -> Vec<Alarm> {
        let mut alarms = Vec::new();
        let window_start = now_unix.saturating_sub(self.config.failure_window);
        let max = self.config.max_failures.max(1);
        let user_failures = self.user_failures.entry(user.to_owned()).or_default();
        user_failures.retain(|&t| t > window_start);
        user_failures.push_back(now_unix);
        if user_failures.len() == max {
            alarms.push(Alarm::UserUnderAttack {
                user: user.to_owned(),
                failures: max,
            });
        }
        if self.allowed(ip) {
            return alarms;
        }
        let failures = self.failures.entry(ip).or_default();
        failures.retain(|&t| t > window_start);
        failures.push_back(now_unix);
        if failures.len() >= max {
            self.failures.remove(&ip);
            let ban = Ban {
                until: now_unix + self.config.ban_time,
                reason: format!(
                    "{max} failed authentications within {} s",
                    self.config.failure_window
                ),
            };
            self.bans.insert(ip, ban.clone());
            alarms.push(Alarm::Banned { address: ip, ban });
        }
        alarms
    }

    /// Bans `ip` (a ban made elsewhere: another node, an administrator).
    pub fn ban(&mut self, ip: IpAddr, ban: Ban) {
        self.bans.insert(ip, ban);
    }

    /// Lifts a ban; true when there was one.
    pub fn unban(&mut self, ip: IpAddr) -> bool {
        self.failures.remove(&ip);
        self.bans.remove(&ip).is_some()
    }

    /// The bans in force.
    pub fn bans(&self, now_unix: u64) -> impl Iterator<Item = (&IpAddr, &Ban)> {
        self.bans.iter().filter(move |(_, b)| b.until > now_unix)
    }

    /// Forgets what no longer matters: ended bans, old failures, idle
    /// full buckets.
    pub fn sweep(&mut self, now: Instant, now_unix: u64) {
        self.bans.retain(|_, b| b.until > now_unix);
        let window_start = now_unix.saturating_sub(self.config.failure_window);
        self.failures
            .retain(|_, f| f.back().is_some_and(|&t| t > window_start));
        self.user_failures
            .retain(|_, f| f.back().is_some_and(|&t| t > window_start));
        self.buckets
            .retain(|_, b| now.saturating_duration_since(b.at).as_secs_f64() < IDLE_BUCKET);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn guard() -> Guard {
        Guard::new(SecurityConfig {
            max_failures: 3,
            failure_window: 60,
            ban_time: 600,
            rate_limit: 10,
            rate_burst: 20,
        })
    }

    #[test]
    fn failures_ban_the_address_for_the_ban_time() {
        let mut g = guard();
        let (t, attacker) = (Instant::now(), ip("198.51.100.9"));
        assert!(g.failed(attacker, "1001", 1000).is_empty());
        assert!(g.failed(attacker, "1002", 1010).is_empty());
        let alarms = g.failed(attacker, "1003", 1020);
        assert!(
            matches!(&alarms[..], [Alarm::Banned { address, ban }] if *address == attacker && ban.until == 1620)
        );
        assert_eq!(g.admit(attacker, t, 1021), Err(Dropped::Banned));
        assert_eq!(g.admit(ip("198.51.100.10"), t, 1021), Ok(()));
        assert_eq!(g.admit(attacker, t, 1620), Ok(()), "the ban ends");
    }

    #[test]
    fn failures_outside_the_window_do_not_add_up() {
        let mut g = guard();
        let a = ip("198.51.100.9");
        g.failed(a, "1001", 1000);
        g.failed(a, "1001", 1030);
        assert!(!g
            .failed(a, "1001", 1070)
            .iter()
            .any(|x| matches!(x, Alarm::Banned { .. })));
    }

    #[test]
    fn a_user_attacked_from_many_addresses_is_reported_not_locked() {
        let mut g = guard();
        let mut alarms = Vec::new();
        for i in 1..=3 {
            alarms.extend(g.failed(ip(&format!("203.0.113.{i}")), "1001", 1000 + i));
        }
        assert_eq!(
            alarms,
            [Alarm::UserUnderAttack {
                user: "1001".into(),
                failures: 3
            }]
        );
    }

    #[test]
    fn allow_and_block_lists_come_first() {
        let mut g = guard();
        g.set_lists(
            vec!["10.0.0.0/8".parse().unwrap()],
            vec!["192.0.2.0/24".parse().unwrap()],
        );
        let t = Instant::now();
        assert_eq!(g.admit(ip("192.0.2.77"), t, 0), Err(Dropped::Blocked));
        for n in 0..5 {
            g.failed(ip("10.1.2.3"), "1001", n);
        }
        for _ in 0..1000 {
            assert_eq!(
                g.admit(ip("10.1.2.3"), t, 10),
                Ok(()),
                "never banned nor limited"
            );
        }
    }

    #[test]
    fn the_rate_limit_allows_bursts_then_the_rate() {
        let mut g = guard();
        let (t, a) = (Instant::now(), ip("198.51.100.1"));
        let passed = (0..50).filter(|_| g.admit(a, t, 0).is_ok()).count();
        assert_eq!(passed, 20, "the burst");
        assert!(
            g.report_rate_limit(a) && !g.report_rate_limit(a),
            "reported once"
        );
        let later = t + Duration::from_millis(500);
        let passed = (0..50).filter(|_| g.admit(a, later, 0).is_ok()).count();
        assert_eq!(passed, 5, "half a second at 10 a second");
        assert_eq!(g.admit(ip("198.51.100.2"), later, 0), Ok(()), "per source");
        assert_eq!(g.admit_response(a, 0), Ok(()), "responses are not limited");
        g.ban(
            a,
            Ban {
                until: 60,
                reason: "test".into(),
            },
        );
        assert_eq!(g.admit_response(a, 0), Err(Dropped::Banned), "but banned");
    }

    #[test]
    fn unban_and_sweep() {
        let mut g = guard();
        let a = ip("2001:db8::1");
        g.ban(
            a,
            Ban {
                until: 500,
                reason: "by hand".into(),
            },
        );
        assert_eq!(g.bans(100).count(), 1);
        assert!(g.unban(a) && !g.unban(a));
        g.ban(
            a,
            Ban {
                until: 500,
                reason: "again".into(),
            },
        );
        g.sweep(Instant::now(), 500);
        assert_eq!(g.bans(0).count(), 0);
    }
}
