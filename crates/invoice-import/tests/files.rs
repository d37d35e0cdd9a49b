//! Each failure of issue 17's point 1, reproduced with the file a German, Dutch or English office
//! writes, and read right.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use invoice_import::{
    ColumnFormat, DecimalMark, Encoding, Field, FileError, Format, InvoiceKind, Problem, Separator,
    parse,
};
use rust_decimal::Decimal;
use time::macros::date;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn csv(format: &Format) -> (Encoding, Separator) {
    match format {
        Format::Csv {
            encoding,
            separator,
        } => (*encoding, *separator),
        other => panic!("not a CSV: {other:?}"),
    }
}

#[test]
fn german_excel_semicolons_and_decimal_commas_are_read() {
    // Was: "CSV error: record 1 (line: 1, byte: 52): found record with 2 fields".
    let file = "Rechnungsnummer;Kunde;Betrag;Rechnungsdatum;Fällig\r\n\
                RE-2026-0042;Meyer Elektro e.K.;1.190,00;01.11.2026;15.11.2026\r\n\
                RE-2026-0043;Schulz GmbH;238,50;02.11.2026;\r\n";
    let import = parse(file.as_bytes(), Some("offene-posten.csv")).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(csv(&import.format), (Encoding::Utf8, Separator::Semicolon));
    let rows = &import.rows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].number, "RE-2026-0042");
    assert_eq!(rows[0].total, d("1190.00"));
    assert_eq!(rows[0].issue_date, date!(2026 - 11 - 01));
    assert_eq!(rows[0].due_date, Some(date!(2026 - 11 - 15)));
    assert_eq!(rows[0].currency, "EUR");
    assert_eq!(rows[1].total, d("238.50"));
    assert_eq!(rows[1].due_date, None);
    assert!(import.columns.contains(&ColumnFormat::Amount {
        field: Field::Total,
        mark: Some(DecimalMark::Comma)
    }));
}

#[test]
fn a_thousands_dot_is_never_read_as_a_decimal_point() {
    // Was: `1.190` stored as EUR 1.19. In a decimal-comma column it is 1190.
    let file = "Rechnungsnummer;Kunde;Betrag;Rechnungsdatum\n\
                RE-1;Meyer;1.190;01.11.2026\n\
                RE-2;Schulz;12,50;01.11.2026\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(import.rows[0].total, d("1190"));
    assert_eq!(import.rows[1].total, d("12.50"));

    // Alone, with nothing else in its column to tell, it is refused with its line and a hint.
    let file = "Rechnungsnummer;Kunde;Betrag;Rechnungsdatum\nRE-1;Meyer;1.190;01.11.2026\nRE-2;Schulz;500;01.11.2026\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert_eq!(import.errors.len(), 1, "{:?}", import.errors);
    let e = &import.errors[0];
    assert_eq!(e.line, 2);
    assert_eq!(e.field, Some(Field::Total));
    assert_eq!(e.problem, Problem::AmbiguousAmount("1.190".into()));
    assert!(e.to_string().contains("1.190,00"), "{e}");

    // In an English file whose other amounts have decimal points, it is 1.19 (and says so).
    let file = "number,customer_name,total,issue_date\nRE-1,Meyer,1.190,2026-11-01\nRE-2,X,12.50,2026-11-01\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert_eq!(import.rows[0].total, d("1.190"));

    // The open-amount column tells the total column when the total alone cannot.
    let file = "Rechnungsnr.;Kunde;Brutto;Offen;Belegdatum\nRE-1;Meyer;1.190;595,00;01.11.2026\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(import.rows[0].total, d("1190"));
    assert_eq!(import.rows[0].open, Some(d("595.00")));
}

#[test]
fn windows_1252_names_keep_their_umlauts() {
    // Was: "M�ller Stra�enbau GmbH".
    let file = b"Rechnungsnummer;Kunde;Betrag;Rechnungsdatum;F\xe4lligkeit\r\n\
RE-1;M\xfcller Stra\xdfenbau GmbH;1.190,00;01.11.2026;15.11.2026\r\n";
    let import = parse(file, Some("export.csv")).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(csv(&import.format).0, Encoding::Windows1252);
    assert_eq!(import.rows[0].customer_name, "Müller Straßenbau GmbH");
    assert_eq!(import.rows[0].due_date, Some(date!(2026 - 11 - 15)));
}

#[test]
fn utf8_with_bom_and_english_columns_still_work() {
    let file = "\u{feff}number,customer_name,total,issue_date,due_date,customer_iban\n\
                RE-1,Meyer Elektro e.K.,1190.00,2026-11-01,2026-11-15,DE89 3704 0044 0532 0130 00\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(csv(&import.format), (Encoding::Utf8Bom, Separator::Comma));
    let row = &import.rows[0];
    assert_eq!(row.total, d("1190.00"));
    let iban = row.customer_iban.as_ref().unwrap();
    assert_eq!(iban.expose(), "DE89370400440532013000");
    // A logged row never carries the full IBAN.
    let debug = format!("{row:?}");
    assert!(!debug.contains("DE89370400440532013000"), "{debug}");
    assert!(debug.contains("DE…3000"), "{debug}");
}

#[test]
fn an_empty_file_or_a_header_alone_is_an_error() {
    // Was: a green "0 created".
    assert_eq!(parse(b"", None), Err(FileError::Empty));
    assert_eq!(parse(b"\xEF\xBB\xBF\r\n\r\n", None), Err(FileError::Empty));
    assert_eq!(
        parse(
            b"Rechnungsnummer;Kunde;Betrag;Rechnungsdatum\r\n;;;\r\n",
            None
        ),
        Err(FileError::HeaderOnly)
    );
}

#[test]
fn german_columns_with_customer_number_and_open_amount() {
    let file = "Belegnummer;Debitor;Debitorennummer;Rechnungsbetrag;Offener Betrag;Belegdatum;Fälligkeit;Währung;IBAN\n\
                RE-7;Schulz GmbH;10042;2.380,00;1.190,00;01.11.2026;01.12.2026;eur;DE89370400440532013000\n\
                RE-8;Meyer;10043;100,00;0,00;01.11.2026;;EUR;\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    let row = &import.rows[0];
    assert_eq!(row.customer_number.as_deref(), Some("10042"));
    assert_eq!(row.total, d("2380.00"));
    assert_eq!(row.open, Some(d("1190.00")));
    assert_eq!(row.amount_to_match(), d("1190.00"));
    assert_eq!(row.currency, "EUR");
    // Nothing open any more: left out, and said so.
    assert_eq!(import.rows.len(), 1);
    assert_eq!(import.skipped.len(), 1);
    assert_eq!(import.skipped[0].number, "RE-8");
    let mapped: Vec<Option<Field>> = import.mapping.iter().map(|m| m.field).collect();
    assert_eq!(
        mapped,
        [
            Some(Field::Number),
            Some(Field::Customer),
            Some(Field::CustomerNumber),
            Some(Field::Total),
            Some(Field::Open),
            Some(Field::IssueDate),
            Some(Field::DueDate),
            Some(Field::Currency),
            Some(Field::Iban)
        ]
    );
}

#[test]
fn dutch_columns_are_read() {
    let file = "Factuurnummer;Klant;Klantnummer;Bedrag;Openstaand;Factuurdatum;Vervaldatum\n\
                F-2026-001;Jansen B.V.;K-7;€ 1.210,00;605,00;01-11-2026;01-12-2026\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    let row = &import.rows[0];
    assert_eq!(row.number, "F-2026-001");
    assert_eq!(row.customer_name, "Jansen B.V.");
    assert_eq!(row.customer_number.as_deref(), Some("K-7"));
    assert_eq!(row.total, d("1210.00"));
    assert_eq!(row.open, Some(d("605.00")));
    assert_eq!(row.issue_date, date!(2026 - 11 - 01));
    assert_eq!(row.due_date, Some(date!(2026 - 12 - 01)));
}

#[test]
fn an_xlsx_workbook_is_read_with_its_numbers_and_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Offene Posten").unwrap();
    for (c, h) in [
        "Rechnungsnummer",
        "Kunde",
        "Kundennummer",
        "Betrag",
        "Rechnungsdatum",
        "Fällig",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let day = XFormat::new().set_num_format("dd.mm.yyyy");
    sheet.write_string(1, 0, "RE-2026-0042").unwrap();
    sheet.write_string(1, 1, "Müller Straßenbau GmbH").unwrap();
    sheet.write_number(1, 2, 10042).unwrap();
    sheet.write_number(1, 3, 1190.1).unwrap();
    sheet
        .write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(2026, 11, 1).unwrap(), &day)
        .unwrap();
    sheet
        .write_datetime_with_format(1, 5, ExcelDateTime::from_ymd(2026, 11, 15).unwrap(), &day)
        .unwrap();
    // A number as invoice number, an amount typed as German text.
    sheet.write_number(2, 0, 10043).unwrap();
    sheet.write_string(2, 1, "Schulz").unwrap();
    sheet.write_string(2, 3, "1.234,56").unwrap();
    sheet.write_string(2, 4, "02.11.2026").unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let import = parse(&bytes, Some("op.xlsx")).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(
        import.format,
        Format::Xlsx {
            sheet: "Offene Posten".into()
        }
    );
    let rows = &import.rows;
    assert_eq!(rows[0].customer_name, "Müller Straßenbau GmbH");
    assert_eq!(rows[0].customer_number.as_deref(), Some("10042"));
    assert_eq!(rows[0].total, d("1190.1"));
    assert_eq!(rows[0].issue_date, date!(2026 - 11 - 01));
    assert_eq!(rows[0].due_date, Some(date!(2026 - 11 - 15)));
    assert_eq!(rows[1].number, "10043");
    assert_eq!(rows[1].total, d("1234.56"));
    assert_eq!(rows[1].line, 3);
}

#[test]
fn every_bad_row_is_named_with_its_field() {
    let file = "Rechnungsnummer;Kunde;Betrag;Rechnungsdatum;Art\n\
                RE-1;Meyer;abc;01.11.2026;\n\
                RE-2;;10,00;01.11.26;\n\
                RE-1;Schulz;20,00;01.11.2026;\n\
                RE-4;Weber;-30,00;01.11.2026;\n\
                RE-5;Koch;-40,00;01.11.2026;Rechnung\n\
                RE-6;Lang;5,00;01.11.2026;Mahnung\n\
                RE-7;Kurz;0,00;01.11.2026;\n";
    let import = parse(file.as_bytes(), None).unwrap();
    let got: Vec<(usize, Option<Field>, Problem)> = import
        .errors
        .iter()
        .map(|e| (e.line, e.field, e.problem.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (2, Some(Field::Total), Problem::NotAnAmount("abc".into())),
            (3, Some(Field::Customer), Problem::Missing),
            (
                3,
                Some(Field::IssueDate),
                Problem::TwoDigitYear("01.11.26".into())
            ),
            (
                4,
                Some(Field::Number),
                Problem::DuplicateNumber { first_line: 2 }
            ),
            (
                6,
                Some(Field::Total),
                Problem::NegativeInvoice("-40.00".into())
            ),
            (7, Some(Field::Kind), Problem::UnknownKind("Mahnung".into())),
            (8, Some(Field::Total), Problem::Zero),
        ]
    );
    // A negative amount without a kind is a credit note of that amount.
    assert_eq!(import.rows.len(), 1);
    assert_eq!(import.rows[0].kind, InvoiceKind::CreditNote);
    assert_eq!(import.rows[0].total, d("30.00"));
}

#[test]
fn file_level_problems_say_what_to_change() {
    let missing = parse(b"Kunde;Betrag\nMeyer;10,00\n", None).unwrap_err();
    assert_eq!(
        missing,
        FileError::MissingColumns {
            missing: vec![Field::Number, Field::IssueDate],
            found: vec!["Kunde".into(), "Betrag".into()]
        }
    );
    assert!(missing.to_string().contains("number"), "{missing}");
    let mixed = parse(
        b"number,customer,total,date\nA,X,\"1.190,00\",2026-11-01\nB,Y,12.50,2026-11-01\n",
        None,
    )
    .unwrap_err();
    assert_eq!(
        mixed,
        FileError::MixedDecimalMarks {
            column: "total".into(),
            comma_line: 2,
            point_line: 3
        }
    );
    let twice = parse(b"Rechnungsnummer;Belegnummer\n1;2\n", None).unwrap_err();
    assert!(matches!(
        twice,
        FileError::DuplicateColumn {
            field: Field::Number,
            ..
        }
    ));
    assert_eq!(
        parse(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], Some("a.xls")),
        Err(FileError::OldExcel)
    );
}

#[test]
fn excels_sep_line_and_tabs_are_understood() {
    let file =
        "sep=;\nRechnungsnummer;Kunde;Betrag;Rechnungsdatum\nRE-1;Meyer;1.190,00;01.11.2026\n";
    let import = parse(file.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(import.rows[0].line, 3);
    let tabs = "Factuurnummer\tKlant\tBedrag\tFactuurdatum\nF-1\tJansen\t1.210,00\t13/11/2026\n";
    let import = parse(tabs.as_bytes(), None).unwrap();
    assert!(import.is_clean(), "{:?}", import.errors);
    assert_eq!(csv(&import.format).1, Separator::Tab);
    assert_eq!(import.rows[0].issue_date, date!(2026 - 11 - 13));
}

#[test]
fn the_preview_shows_the_first_rows_and_how_the_file_was_read() {
    let mut file = String::from("Rechnungsnummer;Kunde;Betrag;Rechnungsdatum;Notiz\n");
    for i in 0..30 {
        file.push_str(&format!("RE-{i};Kunde {i};1.000,{i:02};01.11.2026;x\n"));
    }
    let preview = parse(file.as_bytes(), None).unwrap().preview(5);
    assert_eq!(preview.rows.len(), 5);
    assert_eq!(preview.row_count, 30);
    assert_eq!(preview.mapping[4].header, "Notiz");
    assert_eq!(preview.mapping[4].field, None);
    assert_eq!(preview.rows[1].total, d("1000.01"));
}
