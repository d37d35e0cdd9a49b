//! The CSV exports of the banks our users have, each as a [`ColumnMapping`]. Column names, date
//! forms and decimal marks are listed with their public sources in `docs/statements.md`. A bank
//! that changed its export over the years has one mapping per shape, tried in order.

use serde::{Deserialize, Serialize};

use super::amount::DecimalMark;
use super::mapping::{AmountColumns, ColumnMapping, DateFormat};

/// A bank's CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BankCsv {
    /// ING Germany "Umsatzanzeige" (preamble with IBAN and period, `;`, decimal comma).
    IngDe,
    /// ING Netherlands "Af Bij" download (`,` or `;`, dates `YYYYMMDD`, direction column).
    IngNl,
    /// Sparkasse "CSV-CAMT" (V2 and V8 share the columns).
    SparkasseCamt,
    /// Volksbanken and Raiffeisenbanken (the Atruvia online banking export).
    Volksbank,
    /// Deutsche Bank (preamble, `Soll`/`Haben` columns, closing balance footer).
    DeutscheBank,
    /// Commerzbank "Umsätze".
    Commerzbank,
    /// Rabobank (`,`, signed amounts `+12,50`, three description columns).
    Rabobank,
}

impl BankCsv {
    /// Every layout, in the order detection tries them (most specific first).
    pub const ALL: [BankCsv; 7] = [
        BankCsv::SparkasseCamt,
        BankCsv::Volksbank,
        BankCsv::DeutscheBank,
        BankCsv::Commerzbank,
        BankCsv::Rabobank,
        BankCsv::IngNl,
        BankCsv::IngDe,
    ];

    /// The name used in `?format=` (`csv-ing-de`, …).
    pub fn name(self) -> &'static str {
        match self {
            BankCsv::IngDe => "csv-ing-de",
            BankCsv::IngNl => "csv-ing-nl",
            BankCsv::SparkasseCamt => "csv-sparkasse",
            BankCsv::Volksbank => "csv-volksbank",
            BankCsv::DeutscheBank => "csv-deutsche-bank",
            BankCsv::Commerzbank => "csv-commerzbank",
            BankCsv::Rabobank => "csv-rabobank",
        }
    }

    /// The mappings of this layout, tried in order.
    pub fn mappings(self) -> Vec<ColumnMapping> {
        let s = |v: &str| Some(v.to_owned());
        let german = |date: &str, amount: AmountColumns| {
            let mut m = ColumnMapping::new(date, amount);
            m.separator = Some(';');
            m.decimal_mark = Some(DecimalMark::Comma);
            m.date_format = DateFormat::DayMonthYear;
            m
        };
        match self {
            BankCsv::IngDe => {
                let make = |value_date: &str| {
                    let mut m = german("Buchung", AmountColumns::Signed("Betrag".into()));
                    m.value_date = s(value_date);
                    m.counterparty_name = s("Auftraggeber/Empfänger");
                    m.booking_text = s("Buchungstext");
                    m.remittance = vec!["Verwendungszweck".into()];
                    // With a `Saldo` column there are two `Währung` columns; both hold the
                    // account's currency.
                    m.currency = s("Währung");
                    m
                };
                vec![make("Wertstellungsdatum"), make("Valuta")]
            }
            BankCsv::IngNl => {
                let mut m = ColumnMapping::new(
                    "Datum",
                    AmountColumns::Indicator {
                        amount: "Bedrag (EUR)".into(),
                        indicator: "Af Bij".into(),
                        debit_values: vec!["Af".into()],
                        credit_values: vec!["Bij".into()],
                    },
                );
                m.date_format = DateFormat::Compact;
                m.decimal_mark = Some(DecimalMark::Comma);
                m.default_currency = s("EUR");
                m.counterparty_name = s("Naam / Omschrijving");
                m.counterparty_iban = s("Tegenrekening");
                m.account_iban = s("Rekening");
                m.booking_text = s("Mutatiesoort");
                m.remittance = vec!["Mededelingen".into()];
                vec![m]
            }
            BankCsv::SparkasseCamt => {
                let mut m = german("Buchungstag", AmountColumns::Signed("Betrag".into()));
                m.value_date = s("Valutadatum");
                m.account_iban = s("Auftragskonto");
                m.booking_text = s("Buchungstext");
                m.remittance = vec!["Verwendungszweck".into()];
                m.creditor_id = s("Glaeubiger ID");
                m.mandate_id = s("Mandatsreferenz");
                m.end_to_end_id = s("Kundenreferenz (End-to-End)");
                m.counterparty_name = s("Beguenstigter/Zahlungspflichtiger");
                m.counterparty_iban = s("Kontonummer/IBAN");
                m.counterparty_bic = s("BIC (SWIFT-Code)");
                m.currency = s("Waehrung");
                m.pending = Some(("Info".into(), vec!["Umsatz vorgemerkt".into()]));
                vec![m]
            }
            BankCsv::Volksbank => {
                let mut m = german("Buchungstag", AmountColumns::Signed("Betrag".into()));
                m.value_date = s("Valutadatum");
                m.account_iban = s("IBAN Auftragskonto");
                m.counterparty_name = s("Name Zahlungsbeteiligter");
                m.counterparty_iban = s("IBAN Zahlungsbeteiligter");
                m.counterparty_bic = s("BIC (SWIFT-Code) Zahlungsbeteiligter");
                m.booking_text = s("Buchungstext");
                m.remittance = vec!["Verwendungszweck".into()];
                m.currency = s("Waehrung");
                m.creditor_id = s("Glaeubiger ID");
                m.mandate_id = s("Mandatsreferenz");
                vec![m]
            }
            BankCsv::DeutscheBank => {
                let mut m = german(
                    "Buchungstag",
                    AmountColumns::DebitCredit {
                        debit: "Soll".into(),
                        credit: "Haben".into(),
                    },
                );
                m.value_date = s("Wert");
                m.booking_text = s("Umsatzart");
                m.counterparty_name = s("Begünstigter / Auftraggeber");
                m.remittance = vec!["Verwendungszweck".into()];
                m.counterparty_iban = s("IBAN");
                m.counterparty_bic = s("BIC");
                m.end_to_end_id = s("Kundenreferenz");
                m.mandate_id = s("Mandatsreferenz");
                m.creditor_id = s("Gläubiger ID");
                m.currency = s("Währung");
                m.footer_prefixes = vec!["Kontostand".into(), "Saldo".into()];
                vec![m]
            }
            BankCsv::Commerzbank => {
                let mut m = german("Buchungstag", AmountColumns::Signed("Betrag".into()));
                m.value_date = s("Wertstellung");
                m.booking_text = s("Umsatzart");
                m.remittance = vec!["Buchungstext".into()];
                m.currency = s("Währung");
                m.account_iban = s("IBAN Auftraggeberkonto");
                vec![m]
            }
            BankCsv::Rabobank => {
                let mut m = ColumnMapping::new("Datum", AmountColumns::Signed("Bedrag".into()));
                m.separator = Some(',');
                m.date_format = DateFormat::Iso;
                m.decimal_mark = Some(DecimalMark::Comma);
                m.value_date = s("Rentedatum");
                m.currency = s("Munt");
                m.account_iban = s("IBAN/BBAN");
                m.counterparty_iban = s("Tegenrekening IBAN/BBAN");
                m.counterparty_name = s("Naam tegenpartij");
                m.counterparty_bic = s("BIC tegenpartij");
                m.booking_text = s("Code");
                m.end_to_end_id = s("Transactiereferentie");
                m.mandate_id = s("Machtigingskenmerk");
                m.creditor_id = s("Incassant ID");
                m.remittance = vec![
                    "Omschrijving-1".into(),
                    "Omschrijving-2".into(),
                    "Omschrijving-3".into(),
                ];
                vec![m]
            }
        }
    }
}
