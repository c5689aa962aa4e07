//! SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760).
//!
//! Parses and formats `WWW-Authenticate`/`Proxy-Authenticate` challenges and
//! `Authorization`/`Proxy-Authorization` credentials, answers challenges on
//! the client side, and on the server side issues stateless MAC-protected
//! nonces and verifies responses.
//!
//! The module is sans-I/O: it never reads the clock or the OS RNG. The
//! current time, random salts, client nonces and the server secret are
//! always passed in by the caller.
//!
//! A server typically: parses the credentials, checks that the realm is its
//! own, checks the nonce with [`Nonces::check`] (answering a stale nonce with
//! a fresh challenge carrying `stale=true`), then calls
//! [`Credentials::verify`] or [`Credentials::verify_with_ha1`].

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use md5::Md5;
use sha2::{Digest, Sha256};

/// Auth-params as (name, unescaped value) pairs, in order.
pub type Params = Vec<(String, String)>;

/// A digest hash algorithm (RFC 7616 §6.1, RFC 8760).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    /// Whether this is a `-sess` variant, whose HA1 also covers the nonce and cnonce.
    pub fn is_session(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    fn hash(self, data: &[u8]) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data)),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data)),
        }
    }
}

impl FromStr for Algorithm {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| ParseError::new("unsupported algorithm"))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A quality-of-protection value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qop {
    Auth,
    AuthInt,
    /// An unknown token, kept so that formatting round-trips.
    Other(String),
}

impl Qop {
    fn parse(token: &str) -> Qop {
        if token.eq_ignore_ascii_case("auth") {
            Qop::Auth
        } else if token.eq_ignore_ascii_case("auth-int") {
            Qop::AuthInt
        } else {
            Qop::Other(token.to_owned())
        }
    }
}

impl fmt::Display for Qop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Qop::Auth => f.write_str("auth"),
            Qop::AuthInt => f.write_str("auth-int"),
            Qop::Other(token) => f.write_str(token),
        }
    }
}

/// Why a header value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    message: String,
}

impl ParseError {
    fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
        }
    }

    /// A short description of what is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A parsed authentication header value: Digest, or a scheme this module does not handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme<T> {
    Digest(T),
    Other(OtherScheme),
}

/// An authentication scheme other than Digest, such as RFC 4475's `NoOneKnowsThisScheme`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherScheme {
    pub scheme: String,
    /// Everything after the scheme, trimmed and otherwise unparsed.
    pub data: String,
}

impl<T: fmt::Display> fmt::Display for Scheme<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::Digest(value) => value.fmt(f),
            Scheme::Other(other) if other.data.is_empty() => f.write_str(&other.scheme),
            Scheme::Other(other) => write!(f, "{} {}", other.scheme, other.data),
        }
    }
}

/// A Digest challenge, the value of `WWW-Authenticate` or `Proxy-Authenticate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    /// The raw space-separated URI list.
    pub domain: Option<String>,
    pub nonce: String,
    pub opaque: Option<String>,
    pub stale: bool,
    /// `MD5` when the parameter is absent.
    pub algorithm: Algorithm,
    /// Offered qop values; empty when the parameter is absent (RFC 2069 mode).
    pub qop: Vec<Qop>,
    pub userhash: bool,
    /// Parameters this module does not interpret, in order.
    pub params: Params,
}

impl Challenge {
    /// A challenge offering `qop="auth"` with the given algorithm.
    pub fn new(realm: &str, nonce: &str, algorithm: Algorithm) -> Self {
        Challenge {
            realm: realm.to_owned(),
            domain: None,
            nonce: nonce.to_owned(),
            opaque: None,
            stale: false,
            algorithm,
            qop: vec![Qop::Auth],
            userhash: false,
            params: Vec::new(),
        }
    }

    /// The two challenges a server sends, SHA-256 first then MD5 (RFC 8760 §2.4),
    /// each as its own header field.
    pub fn sha256_and_md5(realm: &str, nonce: &str, stale: bool) -> [Challenge; 2] {
        [Algorithm::Sha256, Algorithm::Md5].map(|algorithm| Challenge {
            stale,
            ..Challenge::new(realm, nonce, algorithm)
        })
    }

    /// Parses a header value. An unsupported algorithm is an error, so a client
    /// can take the first challenge that parses (RFC 8760 §2.4).
    pub fn parse(value: &str) -> Result<Scheme<Challenge>, ParseError> {
        parse_scheme(value, Challenge::from_params)
    }

    fn from_params(mut params: Params) -> Result<Self, ParseError> {
        Ok(Challenge {
            realm: required(&mut params, "realm")?,
            domain: take(&mut params, "domain")?,
            nonce: required(&mut params, "nonce")?,
            opaque: take(&mut params, "opaque")?,
            stale: take_flag(&mut params, "stale")?,
            algorithm: take_algorithm(&mut params)?,
            qop: take(&mut params, "qop")?
                .map(|list| parse_qop_list(&list))
                .unwrap_or_default(),
            userhash: take_flag(&mut params, "userhash")?,
            params,
        })
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest realm={}", quoted(&self.realm))?;
        if let Some(domain) = &self.domain {
            write!(f, ", domain={}", quoted(domain))?;
        }
        write!(f, ", nonce={}", quoted(&self.nonce))?;
        if let Some(opaque) = &self.opaque {
            write!(f, ", opaque={}", quoted(opaque))?;
        }
        if self.stale {
            f.write_str(", stale=true")?;
        }
        write!(f, ", algorithm={}", self.algorithm)?;
        if !self.qop.is_empty() {
            let list: Vec<String> = self.qop.iter().map(Qop::to_string).collect();
            write!(f, ", qop={}", quoted(&list.join(",")))?;
        }
        if self.userhash {
            f.write_str(", userhash=true")?;
        }
        write_params(f, &self.params)
    }
}

/// Digest credentials, the value of `Authorization` or `Proxy-Authorization`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// With `userhash`, this is the hashed username (see [`hashed_username`]).
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    /// `MD5` when the parameter is absent.
    pub algorithm: Algorithm,
    pub cnonce: Option<String>,
    pub opaque: Option<String>,
    /// `None` in RFC 2069 mode.
    pub qop: Option<Qop>,
    pub nc: Option<u32>,
    pub userhash: bool,
    /// Parameters this module does not interpret, in order.
    pub params: Params,
}

impl Credentials {
    /// Parses a header value.
    pub fn parse(value: &str) -> Result<Scheme<Credentials>, ParseError> {
        parse_scheme(value, Credentials::from_params)
    }

    fn from_params(mut params: Params) -> Result<Self, ParseError> {
        let credentials = Credentials {
            username: required(&mut params, "username")?,
            realm: required(&mut params, "realm")?,
            nonce: required(&mut params, "nonce")?,
            uri: required(&mut params, "uri")?,
            response: required(&mut params, "response")?,
            algorithm: take_algorithm(&mut params)?,
            cnonce: take(&mut params, "cnonce")?,
            opaque: take(&mut params, "opaque")?,
            qop: take(&mut params, "qop")?.map(|qop| Qop::parse(&qop)),
            nc: take(&mut params, "nc")?
                .map(|nc| parse_nc(&nc))
                .transpose()?,
            userhash: take_flag(&mut params, "userhash")?,
            params,
        };
        if credentials.qop.is_some() && credentials.cnonce.is_none() {
            return Err(ParseError::new("qop without cnonce"));
        }
        if credentials.qop.is_some() && credentials.nc.is_none() {
            return Err(ParseError::new("qop without nc"));
        }
        Ok(credentials)
    }

    /// Answers a challenge. Uses `qop=auth` when offered, `auth-int` when it is
    /// the only known qop offered, and no qop (RFC 2069) otherwise. `cnonce` is
    /// used only with a qop or a `-sess` algorithm, `nc` only with a qop.
    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        challenge: &Challenge,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        body: &[u8],
        cnonce: &str,
        nc: u32,
    ) -> Credentials {
        let qop = choose_qop(&challenge.qop);
        let uses_cnonce = qop.is_some() || challenge.algorithm.is_session();
        let mut credentials = Credentials {
            username: username.to_owned(),
            realm: challenge.realm.clone(),
            nonce: challenge.nonce.clone(),
            uri: uri.to_owned(),
            response: String::new(),
            algorithm: challenge.algorithm,
            cnonce: uses_cnonce.then(|| cnonce.to_owned()),
            opaque: challenge.opaque.clone(),
            nc: qop.as_ref().map(|_| nc),
            qop,
            userhash: false,
            params: Vec::new(),
        };
        let ha1 = ha1(challenge.algorithm, username, &challenge.realm, password);
        // Cannot be None: cnonce and nc are set above whenever they are needed.
        credentials.response = credentials
            .expected_response(&ha1, method, body)
            .unwrap_or_default();
        credentials
    }

    /// Whether the response matches `password`, using the username in the
    /// credentials (so not for `userhash`: use [`Credentials::verify_with_ha1`]).
    pub fn verify(&self, password: &str, method: &str, body: &[u8]) -> bool {
        let ha1 = ha1(self.algorithm, &self.username, &self.realm, password);
        self.verify_with_ha1(&ha1, method, body)
    }

    /// Whether the response matches, given the stored [`ha1`] for the
    /// credentials' algorithm. Compares in constant time.
    pub fn verify_with_ha1(&self, ha1: &str, method: &str, body: &[u8]) -> bool {
        self.expected_response(&ha1.to_ascii_lowercase(), method, body)
            .is_some_and(|expected| {
                constant_time_eq(
                    expected.as_bytes(),
                    self.response.to_ascii_lowercase().as_bytes(),
                )
            })
    }

    /// The response for these credentials, or `None` when a needed field is
    /// missing or the qop is unknown.
    fn expected_response(&self, ha1: &str, method: &str, body: &[u8]) -> Option<String> {
        let algorithm = self.algorithm;
        let ha1 = if algorithm.is_session() {
            let cnonce = self.cnonce.as_deref()?;
            algorithm.hash(format!("{ha1}:{}:{cnonce}", self.nonce).as_bytes())
        } else {
            ha1.to_owned()
        };
        let a2 = match &self.qop {
            None | Some(Qop::Auth) => format!("{method}:{}", self.uri),
            Some(Qop::AuthInt) => format!("{method}:{}:{}", self.uri, algorithm.hash(body)),
            Some(Qop::Other(_)) => return None,
        };
        let ha2 = algorithm.hash(a2.as_bytes());
        let data = match &self.qop {
            None => format!("{ha1}:{}:{ha2}", self.nonce),
            Some(qop) => format!(
                "{ha1}:{}:{:08x}:{}:{qop}:{ha2}",
                self.nonce,
                self.nc?,
                self.cnonce.as_deref()?
            ),
        };
        Some(algorithm.hash(data.as_bytes()))
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Digest username={}, realm={}, nonce={}, uri={}, response={}, algorithm={}",
            quoted(&self.username),
            quoted(&self.realm),
            quoted(&self.nonce),
            quoted(&self.uri),
            quoted(&self.response),
            self.algorithm
        )?;
        if let Some(cnonce) = &self.cnonce {
            write!(f, ", cnonce={}", quoted(cnonce))?;
        }
        if let Some(opaque) = &self.opaque {
            write!(f, ", opaque={}", quoted(opaque))?;
        }
        if let Some(qop) = &self.qop {
            write!(f, ", qop={}", token_or_quoted(&qop.to_string()))?;
        }
        if let Some(nc) = self.nc {
            write!(f, ", nc={nc:08x}")?;
        }
        if self.userhash {
            f.write_str(", userhash=true")?;
        }
        write_params(f, &self.params)
    }
}

/// HA1 = H(username:realm:password), hex. For `-sess` algorithms this is the
/// stored part; the nonce and cnonce are folded in at verification.
pub fn ha1(algorithm: Algorithm, username: &str, realm: &str, password: &str) -> String {
    algorithm.hash(format!("{username}:{realm}:{password}").as_bytes())
}

/// The `userhash` form of a username, H(username:realm) (RFC 7616 §3.4.4).
pub fn hashed_username(algorithm: Algorithm, username: &str, realm: &str) -> String {
    algorithm.hash(format!("{username}:{realm}").as_bytes())
}

/// What [`Nonces::check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceStatus {
    Valid,
    /// Ours, but older than the maximum age: challenge again with `stale=true`.
    Stale,
    /// Not ours, tampered with, or malformed.
    Invalid,
}

/// Issues and checks stateless nonces: hex of timestamp (8 bytes, big
/// endian), salt (8 bytes) and a truncated HMAC-SHA256 over both (16 bytes).
#[derive(Clone)]
pub struct Nonces {
    mac: Hmac<Sha256>,
}

const NONCE_PAYLOAD_LEN: usize = 16;
const NONCE_TAG_LEN: usize = 16;

impl Nonces {
    /// `secret` should be random, and shared by every node that checks the nonces.
    pub fn new(secret: [u8; 32]) -> Self {
        let mac = Hmac::new_from_slice(&secret).expect("HMAC accepts keys of any length");
        Nonces { mac }
    }

    /// A nonce issued at `now_secs`; `salt` should be random.
    pub fn create(&self, now_secs: u64, salt: [u8; 8]) -> String {
        let mut payload = [0u8; NONCE_PAYLOAD_LEN];
        payload[..8].copy_from_slice(&now_secs.to_be_bytes());
        payload[8..].copy_from_slice(&salt);
        let mut mac = self.mac.clone();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        format!("{}{}", hex(&payload), hex(&tag[..NONCE_TAG_LEN]))
    }

    /// Checks a nonce's MAC and age. A timestamp ahead of `now_secs` counts as
    /// age zero, so servers with slightly skewed clocks accept each other's nonces.
    pub fn check(&self, nonce: &str, now_secs: u64, max_age_secs: u64) -> NonceStatus {
        let Some(bytes) = decode_hex(nonce) else {
            return NonceStatus::Invalid;
        };
        if bytes.len() != NONCE_PAYLOAD_LEN + NONCE_TAG_LEN {
            return NonceStatus::Invalid;
        }
        let (payload, tag) = bytes.split_at(NONCE_PAYLOAD_LEN);
        let mut mac = self.mac.clone();
        mac.update(payload);
        if mac.verify_truncated_left(tag).is_err() {
            return NonceStatus::Invalid;
        }
        let issued = payload[..8]
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if now_secs.saturating_sub(issued) > max_age_secs {
            NonceStatus::Stale
        } else {
            NonceStatus::Valid
        }
    }
}

impl fmt::Debug for Nonces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nonces").finish_non_exhaustive()
    }
}

fn choose_qop(offered: &[Qop]) -> Option<Qop> {
    [Qop::Auth, Qop::AuthInt]
        .into_iter()
        .find(|qop| offered.contains(qop))
}

fn parse_qop_list(list: &str) -> Vec<Qop> {
    list.split(',')
        .map(|t| t.trim_matches(is_whitespace))
        .filter(|t| !t.is_empty())
        .map(Qop::parse)
        .collect()
}

/// Strictly 8LHEX, since verification hashes the lowercase form.
fn parse_nc(value: &str) -> Result<u32, ParseError> {
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if value.len() != 8 || !value.bytes().all(lower_hex) {
        return Err(ParseError::new("nc must be 8 lowercase hex digits"));
    }
    u32::from_str_radix(value, 16).map_err(|_| ParseError::new("nc must be 8 lowercase hex digits"))
}

/// Removes the parameter `name` (case-insensitive) from `params`.
fn take(params: &mut Params, name: &str) -> Result<Option<String>, ParseError> {
    let mut matches = params
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.eq_ignore_ascii_case(name))
        .map(|(i, _)| i);
    let Some(index) = matches.next() else {
        return Ok(None);
    };
    if matches.next().is_some() {
        return Err(ParseError::new(format!("duplicate {name}")));
    }
    Ok(Some(params.remove(index).1))
}

fn required(params: &mut Params, name: &str) -> Result<String, ParseError> {
    take(params, name)?.ok_or_else(|| ParseError::new(format!("missing {name}")))
}

/// A boolean parameter: `true` (any case) is true, anything else or absence false.
fn take_flag(params: &mut Params, name: &str) -> Result<bool, ParseError> {
    Ok(take(params, name)?.is_some_and(|v| v.eq_ignore_ascii_case("true")))
}

fn take_algorithm(params: &mut Params) -> Result<Algorithm, ParseError> {
    take(params, "algorithm")?.map_or(Ok(Algorithm::Md5), |a| a.parse())
}

/// Splits off the scheme; Digest values go to `digest`, others are kept raw.
fn parse_scheme<T>(
    value: &str,
    digest: fn(Params) -> Result<T, ParseError>,
) -> Result<Scheme<T>, ParseError> {
    let mut cursor = Cursor::new(value);
    cursor.skip_whitespace();
    let scheme = cursor.token();
    if scheme.is_empty() {
        return Err(ParseError::new("missing scheme"));
    }
    if cursor.peek().is_some_and(|b| !is_whitespace_byte(b)) {
        return Err(ParseError::new("expected whitespace after scheme"));
    }
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Ok(Scheme::Other(OtherScheme {
            scheme: scheme.to_owned(),
            data: cursor.rest().trim_matches(is_whitespace).to_owned(),
        }));
    }
    parse_params(&mut cursor)
        .and_then(digest)
        .map(Scheme::Digest)
}

/// Parses a comma-separated auth-param list, tolerating empty elements.
fn parse_params(cursor: &mut Cursor<'_>) -> Result<Params, ParseError> {
    let mut params = Vec::new();
    loop {
        cursor.skip_whitespace();
        match cursor.peek() {
            None => return Ok(params),
            Some(b',') => cursor.advance(),
            Some(_) => {
                params.push(parse_param(cursor)?);
                cursor.skip_whitespace();
                match cursor.peek() {
                    None | Some(b',') => {}
                    Some(_) => return Err(ParseError::new("expected ',' between parameters")),
                }
            }
        }
    }
}

fn parse_param(cursor: &mut Cursor<'_>) -> Result<(String, String), ParseError> {
    let name = cursor.token();
    if name.is_empty() {
        return Err(ParseError::new("expected parameter name"));
    }
    cursor.skip_whitespace();
    if cursor.peek() != Some(b'=') {
        return Err(ParseError::new(format!("expected '=' after {name}")));
    }
    cursor.advance();
    cursor.skip_whitespace();
    let value = if cursor.peek() == Some(b'"') {
        cursor.quoted_string()?
    } else {
        let value = cursor.bare_value();
        if value.is_empty() {
            return Err(ParseError::new(format!("missing value for {name}")));
        }
        value.to_owned()
    };
    Ok((name.to_owned(), value))
}

/// A position in a header value. It only stops on ASCII bytes, so every
/// position it slices at is a char boundary.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn advance(&mut self) {
        self.pos += 1;
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.advance();
        }
        self.text.get(start..self.pos).unwrap_or_default()
    }

    fn skip_whitespace(&mut self) {
        self.take_while(is_whitespace_byte);
    }

    fn token(&mut self) -> &'a str {
        self.take_while(is_tchar)
    }

    /// An unquoted value: lenient, anything up to whitespace, comma or quote.
    fn bare_value(&mut self) -> &'a str {
        self.take_while(|b| !is_whitespace_byte(b) && b != b',' && b != b'"' && !is_ctl(b))
    }

    /// A quoted string starting at the opening quote, with backslash escapes removed.
    fn quoted_string(&mut self) -> Result<String, ParseError> {
        self.advance();
        let mut value = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(ParseError::new("unterminated quoted string"));
            };
            self.advance();
            match byte {
                b'"' => break,
                b'\\' => {
                    let escaped = self
                        .peek()
                        .ok_or_else(|| ParseError::new("unterminated quoted string"))?;
                    self.advance();
                    value.push(escaped);
                }
                _ => value.push(byte),
            }
            if value.last().is_some_and(|&b| is_ctl(b)) {
                return Err(ParseError::new("control character in quoted string"));
            }
        }
        String::from_utf8(value).map_err(|_| ParseError::new("invalid UTF-8 in quoted string"))
    }
}

fn is_whitespace_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_whitespace(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_whitespace_byte)
}

/// A control character other than horizontal tab.
fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// RFC 7230 tchar, a superset of RFC 3261 token characters.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A quoted string with `"` and `\` escaped. Control characters cannot be
/// escaped in SIP, so they are dropped rather than allowed to break the header.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        if !u8::try_from(c).is_ok_and(is_ctl) {
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn token_or_quoted(value: &str) -> String {
    if !value.is_empty() && value.bytes().all(is_tchar) {
        value.to_owned()
    } else {
        quoted(value)
    }
}

fn write_params(f: &mut fmt::Formatter<'_>, params: &[(String, String)]) -> fmt::Result {
    params
        .iter()
        .try_for_each(|(name, value)| write!(f, ", {name}={}", token_or_quoted(value)))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const RFC7616_OPAQUE: &str = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn digest_challenge(value: &str) -> Challenge {
        match Challenge::parse(value) {
            Ok(Scheme::Digest(challenge)) => challenge,
            other => panic!("not a Digest challenge: {other:?}"),
        }
    }

    fn digest_credentials(value: &str) -> Credentials {
        match Credentials::parse(value) {
            Ok(Scheme::Digest(credentials)) => credentials,
            other => panic!("not Digest credentials: {other:?}"),
        }
    }

    fn rfc7616_answer(algorithm: &str) -> Credentials {
        let challenge = digest_challenge(&format!(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
             algorithm={algorithm}, nonce=\"{RFC7616_NONCE}\", opaque=\"{RFC7616_OPAQUE}\""
        ));
        Credentials::answer(
            &challenge,
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            b"",
            RFC7616_CNONCE,
            1,
        )
    }

    #[test]
    fn rfc7616_md5_example() {
        let credentials = rfc7616_answer("MD5");
        assert_eq!(credentials.response, "8ca523f5e9506fed4657c9700eebdbec");
        assert_eq!(credentials.qop, Some(Qop::Auth));
        assert_eq!(credentials.opaque.as_deref(), Some(RFC7616_OPAQUE));
        assert!(credentials.verify("Circle of Life", "GET", b""));
    }

    #[test]
    fn rfc7616_sha256_example() {
        let credentials = rfc7616_answer("SHA-256");
        assert_eq!(
            credentials.response,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        let stored = ha1(
            Algorithm::Sha256,
            "Mufasa",
            "http-auth@example.org",
            "Circle of Life",
        );
        assert!(credentials.verify_with_ha1(&stored, "GET", b""));
    }

    #[test]
    fn rfc7616_authorization_header_verifies() {
        let credentials = digest_credentials(&format!(
            "Digest username=\"Mufasa\",\r\n    realm=\"http-auth@example.org\",\
             \r\n    uri=\"/dir/index.html\", algorithm=SHA-256,\
             \r\n    nonce=\"{RFC7616_NONCE}\", nc=00000001, cnonce=\"{RFC7616_CNONCE}\",\
             \r\n    qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\
             \r\n    opaque=\"{RFC7616_OPAQUE}\""
        ));
        assert_eq!(credentials.nc, Some(1));
        assert!(credentials.verify("Circle of Life", "GET", b""));
        assert!(!credentials.verify("Circle of life", "GET", b""));
        assert!(!credentials.verify("Circle of Life", "POST", b""));
    }

    #[test]
    fn rfc2069_example_without_qop() {
        // RFC 2069 §2.4 with the response corrected by its erratum.
        let challenge = digest_challenge(
            "Digest realm=\"testrealm@host.com\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        );
        let credentials = Credentials::answer(
            &challenge,
            "Mufasa",
            "CircleOfLife",
            "GET",
            "/dir/index.html",
            b"",
            "unused",
            1,
        );
        assert_eq!(credentials.response, "1949323746fe6a43ef61f9606e7febea");
        assert_eq!(credentials.qop, None);
        assert_eq!(credentials.cnonce, None);
        assert_eq!(credentials.nc, None);
        let text = credentials.to_string();
        assert!(!text.contains("qop=") && !text.contains("nc=") && !text.contains("cnonce="));
        assert!(digest_credentials(&text).verify("CircleOfLife", "GET", b""));
    }

    #[test]
    fn rfc2617_example_with_qop() {
        let challenge = digest_challenge(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        );
        let credentials = Credentials::answer(
            &challenge,
            "Mufasa",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            b"",
            "0a4f113b",
            1,
        );
        assert_eq!(credentials.response, "6629fae49393a05397450978507c4ef1");
    }

    /// Expected values below were computed independently with Python's hashlib.
    fn switchboard_answer(algorithm: Algorithm, qop: &[Qop], body: &[u8]) -> Credentials {
        let challenge = Challenge {
            qop: qop.to_vec(),
            ..Challenge::new("switchboard", "abc", algorithm)
        };
        Credentials::answer(
            &challenge,
            "alice",
            "secret",
            "REGISTER",
            "sip:example.com",
            body,
            "0a4f113b",
            1,
        )
    }

    #[test]
    fn session_algorithms() {
        let md5 = switchboard_answer(Algorithm::Md5Sess, &[Qop::Auth], b"");
        assert_eq!(md5.response, "97f71c93dc1eaa7567bb36f1b281b492");
        let sha = switchboard_answer(Algorithm::Sha256Sess, &[Qop::Auth], b"");
        assert_eq!(
            sha.response,
            "463989c63eddfc508bf16944f5eb948d47b95f90f8aca02ef9e52a2873e2bdd8"
        );
        for credentials in [md5, sha] {
            let parsed = digest_credentials(&credentials.to_string());
            assert!(parsed.verify("secret", "REGISTER", b""));
            let stored = ha1(parsed.algorithm, "alice", "switchboard", "secret");
            assert!(parsed.verify_with_ha1(&stored.to_uppercase(), "REGISTER", b""));
            let without_cnonce = Credentials {
                cnonce: None,
                qop: None,
                ..parsed
            };
            assert!(!without_cnonce.verify("secret", "REGISTER", b""));
        }
    }

    #[test]
    fn auth_int_only_when_it_is_the_only_known_qop() {
        let sha = switchboard_answer(Algorithm::Sha256, &[Qop::AuthInt], b"v=0\r\n");
        assert_eq!(sha.qop, Some(Qop::AuthInt));
        assert_eq!(
            sha.response,
            "4ae36ebd01421c29f5f812764e1ce62a829c38c6319314da51114b84a61c1a72"
        );
        assert!(sha.verify("secret", "REGISTER", b"v=0\r\n"));
        assert!(!sha.verify("secret", "REGISTER", b"v=1\r\n"));

        let offered = [Qop::Other("x".into()), Qop::AuthInt];
        let md5 = switchboard_answer(Algorithm::Md5, &offered, b"");
        assert_eq!(md5.response, "e1a9081666e73c48dbdfb0c8d4330af0");

        let both = switchboard_answer(Algorithm::Md5, &[Qop::AuthInt, Qop::Auth], b"");
        assert_eq!(both.qop, Some(Qop::Auth));

        let unknown = switchboard_answer(Algorithm::Sha256, &[Qop::Other("x".into())], b"");
        assert_eq!(unknown.qop, None);
        assert_eq!(
            unknown.response,
            "d404b19ae1bb9daa031f1a5211c780f072910be4b5921b73ac6a3a9a1ae4b182"
        );
    }

    #[test]
    fn unknown_qop_in_credentials_never_verifies() {
        let credentials = Credentials {
            qop: Some(Qop::Other("auth-conf".into())),
            ..switchboard_answer(Algorithm::Md5, &[Qop::Auth], b"")
        };
        assert!(!credentials.verify("secret", "REGISTER", b""));
    }

    #[test]
    fn response_comparison_ignores_hex_case() {
        let mut credentials = switchboard_answer(Algorithm::Md5, &[Qop::Auth], b"");
        credentials.response = credentials.response.to_uppercase();
        assert!(credentials.verify("secret", "REGISTER", b""));
        credentials.response.pop();
        assert!(!credentials.verify("secret", "REGISTER", b""));
    }

    #[test]
    fn hashed_username_matches_definition() {
        assert_eq!(
            hashed_username(Algorithm::Sha256, "Mufasa", "http-auth@example.org"),
            "a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6"
        );
    }

    #[test]
    fn algorithm_tokens() {
        assert_eq!("md5".parse(), Ok(Algorithm::Md5));
        assert_eq!("MD5-SESS".parse(), Ok(Algorithm::Md5Sess));
        assert_eq!("sha-256".parse(), Ok(Algorithm::Sha256));
        assert_eq!("Sha-256-Sess".parse(), Ok(Algorithm::Sha256Sess));
        assert!("SHA-512-256".parse::<Algorithm>().is_err());
        assert!("".parse::<Algorithm>().is_err());
        assert_eq!(Algorithm::Sha256Sess.to_string(), "SHA-256-sess");
        assert_eq!(Algorithm::Md5Sess.to_string(), "MD5-sess");
        assert!(Challenge::parse("Digest realm=a, nonce=b, algorithm=AKAv1-MD5").is_err());
    }

    #[test]
    fn nonce_lifecycle_with_virtual_time() {
        let nonces = Nonces::new([7; 32]);
        let nonce = nonces.create(1_000, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(nonce.len(), 64);
        assert_eq!(nonces.check(&nonce, 1_000, 300), NonceStatus::Valid);
        assert_eq!(nonces.check(&nonce, 1_300, 300), NonceStatus::Valid);
        assert_eq!(nonces.check(&nonce, 1_301, 300), NonceStatus::Stale);
        assert_eq!(nonces.check(&nonce, 900, 300), NonceStatus::Valid);
        assert_eq!(
            nonces.check(&nonce.to_uppercase(), 1_000, 300),
            NonceStatus::Valid
        );
        let other_salt = nonces.create(1_000, [0; 8]);
        assert_ne!(nonce, other_salt);
        let other_secret = Nonces::new([8; 32]);
        assert_eq!(other_secret.check(&nonce, 1_000, 300), NonceStatus::Invalid);
    }

    #[test]
    fn tampered_nonce_is_invalid() {
        let nonces = Nonces::new([42; 32]);
        let nonce = nonces.create(5_000, [9; 8]);
        for index in [0, 15, 20, 40, 63] {
            let mut bytes = nonce.clone().into_bytes();
            bytes[index] = if bytes[index] == b'0' { b'1' } else { b'0' };
            let tampered = String::from_utf8(bytes).expect("hex stays ASCII");
            assert_eq!(
                nonces.check(&tampered, 5_000, 300),
                NonceStatus::Invalid,
                "{tampered}"
            );
        }
        // A later timestamp with the old MAC must not pass as fresh.
        let forged = format!(
            "{}{}",
            nonces.create(9_000, [9; 8]).get(..32).unwrap_or(""),
            nonce.get(32..).unwrap_or("")
        );
        assert_eq!(nonces.check(&forged, 9_000, 300), NonceStatus::Invalid);
    }

    #[test]
    fn malformed_nonce_is_invalid() {
        let nonces = Nonces::new([0; 32]);
        let nonce = nonces.create(1, [0; 8]);
        for bad in [
            "",
            "zz",
            "abc",
            &nonce[..62],
            &format!("{nonce}00"),
            &format!("{}é", &nonce[..62]),
            &format!("{}g", &nonce[..63]),
            RFC7616_NONCE,
        ] {
            assert_eq!(nonces.check(bad, 1, 300), NonceStatus::Invalid, "{bad}");
        }
    }

    #[test]
    fn challenge_round_trip_with_escapes_and_unknown_params() {
        let text = r#"Digest realm="the \"best\" realm \\ ever", domain="sip:a.example sip:b.example",
            nonce="n=1,2", opaque="", stale=TRUE, algorithm=sha-256-sess, qop="auth-int, auth , x-tok",
            charset=UTF-8, x-note="a, b", userhash=true"#;
        let challenge = digest_challenge(text);
        assert_eq!(challenge.realm, r#"the "best" realm \ ever"#);
        assert_eq!(
            challenge.domain.as_deref(),
            Some("sip:a.example sip:b.example")
        );
        assert_eq!(challenge.nonce, "n=1,2");
        assert_eq!(challenge.opaque.as_deref(), Some(""));
        assert!(challenge.stale);
        assert!(challenge.userhash);
        assert_eq!(challenge.algorithm, Algorithm::Sha256Sess);
        assert_eq!(
            challenge.qop,
            vec![Qop::AuthInt, Qop::Auth, Qop::Other("x-tok".into())]
        );
        assert_eq!(
            challenge.params,
            vec![
                ("charset".to_owned(), "UTF-8".to_owned()),
                ("x-note".to_owned(), "a, b".to_owned())
            ]
        );
        let formatted = challenge.to_string();
        assert_eq!(digest_challenge(&formatted), challenge);
        assert_eq!(digest_challenge(&formatted).to_string(), formatted);
    }

    #[test]
    fn credentials_round_trip_with_escapes_and_unknown_params() {
        let text = r#"digest USERNAME="bob \"the\" \\builder", realm="r", nonce="n", uri="sip:x@y;transport=tcp",
            response="00ff", algorithm="MD5", cnonce="c\x", qop="auth", nc=0000000a, userhash=TRUE,
            x-a=tok, x-b="two words""#;
        let escaped_newline = text.replace(r#""c\x""#, "\"c\\\n\"");
        assert!(Credentials::parse(&escaped_newline).is_err());
        let credentials = digest_credentials(text);
        assert_eq!(credentials.username, r#"bob "the" \builder"#);
        assert_eq!(credentials.cnonce.as_deref(), Some("cx"));
        assert_eq!(credentials.nc, Some(10));
        assert_eq!(credentials.qop, Some(Qop::Auth));
        assert!(credentials.userhash);
        assert_eq!(credentials.params.len(), 2);
        let formatted = credentials.to_string();
        assert!(formatted.contains("nc=0000000a"));
        assert!(formatted.contains(r#"x-b="two words""#));
        assert_eq!(digest_credentials(&formatted), credentials);
        assert_eq!(digest_credentials(&formatted).to_string(), formatted);
    }

    #[test]
    fn lenient_whitespace_and_empty_elements() {
        let challenge =
            digest_challenge("  DIGEST\t realm = \"x\" ,, nonce\t=\ty ,algorithm = md5 ,  ");
        assert_eq!(challenge.realm, "x");
        assert_eq!(challenge.nonce, "y");
        assert_eq!(challenge.algorithm, Algorithm::Md5);
        assert!(challenge.qop.is_empty());
        assert!(!challenge.stale);
    }

    #[test]
    fn formatting_drops_control_characters() {
        let challenge = Challenge::new("evil\r\nVia: x", "n", Algorithm::Md5);
        let text = challenge.to_string();
        assert!(!text.contains('\r') && !text.contains('\n'));
        assert_eq!(digest_challenge(&text).realm, "evilVia: x");
    }

    #[test]
    fn sha256_then_md5_challenges() {
        let [first, second] = Challenge::sha256_and_md5("switchboard", "n1", true);
        assert_eq!(first.algorithm, Algorithm::Sha256);
        assert_eq!(second.algorithm, Algorithm::Md5);
        assert_eq!(
            first.to_string(),
            r#"Digest realm="switchboard", nonce="n1", stale=true, algorithm=SHA-256, qop="auth""#
        );
        assert_eq!(digest_challenge(&second.to_string()), second);
    }

    #[test]
    fn rfc4475_unknown_scheme() {
        let value = "NoOneKnowsThisScheme opaque-data=here";
        let expected = Scheme::Other(OtherScheme {
            scheme: "NoOneKnowsThisScheme".into(),
            data: "opaque-data=here".into(),
        });
        let parsed = Credentials::parse(value).expect("other scheme parses");
        assert_eq!(parsed, expected);
        assert_eq!(parsed.to_string(), value);
        assert!(matches!(
            Challenge::parse("Basic realm=\"x\""),
            Ok(Scheme::Other(_))
        ));
        assert!(matches!(
            Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            Ok(Scheme::Other(_))
        ));
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [
            "",
            "   ",
            "Digest",
            "Digest ",
            "Digest ,,,",
            "Digest realm=\"abc",
            "Digest realm=\"abc\\",
            "Digest realm",
            "Digest realm=",
            "Digest realm=,nonce=x",
            "Digest realm=\"a\" nonce=\"b\"",
            "Digest realm=a, realm=b, nonce=c",
            "Digest =x",
            "Digest realm=a, nonce=b, \u{e9}=c",
            "Digest\u{0}realm=a, nonce=b",
            "Digest realm=\"a\u{1}\", nonce=b",
            "Digest,realm=a, nonce=b",
            "=Digest",
            "\"Digest\" realm=a",
        ] {
            assert!(Challenge::parse(bad).is_err(), "challenge {bad:?}");
            assert!(Credentials::parse(bad).is_err(), "credentials {bad:?}");
        }
        for bad in [
            "Digest username=u, realm=r, nonce=n, uri=u, response=r, qop=auth, nc=00000001",
            "Digest username=u, realm=r, nonce=n, uri=u, response=r, qop=auth, cnonce=c",
            "Digest username=u, realm=r, nonce=n, uri=u, response=r, nc=1",
            "Digest username=u, realm=r, nonce=n, uri=u, response=r, nc=0000000A",
            "Digest username=u, realm=r, nonce=n, uri=u, response=r, nc=0000000g",
            "Digest username=u, realm=r, nonce=n, uri=u",
        ] {
            let error = Credentials::parse(bad).expect_err(bad);
            assert!(!error.message().is_empty());
        }
        assert_eq!(
            Challenge::parse("Digest nonce=x")
                .expect_err("no realm")
                .to_string(),
            "missing realm"
        );
    }

    #[test]
    fn no_panic_on_prefixes_and_mutations() {
        let valid = rfc7616_answer("SHA-256").to_string() + r#", x="\"é\"", y=z"#;
        let chars: Vec<char> = valid.chars().collect();
        let specials = ['"', '\\', ',', '=', ' ', '\0', 'é', '\n'];
        for end in 0..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let _ = Credentials::parse(&prefix);
            let _ = Challenge::parse(&prefix);
            for special in specials {
                let mut mutated = chars.clone();
                if let Some(c) = mutated.get_mut(end) {
                    *c = special;
                }
                let mutated: String = mutated.into_iter().collect();
                let _ = Credentials::parse(&mutated).map(|c| c.to_string());
            }
        }
    }
}
