//! The application-token request's `keyId`: `SN=<serial>` alone, or with `CA=<issuer DN>` as Berlin
//! Group writes it; a named issuer must be the certificate's (`docs/ing-protocol.md`, "Signing
//! requests"). Every request is really signed with the QSealC's key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

const SIGNATURE_REFUSED: &str = "Signature could not be successfully verified";

#[tokio::test]
async fn the_issuer_in_the_key_id_must_be_the_certificates() {
    let env = common::start(|_| {}).await;
    let c = &env.client;
    let serial = c.serial().to_owned();
    // The local CA's name, C=NL, O=Local ING Sandbox, CN=Local ING Sandbox CA: RFC 2253 writes
    // the last first; OpenSSL's one-line form and ING's 2019 examples use the certificate's order,
    // Berlin Group's example percent-encodes spaces.
    for key_id in [
        format!("SN={serial}"),
        format!("SN={serial},CA=CN=Local ING Sandbox CA,O=Local ING Sandbox,C=NL"),
        format!("SN={serial},CA=C=NL,O=Local ING Sandbox,CN=Local ING Sandbox CA"),
        format!("SN={serial},CA=CN=Local%20ING%20Sandbox%20CA,O=Local%20ING%20Sandbox,C=NL"),
        format!(
            "SN={},CA=cn=local ing sandbox ca,o=Local ING Sandbox,c=NL",
            serial.to_lowercase()
        ),
    ] {
        let a = c.app_token_with_key_id(&key_id).await;
        assert_eq!(
            a.status,
            200,
            "{key_id}: {}",
            String::from_utf8_lossy(&a.body)
        );
    }
    for key_id in [
        // Another CA, an attribute too few or too many, a mangled escape.
        format!("SN={serial},CA=CN=Other CA,O=Local ING Sandbox,C=NL"),
        format!("SN={serial},CA=CN=Local ING Sandbox CA,O=Local ING Sandbox"),
        format!("SN={serial},CA=CN=Local ING Sandbox CA,O=Local ING Sandbox,C=NL,OU=x"),
        format!("SN={serial},CA=CN=Local ING Sandbox CA\\"),
        format!("SN={serial},CA="),
    ] {
        let a = c.app_token_with_key_id(&key_id).await;
        assert_eq!(a.status, 401, "{key_id}");
        assert_eq!(
            String::from_utf8_lossy(&a.body),
            SIGNATURE_REFUSED,
            "{key_id}"
        );
    }
    env.sandbox.shutdown().await;
}
