//! Every supported format and bank layout read from a hand-written file in `fixtures/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use statements::{BankCsv, Encoding, EntryStatus, Format, parse};
use time::macros::date;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn camt053_v02_splits_a_batch_and_keeps_charges_reversals_and_references() {
    let p = parse(&fixture("camt053_v02_batch.xml"), None).unwrap();
    assert_eq!(p.format, Format::Camt053);
    assert_eq!(p.camt_version, Some(2));
    let st = &p.statements[0];
    assert_eq!(st.account.iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(
        st.account.owner_name.as_deref(),
        Some("Beispiel Handel GmbH")
    );
    assert_eq!(st.account.bic.as_deref(), Some("COBADEFFXXX"));
    assert_eq!(st.opening_balance.as_ref().unwrap().amount, d("1000.00"));
    assert_eq!(st.closing_balance.as_ref().unwrap().amount, d("1275.50"));
    assert_eq!(st.period.unwrap().to, date!(2024 - 01 - 31));
    // The INFO entry is left out; the batch of two becomes two entries.
    assert_eq!(st.entries.len(), 4);
    let (a, b) = (&st.entries[0], &st.entries[1]);
    assert_eq!(a.amount, d("119.00"));
    assert_eq!(b.amount, d("231.00"));
    assert_eq!(
        a.counterparty.name.as_deref(),
        Some("Jürgen Müller & Söhne")
    );
    assert_eq!(
        a.counterparty.iban.as_deref(),
        Some("DE02120300000000202051")
    );
    assert_eq!(a.counterparty.bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(a.end_to_end_id.as_deref(), Some("E2E-RE-2024-0001"));
    assert_eq!(a.remittance.as_deref(), Some("RE-2024-0001 vielen Dank"));
    assert_eq!(a.bank_reference.as_deref(), Some("BATCH-0001/1"));
    assert_eq!(b.bank_reference.as_deref(), Some("BATCH-0001/2"));
    assert_eq!(b.end_to_end_id, None, "NOTPROVIDED is no id");
    assert_eq!(b.creditor_reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(a.bank_transaction_code.as_deref(), Some("PMNT-RCDT-ESCT"));
    assert_eq!(a.booking_text.as_deref(), Some("SAMMLER-GUTSCHRIFT"));
    let dd = &st.entries[2];
    assert_eq!(dd.amount, d("-72.00"));
    assert_eq!(dd.mandate_id.as_deref(), Some("M-4711"));
    assert_eq!(dd.creditor_id.as_deref(), Some("DE98ZZZ09999999999"));
    assert_eq!(
        dd.counterparty.name.as_deref(),
        Some("Stadtwerke Beispielstadt")
    );
    assert_eq!(dd.charges.len(), 1);
    assert_eq!(dd.charges[0].amount, d("2.00"));
    let rv = &st.entries[3];
    assert!(rv.reversal);
    assert_eq!(rv.amount, d("2.50"));
    assert_eq!(rv.bank_transaction_code.as_deref(), Some("NRTI+109"));
}

#[test]
fn camt053_v08_with_prefixes_status_codes_and_party_choice() {
    let p = parse(&fixture("camt053_v08.xml"), None).unwrap();
    assert_eq!(p.camt_version, Some(8));
    let st = &p.statements[0];
    assert_eq!(st.opening_balance.as_ref().unwrap().amount, d("-20.00"));
    assert_eq!(
        st.closing_balance.as_ref().unwrap().date,
        date!(2025 - 02 - 28)
    );
    let e = &st.entries[0];
    assert_eq!(e.status, EntryStatus::Booked);
    assert_eq!(e.booking_date, Some(date!(2025 - 02 - 28)));
    assert_eq!(
        e.bank_reference.as_deref(),
        Some("TX-8-1"),
        "the transaction's own reference wins"
    );
    assert_eq!(e.counterparty.name.as_deref(), Some("De Vries B.V."));
    assert_eq!(e.counterparty.bic.as_deref(), Some("ABNANL2A"));
    assert_eq!(
        e.remittance.as_deref(),
        Some("Factuur INV-0000042\ntweede regel")
    );
    assert_eq!(e.charges[0].included, Some(true));
}

#[test]
fn camt052_pending_entries_and_negative_zero() {
    let p = parse(&fixture("camt052_v08.xml"), None).unwrap();
    assert_eq!(p.format, Format::Camt052);
    let e = &p.statements[0].entries;
    assert_eq!(e.len(), 2);
    assert!(e.iter().all(|e| e.status == EntryStatus::Pending));
    assert_eq!(e[0].amount.to_string(), "0.00");
    assert_eq!(e[1].amount, d("-49.99"));
    assert_eq!(e[1].counterparty.name.as_deref(), Some("Büro Bedarf KG"));
    // An explicit format that does not fit is refused, not guessed around.
    let err = parse(&fixture("camt052_v08.xml"), Some(Format::Camt053)).unwrap_err();
    assert!(err.to_string().contains("Report"), "{err}");
}

#[test]
fn mt940_german_windows_1252_with_subfields_reversals_and_two_messages() {
    let p = parse(&fixture("mt940_de.sta"), None).unwrap();
    assert_eq!(p.format, Format::Mt940);
    assert_eq!(p.encoding, Encoding::Windows1252);
    assert_eq!(p.statements.len(), 2);
    let st = &p.statements[0];
    assert_eq!(st.account.other.as_deref(), Some("37040044/0532013000"));
    assert_eq!(st.sequence.as_deref(), Some("00001/001"));
    let e = &st.entries;
    assert_eq!(e.len(), 4);
    assert_eq!(e[0].amount, d("119.00"));
    assert_eq!(e[0].bank_reference.as_deref(), Some("B4A03ZZ1"));
    assert_eq!(e[0].end_to_end_id.as_deref(), Some("RE-2024-0001"));
    assert_eq!(
        e[0].remittance.as_deref(),
        Some("RE-2024-0001 Jürgen Müller Dank")
    );
    assert_eq!(e[0].counterparty.name.as_deref(), Some("Jürgen Müller"));
    assert_eq!(
        e[0].counterparty.iban.as_deref(),
        Some("DE02120300000000202051")
    );
    assert_eq!(e[0].booking_text.as_deref(), Some("SEPA-GUTSCHRIFT"));
    assert_eq!(e[0].bank_transaction_code.as_deref(), Some("NTRF+166"));
    assert_eq!(e[1].amount, d("-72.00"));
    assert_eq!(e[1].mandate_id.as_deref(), Some("M-4711"));
    assert_eq!(e[1].creditor_id.as_deref(), Some("DE98ZZZ09999999999"));
    assert_eq!(e[1].remittance.as_deref(), Some("Abschlag Januar"));
    // Empty :86:, a zero reversal of a credit.
    assert!(e[2].reversal);
    assert_eq!(e[2].amount.to_string(), "0.00");
    assert_eq!(e[2].remittance, None);
    // RD: a reversed debit brings the money back.
    assert!(e[3].reversal);
    assert_eq!(e[3].amount, d("72.00"));
    assert_eq!(e[3].remittance.as_deref(), Some("Rückgabe Abschlag"));
    let second = &p.statements[1];
    assert_eq!(
        second.account.iban.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(second.account.currency.as_deref(), Some("EUR"));
    assert_eq!(second.entries[0].amount, d("12.5"));
    assert_eq!(
        second.entries[0].remittance.as_deref(),
        Some("Zinsen Dezember")
    );
}

#[test]
fn mt942_entries_are_pending() {
    let p = parse(&fixture("mt942_de.sta"), None).unwrap();
    assert_eq!(p.format, Format::Mt942);
    let e = &p.statements[0].entries[0];
    assert_eq!(e.status, EntryStatus::Pending);
    assert_eq!(e.amount, d("-49.99"));
    assert_eq!(e.counterparty.name.as_deref(), Some("Büro Bedarf KG"));
}

#[test]
fn ing_germany_with_preamble_in_windows_1252() {
    let p = parse(&fixture("ing_de.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::IngDe));
    assert_eq!(p.encoding, Encoding::Windows1252);
    let st = &p.statements[0];
    assert_eq!(st.account.iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(st.entries.len(), 2);
    assert_eq!(st.entries[0].amount, d("-72.00"));
    assert_eq!(st.entries[1].amount, d("1347.50"));
    assert_eq!(
        st.entries[1].counterparty.name.as_deref(),
        Some("Jürgen Müller")
    );
    assert_eq!(st.entries[1].remittance.as_deref(), Some("RE-2024-0001"));
    assert_eq!(st.entries[1].currency, "EUR");
}

#[test]
fn ing_netherlands_direction_column() {
    let p = parse(&fixture("ing_nl.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::IngNl));
    let e = &p.statements[0].entries;
    assert_eq!(e[0].amount, d("1190.00"));
    assert_eq!(e[0].booking_date, Some(date!(2024 - 01 - 05)));
    assert_eq!(
        e[0].counterparty.iban.as_deref(),
        Some("NL02ABNA0123456789")
    );
    assert_eq!(e[1].amount, d("-23.45"));
    assert_eq!(
        p.statements[0].account.iban.as_deref(),
        Some("NL91ABNA0417164300")
    );
}

#[test]
fn sparkasse_csv_camt_pending_and_negative_zero() {
    let p = parse(&fixture("sparkasse.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::SparkasseCamt));
    let e = &p.statements[0].entries;
    assert_eq!(e[0].amount, d("-72.00"));
    assert_eq!(e[0].creditor_id.as_deref(), Some("DE98ZZZ09999999999"));
    assert_eq!(e[0].mandate_id.as_deref(), Some("M-4711"));
    assert_eq!(e[0].end_to_end_id.as_deref(), Some("STROM-01"));
    assert_eq!(e[0].booking_date, Some(date!(2024 - 01 - 10)));
    assert_eq!(e[1].status, EntryStatus::Pending);
    assert_eq!(e[1].amount.to_string(), "0.00");
    assert_eq!(e[1].end_to_end_id, None);
    assert_eq!(e[1].remittance.as_deref(), Some("RE-2024-0002 Größe L"));
}

#[test]
fn volksbank_utf8_with_bom_and_thousands() {
    let p = parse(&fixture("volksbank.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::Volksbank));
    assert_eq!(p.encoding, Encoding::Utf8Bom);
    let e = &p.statements[0].entries[0];
    assert_eq!(e.amount, d("1234.56"));
    assert_eq!(e.counterparty.bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(
        p.statements[0].account.iban.as_deref(),
        Some("DE89370400440532013000")
    );
}

#[test]
fn deutsche_bank_debit_credit_columns_and_footer() {
    let p = parse(&fixture("deutsche_bank.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::DeutscheBank));
    let e = &p.statements[0].entries;
    assert_eq!(e.len(), 2, "the closing balance footer is not an entry");
    assert_eq!(e[0].amount, d("-49.99"));
    assert_eq!(e[0].counterparty.name.as_deref(), Some("Büro Bedarf KG"));
    assert_eq!(e[1].amount, d("2000.00"));
    assert_eq!(e[1].end_to_end_id.as_deref(), Some("E2E-4"));
}

#[test]
fn commerzbank() {
    let p = parse(&fixture("commerzbank.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::Commerzbank));
    let e = &p.statements[0].entries[0];
    assert_eq!(e.amount, d("500.00"));
    assert_eq!(e.booking_text.as_deref(), Some("Gutschrift"));
    assert!(e.remittance.as_deref().unwrap().contains("RE-2024-0005"));
}

#[test]
fn rabobank_signed_amounts_and_three_descriptions() {
    let p = parse(&fixture("rabobank.csv"), None).unwrap();
    assert_eq!(p.format, Format::BankCsv(BankCsv::Rabobank));
    let e = &p.statements[0].entries;
    assert_eq!(e[0].amount, d("1500.00"));
    assert_eq!(e[0].end_to_end_id.as_deref(), Some("E2E-NL-1"));
    assert_eq!(e[1].amount, d("-12.50"));
    assert_eq!(e[1].remittance.as_deref(), Some("Contributie januari"));
    assert_eq!(e[1].creditor_id.as_deref(), Some("NL98ZZZ999999999999"));
    assert_eq!(e[1].mandate_id.as_deref(), Some("MANDAAT-1"));
}

#[test]
fn an_explicit_format_wins_over_detection() {
    // The Sparkasse file read as Volksbank: refused, naming the columns it looked for.
    let err = parse(
        &fixture("sparkasse.csv"),
        Some(Format::BankCsv(BankCsv::Volksbank)),
    )
    .unwrap_err();
    assert!(err.to_string().contains("IBAN Auftragskonto"), "{err}");
    // MT942 content read as MT940 is refused for its missing balances.
    let err = parse(&fixture("mt942_de.sta"), Some(Format::Mt940)).unwrap_err();
    assert!(err.to_string().contains(":60F:"), "{err}");
}

#[test]
fn entries_map_to_the_psd2_transaction_and_its_dedupe_keys() {
    let p = parse(&fixture("camt053_v02_batch.xml"), None).unwrap();
    let lists = p.statements[0].to_transaction_lists();
    assert_eq!(lists.booked.len(), 4);
    let t = &lists.booked[0];
    assert_eq!(t.transaction_id.as_deref(), Some("BATCH-0001/1"));
    assert_eq!(t.amount(), Some(d("119.00")));
    assert_eq!(t.counterparty().name, Some("Jürgen Müller & Söhne"));
    assert_eq!(t.end_to_end_id(), Some("E2E-RE-2024-0001"));
    let json = serde_json::to_value(t).unwrap();
    assert_eq!(json["transactionAmount"]["amount"], "119.00");
}

#[test]
fn camt_declared_and_encoded_as_iso_8859_1() {
    let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.04\"><BkToCstmrStmt><Stmt><Id>1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\n<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BkTxCd/><NtryDtls><TxDtls><Amt Ccy=\"EUR\">5.00</Amt><RltdPties><Dbtr><Nm>Jürgen Müller</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>";
    let bytes = encoding_rs::WINDOWS_1252.encode(xml).0.into_owned();
    assert!(std::str::from_utf8(&bytes).is_err());
    let p = parse(&bytes, None).unwrap();
    assert_eq!(p.encoding, Encoding::Windows1252);
    assert_eq!(p.camt_version, Some(4));
    let e = &p.statements[0].entries[0];
    assert_eq!(e.counterparty.name.as_deref(), Some("Jürgen Müller"));
}

#[test]
fn camt_batch_parts_keep_their_own_charges() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt><Id>1</Id>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BkTxCd/>
<Chrgs><Rcrd><Amt Ccy="EUR">0.10</Amt></Rcrd></Chrgs>
<NtryDtls>
<TxDtls><Amt Ccy="EUR">4.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
<TxDtls><Amt Ccy="EUR">6.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Chrgs><Rcrd><Amt Ccy="EUR">0.25</Amt></Rcrd></Chrgs></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#;
    let p = parse(xml.as_bytes(), None).unwrap();
    let e = &p.statements[0].entries;
    assert_eq!(e[0].amount, d("-4.00"));
    assert_eq!(e[1].amount, d("-6.00"));
    let fees = |i: usize| e[i].charges.iter().map(|c| c.amount).collect::<Vec<_>>();
    assert_eq!(fees(0), [d("0.10")], "the entry's fee on the first part");
    assert_eq!(fees(1), [d("0.25")], "the part's own fee stays with it");
}
