//! Assembles the router: public operational routes, the token-protected `/api`, and the layers
//! every request passes (metrics, tracing, body limit, timeout).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::IntoResponse as _;
use axum::{Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{ApiGate, ApiTokenDigest, require_api_token};
use crate::error::ApiError;
use crate::error_shape::{BodyLimit, Shape};
use crate::health::{self, ReadinessCheck};
use crate::metrics::{self, Metrics};
use crate::openapi;
use crate::throttle::FailureThrottle;

/// What the router needs besides the domain routes.
#[derive(Debug)]
pub struct Frame {
    /// Digest of the API token `/api` demands.
    pub api_token: ApiTokenDigest,
    /// Failed attempts per address (shared with the banking page's sign-in).
    pub throttle: Arc<FailureThrottle>,
    /// Checks behind `/readyz`.
    pub readiness: Vec<ReadinessCheck>,
    /// Shared metrics.
    pub metrics: Arc<Metrics>,
    /// Largest accepted body in bytes.
    pub body_limit: usize,
    /// Longest time one request may take.
    pub request_timeout: Duration,
    /// Where `/api/openapi.json` learns the client id requests must name (none: not named).
    pub client_id: Option<bank_sync::BankSync>,
}

/// The whole application: `api` holds the domain routes (mounted under `/api`, all behind the
/// API token — there is no way to add an `/api` route that skips it); `pages` the browser pages,
/// which authenticate with their own session.
///
/// The API's routes and the public operational ones are declared through their `#[utoipa::path]`
/// annotations (`routes!`), which also write `/api/openapi.json`: nothing is served that the
/// document lacks, nothing documented is missing.
pub fn router(frame: Frame, api: OpenApiRouter, pages: Router) -> Router {
    let api = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(openapi::document))
        .merge(api)
        .layer(middleware::from_fn_with_state(
            ApiGate {
                token: Arc::new(frame.api_token),
                throttle: frame.throttle,
            },
            require_api_token,
        ));
    let readiness = Arc::new(frame.readiness);
    let operations = OpenApiRouter::default()
        .routes(routes!(health::healthz))
        .merge(
            OpenApiRouter::default()
                .routes(routes!(health::readyz))
                .with_state(readiness),
        )
        .merge(
            OpenApiRouter::default()
                .routes(routes!(metrics::render))
                .with_state(frame.metrics.clone()),
        );
    let (served, mut document) = operations.nest("/api", api).split_for_parts();
    openapi::add_shared_answers(&mut document);
    let shape = Shape::new(BodyLimit(frame.body_limit), &document);
    let set = SetResponseHeaderLayer::<HeaderValue>::if_not_present;
    let csp = HeaderValue::from_str(&crate::banking::layout::content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    served
        .layer(Extension(openapi::Document {
            doc: Arc::new(document),
            client_id: frame.client_id,
        }))
        .merge(pages)
        .merge(crate::root::router())
        .layer(middleware::from_fn_with_state(
            frame.metrics,
            metrics::track,
        ))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::GATEWAY_TIMEOUT,
            frame.request_timeout,
        ))
        // axum's extractors have their own limit (2 MiB): the same as ours, so ours decides.
        .layer(DefaultBodyLimit::max(frame.body_limit))
        .layer(RequestBodyLimitLayer::new(frame.body_limit))
        .layer(middleware::from_fn_with_state(
            shape,
            crate::error_shape::json_errors,
        ))
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            // A bug, not the caller's fault: answer (instead of dropping the connection) without
            // the panic's text, which may hold data; the log has it.
            tracing::error!("a request handler panicked");
            ApiError::Internal("a handler panicked".into()).into_response()
        }))
        // Headers every answer carries unless its handler set them: no MIME sniffing, no
        // framing by other sites, no referrer leaving the site (page URLs carry ids and
        // filters), no caching of answers that hold account data or tokens (RFC 6749 §5.1 asks
        // `no-store` for token answers), and the pages' Content-Security-Policy.
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(set(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(set(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(set(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(set(header::CONTENT_SECURITY_POLICY, csp))
        .layer(
            // The span names the path, never the query: queries can hold the bank's `code` and
            // `state` on the consent callback.
            TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
                tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
}
