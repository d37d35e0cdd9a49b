//! Masking personal data in what the client logs and puts into error messages: IBANs keep their
//! country, check digits and last four characters (`DE89…3000`), other text values from the
//! bank's answers keep their first character. An error message must help find the entry, never
//! carry the account holder's data into a log file.

/// `DE89…3000` for an IBAN-shaped text; anything else as given.
pub fn mask_iban(text: &str) -> String {
    if looks_like_iban(text) {
        let chars: Vec<char> = text.chars().collect();
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        return format!("{head}…{tail}");
    }
    text.to_owned()
}

/// Two letters, two digits, then 11 to 30 letters or digits (ISO 13616's shape, without spaces).
fn looks_like_iban(s: &str) -> bool {
    let b = s.as_bytes();
    (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric)
}

/// A value that carries no personal data: codes (`BOOK`, `EUR`, `ACCESS_EXCEEDED`), numbers,
/// dates, very short texts.
fn harmless(value: &str) -> bool {
    value.chars().count() <= 3
        || value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | ':' | '+' | 'T' | 'Z'))
        || (value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !looks_like_iban(value))
}

fn mask_value(value: &str) -> String {
    if looks_like_iban(value) {
        return mask_iban(value);
    }
    if harmless(value) {
        return value.to_owned();
    }
    let first: String = value.chars().take(1).collect();
    format!("{first}…")
}

/// Masks the string values of a (possibly truncated) JSON text and every IBAN-shaped word in it.
/// Keys stay readable, so the excerpt still shows where an answer broke.
pub(crate) fn mask_json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut last_significant = ' ';
    while let Some(c) = chars.next() {
        if c != '"' {
            if !c.is_whitespace() {
                last_significant = c;
            }
            out.push(c);
            continue;
        }
        let mut literal = String::new();
        let mut closed = false;
        while let Some(d) = chars.next() {
            if d == '\\' {
                literal.push(d);
                if let Some(e) = chars.next() {
                    literal.push(e);
                }
                continue;
            }
            if d == '"' {
                closed = true;
                break;
            }
            literal.push(d);
        }
        let is_key = closed && chars.clone().find(|c| !c.is_whitespace()) == Some(':');
        let is_value = matches!(last_significant, ':' | '[' | ',') && !is_key;
        out.push('"');
        if is_value || !closed {
            out.push_str(&mask_value(&literal));
        } else {
            out.push_str(&literal);
        }
        if closed {
            out.push('"');
        }
        last_significant = '"';
    }
    mask_words(&out)
}

/// A link as an error message may show it: where it leads (host and path, IBAN-shaped words
/// masked) and the names of its query parameters, not their values (a pagination cursor is
/// opaque and may carry anything); at most 160 characters.
pub(crate) fn mask_link(href: &str) -> String {
    let (base, query) = match href.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (href, None),
    };
    let mut out = mask_words(base);
    if let Some(query) = query {
        let names: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) => format!("{}=…", mask_words(name)),
                // A bare parameter is a value without a name.
                None => "…".to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&names.join("&"));
    }
    if out.chars().count() > 160 {
        out = out.chars().take(160).collect();
        out.push('…');
    }
    out
}

/// Masks IBAN-shaped words anywhere (plain-text answers, keys).
fn mask_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        out.push_str(&mask_iban(&word));
        word.clear();
        out.push(c);
    }
    out.push_str(&mask_iban(&word));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_keep_country_check_digits_and_last_four() {
        assert_eq!(mask_iban("DE89370400440532013000"), "DE89…3000");
        assert_eq!(mask_iban("NL91ABNA0417164300"), "NL91…4300");
        assert_eq!(mask_iban("not an iban"), "not an iban");
    }

    #[test]
    fn a_truncated_answer_keeps_its_keys_and_loses_names_and_ibans() {
        let body = r#"{"transactions":{"booked":[{"transactionId":"T1","creditorName":"Popescu Corina","creditorAccount":{"iban":"NL69INGB0123456789"},"transactionAmount":{"amount":"-45.10","currency":"EUR"},"remittanceInformationUnstructured":"RE-2026-0042 Mül"#;
        let masked = mask_json_text(body);
        assert!(!masked.contains("Popescu"), "{masked}");
        assert!(!masked.contains("NL69INGB0123456789"), "{masked}");
        assert!(!masked.contains("RE-2026-0042"), "{masked}");
        assert!(masked.contains("\"creditorName\":\"P…\""), "{masked}");
        assert!(masked.contains("NL69…6789"), "{masked}");
        assert!(masked.contains("\"amount\":\"-45.10\""), "{masked}");
        assert!(masked.contains("\"currency\":\"EUR\""), "{masked}");
    }

    #[test]
    fn a_link_shows_where_it_leads_but_no_values() {
        assert_eq!(
            mask_link("/v3/accounts/a217d676/transactions?next=eyJhIjoiYWJjIn0&limit=10"),
            "/v3/accounts/a217d676/transactions?next=…&limit=…"
        );
        assert_eq!(
            mask_link("https://evil.example/v3/NL69INGB0123456789?secret-token"),
            "https://evil.example/v3/NL69…6789?…"
        );
        let long = format!("/v3/{}", "a".repeat(300));
        assert_eq!(mask_link(&long).chars().count(), 161);
    }

    #[test]
    fn plain_text_keeps_its_words_but_not_ibans() {
        assert_eq!(
            mask_json_text("bad account DE89370400440532013000 here"),
            "bad account DE89…3000 here"
        );
    }
}
