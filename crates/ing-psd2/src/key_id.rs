//! The `keyId` of the application-token request (`docs/ing-protocol.md`, "Signing requests"):
//! `SN=<serial>` as ING's scripts send it, or `SN=<serial>,CA=<issuer>` with the QSealC's issuer
//! as an RFC 2253 string, the form some ING and Berlin Group gateways ask for.

use std::fmt;
use std::str::FromStr;

use x509_parser::x509::X509Name;

/// Which `keyId` the application-token request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyIdFormat {
    /// `SN=<serial in hex>`: what ING's own scripts and SDK send, and what ING's sandbox expects.
    #[default]
    Serial,
    /// `SN=<serial in hex>,CA=<issuer DN, RFC 2253>`: Berlin Group's form, which some ING and
    /// Berlin Group gateways require to tell certificates of different CAs with one serial apart.
    SerialAndIssuer,
}

impl KeyIdFormat {
    /// The words `PSD2_KEY_ID_FORMAT` takes: `serial`, `serial-and-issuer`.
    pub const NAMES: [&'static str; 2] = ["serial", "serial-and-issuer"];
}

impl fmt::Display for KeyIdFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyIdFormat::Serial => Self::NAMES[0],
            KeyIdFormat::SerialAndIssuer => Self::NAMES[1],
        })
    }
}

impl FromStr for KeyIdFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "serial" => Ok(Self::Serial),
            "serial-and-issuer" => Ok(Self::SerialAndIssuer),
            other => Err(format!(
                "key id format {other:?} is unknown: use `serial` (SN=…) or `serial-and-issuer` \
                 (SN=…,CA=<issuer>)"
            )),
        }
    }
}

/// RFC 2253 §2.3 keywords; any other attribute is written as its dotted OID.
const KEYWORDS: [(&str, &str); 9] = [
    ("2.5.4.3", "CN"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.6", "C"),
    ("2.5.4.9", "STREET"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
];

/// `name` as RFC 2253 writes it (what Java's `X500Principal.getName()` gives): the last RDN
/// first, RDNs joined by `,`, multi-valued ones by `+`; keyword types with their string value
/// escaped (§2.4), other types as a dotted OID with `#` and the hex of the value's DER. `None`
/// for a value that cannot be written (a tag beyond one byte, which no CA uses).
pub(crate) fn rfc2253(name: &X509Name<'_>) -> Option<String> {
    let rdns: Option<Vec<String>> = name
        .iter()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|rdn| {
            let parts: Option<Vec<String>> = rdn
                .iter()
                .map(|atv| {
                    let oid = atv.attr_type().to_id_string();
                    let keyword = KEYWORDS.iter().find(|(o, _)| *o == oid).map(|(_, k)| *k);
                    match (keyword, atv.as_str()) {
                        (Some(k), Ok(value)) => Some(format!("{k}={}", escape(value))),
                        (k, _) => {
                            let any = atv.attr_value();
                            let tag = u8::try_from(any.tag().0).ok().filter(|t| *t < 31)?;
                            let mut der = vec![tag];
                            der.extend(der_length(any.data.len()));
                            der.extend_from_slice(any.data);
                            let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
                            Some(format!("{}=#{hex}", k.unwrap_or(&oid)))
                        }
                    }
                })
                .collect();
            parts.map(|p| p.join("+"))
        })
        .collect();
    rdns.map(|r| r.join(","))
}

fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// RFC 2253 §2.4: `,+"\<>;` anywhere, `#` or a space at the start and a space at the end get a
/// backslash.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::pem::parse_x509_pem;
    use x509_parser::prelude::parse_x509_certificate;

    #[test]
    fn ings_2020_sandbox_certificate_issuer_reads_as_in_ings_examples() {
        let pem = include_bytes!("../tests/fixtures/ing-sandbox-qsealc-2020-5E4299BE.pem");
        let (_, pem) = parse_x509_pem(pem).unwrap();
        let (_, cert) = parse_x509_certificate(&pem.contents).unwrap();
        // `openssl x509 -issuer -nameopt RFC2253` on the fixture prints this issuer, and it is
        // the `CA=` part of the keyId in ING's 2019 sandbox examples (`docs/ing-protocol.md`).
        assert_eq!(
            rfc2253(cert.issuer()).unwrap(),
            "C=NL,ST=Amsterdam,L=Amsterdam,O=ING,OU=ING,CN=AppCertificateMeansAPI"
        );
        // A type without an RFC 2253 keyword is a dotted OID with the value's DER in hex
        // (organizationIdentifier, UTF8String "PSDNL-SBX-1234512345").
        assert_eq!(
            rfc2253(cert.subject()).unwrap(),
            "2.5.4.97=#0c145053444e4c2d5342582d31323334353132333435,OU=sandbox_eidas_qsealc"
        );
    }

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(escape("Acme, Inc."), r"Acme\, Inc.");
        assert_eq!(escape(" #lead trail "), r"\ #lead trail\ ");
        assert_eq!(escape("#x"), r"\#x");
        assert_eq!(escape(r#"a+b"c\d<e>f;g"#), r#"a\+b\"c\\d\<e\>f\;g"#);
        assert_eq!(der_length(5), [5]);
        assert_eq!(der_length(200), [0x81, 200]);
        assert_eq!(der_length(300), [0x82, 1, 44]);
    }

    #[test]
    fn the_setting_reads_its_two_words() {
        assert_eq!("serial".parse(), Ok(KeyIdFormat::Serial));
        assert_eq!(
            " Serial-And-Issuer ".parse(),
            Ok(KeyIdFormat::SerialAndIssuer)
        );
        let err = "issuer".parse::<KeyIdFormat>().unwrap_err();
        assert!(err.contains("serial-and-issuer"), "{err}");
        assert_eq!(
            KeyIdFormat::SerialAndIssuer.to_string(),
            "serial-and-issuer"
        );
    }
}
