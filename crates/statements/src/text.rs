//! Bytes to text: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else
//! Windows-1252, which German and Dutch banks use for their CSV and MT940 files (a superset of
//! ISO-8859-1 for every printable character, decoded with `encoding_rs`; every byte decodes, so
//! nothing is refused or lost). The same rule as `invoice-import`'s.

use serde::{Deserialize, Serialize};

/// How a file's text was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// Windows-1252 (and so ISO-8859-1).
    Windows1252,
}

/// Decodes `bytes` as described in the module doc.
pub(crate) fn decode(bytes: &[u8]) -> (Encoding, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        && let Ok(text) = std::str::from_utf8(rest)
    {
        return (Encoding::Utf8Bom, text.to_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Encoding::Utf8, text.to_owned());
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    (Encoding::Windows1252, text.into_owned())
}

/// Encodes text as Windows-1252 when every character has a byte there; `None` otherwise.
pub(crate) fn encode_1252(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_in_windows_1252_and_utf8_with_bom() {
        assert_eq!(
            decode(b"M\xfcller"),
            (Encoding::Windows1252, "Müller".to_owned())
        );
        assert_eq!(
            decode("\u{feff}Müller".as_bytes()),
            (Encoding::Utf8Bom, "Müller".to_owned())
        );
        assert_eq!(encode_1252("Müller €"), Some(b"M\xfcller \x80".to_vec()));
        assert_eq!(encode_1252("Ω"), None);
    }
}
