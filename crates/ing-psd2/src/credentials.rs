//! The four files: QWAC certificate and key (mutual TLS), QSealC certificate and key (request
//! signing). Certificates in PEM or DER (a PEM file may carry the chain); keys in PKCS#8 or
//! PKCS#1 (`BEGIN RSA PRIVATE KEY`, as ING's example keys ship). Each key must match its
//! certificate, and an expired certificate is refused before ING refuses it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::time::OffsetDateTime;
use base64::Engine as _;
use ring::signature::RsaKeyPair;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer};
use x509_parser::prelude::parse_x509_certificate;

use crate::error::Error;
use crate::key_id::{KeyIdFormat, rfc2253};

/// File names the original guide and ING's sandbox downloads use.
pub mod files {
    /// QWAC certificate.
    pub const QWAC_CERT: &str = "example_client_tls.cer";
    /// QWAC key.
    pub const QWAC_KEY: &str = "example_client_tls.key";
    /// QSealC certificate.
    pub const QSEALC_CERT: &str = "example_client_signing.cer";
    /// QSealC key.
    pub const QSEALC_KEY: &str = "example_client_signing.key";
}

/// Where the four files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePaths {
    /// QWAC certificate (and chain).
    pub qwac_cert: PathBuf,
    /// QWAC key.
    pub qwac_key: PathBuf,
    /// QSealC certificate.
    pub qsealc_cert: PathBuf,
    /// QSealC key.
    pub qsealc_key: PathBuf,
}

impl CertificatePaths {
    /// The four standard names inside `dir`.
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        let d = dir.as_ref();
        Self {
            qwac_cert: d.join(files::QWAC_CERT),
            qwac_key: d.join(files::QWAC_KEY),
            qsealc_cert: d.join(files::QSEALC_CERT),
            qsealc_key: d.join(files::QSEALC_KEY),
        }
    }
}

/// The QSealC: what signs requests, and what ING needs to know about it.
pub struct SigningIdentity {
    key: RsaKeyPair,
    serial_hex: String,
    /// The certificate's issuer, RFC 2253 (`None` when it cannot be written as a string).
    issuer: Option<String>,
    certificate_header: String,
    not_after: OffsetDateTime,
}

impl fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("serial", &self.serial_hex)
            .field("issuer", &self.issuer)
            .field("not_after", &self.not_after)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl SigningIdentity {
    /// The certificate serial in hex, upper case, no leading zeros: the `keyId` `SN=` part.
    pub fn serial_hex(&self) -> &str {
        &self.serial_hex
    }

    /// The `keyId` of the application-token request: `SN=<serial>`.
    pub fn key_id(&self) -> String {
        format!("SN={}", self.serial_hex)
    }

    /// The certificate's issuer as an RFC 2253 string (the `CA=` part of the keyId).
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The `keyId` of the application-token request in `format`: `SN=<serial>`, or
    /// `SN=<serial>,CA=<issuer, RFC 2253>`.
    pub fn key_id_in(&self, format: KeyIdFormat) -> Result<String, Error> {
        match format {
            KeyIdFormat::Serial => Ok(self.key_id()),
            KeyIdFormat::SerialAndIssuer => {
                let issuer = self.issuer.as_deref().ok_or_else(|| {
                    Error::Config(
                        "the QSealC's issuer name holds a value RFC 2253 cannot write, so the \
                         keyId cannot name it: use the key id format `serial`"
                            .into(),
                    )
                })?;
                Ok(format!("SN={},CA={issuer}", self.serial_hex))
            }
        }
    }

    /// The certificate as ING's scripts send it in `TPP-Signature-Certificate`: PEM without
    /// line breaks.
    pub fn certificate_header(&self) -> &str {
        &self.certificate_header
    }

    /// When the certificate expires.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// RSA-SHA256 (PKCS#1 v1.5) signature of `message`, base64. Deterministic for one key and
    /// message, so it can be compared byte for byte with `openssl dgst -sha256 -sign`.
    pub fn sign(&self, message: &[u8]) -> Result<String, Error> {
        let mut sig = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                message,
                &mut sig,
            )
            .map_err(|_| Error::Config("RSA signing failed".into()))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(sig))
    }
}

/// The loaded certificates and keys.
pub struct Credentials {
    pub(crate) qwac_chain: Vec<CertificateDer<'static>>,
    pub(crate) qwac_key: PrivateKeyDer<'static>,
    pub(crate) signing: Arc<SigningIdentity>,
    qwac_not_after: OffsetDateTime,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("qwac_chain_len", &self.qwac_chain.len())
            .field("qwac_not_after", &self.qwac_not_after)
            .field("signing", &self.signing)
            .finish_non_exhaustive()
    }
}

impl Clone for Credentials {
    fn clone(&self) -> Self {
        Self {
            qwac_chain: self.qwac_chain.clone(),
            qwac_key: self.qwac_key.clone_key(),
            signing: self.signing.clone(),
            qwac_not_after: self.qwac_not_after,
        }
    }
}

impl Credentials {
    /// Loads and checks the four files.
    pub fn load(paths: &CertificatePaths) -> Result<Self, Error> {
        let now = OffsetDateTime::now_utc();
        let qwac_chain = read_certificates(&paths.qwac_cert)?;
        let qwac_key = read_key(&paths.qwac_key)?;
        let first = qwac_chain
            .first()
            .ok_or_else(|| cert_err(&paths.qwac_cert, "no certificate in the file"))?;
        let qwac_not_after = check_validity(&paths.qwac_cert, first, now)?;
        qwac_key_matches(&paths.qwac_key, &qwac_chain, &qwac_key)?;

        let qsealc = read_certificates(&paths.qsealc_cert)?;
        let qsealc_cert = qsealc
            .first()
            .ok_or_else(|| cert_err(&paths.qsealc_cert, "no certificate in the file"))?;
        let not_after = check_validity(&paths.qsealc_cert, qsealc_cert, now)?;
        let key = match read_key(&paths.qsealc_key)? {
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            _ => {
                return Err(cert_err(
                    &paths.qsealc_key,
                    "the signing key must be an RSA key (PKCS#1 or PKCS#8)",
                ));
            }
        }
        .map_err(|e| {
            cert_err(
                &paths.qsealc_key,
                &format!("not a usable RSA key (2048–4096 bits): {e}"),
            )
        })?;
        let (_, parsed) = parse_x509_certificate(qsealc_cert.as_ref()).map_err(|e| {
            cert_err(
                &paths.qsealc_cert,
                &format!("not an X.509 certificate: {e}"),
            )
        })?;
        if parsed.public_key().subject_public_key.data.as_ref() != key.public().as_ref() {
            return Err(cert_err(
                &paths.qsealc_key,
                &format!(
                    "this key does not belong to the certificate {}",
                    paths.qsealc_cert.display()
                ),
            ));
        }
        let serial_hex = format!("{:X}", parsed.serial);
        let issuer = rfc2253(parsed.issuer());
        let b64 = base64::engine::general_purpose::STANDARD.encode(qsealc_cert.as_ref());
        let certificate_header =
            format!("-----BEGIN CERTIFICATE-----{b64}-----END CERTIFICATE-----");
        Ok(Self {
            qwac_chain,
            qwac_key,
            signing: Arc::new(SigningIdentity {
                key,
                serial_hex,
                issuer,
                certificate_header,
                not_after,
            }),
            qwac_not_after,
        })
    }

    /// The signing identity (QSealC).
    pub fn signing(&self) -> &SigningIdentity {
        &self.signing
    }

    /// When the first of the two certificates expires.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.qwac_not_after.min(self.signing.not_after)
    }
}

fn cert_err(path: &Path, reason: &str) -> Error {
    Error::Certificate {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| cert_err(path, &format!("cannot read: {e}")))
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(10).any(|w| w == b"-----BEGIN")
}

/// Certificates from a PEM file (all of them, the chain) or a DER file (one).
pub(crate) fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let bytes = read(path)?;
    if is_pem(&bytes) {
        let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&bytes).collect();
        let certs = certs.map_err(|e| cert_err(path, &format!("malformed PEM: {e}")))?;
        if certs.is_empty() {
            return Err(cert_err(path, "no CERTIFICATE block in the file"));
        }
        Ok(certs)
    } else {
        parse_x509_certificate(&bytes)
            .map_err(|_| cert_err(path, "neither PEM nor a DER certificate"))?;
        Ok(vec![CertificateDer::from(bytes)])
    }
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, Error> {
    let bytes = read(path)?;
    if is_pem(&bytes) {
        // Never echo the file's content: the error names the file only.
        PrivateKeyDer::from_pem_slice(&bytes)
            .map_err(|_| cert_err(path, "no PRIVATE KEY / RSA PRIVATE KEY block in the file"))
    } else if RsaKeyPair::from_pkcs8(&bytes).is_ok() {
        Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(bytes)))
    } else if RsaKeyPair::from_der(&bytes).is_ok() {
        Ok(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(bytes)))
    } else {
        Err(cert_err(path, "not a PEM or DER private key"))
    }
}

fn check_validity(
    path: &Path,
    cert: &CertificateDer<'_>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, Error> {
    let (_, parsed) = parse_x509_certificate(cert.as_ref())
        .map_err(|e| cert_err(path, &format!("not an X.509 certificate: {e}")))?;
    let not_before = parsed.validity().not_before.to_datetime();
    let not_after = parsed.validity().not_after.to_datetime();
    if now > not_after {
        return Err(cert_err(path, &format!("expired on {}", not_after.date())));
    }
    if now < not_before {
        return Err(cert_err(
            path,
            &format!("not valid before {}", not_before.date()),
        ));
    }
    if not_after - now < ::time::Duration::days(30) {
        tracing::warn!(file = %path.display(), expires = %not_after.date(), "certificate expires within 30 days");
    }
    Ok(not_after)
}

fn qwac_key_matches(
    path: &Path,
    chain: &[CertificateDer<'static>],
    key: &PrivateKeyDer<'static>,
) -> Result<(), Error> {
    let provider = rustls::crypto::ring::default_provider();
    let signing_key = provider
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|e| cert_err(path, &format!("unsupported TLS key: {e}")))?;
    rustls::sign::CertifiedKey::new(chain.to_vec(), signing_key)
        .keys_match()
        .map_err(|_| cert_err(path, "this key does not belong to the QWAC certificate"))
}
