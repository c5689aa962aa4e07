//! The client side of digest authentication toward a provider: where a
//! trunk's 401 or 407 carries its challenge, and where the answer goes,
//! for its INVITEs and REGISTERs alike.

use switchboard_sip::digest::{Challenge, Scheme};
use switchboard_sip::{HeaderName, Response};

/// The digest challenge of a 401 (WWW-Authenticate) or 407
/// (Proxy-Authenticate); none for any other answer.
pub(super) fn digest_challenge(response: &Response) -> Option<Challenge> {
    let header = match response.code {
        401 => HeaderName::WwwAuthenticate,
        407 => HeaderName::ProxyAuthenticate,
        _ => return None,
    };
    let challenge = response
        .headers
        .get_all(&header)
        .find_map(|v| match Challenge::parse(v) {
            Ok(Scheme::Digest(c)) => Some(c),
            _ => None,
        });
    challenge
}

/// The header that answers a challenge of response `code`:
/// Proxy-Authorization for a 407, Authorization for a 401.
pub(super) fn credentials_header(code: u16) -> HeaderName {
    if code == 407 {
        HeaderName::ProxyAuthorization
    } else {
        HeaderName::Authorization
    }
}
