//! Any UTF-8 as a URI: one that parses must survive its own Display.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_sip::Uri;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(uri) = Uri::parse_str(s) else {
        return;
    };
    let shown = uri.to_string();
    match Uri::parse_str(&shown) {
        Ok(again) => assert_eq!(
            again, uri,
            "URI changed through Display: {s:?} -> {shown:?}"
        ),
        Err(e) => panic!("URI Display does not parse again ({e}): {s:?} -> {shown:?}"),
    }
    // Comparison rules must hold for a URI and its own written form.
    if let (Some(a), Some(b)) = (
        uri.as_sip(),
        Uri::parse_str(&shown).ok().as_ref().and_then(Uri::as_sip),
    ) {
        assert!(a.equivalent(b), "URI not equivalent to itself: {s:?}");
    }
    let _ = uri.scheme();
});
