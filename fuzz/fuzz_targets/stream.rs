//! A byte stream (TCP, TLS) cut into arbitrary pieces: the decoder must
//! never panic, and must frame the same messages however the stream is cut.
//!
//! The first input byte seeds the chunk sizes; the rest is the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_sip::{Frame, StreamDecoder};

/// Frames until the decoder wants more data (`Ok`) or fails (`Err`).
fn drain(d: &mut StreamDecoder, frames: &mut Vec<Frame>) -> Result<(), ()> {
    loop {
        match d.decode() {
            Ok(Some(f)) => frames.push(f),
            Ok(None) => return Ok(()),
            Err(_) => return Err(()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };

    // All at once.
    let mut whole = StreamDecoder::new();
    let mut expected = Vec::new();
    whole.extend(stream);
    let whole_result = drain(&mut whole, &mut expected);

    // In pieces of 1 to 64 octets, sizes drawn from a generator the seed
    // starts (a seed of 0 means one octet at a time).
    let mut pieces = StreamDecoder::new();
    let mut got = Vec::new();
    let mut state = u32::from(seed) | (u32::from(seed) << 8) | 0x1_0000;
    let mut rest = stream;
    let mut piece_result = Ok(());
    while !rest.is_empty() {
        let n = if seed == 0 {
            1
        } else {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            1 + (state % 64) as usize
        };
        let (now, later) = rest.split_at(n.min(rest.len()));
        pieces.extend(now);
        rest = later;
        piece_result = drain(&mut pieces, &mut got);
        if piece_result.is_err() {
            break;
        }
    }

    assert_eq!(
        got, expected,
        "frames differ between whole and cut stream (seed {seed})"
    );
    assert_eq!(
        piece_result, whole_result,
        "error differs between whole and cut stream (seed {seed})"
    );
});
