//! The sandbox's verifier of draft-cavage HTTP signatures, as ING checks them.
//!
//! Written independently of the client's signer (`ing-psd2`), so that a misunderstanding of the
//! protocol cannot hide by being made twice. Rules (see `docs/ing-protocol.md`, "Signing requests"):
//! - parameters `keyId`, `algorithm`, `headers`, `signature`, quoted, comma separated; a quoted
//!   value may itself hold commas (`SN=…,CA=CN=…`);
//! - the signing string is one line per entry of `headers=`, in that order, `name: value`, joined
//!   by `\n`, where `(request-target)` is the lower-case method, a space, and the path with the
//!   query exactly as sent; ING requires at least `(request-target) date digest`;
//! - the signature is RSA PKCS#1 v1.5 over SHA-256 (`rsa-sha256`), base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use x509_parser::prelude::*;

/// Parsed parameters of a `Signature` header (or `Authorization: Signature …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    /// `keyId`: `SN=<serial hex>[,CA=…]` on the token call, the client id afterwards.
    pub key_id: String,
    /// `algorithm`, when given.
    pub algorithm: Option<String>,
    /// `headers`, lower-cased, in order.
    pub headers: Vec<String>,
    /// The decoded signature bytes.
    pub signature: Vec<u8>,
}

/// Why a signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not a list of `name="value"` parameters, or lacks one.
    #[error("malformed signature header: {0}")]
    Malformed(String),
    /// `headers=` lacks one of `(request-target) date digest`.
    #[error("the signature must cover (request-target), date and digest")]
    HeadersIncomplete,
    /// A header named in `headers=` is not on the request.
    #[error("signed header {0} is missing from the request")]
    MissingHeader(String),
    /// An algorithm other than rsa-sha256.
    #[error("unsupported signature algorithm {0}")]
    Algorithm(String),
    /// The RSA verification failed.
    #[error("Signature could not be successfully verified")]
    Invalid,
}

/// Parses `keyId="…",algorithm="…",headers="…",signature="…"` (optionally after `Signature `).
pub fn parse_params(value: &str) -> Result<SignatureParams, SignatureError> {
    let value = value.trim();
    let value = value.strip_prefix("Signature ").unwrap_or(value);
    let mut key_id = None;
    let mut algorithm = None;
    let mut headers = None;
    let mut signature = None;
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let eq = rest
            .find('=')
            .ok_or_else(|| SignatureError::Malformed(format!("no '=' in {rest:.20}")))?;
        let name = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let val;
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').ok_or_else(|| {
                SignatureError::Malformed(format!("unterminated value of {name}"))
            })?;
            val = &quoted[..end];
            rest = &quoted[end + 1..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            val = rest[..end].trim();
            rest = &rest[end..];
        }
        match name.as_str() {
            "keyid" => key_id = Some(val.to_owned()),
            "algorithm" => algorithm = Some(val.to_owned()),
            "headers" => {
                headers = Some(
                    val.split_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect(),
                )
            }
            "signature" => {
                let bytes = STANDARD
                    .decode(val)
                    .map_err(|_| SignatureError::Malformed("signature is not base64".into()))?;
                signature = Some(bytes);
            }
            _ => {} // `created`, `expires`: tolerated, not required by ING
        }
    }
    Ok(SignatureParams {
        key_id: key_id.ok_or_else(|| SignatureError::Malformed("keyId missing".into()))?,
        algorithm,
        // draft-cavage: absent `headers` means `date` only, which ING refuses below.
        headers: headers.unwrap_or_else(|| vec!["date".to_owned()]),
        signature: signature
            .ok_or_else(|| SignatureError::Malformed("signature missing".into()))?,
    })
}

/// Builds the signing string for `params.headers` from the request as received.
pub fn signing_string(
    params: &SignatureParams,
    method: &str,
    target: &str,
    headers: &HeaderMap,
) -> Result<String, SignatureError> {
    for required in ["(request-target)", "date", "digest"] {
        if !params.headers.iter().any(|h| h == required) {
            return Err(SignatureError::HeadersIncomplete);
        }
    }
    let mut lines = Vec::with_capacity(params.headers.len());
    for name in &params.headers {
        if name == "(request-target)" {
            lines.push(format!(
                "(request-target): {} {}",
                method.to_ascii_lowercase(),
                target
            ));
        } else {
            let values: Vec<&str> = headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if values.is_empty() {
                return Err(SignatureError::MissingHeader(name.clone()));
            }
            lines.push(format!("{name}: {}", values.join(", ")));
        }
    }
    Ok(lines.join("\n"))
}

/// Verifies `params.signature` over `signing_string` with an RSA public key
/// (the DER `RSAPublicKey` inside a certificate's SubjectPublicKeyInfo).
pub fn verify_rsa(
    params: &SignatureParams,
    signing_string: &str,
    rsa_public_key_der: &[u8],
) -> Result<(), SignatureError> {
    if let Some(alg) = &params.algorithm
        && !alg.eq_ignore_ascii_case("rsa-sha256")
        && !alg.eq_ignore_ascii_case("hs2019")
    {
        return Err(SignatureError::Algorithm(alg.clone()));
    }
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        rsa_public_key_der,
    );
    key.verify(signing_string.as_bytes(), &params.signature)
        .map_err(|_| SignatureError::Invalid)
}

/// The serial part of a `SN=<hex>[,CA=…]` keyId, normalised (upper case, no leading zeros).
pub fn key_id_serial(key_id: &str) -> Option<String> {
    let first = key_id.split(',').next()?.trim();
    let hex = first
        .strip_prefix("SN=")
        .or_else(|| first.strip_prefix("sn="))?;
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(normalize_serial(hex))
}

/// The issuer part of a `SN=<hex>,CA=<issuer DN>` keyId, as written (`None` without one).
pub fn key_id_issuer(key_id: &str) -> Option<&str> {
    let at = key_id.find(",CA=").or_else(|| key_id.find(",ca="))?;
    Some(&key_id[at + 4..])
}

/// Whether `written`, the `CA=` part of a keyId, names the issuer of the certificate `cert_der`.
///
/// Read rather than rebuilt, so that the client's writer is not repeated here: the string is split
/// into `type=value` pairs at unescaped `,` and `+`, `%XX` (Berlin Group's example writes spaces
/// as `%20`) and RFC 2253's `\` escapes are undone, a keyword is taken as its attribute type and a
/// `#hex` value as the DER of the value. The pairs must be the issuer's attributes in RFC 2253's
/// order (last RDN first) or in the certificate's own order (as OpenSSL's one-line form writes
/// them); values compare without regard to ASCII case, as directory names do.
pub fn issuer_matches(cert_der: &[u8], written: &str) -> bool {
    let Ok((_, cert)) = parse_x509_certificate(cert_der) else {
        return false;
    };
    let Some(pairs) = dn_pairs(written) else {
        return false;
    };
    let issuer: Vec<_> = cert.issuer().iter_attributes().collect();
    if issuer.len() != pairs.len() {
        return false;
    }
    let same = |attrs: &mut dyn Iterator<Item = &&x509_parser::x509::AttributeTypeAndValue<'_>>| {
        attrs.zip(&pairs).all(|(atv, (oid, value))| {
            if atv.attr_type().to_id_string() != *oid {
                return false;
            }
            let data = atv.attr_value().data;
            match value {
                DnValue::Text(text) => std::str::from_utf8(data)
                    .is_ok_and(|actual| actual.trim().eq_ignore_ascii_case(text.trim())),
                DnValue::Der(der) => {
                    der.first() == Some(&(atv.attr_value().tag().0 as u8))
                        && der.len() > data.len()
                        && der.ends_with(data)
                }
            }
        })
    };
    // RFC 2253 lists the RDNs last first; within a multi-valued RDN the order is kept.
    let rdns: Vec<Vec<_>> = cert
        .issuer()
        .iter()
        .map(|rdn| rdn.iter().collect())
        .collect();
    let reversed: Vec<_> = rdns.iter().rev().flatten().copied().collect();
    same(&mut reversed.iter()) || same(&mut issuer.iter())
}

enum DnValue {
    Text(String),
    Der(Vec<u8>),
}

/// `type=value` pairs of a written DN, types as dotted OIDs.
fn dn_pairs(written: &str) -> Option<Vec<(String, DnValue)>> {
    let decoded = percent_decode(written)?;
    let mut pairs = Vec::new();
    let mut current = String::new();
    let mut parts = Vec::new();
    let mut chars = decoded.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                current.push(chars.next()?);
            }
            ',' | '+' | ';' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    for part in parts {
        let (ty, value) = part.split_once('=')?;
        let ty = ty.trim();
        let oid = match ty.to_ascii_uppercase().as_str() {
            "CN" => "2.5.4.3",
            "L" => "2.5.4.7",
            "ST" => "2.5.4.8",
            "O" => "2.5.4.10",
            "OU" => "2.5.4.11",
            "C" => "2.5.4.6",
            "STREET" => "2.5.4.9",
            "DC" => "0.9.2342.19200300.100.1.25",
            "UID" => "0.9.2342.19200300.100.1.1",
            "ORGANIZATIONIDENTIFIER" => "2.5.4.97",
            "SERIALNUMBER" => "2.5.4.5",
            _ if ty.chars().all(|c| c.is_ascii_digit() || c == '.') => ty,
            _ => return None,
        }
        .to_owned();
        let value = match value.strip_prefix('#') {
            Some(hex) => DnValue::Der(hex_bytes(hex)?),
            None => DnValue::Text(unescape(value)?),
        };
        pairs.push((oid, value));
    }
    Some(pairs)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// RFC 2253 §3: `\` before a special character, or `\` and two hex digits for a byte.
fn unescape(value: &str) -> Option<String> {
    let mut out = Vec::new();
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let next = *bytes.get(i + 1)?;
            if let Some(byte) = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
            } else {
                out.push(next);
                i += 2;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Upper case without leading zeros: the form Java's `BigInteger.toString(16)` and x509-parser's
/// `{:X}` both produce, whatever case the client wrote.
pub fn normalize_serial(hex: &str) -> String {
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_ascii_uppercase()
    }
}

/// A certificate's DER from the `TPP-Signature-Certificate` header: one-line PEM (what ING's bash
/// scripts send) or bare base64 DER (what ING's Java SDK sends).
pub fn certificate_from_header(value: &str) -> Option<Vec<u8>> {
    let body = value
        .trim()
        .trim_start_matches("-----BEGIN CERTIFICATE-----")
        .trim_end_matches("-----END CERTIFICATE-----");
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(compact).ok()
}

/// What the verifier needs of a signing certificate.
#[derive(Debug, Clone)]
pub struct SigningCert {
    /// Serial, normalised.
    pub serial: String,
    /// The RSA public key (DER `RSAPublicKey`).
    pub public_key: Vec<u8>,
    /// The whole certificate, for chain checks.
    pub der: Vec<u8>,
}

/// Parses a signing certificate's serial and public key.
pub fn parse_signing_cert(der: &[u8]) -> Option<SigningCert> {
    let (_, cert) = parse_x509_certificate(der).ok()?;
    Some(SigningCert {
        serial: normalize_serial(&format!("{:X}", cert.serial)),
        public_key: cert.public_key().subject_public_key.data.to_vec(),
        der: der.to_vec(),
    })
}

/// Whether `cert_der` was issued (signed) by the CA certificate `ca_der` and is within its
/// validity period now. ECDSA P-256 and RSA CAs are understood.
pub fn issued_by(cert_der: &[u8], ca_der: &[u8]) -> bool {
    let (Ok((_, cert)), Ok((_, ca))) = (
        parse_x509_certificate(cert_der),
        parse_x509_certificate(ca_der),
    ) else {
        return false;
    };
    if cert.issuer() != ca.subject() || !cert.validity().is_valid() {
        return false;
    }
    let spki = ca.public_key().subject_public_key.data.as_ref();
    let tbs = cert.tbs_certificate.as_ref();
    let sig = cert.signature_value.data.as_ref();
    let algorithms: [&dyn ring::signature::VerificationAlgorithm; 2] = [
        &ring::signature::ECDSA_P256_SHA256_ASN1,
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
    ];
    algorithms.iter().any(|alg| {
        ring::signature::UnparsedPublicKey::new(*alg, spki)
            .verify(tbs, sig)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_may_hold_commas() {
        let p = parse_params(
            r#"Signature keyId="SN=499602D2,CA=C=NL,ST=Amsterdam,CN=AppCertificateMeansAPI",algorithm="rsa-sha256",headers="(request-target) date digest",signature="AAEC""#,
        )
        .unwrap();
        assert_eq!(
            p.key_id,
            "SN=499602D2,CA=C=NL,ST=Amsterdam,CN=AppCertificateMeansAPI"
        );
        assert_eq!(p.headers, ["(request-target)", "date", "digest"]);
        assert_eq!(p.signature, [0, 1, 2]);
        assert_eq!(key_id_serial(&p.key_id).as_deref(), Some("499602D2"));
    }

    #[test]
    fn serials_compare_without_case_or_leading_zeros() {
        assert_eq!(key_id_serial("SN=00546212fb").as_deref(), Some("546212FB"));
        assert_eq!(key_id_serial("SN=zz"), None);
        assert_eq!(key_id_serial("5ca1ab1e-c0ca"), None);
    }

    #[test]
    fn missing_parts_are_malformed() {
        assert!(matches!(
            parse_params(r#"keyId="x""#),
            Err(SignatureError::Malformed(_))
        ));
        assert!(matches!(
            parse_params(r#"signature="AAEC""#),
            Err(SignatureError::Malformed(_))
        ));
        assert!(matches!(
            parse_params(r#"keyId="x",signature="%%%""#),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn signing_string_follows_the_headers_order_and_needs_all_three() {
        let mut h = HeaderMap::new();
        h.insert("date", "Tue, 31 Mar 2020 08:37:27 GMT".parse().unwrap());
        h.insert("digest", "SHA-256=abc".parse().unwrap());
        h.insert("x-request-id", "id-1".parse().unwrap());
        let mut p = parse_params(
            r#"keyId="k",headers="(request-target) x-request-id date digest",signature="AA==""#,
        )
        .unwrap();
        let s = signing_string(&p, "GET", "/v3/accounts?x=1", &h).unwrap();
        assert_eq!(
            s,
            "(request-target): get /v3/accounts?x=1\nx-request-id: id-1\ndate: Tue, 31 Mar 2020 08:37:27 GMT\ndigest: SHA-256=abc"
        );
        p.headers = vec!["(request-target)".into(), "date".into()];
        assert_eq!(
            signing_string(&p, "GET", "/", &h),
            Err(SignatureError::HeadersIncomplete)
        );
        p.headers = vec![
            "(request-target)".into(),
            "date".into(),
            "digest".into(),
            "psu-ip-address".into(),
        ];
        assert_eq!(
            signing_string(&p, "GET", "/", &h),
            Err(SignatureError::MissingHeader("psu-ip-address".into()))
        );
    }

    #[test]
    fn certificate_header_accepts_one_line_pem_and_bare_base64() {
        let pem = "-----BEGIN CERTIFICATE-----AQID-----END CERTIFICATE-----";
        assert_eq!(certificate_from_header(pem), Some(vec![1, 2, 3]));
        assert_eq!(certificate_from_header("AQID"), Some(vec![1, 2, 3]));
        assert_eq!(
            certificate_from_header(
                "-----BEGIN CERTIFICATE-----\nAQ\nID\n-----END CERTIFICATE-----"
            ),
            Some(vec![1, 2, 3])
        );
    }
}
