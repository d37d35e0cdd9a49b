//! Open invoices: an upload (CSV or Excel, read by the `invoice-import` crate), a preview the
//! person checks, a confirmation that writes all rows or none; and the list.
//!
//! The confirmation carries only the id of the uploaded file, which waits server-side
//! (`uploads.rs`), and the file is parsed again from those bytes: what is written is exactly what
//! the preview showed, and nothing the browser sends back can change it.

use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use invoice_import::{
    ColumnFormat, DateOrder, DecimalMark, Field, FileError, Format, InvoiceKind as RowKind,
    InvoiceRow, Preview, Problem, RowError,
};
use maud::{Markup, html};
use serde::Deserialize;
use storage::{InvoiceKind, NewInvoice};

use super::file_form::FileForm;
use super::i18n::{Key, Lang};
use super::layout::{money, page as shell};
use super::session::Current;
use super::{BankingState, check_csrf, posted, signed_in};

/// How many rows the preview shows.
const PREVIEW_ROWS: usize = 20;

/// The one place an imported row becomes a storage row. Storage keeps no open amount of its
/// own on creation (a new invoice is open for its total), so when the file has an open amount
/// (`Offen`, `Openstaand`), that is stored as the amount to match: the matcher settles what is
/// still open, not what was invoiced (docs/invoice-import.md).
fn new_invoice(row: &InvoiceRow) -> NewInvoice {
    NewInvoice {
        number: row.number.clone(),
        kind: match row.kind {
            RowKind::Invoice => InvoiceKind::Invoice,
            RowKind::CreditNote => InvoiceKind::CreditNote,
        },
        customer_name: row.customer_name.clone(),
        customer_ibans: row
            .customer_iban
            .iter()
            .map(|i| i.expose().to_owned())
            .collect(),
        total: row.amount_to_match(),
        currency: row.currency.clone(),
        issue_date: row.issue_date,
        due_date: row.due_date,
        creditor_reference: row.creditor_reference.clone(),
        customer_number: row.customer_number.clone(),
    }
}

fn field_label(lang: Lang, f: Field) -> &'static str {
    lang.t(match f {
        Field::Number => Key::InvoiceNumber,
        Field::Kind => Key::FKind,
        Field::Customer => Key::Customer,
        Field::CustomerNumber => Key::FCustomerNumber,
        Field::Total => Key::FTotal,
        Field::Open => Key::Open,
        Field::Currency => Key::FCurrency,
        Field::IssueDate => Key::FIssueDate,
        Field::DueDate => Key::Due,
        Field::Iban => Key::FIban,
        Field::CreditorReference => Key::FCreditorRef,
    })
}

/// A file that could not be read, in the person's words.
fn file_error(lang: Lang, e: &FileError) -> String {
    match e {
        FileError::Empty => lang.t(Key::FileEmpty).to_owned(),
        FileError::HeaderOnly => lang.t(Key::FileHeaderOnly).to_owned(),
        FileError::OldExcel => lang.t(Key::FileOldExcel).to_owned(),
        FileError::NotAWorkbook(d) => lang.t(Key::FileNotWorkbook).replace("{detail}", d),
        FileError::Unreadable(d) => lang.t(Key::FileUnreadable).replace("{detail}", d),
        FileError::MissingColumns { missing, found } => lang
            .t(Key::FileMissingColumns)
            .replace(
                "{missing}",
                &missing
                    .iter()
                    .map(|f| field_label(lang, *f))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .replace("{found}", &found.join(", ")),
        FileError::DuplicateColumn {
            field,
            first,
            second,
        } => lang
            .t(Key::FileDuplicateColumn)
            .replace("{first}", first)
            .replace("{second}", second)
            .replace("{field}", field_label(lang, *field)),
        FileError::MixedDecimalMarks {
            column,
            comma_line,
            point_line,
        } => lang
            .t(Key::FileMixedMarks)
            .replace("{column}", column)
            .replace("{comma}", &comma_line.to_string())
            .replace("{point}", &point_line.to_string()),
    }
}

/// One row's problem with its line, field and a hint.
fn row_error(lang: Lang, e: &RowError) -> String {
    let (problem, hint) = match &e.problem {
        Problem::Missing => (lang.t(Key::PMissing).to_owned(), Key::HMissing),
        Problem::NotAnAmount(v) => (
            lang.t(Key::PNotAnAmount).replace("{value}", v),
            Key::HAmount,
        ),
        Problem::AmbiguousAmount(v) => (
            lang.t(Key::PAmbiguousAmount).replace("{value}", v),
            Key::HAmbiguousAmount,
        ),
        Problem::NotADate(v) => (lang.t(Key::PNotADate).replace("{value}", v), Key::HDate),
        Problem::AmbiguousDate(v) => (
            lang.t(Key::PAmbiguousDate).replace("{value}", v),
            Key::HDate,
        ),
        Problem::TwoDigitYear(v) => (lang.t(Key::PTwoDigitYear).replace("{value}", v), Key::HYear),
        Problem::Zero => (lang.t(Key::PZero).to_owned(), Key::HZero),
        Problem::OpenAboveTotal { open, total } => (
            lang.t(Key::POpenAboveTotal)
                .replace("{open}", &open.to_string())
                .replace("{total}", &total.to_string()),
            Key::HOpen,
        ),
        Problem::NegativeInvoice(v) => (
            lang.t(Key::PNegativeInvoice).replace("{value}", v),
            Key::HNegative,
        ),
        Problem::UnknownKind(v) => (lang.t(Key::PUnknownKind).replace("{value}", v), Key::HKind),
        Problem::NotACurrency(v) => (
            lang.t(Key::PNotACurrency).replace("{value}", v),
            Key::HCurrency,
        ),
        Problem::DuplicateNumber { first_line } => (
            lang.t(Key::PDuplicate)
                .replace("{line}", &first_line.to_string()),
            Key::HDuplicate,
        ),
    };
    let field = e
        .field
        .map(|f| format!(", {}", field_label(lang, f)))
        .unwrap_or_default();
    format!(
        "{} {}{field}: {problem} ({})",
        lang.t(Key::Row),
        e.line,
        lang.t(hint)
    )
}

fn format_text(lang: Lang, f: &Format) -> String {
    match f {
        Format::Csv {
            encoding,
            separator,
        } => lang
            .t(Key::FormatCsv)
            .replace("{encoding}", encoding.label())
            .replace("{sep}", separator.label()),
        Format::Xlsx { sheet } => lang.t(Key::FormatXlsx).replace("{sheet}", sheet),
    }
}

fn column_text(lang: Lang, c: &ColumnFormat) -> String {
    let (field, how) = match c {
        ColumnFormat::Amount { field, mark } => (
            *field,
            match mark {
                Some(DecimalMark::Comma) => Key::DecimalComma,
                Some(DecimalMark::Point) => Key::DecimalPoint,
                None => Key::NoDecimalMark,
            },
        ),
        ColumnFormat::Date { field, order } => (
            *field,
            match order {
                Some(DateOrder::DayMonth) => Key::DayMonth,
                Some(DateOrder::MonthDay) => Key::MonthDay,
                None => Key::NoSlashDates,
            },
        ),
    };
    format!("{}: {}", field_label(lang, field), lang.t(how))
}

/// The preview of an uploaded file: how it was read, its problems, its first rows, and the
/// confirm form when it can be written (`upload`: the id of the waiting file).
fn preview_card(lang: Lang, csrf: &str, p: &Preview, upload: Option<&str>) -> Markup {
    let has_open = p.mapping.iter().any(|m| m.field == Some(Field::Open));
    html! {
        section.card #preview {
            h2 { (lang.t(Key::ImportPreview)) }
            p #format { (lang.t(Key::ReadAs)) ": " (format_text(lang, &p.format)) }
            ul #column-formats { @for c in &p.columns { li { (column_text(lang, c)) } } }
            div.scroll { table #mapping {
                thead { tr { th { (lang.t(Key::ColumnInFile)) } th { (lang.t(Key::ReadAsField)) } } }
                tbody { @for m in &p.mapping { tr {
                    td { (m.header) }
                    td { @match m.field { Some(f) => { (field_label(lang, f)) } None => { span.muted { (lang.t(Key::Ignored)) } } } }
                } } }
            } }
            @if !p.errors.is_empty() {
                div.msg.err role="alert" {
                    p { (lang.t(Key::CsvErrors)) }
                    ul #csv-errors { @for e in &p.errors { li { (row_error(lang, e)) } } }
                }
            }
            @if !p.skipped.is_empty() {
                p #skipped { (lang.t(Key::SkippedRows).replace("{numbers}", &p.skipped.iter().map(|s| s.number.as_str()).collect::<Vec<_>>().join(", "))) }
            }
            @if has_open { p.muted { (lang.t(Key::OpenAmountNote)) } }
            @if !p.rows.is_empty() {
                h3 { (lang.t(Key::FirstRows).replace("{n}", &p.rows.len().to_string()).replace("{total}", &p.row_count.to_string())) }
                div.scroll { table #preview-rows {
                    thead { tr {
                        th { (lang.t(Key::Row)) } th { (lang.t(Key::Invoice)) } th { (lang.t(Key::FKind)) }
                        th { (lang.t(Key::Customer)) } th { (lang.t(Key::FCustomerNumber)) }
                        th { (lang.t(Key::FIssueDate)) } th { (lang.t(Key::Due)) }
                        th.num { (lang.t(Key::FTotal)) } th.num { (lang.t(Key::Open)) }
                    } }
                    tbody { @for r in &p.rows { tr {
                        td { (r.line) } td { (r.number) }
                        td { (lang.t(match r.kind { RowKind::Invoice => Key::KindInvoice, RowKind::CreditNote => Key::KindCreditNote })) }
                        td { (r.customer_name) } td { (r.customer_number.as_deref().unwrap_or("")) }
                        td { (r.issue_date) } td { (r.due_date.map(|d| d.to_string()).unwrap_or_default()) }
                        td.num { (money(lang, r.total.into(), &r.currency)) }
                        td.num { (r.open.map(|o| money(lang, o.into(), &r.currency)).unwrap_or_default()) }
                    } } }
                } }
            }
            @if let Some(id) = upload {
                form method="post" action="/banking/invoices/confirm" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="upload" value=(id);
                    button #confirm type="submit" { (lang.t(Key::ConfirmImport).replace("{n}", &p.row_count.to_string())) }
                    " " a href="/banking/invoices" { (lang.t(Key::Cancel)) }
                }
            } @else if p.errors.is_empty() {
                p.msg.err role="alert" { (lang.t(Key::NothingToImport)) }
            }
        }
    }
}

/// What the page shows above the list.
enum Outcome {
    /// Just the upload form.
    Nothing,
    /// The file could not be read at all.
    Refused(String),
    /// A file was read: its preview and, if it can be written, the id of the waiting file.
    Preview(Box<Preview>, Option<String>),
}

async fn render(state: &BankingState, current: &Current, lang: Lang, outcome: Outcome) -> Response {
    let invoices = state.app.sync.db().invoices(None).await.unwrap_or_default();
    let status = match &outcome {
        Outcome::Refused(_) => StatusCode::BAD_REQUEST,
        Outcome::Preview(p, _) if !p.errors.is_empty() => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let body = html! {
        section.card {
            h2 { (lang.t(Key::UploadCsv)) }
            p.muted { (lang.t(Key::CsvHelp)) }
            form method="post" action="/banking/invoices" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(current.csrf);
                input #csv type="file" name="file" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required;
                " " button #upload type="submit" { (lang.t(Key::Upload)) }
            }
            @if let Outcome::Refused(why) = &outcome {
                div.msg.err role="alert" #file-error { p { (lang.t(Key::FileRefused)) " " (why) } }
            }
        }
        @if let Outcome::Preview(p, upload) = &outcome {
            (preview_card(lang, &current.csrf, p, upload.as_deref()))
        }
        section.card {
            h2 { (lang.t(Key::Invoices)) " (" (invoices.len()) ")" }
            div.scroll { table.stack #invoices {
                thead { tr {
                    th { (lang.t(Key::Invoice)) } th { (lang.t(Key::Customer)) } th { (lang.t(Key::Due)) }
                    th.num { (lang.t(Key::Amount)) } th.num { (lang.t(Key::Open)) } th { (lang.t(Key::Status)) }
                } }
                tbody { @for i in invoices.iter().take(500) { tr {
                    td data-label=(lang.t(Key::Invoice)) { (i.number) } td data-label=(lang.t(Key::Customer)) { (i.customer_name) }
                    td data-label=(lang.t(Key::Due)) { (i.due_date.map(|d| d.to_string()).unwrap_or_default()) }
                    td.num data-label=(lang.t(Key::Amount)) { (money(lang, i.total, &i.currency)) }
                    td.num data-label=(lang.t(Key::Open)) { (money(lang, i.open_amount, &i.currency)) }
                    td data-label=(lang.t(Key::Status)) { (super::states::invoice(lang, i.status)) }
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
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    render(&state, &current, lang, Outcome::Nothing).await
}

/// `POST /banking/invoices` (multipart: `csrf`, `file`): reads the file and shows its preview;
/// nothing is written yet.
pub async fn upload(
    State(state): State<BankingState>,
    headers: HeaderMap,
    form: Multipart,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sent = FileForm::read(form, &[]).await;
    if let Err(r) = check_csrf(&current, lang, &sent.csrf) {
        return r;
    }
    if sent.incomplete {
        let why = lang.t(Key::FileTooLarge).to_owned();
        return render(&state, &current, lang, Outcome::Refused(why)).await;
    }
    let (name, bytes) = (sent.file_name, sent.file);
    let outcome = match invoice_import::parse(&bytes, name.as_deref()) {
        Err(e) => Outcome::Refused(file_error(lang, &e)),
        Ok(import) => {
            let upload = if import.is_clean() && !import.rows.is_empty() {
                state.uploads.keep(&current.id, name, bytes)
            } else {
                None
            };
            Outcome::Preview(Box::new(import.preview(PREVIEW_ROWS)), upload)
        }
    };
    render(&state, &current, lang, outcome).await
}

/// The confirm form: the id of the waiting file, never its rows.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    upload: String,
}

/// `POST /banking/invoices/confirm`: parses the waiting file again and writes all its rows in one
/// transaction, or none.
pub async fn confirm(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Form(f): Form<ConfirmForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((name, bytes)) = state.uploads.get(&current.id, &f.upload) else {
        state
            .sessions
            .flash(&current.id, false, lang.t(Key::UploadGone));
        return super::back("/banking/invoices");
    };
    let import = match invoice_import::parse(&bytes, name.as_deref()) {
        Ok(i) if i.is_clean() && !i.rows.is_empty() => i,
        Ok(i) => {
            let preview = Box::new(i.preview(PREVIEW_ROWS));
            return render(&state, &current, lang, Outcome::Preview(preview, None)).await;
        }
        Err(e) => {
            let why = file_error(lang, &e);
            return render(&state, &current, lang, Outcome::Refused(why)).await;
        }
    };
    let batch: Vec<NewInvoice> = import.rows.iter().map(new_invoice).collect();
    match state.app.sync.upsert_invoices(&batch).await {
        Ok(c) => {
            state.uploads.remove(&f.upload);
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
            state.sessions.flash(&current.id, true, text);
        }
        Err(e) => state
            .sessions
            .flash(&current.id, false, super::explain(lang, &e)),
    }
    super::back("/banking/invoices")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_problem_has_german_and_english_words() {
        let e = RowError {
            line: 7,
            field: Some(Field::Total),
            problem: Problem::AmbiguousAmount("1.190".into()),
        };
        assert_eq!(
            row_error(Lang::De, &e),
            "Zeile 7, Gesamtbetrag: „1.190“ kann Dezimal- oder Tausendertrennzeichen sein, und die anderen Werte der Spalte sagen es nicht (Cent ergänzen (1.190,00) oder Tausenderpunkt weglassen (1190))"
        );
        assert!(row_error(Lang::En, &e).starts_with("Row 7, Total: “1.190” could be"));
        assert_eq!(
            file_error(Lang::De, &FileError::Empty),
            "Die Datei ist leer. Die offenen Rechnungen mit Kopfzeile und mindestens einer Zeile exportieren."
        );
    }
}
