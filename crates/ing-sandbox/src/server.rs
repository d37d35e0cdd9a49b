//! Starting and stopping a sandbox: the mTLS API listener (client certificate required, checked
//! against the local CA, handshakes counted) and the plain-HTTP consent listener for browsers.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::account_index::AccountIndex;
use crate::clock::{Clock, ClockError};
use crate::data::GroundTruth;
use crate::error::Error;
use crate::faults::Faults;
use crate::ledger::{Ledger, LedgerView};
use crate::persist::{DataSettings, Store};
use crate::state::{SandboxConfig, SeenRequest, Shared, Stats};
use crate::{ais, consent, control, oauth};

/// Starts sandboxes.
#[derive(Debug)]
pub struct Sandbox;

/// A running sandbox. Dropping it without [`SandboxHandle::shutdown`] leaves its tasks running
/// until the runtime ends.
#[derive(Debug)]
pub struct SandboxHandle {
    shared: Arc<Shared>,
    api_addr: SocketAddr,
    consent_addr: SocketAddr,
    stop: CancellationToken,
    tasks: TaskTracker,
}

impl Sandbox {
    /// Generates the data, binds both listeners and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, Error> {
        let tls = Arc::new(server_tls(&config)?);
        let ca_der = CertificateDer::from_pem_slice(config.certs.ca_cert_pem.as_bytes())
            .map_err(|e| Error::Certificate(format!("CA certificate: {e}")))?
            .to_vec();
        let api = bind(SocketAddr::new(config.bind, config.api_port)).await?;
        let consent_listener = bind(SocketAddr::new(config.bind, config.consent_port)).await?;
        let api_addr = api.local_addr().map_err(|e| Error::Bind {
            addr: SocketAddr::new(config.bind, config.api_port),
            source: e,
        })?;
        let consent_addr = consent_listener.local_addr().map_err(|e| Error::Bind {
            addr: SocketAddr::new(config.bind, config.consent_port),
            source: e,
        })?;
        let data_key = DataSettings::of(&config.data, config.evolve);
        let store = config.state_dir.as_deref().map(Store::open).transpose()?;
        let saved = match &store {
            Some(store) => store.load()?,
            None => None,
        };
        if let (Some(saved), Some(store)) = (&saved, &store)
            && saved.data != data_key
        {
            return Err(Error::State {
                path: store.file().to_path_buf(),
                reason: format!(
                    "was made with other data settings ({:?}) than these ({data_key:?}); start \
                     with the same settings, or give another state directory",
                    saved.data
                ),
            });
        }
        // A saved clock goes on where it was (plus the time the sandbox was stopped); the data
        // is generated for the first start's day again, so it is the same.
        let (clock, start_day) = match &saved {
            Some(saved) => (
                Clock::with_offset(saved.clock_offset_nanos),
                saved.generated_until,
            ),
            None => {
                let clock =
                    Clock::starting_at(config.start).map_err(|e| Error::Clock(e.to_string()))?;
                let day = clock.now().date();
                (clock, day)
            }
        };
        let (tokens, allowance) = saved
            .as_ref()
            .map(|s| (s.tokens(), s.allowance()))
            .unwrap_or_default();
        if let (Some(saved), Some(store)) = (&saved, &store) {
            tracing::info!(
                file = %store.file().display(),
                refresh_tokens = saved.tokens().refresh.len(),
                "ING sandbox state restored"
            );
        }
        let truth = crate::data::generate_until(&config.data, start_day);
        let ledger = config
            .evolve
            .then(|| Ledger::new(&truth, config.data.seed, start_day));
        let index = truth
            .profiles
            .iter()
            .flat_map(|p| &p.accounts)
            .map(|a| (a.resource_id.clone(), AccountIndex::of(a)))
            .collect();
        let shared = Arc::new(Shared {
            faults: Faults::new(config.faults.clone()),
            config,
            ca_der,
            truth,
            ledger,
            index,
            tokens: std::sync::Mutex::new(tokens),
            budget: std::sync::Mutex::new(allowance),
            clock,
            tls_handshakes: AtomicU64::new(0),
            tls_refused: AtomicU64::new(0),
            in_flight: crate::latency::InFlight::default(),
            requests: AtomicU64::new(0),
            seen: Default::default(),
            consent_url: format!("http://{consent_addr}"),
            store,
            data_key,
            generated_until: start_day,
        });
        // Written at once, so the day the data was generated for is kept even before anything
        // is issued.
        shared.save(&shared.lock_tokens())?;
        let stop = CancellationToken::new();
        let tasks = TaskTracker::new();
        tasks.spawn(serve_api(
            api,
            tls,
            api_router(shared.clone()),
            shared.clone(),
            stop.clone(),
            tasks.clone(),
        ));
        let consent_app = consent_router(shared.clone());
        let consent_stop = stop.clone();
        tasks.spawn(async move {
            let served = axum::serve(consent_listener, consent_app)
                .with_graceful_shutdown(async move { consent_stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "consent listener stopped");
            }
        });
        tracing::info!(api = %api_addr, consent = %consent_addr, "ING sandbox listening");
        Ok(SandboxHandle {
            shared,
            api_addr,
            consent_addr,
            stop,
            tasks,
        })
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, Error> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })
}

fn server_tls(config: &SandboxConfig) -> Result<rustls::ServerConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let ca = CertificateDer::from_pem_slice(config.certs.ca_cert_pem.as_bytes())
        .map_err(|e| Error::Certificate(format!("CA certificate: {e}")))?;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(ca)
        .map_err(|e| Error::Tls(format!("CA certificate: {e}")))?;
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| Error::Tls(format!("client verifier: {e}")))?;
    let chain = vec![
        CertificateDer::from_pem_slice(config.certs.server_cert_pem.as_bytes())
            .map_err(|e| Error::Certificate(format!("server certificate: {e}")))?,
    ];
    let key = PrivateKeyDer::from_pem_slice(config.certs.server_key_pem.expose().as_bytes())
        .map_err(|e| Error::Certificate(format!("server key: {e}")))?;
    let mut tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| Error::Tls(e.to_string()))?;
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

async fn count(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    shared.saw(SeenRequest {
        method: request.method().to_string(),
        target: request.uri().path_and_query().map_or_else(
            || request.uri().path().to_owned(),
            |pq| pq.as_str().to_owned(),
        ),
        user_agent: request
            .headers()
            .get(http::header::USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        key_id: ["signature", "authorization"]
            .iter()
            .filter_map(|h| request.headers().get(*h)?.to_str().ok())
            .find(|v| !v.starts_with("Bearer "))
            .and_then(|v| crate::signature::parse_params(v).ok())
            .map(|p| p.key_id),
    });
    next.run(request).await
}

/// The middleware: counts the request in flight, waits, then answers.
pub(crate) async fn delay(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let _flying = crate::latency::Flying::start(&shared.in_flight);
    let wait = shared.config.latency.draw();
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    next.run(request).await
}

fn api_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/oauth2/token", post(oauth::token))
        .route("/oauth2/token/revoke", post(oauth::revoke))
        .route(
            "/oauth2/authorization-server-url",
            get(oauth::authorization_server_url),
        )
        .route("/v3/accounts", get(ais::accounts))
        .route("/v3/accounts/{id}/balances", get(ais::balances))
        .route("/v3/accounts/{id}/transactions", get(ais::transactions))
        .route("/v2/accounts/{id}/transactions", get(ais::transactions))
        .route(
            "/grantssupport/accounts",
            get(consent::grantssupport_accounts),
        )
        .route(
            "/grantssupport/{reference}/auth-code",
            post(consent::grantssupport_auth_code),
        )
        .layer(middleware::from_fn_with_state(shared.clone(), count))
        .layer(middleware::from_fn_with_state(shared.clone(), delay))
        .with_state(shared)
}

fn consent_router(shared: Arc<Shared>) -> Router {
    let router = if shared.config.clock_control {
        control::routes()
    } else {
        Router::new()
    };
    router
        .route(
            "/granting/{reference}/{country}",
            get(consent::consent_page).post(consent::decide),
        )
        .route(
            "/grantssupport/accounts",
            get(consent::grantssupport_accounts),
        )
        .route(
            "/grantssupport/{reference}/auth-code",
            post(consent::grantssupport_auth_code),
        )
        .with_state(shared)
}

async fn serve_api(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    app: Router,
    shared: Arc<Shared>,
    stop: CancellationToken,
    tasks: TaskTracker,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let (tcp, _) = tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
        };
        // Answers go out at once rather than after a delayed ACK (Nagle).
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let acceptor = acceptor.clone();
        let app = app.clone();
        let shared = shared.clone();
        let stop = stop.clone();
        tasks.spawn(async move {
            let stream = match acceptor.accept(tcp).await {
                Ok(s) => s,
                Err(e) => {
                    shared.tls_refused.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(error = %e, "TLS handshake refused");
                    return;
                }
            };
            shared.tls_handshakes.fetch_add(1, Ordering::Relaxed);
            let service = TowerToHyperService::new(app);
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                () = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(2), conn).await;
                }
            }
        });
    }
}

impl SandboxHandle {
    /// The API host, `https://127.0.0.1:<port>` (mutual TLS required).
    pub fn api_url(&self) -> String {
        format!("https://{}", self.api_addr)
    }

    /// The consent host for browsers, `http://127.0.0.1:<port>`.
    pub fn consent_url(&self) -> String {
        format!("http://{}", self.consent_addr)
    }

    /// The CA certificate (PEM) clients must trust.
    pub fn ca_cert_pem(&self) -> &str {
        &self.shared.config.certs.ca_cert_pem
    }

    /// The client id application tokens are issued for.
    pub fn client_id(&self) -> &str {
        &self.shared.config.client_id
    }

    /// The generated data.
    pub fn ground_truth(&self) -> &GroundTruth {
        &self.shared.truth
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        let today = self.shared.now().date();
        let unattended_calls = self
            .shared
            .lock_budget()
            .counted
            .iter()
            .filter(|((_, day), _)| *day == today)
            .map(|((account, _), n)| (account.clone(), *n))
            .collect();
        Stats {
            tls_handshakes: self.shared.tls_handshakes.load(Ordering::Relaxed),
            tls_refused: self.shared.tls_refused.load(Ordering::Relaxed),
            most_in_flight: self.shared.in_flight.most(),
            requests: self.shared.requests.load(Ordering::Relaxed),
            faults_injected: self.shared.faults.injected(),
            unattended_calls,
        }
    }

    /// The latest requests the API port received (up to 10,000), oldest first: what a test
    /// checks about requests ING would take without complaint, such as the `User-Agent` sent or
    /// the query a link was followed with.
    pub fn requests_seen(&self) -> Vec<SeenRequest> {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// Moves the sandbox's clock forward (tokens, codes, consents and daily budgets expire as if
    /// that time had passed, the ledger evolves; the `Date` header is still checked against the
    /// real clock). A move beyond the clock's range (±292 years) is ignored and logged.
    pub fn advance_clock(&self, by: Duration) {
        let by = time::Duration::try_from(by).unwrap_or(time::Duration::MAX);
        match self.shared.clock.advance(by) {
            Ok(_) => self.shared.persist(),
            Err(e) => tracing::warn!(error = %e, "clock not moved"),
        }
    }

    /// The sandbox's simulated now.
    pub fn now(&self) -> time::OffsetDateTime {
        self.shared.now()
    }

    /// Sets the simulated clock to `now`, which must not lie before the sandbox's current time;
    /// returns the new now.
    pub fn set_now(&self, now: time::OffsetDateTime) -> Result<time::OffsetDateTime, ClockError> {
        let now = self.shared.clock.set(now)?;
        self.shared.persist();
        Ok(now)
    }

    /// The truth of an account as of the simulated now: every booked entry visible so far and
    /// the pending entries open now (with `evolve` off: the generated data). `None` for an
    /// unknown account.
    pub fn ledger(&self, resource_id: &str) -> Option<LedgerView> {
        let day = self.shared.now().date();
        self.shared.view(resource_id, day).map(|v| v.public(day))
    }

    /// Unattended AIS calls answered per account per simulated day (what
    /// `GET /__sandbox/allowance` reports).
    pub fn allowance(&self) -> BTreeMap<String, BTreeMap<time::Date, u32>> {
        control::tally(&self.shared.lock_budget().counted)
    }

    /// Makes the next AIS answers these faults, in order (before any drawn by chance).
    pub fn inject(&self, faults: impl IntoIterator<Item = crate::faults::Fault>) {
        self.shared.faults.force(faults);
    }

    /// Makes the next refresh-token grants fail (a 504 for any fault but `Slow`, which delays).
    pub fn inject_refresh(&self, faults: impl IntoIterator<Item = crate::faults::Fault>) {
        self.shared.faults.force_refresh(faults);
    }

    /// Revokes every consent given so far, as a person withdrawing consent in their bank would.
    pub fn revoke_all_consents(&self) {
        let mut tokens = self.shared.lock_tokens();
        let consents: Vec<String> = tokens
            .customer
            .values()
            .map(|t| t.consent.clone())
            .chain(tokens.refresh.values().map(|t| t.consent.clone()))
            .collect();
        tokens.revoked.extend(consents);
    }

    /// What a person's click on "Allow" does, over real HTTP against the consent host: takes the
    /// full authorization URL the client built, grants it for `profile_id`, and returns the
    /// redirect URL (`redirect_uri?code=…&state=…`).
    pub async fn grant_consent(
        &self,
        authorization_url: &str,
        profile_id: &str,
    ) -> Result<String, Error> {
        let url = url::Url::parse(authorization_url)
            .map_err(|e| Error::Consent(format!("authorization URL: {e}")))?;
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for key in ["client_id", "scope", "state", "redirect_uri"] {
            if let Some((_, v)) = url.query_pairs().find(|(k, _)| k == key) {
                form.append_pair(key, &v);
            }
        }
        form.append_pair("profile_id", profile_id);
        form.append_pair("decision", "allow");
        let target = format!("{}{}", self.consent_url(), url.path());
        let request = http::Request::post(&target)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(Full::new(bytes::Bytes::from(form.finish())))
            .map_err(|e| Error::Consent(e.to_string()))?;
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .build_http::<Full<bytes::Bytes>>();
        let response = client
            .request(request)
            .await
            .map_err(|e| Error::Consent(format!("consent host: {e}")))?;
        let status = response.status();
        let location = response
            .headers()
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match location {
            Some(l) if status == http::StatusCode::FOUND => Ok(l),
            _ => {
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                Err(Error::Consent(format!(
                    "consent page answered {status}: {}",
                    String::from_utf8_lossy(&body)
                        .chars()
                        .take(200)
                        .collect::<String>()
                )))
            }
        }
    }

    /// Stops accepting, lets requests in flight finish (up to 2 s), and waits for the tasks.
    /// With a state directory, the state is written once more (every change already was).
    pub async fn shutdown(self) {
        self.stop.cancel();
        self.tasks.close();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.tasks.wait()).await;
        if let Err(e) = self.shared.save(&self.shared.lock_tokens()) {
            tracing::error!(error = %e, "the sandbox could not save its state at shutdown");
        }
    }

    /// The state file, when the sandbox was started with a state directory.
    pub fn state_file(&self) -> Option<&std::path::Path> {
        self.shared.store.as_ref().map(crate::persist::Store::file)
    }
}
