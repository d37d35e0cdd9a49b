//! Exports for the accountant: the DATEV Buchungsstapel of the matched payments.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ErrorBody};
use crate::routes::dto::parse_date;
use crate::routes::statements::download;
use crate::state::AppState;

/// The period.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DatevQuery {
    /// First day (`YYYY-MM-DD`), by the payment's booking date.
    #[param(format = Date)]
    pub from: String,
    /// Last day (`YYYY-MM-DD`), included; within the fiscal year of `from`.
    #[param(format = Date)]
    pub to: String,
}

/// The payments matched to invoices in a period as a DATEV Buchungsstapel (EXTF 700, category
/// 21, Windows-1252): the bank account against the customer's debtor account or the receivables
/// account, Belegfeld 1 the invoice number. The numbers come from the `PSD2_DATEV_*` settings.
#[utoipa::path(get, path = "/exports/datev", tag = "statements", params(DatevQuery),
    responses((status = 200, description = "The batch, as an attachment (EXTF_Buchungsstapel_….csv)",
                  content(("text/csv"))),
              (status = 400, body = ErrorBody, description = "A bad period, or the DATEV settings are missing")),
    security(("api_token" = [])))]
pub async fn datev(
    State(state): State<AppState>,
    Query(q): Query<DatevQuery>,
) -> Result<Response, ApiError> {
    let from = parse_date("from", &q.from)?;
    let to = parse_date("to", &q.to)?;
    let bytes = state.sync.export_datev(from, to).await?;
    Ok(download(
        bytes,
        "text/csv; charset=windows-1252",
        &format!("EXTF_Buchungsstapel_{from}_{to}.csv"),
    ))
}
