//! Assembling and starting the whole server from its configuration — what `main` does, and what
//! the end-to-end tests do on ephemeral ports.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bank_sync::BankSync;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::app::{Frame, router};
use crate::auth::ApiTokenDigest;
use crate::config::{Config, Environment};
use crate::health::ReadinessCheck;
use crate::metrics::Metrics;
use crate::routes;
use crate::state::AppState;

/// A started server.
pub struct Started {
    /// Where it listens.
    pub addr: SocketAddr,
    /// How the API token came about in `local` mode without `PSD2_API_TOKEN` (made on this
    /// start, or kept from an earlier one); `None` when it was configured.
    pub local_api_token: Option<crate::local_token::LocalApiToken>,
    /// The in-process sandbox of local mode.
    pub sandbox: Option<crate::local::LocalSandbox>,
    /// The use cases (tests read the database through it).
    pub sync: BankSync,
    /// Cancel to shut down.
    pub shutdown: CancellationToken,
    /// The serving task.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Started {
    /// Stops accepting, lets requests in flight finish, stops the sandbox.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.task.await??;
        if let Some(s) = self.sandbox {
            s.shutdown().await;
        }
        Ok(())
    }
}

/// Builds everything and starts serving.
pub async fn start(config: Config) -> anyhow::Result<Started> {
    config.validate().map_err(anyhow::Error::msg)?;
    let mut settings = config.bank.clone();
    let sandbox = if settings.environment == Environment::Local && settings.api_base_url.is_none() {
        let s = crate::local::start_sandbox(&settings).await?;
        // The sandbox may have taken an ephemeral port.
        settings.api_base_url = Some(s.api_url());
        Some(s)
    } else {
        None
    };
    let sync = settings.build(config.redirect_uris.clone()).await?;
    if let Some(s) = &sandbox {
        crate::local::seed_demo_invoices(&sync, s).await?;
    }
    let local_api_token = match &config.api_token {
        Some(_) => None,
        None => Some(crate::local_token::load_or_create(
            &settings.data_dir,
            config.rotate_api_token,
        )?),
    };
    let api_token = match (&config.api_token, &local_api_token) {
        (Some(t), _) => ApiTokenDigest::of(t),
        (None, Some(local)) => local.digest(),
        (None, None) => anyhow::bail!("PSD2_API_TOKEN must be set outside local mode"),
    };
    let metrics = Arc::new(Metrics::new());
    let db = sync.db().clone();
    let expires = sync.client().config().credentials().expires_at();
    let keyed = sync.clone();
    let readiness = vec![
        ReadinessCheck::new("database", move || {
            let db = db.clone();
            Box::pin(async move { db.ping().await.map_err(|e| e.to_string()) })
        }),
        ReadinessCheck::new("data key", move || {
            let sync = keyed.clone();
            Box::pin(async move {
                sync.db()
                    .check_secrets_open(sync.keyring())
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "stored tokens cannot be opened");
                        "stored bank tokens cannot be opened with the configured PSD2_DATA_KEY: \
                         set the key they were written with (the server log names it)"
                            .to_owned()
                    })
            })
        }),
        ReadinessCheck::new("certificates", move || {
            Box::pin(async move {
                if expires <= time::OffsetDateTime::now_utc() {
                    Err(format!("the client certificates expired on {expires}"))
                } else {
                    Ok(())
                }
            })
        }),
    ];
    let state = AppState {
        sync: sync.clone(),
        metrics: metrics.clone(),
    };
    let throttle = Arc::new(crate::throttle::FailureThrottle::new(
        config.auth_failures_per_minute,
        Duration::from_secs(60),
    ));
    let pages = crate::banking::router(crate::banking::BankingState {
        app: state.clone(),
        sessions: Arc::default(),
        api_token: Arc::new(api_token.clone()),
        callback_url: Arc::new(config.banking_callback.clone()),
        cookies: crate::banking::session::CookiePolicy {
            secure: config.served_over_https(),
        },
        consents: Arc::default(),
        throttle: throttle.clone(),
        uploads: Arc::default(),
    });
    let frame = Frame {
        api_token,
        throttle,
        readiness,
        metrics: metrics.clone(),
        body_limit: config.body_limit,
        request_timeout: config.request_timeout(),
        client_id: Some(state.sync.clone()),
    };
    let app = router(frame, routes::api(state), pages);
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(crate::serve::serve(
        listener,
        app,
        shutdown.clone(),
        config.connection_limits(),
    ));
    Ok(Started {
        addr,
        local_api_token,
        sandbox,
        sync,
        shutdown,
        task,
    })
}

/// The API token never reaches a `Debug` print.
impl std::fmt::Debug for Started {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Started")
            .field("addr", &self.addr)
            .field(
                "local_api_token",
                &self.local_api_token.as_ref().map(|_| "[redacted]"),
            )
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}
