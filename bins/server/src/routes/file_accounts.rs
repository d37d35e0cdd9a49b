//! Accounts fed by statement files: created with an IBAN, a name and a currency. An IBAN and
//! currency an account already has (PSD2's or a file's) is that account, so a file for an account
//! PSD2 also syncs feeds the same history.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use storage::FileAccountLink;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;

/// A file-fed account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAccountRequest {
    /// IBAN, any spacing or case (e.g. `DE89 3704 0044 0532 0130 00`).
    #[schema(min_length = 5)]
    pub iban: String,
    /// A name for the account (kept when the account exists).
    #[schema(min_length = 1)]
    pub name: String,
    /// ISO 4217 (default EUR).
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub currency: Option<String>,
}

/// The account files feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileAccountDto {
    /// Our id (for `/accounts/{id}/statements` and `/accounts/{id}/statement`).
    pub id: i64,
    /// IBAN, upper case without spaces.
    pub iban: Option<String>,
    /// Name.
    pub name: String,
    /// ISO 4217.
    pub currency: String,
    /// Whether PSD2 syncs it too (it has a connection).
    pub psd2: bool,
    /// Whether this call created it (201) or found it (200).
    pub created: bool,
}

/// Creates an account fed by statement files (201), or answers the account that already has
/// the IBAN and currency (200).
#[utoipa::path(post, path = "/accounts", tag = "statements", request_body = FileAccountRequest,
    responses((status = 201, body = FileAccountDto, description = "Created"),
              (status = 200, body = FileAccountDto, description = "An account already had the IBAN and currency"),
              (status = 400, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<FileAccountRequest>,
) -> Result<(StatusCode, ApiJson<FileAccountDto>), ApiError> {
    let currency = req.currency.as_deref().unwrap_or("EUR");
    let (a, link) = state
        .sync
        .file_account(&req.iban, &req.name, currency)
        .await?;
    let created = link == FileAccountLink::Created;
    Ok((
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        ApiJson(FileAccountDto {
            id: a.id,
            iban: a.iban,
            name: a.name,
            currency: a.currency,
            psd2: a.connection_id.is_some(),
            created,
        }),
    ))
}
