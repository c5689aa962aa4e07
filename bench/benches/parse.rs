//! Parsing and serializing the same bytes with Switchboard and rsip.
//! See bench/README.md for what each benchmark id measures.

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rsip::prelude::*;
use std::hint::black_box;
use std::time::Duration;
use switchboard_bench::samples;
use switchboard_sip::{parse, Message};

/// The received datagram as the transport would hand it over: a frozen
/// `BytesMut`, so every slice the parser takes bumps a shared refcount just
/// as it does in the server (a `from_static` buffer would hide that cost).
fn datagram(bytes: &[u8]) -> Bytes {
    BytesMut::from(bytes).freeze()
}

/// What a proxy reads of every message: the headers a transaction and a
/// dialog are keyed on.
fn switchboard_typed(msg: &Message) {
    let h = msg.headers();
    black_box(h.top_via().expect("Via"));
    black_box(h.from().expect("From"));
    black_box(h.to().expect("To"));
    black_box(h.cseq().expect("CSeq"));
    black_box(h.call_id().expect("Call-ID"));
}

fn rsip_typed(msg: &rsip::SipMessage) {
    black_box(msg.via_header().expect("Via").typed().expect("typed Via"));
    black_box(
        msg.from_header()
            .expect("From")
            .typed()
            .expect("typed From"),
    );
    black_box(msg.to_header().expect("To").typed().expect("typed To"));
    black_box(
        msg.cseq_header()
            .expect("CSeq")
            .typed()
            .expect("typed CSeq"),
    );
    black_box(msg.call_id_header().expect("Call-ID").value());
}

fn bench_parse(c: &mut Criterion) {
    for sample in samples() {
        let input = datagram(&sample.bytes);
        let raw: &[u8] = &sample.bytes;
        // Check once, outside the timed loops, that both parsers take it.
        parse(input.clone()).expect("switchboard parses the sample");
        rsip::SipMessage::try_from(raw).expect("rsip parses the sample");

        let mut group = c.benchmark_group(sample.kind);
        group.throughput(Throughput::Elements(1));

        group.bench_function("switchboard_parse", |b| {
            b.iter(|| parse(black_box(input.clone())).expect("parse"))
        });
        group.bench_function("switchboard_parse_typed", |b| {
            b.iter(|| {
                let msg = parse(black_box(input.clone())).expect("parse");
                switchboard_typed(&msg);
                msg
            })
        });
        let mut out = Vec::with_capacity(4096);
        group.bench_function("switchboard_parse_serialize", |b| {
            b.iter(|| {
                let msg = parse(black_box(input.clone())).expect("parse");
                out.clear();
                msg.write_to(&mut out);
                black_box(out.len());
                msg
            })
        });

        group.bench_function("rsip_parse", |b| {
            b.iter(|| rsip::SipMessage::try_from(black_box(raw)).expect("parse"))
        });
        group.bench_function("rsip_parse_typed", |b| {
            b.iter(|| {
                let msg = rsip::SipMessage::try_from(black_box(raw)).expect("parse");
                rsip_typed(&msg);
                msg
            })
        });
        group.bench_function("rsip_parse_serialize", |b| {
            b.iter(|| {
                let msg = rsip::SipMessage::try_from(black_box(raw)).expect("parse");
                black_box(msg.to_string())
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_parse
}
criterion_main!(benches);
