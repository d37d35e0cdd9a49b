//! Issue 17, point 1, through the real banking page: a German Excel CSV (Windows-1252, `;`,
//! decimal commas, thousands dots, an open-amount column) is uploaded, previewed, confirmed, and
//! the right amounts are stored. The confirmation is the uploaded file's id, never its rows: an id
//! from another session or a spent one writes nothing. Runs the server in `local` mode on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use serde_json::Value;

const TOKEN: &str = "invoice-upload-api-token-0123";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

fn field_of(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// `POST /banking/invoices` as a browser's file upload (multipart), German browser language.
async fn upload(jar: &Path, base: &str, csrf: &str, file: &Path) -> (u16, String) {
    let jar = jar.display().to_string();
    let out = tokio::process::Command::new("curl")
        .args([
            "-s",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
            "-b",
            &jar,
            "-c",
            &jar,
        ])
        .args(["-H", "Accept-Language: de-DE,de;q=0.9"])
        .args(["-F", &format!("csrf={csrf}")])
        .args(["-F", &format!("file=@{};type=text/csv", file.display())])
        .arg(format!("{base}/banking/invoices"))
        .output()
        .await
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap(), body.to_owned())
}

async fn stored(base: &str, number: &str) -> Option<Value> {
    let (code, text) = common::call(
        "GET",
        &format!("{base}/api/invoices?limit=1000"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == number)
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_excel_csv_is_previewed_then_stored_with_the_right_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let (_started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let jar = common::sign_in(dir.path(), &base, "anna", TOKEN).await;
    let (_, page) = common::browser(&jar, "GET", &format!("{base}/banking/invoices"), &[]).await;
    let csrf = field_of(&page, "csrf");

    // What German Excel writes as "CSV (Trennzeichen-getrennt)": Windows-1252, `;`, CRLF.
    let file = dir.path().join("offene-posten.csv");
    std::fs::write(
        &file,
        b"Rechnungsnummer;Kunde;Kundennummer;Betrag;Offen;Rechnungsdatum;F\xe4llig\r\n\
IMP-2026-001;M\xfcller Stra\xdfenbau GmbH;10042;1.190,00;1.190,00;01.11.2026;15.11.2026\r\n\
IMP-2026-002;B\xe4ckerei Sch\xf6n;10043;2.380,00;595,50;02.11.2026;\r\n\
IMP-2026-003;Meyer;10044;1.190;0,00;03.11.2026;\r\n",
    )
    .unwrap();

    let (code, preview) = upload(&jar, &base, &csrf, &file).await;
    assert_eq!(code, 200, "{preview}");
    assert!(preview.contains("Windows-1252"), "{preview}");
    assert!(preview.contains("Dezimalkomma"), "{preview}");
    assert!(preview.contains("Müller Straßenbau GmbH"), "{preview}");
    assert!(
        preview.contains("IMP-2026-003"),
        "the paid one is named as left out: {preview}"
    );
    assert!(preview.contains("id=\"confirm\""), "{preview}");
    // Nothing is written before the person confirms.
    assert!(stored(&base, "IMP-2026-001").await.is_none());
    let id = field_of(&preview, "upload");

    // The id is bound to the session that uploaded: another signed-in browser cannot use it.
    let other_dir = tempfile::tempdir().unwrap();
    let other = common::sign_in(other_dir.path(), &base, "ben", TOKEN).await;
    let (_, other_page) =
        common::browser(&other, "GET", &format!("{base}/banking/invoices"), &[]).await;
    let other_csrf = field_of(&other_page, "csrf");
    let (code, _) = common::browser(
        &other,
        "POST",
        &format!("{base}/banking/invoices/confirm"),
        &[("csrf", &other_csrf), ("upload", &id)],
    )
    .await;
    assert_eq!(code, 303);
    assert!(stored(&base, "IMP-2026-001").await.is_none());

    // Confirmed by the uploader: all rows in, with the amounts the file meant.
    let (code, _) = common::browser(
        &jar,
        "POST",
        &format!("{base}/banking/invoices/confirm"),
        &[("csrf", &csrf), ("upload", &id)],
    )
    .await;
    assert_eq!(code, 303);
    let (_, after) = common::browser(&jar, "GET", &format!("{base}/banking/invoices"), &[]).await;
    assert!(after.contains("2 invoice(s) created"), "{after}");
    let first = stored(&base, "IMP-2026-001").await.unwrap();
    assert_eq!(first["total"], "1190.00", "not 1.19: {first}");
    assert_eq!(first["open_amount"], "1190.00");
    assert_eq!(first["customer_name"], "Müller Straßenbau GmbH");
    assert_eq!(first["due_date"], "2026-11-15");
    // The open amount is what a payment is expected to settle.
    let second = stored(&base, "IMP-2026-002").await.unwrap();
    assert_eq!(second["open_amount"], "595.50", "{second}");
    assert_eq!(second["customer_name"], "Bäckerei Schön");
    assert!(stored(&base, "IMP-2026-003").await.is_none());

    // A spent id writes nothing again and says why.
    let (code, _) = common::browser(
        &jar,
        "POST",
        &format!("{base}/banking/invoices/confirm"),
        &[("csrf", &csrf), ("upload", &id)],
    )
    .await;
    assert_eq!(code, 303);
    let (_, again) = common::browser(&jar, "GET", &format!("{base}/banking/invoices"), &[]).await;
    assert!(again.contains("no longer here"), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_file_and_an_ambiguous_amount_are_refused_with_words() {
    let dir = tempfile::tempdir().unwrap();
    let (_started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let jar = common::sign_in(dir.path(), &base, "anna", TOKEN).await;
    let (_, page) = common::browser(&jar, "GET", &format!("{base}/banking/invoices"), &[]).await;
    let csrf = field_of(&page, "csrf");

    // Was: a green "0 created".
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let (code, body) = upload(&jar, &base, &csrf, &empty).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("Die Datei ist leer"), "{body}");

    // `1.190` alone in its column: refused with its row and a hint, no confirm button.
    let ambiguous = dir.path().join("ambiguous.csv");
    std::fs::write(
        &ambiguous,
        "Rechnungsnummer;Kunde;Betrag;Rechnungsdatum\nAMB-1;Meyer;1.190;01.11.2026\nAMB-2;Schulz;500;01.11.2026\n",
    )
    .unwrap();
    let (code, body) = upload(&jar, &base, &csrf, &ambiguous).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("Zeile 2, Gesamtbetrag"), "{body}");
    assert!(body.contains("Tausenderpunkt weglassen"), "{body}");
    assert!(!body.contains("id=\"confirm\""), "{body}");
    assert!(stored(&base, "AMB-2").await.is_none());
}
