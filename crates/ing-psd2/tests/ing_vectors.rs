//! Our signing string and headers against vector V0 (`docs/ing-protocol.md`, "Test vectors"): an
//! application-token request signed with the key of ING's published 2020 sandbox QSealC. Built
//! from the same inputs, our string must be the one that signature verifies over with the
//! certificate's public key — so our construction is byte for byte what ING's key signs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use ing_psd2::signing::{date_header, digest_header, signature_params, signing_string};
use std::time::{Duration, UNIX_EPOCH};

const CERT: &str = include_str!("fixtures/ing-sandbox-qsealc-2020-5E4299BE.pem");
const V0_SIGNATURE: &str = "XfAf2jxBGZgl1/co+wKniDMxC5Rta6V7nBgyuW4C0xJrxfL1rDvWHMnhQ+3MLn40oMrKYdp0aJck5sR+5B/NmlKuNRqjTiKyE1dcT0MicNYWAd9BcQwsuKoUMT3r4tWy/Iyh8munZ7HBcV5NJNZqlm/LngJyduesT/J5wxFkEg4hyiVAXahYq++dtjq6TXtSpyF68eLMWLKb9r61oTAd0ji1SfsJEFSA4cous3iXVdA0DFBNnoHXkGlbwK//Y2E9eIFqtRiIN0Tg+oLijcToK3FiwIrXlZI4L13tjXXY2XnIzqWEqFdW6Z4gkx/4vdE97IZKARFrI2JpzbG47EfWdQ==";

fn ing_public_key() -> Vec<u8> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(CERT.as_bytes()).unwrap();
    let cert = pem.parse_x509().unwrap();
    assert_eq!(format!("{:X}", cert.serial), "5E4299BE");
    cert.public_key().subject_public_key.data.to_vec()
}

fn verifies(message: &str) -> bool {
    let sig = base64::engine::general_purpose::STANDARD
        .decode(V0_SIGNATURE)
        .unwrap();
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        ing_public_key(),
    )
    .verify(message.as_bytes(), &sig)
    .is_ok()
}

#[test]
fn our_signing_string_is_the_one_ing_accepted() {
    let date = date_header(UNIX_EPOCH + Duration::from_secs(1_585_643_847));
    let digest = digest_header(b"grant_type=client_credentials");
    let ours = signing_string("POST", "/oauth2/token", &date, &digest);
    assert!(
        verifies(&ours),
        "ING's signature does not verify over {ours:?}"
    );
    // The check can fail: a trailing newline, another case or another order break it.
    assert!(!verifies(&format!("{ours}\n")));
    assert!(!verifies(&ours.replace("post", "POST")));
    assert!(!verifies(&signing_string(
        "POST",
        "/oauth2/token",
        &date,
        &digest_header(b"grant_type=client_credentials ")
    )));
}

#[test]
fn our_header_is_ings_header() {
    assert_eq!(
        format!(
            "Signature {}",
            signature_params("SN=5E4299BE", V0_SIGNATURE)
        ),
        format!(
            r#"Signature keyId="SN=5E4299BE",algorithm="rsa-sha256",headers="(request-target) date digest",signature="{V0_SIGNATURE}""#
        )
    );
}
