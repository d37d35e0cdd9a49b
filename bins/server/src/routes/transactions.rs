//! Listing stored transactions with filters and paging.

use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use storage::{BookingStatus, ReconciliationState, TransactionFilter};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::dto::{TransactionDto, page_offset, parse_date};
use crate::state::AppState;

/// Largest page (storage's page size).
const MAX_PAGE: u64 = 500;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this account.
    pub account_id: Option<i64>,
    /// Booked on or after (`YYYY-MM-DD`).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Booked on or before.
    #[param(format = Date)]
    pub to: Option<String>,
    /// `booked` or `pending`.
    #[param(pattern = "^(booked|pending)$")]
    pub status: Option<String>,
    /// `unmatched`, `suggested`, `matched`.
    #[param(pattern = "^(unmatched|suggested|matched)$")]
    pub reconciliation: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Rows to skip.
    #[param(maximum = 9223372036854775807_u64)]
    pub offset: Option<u64>,
}

/// A page of transactions.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionPage {
    /// How many match the filters.
    pub total: u64,
    /// This page, newest first.
    pub items: Vec<TransactionDto>,
}

/// Lists transactions.
#[utoipa::path(get, path = "/transactions", tag = "read", params(ListQuery),
    responses((status = 200, body = TransactionPage), (status = 400, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<ApiJson<TransactionPage>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit}: use 1 to {MAX_PAGE}"
        )));
    }
    let status = q
        .status
        .as_deref()
        .map(|s| match s.parse::<BookingStatus>() {
            Ok(status) if status.from_bank() => Ok(status),
            _ => Err(ApiError::BadRequest(format!(
                "status {s:?}: use booked or pending"
            ))),
        })
        .transpose()?;
    let reconciliation_state = q
        .reconciliation
        .as_deref()
        .map(|s| {
            s.parse::<ReconciliationState>().map_err(|_| {
                ApiError::BadRequest(format!(
                    "reconciliation {s:?}: use unmatched, suggested or matched"
                ))
            })
        })
        .transpose()?;
    let filter = TransactionFilter {
        account_id: q.account_id,
        from: q
            .from
            .as_deref()
            .map(|d| parse_date("from", d))
            .transpose()?,
        to: q.to.as_deref().map(|d| parse_date("to", d)).transpose()?,
        status,
        reconciliation_state,
        limit,
        offset: page_offset(q.offset)?,
    };
    let (rows, total) = state
        .sync
        .db()
        .list_transactions(&filter)
        .await
        .map_err(|e| ApiError::from(bank_sync::SyncError::from(e)))?;
    Ok(ApiJson(TransactionPage {
        total,
        items: rows.into_iter().map(TransactionDto::from).collect(),
    }))
}
