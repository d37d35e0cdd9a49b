//! Statement files on the banking page: an account fed by files added, a file imported into an
//! account (format detected, or chosen), its counts shown; each account's statement of a period
//! downloaded as camt.053, MT940 or CSV, and the DATEV batch of the matched payments. Everything
//! goes through the same `bank-sync` calls as the API (`routes/statements.rs`).

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bank_sync::{ExportFormat, StatementFormat, StatementImport, SyncError};
use maud::{Markup, html};
use serde::Deserialize;
use storage::FileAccountLink;
use time::Date;

use super::file_form::FileForm;
use super::i18n::{Key, Lang};
use super::layout::page as shell;
use super::session::Current;
use super::{BankingState, back, check_csrf, explain, posted, signed_in};
use crate::routes::dto::parse_date;
use crate::routes::statements::{download, export_file_kind};

/// The formats a person may choose instead of detection (`?format=` names).
const IMPORT_FORMATS: [&str; 11] = [
    "camt053",
    "camt052",
    "mt940",
    "mt942",
    "csv-ing-de",
    "csv-ing-nl",
    "csv-sparkasse",
    "csv-volksbank",
    "csv-deutsche-bank",
    "csv-commerzbank",
    "csv-rabobank",
];

/// What the page shows above the accounts.
enum Outcome {
    /// Just the forms.
    Nothing,
    /// A file imported into the account: its counts.
    Imported(i64, StatementImport),
    /// A file or download refused, with why (for the account, or the DATEV card when `None`).
    Refused(Option<i64>, String),
}

/// The first day of the month `today` is in, and `today`: the forms' default period.
fn this_month(today: Date) -> (Date, Date) {
    (today.replace_day(1).unwrap_or(today), today)
}

fn counts(lang: Lang, r: &StatementImport) -> Markup {
    let rows = [
        (Key::CFormat, r.format.clone()),
        (Key::CEntries, r.entries.to_string()),
        (Key::CImported, r.imported.to_string()),
        (Key::CKnown, r.already_known.to_string()),
        (Key::CUpdated, r.updated.to_string()),
        (Key::CPending, r.pending.to_string()),
        (Key::CMatched, r.auto_reconciled.to_string()),
        (Key::CSuggested, r.suggested.to_string()),
    ];
    html! {
        div.msg.ok #import-result role="status" tabindex="-1" {
            p { strong { (lang.t(Key::ImportDone)) } }
            dl.payment #import-counts {
                @for (k, v) in rows { dt { (lang.t(k)) } dd { (v) } }
            }
        }
    }
}

fn period_fields(lang: Lang, from: Date, to: Date, id: &str) -> Markup {
    html! {
        label for={"from-" (id)} { (lang.t(Key::From)) }
        input id={"from-" (id)} type="date" name="from" value=(from) required;
        " "
        label for={"to-" (id)} { (lang.t(Key::To)) }
        input id={"to-" (id)} type="date" name="to" value=(to) required;
        " "
    }
}

async fn render(state: &BankingState, current: &Current, lang: Lang, outcome: Outcome) -> Response {
    let accounts = match state.app.sync.db().all_accounts().await {
        Ok(a) => a,
        Err(e) => return super::internal(lang, &e),
    };
    let (from, to) = this_month(state.app.sync.now().date());
    let csrf = current.csrf.as_str();
    let status = match outcome {
        Outcome::Refused(..) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let refusal = |at: Option<i64>| match &outcome {
        Outcome::Refused(a, why) if *a == at => Some(why.clone()),
        _ => None,
    };
    let body = html! {
        section.card {
            h2 { (lang.t(Key::Statements)) }
            p.muted { (lang.t(Key::StatementsHelp)) }
            h3 { (lang.t(Key::NewFileAccount)) }
            form #new-account method="post" action="/banking/statements/accounts" {
                input type="hidden" name="csrf" value=(csrf);
                div.field { label for="iban" { (lang.t(Key::FIban)) } input #iban name="iban" required autocomplete="off" placeholder="DE89 3704 0044 0532 0130 00"; }
                div.field { label for="name" { (lang.t(Key::AccountName)) } input #name name="name" required; }
                div.field { label for="currency" { (lang.t(Key::FCurrency)) } input #currency name="currency" value="EUR" required pattern="[A-Za-z]{3}" maxlength="3"; }
                button #create-account type="submit" { (lang.t(Key::CreateAccount)) }
            }
        }
        @if accounts.is_empty() { p.card { (lang.t(Key::NoAccounts)) } }
        @for a in &accounts {
            section.card id={"account-" (a.id)} tabindex="-1" {
                h2 { (a.name) " " span.muted { (a.iban.as_deref().unwrap_or("")) " · " (a.currency) } }
                @if let Outcome::Imported(at, r) = &outcome { @if *at == a.id { (counts(lang, r)) } }
                @if let Some(why) = refusal(Some(a.id)) {
                    div.msg.err role="alert" #import-error tabindex="-1" { p { (why) } }
                }
                h3 { (lang.t(Key::ImportStatement)) }
                form method="post" action={"/banking/statements/" (a.id) "/import"} enctype="multipart/form-data" data-busy=(lang.t(Key::Importing)) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for={"file-" (a.id)} { (lang.t(Key::StatementFile)) }
                    input id={"file-" (a.id)} type="file" name="file" required;
                    " "
                    label for={"format-" (a.id)} { (lang.t(Key::FileFormat)) }
                    select id={"format-" (a.id)} name="format" {
                        option value="" selected { (lang.t(Key::FormatDetect)) }
                        @for f in IMPORT_FORMATS { option value=(f) { (f) } }
                    }
                    " "
                    button id={"import-" (a.id)} type="submit" { (lang.t(Key::Import)) }
                }
                h3 { (lang.t(Key::ExportStatement)) }
                form method="get" action={"/banking/statements/" (a.id) "/export"} {
                    (period_fields(lang, from, to, &a.id.to_string()))
                    label for={"export-format-" (a.id)} { (lang.t(Key::FileFormat)) }
                    select id={"export-format-" (a.id)} name="format" {
                        option value="camt053" { "camt.053.001.02" }
                        option value="camt053.08" { "camt.053.001.08" }
                        option value="mt940" { "MT940" }
                        option value="csv" { (lang.t(Key::CsvComma)) }
                        option value="csv-point" { (lang.t(Key::CsvPoint)) }
                    }
                    " "
                    button.secondary id={"export-" (a.id)} type="submit" { (lang.t(Key::Download)) }
                }
            }
        }
        section.card #datev {
            h2 { (lang.t(Key::DatevExport)) }
            p.muted { (lang.t(Key::DatevHelp)) }
            @if let Some(why) = refusal(None) {
                div.msg.err role="alert" #datev-error tabindex="-1" { p { (lang.t(Key::DownloadFailed)) " " (why) } }
            }
            form method="get" action="/banking/statements/datev" {
                (period_fields(lang, from, to, "datev"))
                button.secondary #datev-download type="submit" { (lang.t(Key::Download)) }
            }
        }
    };
    let flash = state.sessions.take_flash(&current.id);
    (
        status,
        shell(lang, lang.t(Key::Statements), Some(csrf), flash, body),
    )
        .into_response()
}

/// `GET /banking/statements`.
pub async fn page(State(state): State<BankingState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers) {
        Ok((current, lang)) => render(&state, &current, lang, Outcome::Nothing).await,
        Err(r) => r,
    }
}

/// The new account's form.
#[derive(Debug, Deserialize)]
pub struct AccountForm {
    csrf: String,
    iban: String,
    name: String,
    currency: String,
}

/// `POST /banking/statements/accounts`: an account fed by files (or the one that has the IBAN).
pub async fn create_account(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Form(f): Form<AccountForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match state
        .app
        .sync
        .file_account(&f.iban, &f.name, &f.currency)
        .await
    {
        Ok((a, link)) => {
            let key = match link {
                FileAccountLink::Created => Key::AccountCreated,
                FileAccountLink::Existing => Key::AccountExists,
            };
            let text = lang.t(key).replace("{name}", &a.name);
            state.sessions.flash(&current.id, true, text);
            back(&format!("/banking/statements#account-{}", a.id))
        }
        Err(e) => {
            state.sessions.flash(&current.id, false, explain(lang, &e));
            back("/banking/statements")
        }
    }
}

/// `POST /banking/statements/{id}/import` (multipart: `csrf`, `format`, `file`): imports the
/// file and shows its counts, or why nothing was stored.
pub async fn import(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sent = FileForm::read(form, &["format"]).await;
    if let Err(r) = check_csrf(&current, lang, &sent.csrf) {
        return r;
    }
    if sent.incomplete {
        let why = lang.t(Key::FileTooLarge).to_owned();
        return render(&state, &current, lang, Outcome::Refused(Some(id), why)).await;
    }
    let file = sent.file.as_slice();
    let format = match sent.text("format").trim() {
        "" => None,
        f => match f.parse::<StatementFormat>() {
            Ok(f) => Some(f),
            Err(e) => {
                let why = e.to_string();
                return render(&state, &current, lang, Outcome::Refused(Some(id), why)).await;
            }
        },
    };
    let outcome = match state.app.sync.import_statement(id, file, format).await {
        Ok(r) => Outcome::Imported(id, r),
        Err(e @ SyncError::StatementFile(_)) => {
            Outcome::Refused(Some(id), format!("{} {e}", lang.t(Key::ImportRefused)))
        }
        Err(e) => Outcome::Refused(Some(id), explain(lang, &e)),
    };
    render(&state, &current, lang, outcome).await
}

/// A download's period and format, as the forms send them.
#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn period(q: &DownloadQuery) -> Result<(Date, Date), String> {
    let from = parse_date("from", &q.from).map_err(|e| e.to_string())?;
    let to = parse_date("to", &q.to).map_err(|e| e.to_string())?;
    Ok((from, to))
}

/// `GET /banking/statements/{id}/export?format=&from=&to=`: the statement file, or the page
/// saying why not.
pub async fn export(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let made = async {
        let (from, to) = period(&q)?;
        let format: ExportFormat = q
            .format
            .as_deref()
            .unwrap_or("camt053")
            .parse()
            .map_err(|e: SyncError| e.to_string())?;
        let now = state.app.sync.now();
        let created = time::PrimitiveDateTime::new(now.date(), now.time());
        let bytes = state
            .app
            .sync
            .export_statement(id, from, to, format, created)
            .await
            .map_err(|e| explain(lang, &e))?;
        let (content_type, ext) = export_file_kind(format);
        Ok::<_, String>(download(
            bytes,
            content_type,
            &format!("statement-{id}-{from}-{to}.{ext}"),
        ))
    };
    match made.await {
        Ok(r) => r,
        Err(why) => {
            let why = format!("{} {why}", lang.t(Key::DownloadFailed));
            render(&state, &current, lang, Outcome::Refused(Some(id), why)).await
        }
    }
}

/// `GET /banking/statements/datev?from=&to=`: the DATEV batch, or the page saying why not.
pub async fn datev(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Query(q): Query<DownloadQuery>,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let made = async {
        let (from, to) = period(&q)?;
        let bytes = state
            .app
            .sync
            .export_datev(from, to)
            .await
            .map_err(|e| explain(lang, &e))?;
        Ok::<_, String>(download(
            bytes,
            "text/csv; charset=windows-1252",
            &format!("EXTF_Buchungsstapel_{from}_{to}.csv"),
        ))
    };
    match made.await {
        Ok(r) => r,
        Err(why) => render(&state, &current, lang, Outcome::Refused(None, why)).await,
    }
}
