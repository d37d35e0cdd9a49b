//! The domain routes, all mounted under `/api` behind the API token.

use axum::Router;
use axum::routing::{delete, get, post};

use crate::state::AppState;

pub mod backoffice;
pub mod connections;
pub mod customers;
pub mod dto;
pub mod invoices;
pub mod reconciliation;
pub mod transactions;

/// The original's four endpoints (same paths and fields) and the read and review endpoints.
pub fn api(state: AppState) -> Router {
    Router::new()
        .route(
            "/backoffice/finance/psd2/consent/initiate",
            post(backoffice::initiate),
        )
        .route(
            "/backoffice/finance/psd2/consent/callback",
            post(backoffice::callback),
        )
        .route(
            "/backoffice/finance/psd2/accounts/sync",
            post(backoffice::accounts_sync),
        )
        .route(
            "/backoffice/finance/psd2/transactions/sync",
            post(backoffice::transactions_sync),
        )
        .route("/connections", get(connections::list))
        .route("/connections/{id}", delete(connections::revoke))
        .route("/accounts", get(connections::accounts))
        .route("/transactions", get(transactions::list))
        .route(
            "/transactions/{id}/match",
            post(reconciliation::manual_match),
        )
        .route("/invoices", get(invoices::list).post(invoices::upsert))
        .route("/customers", get(customers::list))
        .route("/customers/{number}", get(customers::get))
        .route(
            "/customers/{number}/payers/{id}",
            delete(customers::remove_payer),
        )
        .route("/reconciliation/run", post(reconciliation::run))
        .route(
            "/reconciliation/suggestions",
            get(reconciliation::suggestions),
        )
        .route(
            "/reconciliation/matches/{id}/confirm",
            post(reconciliation::confirm),
        )
        .route(
            "/reconciliation/matches/{id}/reject",
            post(reconciliation::reject),
        )
        .route(
            "/reconciliation/matches/{id}/undo",
            post(reconciliation::undo),
        )
        .with_state(state)
}
