//! The original back office's four endpoints: same paths, same field names, safer substance.
//!
//! `access_token` in requests and responses is our connection token, never ING's: ING's tokens
//! stay encrypted in the database and are refreshed by the server. No `refresh_token` is
//! returned (the server refreshes ING's tokens itself; the connection token lives as long as the
//! consent).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use bank_sync::TransactionSync;
use serde::{Deserialize, Serialize};
use storage::SyncTrigger;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::routes::dto::{AccountId, parse_date};
use crate::state::AppState;

/// `consent/initiate` request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiateRequest {
    /// The ING client id this server acts for.
    pub client_id: String,
    /// Where ING sends the person back; must be on the allow-list.
    pub redirect_uri: String,
    /// Space-separated scopes; empty for balances and transactions.
    #[serde(default)]
    pub scope: String,
}

/// `consent/initiate` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct InitiateResponse {
    /// Send the person here.
    pub authorization_url: String,
    /// Give it back to `consent/callback` with the code; single-use, 15 minutes.
    pub state: String,
}

/// Starts a consent.
#[utoipa::path(post, path = "/backoffice/finance/psd2/consent/initiate", tag = "consent",
    request_body = InitiateRequest,
    responses((status = 200, body = InitiateResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn initiate(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<InitiateRequest>,
) -> Result<ApiJson<InitiateResponse>, ApiError> {
    let start = state
        .sync
        .initiate_consent(&req.client_id, &req.redirect_uri, &req.scope)
        .await?;
    Ok(ApiJson(InitiateResponse {
        authorization_url: start.authorization_url,
        state: start.state,
    }))
}

/// `consent/callback` request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackRequest {
    /// The ING client id.
    #[schema(min_length = 1)]
    pub client_id: String,
    /// The `code` ING put on the redirect.
    pub authorization_code: String,
    /// The same redirect URI as in initiate.
    pub redirect_uri: String,
    /// The `state` initiate returned (and ING put on the redirect).
    #[serde(default)]
    pub state: String,
}

/// `consent/callback` answer.
#[derive(Serialize, ToSchema)]
pub struct CallbackResponse {
    /// Our connection token: present it as `access_token` to the sync endpoints. Shown once.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the consent ends (90 days at ING's sandbox, up to 180 in production).
    pub expires_in: i64,
    /// Granted scopes.
    pub scope: String,
    /// The connection's id (for the read endpoints).
    pub connection_id: String,
}

/// Completes a consent.
#[utoipa::path(post, path = "/backoffice/finance/psd2/consent/callback", tag = "consent",
    request_body = CallbackRequest,
    responses((status = 200, body = CallbackResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn callback(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CallbackRequest>,
) -> Result<ApiJson<CallbackResponse>, ApiError> {
    let grant = state
        .sync
        .complete_consent(
            &req.client_id,
            &req.authorization_code,
            &req.redirect_uri,
            &req.state,
        )
        .await?;
    Ok(ApiJson(CallbackResponse {
        access_token: grant.connection_token,
        token_type: "Bearer",
        expires_in: grant.expires_in,
        scope: grant.scope,
        connection_id: grant.connection.id,
    }))
}

/// The connection a sync request names.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionRequest {
    /// The ING client id.
    #[schema(min_length = 1)]
    pub client_id: String,
    /// The connection token `consent/callback` returned.
    #[schema(min_length = 1)]
    pub access_token: String,
}

/// `accounts/sync` query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AccountsSyncQuery {
    /// Store accounts not yet known (default true).
    pub create_missing: Option<bool>,
}

/// An account as the original returned it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    /// Our id (give it as `account_id` to `transactions/sync`).
    pub id: String,
    /// IBAN.
    pub iban: Option<String>,
    /// Name.
    pub account_name: String,
    /// Bank.
    pub bank_name: String,
    /// ISO 4217.
    pub currency: String,
    /// ING's resource id (`psd2_account_id`).
    pub psd2_account_id: String,
}

/// One synced account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncedAccountDto {
    /// The account.
    pub account: AccountDto,
    /// Whether this call created it.
    pub created: bool,
}

/// `accounts/sync` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountsSyncResponse {
    /// Always true on 200.
    pub success: bool,
    /// How many accounts the answer lists.
    pub accounts_synced: usize,
    /// The accounts.
    pub accounts: Vec<SyncedAccountDto>,
}

/// Syncs the connection's accounts (and their balances).
#[utoipa::path(post, path = "/backoffice/finance/psd2/accounts/sync", tag = "sync",
    params(AccountsSyncQuery), request_body = ConnectionRequest,
    responses((status = 200, body = AccountsSyncResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 502, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn accounts_sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AccountsSyncQuery>,
    ApiJson(req): ApiJson<ConnectionRequest>,
) -> Result<ApiJson<AccountsSyncResponse>, ApiError> {
    state.sync.check_client_id(&req.client_id).await?;
    let connection = state.sync.connection_for_token(&req.access_token).await?;
    let result = state
        .sync
        .sync_accounts(
            &connection,
            q.create_missing.unwrap_or(true),
            present_person(&headers)?,
        )
        .await;
    state
        .metrics
        .sync_finished("accounts", if result.is_ok() { "ok" } else { "error" });
    let accounts: Vec<SyncedAccountDto> = result?
        .into_iter()
        .map(|s| SyncedAccountDto {
            account: AccountDto::from(&s.account),
            created: s.created(),
        })
        .collect();
    Ok(ApiJson(AccountsSyncResponse {
        success: true,
        accounts_synced: accounts.len(),
        accounts,
    }))
}

impl From<&storage::entity::account::Model> for AccountDto {
    fn from(a: &storage::entity::account::Model) -> Self {
        Self {
            id: a.id.to_string(),
            iban: a.iban.clone(),
            account_name: a.name.clone(),
            bank_name: a.bank_name.clone(),
            currency: a.currency.clone(),
            psd2_account_id: a.resource_id.clone(),
        }
    }
}

/// `transactions/sync` request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionsSyncRequest {
    /// The ING client id.
    #[schema(min_length = 1)]
    pub client_id: String,
    /// The connection token.
    #[schema(min_length = 1)]
    pub access_token: String,
    /// Our account id (from `accounts/sync`); may be omitted when `psd2_account_id` is given.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub account_id: Option<AccountId>,
    /// ING's resource id of the account.
    #[serde(default)]
    pub psd2_account_id: Option<String>,
    /// First booking date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date_from: String,
    /// Last booking date, `YYYY-MM-DD` (default today).
    #[serde(default)]
    #[schema(format = Date)]
    pub date_to: Option<String>,
    /// Accepted for compatibility: duplicates are always skipped (never stored twice).
    #[serde(default)]
    pub skip_duplicates: Option<bool>,
    /// Match imported payments to open invoices afterwards.
    #[serde(default)]
    pub auto_reconcile: bool,
}

/// `transactions/sync` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionsSyncResponse {
    /// Always true on 200.
    pub success: bool,
    /// New transactions stored.
    pub imported: u64,
    /// Already stored, unchanged.
    pub skipped: u64,
    /// Matched to invoices automatically.
    pub auto_reconciled: u64,
    /// Entries ING returned (booked and pending).
    pub total_fetched: u64,
    /// Already stored, changed by the bank, updated in place.
    pub updated: u64,
    /// Pending entries replaced by their booking.
    pub superseded: u64,
    /// Transactions now waiting for review.
    pub suggested: u64,
    /// Pages fetched from ING.
    pub pages: u64,
    /// The sync run's id.
    pub sync_run_id: i64,
}

/// Syncs one account's transactions for a window.
#[utoipa::path(post, path = "/backoffice/finance/psd2/transactions/sync", tag = "sync",
    request_body = TransactionsSyncRequest,
    responses((status = 200, body = TransactionsSyncResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn transactions_sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<TransactionsSyncRequest>,
) -> Result<ApiJson<TransactionsSyncResponse>, ApiError> {
    state.sync.check_client_id(&req.client_id).await?;
    let connection = state.sync.connection_for_token(&req.access_token).await?;
    let date_from = parse_date("date_from", &req.date_from)?;
    let date_to = match &req.date_to {
        Some(d) if !d.is_empty() => parse_date("date_to", d)?,
        _ => state.sync.now().date(),
    };
    let account = state
        .sync
        .select_account(
            &connection,
            bank_sync::AccountSelector {
                account_id: req.account_id.as_ref().map(AccountId::value).transpose()?,
                resource_id: req.psd2_account_id.as_deref(),
            },
        )
        .await?;
    let result = state
        .sync
        .sync_transactions(&TransactionSync {
            account_id: account.id,
            date_from,
            date_to,
            auto_reconcile: req.auto_reconcile,
            trigger: SyncTrigger::User,
            psu_ip: present_person(&headers)?,
            stop: None,
        })
        .await;
    state.metrics.sync_finished(
        "transactions",
        match &result {
            Ok(_) => "ok",
            Err(bank_sync::SyncError::RateLimited { .. }) => "rate_limited",
            Err(_) => "error",
        },
    );
    let r = result?;
    state.metrics.transactions_fetched.inc_by(r.fetched);
    state.metrics.transactions_imported.inc_by(r.imported);
    state.metrics.auto_reconciled.inc_by(r.auto_reconciled);
    Ok(ApiJson(TransactionsSyncResponse {
        success: true,
        imported: r.imported,
        skipped: r.skipped,
        auto_reconciled: r.auto_reconciled,
        total_fetched: r.fetched,
        updated: r.updated,
        superseded: r.superseded,
        suggested: r.suggested,
        pages: r.pages,
        sync_run_id: r.run_id,
    }))
}

/// The person on whose behalf a sync runs, when they are present: the caller passes their
/// address in `PSU-IP-Address` (as ING's own header). Without it the sync is unattended: no
/// `PSU-IP-Address` goes to ING and its requests count against the account's daily allowance.
/// The server never sends its own or its caller's address in the person's name.
fn present_person(headers: &HeaderMap) -> Result<Option<std::net::IpAddr>, ApiError> {
    let Some(value) = headers.get("psu-ip-address") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::BadRequest(
                "PSU-IP-Address must be the present person's IPv4 or IPv6 address".into(),
            )
        })
}

// The connection token is a bearer credential: `Debug` prints every field but it.

impl std::fmt::Debug for CallbackResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("connection_id", &self.connection_id)
            .finish()
    }
}

impl std::fmt::Debug for ConnectionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionRequest")
            .field("client_id", &self.client_id)
            .field("access_token", &"[redacted]")
            .finish()
    }
}

impl std::fmt::Debug for TransactionsSyncRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionsSyncRequest")
            .field("client_id", &self.client_id)
            .field("access_token", &"[redacted]")
            .field("account_id", &self.account_id)
            .field("psd2_account_id", &self.psd2_account_id)
            .field("date_from", &self.date_from)
            .field("date_to", &self.date_to)
            .field("skip_duplicates", &self.skip_duplicates)
            .field("auto_reconcile", &self.auto_reconcile)
            .finish()
    }
}

impl std::fmt::Debug for CallbackRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("client_id", &self.client_id)
            .field("authorization_code", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .field("state", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn connection_tokens_never_reach_debug_output() {
        let secret = "psd2c_live-secret-value";
        let printed = [
            format!(
                "{:?}",
                ConnectionRequest {
                    client_id: "c".into(),
                    access_token: secret.into(),
                }
            ),
            format!(
                "{:?}",
                CallbackResponse {
                    access_token: secret.into(),
                    token_type: "Bearer",
                    expires_in: 1,
                    scope: "s".into(),
                    connection_id: "x".into(),
                }
            ),
            format!(
                "{:?}",
                CallbackRequest {
                    client_id: "c".into(),
                    authorization_code: secret.into(),
                    redirect_uri: "https://x".into(),
                    state: secret.into(),
                }
            ),
        ];
        for p in printed {
            assert!(!p.contains(secret) && p.contains("[redacted]"), "{p}");
        }
    }
}
