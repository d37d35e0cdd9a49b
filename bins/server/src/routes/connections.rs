//! Read endpoints for the banking page: connections with their consent, accounts with their
//! latest balances and last sync.

use axum::extract::{Path, State};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;

/// A connection.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionDto {
    /// Id.
    pub id: String,
    /// `active`, `expiring`, `expired`, `revoked`, `error`.
    pub status: String,
    /// Why, when not active.
    pub status_reason: Option<String>,
    /// `local`, `sandbox`, `production`.
    pub environment: String,
    /// Granted scopes.
    pub scopes: String,
    /// Consent end (RFC 3339).
    pub consent_valid_until: Option<String>,
    /// Whole days until the consent ends.
    pub days_left: Option<i64>,
    /// Accounts.
    pub accounts: Vec<AccountView>,
}

/// An account with what the page shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    /// Our id.
    pub id: i64,
    /// ING resource id.
    pub psd2_account_id: String,
    /// IBAN.
    pub iban: Option<String>,
    /// Name.
    pub name: String,
    /// ISO 4217.
    pub currency: String,
    /// Latest balances.
    pub balances: Vec<BalanceDto>,
    /// Last sync run.
    pub last_sync: Option<SyncRunDto>,
}

/// A balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceDto {
    /// `closingBooked`, `expected`, …
    pub balance_type: String,
    /// Exact amount.
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
    /// Reference date.
    pub reference_date: Option<String>,
}

/// A sync run.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRunDto {
    /// Id.
    pub id: i64,
    /// `user` or `worker`.
    pub trigger: String,
    /// `running`, `succeeded`, `failed`, `rate_limited`, `consent_expired`.
    pub outcome: String,
    /// Started (RFC 3339).
    pub started_at: String,
    /// Finished.
    pub finished_at: Option<String>,
    /// Entries fetched.
    pub fetched: i64,
    /// New.
    pub imported: i64,
    /// Known.
    pub skipped: i64,
    /// What went wrong.
    pub error: Option<String>,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

async fn account_view(
    state: &AppState,
    a: storage::entity::account::Model,
) -> Result<AccountView, ApiError> {
    let db = state.sync.db();
    let storage_err = |e: storage::Error| ApiError::from(bank_sync::SyncError::from(e));
    let balances = db
        .latest_balances(a.id)
        .await
        .map_err(storage_err)?
        .into_iter()
        .map(|b| BalanceDto {
            balance_type: b.balance_type,
            amount: b.amount.to_string(),
            currency: b.currency,
            reference_date: b.reference_date.map(|d| d.to_string()),
        })
        .collect();
    let last_sync = db
        .sync_runs(a.id, 1)
        .await
        .map_err(storage_err)?
        .into_iter()
        .next()
        .map(|r| SyncRunDto {
            id: r.id,
            trigger: r.trigger.to_string(),
            outcome: r.outcome.to_string(),
            started_at: rfc3339(r.started_at),
            finished_at: r.finished_at.map(rfc3339),
            fetched: r.fetched,
            imported: r.imported,
            skipped: r.skipped,
            error: r.error,
        });
    Ok(AccountView {
        id: a.id,
        psd2_account_id: a.resource_id,
        iban: a.iban,
        name: a.name,
        currency: a.currency,
        balances,
        last_sync,
    })
}

/// Every connection with its accounts.
#[utoipa::path(get, path = "/connections", tag = "read",
    responses((status = 200, body = Vec<ConnectionDto>)), security(("api_token" = [])))]
pub async fn list(State(state): State<AppState>) -> Result<ApiJson<Vec<ConnectionDto>>, ApiError> {
    let db = state.sync.db();
    let storage_err = |e: storage::Error| ApiError::from(bank_sync::SyncError::from(e));
    let now = OffsetDateTime::now_utc();
    let mut out = Vec::new();
    for c in db.connections().await.map_err(storage_err)? {
        let mut accounts = Vec::new();
        for a in db.accounts_of(&c.id).await.map_err(storage_err)? {
            accounts.push(account_view(&state, a).await?);
        }
        out.push(ConnectionDto {
            days_left: c.consent_valid_until.map(|u| (u - now).whole_days()),
            consent_valid_until: c.consent_valid_until.map(rfc3339),
            id: c.id,
            status: c.status.to_string(),
            status_reason: c.status_reason,
            environment: c.environment,
            scopes: c.scopes,
            accounts,
        });
    }
    Ok(ApiJson(out))
}

/// Every account with its latest balances and last sync.
#[utoipa::path(get, path = "/accounts", tag = "read",
    responses((status = 200, body = Vec<AccountView>)), security(("api_token" = [])))]
pub async fn accounts(
    State(state): State<AppState>,
) -> Result<ApiJson<Vec<AccountView>>, ApiError> {
    let all = state
        .sync
        .db()
        .all_accounts()
        .await
        .map_err(|e| ApiError::from(bank_sync::SyncError::from(e)))?;
    let mut out = Vec::with_capacity(all.len());
    for a in all {
        out.push(account_view(&state, a).await?);
    }
    Ok(ApiJson(out))
}

/// The answer to removing a connection.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedDto {
    /// The connection.
    pub id: String,
    /// Always `revoked`.
    pub status: String,
    /// `revoked` (ING revoked the refresh token), `nothing_to_revoke` (none was stored, e.g. a
    /// second call) or `not_reached` (ING could not be told; withdraw the consent in the
    /// banking app too). The tokens are forgotten here in every case.
    pub at_bank: String,
    /// What to do, when something is left to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Removes a connection: revokes its refresh token at ING, forgets its tokens and marks it
/// revoked. Its accounts and their history stay. Calling it again is harmless.
#[utoipa::path(delete, path = "/connections/{id}", tag = "read",
    params(("id" = String, Path, description = "connection id")),
    responses((status = 200, body = RevokedDto), (status = 404, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<ApiJson<RevokedDto>, ApiError> {
    use bank_sync::RevokedAtBank;
    let outcome = state
        .sync
        .revoke_connection(&id, "removed through the API")
        .await?;
    let (at_bank, note) = match outcome {
        RevokedAtBank::Revoked => ("revoked", None),
        RevokedAtBank::NothingToRevoke => ("nothing_to_revoke", None),
        RevokedAtBank::NotReached(why) => (
            "not_reached",
            Some(format!(
                "ING could not be told ({why}); the tokens are forgotten here, but withdraw the \
                 consent in the banking app as well"
            )),
        ),
    };
    Ok(ApiJson(RevokedDto {
        id,
        status: "revoked".into(),
        at_bank: at_bank.into(),
        note,
    }))
}
