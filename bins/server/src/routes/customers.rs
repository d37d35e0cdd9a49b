//! Customers: listed with their open items, read with their known, learned and rejected payers;
//! a learned payer removed.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use storage::entity::customer_payer;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::dto::page_offset;
use crate::state::AppState;

fn storage_err(e: storage::Error) -> ApiError {
    ApiError::from(bank_sync::SyncError::from(e))
}

/// A customer and how many of its items are open.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDto {
    /// The back office's customer number.
    pub number: String,
    /// The name the latest invoice gave.
    pub name: String,
    /// Invoices and credit notes still open.
    pub open_items: u64,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// A payer of a customer, or one a person said is not this customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayerDto {
    /// Id (for removing a learned payer).
    pub id: i64,
    /// IBAN, upper case without spaces.
    pub iban: Option<String>,
    /// Name as the bank printed it (learned and rejected payers).
    pub name: Option<String>,
    /// `uploaded` (with an invoice), `learned` (a person confirmed a match) or `rejected` (a
    /// person said this payer is not the customer).
    pub origin: String,
    /// The match whose confirmation or rejection taught it.
    pub match_id: Option<i64>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When it was stored.
    pub created_at: String,
}

impl From<customer_payer::Model> for PayerDto {
    fn from(p: customer_payer::Model) -> Self {
        Self {
            id: p.id,
            iban: p.iban,
            name: p.name,
            origin: p.origin.to_string(),
            match_id: p.match_id,
            decided_by: p.decided_by,
            created_at: p.created_at.to_string(),
        }
    }
}

/// A customer with its payers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetailDto {
    /// The customer.
    #[serde(flatten)]
    pub customer: CustomerDto,
    /// Its payers, oldest first.
    pub payers: Vec<PayerDto>,
}

fn customer_dto(s: storage::CustomerSummary) -> CustomerDto {
    CustomerDto {
        number: s.customer.number,
        name: s.customer.name,
        open_items: s.open_items,
        created_at: s.customer.created_at.to_string(),
        updated_at: s.customer.updated_at.to_string(),
    }
}

/// Page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Page size, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Customers to skip (by number order).
    #[param(maximum = 9223372036854775807_u64)]
    pub offset: Option<u64>,
}

/// A page of customers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    /// How many customers there are.
    pub total: u64,
    /// This page, by number.
    pub items: Vec<CustomerDto>,
}

/// Lists customers.
#[utoipa::path(get, path = "/customers", tag = "invoices", params(CustomerQuery),
    responses((status = 200, body = CustomerPage), (status = 400, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<CustomerQuery>,
) -> Result<ApiJson<CustomerPage>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=storage::MAX_CUSTOMER_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit}: use 1 to {}",
            storage::MAX_CUSTOMER_PAGE
        )));
    }
    let offset = page_offset(q.offset)?;
    let (rows, total) = state
        .sync
        .db()
        .customers_page(limit, offset)
        .await
        .map_err(storage_err)?;
    Ok(ApiJson(CustomerPage {
        total,
        items: rows.into_iter().map(customer_dto).collect(),
    }))
}

/// One customer with its payers.
#[utoipa::path(get, path = "/customers/{number}", tag = "invoices",
    params(("number" = String, Path, description = "customer number")),
    responses((status = 200, body = CustomerDetailDto), (status = 404, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<ApiJson<CustomerDetailDto>, ApiError> {
    let d = state
        .sync
        .db()
        .customer_by_number(&number)
        .await
        .map_err(storage_err)?
        .ok_or_else(|| ApiError::NotFound(format!("no customer numbered {number:?}")))?;
    Ok(ApiJson(CustomerDetailDto {
        customer: customer_dto(d.summary),
        payers: d.payers.into_iter().map(PayerDto::from).collect(),
    }))
}

/// Forgets a learned payer (uploaded payers and rejections cannot be removed: 409).
#[utoipa::path(delete, path = "/customers/{number}/payers/{id}", tag = "invoices",
    params(("number" = String, Path, description = "customer number"), ("id" = i64, Path, description = "payer id")),
    responses((status = 200, body = PayerDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn remove_payer(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, i64)>,
) -> Result<ApiJson<PayerDto>, ApiError> {
    let p = state.sync.remove_learned_payer(&number, id).await?;
    Ok(ApiJson(PayerDto::from(p)))
}
