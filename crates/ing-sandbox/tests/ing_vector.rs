//! Vector V0 (`docs/ing-protocol.md`, "Test vectors": an application-token request signed with the
//! key of ING's published 2020 sandbox QSealC) must pass our verifier with that certificate, and
//! fail with any one character changed. The certificate has expired: only the signature is
//! checked here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use http::HeaderMap;
use ing_sandbox::signature::{
    SignatureError, certificate_from_header, key_id_serial, parse_params, parse_signing_cert,
    signing_string, verify_rsa,
};

const CERT: &str = include_str!("fixtures/ing-sandbox-qsealc-2020-5E4299BE.pem");
const DATE: &str = "Tue, 31 Mar 2020 08:37:27 GMT";
const DIGEST: &str = "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=";
const SIGNATURE: &str = "XfAf2jxBGZgl1/co+wKniDMxC5Rta6V7nBgyuW4C0xJrxfL1rDvWHMnhQ+3MLn40oMrKYdp0aJck5sR+5B/NmlKuNRqjTiKyE1dcT0MicNYWAd9BcQwsuKoUMT3r4tWy/Iyh8munZ7HBcV5NJNZqlm/LngJyduesT/J5wxFkEg4hyiVAXahYq++dtjq6TXtSpyF68eLMWLKb9r61oTAd0ji1SfsJEFSA4cous3iXVdA0DFBNnoHXkGlbwK//Y2E9eIFqtRiIN0Tg+oLijcToK3FiwIrXlZI4L13tjXXY2XnIzqWEqFdW6Z4gkx/4vdE97IZKARFrI2JpzbG47EfWdQ==";

fn authorization(signature: &str) -> String {
    format!(
        r#"Signature keyId="SN=5E4299BE",algorithm="rsa-sha256",headers="(request-target) date digest",signature="{signature}""#
    )
}

fn verify(date: &str, digest: &str, target: &str, auth: &str) -> Result<(), SignatureError> {
    let mut headers = HeaderMap::new();
    headers.insert("date", date.parse().unwrap());
    headers.insert("digest", digest.parse().unwrap());
    let one_line: String = CERT.lines().collect();
    let cert = parse_signing_cert(&certificate_from_header(&one_line).unwrap()).unwrap();
    let params = parse_params(auth)?;
    assert_eq!(key_id_serial(&params.key_id).unwrap(), cert.serial);
    let s = signing_string(&params, "POST", target, &headers)?;
    verify_rsa(&params, &s, &cert.public_key)
}

#[test]
fn ing_v0_verifies() {
    assert_eq!(
        verify(DATE, DIGEST, "/oauth2/token", &authorization(SIGNATURE)),
        Ok(())
    );
}

#[test]
fn the_certificate_serial_is_the_key_id() {
    let one_line: String = CERT.lines().collect();
    let cert = parse_signing_cert(&certificate_from_header(&one_line).unwrap()).unwrap();
    assert_eq!(cert.serial, "5E4299BE");
}

#[test]
fn one_changed_character_anywhere_fails() {
    let invalid = Err(SignatureError::Invalid);
    assert_eq!(
        verify(
            "Tue, 31 Mar 2020 08:37:28 GMT",
            DIGEST,
            "/oauth2/token",
            &authorization(SIGNATURE)
        ),
        invalid
    );
    let digest = DIGEST.replace("w0my", "w0mY");
    assert_eq!(
        verify(DATE, &digest, "/oauth2/token", &authorization(SIGNATURE)),
        invalid
    );
    assert_eq!(
        verify(DATE, DIGEST, "/oauth2/tokens", &authorization(SIGNATURE)),
        invalid
    );
    let signature = SIGNATURE.replacen('X', "Y", 1);
    assert_eq!(
        verify(DATE, DIGEST, "/oauth2/token", &authorization(&signature)),
        invalid
    );
}
