//! Header field names: every RFC 3261 header and the common extensions,
//! with their compact forms, plus any other name kept as written.
//!
//! Names compare case-insensitively; a known header is always written in
//! its canonical long form, so `v:` and `VIA :` both come out as `Via:`.

use crate::text::Text;
use std::fmt;

macro_rules! header_names {
    ($( $variant:ident => $canonical:literal, $($lower:literal)|+ ;)*) => {
        /// A header field name.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum HeaderName {
            $( #[doc = $canonical] $variant, )*
            /// A header Switchboard has no name for, kept as written.
            Other(Text),
        }

        impl HeaderName {
            /// The canonical spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( HeaderName::$variant => $canonical, )*
                    HeaderName::Other(t) => t.as_str(),
                }
            }

            /// The known header named `name` (any case, compact forms
            /// included); `None` for any other name.
            pub(crate) fn known(name: &[u8]) -> Option<HeaderName> {
                match name {
                    $( n if n == $canonical.as_bytes() => return Some(HeaderName::$variant), )*
                    _ => {}
                }
                let mut buf = [0u8; 24];
                let lower = buf.get_mut(..name.len())?;
                lower.copy_from_slice(name);
                lower.make_ascii_lowercase();
                match &*lower {
                    $( $($lower)|+ => Some(HeaderName::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

header_names! {
    Via => "Via", b"via" | b"v";
    From => "From", b"from" | b"f";
    To => "To", b"to" | b"t";
    CallId => "Call-ID", b"call-id" | b"i";
    CSeq => "CSeq", b"cseq";
    Contact => "Contact", b"contact" | b"m";
    MaxForwards => "Max-Forwards", b"max-forwards";
    ContentLength => "Content-Length", b"content-length" | b"l";
    ContentType => "Content-Type", b"content-type" | b"c";
    Route => "Route", b"route";
    RecordRoute => "Record-Route", b"record-route";
    Accept => "Accept", b"accept";
    AcceptEncoding => "Accept-Encoding", b"accept-encoding";
    AcceptLanguage => "Accept-Language", b"accept-language";
    AlertInfo => "Alert-Info", b"alert-info";
    Allow => "Allow", b"allow";
    AllowEvents => "Allow-Events", b"allow-events" | b"u";
    AuthenticationInfo => "Authentication-Info", b"authentication-info";
    Authorization => "Authorization", b"authorization";
    CallInfo => "Call-Info", b"call-info";
    ContentDisposition => "Content-Disposition", b"content-disposition";
    ContentEncoding => "Content-Encoding", b"content-encoding" | b"e";
    ContentLanguage => "Content-Language", b"content-language";
    Date => "Date", b"date";
    ErrorInfo => "Error-Info", b"error-info";
    Event => "Event", b"event" | b"o";
    Expires => "Expires", b"expires";
    InReplyTo => "In-Reply-To", b"in-reply-to";
    MimeVersion => "MIME-Version", b"mime-version";
    MinExpires => "Min-Expires", b"min-expires";
    MinSe => "Min-SE", b"min-se";
    Organization => "Organization", b"organization";
    Path => "Path", b"path";
    PAssertedIdentity => "P-Asserted-Identity", b"p-asserted-identity";
    PPreferredIdentity => "P-Preferred-Identity", b"p-preferred-identity";
    Priority => "Priority", b"priority";
    Privacy => "Privacy", b"privacy";
    ProxyAuthenticate => "Proxy-Authenticate", b"proxy-authenticate";
    ProxyAuthorization => "Proxy-Authorization", b"proxy-authorization";
    ProxyRequire => "Proxy-Require", b"proxy-require";
    RAck => "RAck", b"rack";
    Reason => "Reason", b"reason";
    ReferTo => "Refer-To", b"refer-to" | b"r";
    ReferredBy => "Referred-By", b"referred-by" | b"b";
    Replaces => "Replaces", b"replaces";
    ReplyTo => "Reply-To", b"reply-to";
    Require => "Require", b"require";
    RetryAfter => "Retry-After", b"retry-after";
    RSeq => "RSeq", b"rseq";
    Server => "Server", b"server";
    SessionExpires => "Session-Expires", b"session-expires" | b"x";
    Subject => "Subject", b"subject" | b"s";
    SubscriptionState => "Subscription-State", b"subscription-state";
    Supported => "Supported", b"supported" | b"k";
    Timestamp => "Timestamp", b"timestamp";
    Unsupported => "Unsupported", b"unsupported";
    UserAgent => "User-Agent", b"user-agent";
    Warning => "Warning", b"warning";
    WwwAuthenticate => "WWW-Authenticate", b"www-authenticate";
}

impl HeaderName {
    /// The header named `name` (already checked to be a token).
    pub fn from_text(name: Text) -> HeaderName {
        HeaderName::known(name.as_bytes()).unwrap_or(HeaderName::Other(name))
    }

    /// True for headers whose value may be a comma-separated list
    /// (RFC 3261 §7.3.1); the others must appear at most once.
    pub fn is_list(&self) -> bool {
        !matches!(
            self,
            HeaderName::From
                | HeaderName::To
                | HeaderName::CallId
                | HeaderName::CSeq
                | HeaderName::MaxForwards
                | HeaderName::ContentLength
                | HeaderName::ContentType
                | HeaderName::Expires
                | HeaderName::MinExpires
                | HeaderName::Date
                | HeaderName::Authorization
                | HeaderName::ProxyAuthorization
                | HeaderName::WwwAuthenticate
                | HeaderName::ProxyAuthenticate
                | HeaderName::Subject
                | HeaderName::UserAgent
                | HeaderName::Server
                | HeaderName::RetryAfter
                | HeaderName::Timestamp
                | HeaderName::Other(_)
        )
    }

    /// True when `other` names the same header, ignoring case.
    pub fn is(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

impl PartialEq<&str> for HeaderName {
    fn eq(&self, other: &&str) -> bool {
        self.is(other)
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_odd_case_forms_resolve() {
        assert_eq!(HeaderName::from_text("v".into()), HeaderName::Via);
        assert_eq!(
            HeaderName::from_text("MaX-fOrWaRdS".into()),
            HeaderName::MaxForwards
        );
        assert_eq!(HeaderName::from_text("I".into()), HeaderName::CallId);
        assert_eq!(
            HeaderName::from_text("NewFangledHeader".into()),
            HeaderName::Other("NewFangledHeader".into())
        );
    }
}
