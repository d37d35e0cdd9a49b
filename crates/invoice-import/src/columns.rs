//! Which column is which: header names in English, German and Dutch, compared without case,
//! spaces, punctuation or accents (`Fälligkeit`, `FAELLIGKEIT` and `fälligkeit ` are one name).

/// A field of an invoice that a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The invoice number (required).
    Number,
    /// Invoice or credit note.
    Kind,
    /// The customer's name (required).
    Customer,
    /// The customer's number in the bookkeeping (Kundennummer, Debitorennummer).
    CustomerNumber,
    /// The gross total.
    Total,
    /// What is still open of it.
    Open,
    /// ISO 4217 currency.
    Currency,
    /// The issue date (required).
    IssueDate,
    /// The due date.
    DueDate,
    /// The customer's IBAN.
    Iban,
    /// ISO 11649 creditor reference (`RF…`).
    CreditorReference,
}

impl Field {
    /// Every field, in the order the docs list them.
    pub const ALL: [Field; 11] = [
        Field::Number,
        Field::Kind,
        Field::Customer,
        Field::CustomerNumber,
        Field::Total,
        Field::Open,
        Field::Currency,
        Field::IssueDate,
        Field::DueDate,
        Field::Iban,
        Field::CreditorReference,
    ];

    /// The header names read as this field, as written in `docs/invoice-import.md`.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Field::Number => &[
                "number",
                "invoice number",
                "invoice no",
                "invoice",
                "Rechnungsnummer",
                "Rechnungsnr.",
                "Rechnungs-Nr.",
                "Re-Nr.",
                "Belegnummer",
                "Beleg-Nr.",
                "Belegnr.",
                "Belegfeld 1",
                "Factuurnummer",
                "Factuurnr.",
                "Factuur",
            ],
            Field::Kind => &[
                "kind",
                "type",
                "Belegart",
                "Rechnungsart",
                "Art",
                "Soort",
                "Documentsoort",
            ],
            Field::Customer => &[
                "customer_name",
                "customer",
                "customer name",
                "name",
                "Kunde",
                "Kundenname",
                "Debitor",
                "Debitorenname",
                "Kontobezeichnung",
                "Klant",
                "Klantnaam",
                "Debiteur",
                "Naam",
            ],
            Field::CustomerNumber => &[
                "customer_number",
                "customer number",
                "customer no",
                "customer id",
                "Kundennummer",
                "Kundennr.",
                "Kunden-Nr.",
                "Debitorennummer",
                "Debitorennr.",
                "Debitoren-Nr.",
                "Debitorenkonto",
                "Konto",
                "Klantnummer",
                "Klantnr.",
                "Debiteurnummer",
                "Debiteurennummer",
            ],
            Field::Total => &[
                "total",
                "amount",
                "gross",
                "gross amount",
                "invoice amount",
                "Betrag",
                "Brutto",
                "Bruttobetrag",
                "Rechnungsbetrag",
                "Gesamtbetrag",
                "Betrag brutto",
                "Sollbetrag",
                "Bedrag",
                "Totaal",
                "Totaalbedrag",
                "Factuurbedrag",
                "Bedrag incl. btw",
            ],
            Field::Open => &[
                "open",
                "open amount",
                "outstanding",
                "amount due",
                "balance due",
                "Offen",
                "Offener Betrag",
                "Offener Posten",
                "Restbetrag",
                "Offener Saldo",
                "Saldo",
                "Openstaand",
                "Openstaand bedrag",
                "Openstaand saldo",
                "Saldo openstaand",
            ],
            Field::Currency => &[
                "currency",
                "Währung",
                "WKZ",
                "Währungskennung",
                "Valuta",
                "Munteenheid",
            ],
            Field::IssueDate => &[
                "issue_date",
                "issue date",
                "invoice date",
                "date",
                "Rechnungsdatum",
                "Belegdatum",
                "Datum",
                "Factuurdatum",
                "Documentdatum",
            ],
            Field::DueDate => &[
                "due_date",
                "due date",
                "due",
                "Fällig",
                "Fälligkeit",
                "Fällig am",
                "Fälligkeitsdatum",
                "Vervaldatum",
                "Vervaldag",
                "Uiterste betaaldatum",
            ],
            Field::Iban => &[
                "customer_iban",
                "IBAN",
                "customer IBAN",
                "Kunden-IBAN",
                "IBAN klant",
            ],
            Field::CreditorReference => &[
                "creditor_reference",
                "creditor reference",
                "RF reference",
                "RF-Referenz",
                "Gläubigerreferenz",
                "Crediteurreferentie",
            ],
        }
    }

    /// The field's first (English) name, used in English messages and the docs.
    pub fn name(self) -> &'static str {
        self.names().first().copied().unwrap_or("")
    }

    /// Whether a file must have this column (total or open: at least one of the two).
    pub fn required(self) -> bool {
        matches!(self, Field::Number | Field::Customer | Field::IssueDate)
    }
}

/// One header of the file and what it was read as (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The header as written in the file.
    pub header: String,
    /// The field it holds, if it is one we know.
    pub field: Option<Field>,
}

/// A header name folded for comparison: lower case, umlauts and accents dropped (`ä`→`a`,
/// `ß`→`ss`, `é`→`e`), `ae`/`oe`/`ue` spellings folded the same way, everything but letters and
/// digits removed.
pub(crate) fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'à' | 'á' | 'â' => out.push('a'),
            'ö' | 'ò' | 'ó' | 'ô' => out.push('o'),
            'ü' | 'ù' | 'ú' | 'û' => out.push('u'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'ï' | 'í' | 'ì' | 'î' => out.push('i'),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out.replace("ae", "a").replace("oe", "o").replace("ue", "u")
}

/// The field a header names, if any.
pub(crate) fn field_for(header: &str) -> Option<Field> {
    let folded = fold(header);
    if folded.is_empty() {
        return None;
    }
    Field::ALL
        .into_iter()
        .find(|f| f.names().iter().any(|n| fold(n) == folded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_space_and_accents() {
        assert_eq!(field_for(" FAELLIGKEIT "), Some(Field::DueDate));
        assert_eq!(field_for("Fälligkeit"), Some(Field::DueDate));
        assert_eq!(field_for("rechnungs nr"), Some(Field::Number));
        assert_eq!(field_for("Offener Betrag"), Some(Field::Open));
        assert_eq!(field_for("Openstaand"), Some(Field::Open));
        assert_eq!(field_for("Klantnummer"), Some(Field::CustomerNumber));
        assert_eq!(field_for("Währung"), Some(Field::Currency));
        assert_eq!(field_for("Notiz"), None);
    }

    #[test]
    fn no_name_belongs_to_two_fields() {
        let mut seen = std::collections::HashMap::new();
        for f in Field::ALL {
            for n in f.names() {
                if let Some(other) = seen.insert(fold(n), f) {
                    assert_eq!(other, f, "{n} names {other:?} and {f:?}");
                }
            }
        }
    }
}
