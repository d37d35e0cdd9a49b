//! Broken files are refused whole, with the line or element and what to do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use statements::{AmountColumns, ColumnMapping, Error, Format, parse, parse_csv_with};

#[test]
fn empty_and_unknown_files() {
    assert_eq!(parse(b"", None), Err(Error::Empty));
    assert_eq!(parse(b"  \r\n ", None), Err(Error::Empty));
    let e = parse(b"%PDF-1.7 something", None).unwrap_err();
    assert!(matches!(e, Error::UnknownFormat { .. }), "{e}");
    let e = parse(b"<html><body/></html>", None).unwrap_err();
    assert!(e.to_string().contains("not a camt.053"), "{e}");
}

#[test]
fn camt_with_a_bad_amount_names_the_entry_and_line() {
    let xml = r#"<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>x</MsgId><CreDtTm>2024-01-01T00:00:00</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BkTxCd/></Ntry>
<Ntry>
<Amt Ccy="EUR">12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BkTxCd/></Ntry>
</Stmt></BkToCstmrStmt></Document>"#;
    let e = parse(xml.as_bytes(), None).unwrap_err();
    let Error::Xml {
        element,
        line,
        reason,
    } = &e
    else {
        panic!("{e}")
    };
    assert!(element.ends_with("Stmt[1]/Ntry[2]/Amt"), "{element}");
    assert_eq!(*line, 7);
    assert!(reason.contains("12,50"), "{reason}");
}

#[test]
fn camt_batch_that_does_not_add_up_is_refused() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BkTxCd/>
<NtryDtls>
<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">60.00</Amt></TxAmt></AmtDtls></TxDtls>
<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">30.00</Amt></TxAmt></AmtDtls></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#;
    let e = parse(xml.as_bytes(), None).unwrap_err();
    assert!(e.to_string().contains("add up to 90.00"), "{e}");
}

#[test]
fn camt_cut_off_and_unsupported_versions() {
    let xml = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>\n<Stmt><Id>1</Id>\n<Ntry><Amt Ccy=\"EUR\">1.00</Amt>";
    let e = parse(xml.as_bytes(), None).unwrap_err();
    assert!(e.to_string().contains("cut off"), "{e}");
    let xml = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.13\"><BkToCstmrStmt><Stmt><Id>1</Id></Stmt></BkToCstmrStmt></Document>";
    let e = parse(xml.as_bytes(), None).unwrap_err();
    assert!(e.to_string().contains("001.13"), "{e}");
}

#[test]
fn mt940_bad_line_and_missing_closing_balance() {
    let text = ":20:X\r\n:25:DE89370400440532013000\r\n:28C:1\r\n:60F:C240102EUR1,00\r\n:61:2401X3C1,00NTRF\r\n:62F:C240102EUR2,00\r\n-\r\n";
    let e = parse(text.as_bytes(), None).unwrap_err();
    assert!(e.to_string().starts_with("line 5, field :61:"), "{e}");
    let text =
        ":20:X\r\n:25:DE89370400440532013000\r\n:60F:C240102EUR1,00\r\n:61:240103C1,00NTRF\r\n";
    let e = parse(text.as_bytes(), Some(Format::Mt940)).unwrap_err();
    assert!(e.to_string().contains(":62F:"), "{e}");
}

#[test]
fn csv_bad_date_and_bad_amount_name_line_and_column() {
    let csv = "Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;Waehrung;IBAN Auftragskonto;Glaeubiger ID;Mandatsreferenz\n\
01.02.2024;01.02.2024;A;;;x;y;1,00;EUR;DE89370400440532013000;;\n\
31.02.2024;01.02.2024;A;;;x;y;1,00;EUR;DE89370400440532013000;;\n";
    let e = parse(csv.as_bytes(), None).unwrap_err();
    assert_eq!(
        e,
        Error::Csv {
            line: 3,
            column: Some("Buchungstag".into()),
            reason: "\"31.02.2024\" is not a date written as DayMonthYear".into()
        }
    );
    let csv = csv
        .replace("31.02.2024", "02.02.2024")
        .replace("y;1,00;EUR;DE89370400440532013000;;\n\n", "");
    let bad = csv.replacen("y;1,00", "y;1,0,0", 2);
    let e = parse(bad.as_bytes(), None).unwrap_err();
    assert!(
        e.to_string().starts_with("line 2, column \"Betrag\""),
        "{e}"
    );
}

#[test]
fn generic_csv_refuses_ambiguous_amounts_and_reads_a_decided_column() {
    let mapping = {
        let mut m = ColumnMapping::new("date", AmountColumns::Signed("amount".into()));
        m.date_format = statements::DateFormat::Iso;
        m.default_currency = Some("EUR".into());
        m
    };
    // Every value could be a thousands separator or a decimal mark: refused with its line.
    let ambiguous = "date,amount\n2024-01-01,1.190\n2024-01-02,2.500\n";
    let e = parse_csv_with(ambiguous.as_bytes(), &mapping).unwrap_err();
    assert!(
        e.to_string().starts_with("line 2, column \"amount\""),
        "{e}"
    );
    assert!(e.to_string().contains("decimal mark"), "{e}");
    // Another value in the column settles it.
    let decided = "date;amount\n2024-01-01;1.190\n2024-01-02;2,5\n";
    let p = parse_csv_with(decided.as_bytes(), &mapping).unwrap();
    let amounts: Vec<String> = p.entries().map(|e| e.amount.to_string()).collect();
    assert_eq!(amounts, ["1190", "2.5"]);
    // Commas in one row, points in another: refused.
    let mixed = "date;amount\n2024-01-01;1,5\n2024-01-02;2.5\n";
    let e = parse_csv_with(mixed.as_bytes(), &mapping).unwrap_err();
    assert!(e.to_string().contains("mixes decimal commas"), "{e}");
    // The mapping survives a save and load.
    let saved = serde_json::to_string(&mapping).unwrap();
    let loaded: ColumnMapping = serde_json::from_str(&saved).unwrap();
    assert_eq!(loaded, mapping);
}
