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
                let mut buf = [0u8; 24];
                let lower = buf.get_mut(..name.len())?;
                lower.copy_from_slice(name);
                lower.make_ascii_lowercase();
                match std::str::from_utf8(lower).ok()? {
                    $( $($lower)|+ => Some(HeaderName::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

header_names! {
    Via => "Via", "via" | "v";
    From => "From", "from" | "f";
    To => "To", "to" | "t";
    CallId => "Call-ID", "call-id" | "i";
    CSeq => "CSeq", "cseq";
    Contact => "Contact", "contact" | "m";
    MaxForwards => "Max-Forwards", "max-forwards";
    ContentLength => "Content-Length", "content-length" | "l";
    ContentType => "Content-Type", "content-type" | "c";
    Route => "Route", "route";
    RecordRoute => "Record-Route", "record-route";
    Accept => "Accept", "accept";
    AcceptEncoding => "Accept-Encoding", "accept-encoding";
    AcceptLanguage => "Accept-Language", "accept-language";
    AlertInfo => "Alert-Info", "alert-info";
    Allow => "Allow", "allow";
    AllowEvents => "Allow-Events", "allow-events" | "u";
    AuthenticationInfo => "Authentication-Info", "authentication-info";
    Authorization => "Authorization", "authorization";
    CallInfo => "Call-Info", "call-info";
    ContentDisposition => "Content-Disposition", "content-disposition";
    ContentEncoding => "Content-Encoding", "content-encoding" | "e";
    ContentLanguage => "Content-Language", "content-language";
    Date => "Date", "date";
    ErrorInfo => "Error-Info", "error-info";
    Event => "Event", "event" | "o";
    Expires => "Expires", "expires";
    InReplyTo => "In-Reply-To", "in-reply-to";
    MimeVersion => "MIME-Version", "mime-version";
    MinExpires => "Min-Expires", "min-expires";
    MinSe => "Min-SE", "min-se";
    Organization => "Organization", "organization";
    Path => "Path", "path";
    PAssertedIdentity => "P-Asserted-Identity", "p-asserted-identity";
    PPreferredIdentity => "P-Preferred-Identity", "p-preferred-identity";
    Priority => "Priority", "priority";
    Privacy => "Privacy", "privacy";
    ProxyAuthenticate => "Proxy-Authenticate", "proxy-authenticate";
    ProxyAuthorization => "Proxy-Authorization", "proxy-authorization";
    ProxyRequire => "Proxy-Require", "proxy-require";
    RAck => "RAck", "rack";
    Reason => "Reason", "reason";
    ReferTo => "Refer-To", "refer-to" | "r";
    ReferredBy => "Referred-By", "referred-by" | "b";
    Replaces => "Replaces", "replaces";
    ReplyTo => "Reply-To", "reply-to";
    Require => "Require", "require";
    RetryAfter => "Retry-After", "retry-after";
    RSeq => "RSeq", "rseq";
    Server => "Server", "server";
    SessionExpires => "Session-Expires", "session-expires" | "x";
    Subject => "Subject", "subject" | "s";
    SubscriptionState => "Subscription-State", "subscription-state";
    Supported => "Supported", "supported" | "k";
    Timestamp => "Timestamp", "timestamp";
    Unsupported => "Unsupported", "unsupported";
    UserAgent => "User-Agent", "user-agent";
    Warning => "Warning", "warning";
    WwwAuthenticate => "WWW-Authenticate", "www-authenticate";
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
