//! RFC 4475 torture messages through the parser and the endpoint, in
//! memory: every case gets the answer `conformance/rfc4475/expected.rs`
//! documents, and the cases about parsing details keep those details.

mod support;

#[path = "../../../conformance/rfc4475/expected.rs"]
mod expected;

use bytes::Bytes;
use expected::{read, status_code, CASES};
use std::time::Instant;
use switchboard_engine::Endpoint;
use switchboard_sip::{multipart, parse, HeaderName, Message, Request, Uri};

fn endpoint() -> Endpoint {
    Endpoint::new(support::config("test"), 1)
}

fn request(file: &str) -> Request {
    let case = CASES.iter().find(|c| c.file == file).unwrap();
    match parse(Bytes::from(read(case))).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => panic!("{file} is a response"),
    }
}

#[test]
fn cases_cover_the_manifest() {
    let ours: Vec<_> = CASES.iter().map(|c| c.file.to_owned()).collect();
    assert_eq!(ours, expected::manifest_files());
    assert_eq!(ours.len(), 49);
}

#[test]
fn every_case_gets_its_documented_answer() {
    let source = "192.0.2.1:5060".parse().unwrap();
    let now = Instant::now();
    let mut wrong = Vec::new();
    for case in CASES {
        // An endpoint per case: many messages share a branch and sent-by,
        // which would make later ones retransmissions of earlier ones.
        let mut ep = endpoint();
        ep.handle_datagram(now, 1_000_000, Bytes::from(read(case)), source);
        let out: Vec<_> = std::iter::from_fn(|| ep.poll_transmit()).collect();
        assert!(out.len() <= 1, "{}: {} answers", case.file, out.len());
        let got = out.first().and_then(|t| status_code(&t.bytes));
        if got != case.answer {
            wrong.push(format!(
                "{}: expected {:?}, got {:?} ({})",
                case.file, case.answer, got, case.why
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn escaped_and_unescaped_uris_compare_equal() {
    let r = request("esc01.dat");
    let to = r.headers.to().unwrap();
    let plain = Uri::parse_str("sip:user@example.com").unwrap();
    assert!(to.uri.as_sip().unwrap().equivalent(plain.as_sip().unwrap()));
    let ruri = Uri::parse_str("sip:sips%3Auser%40example.com@example.net").unwrap();
    assert_eq!(r.uri, ruri);
}

#[test]
fn tortuous_invite_headers_all_parse() {
    let r = request("wsinv.dat");
    assert_eq!(r.headers.vias().filter(|v| v.is_ok()).count(), 3);
    assert_eq!(r.headers.to().unwrap().tag().unwrap(), "1918181833n");
    assert_eq!(
        r.headers.from().unwrap().display.as_deref(),
        Some("J Rosenberg \\\"")
    );
    assert_eq!(r.headers.max_forwards().unwrap(), Some(68));
    assert_eq!(r.headers.cseq().unwrap().seq, 9);
    let contact = r.headers.contacts().next().unwrap().unwrap().unwrap();
    assert_eq!(contact.param("secondparam"), None);
    assert!(contact.params.iter().any(|p| p.name == "secondparam"));
    assert_eq!(r.headers.get(&HeaderName::Subject).unwrap(), "");
    assert_eq!(r.body.len(), 150);
}

#[test]
fn trailing_octets_after_content_length_are_ignored() {
    let r = request("dblreq.dat");
    assert_eq!(r.method, switchboard_sip::Method::Register);
    assert!(r.body.is_empty());
}

#[test]
fn multipart_body_is_split_into_its_parts() {
    let r = request("mpart01.dat");
    let ct = r.headers.content_type().unwrap().unwrap();
    let parts = multipart::parse(&r.body, ct.param("boundary").unwrap()).unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts[0].content_type().unwrap().is("text", "plain"));
    assert_eq!(&parts[0].body[..], b"Hello");
    assert!(parts[1]
        .content_type()
        .unwrap()
        .is("application", "octet-stream"));
    assert!(parts[1].body.len() > 300, "the binary part arrives whole");
}

/// The first Contact of a torture message.
fn first_contact(file: &str) -> switchboard_sip::NameAddr {
    let contact = request(file).headers.contacts().next();
    contact
        .expect("a Contact")
        .expect("well formed")
        .expect("not *")
}

#[test]
fn register_contacts_keep_their_parameters_and_headers() {
    let c = first_contact("cparam01.dat");
    assert!(
        c.params.iter().any(|p| p.name == "unknownparam"),
        "header parameter"
    );
    assert!(c.uri.as_sip().unwrap().params.is_empty());
    let c = first_contact("cparam02.dat");
    assert!(
        c.uri.as_sip().unwrap().has_param("unknownparam"),
        "URI parameter"
    );
    let c = first_contact("regescrt.dat");
    let h = &c.uri.as_sip().unwrap().headers[0];
    assert_eq!(
        (h.name.as_str(), h.value.as_deref()),
        ("Route", Some("%3Csip:sip.example.com%3E"))
    );
}

#[test]
fn odd_reason_phrases_parse() {
    for (file, code) in [("unreason.dat", 200), ("noreason.dat", 100)] {
        let case = CASES.iter().find(|c| c.file == file).unwrap();
        match parse(Bytes::from(read(case))).unwrap() {
            Message::Response(r) => assert_eq!(r.code, code),
            Message::Request(_) => panic!("{file}"),
        }
    }
}
