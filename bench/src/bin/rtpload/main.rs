//! A lean RTP load generator for measuring a media relay (see
//! bench/README.md, bench/media/run): it plays both phones of many calls
//! at once, sending G.711 20 ms packets in both directions of every call,
//! evenly paced, and checks what the relay forwards for loss, order and
//! added jitter.
//!
//!   rtpload --calls FILE --side-a 127.0.0.1:PORT --side-b 127.0.0.1:PORT
//!           [--warmup 2] [--seconds 20]
//!
//! FILE has a line per call: the relay's address toward the caller (side
//! A) and toward the callee (side B). All callers send from and receive on
//! the `--side-a` socket, all callees on `--side-b`, as their SDP said.
//! It prints `measuring` when the warm-up is over and `measured` when the
//! measured window ends (so a script can read the relay's CPU time over
//! exactly that window), then a JSON line with the results.

mod packet;
mod tally;
mod udp;

use std::io::Write;
use std::net::SocketAddrV4;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tally::Tally;
use udp::{Batch, Socket};

/// One packet per stream every 20 ms.
const PACKET_TIME_NS: u64 = 20_000_000;
/// The shortest sleep between rounds of sending and reading: at high
/// loads each round sends what fell due since the last.
const TICK: Duration = Duration::from_micros(500);
/// How long to keep reading after the last packet is sent.
const DRAIN: Duration = Duration::from_millis(500);
/// The share of one core above which the generator may not keep to its
/// schedule.
const CPU_WARNING: f64 = 0.7;

struct Args {
    calls: Vec<[SocketAddrV4; 2]>,
    sides: [SocketAddrV4; 2],
    warmup: u64,
    seconds: u64,
}

/// Where a run is: warming up, measuring (with the CPU time used when
/// the window started), or draining (with the CPU time the window took).
#[derive(Clone, Copy)]
enum Phase {
    WarmUp,
    Measuring(f64),
    Draining(f64),
}

/// What the main loop counts besides the tally.
#[derive(Default)]
struct Counters {
    /// Our packets that came back on the wrong side or from the wrong port.
    misrouted: u64,
    /// Anything received that is not a packet we sent.
    foreign: u64,
    send_errors: u64,
    /// The most a packet was sent after its due time, in ns.
    late_max_ns: u64,
}

fn main() {
    let args = match parse_args(std::env::args().skip(1).collect()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("rtpload: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("rtpload: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> std::io::Result<()> {
    let sockets = [Socket::bind(args.sides[0])?, Socket::bind(args.sides[1])?];
    let streams = args.calls.len() * 2;
    let packets_per_stream = (args.warmup + args.seconds) * 1_000_000_000 / PACKET_TIME_NS;
    let mut tally = Tally::new(streams, packets_per_stream as usize);
    let mut counters = Counters::default();
    let mut batch = Batch::new();
    let mut out = packet::template();

    let start = Instant::now();
    let warmup_end = Duration::from_secs(args.warmup);
    let sending_end = warmup_end + Duration::from_secs(args.seconds);
    // Packet `g` of the whole schedule is due `g` slots after the start,
    // for stream `g % streams`: every stream once per packet time, each at
    // its own offset in it.
    let slot_ns = PACKET_TIME_NS as f64 / streams as f64;
    let due = |g: u64| Duration::from_nanos((g as f64 * slot_ns) as u64);
    let mut next = 0u64;
    let mut phase = Phase::WarmUp;
    loop {
        let now = start.elapsed();
        phase = match phase {
            Phase::WarmUp if now >= warmup_end => {
                announce("measuring");
                Phase::Measuring(cpu_seconds())
            }
            Phase::Measuring(cpu_at_start) if now >= sending_end => {
                announce("measured");
                Phase::Draining(cpu_seconds() - cpu_at_start)
            }
            Phase::Draining(_) if now >= sending_end + DRAIN => break,
            p => p,
        };
        while due(next) <= now && due(next) < sending_end {
            let stream = (next % streams as u64) as usize;
            let (call, side) = (stream / 2, stream % 2);
            let stamp = packet::Stamp {
                stream: stream as u32,
                seq: (next / streams as u64) as u32,
                sent_ns: unix_ns(),
            };
            packet::write(&mut out, &stamp);
            // A packet that could not be sent counts as sent and lost: its
            // sequence number is used. The send errors say how many.
            tally.sent(stream);
            if sockets[side].send_to(&out, args.calls[call][side]).is_err() {
                counters.send_errors += 1;
            }
            let late = (now - due(next)).as_nanos() as u64;
            counters.late_max_ns = counters.late_max_ns.max(late);
            next += 1;
        }
        for (side, socket) in sockets.iter().enumerate() {
            while let n @ 1.. = socket.receive(&mut batch)? {
                for i in 0..n {
                    let (bytes, from, at_ns) = batch.packet(i);
                    receive(args, side, bytes, from, at_ns, &mut tally, &mut counters);
                }
            }
        }
        let wake = if due(next) < sending_end {
            due(next).max(now + TICK)
        } else {
            now + TICK
        };
        std::thread::sleep(wake.saturating_sub(start.elapsed()));
    }

    let s = tally.summary();
    let cpu = match phase {
        Phase::Draining(cpu) => cpu / args.seconds as f64,
        _ => unreachable!("the loop ends while draining"),
    };
    if cpu > CPU_WARNING {
        eprintln!(
            "rtpload: warning: the generator used {:.0} % of a core; near its limit it sends late \
             (late_max_us: {:.0})",
            cpu * 100.0,
            counters.late_max_ns as f64 / 1000.0
        );
    }
    let drops: u64 = sockets.iter().map(Socket::drops).sum();
    let us = |ns: u64| ns as f64 / 1000.0;
    println!(
        "{{\"calls\": {}, \"seconds\": {}, \"sent\": {}, \"received\": {}, \"lost\": {}, \
         \"duplicates\": {}, \"reordered\": {}, \"misrouted\": {}, \"foreign\": {}, \
         \"send_errors\": {}, \"socket_drops\": {}, \"jitter_p50_us\": {:.1}, \
         \"jitter_p99_us\": {:.1}, \"jitter_max_us\": {:.1}, \"late_max_us\": {:.1}, \
         \"generator_cpu\": {:.4}}}",
        args.calls.len(),
        args.seconds,
        s.sent,
        s.received,
        s.lost,
        s.duplicates,
        s.reordered,
        counters.misrouted,
        counters.foreign,
        counters.send_errors,
        drops,
        us(s.jitter_ns[0]),
        us(s.jitter_ns[1]),
        us(s.jitter_ns[2]),
        us(counters.late_max_ns),
        cpu,
    );
    Ok(())
}

/// Accounts for one packet that arrived on `side`'s socket.
fn receive(
    args: &Args,
    side: usize,
    bytes: &[u8],
    from: SocketAddrV4,
    at_ns: u64,
    tally: &mut Tally,
    counters: &mut Counters,
) {
    let Some(stamp) = packet::read(bytes) else {
        counters.foreign += 1;
        return;
    };
    let at_ns = if at_ns == 0 { unix_ns() } else { at_ns };
    if !tally.received(stamp.stream, stamp.seq, at_ns.saturating_sub(stamp.sent_ns)) {
        counters.foreign += 1;
        return;
    }
    // Stream 2i goes from call i's caller to its callee, 2i+1 back: it
    // must arrive on the other side's socket, from the relay's port
    // toward that side.
    let (call, to_side) = (stamp.stream as usize / 2, 1 - stamp.stream as usize % 2);
    if side != to_side || from != args.calls[call][to_side] {
        counters.misrouted += 1;
    }
}

fn announce(phase: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{phase}");
    let _ = out.flush();
}

/// The time on the clock the kernel stamps received packets with.
fn unix_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// CPU time this process has used, user and system.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

fn parse_args(argv: Vec<String>) -> Result<Args, String> {
    let mut calls_file = None;
    let mut sides = [None, None];
    let (mut warmup, mut seconds) = (2, 20);
    let mut it = argv.into_iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let addr = |v: &str| {
            v.parse::<SocketAddrV4>()
                .map_err(|e| format!("{flag} {v}: {e}"))
        };
        let number = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--calls" => calls_file = Some(value),
            "--side-a" => sides[0] = Some(addr(&value)?),
            "--side-b" => sides[1] = Some(addr(&value)?),
            "--warmup" => warmup = number(&value)?,
            "--seconds" => seconds = number(&value)?.max(1),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let file = calls_file.ok_or("--calls FILE is needed")?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let calls = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [a, b] => Ok([
                a.parse().map_err(|e| format!("{file}: {a}: {e}"))?,
                b.parse().map_err(|e| format!("{file}: {b}: {e}"))?,
            ]),
            _ => Err(format!("{file}: not two addresses: {l}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if calls.is_empty() {
        return Err(format!("{file}: no calls"));
    }
    match sides {
        [Some(a), Some(b)] => Ok(Args {
            calls,
            sides: [a, b],
            warmup,
            seconds,
        }),
        _ => Err("--side-a and --side-b are needed".into()),
    }
}
