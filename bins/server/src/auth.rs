//! The API token every `/api` route demands (`Authorization: Bearer <token>`).
//!
//! The server keeps only the SHA-256 of the token and compares digests, so the token itself is
//! never held in the state, and the comparison leaks nothing useful through timing (an attacker
//! cannot choose the digest's bytes). Tokens in query strings are refused outright: URLs end up in
//! proxy logs, browser history and `Referer` headers (OWASP API2; the original took bank tokens as
//! query parameters).

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::ApiError;
use crate::throttle::FailureThrottle;

/// The digest of the configured API token.
#[derive(Clone)]
pub struct ApiTokenDigest([u8; 32]);

impl fmt::Debug for ApiTokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiTokenDigest([redacted])")
    }
}

impl ApiTokenDigest {
    /// Digest of a token as configured.
    pub fn of(token: &str) -> Self {
        let mut out = [0u8; 32];
        out.copy_from_slice(digest(&SHA256, token.as_bytes()).as_ref());
        Self(out)
    }

    /// The digest as 64 lowercase hex digits (what `local` mode stores).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A digest from [`ApiTokenDigest::to_hex`]'s form; `None` unless exactly 64 hex digits.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self(out))
    }

    /// Whether `presented` is the configured token.
    pub fn matches(&self, presented: &str) -> bool {
        digest(&SHA256, presented.as_bytes()).as_ref() == self.0
    }
}

/// A fresh random API token (32 bytes, URL-safe base64), for `local` mode.
pub fn generate_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ApiError::Internal("the system random generator failed".into()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Query parameter names that must never carry credentials.
const SECRET_QUERY_KEYS: &[&str] = &[
    "access_token",
    "api_token",
    "token",
    "refresh_token",
    "code",
    "authorization",
];

/// What the API's gate checks: the token's digest, and who failed it too often.
#[derive(Debug, Clone)]
pub struct ApiGate {
    /// The configured token.
    pub token: Arc<ApiTokenDigest>,
    /// Failed attempts per address (shared with the banking page's sign-in).
    pub throttle: Arc<FailureThrottle>,
}

/// Middleware: 401 unless the request carries the API token as a Bearer header; 429 for an
/// address that presented wrong tokens too often (see [`FailureThrottle`]).
pub async fn require_api_token(
    State(gate): State<ApiGate>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(wait) = peer.and_then(|ip| gate.throttle.blocked(ip)) {
        return Err(ApiError::TooManyRequests {
            message: "too many requests with a wrong API token from this address: wait and \
                      check the token"
                .into(),
            retry_after: Some(wait.as_secs()),
        });
    }
    if let Some(query) = request.uri().query() {
        let has_secret = url_query_keys(query).any(|k| SECRET_QUERY_KEYS.contains(&k.as_str()));
        if has_secret {
            return Err(ApiError::BadRequest(
                "credentials are never accepted in the query string: send them in headers or the body"
                    .into(),
            ));
        }
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_credentials);
    match presented {
        Some(token) if gate.token.matches(token) => Ok(next.run(request).await),
        _ => {
            if let Some(ip) = peer {
                gate.throttle.failed(ip);
            }
            Err(ApiError::Unauthorized)
        }
    }
}

/// The credentials of a `Bearer` authorization; the scheme name is case-insensitive
/// (RFC 9110 §11.1), so `bearer` and `BEARER` are the same scheme.
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim())
}

/// The query's keys as the server's own query parser reads them: percent-decoded (`access%5Ftoken`
/// is `access_token`), `+` as a space, lower-cased.
fn url_query_keys(query: &str) -> impl Iterator<Item = String> + '_ {
    url::form_urlencoded::parse(query.as_bytes()).map(|(k, _)| k.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_only_the_same_token() {
        let d = ApiTokenDigest::of("s3cret");
        assert!(d.matches("s3cret"));
        assert!(!d.matches("s3cret "));
        assert!(!d.matches(""));
    }

    #[test]
    fn debug_never_shows_the_digest() {
        assert_eq!(
            format!("{:?}", ApiTokenDigest::of("x")),
            "ApiTokenDigest([redacted])"
        );
    }

    #[test]
    fn generated_tokens_are_long_and_distinct() {
        let a = generate_token().unwrap();
        let b = generate_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn query_keys_are_found_case_insensitively() {
        let keys: Vec<_> = url_query_keys("a=1&Access_Token=x&b").collect();
        assert_eq!(keys, ["a", "access_token", "b"]);
    }

    #[test]
    fn query_keys_are_percent_decoded_as_the_query_parser_reads_them() {
        let keys: Vec<_> =
            url_query_keys("access%5Ftoken=x&%41PI_token=y&re%66resh_token=z").collect();
        assert_eq!(keys, ["access_token", "api_token", "refresh_token"]);
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_credentials("Bearer abc"), Some("abc"));
        assert_eq!(bearer_credentials("bearer abc "), Some("abc"));
        assert_eq!(bearer_credentials("BEARER abc"), Some("abc"));
        assert_eq!(bearer_credentials("Basic abc"), None);
        assert_eq!(bearer_credentials("Bearerabc"), None);
    }
}
