//! Any UTF-8 as a header value, given to every typed header parser; a
//! value that parses must survive its own Display.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_sip::{CSeq, MediaType, NameAddr, Text, Via};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(a) = NameAddr::parse_str(s) {
        let shown = a.to_string();
        match NameAddr::parse_str(&shown) {
            Ok(b) => assert_eq!(b, a, "NameAddr changed: {s:?} -> {shown:?}"),
            Err(e) => panic!("NameAddr Display does not parse again ({e}): {s:?} -> {shown:?}"),
        }
        let _ = a.tag();
    }

    if let Ok(v) = Via::parse_str(s) {
        let shown = v.to_string();
        match Via::parse_str(&shown) {
            Ok(w) => assert_eq!(w, v, "Via changed: {s:?} -> {shown:?}"),
            Err(e) => panic!("Via Display does not parse again ({e}): {s:?} -> {shown:?}"),
        }
        let _ = (v.branch(), v.received(), v.rport(), v.has_rfc3261_branch());
    }

    let t = Text::from(s);
    if let Ok(c) = CSeq::parse(&t, &t) {
        let shown = Text::from(c.to_string());
        match CSeq::parse(&shown, &shown) {
            Ok(d) => assert_eq!(d, c, "CSeq changed: {s:?} -> {shown:?}"),
            Err(e) => panic!("CSeq Display does not parse again ({e}): {s:?} -> {shown:?}"),
        }
    }

    if let Ok(m) = MediaType::parse(&t, &t) {
        let shown = Text::from(m.to_string());
        match MediaType::parse(&shown, &shown) {
            Ok(n) => assert_eq!(n, m, "MediaType changed: {s:?} -> {shown:?}"),
            Err(e) => panic!("MediaType Display does not parse again ({e}): {s:?} -> {shown:?}"),
        }
        let _ = m.param("boundary");
    }

    let _ = switchboard_sip::typed::option_tags(s);
    let _ = switchboard_sip::typed::number(s, u32::MAX as u64);
});
