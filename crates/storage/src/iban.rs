//! IBANs as logs may show them and as accounts are compared.

/// `DE89…3000`: the first and last four characters of an IBAN (spaces removed), for logs, which
/// must never carry a full IBAN. Short values are hidden entirely.
pub fn mask_iban(iban: &str) -> String {
    let compact: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() <= 8 {
        return "…".to_owned();
    }
    let head: String = compact.iter().take(4).collect();
    let tail: String = compact.iter().skip(compact.len() - 4).collect();
    format!("{head}…{tail}")
}

/// The IBAN as compared: upper case, no spaces (banks and users write it both ways).
pub(crate) fn normalize_iban(iban: &str) -> String {
    iban.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}
