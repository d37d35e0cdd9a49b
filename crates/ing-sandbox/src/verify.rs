//! The checks every signed request passes, in ING's order: `Date` within the allowed skew and
//! `Digest` equal to the body's hash (400 otherwise), then the `Signature` (401 "Signature could
//! not be successfully verified" otherwise).

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::digest;

use crate::respond::{oauth_error, request_id, signature_not_verified, tpp_error};
use crate::signature::{SignatureParams, parse_params, signing_string, verify_rsa};
use crate::state::Shared;

/// Which error dialect to answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// ING's OAuth API: `{"message"}`.
    OAuth,
    /// The AIS API: `tppMessages`.
    Ais,
}

/// A request as it arrived.
#[derive(Debug)]
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a Method,
    /// Path and query exactly as sent.
    pub(crate) target: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

fn bad_request(dialect: Dialect, code: &str, text: &str, headers: &HeaderMap) -> Response {
    match dialect {
        Dialect::OAuth => oauth_error(StatusCode::BAD_REQUEST, text),
        Dialect::Ais => tpp_error(StatusCode::BAD_REQUEST, code, text, request_id(headers)),
    }
}

/// `Date` present, RFC 7231, within the skew; `Digest` present and equal to the body's hash.
pub(crate) fn date_and_digest(
    shared: &Shared,
    req: &Incoming<'_>,
    dialect: Dialect,
) -> Result<(), Response> {
    let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(date) = header("date") else {
        return Err(bad_request(
            dialect,
            "INVALID_HEADER",
            "Date header is missing",
            req.headers,
        ));
    };
    let Ok(sent) = httpdate::parse_http_date(date) else {
        return Err(bad_request(
            dialect,
            "INVALID_HEADER",
            "Date header is not an RFC 7231 date",
            req.headers,
        ));
    };
    let now = std::time::SystemTime::now();
    let skew = now
        .duration_since(sent)
        .or_else(|e| Ok::<_, ()>(e.duration()))
        .unwrap_or_default();
    if skew > shared.config.max_clock_skew {
        return Err(bad_request(
            dialect,
            "INVALID_HEADER",
            "Date header is outside the allowed clock skew",
            req.headers,
        ));
    }
    let Some(digest_header) = header("digest") else {
        return Err(bad_request(
            dialect,
            "INVALID_HEADER",
            "Digest header is missing",
            req.headers,
        ));
    };
    if !digest_matches(digest_header, req.body) {
        return Err(bad_request(
            dialect,
            "INVALID_HEADER",
            "Digest header does not match the body",
            req.headers,
        ));
    }
    Ok(())
}

/// `SHA-256=<base64>` or `SHA-512=<base64>` (RFC 3230 lists may hold both; one must match).
fn digest_matches(value: &str, body: &[u8]) -> bool {
    value.split(',').any(|part| {
        let part = part.trim();
        let (alg, expected) = match part.split_once('=') {
            Some((a, e)) => (a.to_ascii_uppercase(), e),
            None => return false,
        };
        let actual = match alg.as_str() {
            "SHA-256" => digest::digest(&digest::SHA256, body),
            "SHA-512" => digest::digest(&digest::SHA512, body),
            _ => return false,
        };
        STANDARD.encode(actual.as_ref()) == expected
    })
}

/// The signature parameters from `Authorization: Signature …` (token call) or `Signature:`.
pub(crate) fn params(
    req: &Incoming<'_>,
    from_authorization: bool,
) -> Result<SignatureParams, Response> {
    let value = if from_authorization {
        req.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("Signature "))
    } else {
        req.headers.get("signature").and_then(|v| v.to_str().ok())
    };
    let value = value.ok_or_else(signature_not_verified)?;
    parse_params(value).map_err(|_| signature_not_verified())
}

/// Verifies the signature with an RSA public key; 401 text otherwise.
pub(crate) fn signature(
    params: &SignatureParams,
    req: &Incoming<'_>,
    public_key: &[u8],
) -> Result<(), Response> {
    let s = signing_string(params, req.method.as_str(), req.target, req.headers)
        .map_err(|_| signature_not_verified())?;
    verify_rsa(params, &s, public_key).map_err(|_| signature_not_verified())
}

/// The Bearer token of a request, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_empty_body_and_of_a_form() {
        assert!(digest_matches(
            "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            b""
        ));
        assert!(digest_matches(
            "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=",
            b"grant_type=client_credentials"
        ));
        assert!(!digest_matches(
            "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=",
            b"grant_type=client_credentialz"
        ));
        // The original's hex digest is refused.
        assert!(!digest_matches(
            "SHA-256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            b""
        ));
    }
}
