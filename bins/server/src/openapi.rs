//! The OpenAPI 3 document of the whole API, generated from the handlers' annotations (utoipa), so
//! clients can be generated and the API fuzzed against it. Served at `GET /api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    backoffice, connections, customers, dto, invoices, reconciliation, transactions,
};

/// Every documented route and schema.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "ING PSD2 back office", description = "Consent, account and transaction sync, reconciliation."),
    paths(
        crate::health::healthz, crate::health::readyz,
        backoffice::initiate, backoffice::callback, backoffice::accounts_sync, backoffice::transactions_sync,
        connections::list, connections::revoke, connections::accounts, transactions::list,
        invoices::upsert, invoices::list,
        customers::list, customers::get, customers::remove_payer,
        reconciliation::run, reconciliation::suggestions, reconciliation::confirm,
        reconciliation::reject, reconciliation::undo, reconciliation::manual_match,
    ),
    components(schemas(
        crate::error::ErrorBody, crate::error::ErrorDetail,
        backoffice::InitiateRequest, backoffice::InitiateResponse, backoffice::CallbackRequest,
        backoffice::CallbackResponse, backoffice::ConnectionRequest, backoffice::AccountsSyncResponse,
        backoffice::SyncedAccountDto, backoffice::AccountDto, backoffice::TransactionsSyncRequest,
        backoffice::TransactionsSyncResponse, dto::TransactionDto, dto::MatchDto,
        connections::ConnectionDto, connections::RevokedDto, connections::AccountView, connections::BalanceDto, connections::SyncRunDto,
        transactions::TransactionPage, invoices::InvoiceInput, invoices::InvoiceBatch,
        invoices::InvoiceBatchResult, invoices::InvoiceDto, invoices::InvoicePage,
        customers::CustomerDto, customers::PayerDto, customers::CustomerDetailDto, customers::CustomerPage,
        reconciliation::RunRequest,
        reconciliation::RunResult, reconciliation::SuggestionPage, reconciliation::Decision, reconciliation::UndoResult,
        reconciliation::ManualMatch, reconciliation::ManualAllocation,
    )),
    modifiers(&ApiTokenScheme),
    tags(
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "consent", description = "The original's consent endpoints"),
        (name = "sync", description = "The original's sync endpoints"),
        (name = "read", description = "Connections, accounts, transactions"),
        (name = "invoices", description = "Open items and customers"),
        (name = "reconciliation", description = "Matching and review"),
    )
)]
pub struct ApiDoc;

/// Declares the `Authorization: Bearer <API token>` scheme the paths refer to.
#[derive(Debug)]
struct ApiTokenScheme;

impl Modify for ApiTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
