//! `GET /metrics` of the worker, in Prometheus text format (prometheus-client, as the server):
//! passes, accounts by outcome, transactions stored, connections near their consent's end, and
//! when the last pass finished — what an operator alerts on ("no pass for a day", "accounts
//! failing", "consents about to lapse").
//!
//! Served by hyper's HTTP/1 server on its own address (`PSD2_WORKER_METRICS_LISTEN`), with a
//! header-read timeout and a connection cap like the API server's, since it is reachable by
//! whatever can reach that address. Labels come only from fixed sets.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bank_sync::{AccountResult, PassReconciliation, PassReport};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::{TokioIo, TokioTimer};
use prometheus_client::encoding::{EncodeLabelSet, prometheus_text};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// Most scrapers connected at once.
const MAX_CONNECTIONS: usize = 64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

/// The worker's metrics.
#[derive(Debug)]
pub struct WorkerMetrics {
    registry: Registry,
    passes: Counter,
    accounts: Family<ResultLabels, Counter>,
    imported: Counter,
    auto_reconciled: Counter,
    expiring: Gauge,
    last_pass: Gauge,
}

impl WorkerMetrics {
    /// Every metric registered, all zero.
    pub fn new() -> Self {
        let passes = Counter::default();
        let accounts = Family::<ResultLabels, Counter>::default();
        let imported = Counter::default();
        let auto_reconciled = Counter::default();
        let expiring = Gauge::default();
        let last_pass = Gauge::default();
        let mut registry = Registry::with_prefix("psd2_worker");
        registry.register("passes", "Finished passes", passes.clone());
        registry.register(
            "accounts",
            "Accounts handled by passes, by result",
            accounts.clone(),
        );
        registry.register(
            "transactions_imported",
            "Transactions newly stored",
            imported.clone(),
        );
        registry.register(
            "auto_reconciled",
            "Transactions matched to invoices automatically",
            auto_reconciled.clone(),
        );
        registry.register(
            "expiring_connections",
            "Connections whose consent ends within the warning period",
            expiring.clone(),
        );
        registry.register(
            "last_pass_timestamp_seconds",
            "When the last pass finished (Unix time)",
            last_pass.clone(),
        );
        Self {
            registry,
            passes,
            accounts,
            imported,
            auto_reconciled,
            expiring,
            last_pass,
        }
    }

    /// Counts a finished pass.
    pub fn record(&self, report: &PassReport, finished: time::OffsetDateTime) {
        self.passes.inc();
        for a in &report.accounts {
            self.accounts
                .get_or_create(&ResultLabels {
                    result: result_label(&a.result),
                })
                .inc();
            if let AccountResult::Synced { imported, .. } = a.result {
                self.imported.inc_by(imported);
            }
        }
        if let PassReconciliation::Done(summary) = &report.reconciliation {
            self.auto_reconciled.inc_by(summary.auto_matched);
        }
        self.expiring
            .set(i64::try_from(report.expiring.len()).unwrap_or(i64::MAX));
        self.last_pass.set(finished.unix_timestamp());
    }

    fn render(&self) -> String {
        let mut out = String::new();
        match prometheus_text::encode(&mut out, &self.registry) {
            Ok(()) => out,
            Err(_) => String::new(),
        }
    }
}

impl Default for WorkerMetrics {
    fn default() -> Self {
        Self::new()
    }
}

fn result_label(r: &AccountResult) -> &'static str {
    match r {
        AccountResult::Synced { .. } => "synced",
        AccountResult::Leased => "leased",
        AccountResult::Fresh => "fresh",
        AccountResult::BackingOff => "backing_off",
        AccountResult::BudgetExhausted => "budget_exhausted",
        AccountResult::RateLimited => "rate_limited",
        AccountResult::ConsentExpired => "consent_expired",
        AccountResult::Stopped => "stopped",
        AccountResult::Failed(_) => "failed",
    }
}

/// Serves `/metrics` on `listener` until `stop`.
pub async fn serve(listener: TcpListener, metrics: Arc<WorkerMetrics>, stop: CancellationToken) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .keep_alive(false);
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics: accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stop.cancelled() => return,
        };
        let metrics = metrics.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let metrics = metrics.clone();
            async move {
                let (status, body) = if request.uri().path() == "/metrics" {
                    (hyper::StatusCode::OK, metrics.render())
                } else {
                    (
                        hyper::StatusCode::NOT_FOUND,
                        "not found: try /metrics\n".into(),
                    )
                };
                hyper::Response::builder()
                    .status(status)
                    .header(
                        hyper::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )
                    .body(Full::new(Bytes::from(body)))
            }
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// Binds `addr` and serves there in the background; returns the bound address.
pub async fn start(
    addr: SocketAddr,
    metrics: Arc<WorkerMetrics>,
    stop: CancellationToken,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(serve(listener, metrics, stop));
    Ok(bound)
}
