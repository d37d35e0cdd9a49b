//! Reconciliation: run the matcher, review its suggestions, confirm, reject, undo, or match by
//! hand. Every decision is stored with who made it.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::dto::{MatchDto, page_offset, positive_amount};
use crate::state::AppState;

fn storage_err(e: storage::Error) -> ApiError {
    ApiError::from(bank_sync::SyncError::from(e))
}

/// Which account to reconcile (all when omitted).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// Only this account.
    #[serde(default, deserialize_with = "crate::routes::dto::optional_integer")]
    pub account_id: Option<i64>,
}

/// What a run did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunResult {
    /// Transactions matched automatically.
    pub auto_matched: u64,
    /// Transactions with suggestions for review.
    pub suggested: u64,
    /// Transactions without any candidate.
    pub unmatched: u64,
}

/// Runs the matcher over unmatched booked transactions.
#[utoipa::path(post, path = "/reconciliation/run", tag = "reconciliation", request_body = RunRequest,
    responses((status = 200, body = RunResult)), security(("api_token" = [])))]
pub async fn run(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RunRequest>,
) -> Result<ApiJson<RunResult>, ApiError> {
    let r = state
        .sync
        .reconcile(req.account_id, storage::MatchMethod::Auto.as_str())
        .await?;
    state.metrics.auto_reconciled.inc_by(r.auto_matched);
    Ok(ApiJson(RunResult {
        auto_matched: r.auto_matched,
        suggested: r.suggested,
        unmatched: r.unmatched,
    }))
}

/// Which page of the review queue.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SuggestionQuery {
    /// Page size, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Suggestions to skip (in the queue's order).
    #[param(maximum = 9223372036854775807_u64)]
    pub offset: Option<u64>,
}

/// A page of the review queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionPage {
    /// How many suggestions are open.
    pub total: u64,
    /// This page: highest confidence first, then oldest.
    pub items: Vec<MatchDto>,
}

/// The review queue, best first, in pages.
#[utoipa::path(get, path = "/reconciliation/suggestions", tag = "reconciliation",
    params(SuggestionQuery),
    responses((status = 200, body = SuggestionPage), (status = 400, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn suggestions(
    State(state): State<AppState>,
    Query(q): Query<SuggestionQuery>,
) -> Result<ApiJson<SuggestionPage>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=storage::MAX_SUGGESTION_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit}: use 1 to {}",
            storage::MAX_SUGGESTION_PAGE
        )));
    }
    let offset = page_offset(q.offset)?;
    let (rows, total) = state
        .sync
        .db()
        .suggestions_page(limit, offset)
        .await
        .map_err(storage_err)?;
    Ok(ApiJson(SuggestionPage {
        total,
        items: rows.into_iter().map(MatchDto::from).collect(),
    }))
}

/// Who decides.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The person deciding (stored with the decision); not blank.
    #[schema(pattern = r"\S", max_length = 80)]
    pub user: String,
}

/// Confirms a suggestion.
#[utoipa::path(post, path = "/reconciliation/matches/{id}/confirm", tag = "reconciliation",
    params(("id" = i64, Path, description = "match id")), request_body = Decision,
    responses((status = 200, body = Vec<MatchDto>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<ApiJson<Vec<MatchDto>>, ApiError> {
    let rows = state.sync.confirm_match(id, &d.user).await?;
    Ok(ApiJson(rows.into_iter().map(MatchDto::from).collect()))
}

/// Rejects a suggestion.
#[utoipa::path(post, path = "/reconciliation/matches/{id}/reject", tag = "reconciliation",
    params(("id" = i64, Path, description = "match id")), request_body = Decision,
    responses((status = 200, body = Vec<MatchDto>), (status = 409, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<ApiJson<Vec<MatchDto>>, ApiError> {
    state.sync.reject_match(id, &d.user).await?;
    let m = state
        .sync
        .db()
        .open_suggestions()
        .await
        .map_err(storage_err)?
        .into_iter()
        .map(MatchDto::from)
        .collect();
    Ok(ApiJson(m))
}

/// Undoes a confirmed match (all allocations of its transaction).
#[utoipa::path(post, path = "/reconciliation/matches/{id}/undo", tag = "reconciliation",
    params(("id" = i64, Path, description = "match id")), request_body = Decision,
    responses((status = 200, body = UndoResult), (status = 409, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn undo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<ApiJson<UndoResult>, ApiError> {
    let undone = state.sync.undo_match(id, &d.user).await?;
    Ok(ApiJson(UndoResult { undone }))
}

/// What an undo did.
#[derive(Debug, Serialize, ToSchema)]
pub struct UndoResult {
    /// Allocations undone.
    pub undone: u64,
}

/// A manual match.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualMatch {
    /// The person deciding; not blank.
    #[schema(pattern = r"\S", max_length = 80)]
    pub user: String,
    /// Invoices and amounts (decimal strings); at least one.
    #[schema(min_items = 1)]
    pub allocations: Vec<ManualAllocation>,
}

/// One invoice of a manual match.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualAllocation {
    /// Invoice id.
    #[serde(deserialize_with = "crate::routes::dto::integer")]
    pub invoice_id: i64,
    /// Positive amount, e.g. `"119.00"`.
    #[schema(pattern = r"^([1-9][0-9]{0,14}(\.[0-9]{1,10})?|0\.0{0,9}[1-9][0-9]{0,9})$")]
    pub amount: String,
}

/// Matches a transaction to invoices by hand.
#[utoipa::path(post, path = "/transactions/{id}/match", tag = "reconciliation",
    params(("id" = i64, Path, description = "transaction id")), request_body = ManualMatch,
    responses((status = 200, body = Vec<MatchDto>), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn manual_match(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(m): ApiJson<ManualMatch>,
) -> Result<ApiJson<Vec<MatchDto>>, ApiError> {
    let allocations = m
        .allocations
        .iter()
        .map(|a| {
            positive_amount("amount", &a.amount).map(|amount| bank_sync::HandAllocation {
                invoice_id: a.invoice_id,
                amount,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rows = state.sync.match_by_hand(id, &allocations, &m.user).await?;
    Ok(ApiJson(rows.into_iter().map(MatchDto::from).collect()))
}
