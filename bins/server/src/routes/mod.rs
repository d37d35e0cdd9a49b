//! The domain routes, all mounted under `/api` behind the API token.
//!
//! Each route is declared once, through its handler's `#[utoipa::path]` annotation: `routes!`
//! takes the path and the method from there, so the router and `/api/openapi.json` cannot
//! disagree (a plain `.route(…)` here would be served but undocumented, which
//! `tests/routes_documented.rs` refuses).

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub mod backoffice;
pub mod connections;
pub mod customers;
pub mod dto;
pub mod exports;
pub mod file_accounts;
pub mod invoices;
pub mod reconciliation;
pub mod statements;
pub mod transactions;

/// The original's four endpoints (same paths and fields) and the read and review endpoints,
/// with their OpenAPI paths (relative to `/api`).
pub fn api(state: AppState) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(backoffice::initiate))
        .routes(routes!(backoffice::callback))
        .routes(routes!(backoffice::accounts_sync))
        .routes(routes!(backoffice::transactions_sync))
        .routes(routes!(connections::list))
        .routes(routes!(connections::revoke))
        .routes(routes!(connections::accounts, file_accounts::create))
        .routes(routes!(transactions::list))
        .routes(routes!(reconciliation::manual_match))
        .routes(routes!(invoices::list, invoices::upsert))
        .routes(routes!(customers::list))
        .routes(routes!(customers::get))
        .routes(routes!(customers::remove_payer))
        .routes(routes!(reconciliation::run))
        .routes(routes!(reconciliation::suggestions))
        .routes(routes!(reconciliation::confirm))
        .routes(routes!(reconciliation::reject))
        .routes(routes!(reconciliation::undo))
        .routes(routes!(statements::import))
        .routes(routes!(statements::export))
        .routes(routes!(exports::datev))
        .with_state(state)
}
