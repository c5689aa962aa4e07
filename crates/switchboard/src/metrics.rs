//! The running server's metrics: the SIP endpoint's counters, copied by the
//! driver after each message, and the media relay's packet count, rendered
//! in Prometheus' text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use switchboard_engine::Counters;

/// Where the driver leaves the endpoint's counters and the relay counts.
#[derive(Clone, Default)]
pub struct Metrics {
    counters: Arc<Mutex<Counters>>,
    relayed: Arc<AtomicU64>,
    kernel: Arc<AtomicU64>,
}

impl Metrics {
    pub fn set(&self, counters: Counters) {
        if let Ok(mut c) = self.counters.lock() {
            *c = counters;
        }
    }

    /// RTP or RTCP packets forwarded by the relay.
    pub fn relayed_packets(&self, count: u64) {
        self.relayed.fetch_add(count, Ordering::Relaxed);
    }

    /// RTP packets the kernel fast path forwarded (counted among the
    /// relayed too).
    pub fn kernel_packets(&self, count: u64) {
        if count > 0 {
            self.relayed.fetch_add(count, Ordering::Relaxed);
            self.kernel.fetch_add(count, Ordering::Relaxed);
        }
    }

    pub fn render(&self) -> String {
        let c = self.counters.lock().map(|c| *c).unwrap_or_default();
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        metric(
            "switchboard_sip_received_total",
            "counter",
            "SIP messages that passed the guard.",
            &[("", c.received)],
        );
        metric(
            "switchboard_sip_dropped_total",
            "counter",
            "SIP messages dropped unanswered, by reason.",
            &[
                ("{reason=\"blocked\"}", c.dropped_blocked),
                ("{reason=\"banned\"}", c.dropped_banned),
                ("{reason=\"rate_limited\"}", c.dropped_rate_limited),
            ],
        );
        metric(
            "switchboard_sip_authentication_failures_total",
            "counter",
            "Digest credentials that failed: wrong passwords and unknown users.",
            &[("", c.authentication_failures)],
        );
        metric(
            "switchboard_sip_bans_total",
            "counter",
            "Addresses banned for failed authentications.",
            &[("", c.bans)],
        );
        metric(
            "switchboard_sip_banned_addresses",
            "gauge",
            "Addresses banned now.",
            &[("", c.banned_addresses)],
        );
        metric(
            "switchboard_registrations_total",
            "counter",
            "REGISTER requests answered 200.",
            &[("", c.registrations)],
        );
        metric(
            "switchboard_registered_contacts",
            "gauge",
            "Phones registered now.",
            &[("", c.contacts)],
        );
        metric(
            "switchboard_unreachable_contacts",
            "gauge",
            "Registered phones that stopped answering OPTIONS.",
            &[("", c.unreachable_contacts)],
        );
        metric(
            "switchboard_calls_total",
            "counter",
            "Calls between extensions that ended.",
            &[("", c.calls)],
        );
        metric(
            "switchboard_active_calls",
            "gauge",
            "Calls in progress.",
            &[("", c.active_calls)],
        );
        metric(
            "switchboard_media_relayed_packets_total",
            "counter",
            "RTP and RTCP packets the media relay forwarded.",
            &[("", self.relayed.load(Ordering::Relaxed))],
        );
        metric(
            "switchboard_media_kernel_packets_total",
            "counter",
            "RTP packets the kernel fast path forwarded (among the relayed).",
            &[("", self.kernel.load(Ordering::Relaxed))],
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_as_prometheus_text() {
        let m = Metrics::default();
        m.set(Counters {
            dropped_banned: 7,
            contacts: 3,
            ..Default::default()
        });
        let text = m.render();
        assert!(
            text.contains("switchboard_sip_dropped_total{reason=\"banned\"} 7\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "# TYPE switchboard_registered_contacts gauge\nswitchboard_registered_contacts 3\n"
            ),
            "{text}"
        );
    }
}
