//! The OpenAPI 3 document of the whole API, generated from the handlers' annotations (utoipa), so
//! clients can be generated and the API fuzzed against it. Served at `GET /api/openapi.json`.
//!
//! [`ApiDoc`] holds what is not a route (title, shared schemas, tags, the token scheme); the
//! paths come from the router itself (`utoipa-axum`, see `app.rs`), so every route served is
//! documented and every documented route served.

use std::sync::Arc;

use axum::{Extension, Json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::ErrorBody;
use crate::routes::{
    backoffice, connections, customers, dto, file_accounts, invoices, reconciliation, statements,
    transactions,
};

/// The document's frame: title, shared schemas, tags, the security scheme.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "ING PSD2 back office", description = "Consent, account and transaction sync, reconciliation."),
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
        file_accounts::FileAccountRequest, file_accounts::FileAccountDto,
        statements::StatementImportDto, statements::StatementFileError,
    )),
    modifiers(&ApiTokenScheme),
    tags(
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "consent", description = "The original's consent endpoints"),
        (name = "sync", description = "The original's sync endpoints"),
        (name = "read", description = "Connections, accounts, transactions"),
        (name = "invoices", description = "Open items and customers"),
        (name = "reconciliation", description = "Matching and review"),
        (name = "statements", description = "Accounts fed by statement files; statement and DATEV exports"),
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

/// The document as served: built once from the router when the server starts.
#[derive(Clone)]
pub struct Document(pub Arc<utoipa::openapi::OpenApi>);

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("paths", &self.0.paths.paths.len())
            .finish()
    }
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object),
              (status = 401, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn document(
    Extension(Document(doc)): Extension<Document>,
) -> Json<utoipa::openapi::OpenApi> {
    Json(doc.as_ref().clone())
}

/// Adds the answers every token-protected operation can give besides its own — `400` (e.g. a
/// credential in the query string), `401` (no or a wrong token), `429` (too many wrong tokens
/// from the address), for operations with a body `413` (over `PSD2_BODY_LIMIT`), and for paths
/// with an id `404` — so the
/// document states every status the server sends (schemathesis checks it).
pub fn add_shared_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_ids = path.contains('{');
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            if op.security.as_ref().is_none_or(Vec::is_empty) {
                continue;
            }
            let mut shared = vec![
                ("400", "Bad input: the message says what to fix"),
                ("401", "No or a wrong API token"),
                (
                    "429",
                    "Too many wrong tokens from this address; see Retry-After",
                ),
            ];
            if op.request_body.is_some() {
                shared.push(("413", "The body is larger than PSD2_BODY_LIMIT"));
            }
            if has_ids {
                shared.push(("404", "Nothing has this id"));
            }
            for (status, description) in shared {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error(description).into());
            }
        }
    }
}
