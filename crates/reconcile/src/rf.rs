//! ISO 11649 creditor references (`RF18 5390 0754 7034`) and the MOD 97-10 check they share
//! with IBANs.
//!
//! A valid `RF` reference is the strongest identifier a payer can send, but only if its check
//! digits are right: a mistyped reference must not be taken for another invoice's, so anything
//! that fails MOD 97-10 is ignored rather than matched loosely.

/// Remainder modulo 97 of the digit string that ISO 7064 MOD 97-10 defines for `s`: letters
/// count as two digits (`A` = 10 … `Z` = 35). `None` for any character that is not ASCII
/// alphanumeric.
fn mod97_of(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in chars {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

/// Upper-case `s` without spaces, the form references and IBANs are compared in.
pub fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `reference` (spaces allowed) is a well-formed ISO 11649 reference with correct check
/// digits: `RF`, two digits, 1–21 alphanumerics, MOD 97-10 of body + `RF` + digits equal to 1.
pub fn is_valid_rf(reference: &str) -> bool {
    let c = compact(reference);
    let b = c.as_bytes();
    if b.len() < 5 || b.len() > 25 || !c.starts_with("RF") {
        return false;
    }
    if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return false;
    }
    if !b[4..].iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let rotated = b[4..].iter().chain(b[..4].iter()).copied();
    mod97_of(rotated) == Some(1)
}

/// Builds the ISO 11649 reference for `body` (1–21 alphanumerics), grouped by four as printed
/// on invoices. `None` if the body cannot be one. The generator and the tests use it to issue
/// references the way an invoicing system would.
pub fn make_rf(body: &str) -> Option<String> {
    let body = compact(body);
    if body.is_empty() || body.len() > 21 || !body.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let rem = mod97_of(body.bytes().chain(*b"RF00"))?;
    let check = 98 - rem;
    let full = format!("RF{check:02}{body}");
    let mut out = String::with_capacity(full.len() + full.len() / 4);
    for (i, ch) in full.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    Some(out)
}

/// Whether `iban` (spaces allowed) has a plausible shape and correct MOD 97-10 check digits.
/// Only the generator needs this; the matcher compares IBANs as given.
pub fn is_valid_iban(iban: &str) -> bool {
    let c = compact(iban);
    let b = c.as_bytes();
    if b.len() < 15 || b.len() > 34 {
        return false;
    }
    if !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() {
        return false;
    }
    let rotated = b[4..].iter().chain(b[..4].iter()).copied();
    mod97_of(rotated) == Some(1)
}

/// Builds an IBAN from a country code and a BBAN by computing the check digits.
pub fn make_iban(country: &str, bban: &str) -> Option<String> {
    let country = compact(country);
    let bban = compact(bban);
    if country.len() != 2 || bban.is_empty() {
        return None;
    }
    let rem = mod97_of(bban.bytes().chain(country.bytes()).chain(*b"00"))?;
    Some(format!("{country}{:02}{bban}", 98 - rem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_rf_references_validate() {
        // The example from ISO 11649 and the Finnish/Belgian guides.
        assert!(is_valid_rf("RF18 5390 0754 7034"));
        assert!(is_valid_rf("rf18539007547034"));
        assert!(is_valid_rf("RF18000000000539007547034"));
    }

    #[test]
    fn a_single_wrong_digit_fails_the_check() {
        assert!(!is_valid_rf("RF18 5390 0754 7035"));
        assert!(!is_valid_rf("RF19 5390 0754 7034"));
        assert!(!is_valid_rf("RF18"));
        assert!(!is_valid_rf("XX18 5390 0754 7034"));
        assert!(!is_valid_rf("RF18 5390-0754"));
    }

    #[test]
    fn made_references_validate_and_group_by_four() {
        let rf = make_rf("539007547034").unwrap();
        assert_eq!(rf, "RF18 5390 0754 7034");
        for body in ["1", "RE20240815", "INV0012345", "ABCDEFGHIJKLMNOPQRSTU"] {
            let rf = make_rf(body).unwrap();
            assert!(is_valid_rf(&rf), "{rf}");
        }
        assert!(make_rf("").is_none());
        assert!(make_rf("ABCDEFGHIJKLMNOPQRSTUV").is_none());
    }

    #[test]
    fn ibans_check_and_build() {
        assert!(is_valid_iban("DE89 3704 0044 0532 0130 00"));
        assert!(is_valid_iban("NL91ABNA0417164300"));
        assert!(!is_valid_iban("DE89 3704 0044 0532 0130 01"));
        let iban = make_iban("DE", "370400440532013000").unwrap();
        assert_eq!(iban, "DE89370400440532013000");
    }
}
