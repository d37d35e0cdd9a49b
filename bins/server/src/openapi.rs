//! The OpenAPI 3 document of the whole API, generated from the handlers' annotations (utoipa), so
//! clients can be generated and the API fuzzed against it. Served at `GET /api/openapi.json`.
//!
//! [`ApiDoc`] holds what is not a route (title, shared schemas, tags, the token scheme); the
//! paths come from the router itself (`utoipa-axum`, see `app.rs`), so every route served is
//! documented and every documented route served.

use std::sync::Arc;
use std::time::Duration;

use axum::{Extension, Json};
use bank_sync::BankSync;
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

/// The document as served: built once from the router when the server starts, and where the
/// client id the requests must name is known.
#[derive(Clone)]
pub struct Document {
    /// The generated document.
    pub doc: Arc<utoipa::openapi::OpenApi>,
    /// The deployment's ING client id, asked for when the document is served.
    pub client_id: Option<BankSync>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("paths", &self.doc.paths.paths.len())
            .finish()
    }
}

/// The request bodies whose `client_id` must be this deployment's ING client id.
const CLIENT_ID_BODIES: [&str; 4] = [
    "InitiateRequest",
    "CallbackRequest",
    "ConnectionRequest",
    "TransactionsSyncRequest",
];

/// This document (OpenAPI 3.1). The requests' `client_id` is one value per deployment (the
/// configured, or learned, ING client id): the served document names it as the field's only
/// allowed value (`enum`), so a client generated from it sends the one the server accepts.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object),
              (status = 401, body = ErrorBody)),
    security(("api_token" = [])))]
pub async fn document(Extension(served): Extension<Document>) -> Json<serde_json::Value> {
    let mut doc = serde_json::to_value(served.doc.as_ref()).unwrap_or_default();
    forbid_nul_in_request_texts(&mut doc);
    // Learning the client id may need the bank (the application token); the document does not
    // wait long for it and is served without the value when the bank is slow or down.
    if let Some(sync) = served.client_id {
        let asked = tokio::time::timeout(Duration::from_secs(2), sync.client_id()).await;
        if let Ok(Ok(id)) = asked {
            for body in CLIENT_ID_BODIES {
                let pointer = format!("/components/schemas/{body}/properties/client_id");
                if let Some(field) = doc.pointer_mut(&pointer).and_then(|f| f.as_object_mut()) {
                    field.insert("enum".into(), serde_json::json!([id]));
                }
            }
        }
    }
    Json(doc)
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

/// A request body's text may not hold U+0000 (PostgreSQL's text cannot store it, so the server
/// refuses it in every body, see `error.rs`). The document says so on every text field of
/// every request body: a `pattern` without NUL where the field has none, and the "not blank"
/// pattern (`\S`) widened to "not blank and no NUL". Dates (`format`) and fixed values (`enum`)
/// cannot hold one anyway.
fn forbid_nul_in_request_texts(doc: &mut serde_json::Value) {
    let mut pending: Vec<String> = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for item in paths.values().filter_map(|i| i.as_object()) {
            for op in item.values() {
                if let Some(content) = op
                    .pointer("/requestBody/content")
                    .and_then(|c| c.as_object())
                {
                    for media in content.values() {
                        collect_refs(media.get("schema"), &mut pending);
                    }
                }
            }
        }
    }
    let mut done = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let pointer = format!("/components/schemas/{name}");
        let Some(schema) = doc.pointer_mut(&pointer) else {
            continue;
        };
        let mut nested = Vec::new();
        if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
            for property in properties.values_mut() {
                collect_refs(Some(property), &mut nested);
                forbid_nul(property);
                if let Some(items) = property.get_mut("items") {
                    forbid_nul(items);
                }
            }
        }
        pending.extend(nested);
    }
}

/// The regular expression (ECMA 262 and Python alike) of a text without NUL.
const NO_NUL: &str = "^[^\\x00]*$";
/// Not blank, without NUL. Blank is spelled out rather than `\\s`, whose meaning differs
/// between regular-expression dialects (ECMA 262 counts U+FEFF and not U+0085, Python also
/// U+001C–U+001F): Unicode's White_Space (what the server trims) and U+FEFF.
const NOT_BLANK_NO_NUL: &str = concat!(
    "^[^\\x00]*",
    "[^\\x00\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]",
    "[^\\x00]*$"
);

fn forbid_nul(field: &mut serde_json::Value) {
    let Some(object) = field.as_object_mut() else {
        return;
    };
    let is_text = match object.get("type") {
        Some(serde_json::Value::String(t)) => t == "string",
        Some(serde_json::Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    if !is_text || object.contains_key("format") || object.contains_key("enum") {
        return;
    }
    let pattern = match object.get("pattern").and_then(|p| p.as_str()) {
        None => NO_NUL,
        Some("\\S") => NOT_BLANK_NO_NUL,
        Some(_) => return,
    };
    object.insert("pattern".into(), serde_json::Value::String(pattern.into()));
}

fn collect_refs(schema: Option<&serde_json::Value>, into: &mut Vec<String>) {
    let Some(serde_json::Value::Object(map)) = schema else {
        return;
    };
    if let Some(name) = map
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        into.push(name.to_owned());
    }
    for key in ["items", "oneOf", "anyOf", "allOf"] {
        match map.get(key) {
            Some(serde_json::Value::Array(list)) => {
                list.iter().for_each(|s| collect_refs(Some(s), into));
            }
            other => collect_refs(other, into),
        }
    }
}
