//! The benchmark samples are valid for both parsers, which read the same
//! header lines from them; Switchboard writes back what it read.

use bytes::Bytes;
use rsip::prelude::*;
use switchboard_bench::samples;
use switchboard_sip::parse;

#[test]
fn both_parsers_read_every_sample_the_same_way() {
    for s in samples() {
        let ours =
            parse(Bytes::from(s.bytes.clone())).unwrap_or_else(|e| panic!("{}: {e}", s.kind));
        let theirs = rsip::SipMessage::try_from(&s.bytes[..])
            .unwrap_or_else(|e| panic!("{}: rsip: {e}", s.kind));
        assert_eq!(
            ours.headers().iter().count(),
            theirs.headers().iter().count(),
            "{}",
            s.kind
        );
        assert_eq!(&ours.body()[..], &theirs.body()[..], "{}", s.kind);

        let h = ours.headers();
        h.top_via().unwrap();
        assert!(h.vias().all(|v| v.is_ok()));
        h.from().unwrap();
        h.to().unwrap();
        h.cseq().unwrap();
        h.call_id().unwrap();
        theirs.via_header().unwrap().typed().unwrap();
        theirs.from_header().unwrap().typed().unwrap();
        theirs.to_header().unwrap().typed().unwrap();
        theirs.cseq_header().unwrap().typed().unwrap();

        let mut out = Vec::new();
        ours.write_to(&mut out);
        assert_eq!(out, s.bytes, "{} written back differs", s.kind);
        assert_eq!(parse(Bytes::from(out)).unwrap(), ours);
    }
}
