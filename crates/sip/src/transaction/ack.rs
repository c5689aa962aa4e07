//! The ACK an INVITE client transaction sends for a 3xx-6xx final response
//! (RFC 3261 §17.1.1.3): Request-URI, Call-ID, From and CSeq number of the
//! INVITE, the To of the response (with its tag), the INVITE's top Via
//! alone (same branch) and its Route set. The template is built when the
//! INVITE is sent; only To changes per response.

use crate::header_name::HeaderName;
use crate::message::{Message, Request, Response};
use crate::method::Method;
use crate::scan;
use crate::text::Text;
use bytes::Bytes;

/// The ACK for `invite` with To still the INVITE's; `cseq` is its number.
pub(crate) fn template(invite: &Request, cseq: u32) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    ack.version = invite.version.clone();
    let h = &invite.headers;
    if let Some((line, first)) = h.elements(&HeaderName::Via).next() {
        ack.headers
            .push(HeaderName::Via, line.slice(scan::trim(first)));
    }
    let max_forwards = h
        .get_text(&HeaderName::MaxForwards)
        .unwrap_or(Text::from_static("70"));
    ack.headers.push(HeaderName::MaxForwards, max_forwards);
    ack.headers.copy_from(h, &HeaderName::Route);
    for name in [HeaderName::From, HeaderName::To, HeaderName::CallId] {
        ack.headers.copy_from(h, &name);
    }
    ack.headers
        .push(HeaderName::CSeq, Text::from(format!("{cseq} ACK")));
    ack.headers
        .push(HeaderName::ContentLength, Text::from_static("0"));
    ack
}

/// The wire form of the ACK for `response`.
pub(crate) fn for_response(template: &Request, response: &Response) -> Bytes {
    let mut ack = template.clone();
    if let Some(to) = response.headers.get_text(&HeaderName::To) {
        ack.headers.set(HeaderName::To, to);
    }
    Bytes::from(Message::Request(ack).to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn ack_follows_section_17_1_1_3() {
        let text = "INVITE sip:bob@example.com SIP/2.0\r\n\
            Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKx, SIP/2.0/UDP b\r\n\
            Max-Forwards: 69\r\nRoute: <sip:p1;lr>\r\nRoute: <sip:p2;lr>\r\n\
            From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n\
            Call-ID: c\r\nCSeq: 4 INVITE\r\nContact: <sip:alice@a>\r\nContent-Length: 0\r\n\r\n";
        let Ok(Message::Request(invite)) = parse(Bytes::from_static(text.as_bytes())) else {
            panic!("not a request");
        };
        let response = Response::to(&invite, 486, Some("b7"));
        let bytes = for_response(&template(&invite, 4), &response);
        let Ok(Message::Request(ack)) = parse(bytes) else {
            panic!("not a request");
        };
        assert_eq!(ack.method, Method::Ack);
        assert_eq!(ack.uri, invite.uri);
        assert_eq!(ack.headers.count(&HeaderName::Via), 1);
        assert_eq!(ack.headers.top_via().unwrap().branch().unwrap(), "z9hG4bKx");
        assert_eq!(ack.headers.to().unwrap().tag().unwrap(), "b7");
        assert_eq!(ack.headers.cseq().unwrap().to_string(), "4 ACK");
        assert_eq!(ack.headers.count(&HeaderName::Route), 2);
        assert_eq!(ack.headers.get(&HeaderName::MaxForwards).unwrap(), "69");
        assert_eq!(ack.headers.get(&HeaderName::Contact), None);
    }
}
