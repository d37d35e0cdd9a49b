//! The `:86:` field: German banks' structured form (a three-digit business transaction code,
//! then `?NN` subfields: `?00` booking text, `?20`–`?29` and `?60`–`?63` purpose, `?30` BLZ or
//! BIC, `?31` account or IBAN, `?32`/`?33` name), with the SEPA keywords inside the purpose
//! (`EREF+`, `MREF+`, `CRED+`, `SVWZ+`, …); the Dutch slash form (`/EREF/…/NAME/…/REMI/…`);
//! or plain text. Subfields are cut at fixed lengths (27 characters), so they are joined with
//! nothing between them.

use crate::model::{Party, non_empty, real_id};

/// What an `:86:` says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Info {
    pub code: Option<String>,
    pub booking_text: Option<String>,
    pub remittance: Option<String>,
    pub end_to_end_id: Option<String>,
    pub mandate_id: Option<String>,
    pub creditor_id: Option<String>,
    pub party: Party,
}

/// Reads an `:86:` value (its lines already joined without line breaks).
pub(crate) fn parse(value: &str) -> Info {
    let v = value.trim_end();
    if v.len() == 3 && v.bytes().all(|b| b.is_ascii_digit()) {
        // A business code and no subfields.
        return Info {
            code: Some(v.to_owned()),
            ..Info::default()
        };
    }
    let structured =
        v.len() > 3 && v.as_bytes()[..3].iter().all(u8::is_ascii_digit) && v.get(3..4) == Some("?");
    if structured {
        german(v)
    } else if v.starts_with('/') {
        slashes(v)
    } else {
        Info {
            remittance: non_empty(v),
            ..Info::default()
        }
    }
}

fn german(v: &str) -> Info {
    let mut info = Info {
        code: Some(v[..3].to_owned()),
        ..Info::default()
    };
    let mut purpose = String::new();
    let mut name = String::new();
    for part in v[4..].split('?') {
        let (Some(key), rest) = (part.get(..2), part.get(2..).unwrap_or("")) else {
            continue;
        };
        match key {
            "00" => info.booking_text = non_empty(rest),
            "20" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29" | "60" | "61"
            | "62" | "63" => purpose.push_str(rest),
            "30" => info.party.bic = non_empty(rest),
            "31" => {
                let acct = rest.trim().replace(' ', "");
                if looks_like_iban(&acct) {
                    info.party.iban = Some(acct);
                } else {
                    info.party.account = non_empty(&acct);
                }
            }
            "32" | "33" => name.push_str(rest),
            _ => {}
        }
    }
    info.party.name = non_empty(&name);
    sepa_keywords(&purpose, &mut info);
    info
}

pub(crate) fn looks_like_iban(s: &str) -> bool {
    s.len() >= 15
        && s.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        && s.as_bytes()[2..4].iter().all(u8::is_ascii_digit)
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

const KEYWORDS: [&str; 12] = [
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "COAM+", "OAMT+", "SVWZ+", "ABWA+", "ABWE+",
    "IBAN+", "BIC+",
];

/// Splits a purpose at the SEPA keywords (DK's "Spezifikation der Datenformate", annex C). A
/// purpose without keywords is the remittance text as it stands.
fn sepa_keywords(purpose: &str, info: &mut Info) {
    let mut marks: Vec<(usize, &str)> = KEYWORDS
        .iter()
        .flat_map(|k| purpose.match_indices(k).map(|(i, _)| (i, *k)))
        .collect();
    marks.sort();
    if marks.is_empty() {
        info.remittance = non_empty(purpose);
        return;
    }
    let mut rest = Vec::new();
    if let Some(before) = marks.first().and_then(|(i, _)| non_empty(&purpose[..*i])) {
        rest.push(before);
    }
    for (n, (start, key)) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map_or(purpose.len(), |(i, _)| *i);
        let value = &purpose[start + key.len()..end];
        match *key {
            "EREF+" => info.end_to_end_id = real_id(value),
            "MREF+" => info.mandate_id = real_id(value),
            "CRED+" => info.creditor_id = real_id(value),
            "SVWZ+" => {
                if let Some(t) = non_empty(value) {
                    rest.push(t);
                }
            }
            // Kept in the text so nothing is lost (customer reference, ultimate parties…).
            other => {
                if let Some(t) = non_empty(value) {
                    rest.push(format!("{other}{t}"));
                }
            }
        }
    }
    info.remittance = (!rest.is_empty()).then(|| rest.join(" "));
}

/// The Dutch form ING and Rabobank write: `/CODE/value/CODE/value…`.
fn slashes(v: &str) -> Info {
    const CODES: [&str; 14] = [
        "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "MARF", "CSID", "ORDP", "BENM", "RTRN",
        "CNTP", "ID", "ADDR",
    ];
    let mut info = Info::default();
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut rest = v;
    let mut current: Option<(&str, String)> = None;
    while let Some(after) = rest.strip_prefix('/') {
        let code = CODES
            .iter()
            .find(|c| after.starts_with(*c) && after[c.len()..].starts_with('/'));
        match code {
            Some(c) => {
                if let Some(f) = current.take() {
                    fields.push(f);
                }
                current = Some((c, String::new()));
                rest = &after[c.len() + 1..];
            }
            None => {
                if let Some((_, text)) = current.as_mut() {
                    text.push('/');
                }
                rest = after;
            }
        }
        let next = rest.find('/').unwrap_or(rest.len());
        if let Some((_, text)) = current.as_mut() {
            text.push_str(&rest[..next]);
        }
        rest = &rest[next..];
    }
    if let Some(f) = current.take() {
        fields.push(f);
    }
    for (code, value) in fields {
        match code {
            "TRTP" => info.booking_text = non_empty(&value),
            "IBAN" => info.party.iban = non_empty(&value),
            "BIC" => info.party.bic = non_empty(&value),
            "NAME" => info.party.name = non_empty(&value),
            "REMI" => info.remittance = non_empty(&value),
            "EREF" => info.end_to_end_id = real_id(&value),
            "MARF" => info.mandate_id = real_id(&value),
            "CSID" => info.creditor_id = real_id(&value),
            _ => {}
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_subfields_and_sepa_keywords() {
        let i = parse(
            "105?00SEPA-BASISLASTSCHRIFT?109310?20EREF+E2E-4711?21MREF+M-99?22CRED+DE98ZZZ09999999999?23SVWZ+Strom Abschlag Ja?24nuar Kd 12?30COBADEFFXXX?31DE89370400440532013000?32Stadtwerke M?33üller GmbH",
        );
        assert_eq!(i.code.as_deref(), Some("105"));
        assert_eq!(i.booking_text.as_deref(), Some("SEPA-BASISLASTSCHRIFT"));
        assert_eq!(i.end_to_end_id.as_deref(), Some("E2E-4711"));
        assert_eq!(i.mandate_id.as_deref(), Some("M-99"));
        assert_eq!(i.creditor_id.as_deref(), Some("DE98ZZZ09999999999"));
        assert_eq!(i.remittance.as_deref(), Some("Strom Abschlag Januar Kd 12"));
        assert_eq!(i.party.bic.as_deref(), Some("COBADEFFXXX"));
        assert_eq!(i.party.iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(i.party.name.as_deref(), Some("Stadtwerke Müller GmbH"));
    }

    #[test]
    fn old_style_blz_and_account_and_no_keywords() {
        let i = parse("051?00UEBERWEISUNG?20RE-2024-0001?30 37040044?310532013000?32Max Muster");
        assert_eq!(i.remittance.as_deref(), Some("RE-2024-0001"));
        assert_eq!(i.party.bic.as_deref(), Some("37040044"));
        assert_eq!(i.party.account.as_deref(), Some("0532013000"));
        assert_eq!(i.party.iban, None);
    }

    #[test]
    fn dutch_slash_form() {
        let i = parse(
            "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. de Vries/REMI/Factuur 2024/17 dank/EREF/NOTPROVIDED",
        );
        assert_eq!(i.booking_text.as_deref(), Some("SEPA OVERBOEKING"));
        assert_eq!(i.party.iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(i.party.name.as_deref(), Some("J. de Vries"));
        assert_eq!(i.remittance.as_deref(), Some("Factuur 2024/17 dank"));
        assert_eq!(i.end_to_end_id, None);
    }

    #[test]
    fn empty_and_plain() {
        assert_eq!(parse(""), Info::default());
        assert_eq!(parse("Miete Mai").remittance.as_deref(), Some("Miete Mai"));
    }
}
