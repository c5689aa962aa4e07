//! Header field names: every RFC 3261 header and the common extensions,
//! with their compact forms, plus any other name kept as written.
//!
//! Names compare case-insensitively; a known header is always written in
//! its canonical long form, so `v:` and `VIA :` both come out as `Via:`.

use crate::text::Text;
use std::fmt;

macro_rules! header_names {
    ($( $variant:ident => $canonical:literal $(, $compact:literal)? ;)*) => {
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

            fn known(lower: &[u8]) -> Option<HeaderName> {
                $(
                    if lower.eq_ignore_ascii_case($canonical.as_bytes()) {
                        return Some(HeaderName::$variant);
                    }
                    $( if lower.eq_ignore_ascii_case($compact.as_bytes()) {
                        return Some(HeaderName::$variant);
                    } )?
                )*
                None
            }
        }
    };
}

header_names! {
    Via => "Via", "v";
    From => "From", "f";
    To => "To", "t";
    CallId => "Call-ID", "i";
    CSeq => "CSeq";
    Contact => "Contact", "m";
    MaxForwards => "Max-Forwards";
    ContentLength => "Content-Length", "l";
    ContentType => "Content-Type", "c";
    Route => "Route";
    RecordRoute => "Record-Route";
    Accept => "Accept";
    AcceptEncoding => "Accept-Encoding";
    AcceptLanguage => "Accept-Language";
    AlertInfo => "Alert-Info";
    Allow => "Allow";
    AllowEvents => "Allow-Events", "u";
    AuthenticationInfo => "Authentication-Info";
    Authorization => "Authorization";
    CallInfo => "Call-Info";
    ContentDisposition => "Content-Disposition";
    ContentEncoding => "Content-Encoding", "e";
    ContentLanguage => "Content-Language";
    Date => "Date";
    ErrorInfo => "Error-Info";
    Event => "Event", "o";
    Expires => "Expires";
    InReplyTo => "In-Reply-To";
    MimeVersion => "MIME-Version";
    MinExpires => "Min-Expires";
    MinSe => "Min-SE";
    Organization => "Organization";
    Path => "Path";
    PAssertedIdentity => "P-Asserted-Identity";
    PPreferredIdentity => "P-Preferred-Identity";
    Priority => "Priority";
    Privacy => "Privacy";
    ProxyAuthenticate => "Proxy-Authenticate";
    ProxyAuthorization => "Proxy-Authorization";
    ProxyRequire => "Proxy-Require";
    RAck => "RAck";
    Reason => "Reason";
    ReferTo => "Refer-To", "r";
    ReferredBy => "Referred-By", "b";
    Replaces => "Replaces";
    ReplyTo => "Reply-To";
    Require => "Require";
    RetryAfter => "Retry-After";
    RSeq => "RSeq";
    Server => "Server";
    SessionExpires => "Session-Expires", "x";
    Subject => "Subject", "s";
    SubscriptionState => "Subscription-State";
    Supported => "Supported", "k";
    Timestamp => "Timestamp";
    Unsupported => "Unsupported";
    UserAgent => "User-Agent";
    Warning => "Warning";
    WwwAuthenticate => "WWW-Authenticate";
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
