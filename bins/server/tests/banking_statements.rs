//! Statement files on the banking page, over HTTP as a browser sends them: an account fed by
//! files added, a camt.053 file uploaded (format detected; then again with the format chosen:
//! nothing new), its counts shown in German and English, a broken file refused naming the element,
//! the CSRF token required; a statement downloaded in each format and the DATEV batch of the
//! matched payments. Runs the server in `local` mode on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use serde_json::json;

const TOKEN: &str = "banking-statements-token-0123";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
const IBAN: &str = "DE89370400440532013000";

fn field_of(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// A browser's multipart upload of `file` to `url` with the form's `csrf` and `format`.
async fn upload(
    jar: &Path,
    language: &str,
    url: &str,
    csrf: &str,
    format: &str,
    file: &Path,
) -> (u16, String) {
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
        .args(["-H", &format!("Accept-Language: {language}")])
        .args(["-F", &format!("csrf={csrf}")])
        .args(["-F", &format!("format={format}")])
        .args([
            "-F",
            &format!("file=@{};type=application/xml", file.display()),
        ])
        .arg(url)
        .output()
        .await
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap(), body.to_owned())
}

/// The text of the `<dd>` after the `<dt>` saying `label` in the import's counts.
fn count(page: &str, label: &str) -> String {
    let at = page
        .find(&format!("<dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("no count {label} in {page}"))
        + label.len()
        + 13;
    page[at..].split('<').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_file_is_imported_and_exported_on_the_banking_page() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(
        dir.path(),
        TOKEN,
        REDIRECT,
        &["--datev-consultant", "1001", "--datev-client", "7"],
    )
    .await;
    let jar = common::sign_in(dir.path(), &base, "anna", TOKEN).await;
    let page_url = format!("{base}/banking/statements");
    let (code, page) = common::browser(&jar, "GET", &page_url, &[]).await;
    assert_eq!(code, 200, "{page}");
    assert!(
        page.contains("href=\"/banking/statements\""),
        "the navigation links the page"
    );
    assert!(page.contains("name=\"viewport\" content=\"width=device-width"));
    let csrf = field_of(&page, "csrf");

    // Adding an account needs the session's CSRF token.
    let form = [
        ("csrf", "wrong"),
        ("iban", IBAN),
        ("name", "Sparkasse Giro"),
        ("currency", "EUR"),
    ];
    let (code, _) = common::browser(&jar, "POST", &format!("{page_url}/accounts"), &form).await;
    assert_eq!(code, 403);
    let form = [
        ("csrf", csrf.as_str()),
        ("iban", "DE89 3704 0044 0532 0130 00"),
        ("name", "Sparkasse Giro"),
        ("currency", "EUR"),
    ];
    let (code, _) = common::browser_in(
        &jar,
        "de-DE",
        "POST",
        &format!("{page_url}/accounts"),
        &form,
    )
    .await;
    assert_eq!(code, 303);
    let (_, page) = common::browser_in(&jar, "de-DE", "GET", &page_url, &[]).await;
    assert!(page.contains("Konto Sparkasse Giro angelegt."), "{page}");
    let (_, accounts) =
        common::call("GET", &format!("{base}/api/accounts"), Some(TOKEN), None).await;
    let accounts: serde_json::Value = serde_json::from_str(&accounts).unwrap();
    let id = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["iban"] == IBAN)
        .unwrap_or_else(|| panic!("{accounts}"))["id"]
        .as_i64()
        .unwrap();
    assert!(
        page.contains(&format!("action=\"/banking/statements/{id}/import\"")),
        "{page}"
    );

    let (code, body) = common::call(
        "POST",
        &format!("{base}/api/invoices"),
        Some(TOKEN),
        Some(
            &json!({"invoices": [{"number": "RE-2026-0042", "customer_name": "Muster GmbH",
            "customer_number": "10042", "total": "1190.00", "issue_date": "2026-10-20"}]})
            .to_string(),
        ),
    )
    .await;
    assert_eq!(code, 200, "{body}");

    // Upload: detected, counted, the invoice matched; in German the labels are German.
    let file = dir.path().join("november.xml");
    std::fs::write(
        &file,
        common::camt053(
            IBAN,
            &[
                ("R1", "1190.00", "Muster GmbH", "RE-2026-0042"),
                ("R2", "-25.50", "Vermieter KG", "Miete"),
            ],
        ),
    )
    .unwrap();
    let import = format!("{page_url}/{id}/import");
    let (code, page) = upload(&jar, "de-DE", &import, &csrf, "", &file).await;
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Kontoauszugsdatei importiert"), "{page}");
    assert_eq!(count(&page, "Gelesenes Format"), "camt053");
    assert_eq!(count(&page, "Gelesene Buchungen"), "2");
    assert_eq!(count(&page, "Neu"), "2");
    assert_eq!(count(&page, "Rechnungen zugeordnet"), "1");
    // Again with the format chosen, in English: nothing new.
    let (code, page) = upload(&jar, "en", &import, &csrf, "camt053", &file).await;
    assert_eq!(code, 200, "{page}");
    assert_eq!(count(&page, "New"), "0");
    assert_eq!(count(&page, "Already known"), "2");
    // Without the CSRF token: refused before anything is read.
    let (code, _) = upload(&jar, "en", &import, "forged", "", &file).await;
    assert_eq!(code, 403);
    // A broken file: refused, the element named, nothing stored.
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, common::camt053(IBAN, &[("R3", "1,00", "A", "x")])).unwrap();
    let (code, page) = upload(&jar, "en", &import, &csrf, "", &broken).await;
    assert_eq!(code, 400, "{page}");
    assert!(
        page.contains("nothing was stored") && page.contains("Ntry[1]/Amt"),
        "{page}"
    );
    let (_, listed) = common::call(
        "GET",
        &format!("{base}/api/transactions?account_id={id}"),
        Some(TOKEN),
        None,
    )
    .await;
    assert!(listed.contains("\"total\":2"), "{listed}");

    // Downloads: each export format with its file name, and the DATEV batch.
    for (format, ext, marker) in [
        ("camt053", "xml", "camt.053.001.02"),
        ("camt053.08", "xml", "camt.053.001.08"),
        ("mt940", "sta", ":62F:"),
        ("csv", "csv", "Miete"),
        ("csv-point", "csv", "-25.50"),
    ] {
        let url = format!("{page_url}/{id}/export?from=2026-11-01&to=2026-11-30&format={format}");
        let (code, headers, body) = common::download(&url, None, Some(&jar)).await;
        let text = String::from_utf8(body).unwrap();
        assert_eq!(code, 200, "{format}: {text}");
        assert_eq!(
            common::header(&headers, "content-disposition"),
            Some(
                format!("attachment; filename=\"statement-{id}-2026-11-01-2026-11-30.{ext}\"")
                    .as_str()
            )
        );
        assert!(text.contains(marker), "{format}: {text}");
    }
    let url = format!("{page_url}/datev?from=2026-11-01&to=2026-11-30");
    let (code, headers, body) = common::download(&url, None, Some(&jar)).await;
    let text: String = body.iter().map(|&b| char::from(b)).collect();
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        common::header(&headers, "content-type"),
        Some("text/csv; charset=windows-1252")
    );
    assert!(
        text.contains("\r\n1190,00;\"S\";\"EUR\";;;\"\";1200;10042;\"\";1011;\"RE-2026-0042\""),
        "{text}"
    );
    // A period across fiscal years: the page says why instead of a file.
    let url = format!("{page_url}/datev?from=2026-12-01&to=2027-01-31");
    let (code, page) = common::browser(&jar, "GET", &url, &[]).await;
    assert_eq!(code, 400);
    assert!(
        page.contains("id=\"datev-error\"") && page.contains("fiscal year"),
        "{page}"
    );
    // Without a session: sent to sign in, no file.
    let (code, _, _) = common::download(
        &format!("{page_url}/{id}/export?from=2026-11-01&to=2026-11-30"),
        None,
        None,
    )
    .await;
    assert_eq!(code, 303);
    started.stop().await.unwrap();
}
