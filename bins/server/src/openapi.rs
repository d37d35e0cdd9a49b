//! The OpenAPI 3 document of the whole API, generated from the handlers' annotations (utoipa), so
//! clients can be generated and the API fuzzed against it. Served at `GET /api/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

/// Every documented route and schema.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "ING PSD2 back office", description = "Consent, account and transaction sync, reconciliation."),
    paths(crate::health::healthz, crate::health::readyz),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    tags((name = "operations", description = "Health, readiness, metrics"))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
