//! One leg of a call as a SIP dialog (RFC 3261 §12): the identifiers both
//! ends agreed on, where the phone is, and the requests Switchboard sends
//! inside it (ACK, BYE, re-INVITE).
//!
//! A leg is reached at the address its messages came from (the flow),
//! never at the address in its Contact, which behind NAT is private; the
//! Contact is only the Request-URI.

use std::net::SocketAddr;
use switchboard_sip::transaction::Transport;
use switchboard_sip::{HeaderName, Method, Request, Uri};

/// A dialog, from Switchboard's side.
#[derive(Clone, Debug)]
pub struct Dialog {
    pub call_id: String,
    pub local_tag: String,
    pub remote_tag: String,
    /// Our address-of-record in this dialog, as `<uri>` (From when we
    /// called, To when we were called).
    pub local_uri: String,
    pub remote_uri: String,
    /// The peer's Contact: the Request-URI of what we send.
    pub remote_target: Uri,
    /// Route set (Record-Route), in the order requests carry it.
    pub route: Vec<String>,
    /// CSeq of the last request we sent in the dialog.
    pub local_cseq: u32,
    /// Where the phone is: the source of its messages.
    pub peer: SocketAddr,
    pub transport: Transport,
    /// Our `host:port` as the phone reaches us (Via and Contact).
    pub local: String,
}

impl Dialog {
    /// A request inside the dialog, with the next CSeq (or `cseq` as given,
    /// for an ACK, which reuses its INVITE's).
    pub fn request(&mut self, method: Method, branch: &str, cseq: Option<u32>) -> Request {
        let seq = match cseq {
            Some(seq) => seq,
            None => {
                self.local_cseq += 1;
                self.local_cseq
            }
        };
        let mut req = Request::new(method.clone(), self.remote_target.clone());
        let h = &mut req.headers;
        h.push(
            HeaderName::Via,
            format!(
                "SIP/2.0/{} {};rport;branch={branch}",
                self.transport.as_str(),
                self.local
            ),
        );
        h.push(HeaderName::MaxForwards, "70");
        for r in &self.route {
            h.push(HeaderName::Route, r.as_str());
        }
        h.push(
            HeaderName::From,
            format!("{};tag={}", self.local_uri, self.local_tag),
        );
        h.push(
            HeaderName::To,
            format!("{};tag={}", self.remote_uri, self.remote_tag),
        );
        h.push(HeaderName::CallId, self.call_id.as_str());
        h.push(HeaderName::CSeq, format!("{seq} {method}"));
        h.push(
            HeaderName::Contact,
            format!("<sip:switchboard@{}>", self.local),
        );
        req
    }
}
