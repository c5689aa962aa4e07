//! Switchboard's answer to each RFC 4475 torture message, shared by the
//! in-memory and the over-the-wire conformance tests.
//!
//! Until the registrar and calls exist (issues 4 and 5), a valid REGISTER
//! is answered with a 401 digest challenge and a valid INVITE or MESSAGE
//! with a 407: for these cases "process normally" means exactly that — the
//! request was understood and the server asks who is calling, as it will
//! for every caller.

use std::path::PathBuf;

/// One torture message and what Switchboard sends back.
pub struct Case {
    pub file: &'static str,
    /// The status code of the answer; `None` when nothing may be sent.
    pub answer: Option<u16>,
    /// The reading of RFC 4475 behind the answer.
    pub why: &'static str,
}

/// The directory holding the messages and the manifest.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/rfc4475")
}

/// The 49 cases, in manifest order.
pub const CASES: &[Case] = &[
    Case { file: "wsinv.dat", answer: Some(407), why: "valid INVITE: understood, then challenged" },
    Case { file: "intmeth.dat", answer: Some(501), why: "valid request with an unknown method: 501, never 400" },
    Case { file: "esc01.dat", answer: Some(407), why: "valid INVITE with escapes" },
    Case { file: "escnull.dat", answer: Some(401), why: "valid REGISTER with %00 in URIs" },
    Case { file: "esc02.dat", answer: Some(501), why: "RE%47IST%45R is a method of its own, not REGISTER: unknown, so 501" },
    Case { file: "lwsdisp.dat", answer: Some(200), why: "valid OPTIONS" },
    Case { file: "longreq.dat", answer: Some(407), why: "valid INVITE with long values" },
    Case { file: "dblreq.dat", answer: Some(401), why: "the REGISTER is processed; the trailing INVITE is ignored" },
    Case { file: "semiuri.dat", answer: Some(200), why: "valid OPTIONS" },
    Case { file: "transports.dat", answer: Some(200), why: "valid OPTIONS; unknown transports in Via are kept" },
    Case { file: "mpart01.dat", answer: Some(407), why: "valid MESSAGE with a multipart body" },
    Case { file: "unreason.dat", answer: None, why: "a response matching no transaction is absorbed" },
    Case { file: "noreason.dat", answer: None, why: "a response matching no transaction is absorbed" },
    Case { file: "badinv01.dat", answer: Some(400), why: "empty Via and Contact parameters" },
    Case { file: "clerr.dat", answer: Some(400), why: "Content-Length beyond the datagram" },
    Case { file: "ncl.dat", answer: Some(400), why: "negative Content-Length" },
    Case { file: "scalar02.dat", answer: Some(400), why: "CSeq does not fit 32 bits" },
    Case { file: "scalarlg.dat", answer: None, why: "malformed response: discarded silently" },
    Case { file: "quotbal.dat", answer: Some(400), why: "unterminated quoted display name" },
    Case { file: "ltgtruri.dat", answer: Some(400), why: "Request-URI in angle brackets" },
    Case { file: "lwsruri.dat", answer: Some(400), why: "white space inside the Request-URI" },
    Case { file: "lwsstart.dat", answer: Some(400), why: "several spaces between Request-Line elements" },
    Case {
        file: "trws.dat",
        answer: Some(400),
        why: "RFC 4475 §3.1.2.10 allows tolerance, but the Request-Line grammar has exactly one SP \
              between elements and none after the version; Switchboard is strict, consistently with lwsstart",
    },
    Case { file: "escruri.dat", answer: Some(400), why: "a Request-URI may not carry headers (RFC 3261 §19.1.1)" },
    Case {
        file: "baddate.dat",
        answer: Some(407),
        why: "RFC 4475 §3.1.2.12: Date is informational, so a tolerant element ignores the bad time zone",
    },
    Case { file: "regbadct.dat", answer: Some(400), why: "a URI with headers must be inside <>" },
    Case { file: "badaspec.dat", answer: Some(400), why: "spaces inside <addr-spec>" },
    Case { file: "baddn.dat", answer: Some(400), why: "display name with non-token characters, unquoted" },
    Case { file: "badvers.dat", answer: Some(505), why: "SIP/7.0" },
    Case { file: "mismatch01.dat", answer: Some(400), why: "CSeq method differs from the method" },
    Case { file: "mismatch02.dat", answer: Some(400), why: "CSeq method differs, checked before the unknown method" },
    Case { file: "bigcode.dat", answer: None, why: "malformed response: discarded silently" },
    Case { file: "badbranch.dat", answer: Some(200), why: "branch without magic cookie: valid, matched by RFC 2543 rules" },
    Case { file: "insuf.dat", answer: Some(400), why: "From, To, Call-ID and Max-Forwards missing" },
    Case { file: "unkscm.dat", answer: Some(416), why: "unknown Request-URI scheme" },
    Case { file: "novelsc.dat", answer: Some(416), why: "soap.beep: scheme not supported" },
    Case { file: "unksm2.dat", answer: Some(401), why: "unknown schemes in To, From and Contact are not an error" },
    Case { file: "bext01.dat", answer: Some(420), why: "Require and Proxy-Require tags listed in Unsupported" },
    Case { file: "invut.dat", answer: Some(415), why: "unknown Content-Type: 415 with Accept" },
    Case { file: "regaut01.dat", answer: Some(401), why: "unknown Authorization scheme: a fresh Digest challenge" },
    Case { file: "multi01.dat", answer: Some(400), why: "several values in single-value headers" },
    Case { file: "mcl01.dat", answer: Some(400), why: "several Content-Length values" },
    Case { file: "bcast.dat", answer: None, why: "a response: absorbed, and never sent on to 255.255.255.255" },
    Case {
        file: "zeromf.dat",
        answer: Some(200),
        why: "Max-Forwards 0 addressed to this server: it is the target, so it answers (483 is for forwarding)",
    },
    Case { file: "cparam01.dat", answer: Some(401), why: "valid REGISTER; the Contact header parameter is kept" },
    Case { file: "cparam02.dat", answer: Some(401), why: "valid REGISTER; the URI parameter is kept" },
    Case { file: "regescrt.dat", answer: Some(401), why: "valid REGISTER; the escaped URI header is kept" },
    Case { file: "sdp01.dat", answer: Some(406), why: "Accept admits no SDP, the only body an INVITE answer has" },
    Case { file: "inv2543.dat", answer: Some(407), why: "RFC 2543 syntax is still understood" },
];

/// The file names MANIFEST.tsv lists.
pub fn manifest_files() -> Vec<String> {
    let text = std::fs::read_to_string(dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(str::to_owned)
        .collect()
}

/// A message's bytes.
pub fn read(case: &Case) -> Vec<u8> {
    std::fs::read(dir().join(case.file)).unwrap_or_else(|e| panic!("{}: {e}", case.file))
}

/// The status code at the start of a response, if the bytes are one.
pub fn status_code(bytes: &[u8]) -> Option<u16> {
    let line = bytes.split(|&b| b == b'\r').next()?;
    std::str::from_utf8(line)
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}
