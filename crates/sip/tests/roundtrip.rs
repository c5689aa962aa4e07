//! Round-trip properties: for any model the generators can build, writing
//! it out and parsing it back gives the same model — for whole messages,
//! URIs, addresses and Vias.

use bytes::Bytes;
use proptest::prelude::*;
use switchboard_sip::{
    parse, HeaderName, Headers, Host, Message, Method, NameAddr, Param, Request, Response, SipUri,
    Text, Uri, Via,
};

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9.!%*_+`'~-]{0,11}"
}

fn host() -> impl Strategy<Value = Host> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z][a-z0-9]{0,8}){0,3}".prop_map(|s| Host::Name(Text::from(s))),
        any::<[u8; 4]>().prop_map(|a| Host::Ipv4(a.into())),
        any::<[u16; 8]>().prop_map(|a| Host::Ipv6(a.into())),
    ]
}

fn uri_param() -> impl Strategy<Value = Param> {
    (
        "[a-z][a-z0-9-]{0,7}",
        proptest::option::of("[A-Za-z0-9._~-]{1,8}|%[0-9A-F]{2}"),
    )
        .prop_map(|(n, v)| Param {
            name: Text::from(n),
            value: v.map(Text::from),
        })
}

fn sip_uri() -> impl Strategy<Value = SipUri> {
    (
        any::<bool>(),
        proptest::option::of("[A-Za-z0-9_.!~*'()&=+$,;?/-]{1,12}|[a-z]{1,4}%[0-9A-F]{2}"),
        proptest::option::of("[A-Za-z0-9&=+$,]{1,8}"),
        host(),
        proptest::option::of(any::<u16>()),
        proptest::collection::vec(uri_param(), 0..4),
        proptest::collection::vec(
            (
                "[A-Za-z][A-Za-z0-9-]{0,7}",
                "[A-Za-z0-9:+]{0,8}|%[0-9A-F]{2}",
            ),
            0..3,
        ),
    )
        .prop_map(
            |(secure, user, password, host, port, params, headers)| SipUri {
                secure,
                password: user.as_ref().and(password).map(Text::from),
                user: user.map(Text::from),
                host,
                port,
                params,
                headers: headers
                    .into_iter()
                    .map(|(n, v)| Param {
                        name: Text::from(n),
                        value: Some(Text::from(v)),
                    })
                    .collect(),
            },
        )
}

fn uri() -> impl Strategy<Value = Uri> {
    prop_oneof![
        4 => sip_uri().prop_map(Uri::Sip),
        1 => ("\\+?[0-9]{1,12}", proptest::collection::vec(uri_param(), 0..2))
            .prop_map(|(n, params)| Uri::Tel(switchboard_sip::TelUri { number: Text::from(n), params })),
        1 => ("x[a-z0-9+.-]{0,6}", "[A-Za-z0-9/:@.;=?-]{1,16}")
            .prop_map(|(s, r)| Uri::Other { scheme: Text::from(s), rest: Text::from(r) }),
    ]
}

fn header_param() -> impl Strategy<Value = Param> {
    (
        token(),
        proptest::option::of(prop_oneof![token(), "\"[ !#-\\[\\]-~]{0,10}\""]),
    )
        .prop_map(|(n, v)| Param {
            name: Text::from(n),
            value: v.map(Text::from),
        })
}

fn name_addr() -> impl Strategy<Value = NameAddr> {
    (
        proptest::option::of("[ -~]{0,12}|[a-zé ]{1,8}"),
        uri(),
        proptest::collection::vec(header_param(), 0..3),
    )
        .prop_map(|(display, uri, params)| NameAddr {
            display: display.map(Text::from),
            uri,
            params,
        })
}

fn via() -> impl Strategy<Value = Via> {
    (
        prop_oneof![
            Just("UDP"),
            Just("TCP"),
            Just("TLS"),
            Just("WS"),
            Just("SCTP")
        ],
        host(),
        proptest::option::of(any::<u16>()),
        proptest::collection::vec(header_param(), 0..4),
    )
        .prop_map(|(t, host, port, params)| Via {
            version: Text::from_static("2.0"),
            transport: Text::from_static(t),
            host,
            port,
            params,
        })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Invite),
        Just(Method::Ack),
        Just(Method::Register),
        Just(Method::Options),
        Just(Method::Bye),
        "[A-Z][A-Z0-9_-]{0,10}".prop_map(|m| Method::parse(&Text::from(m)).unwrap()),
    ]
}

fn headers_and_body() -> impl Strategy<Value = (Headers, Bytes)> {
    (
        proptest::collection::vec(via(), 1..4),
        name_addr(),
        name_addr(),
        "[A-Za-z0-9.@_-]{1,24}",
        any::<u32>(),
        method(),
        proptest::collection::vec(name_addr(), 0..3),
        proptest::collection::vec(
            ("X-[A-Za-z0-9-]{1,10}", "([!-~]([ -~]{0,20}[!-~])?)?"),
            0..4,
        ),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(
            |(vias, from, to, call_id, seq, cseq_method, contacts, extra, body)| {
                let mut h = Headers::default();
                for v in vias {
                    h.push(HeaderName::Via, v.to_string());
                }
                h.push(HeaderName::From, from.to_string());
                h.push(HeaderName::To, to.to_string());
                h.push(HeaderName::CallId, call_id);
                h.push(HeaderName::CSeq, format!("{seq} {cseq_method}"));
                for c in contacts {
                    h.push(HeaderName::Contact, c.to_string());
                }
                for (name, value) in extra {
                    h.push(HeaderName::from_text(Text::from(name)), value);
                }
                h.push(HeaderName::ContentLength, body.len().to_string());
                (h, Bytes::from(body))
            },
        )
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (method(), uri(), headers_and_body()).prop_map(|(method, uri, (headers, body))| {
            Message::Request(Request {
                method,
                uri,
                version: Text::from_static("SIP/2.0"),
                headers,
                body,
            })
        }),
        (
            100u16..700,
            "([!-~]([ -~\u{e9}]{0,20}[!-~])?)?",
            headers_and_body()
        )
            .prop_map(|(code, reason, (headers, body))| {
                Message::Response(Response {
                    version: Text::from_static("SIP/2.0"),
                    code,
                    reason: Text::from(reason),
                    headers,
                    body,
                })
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn messages_round_trip(m in message()) {
        let wire = Bytes::from(m.to_bytes());
        let back = parse(wire.clone()).map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&wire))))?;
        prop_assert_eq!(back, m);
    }

    #[test]
    fn uris_round_trip(u in uri()) {
        prop_assert_eq!(Uri::parse_str(&u.to_string()).map_err(TestCaseError::fail)?, u);
    }

    #[test]
    fn name_addrs_round_trip(a in name_addr()) {
        prop_assert_eq!(NameAddr::parse_str(&a.to_string()).map_err(TestCaseError::fail)?, a);
    }

    #[test]
    fn vias_round_trip(v in via()) {
        prop_assert_eq!(Via::parse_str(&v.to_string()).map_err(TestCaseError::fail)?, v);
    }

    #[test]
    fn stream_framing_matches_datagram_parsing(m in message(), cut in 1usize..64) {
        let wire = m.to_bytes();
        let mut decoder = switchboard_sip::StreamDecoder::new();
        let mut frames = Vec::new();
        for chunk in wire.chunks(cut) {
            decoder.extend(chunk);
            while let Some(f) = decoder.decode().map_err(|e| TestCaseError::fail(e.to_string()))? {
                frames.push(f);
            }
        }
        prop_assert_eq!(frames, vec![switchboard_sip::Frame::Message(m)]);
    }
}
