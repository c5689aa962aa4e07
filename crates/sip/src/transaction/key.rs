//! Transaction keys: how a response finds its client transaction
//! (RFC 3261 §17.1.3: top Via branch and CSeq method) and how a request
//! finds its server transaction (§17.2.3: branch, sent-by and method, ACK
//! counting as INVITE). A request whose branch lacks the magic cookie
//! comes from an RFC 2543 peer and is keyed by what §17.2.3 lists for
//! that case instead: Request-URI, From and To tags, Call-ID, CSeq number
//! and the whole top Via.

use crate::message::{Request, Response};
use crate::method::Method;
use crate::text::Text;
use crate::via::Via;

/// Names one transaction in a [`TransactionLayer`](super::TransactionLayer).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TransactionKey {
    /// A transaction this side started: the branch of our top Via and the
    /// request method.
    Client { branch: Text, method: Method },
    /// A transaction a peer started, keyed per RFC 3261. `sent_by` is the
    /// top Via's `host[:port]`, host in lower case.
    Server {
        branch: Text,
        sent_by: Text,
        method: Method,
    },
    /// A transaction an RFC 2543 peer started (no magic cookie).
    Legacy(Box<LegacyKey>),
}

/// The fields that identify a request from an RFC 2543 peer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LegacyKey {
    /// INVITE for an ACK, as for RFC 3261 keys.
    pub method: Method,
    pub request_uri: Text,
    pub call_id: Text,
    pub from_tag: Option<Text>,
    pub to_tag: Option<Text>,
    pub cseq: u32,
    /// The top Via as received (before `received`/`rport` are added).
    pub top_via: Text,
}

impl TransactionKey {
    /// The server transaction key of a received request. An ACK gets the
    /// key of the INVITE it acknowledges; a CANCEL gets its own (see
    /// [`TransactionKey::cancelled`] for the INVITE it targets).
    pub fn for_request(request: &Request) -> Result<TransactionKey, &'static str> {
        let via = request.headers.top_via()?;
        let method = match request.method {
            Method::Ack => Method::Invite,
            ref m => m.clone(),
        };
        // Keys are kept as long as their transactions (32 s for a UDP
        // non-INVITE): they hold copies, not slices of the whole request.
        let detached = |t: &Text| Text::from(t.as_str());
        if via.has_rfc3261_branch() {
            let branch = via.branch().map(detached).unwrap_or_default();
            return Ok(TransactionKey::Server {
                branch,
                sent_by: sent_by(&via),
                method,
            });
        }
        let headers = &request.headers;
        Ok(TransactionKey::Legacy(Box::new(LegacyKey {
            method,
            request_uri: Text::from(request.uri.to_string()),
            call_id: detached(&headers.call_id()?),
            from_tag: headers.from()?.tag().map(detached),
            to_tag: headers.to()?.tag().map(detached),
            cseq: headers.cseq()?.seq,
            top_via: Text::from(via.to_string()),
        })))
    }

    /// The client transaction key a response belongs to.
    pub fn for_response(response: &Response) -> Result<TransactionKey, &'static str> {
        let via = response.headers.top_via()?;
        let branch = via.branch().ok_or("response Via without branch")?.clone();
        let method = response.headers.cseq()?.method;
        Ok(TransactionKey::Client { branch, method })
    }

    /// The method of the request that created the transaction.
    pub fn method(&self) -> &Method {
        match self {
            TransactionKey::Client { method, .. } | TransactionKey::Server { method, .. } => method,
            TransactionKey::Legacy(l) => &l.method,
        }
    }

    /// True for a transaction this side started.
    pub fn is_client(&self) -> bool {
        matches!(self, TransactionKey::Client { .. })
    }

    /// For a CANCEL's server key, the key of the INVITE server transaction
    /// it cancels (RFC 3261 §9.2): the same key with method INVITE.
    pub fn cancelled(&self) -> Option<TransactionKey> {
        if *self.method() != Method::Cancel {
            return None;
        }
        Some(match self {
            TransactionKey::Client { .. } => return None,
            TransactionKey::Server {
                branch, sent_by, ..
            } => TransactionKey::Server {
                branch: branch.clone(),
                sent_by: sent_by.clone(),
                method: Method::Invite,
            },
            TransactionKey::Legacy(l) => TransactionKey::Legacy(Box::new(LegacyKey {
                method: Method::Invite,
                ..(**l).clone()
            })),
        })
    }

    /// For the legacy key of an ACK carrying a To tag, the key of an
    /// INVITE sent without one, and the tag the ACK carries: it must be
    /// the tag of the final response for the ACK to match.
    pub(crate) fn untagged(&self) -> Option<(TransactionKey, Text)> {
        let TransactionKey::Legacy(l) = self else {
            return None;
        };
        let tag = l.to_tag.clone()?;
        let key = TransactionKey::Legacy(Box::new(LegacyKey {
            to_tag: None,
            ..(**l).clone()
        }));
        Some((key, tag))
    }
}

/// `host[:port]` of a Via, host in lower case, for comparison.
fn sent_by(via: &Via) -> Text {
    use std::fmt::Write;
    let mut text = String::with_capacity(48);
    let _ = write!(text, "{}", via.host);
    text.make_ascii_lowercase();
    if let Some(port) = via.port {
        let _ = write!(text, ":{port}");
    }
    Text::from(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;
    use crate::parse::parse;
    use bytes::Bytes;

    fn request(method: &str, via: &str, to: &str) -> Request {
        let text = format!(
            "{method} sip:bob@example.com SIP/2.0\r\nVia: {via}\r\nFrom: <sip:a@example.com>;tag=f\r\n\
             To: {to}\r\nCall-ID: c1\r\nCSeq: 7 {method}\r\nContent-Length: 0\r\n\r\n"
        );
        match parse(Bytes::from(text)).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    #[test]
    fn rfc3261_keys_ignore_host_case_and_map_ack_to_invite() {
        let invite = request(
            "INVITE",
            "SIP/2.0/UDP Host.Example.com:5060;branch=z9hG4bKa",
            "<sip:bob@example.com>",
        );
        let ack = request(
            "ACK",
            "SIP/2.0/UDP host.example.COM:5060;branch=z9hG4bKa",
            "<sip:bob@example.com>;tag=t",
        );
        let k = TransactionKey::for_request(&invite).unwrap();
        assert_eq!(k, TransactionKey::for_request(&ack).unwrap());
        assert!(!k.is_client());
        let other_port = request(
            "INVITE",
            "SIP/2.0/UDP host.example.com:5070;branch=z9hG4bKa",
            "<sip:bob@example.com>",
        );
        assert_ne!(k, TransactionKey::for_request(&other_port).unwrap());
    }

    #[test]
    fn cancel_targets_the_invite_with_its_branch() {
        let invite = request(
            "INVITE",
            "SIP/2.0/UDP h;branch=z9hG4bKa",
            "<sip:bob@example.com>",
        );
        let cancel = request(
            "CANCEL",
            "SIP/2.0/UDP h;branch=z9hG4bKa",
            "<sip:bob@example.com>",
        );
        let ck = TransactionKey::for_request(&cancel).unwrap();
        assert_ne!(ck, TransactionKey::for_request(&invite).unwrap());
        assert_eq!(
            ck.cancelled(),
            Some(TransactionKey::for_request(&invite).unwrap())
        );
        assert_eq!(
            TransactionKey::for_request(&invite).unwrap().cancelled(),
            None
        );
    }

    #[test]
    fn legacy_keys_without_the_magic_cookie() {
        let invite = request("INVITE", "SIP/2.0/UDP h:5060", "<sip:bob@example.com>");
        let ack = request("ACK", "SIP/2.0/UDP h:5060", "<sip:bob@example.com>;tag=t9");
        let ik = TransactionKey::for_request(&invite).unwrap();
        assert!(matches!(ik, TransactionKey::Legacy(_)));
        let ak = TransactionKey::for_request(&ack).unwrap();
        assert_ne!(ik, ak);
        let (untagged, tag) = ak.untagged().unwrap();
        assert_eq!(untagged, ik);
        assert_eq!(tag, "t9");
        let cancel = request("CANCEL", "SIP/2.0/UDP h:5060", "<sip:bob@example.com>");
        let ck = TransactionKey::for_request(&cancel).unwrap();
        assert_eq!(ck.cancelled(), Some(ik));
    }

    #[test]
    fn responses_key_by_branch_and_cseq_method() {
        let r = Response::to(
            &request(
                "CANCEL",
                "SIP/2.0/UDP h;branch=z9hG4bKa",
                "<sip:bob@example.com>",
            ),
            200,
            Some("x"),
        );
        assert_eq!(
            TransactionKey::for_response(&r).unwrap(),
            TransactionKey::Client {
                branch: Text::from("z9hG4bKa"),
                method: Method::Cancel
            }
        );
    }
}
