//! Bad certificates and keys each give their own clear error that names the file and shows no
//! key material; a server outside the trusted roots fails the handshake.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use ing_psd2::{
    CertificatePaths, Client, Config, Credentials, Environment, Error, RequestOptions, files,
};
use ing_sandbox::DevCertificates;

fn write_set(set: &DevCertificates) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    set.write_to(dir.path()).unwrap();
    dir
}

/// A PEM block with `label` around `body`, built here so that no key-shaped text sits in the
/// repository (every real key in these tests is generated at run time).
fn armored(label: &str, body: &str) -> String {
    format!("{}\n{body}\n-----END {label}-----\n", begin(label))
}

fn begin(label: &str) -> String {
    format!("-----BEGIN {label}-----")
}

fn expect_cert_error(paths: &CertificatePaths, file: &str, words: &str) {
    let err = Credentials::load(paths).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Certificate { .. }), "{err:?}");
    assert!(text.contains(file), "names the file: {text}");
    assert!(text.contains(words), "says why: {text}");
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("MII"),
        "no key material: {text}"
    );
}

#[test]
fn a_garbage_key_is_refused_by_name() {
    let dir = write_set(&DevCertificates::generate().unwrap());
    std::fs::write(
        dir.path().join(files::QSEALC_KEY),
        armored("PRIVATE KEY", "not a key"),
    )
    .unwrap();
    expect_cert_error(
        &CertificatePaths::in_dir(dir.path()),
        files::QSEALC_KEY,
        "not a usable RSA key",
    );
}

#[test]
fn a_key_of_another_certificate_is_refused() {
    let a = DevCertificates::generate().unwrap();
    let b = DevCertificates::generate().unwrap();
    let dir = write_set(&a);
    std::fs::write(
        dir.path().join(files::QSEALC_KEY),
        b.qsealc_key_pem.expose(),
    )
    .unwrap();
    expect_cert_error(
        &CertificatePaths::in_dir(dir.path()),
        files::QSEALC_KEY,
        "does not belong",
    );
    let dir = write_set(&a);
    std::fs::write(dir.path().join(files::QWAC_KEY), b.qwac_key_pem.expose()).unwrap();
    expect_cert_error(
        &CertificatePaths::in_dir(dir.path()),
        files::QWAC_KEY,
        "does not belong",
    );
}

#[test]
fn an_expired_certificate_is_refused() {
    let now = time::OffsetDateTime::now_utc();
    let old = DevCertificates::generate_valid(
        now - time::Duration::days(800),
        now - time::Duration::days(1),
    )
    .unwrap();
    expect_cert_error(
        &CertificatePaths::in_dir(write_set(&old).path()),
        files::QWAC_CERT,
        "expired on",
    );
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    expect_cert_error(
        &CertificatePaths::in_dir(dir.path()),
        files::QWAC_CERT,
        "cannot read",
    );
}

#[test]
fn pkcs1_keys_as_ing_ships_them_load() {
    let set = DevCertificates::generate().unwrap();
    let dir = write_set(&set);
    let key = dir.path().join(files::QSEALC_KEY);
    let out = std::process::Command::new("openssl")
        .args(["rsa", "-traditional", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with(&begin("RSA PRIVATE KEY"))
    );
    let creds = Credentials::load(&CertificatePaths::in_dir(dir.path())).unwrap();
    assert!(creds.signing().key_id().starts_with("SN="));
}

#[test]
fn signatures_equal_openssl_byte_for_byte() {
    let set = DevCertificates::generate().unwrap();
    let dir = write_set(&set);
    let creds = Credentials::load(&CertificatePaths::in_dir(dir.path())).unwrap();
    let s = ing_psd2::signing::signing_string(
        "GET",
        "/v3/accounts",
        "Tue, 31 Mar 2020 08:37:27 GMT",
        &ing_psd2::signing::digest_header(b""),
    );
    let ours = creds.signing().sign(s.as_bytes()).unwrap();
    let data = dir.path().join("signing-string");
    std::fs::write(&data, &s).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl dgst -sha256 -sign '{}' '{}' | openssl base64 -A",
            dir.path().join(files::QSEALC_KEY).display(),
            data.display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), ours);
    // keyId is the certificate's serial as openssl prints it, without leading zeros.
    let serial = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(dir.path().join(files::QSEALC_CERT))
        .output()
        .unwrap();
    let serial = String::from_utf8(serial.stdout).unwrap();
    let serial = serial
        .trim()
        .trim_start_matches("serial=")
        .trim_start_matches('0');
    assert_eq!(creds.signing().key_id(), format!("SN={serial}"));
}

#[tokio::test]
async fn a_server_outside_the_trusted_roots_fails_the_handshake() {
    let env = common::start(|_| {}).await;
    let other_ca = DevCertificates::generate().unwrap();
    let config = Config::builder()
        .environment(Environment::Custom(env.sandbox.api_url().parse().unwrap()))
        .certificate_dir(env.dir.path())
        .extra_root_pem(other_ca.ca_cert_pem)
        .retry(ing_psd2::RetryPolicy::none())
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let err = client.client_id().await.unwrap_err();
    assert!(
        matches!(&err, Error::Connection { reason, .. } if reason.contains("certificate")),
        "{err}"
    );
    let _ = RequestOptions::default();
}

#[tokio::test]
async fn a_client_certificate_from_another_ca_is_refused_by_the_bank() {
    let env = common::start(|_| {}).await;
    let stranger = DevCertificates::generate().unwrap();
    let dir = write_set(&stranger);
    let config = Config::builder()
        .environment(Environment::Custom(env.sandbox.api_url().parse().unwrap()))
        .certificate_dir(dir.path())
        .extra_root_pem(env.sandbox.ca_cert_pem())
        .retry(ing_psd2::RetryPolicy::none())
        .build()
        .unwrap();
    let err = Client::new(config).unwrap().client_id().await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(env.sandbox.stats().tls_refused >= 1);
}
