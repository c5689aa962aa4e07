//! What transcoding costs (issue 6): one call whose phones share no codec,
//! both directions, on one core, as a share of that core per call, for the
//! pairs a PBX meets (PCMU with Opus, with G.722, with PCMA), next to
//! what relaying the same packets unchanged costs the relay (the media
//! benchmark's figure). The audio is speech: the shipped prompts, one
//! after another, encoded first as each phone would send them.
//!
//!     cargo run --release -p switchboard-bench --bin transcode

use std::time::Duration;
use switchboard_media::codec::{Encoder, Kind, Leg};
use switchboard_media::rtp;
use switchboard_media::transcode::Transcoder;

/// Seconds of speech pushed through each pair.
const SECONDS: usize = 120;

fn speech(rate: u32) -> Vec<i16> {
    let files = switchboard_bench::shipped_prompts();
    let mut all = Vec::new();
    while all.len() < SECONDS * rate as usize {
        for f in &files {
            let file = std::fs::File::open(f).unwrap();
            all.extend(switchboard_media::wav::read_mono(file, rate).unwrap());
        }
    }
    all.truncate(SECONDS * rate as usize);
    all
}

/// A phone's packets: `samples` in `kind`, 20 ms each.
fn packets(kind: Kind, pt: u8, samples: &[i16]) -> Vec<Vec<u8>> {
    let mut enc = Encoder::new(kind);
    let mut stream = rtp::Stream::new(1, 1, 1);
    samples
        .chunks_exact(kind.frame())
        .map(|frame| {
            let mut payload = Vec::new();
            enc.encode(frame, &mut payload);
            let mut out = Vec::new();
            stream
                .next(pt, false, &payload, kind.ticks())
                .write(&mut out);
            out
        })
        .collect()
}

/// CPU time of this thread.
fn cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn main() {
    let pt = |k: Kind| match k {
        Kind::Pcmu => 0,
        Kind::Pcma => 8,
        Kind::G722 => 9,
        Kind::Opus => 111,
    };
    println!("Transcoding one call both ways, {SECONDS} s of speech, one core");
    println!(
        "  {:<16} {:>12} {:>14} {:>14}",
        "pair", "% core/call", "calls a core", "µs per packet"
    );
    for (a, b) in [
        (Kind::Pcmu, Kind::Opus),
        (Kind::Pcmu, Kind::G722),
        (Kind::Pcmu, Kind::Pcma),
    ] {
        let (from_a, from_b) = (
            packets(a, pt(a), &speech(a.rate())),
            packets(b, pt(b), &speech(b.rate())),
        );
        let leg = |k: Kind| Leg {
            codec: k,
            payload_type: pt(k),
            events: Some(101),
        };
        let mut ab = Transcoder::new(leg(a), leg(b), 7, 0, 0);
        let mut ba = Transcoder::new(leg(b), leg(a), 8, 0, 0);
        let mut sent = 0usize;
        let start = cpu();
        for (pa, pb) in from_a.iter().zip(&from_b) {
            ab.packet(pa, &mut |p: &[u8]| sent += p.len().min(1));
            ba.packet(pb, &mut |p: &[u8]| sent += p.len().min(1));
        }
        let spent = cpu() - start;
        let share = spent.as_secs_f64() / SECONDS as f64;
        let packets_in = from_a.len() + from_b.len();
        println!(
            "  {:<16} {:>11.3} % {:>14} {:>14.1}",
            format!("{} ↔ {}", a.name(), b.name()),
            share * 100.0,
            (1.0 / share) as u64,
            spent.as_secs_f64() * 1e6 / packets_in as f64
        );
        assert!(
            sent >= packets_in * 9 / 10,
            "{sent} packets out of {packets_in}"
        );
    }
    println!("  (relaying without transcoding: about 0.04 % of a core per call, bench/media/run)");
}
