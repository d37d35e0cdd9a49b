//! Assembles the router: public operational routes, the token-protected `/api`, and the layers
//! every request passes (metrics, tracing, body limit, timeout).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::{ApiTokenDigest, require_api_token};
use crate::health::{self, ReadinessCheck};
use crate::metrics::{self, Metrics};
use crate::openapi;

/// What the router needs besides the domain routes.
#[derive(Debug)]
pub struct Frame {
    /// Digest of the API token `/api` demands.
    pub api_token: ApiTokenDigest,
    /// Checks behind `/readyz`.
    pub readiness: Vec<ReadinessCheck>,
    /// Shared metrics.
    pub metrics: Arc<Metrics>,
    /// Largest accepted body in bytes.
    pub body_limit: usize,
    /// Longest time one request may take.
    pub request_timeout: Duration,
}

/// The whole application: `api` holds the domain routes (mounted under `/api`, all behind the
/// API token — there is no way to add an `/api` route that skips it); `pages` the browser pages,
/// which authenticate with their own session.
pub fn router(frame: Frame, api: Router, pages: Router) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(openapi::document))
        .merge(api)
        .layer(middleware::from_fn_with_state(
            Arc::new(frame.api_token),
            require_api_token,
        ));
    let readiness = Arc::new(frame.readiness);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz).with_state(readiness))
        .route(
            "/metrics",
            get(metrics::render).with_state(frame.metrics.clone()),
        )
        .nest("/api", api)
        .merge(pages)
        .layer(middleware::from_fn_with_state(
            frame.metrics,
            metrics::track,
        ))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::GATEWAY_TIMEOUT,
            frame.request_timeout,
        ))
        .layer(RequestBodyLimitLayer::new(frame.body_limit))
        .layer(TraceLayer::new_for_http())
}
