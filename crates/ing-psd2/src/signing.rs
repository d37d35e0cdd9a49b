//! Request signing as ING checks it (`docs/ing-protocol.md`, "Signing requests"; draft-cavage
//! HTTP signatures):
//! - `Digest: SHA-256=<base64 of SHA-256 of the exact bytes sent>` (empty body included);
//! - `Date`: RFC 7231 IMF-fixdate (`Tue, 31 Mar 2020 08:37:27 GMT`);
//! - signing string: three lines joined by `\n`, no trailing newline:
//!   `(request-target): <lower-case method> <path?query exactly as sent>`, `date: …`, `digest: …`;
//! - signature: RSA PKCS#1 v1.5 over SHA-256 with the QSealC key, base64;
//! - header parameters without spaces after commas, `algorithm="rsa-sha256"`.
//!
//! Our own module, not `http-signature-normalization` (AGPL-3.0, writes `hs2019`, breaks on
//! `Authorization: Bearer`): see `docs/architecture.md`.

use std::time::SystemTime;

use base64::Engine as _;
use ring::digest;

use crate::credentials::SigningIdentity;
use crate::error::Error;

/// The headers ING requires to be signed, in ING's order.
pub const SIGNED_HEADERS: &str = "(request-target) date digest";

/// `SHA-256=<base64>` of `body`.
pub fn digest_header(body: &[u8]) -> String {
    let hash = digest::digest(&digest::SHA256, body);
    format!(
        "SHA-256={}",
        base64::engine::general_purpose::STANDARD.encode(hash.as_ref())
    )
}

/// RFC 7231 date of `when`.
pub fn date_header(when: SystemTime) -> String {
    httpdate::fmt_http_date(when)
}

/// The signing string for a request.
pub fn signing_string(method: &str, path_and_query: &str, date: &str, digest: &str) -> String {
    format!(
        "(request-target): {} {path_and_query}\ndate: {date}\ndigest: {digest}",
        method.to_ascii_lowercase()
    )
}

/// The parameter list of a `Signature` header (or, after `Signature `, an `Authorization` header).
pub fn signature_params(key_id: &str, signature_b64: &str) -> String {
    format!(
        r#"keyId="{key_id}",algorithm="rsa-sha256",headers="{SIGNED_HEADERS}",signature="{signature_b64}""#
    )
}

/// The three headers of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Date`.
    pub date: String,
    /// `Digest`.
    pub digest: String,
    /// `keyId=…,algorithm=…,headers=…,signature=…`.
    pub signature_params: String,
}

/// Signs one request.
pub fn sign_request(
    identity: &SigningIdentity,
    key_id: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    now: SystemTime,
) -> Result<SignedHeaders, Error> {
    let date = date_header(now);
    let digest = digest_header(body);
    let signature =
        identity.sign(signing_string(method, path_and_query, &date, &digest).as_bytes())?;
    Ok(SignedHeaders {
        signature_params: signature_params(key_id, &signature),
        date,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    // The instant of vector V0 (`docs/ing-protocol.md`, "Test vectors"):
    // Tue, 31 Mar 2020 08:37:27 GMT.
    const V0_INSTANT: u64 = 1_585_643_847;

    #[test]
    fn digest_of_the_empty_body_and_of_the_token_form() {
        assert_eq!(
            digest_header(b""),
            "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            digest_header(b"grant_type=client_credentials"),
            "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw="
        );
        assert_eq!(
            digest_header(
                b"grant_type=authorization_code&code=8b6cd77a-aa44-4527-ab08-a58d70cca286"
            ),
            "SHA-256=ls+eFoGHMMnKV39vOGoqXmzLMeJdzX7w5gBwgk3tifU="
        );
        assert_eq!(
            digest_header(b"grant_type=refresh_token&refresh_token=abc"),
            "SHA-256=wkdHt+enZ3ndR0RnNnrJWmIqz9SkiLlwDgmjWQ6f2Yw="
        );
    }

    #[test]
    fn date_is_imf_fixdate_in_gmt() {
        assert_eq!(
            date_header(UNIX_EPOCH + Duration::from_secs(V0_INSTANT)),
            "Tue, 31 Mar 2020 08:37:27 GMT"
        );
        // Single-digit days are zero-padded.
        assert_eq!(
            date_header(UNIX_EPOCH + Duration::from_secs(1_583_020_800)),
            "Sun, 01 Mar 2020 00:00:00 GMT"
        );
    }

    #[test]
    fn signing_string_is_ings_three_lines() {
        assert_eq!(
            signing_string(
                "POST",
                "/oauth2/token",
                "Tue, 31 Mar 2020 08:37:27 GMT",
                "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw="
            ),
            "(request-target): post /oauth2/token\ndate: Tue, 31 Mar 2020 08:37:27 GMT\ndigest: SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw="
        );
        // The query stays exactly as sent (the authorization-URL target of ING's CLI script:
        // "V4 target" in `docs/ing-protocol.md`, "Test vectors").
        let target = "/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview&redirect_uri=https://www.example.com&country_code=NL";
        assert!(
            signing_string("GET", target, "d", "x")
                .starts_with(&format!("(request-target): get {target}\n"))
        );
    }

    #[test]
    fn header_parameters_have_no_spaces_and_say_rsa_sha256() {
        assert_eq!(
            signature_params("SN=5E4299BE", "abc="),
            r#"keyId="SN=5E4299BE",algorithm="rsa-sha256",headers="(request-target) date digest",signature="abc=""#
        );
    }
}
