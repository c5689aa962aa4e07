//! Any bytes as a datagram. A message that parses must serialize to bytes
//! that parse back to the same model, and every typed accessor must return
//! rather than panic; typed values that parse must survive their own
//! Display.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use switchboard_sip::{parse, Message, NameAddr, Via};

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = parse(Bytes::copy_from_slice(data)) else {
        return;
    };
    let wire = msg.to_bytes();
    let again = match parse(Bytes::from(wire.clone())) {
        Ok(m) => m,
        Err(e) => panic!(
            "serialized message does not parse again: {e}\n{:?}",
            String::from_utf8_lossy(&wire)
        ),
    };
    assert_eq!(msg, again, "model changed through serialize and reparse");
    // Writing into a buffer that already holds something appends.
    let mut out = b"prefix".to_vec();
    again.write_to(&mut out);
    assert_eq!(&out[6..], &wire[..]);

    typed(&msg);
});

fn typed(msg: &Message) {
    let h = msg.headers();
    if let Ok(v) = h.top_via() {
        via_round_trip(&v);
    }
    for v in h.vias().flatten() {
        via_round_trip(&v);
    }
    if let Ok(a) = h.from() {
        addr_round_trip(&a);
    }
    if let Ok(a) = h.to() {
        addr_round_trip(&a);
    }
    for a in h.contacts().flatten().flatten() {
        addr_round_trip(&a);
    }
    let _ = h.cseq();
    let _ = h.call_id();
    let _ = h.content_type();
    let _ = h.max_forwards();
}

fn via_round_trip(v: &Via) {
    let s = v.to_string();
    match Via::parse_str(&s) {
        Ok(w) => assert_eq!(&w, v, "Via changed through Display: {s:?}"),
        Err(e) => panic!("Via Display does not parse again ({e}): {s:?}"),
    }
}

fn addr_round_trip(a: &NameAddr) {
    let s = a.to_string();
    match NameAddr::parse_str(&s) {
        Ok(b) => assert_eq!(&b, a, "address changed through Display: {s:?}"),
        Err(e) => panic!("address Display does not parse again ({e}): {s:?}"),
    }
}
