//! Development certificates: a local test CA and, signed by it, the QWAC (mTLS client
//! certificate), the QSealC (request-signing certificate) and the sandbox's own server
//! certificate. Written with the file names ING's sandbox downloads and the original guide use.
//!
//! ring cannot generate RSA keys, and ING signs with `rsa-sha256`, so the RSA keys come from the
//! `rsa` crate (used for nothing else: every signature is made and checked with ring).

use std::fmt;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, PKCS_RSA_SHA256, SanType,
    SerialNumber,
};
use ring::rand::{SecureRandom, SystemRandom};
use rustls_pki_types::PrivatePkcs8KeyDer;
use time::{Duration, OffsetDateTime};

use crate::error::Error;

/// OID of `organizationIdentifier` (X.520, 2.5.4.97), where eIDAS PSD2 certificates carry the
/// TPP's authorisation number (`PSDNL-…`, ETSI TS 119 495 §5.2.1).
const ORGANIZATION_IDENTIFIER: &[u64] = &[2, 5, 4, 97];

/// File names inside a certificates folder.
pub mod files {
    /// The local CA clients must trust (and the sandbox verifies client certificates against).
    pub const CA: &str = "ca.cer";
    /// QWAC certificate (mTLS client certificate).
    pub const QWAC_CERT: &str = "example_client_tls.cer";
    /// QWAC private key.
    pub const QWAC_KEY: &str = "example_client_tls.key";
    /// QSealC certificate (signing).
    pub const QSEALC_CERT: &str = "example_client_signing.cer";
    /// QSealC private key.
    pub const QSEALC_KEY: &str = "example_client_signing.key";
    /// The sandbox's TLS server certificate.
    pub const SERVER_CERT: &str = "sandbox_server.cer";
    /// The sandbox's TLS server key.
    pub const SERVER_KEY: &str = "sandbox_server.key";
}

/// PEM text of a private key; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretPem(String);

impl SecretPem {
    /// Wraps PEM text.
    pub fn new(pem: String) -> Self {
        Self(pem)
    }

    /// The PEM text. Handle with care: it is a private key.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretPem([redacted])")
    }
}

/// A full set of development certificates, as PEM text. Keys are PKCS#8.
#[derive(Debug, Clone)]
pub struct DevCertificates {
    /// The local test CA.
    pub ca_cert_pem: String,
    /// QWAC: the client certificate of the mutual TLS handshake.
    pub qwac_cert_pem: String,
    /// QWAC private key.
    pub qwac_key_pem: SecretPem,
    /// QSealC: the certificate whose key signs requests (RSA 2048, random serial).
    pub qsealc_cert_pem: String,
    /// QSealC private key.
    pub qsealc_key_pem: SecretPem,
    /// The sandbox's server certificate for `localhost` and `127.0.0.1`.
    pub server_cert_pem: String,
    /// The sandbox's server key.
    pub server_key_pem: SecretPem,
}

impl DevCertificates {
    /// A fresh set: new keys, random serials, valid from an hour ago for two years.
    pub fn generate() -> Result<Self, Error> {
        let now = OffsetDateTime::now_utc();
        let not_before = now - Duration::hours(1);
        Self::generate_valid(not_before, now + Duration::days(730))
    }

    /// A fresh set valid between the two instants (tests make expired sets with this).
    pub fn generate_valid(
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<Self, Error> {
        let ca_key = KeyPair::generate().map_err(cert_err("CA key"))?;
        let mut ca_params = params(&["Local ING Sandbox CA"], not_before, not_after)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(cert_err("CA"))?;

        let qwac_key = rsa_key_pair()?;
        let mut qwac = params(&["example_client_tls"], not_before, not_after)?;
        psd2_subject(&mut qwac.distinguished_name, "sandbox_eidas_qwac");
        qwac.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        qwac.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let qwac_cert = qwac.signed_by(&qwac_key, &ca).map_err(cert_err("QWAC"))?;

        let qsealc_key = rsa_key_pair()?;
        let mut qsealc = params(&["example_client_signing"], not_before, not_after)?;
        psd2_subject(&mut qsealc.distinguished_name, "sandbox_eidas_qsealc");
        qsealc.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        let qsealc_cert = qsealc
            .signed_by(&qsealc_key, &ca)
            .map_err(cert_err("QSealC"))?;

        let server_key = KeyPair::generate().map_err(cert_err("server key"))?;
        let mut server = params(&["localhost"], not_before, not_after)?;
        server.subject_alt_names = vec![
            SanType::DnsName("localhost".try_into().map_err(cert_err("server name"))?),
            SanType::IpAddress(std::net::IpAddr::from([127, 0, 0, 1])),
        ];
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server
            .signed_by(&server_key, &ca)
            .map_err(cert_err("server"))?;

        Ok(Self {
            ca_cert_pem: ca.pem(),
            qwac_cert_pem: qwac_cert.pem(),
            qwac_key_pem: SecretPem(qwac_key.serialize_pem()),
            qsealc_cert_pem: qsealc_cert.pem(),
            qsealc_key_pem: SecretPem(qsealc_key.serialize_pem()),
            server_cert_pem: server_cert.pem(),
            server_key_pem: SecretPem(server_key.serialize_pem()),
        })
    }

    /// Writes the set into `dir` (created if missing). Keys are readable by the owner only.
    pub fn write_to(&self, dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let entries: [(&str, &str, bool); 7] = [
            (files::CA, &self.ca_cert_pem, false),
            (files::QWAC_CERT, &self.qwac_cert_pem, false),
            (files::QWAC_KEY, self.qwac_key_pem.expose(), true),
            (files::QSEALC_CERT, &self.qsealc_cert_pem, false),
            (files::QSEALC_KEY, self.qsealc_key_pem.expose(), true),
            (files::SERVER_CERT, &self.server_cert_pem, false),
            (files::SERVER_KEY, self.server_key_pem.expose(), true),
        ];
        for (name, text, secret) in entries {
            let path = dir.join(name);
            write_file(&path, text, secret)?;
        }
        Ok(())
    }

    /// Reads a set written by [`DevCertificates::write_to`].
    pub fn load_from(dir: &Path) -> Result<Self, Error> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))
        };
        Ok(Self {
            ca_cert_pem: read(files::CA)?,
            qwac_cert_pem: read(files::QWAC_CERT)?,
            qwac_key_pem: SecretPem(read(files::QWAC_KEY)?),
            qsealc_cert_pem: read(files::QSEALC_CERT)?,
            qsealc_key_pem: SecretPem(read(files::QSEALC_KEY)?),
            server_cert_pem: read(files::SERVER_CERT)?,
            server_key_pem: SecretPem(read(files::SERVER_KEY)?),
        })
    }

    /// Whether `dir` already holds a complete set.
    pub fn exist_in(dir: &Path) -> bool {
        [
            files::CA,
            files::QWAC_CERT,
            files::QWAC_KEY,
            files::QSEALC_CERT,
            files::QSEALC_KEY,
            files::SERVER_CERT,
            files::SERVER_KEY,
        ]
        .iter()
        .all(|name| dir.join(name).is_file())
    }
}

fn write_file(path: &Path, text: &str, secret: bool) -> Result<(), Error> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    // The mode above applies only to a file being created; one being overwritten (`--force`)
    // keeps its old mode, so set it before the key is written into it.
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(path, e))?;
    }
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))
}

fn cert_err<E: fmt::Display>(what: &'static str) -> impl Fn(E) -> Error {
    move |e| Error::Certificate(format!("{what}: {e}"))
}

fn params(
    cn: &[&str],
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Result<CertificateParams, Error> {
    let mut p = CertificateParams::new(Vec::<String>::new()).map_err(cert_err("parameters"))?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "NL");
    dn.push(DnType::OrganizationName, "Local ING Sandbox");
    for name in cn {
        dn.push(DnType::CommonName, *name);
    }
    p.distinguished_name = dn;
    p.not_before = not_before;
    p.not_after = not_after;
    p.serial_number = Some(random_serial()?);
    Ok(p)
}

fn psd2_subject(dn: &mut DistinguishedName, unit: &str) {
    dn.push(DnType::OrganizationalUnitName, unit);
    dn.push(
        DnType::CustomDnType(ORGANIZATION_IDENTIFIER.to_vec()),
        "PSDNL-SBX-1234512345",
    );
}

/// A positive 8-byte serial (the high bit cleared so DER needs no sign byte).
fn random_serial() -> Result<SerialNumber, Error> {
    let mut bytes = [0u8; 8];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Certificate("system random generator failed".into()))?;
    bytes[0] = (bytes[0] & 0x7f) | 0x10;
    Ok(SerialNumber::from_slice(&bytes))
}

fn rsa_key_pair() -> Result<KeyPair, Error> {
    use rsa::pkcs8::EncodePrivateKey as _;
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048)
        .map_err(|e| Error::Certificate(format!("RSA key generation: {e}")))?;
    let der = key
        .to_pkcs8_der()
        .map_err(|e| Error::Certificate(format!("RSA key encoding: {e}")))?;
    KeyPair::from_pkcs8_der_and_sign_algo(
        &PrivatePkcs8KeyDer::from(der.as_bytes()),
        &PKCS_RSA_SHA256,
    )
    .map_err(cert_err("RSA key"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::*;

    #[test]
    fn a_generated_set_round_trips_through_a_folder() {
        let set = DevCertificates::generate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert!(!DevCertificates::exist_in(dir.path()));
        set.write_to(dir.path()).unwrap();
        assert!(DevCertificates::exist_in(dir.path()));
        let back = DevCertificates::load_from(dir.path()).unwrap();
        assert_eq!(back.qsealc_cert_pem, set.qsealc_cert_pem);
        assert_eq!(back.qsealc_key_pem, set.qsealc_key_pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(files::QSEALC_KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "key readable by others: {mode:o}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn rewriting_over_readable_key_files_makes_them_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        for name in [files::QWAC_KEY, files::QSEALC_KEY, files::SERVER_KEY] {
            std::fs::write(dir.path().join(name), "old").unwrap();
            std::fs::set_permissions(
                dir.path().join(name),
                std::fs::Permissions::from_mode(0o644),
            )
            .unwrap();
        }
        DevCertificates::generate()
            .unwrap()
            .write_to(dir.path())
            .unwrap();
        for name in [files::QWAC_KEY, files::QSEALC_KEY, files::SERVER_KEY] {
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{name} readable by others: {mode:o}");
        }
    }

    #[test]
    fn qsealc_is_rsa_with_a_psd2_subject_and_signs_verifiably() {
        let set = DevCertificates::generate().unwrap();
        let (_, pem) = parse_x509_pem(set.qsealc_cert_pem.as_bytes()).unwrap();
        let cert = pem.parse_x509().unwrap();
        let subject = cert.subject().to_string();
        assert!(subject.contains("PSDNL-SBX-1234512345"), "{subject}");
        assert!(subject.contains("sandbox_eidas_qsealc"), "{subject}");
        // Sign with the private key (ring) and verify with the certificate's public key.
        let (_, key_pem) =
            x509_parser::pem::parse_x509_pem(set.qsealc_key_pem.expose().as_bytes()).unwrap();
        let kp = ring::signature::RsaKeyPair::from_pkcs8(&key_pem.contents).unwrap();
        let mut sig = vec![0u8; kp.public().modulus_len()];
        kp.sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            b"hello",
            &mut sig,
        )
        .unwrap();
        let public = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            cert.public_key().subject_public_key.data.to_vec(),
        );
        public.verify(b"hello", &sig).unwrap();
    }

    #[test]
    fn two_sets_have_different_serials_and_keys() {
        let a = DevCertificates::generate().unwrap();
        let b = DevCertificates::generate().unwrap();
        assert_ne!(a.qsealc_key_pem, b.qsealc_key_pem);
        let serial = |pem: &str| {
            let (_, p) = parse_x509_pem(pem.as_bytes()).unwrap();
            p.parse_x509().unwrap().raw_serial().to_vec()
        };
        assert_ne!(serial(&a.qsealc_cert_pem), serial(&b.qsealc_cert_pem));
    }

    #[test]
    fn keys_never_show_in_debug() {
        let set = DevCertificates::generate().unwrap();
        let debug = format!("{set:?}");
        assert!(!debug.contains("PRIVATE KEY"));
        assert!(debug.contains("[redacted]"));
    }
}
