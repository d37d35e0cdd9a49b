//! Invoices: created or updated in batches (by number), listed.

use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use storage::{InvoiceKind, InvoiceStatus, NewInvoice};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::dto::{page_offset, parse_date, positive_amount};
use crate::state::AppState;

/// One invoice to create or update.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    /// Unique number, e.g. `RE-2026-0042`; not blank.
    #[schema(pattern = r"\S")]
    pub number: String,
    /// `invoice` (default) or `credit_note`.
    #[serde(default)]
    #[schema(pattern = "^(invoice|credit_note)$")]
    pub kind: Option<String>,
    /// Customer name.
    pub customer_name: String,
    /// The back office's customer number. Invoices with the same number belong to one customer
    /// (whose payers the matcher learns); without it the invoice is grouped with others of the
    /// same customer name, and customers who share a name look like one.
    #[serde(default)]
    pub customer_number: Option<String>,
    /// IBANs the customer pays from.
    #[serde(default)]
    pub customer_ibans: Vec<String>,
    /// Gross total as a positive decimal string, e.g. `"1190.00"` (numbers are refused: no
    /// floats; the kind says the direction).
    #[schema(value_type = String, pattern = r"^([1-9][0-9]{0,14}(\.[0-9]{1,10})?|0\.0{0,9}[1-9][0-9]{0,9})$")]
    pub total: String,
    /// ISO 4217 (default EUR).
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub issue_date: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// ISO 11649 creditor reference (`RF…`).
    #[serde(default)]
    pub creditor_reference: Option<String>,
}

/// A batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceBatch {
    /// The invoices (all stored or none).
    pub invoices: Vec<InvoiceInput>,
}

/// What a batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceBatchResult {
    /// New.
    pub created: u64,
    /// Updated by number.
    pub updated: u64,
    /// Invoices without a customer number, grouped by customer name instead.
    pub without_customer_number: u64,
    /// Set when some invoices came without a customer number: what that means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The upload result's warning for invoices without a customer number.
pub fn without_number_warning(count: u64) -> Option<String> {
    (count > 0).then(|| {
        format!(
            "{count} invoice(s) without customer_number: grouped by customer name, so customers              who share a name are treated as one; send customer_number to keep them apart"
        )
    })
}

/// An invoice as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDto {
    /// Id.
    pub id: i64,
    /// Number.
    pub number: String,
    /// Kind.
    pub kind: String,
    /// Customer.
    pub customer_name: String,
    /// The customer's number, when the invoice came with one.
    pub customer_number: Option<String>,
    /// Total.
    pub total: String,
    /// Still open.
    pub open_amount: String,
    /// ISO 4217.
    pub currency: String,
    /// Issue date.
    pub issue_date: String,
    /// Due date.
    pub due_date: Option<String>,
    /// `open`, `partially_paid`, `paid`, `cancelled`.
    pub status: String,
}

fn to_new(i: InvoiceInput) -> Result<NewInvoice, ApiError> {
    let total = positive_amount(&format!("invoice {}: total", i.number), &i.total)?;
    Ok(NewInvoice {
        kind: i
            .kind
            .as_deref()
            .map_or(Ok(InvoiceKind::Invoice), str::parse)
            .map_err(|e: storage::Error| ApiError::BadRequest(e.to_string()))?,
        customer_name: i.customer_name,
        customer_number: i.customer_number,
        customer_ibans: i.customer_ibans,
        total,
        currency: i.currency.unwrap_or_else(|| "EUR".into()),
        issue_date: parse_date("issue_date", &i.issue_date)?,
        due_date: i
            .due_date
            .as_deref()
            .map(|d| parse_date("due_date", d))
            .transpose()?,
        creditor_reference: i.creditor_reference,
        number: i.number,
    })
}

/// Creates or updates invoices.
#[utoipa::path(post, path = "/invoices", tag = "invoices", request_body = InvoiceBatch,
    responses((status = 200, body = InvoiceBatchResult), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn upsert(
    State(state): State<AppState>,
    ApiJson(batch): ApiJson<InvoiceBatch>,
) -> Result<ApiJson<InvoiceBatchResult>, ApiError> {
    let new = batch
        .invoices
        .into_iter()
        .map(to_new)
        .collect::<Result<Vec<_>, _>>()?;
    let c = state.sync.upsert_invoices(&new).await?;
    Ok(ApiJson(InvoiceBatchResult {
        created: c.created,
        updated: c.updated,
        without_customer_number: c.without_customer_number,
        warning: without_number_warning(c.without_customer_number),
    }))
}

/// Filter and page.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InvoiceQuery {
    /// `open`, `partially_paid`, `paid`, `cancelled`.
    #[param(pattern = "^(open|partially_paid|paid|cancelled)$")]
    pub status: Option<String>,
    /// Page size, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Invoices to skip (by number order).
    #[param(maximum = 9223372036854775807_u64)]
    pub offset: Option<u64>,
}

/// A page of invoices.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicePage {
    /// How many have the status asked for.
    pub total: u64,
    /// This page, by number.
    pub items: Vec<InvoiceDto>,
}

/// Lists invoices.
#[utoipa::path(get, path = "/invoices", tag = "invoices", params(InvoiceQuery),
    responses((status = 200, body = InvoicePage), (status = 400, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<InvoiceQuery>,
) -> Result<ApiJson<InvoicePage>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=storage::MAX_INVOICE_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit}: use 1 to {}",
            storage::MAX_INVOICE_PAGE
        )));
    }
    let offset = page_offset(q.offset)?;
    let status = match q.status.as_deref().map(str::parse::<InvoiceStatus>) {
        None => None,
        Some(Ok(status)) => Some(status),
        Some(Err(_)) => {
            return Err(ApiError::BadRequest(format!(
                "status {:?}: use open, partially_paid, paid or cancelled",
                q.status.unwrap_or_default()
            )));
        }
    };
    let (rows, total) = state
        .sync
        .db()
        .invoices_page(status, limit, offset)
        .await
        .map_err(|e| ApiError::from(bank_sync::SyncError::from(e)))?;
    let ids: Vec<i64> = rows.iter().filter_map(|i| i.customer_id).collect();
    let customers = state
        .sync
        .db()
        .customers_by_id(&ids)
        .await
        .map_err(|e| ApiError::from(bank_sync::SyncError::from(e)))?;
    let items = rows
        .into_iter()
        .map(|i| InvoiceDto {
            id: i.id,
            number: i.number,
            kind: i.kind.to_string(),
            customer_name: i.customer_name,
            customer_number: i
                .customer_id
                .and_then(|c| customers.get(&c))
                .map(|c| c.number.clone()),
            total: i.total.to_string(),
            open_amount: i.open_amount.to_string(),
            currency: i.currency,
            issue_date: i.issue_date.to_string(),
            due_date: i.due_date.map(|d| d.to_string()),
            status: i.status.to_string(),
        })
        .collect();
    Ok(ApiJson(InvoicePage { total, items }))
}
