//! Benchmarks; see bench/README.md.
//!
//! This library holds the messages every benchmark parses, so the parsers
//! compared are always fed the same bytes, and the speech the media
//! benchmarks use (the prompts Switchboard ships). They use long header names and no
//! line folding: a realistic mix that both parsers understand fully (rsip
//! knows no compact forms and does not unfold lines, see the README).

/// A message kind and its wire form.
pub struct Sample {
    /// Short name, used as the criterion group name and in the table.
    pub kind: &'static str,
    pub bytes: Vec<u8>,
}

/// Puts a head (start line and header lines, each ending in CRLF, without
/// Content-Length) and a body together, with a correct Content-Length.
fn assemble(head: &str, body: &str) -> Vec<u8> {
    let mut out = String::with_capacity(head.len() + body.len() + 32);
    out.push_str(head);
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    out.push_str(body);
    out.into_bytes()
}

const SDP_OFFER: &str = "v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n\
s=-\r\n\
c=IN IP4 192.0.2.101\r\n\
t=0 0\r\n\
m=audio 49170 RTP/AVP 0 8 9 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=sendrecv\r\n";

const SDP_ANSWER: &str = "v=0\r\n\
o=bob 2808844564 2808844564 IN IP4 192.0.2.201\r\n\
s=-\r\n\
c=IN IP4 192.0.2.201\r\n\
t=0 0\r\n\
m=audio 3456 RTP/AVP 0 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=sendrecv\r\n";

/// An INVITE as a proxy receives it: two Vias, a Route, SDP offer;
/// 15 header lines.
pub fn invite() -> Vec<u8> {
    assemble(
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;received=192.0.2.111\r\n\
Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK74bf9;rport=5060;received=192.0.2.101\r\n\
Max-Forwards: 69\r\n\
Route: <sip:ss1.biloxi.example.com;lr>\r\n\
From: \"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: \"Bob\" <sip:bob@biloxi.example.com>\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:alice@192.0.2.101:5060;transport=udp>\r\n\
Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, UPDATE, PRACK\r\n\
Supported: replaces, timer, 100rel, path\r\n\
Session-Expires: 1800;refresher=uac\r\n\
User-Agent: Switchboard-Bench/1.0 (softphone)\r\n\
Content-Type: application/sdp\r\n",
        SDP_OFFER,
    )
}

/// A REGISTER answering a digest challenge.
pub fn register() -> Vec<u8> {
    assemble(
        "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.201:5060;branch=z9hG4bKnashds7;rport\r\n\
Max-Forwards: 70\r\n\
From: Bob <sip:bob@biloxi.example.com>;tag=a73kszlfl\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.201\r\n\
CSeq: 2 REGISTER\r\n\
Contact: <sip:bob@192.0.2.201:5060;transport=udp>;expires=3600\r\n\
Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:registrar.biloxi.example.com\", response=\"245f23415f11432b3434341c022ad5e2\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n\
Expires: 3600\r\n\
Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO\r\n\
User-Agent: Switchboard-Bench/1.0 (softphone)\r\n",
        "",
    )
}

/// A 200 OK to an INVITE coming back through two proxies: three Vias, two
/// Record-Routes, SDP answer.
pub fn ok_200() -> Vec<u8> {
    assemble(
        "SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1;received=192.0.2.222\r\n\
Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;received=192.0.2.111\r\n\
Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK74bf9;rport=5060;received=192.0.2.101\r\n\
Record-Route: <sip:ss2.biloxi.example.com;lr>\r\n\
Record-Route: <sip:proxy.atlanta.example.com;lr>\r\n\
From: \"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: \"Bob\" <sip:bob@biloxi.example.com>;tag=314159\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:bob@192.0.2.201:5060;transport=udp>\r\n\
Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, UPDATE, PRACK\r\n\
Supported: replaces, timer\r\n\
Server: Switchboard-Bench/1.0 (phone)\r\n\
Content-Type: application/sdp\r\n",
        SDP_ANSWER,
    )
}

/// Every benchmarked message, in table order.
pub fn samples() -> Vec<Sample> {
    vec![
        Sample {
            kind: "invite",
            bytes: invite(),
        },
        Sample {
            kind: "register",
            bytes: register(),
        },
        Sample {
            kind: "ok_200",
            bytes: ok_200(),
        },
    ]
}

/// The shipped English prompts, in name order: speech for the media
/// benchmarks.
pub fn shipped_prompts() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../prompts/en");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the shipped prompts")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    files.sort();
    files
}
