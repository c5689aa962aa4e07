//! A loop to run under a profiler (callgrind counts instructions, so it is
//! repeatable on a busy machine):
//!
//!   cargo build --profile bench -p switchboard-bench --example profile
//!   valgrind --tool=callgrind target/release/examples/profile invite switchboard_parse 20000
//!
//! Arguments: message kind (invite, register, ok_200), what to run
//! (switchboard_parse, switchboard_parse_typed, switchboard_parse_serialize,
//! rsip_parse), and the number of iterations.

use bytes::BytesMut;
use std::hint::black_box;
use switchboard_bench::samples;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map(String::as_str).unwrap_or("invite");
    let what = args
        .get(2)
        .map(String::as_str)
        .unwrap_or("switchboard_parse");
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let sample = samples()
        .into_iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("unknown message kind {kind}"));
    let input = BytesMut::from(&sample.bytes[..]).freeze();
    let raw: &[u8] = &sample.bytes;
    let mut out = Vec::with_capacity(4096);
    for _ in 0..n {
        match what {
            "switchboard_parse" => {
                black_box(switchboard_sip::parse(black_box(input.clone())).unwrap());
            }
            "switchboard_parse_typed" => {
                let m = switchboard_sip::parse(black_box(input.clone())).unwrap();
                let h = m.headers();
                black_box(h.top_via().unwrap());
                black_box(h.from().unwrap());
                black_box(h.to().unwrap());
                black_box(h.cseq().unwrap());
                black_box(h.call_id().unwrap());
            }
            "switchboard_parse_serialize" => {
                let m = switchboard_sip::parse(black_box(input.clone())).unwrap();
                out.clear();
                m.write_to(&mut out);
                black_box(out.len());
            }
            "rsip_parse" => {
                black_box(rsip::SipMessage::try_from(black_box(raw)).unwrap());
            }
            other => panic!("unknown benchmark {other}"),
        }
    }
}
