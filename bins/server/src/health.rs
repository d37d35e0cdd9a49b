//! `GET /healthz` (the process answers) and `GET /readyz` (it can do its job: the database answers,
//! the certificates are loaded and not expired). Orchestrators restart on the first and route
//! traffic on the second.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

/// One named readiness check; `Err` carries a message safe to show (no secrets).
pub type CheckFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A readiness check: a name and an async probe.
#[derive(Clone)]
pub struct ReadinessCheck {
    name: &'static str,
    probe: Arc<dyn Fn() -> CheckFuture + Send + Sync>,
}

impl std::fmt::Debug for ReadinessCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadinessCheck")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ReadinessCheck {
    /// A check named `name` that runs `probe` on every `/readyz`.
    pub fn new(
        name: &'static str,
        probe: impl Fn() -> CheckFuture + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            probe: Arc::new(probe),
        }
    }
}

/// Answer of `/healthz`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Status {
    /// Always `ok`.
    pub status: &'static str,
}

/// Answer of `/readyz`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// Whether every check passed.
    pub ready: bool,
    /// Each check's outcome.
    pub checks: Vec<CheckResult>,
}

/// One readiness check's outcome.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckResult {
    /// What was checked.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// Why not, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Status)))]
pub async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// Every readiness check passes (503 otherwise, listing which failed).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(
    State(checks): State<Arc<Vec<ReadinessCheck>>>,
) -> (StatusCode, Json<Readiness>) {
    let mut results = Vec::with_capacity(checks.len());
    for check in checks.iter() {
        let outcome = (check.probe)().await;
        results.push(CheckResult {
            name: check.name,
            ok: outcome.is_ok(),
            error: outcome.err(),
        });
    }
    let ready = results.iter().all(|r| r.ok);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            ready,
            checks: results,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_failing_check_makes_the_server_unready() {
        let checks = vec![
            ReadinessCheck::new("database", || Box::pin(async { Ok(()) })),
            ReadinessCheck::new("certificates", || {
                Box::pin(async { Err("QWAC expired on 2026-01-26".to_owned()) })
            }),
        ];
        let (status, Json(body)) = readyz(State(Arc::new(checks))).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(!body.ready);
        assert!(body.checks[0].ok);
        assert_eq!(
            body.checks[1].error.as_deref(),
            Some("QWAC expired on 2026-01-26")
        );
    }

    #[tokio::test]
    async fn all_passing_checks_make_it_ready() {
        let checks = vec![ReadinessCheck::new("database", || {
            Box::pin(async { Ok(()) })
        })];
        let (status, Json(body)) = readyz(State(Arc::new(checks))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.ready);
    }
}
