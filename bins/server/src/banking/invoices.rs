//! Open invoices: a CSV upload (documented columns, errors per row, all or nothing) and a list.

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use rust_decimal::Decimal;
use serde::Deserialize;
use storage::{InvoiceKind, NewInvoice};

use super::i18n::Key;
use super::layout::{money, page as shell};
use super::{BankingState, check_csrf, signed_in};

/// One CSV row; the header line names the columns.
#[derive(Debug, Deserialize)]
struct CsvRow {
    number: String,
    customer_name: String,
    #[serde(default)]
    customer_number: Option<String>,
    total: String,
    issue_date: String,
    #[serde(default)]
    due_date: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    customer_iban: Option<String>,
    #[serde(default)]
    creditor_reference: Option<String>,
    #[serde(default)]
    kind: Option<String>,
}

fn date(field: &str, v: &str) -> Result<time::Date, String> {
    time::Date::parse(
        v.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| format!("{field} {v:?} is not a date as YYYY-MM-DD"))
}

fn blank(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Parses the whole file; every bad row is reported with its line number.
pub fn parse_csv(text: &str) -> Result<Vec<NewInvoice>, Vec<(usize, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in reader.deserialize::<CsvRow>().enumerate() {
        let line = i + 2;
        let row = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push((line, e.to_string()));
                continue;
            }
        };
        let parsed = (|| {
            let total: Decimal = row
                .total
                .trim()
                .parse()
                .map_err(|_| format!("total {:?} is not an amount like 1190.00", row.total))?;
            Ok::<_, String>(NewInvoice {
                kind: blank(row.kind.clone())
                    .map_or(Ok(InvoiceKind::Invoice), |k| k.parse())
                    .map_err(|e: storage::Error| e.to_string())?,
                customer_name: row.customer_name.clone(),
                customer_number: blank(row.customer_number.clone()),
                customer_ibans: blank(row.customer_iban.clone())
                    .map(|i| vec![i.replace(' ', "")])
                    .unwrap_or_default(),
                total,
                currency: blank(row.currency.clone()).unwrap_or_else(|| "EUR".into()),
                issue_date: date("issue_date", &row.issue_date)?,
                due_date: blank(row.due_date.clone())
                    .map(|d| date("due_date", &d))
                    .transpose()?,
                creditor_reference: blank(row.creditor_reference.clone()),
                number: row.number.clone(),
            })
        })();
        match parsed {
            Ok(inv) if inv.number.trim().is_empty() => {
                errors.push((line, "number is empty".into()))
            }
            Ok(inv) if inv.total <= Decimal::ZERO => {
                errors.push((line, "total must be positive".into()))
            }
            Ok(inv) => ok.push(inv),
            Err(e) => errors.push((line, e)),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

async fn render(
    state: &BankingState,
    headers: &HeaderMap,
    errors: Vec<(usize, String)>,
) -> Response {
    let (current, lang) = match signed_in(state, headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let invoices = state.app.sync.db().invoices(None).await.unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = html! {
        section.card {
            h2 { (lang.t(Key::UploadCsv)) }
            p.muted { (lang.t(Key::CsvHelp)) }
            form method="post" action="/banking/invoices" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(current.csrf);
                input #csv type="file" name="file" accept=".csv,text/csv" required;
                " " button #upload type="submit" { (lang.t(Key::Upload)) }
            }
            @if !errors.is_empty() {
                div.msg.err role="alert" {
                    p { (lang.t(Key::CsvErrors)) }
                    ul #csv-errors { @for (line, e) in &errors { li { (lang.t(Key::Row)) " " (line) ": " (e) } } }
                }
            }
        }
        section.card {
            h2 { (lang.t(Key::Invoices)) " (" (invoices.len()) ")" }
            div.scroll { table #invoices {
                thead { tr {
                    th { (lang.t(Key::Invoice)) } th { (lang.t(Key::Customer)) } th { (lang.t(Key::Due)) }
                    th.num { (lang.t(Key::Amount)) } th.num { (lang.t(Key::Open)) } th { (lang.t(Key::Status)) }
                } }
                tbody { @for i in invoices.iter().take(500) { tr {
                    td { (i.number) } td { (i.customer_name) }
                    td { (i.due_date.map(|d| d.to_string()).unwrap_or_default()) }
                    td.num { (money(lang, i.total, &i.currency)) }
                    td.num { (money(lang, i.open_amount, &i.currency)) }
                    td { (i.status) }
                } } }
            } }
        }
    };
    let flash = state.sessions.take_flash(&current.id);
    (
        status,
        shell(
            lang,
            lang.t(Key::Invoices),
            Some(&current.csrf),
            flash,
            body,
        ),
    )
        .into_response()
}

/// `GET /banking/invoices`.
pub async fn page(State(state): State<BankingState>, headers: HeaderMap) -> Response {
    render(&state, &headers, Vec::new()).await
}

/// `POST /banking/invoices` (multipart: `csrf`, `file`).
pub async fn upload(
    State(state): State<BankingState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut csrf = String::new();
    let mut file = String::new();
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => file = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    if let Err(r) = check_csrf(&current, lang, &csrf) {
        return r;
    }
    let parsed = parse_csv(file.trim_start_matches('\u{feff}'));
    match parsed {
        Err(errors) => render(&state, &headers, errors).await,
        Ok(batch) => {
            match state.app.sync.upsert_invoices(&batch).await {
                Ok(c) => {
                    let mut text = lang
                        .t(Key::CsvDone)
                        .replace("{created}", &c.created.to_string())
                        .replace("{updated}", &c.updated.to_string());
                    if c.without_customer_number > 0 {
                        text.push(' ');
                        text.push_str(
                            &lang
                                .t(Key::WithoutCustomerNumber)
                                .replace("{n}", &c.without_customer_number.to_string()),
                        );
                    }
                    state.sessions.flash(&current.id, true, text)
                }
                Err(e) => state
                    .sessions
                    .flash(&current.id, false, super::explain(lang, &e)),
            }
            super::back("/banking/invoices")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn good_rows_parse_and_bad_rows_are_named() {
        let ok = "number,customer_name,total,issue_date,due_date\nRE-1,Meyer,1190.00,2026-11-01,2026-11-15\n";
        let v = parse_csv(ok).unwrap();
        assert_eq!(v[0].total.to_string(), "1190.00");
        let bad = "number,customer_name,total,issue_date\nRE-1,Meyer,11,90,2026-11-01\nRE-2,X,abc,2026-11-01\nRE-3,Y,5.00,01.11.2026\n";
        let errors = parse_csv(bad).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.0).collect();
        assert_eq!(lines, [2, 3, 4], "{errors:?}");
        assert!(errors[1].1.contains("total"));
        assert!(errors[2].1.contains("issue_date"));
    }
}
