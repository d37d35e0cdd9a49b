//! Statement files of an account: one imported (the file as the request body), or the stored
//! bookings of a period exported as camt.053, MT940 or CSV.
//!
//! An import is one database transaction (`bank-sync`'s `import_statement`): a file that cannot
//! be read answers 422 with the line or element the parser names, and nothing of it is stored.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bank_sync::{ExportFormat, StatementError, StatementFormat, StatementImport, SyncError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::dto::parse_date;
use crate::state::AppState;

/// How to read the file.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The format, when detection from the content should not decide: `camt053`, `camt052`,
    /// `mt940`, `mt942`, `csv-ing-de`, `csv-ing-nl`, `csv-sparkasse`, `csv-volksbank`,
    /// `csv-deutsche-bank`, `csv-commerzbank`, `csv-rabobank`.
    pub format: Option<String>,
}

/// Where a file could not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementFileError {
    /// What is wrong and what to do.
    pub message: String,
    /// 1-based line (MT940 and CSV lines, the XML element's line).
    pub line: Option<u64>,
    /// The XML element path, e.g. `Stmt[1]/Ntry[3]/Amt`.
    pub element: Option<String>,
    /// The MT940 field tag, e.g. `:61:`.
    pub field: Option<String>,
    /// The CSV column header.
    pub column: Option<String>,
}

impl From<&StatementError> for StatementFileError {
    fn from(e: &StatementError) -> Self {
        let mut out = StatementFileError {
            message: e.to_string(),
            line: None,
            element: None,
            field: None,
            column: None,
        };
        match e {
            StatementError::Xml { element, line, .. } => {
                out.line = Some(*line as u64);
                out.element = Some(element.clone());
            }
            StatementError::Swift { line, field, .. } => {
                out.line = Some(*line as u64);
                out.field = Some(field.clone());
            }
            StatementError::Csv { line, column, .. } => {
                out.line = Some(*line as u64);
                out.column.clone_from(column);
            }
            _ => {}
        }
        out
    }
}

/// What an import did: the format read, the counts, and the errors (empty on 200; on 422 the
/// file's one error, and every count 0: nothing was stored).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StatementImportDto {
    /// The format read (given or detected), e.g. `camt053`, `mt940`, `csv-sparkasse`.
    pub format: Option<String>,
    /// Statements in the file.
    pub statements: u64,
    /// Entries read (booked and pending).
    pub entries: u64,
    /// Pending entries among them.
    pub pending: u64,
    /// New rows stored.
    pub imported: u64,
    /// Entries already stored (an earlier file, or PSD2), unchanged.
    pub already_known: u64,
    /// Known entries the file changed, updated in place.
    pub updated: u64,
    /// Pending rows replaced by their booking.
    pub superseded: u64,
    /// Confirmed allocations sent back to review because an amount changed.
    pub reopened: u64,
    /// Payments matched to invoices automatically afterwards.
    pub auto_reconciled: u64,
    /// Payments given suggestions afterwards.
    pub suggested: u64,
    /// Why the file could not be read.
    pub errors: Vec<StatementFileError>,
}

impl From<StatementImport> for StatementImportDto {
    fn from(r: StatementImport) -> Self {
        Self {
            format: Some(r.format),
            statements: r.statements,
            entries: r.entries,
            pending: r.pending,
            imported: r.imported,
            already_known: r.already_known,
            updated: r.updated,
            superseded: r.superseded,
            reopened: r.reopened,
            auto_reconciled: r.auto_reconciled,
            suggested: r.suggested,
            errors: Vec::new(),
        }
    }
}

/// Imports one statement file into the account: camt.053/052, MT940/942 or a bank's CSV,
/// detected from the content unless `format` says. One database transaction, then the same
/// reconciliation as after a PSD2 sync; a file imported twice imports nothing the second time.
#[utoipa::path(post, path = "/accounts/{id}/statements", tag = "statements",
    params(("id" = i64, Path, description = "account id"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The statement file as the bank exported it"),
    responses((status = 200, body = StatementImportDto, description = "Imported"),
              (status = 400, body = ErrorBody, description = "Unknown format name, or the file is another account's"),
              (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody),
              (status = 422, body = StatementImportDto, description = "The file cannot be read; nothing was stored")),
    security(("api_token" = [])))]
pub async fn import(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = q
        .format
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|f| f.parse::<StatementFormat>())
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("format: {e}")))?;
    match state.sync.import_statement(id, &body, format).await {
        Ok(r) => Ok(ApiJson(StatementImportDto::from(r)).into_response()),
        Err(SyncError::StatementFile(e)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ApiJson(StatementImportDto {
                format: format.map(|f| f.name().to_owned()),
                errors: vec![StatementFileError::from(&e)],
                ..StatementImportDto::default()
            }),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// The period and format of an export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `camt053` (camt.053.001.02, the default), `camt053.08`, `mt940`, `csv` (decimal comma)
    /// or `csv-point`.
    #[param(pattern = "^(camt053|camt053\\.08|mt940|csv|csv-point)$")]
    pub format: Option<String>,
    /// First day (`YYYY-MM-DD`), by booking date.
    #[param(format = Date)]
    pub from: String,
    /// Last day (`YYYY-MM-DD`), included.
    #[param(format = Date)]
    pub to: String,
}

/// A file download: its bytes, content type and name.
pub fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The content type and file extension of an export format.
pub fn export_file_kind(format: ExportFormat) -> (&'static str, &'static str) {
    match format {
        ExportFormat::Camt053V02 | ExportFormat::Camt053V08 => ("application/xml", "xml"),
        ExportFormat::Mt940 => ("text/plain; charset=utf-8", "sta"),
        ExportFormat::Csv(_) => ("text/csv; charset=utf-8", "csv"),
    }
}

/// The account's booked transactions of a period as a statement file (camt.053.001.02 or .08,
/// MT940, CSV), with opening and closing balances from the stored balances and bookings
/// (camt and MT940 need a stored balance).
#[utoipa::path(get, path = "/accounts/{id}/statement", tag = "statements",
    params(("id" = i64, Path, description = "account id"), ExportQuery),
    responses((status = 200, description = "The file, as an attachment", content(
                  ("application/xml"), ("text/plain"), ("text/csv"))),
              (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn export(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let from = parse_date("from", &q.from)?;
    let to = parse_date("to", &q.to)?;
    let format: ExportFormat = q.format.as_deref().unwrap_or("camt053").parse()?;
    let now = state.sync.now();
    let created = time::PrimitiveDateTime::new(now.date(), now.time());
    let bytes = state
        .sync
        .export_statement(id, from, to, format, created)
        .await?;
    let (content_type, ext) = export_file_kind(format);
    Ok(download(
        bytes,
        content_type,
        &format!("statement-{id}-{from}-{to}.{ext}"),
    ))
}
