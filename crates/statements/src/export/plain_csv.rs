//! A plain CSV of the entries: UTF-8, `;`, one header line, ISO dates, a decimal point or comma.
//! Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
//! or carriage return) get a leading `'`, the usual neutralisation (OWASP "CSV injection");
//! [`plain_csv_mapping`] reads the file back and removes it.

use crate::csv::amount::DecimalMark;
use crate::csv::mapping::{AmountColumns, ColumnMapping, DateFormat};
use crate::error::Error;
use crate::model::{Entry, EntryStatus, Statement};

const HEADER: [&str; 17] = [
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "status",
    "reversal",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bic",
    "remittance",
    "creditor_reference",
    "end_to_end_id",
    "bank_reference",
    "mandate_id",
    "creditor_id",
    "booking_text",
    "bank_transaction_code",
];

fn safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn row(e: &Entry, mark: DecimalMark) -> Vec<String> {
    let opt = |v: &Option<String>| v.as_deref().map(safe).unwrap_or_default();
    let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let amount = e.amount.to_string();
    let p = &e.counterparty;
    vec![
        date(e.booking_date),
        date(e.value_date),
        match mark {
            DecimalMark::Point => amount,
            DecimalMark::Comma => amount.replace('.', ","),
        },
        safe(&e.currency),
        match e.status {
            EntryStatus::Booked => "booked".into(),
            EntryStatus::Pending => "pending".into(),
        },
        if e.reversal {
            "yes".into()
        } else {
            "no".into()
        },
        opt(&p.name),
        opt(&p.iban.clone().or_else(|| p.account.clone())),
        opt(&p.bic),
        opt(&e.remittance),
        opt(&e.creditor_reference),
        opt(&e.end_to_end_id),
        opt(&e.bank_reference),
        opt(&e.mandate_id),
        opt(&e.creditor_id),
        opt(&e.booking_text),
        opt(&e.bank_transaction_code),
    ]
}

/// Writes the entries of the statements as one CSV table.
pub fn write_plain_csv(statements: &[Statement], mark: DecimalMark) -> Result<Vec<u8>, Error> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Export(format!("cannot write the CSV: {e}"));
    w.write_record(HEADER).map_err(fail)?;
    for st in statements {
        for e in &st.entries {
            w.write_record(row(e, mark)).map_err(fail)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::Export(format!("cannot write the CSV: {e}")))
}

/// The column mapping that reads [`write_plain_csv`]'s output back.
pub fn plain_csv_mapping(mark: DecimalMark) -> ColumnMapping {
    let s = |v: &str| Some(v.to_owned());
    let mut m = ColumnMapping::new("booking_date", AmountColumns::Signed("amount".into()));
    m.separator = Some(';');
    m.date_format = DateFormat::Iso;
    m.decimal_mark = Some(mark);
    m.value_date = s("value_date");
    m.currency = s("currency");
    m.pending = Some(("status".into(), vec!["pending".into()]));
    m.reversal = Some(("reversal".into(), vec!["yes".into()]));
    m.counterparty_name = s("counterparty_name");
    m.counterparty_iban = s("counterparty_account");
    m.counterparty_bic = s("counterparty_bic");
    m.remittance = vec!["remittance".into()];
    m.creditor_reference = s("creditor_reference");
    m.end_to_end_id = s("end_to_end_id");
    m.bank_reference = s("bank_reference");
    m.mandate_id = s("mandate_id");
    m.creditor_id = s("creditor_id");
    m.booking_text = s("booking_text");
    m.bank_transaction_code = s("bank_transaction_code");
    m.formula_quote = true;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_but_amounts_are_not() {
        assert_eq!(safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("Miete"), "Miete");
        let e = Entry {
            amount: "-12.50".parse().unwrap_or_default(),
            currency: "EUR".into(),
            remittance: Some("-minus text".into()),
            ..Entry::default()
        };
        let r = row(&e, DecimalMark::Comma);
        assert_eq!(r[2], "-12,50");
        assert_eq!(r[9], "'-minus text");
    }
}
