//! `GET /metrics` in Prometheus text format (prometheus-client, the Prometheus project's own Rust
//! client): HTTP requests by route and status, request latency, sync outcomes and bank calls.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::error::ApiError;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

/// Labels of a finished sync: what was synced and how it ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SyncLabels {
    /// `accounts` or `transactions`.
    pub kind: String,
    /// `ok`, `rate_limited`, `consent_expired`, `error`.
    pub outcome: String,
}

type HistogramCtor = fn() -> Histogram;

/// The server's metrics, registered once and shared by every request.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, HistogramCtor>,
    /// Finished syncs by kind and outcome.
    pub syncs: Family<SyncLabels, Counter>,
    /// Transactions newly stored by syncs.
    pub transactions_imported: Counter,
    /// Transactions fetched from the bank by syncs (new or not).
    pub transactions_fetched: Counter,
    /// Transactions auto-reconciled after a sync.
    pub auto_reconciled: Counter,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Metrics {
    /// A registry with every metric registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("psd2");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Family<RouteLabels, Histogram, HistogramCtor> =
            Family::new_with_constructor(latency_histogram);
        let syncs = Family::<SyncLabels, Counter>::default();
        let transactions_imported = Counter::default();
        let transactions_fetched = Counter::default();
        let auto_reconciled = Counter::default();
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        registry.register("syncs", "Finished syncs by kind and outcome", syncs.clone());
        registry.register(
            "transactions_imported",
            "Transactions newly stored",
            transactions_imported.clone(),
        );
        registry.register(
            "transactions_fetched",
            "Transactions fetched from the bank",
            transactions_fetched.clone(),
        );
        registry.register(
            "auto_reconciled",
            "Transactions matched to invoices automatically",
            auto_reconciled.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            syncs,
            transactions_imported,
            transactions_fetched,
            auto_reconciled,
        }
    }

    /// Counts one finished sync.
    pub fn sync_finished(&self, kind: &str, outcome: &str) {
        self.syncs
            .get_or_create(&SyncLabels {
                kind: kind.into(),
                outcome: outcome.into(),
            })
            .inc();
    }

    fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Middleware: counts and times every request by its route template (never the raw path, which
/// would hold ids and make the label set unbounded).
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method()).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status,
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The method as a label: the standard methods by name, anything else as `other`. Clients choose
/// the method freely (any token of any length is a valid HTTP method), so the raw value would let
/// anyone grow the label set, and the server's memory, without limit.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The Prometheus metrics, in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String)))]
pub async fn render(State(metrics): State<Arc<Metrics>>) -> Result<Response, ApiError> {
    let text = metrics
        .render()
        .map_err(|e| ApiError::Internal(format!("metrics: {e}")))?;
    Ok((
        [(header::CONTENT_TYPE, prometheus_text::CONTENT_TYPE)],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_counts_appear_in_the_text() {
        let m = Metrics::new();
        m.sync_finished("transactions", "ok");
        m.sync_finished("transactions", "ok");
        m.transactions_imported.inc_by(42);
        let text = m.render().unwrap();
        assert!(
            text.contains(r#"psd2_syncs_total{kind="transactions",outcome="ok"} 2"#),
            "{text}"
        );
        assert!(
            text.contains("psd2_transactions_imported_total 42"),
            "{text}"
        );
    }
}
