//! The client core: one pooled mutual-TLS connection set to ING, signing every request afresh
//! (a retry gets a new `Date`), classifying answers into [`Error`]s, retrying idempotent calls.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tracing::Instrument as _;

use ais_model::TppMessages;

use crate::app_token::AppTokenCache;
use crate::config::Config;
use crate::credentials::SigningIdentity;
use crate::error::{Error, excerpt};
use crate::retry::Outcome;
use crate::signing::sign_request;
use crate::transport::{Answer, Auth, Call};

type Https = HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A client for ING's PSD2 API. Cheap to clone; clones share connections and the cached
/// application token.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: Config,
    http: Https,
    pub(crate) app: AppTokenCache,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        if config.public_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for root in &config.extra_roots {
            roots
                .add(root.clone())
                .map_err(|e| Error::Tls(format!("extra root: {e}")))?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_client_auth_cert(
                config.credentials.qwac_chain.clone(),
                config.credentials.qwac_key.clone_key(),
            )
            .map_err(|e| Error::Tls(format!("QWAC: {e}")))?;
        // TCP_NODELAY: small signed requests must not wait for delayed ACKs (Nagle's algorithm
        // otherwise adds ~40 ms to every page).
        let mut tcp = HttpConnector::new();
        tcp.set_nodelay(true);
        tcp.enforce_http(false);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_only()
            .enable_http1()
            .enable_http2()
            .wrap_connector(tcp);
        let http = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_timer(TokioTimer::new())
            .build(https);
        Ok(Self {
            inner: Arc::new(Inner {
                app: AppTokenCache::new(config.client_id.clone()),
                config,
                http,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    fn signing(&self) -> &SigningIdentity {
        &self.inner.config.credentials.signing
    }

    /// The request-target as sent: the base URL's path prefix (for gateways) plus `path`.
    fn target(&self, path: &str) -> String {
        let prefix = self.inner.config.base_url.path().trim_end_matches('/');
        format!("{prefix}{path}")
    }

    /// Makes a call, retrying when allowed.
    pub(crate) async fn call(&self, call: Call<'_>) -> Result<Answer, Error> {
        let route = call.path.split('?').next().unwrap_or("").to_owned();
        let (call, route) = (&call, route.as_str());
        self.inner
            .config
            .retry
            .run("ING call", |attempt| async move {
                if let Some(counter) = call.counter
                    && !counter.try_spend()
                {
                    return Outcome::NotMade(Error::RequestLimit);
                }
                let span = tracing::info_span!("ing", method = %call.method, path = %route, attempt, status = tracing::field::Empty, ms = tracing::field::Empty);
                let started = Instant::now();
                let result = self.send_once(call).instrument(span.clone()).await;
                span.record("ms", started.elapsed().as_millis() as u64);
                match &result {
                    Ok(_) => span.record("status", 200u16),
                    Err(e) => {
                        span.in_scope(|| tracing::debug!(error = %e, "ING call failed"));
                        span.record("status", 0u16)
                    }
                };
                match result {
                    Ok(answer) => Outcome::Done(answer),
                    Err(err) if !call.retry || !err.is_transient() => {
                        Outcome::Fatal(err)
                    }
                    Err(err) => Outcome::Transient {
                        retry_after: match &err {
                            Error::RateLimited { retry_after, .. } => *retry_after,
                            _ => None,
                        },
                        error: err,
                    },
                }
            })
            .await
    }

    async fn send_once(&self, call: &Call<'_>) -> Result<Answer, Error> {
        let target = self.target(call.path);
        let key_id = match call.auth {
            Auth::Certificate => self.signing().key_id_in(self.inner.config.key_id_format)?,
            Auth::Bearer { client_id, .. } => client_id.to_owned(),
        };
        let signed = sign_request(
            self.signing(),
            &key_id,
            call.method.as_str(),
            &target,
            &call.body,
            SystemTime::now(),
        )?;
        let base = &self.inner.config.base_url;
        let authority = match base.port() {
            Some(p) => format!("{}:{p}", base.host_str().unwrap_or_default()),
            None => base.host_str().unwrap_or_default().to_owned(),
        };
        let uri = format!("{}://{authority}{target}", base.scheme());
        let mut builder = http::Request::builder()
            .method(call.method.clone())
            .uri(&uri)
            .header(http::header::ACCEPT, "application/json")
            .header(
                http::header::USER_AGENT,
                self.inner.config.user_agent.clone(),
            )
            .header("date", &signed.date)
            .header("digest", &signed.digest)
            .header("x-request-id", uuid::Uuid::new_v4().to_string());
        if call.form {
            builder = builder.header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        }
        builder = match call.auth {
            Auth::Certificate => builder
                .header(
                    http::header::AUTHORIZATION,
                    format!("Signature {}", signed.signature_params),
                )
                .header(
                    "tpp-signature-certificate",
                    self.signing().certificate_header(),
                ),
            Auth::Bearer { token, .. } => builder
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
                .header("signature", &signed.signature_params),
        };
        let mut request = builder
            .body(Full::new(call.body.clone()))
            .map_err(|e| Error::Config(format!("request: {e}")))?;
        request.headers_mut().extend(call.extra.iter().cloned());
        let timeout = self.inner.config.timeout;
        let host = authority.clone();
        let exchange = async {
            let response =
                self.inner
                    .http
                    .request(request)
                    .await
                    .map_err(|e| Error::Connection {
                        host: host.clone(),
                        reason: error_chain(&e),
                    })?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| Error::Connection {
                    host: host.clone(),
                    reason: format!("answer broken off: {}", error_chain(&e)),
                })?
                .to_bytes();
            Ok::<_, Error>((parts.status, parts.headers, body))
        };
        let (status, headers, body) = tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| Error::Timeout(timeout))??;
        if status.is_success() {
            return Ok(Answer { body });
        }
        Err(classify(status, &headers, &body))
    }
}

/// The error's own message and its causes, so "connection refused" or "unknown issuer" is seen.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Maps an error answer to the error that says what to do about it.
pub(crate) fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    if status == StatusCode::UNAUTHORIZED
        && text.contains("Signature could not be successfully verified")
    {
        return Error::SignatureRejected;
    }
    let tpp: Option<TppMessages> = serde_json::from_slice(body)
        .ok()
        .filter(|m: &TppMessages| !m.tpp_messages.is_empty());
    let messages = tpp.map(|m| m.tpp_messages).unwrap_or_default();
    let oauth_message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned));
    let code = messages.first().map(|m| m.code.clone()).unwrap_or_default();
    let message = messages
        .first()
        .and_then(|m| m.text.clone())
        .or(oauth_message)
        .unwrap_or_else(|| excerpt(body));
    let consent_gone = code.starts_with("CONSENT_")
        || message.contains("consent has expired")
        || message.contains("revoked");
    match status {
        StatusCode::TOO_MANY_REQUESTS => {
            let retry_after = headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            Error::RateLimited {
                retry_after,
                message,
            }
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN if consent_gone => {
            Error::ConsentExpired(message)
        }
        StatusCode::UNAUTHORIZED => Error::Unauthorized { code, message },
        StatusCode::FORBIDDEN => Error::Forbidden(message),
        StatusCode::NOT_FOUND => Error::NotFound(message),
        StatusCode::BAD_REQUEST if message.contains("invalid_grant") => {
            if consent_gone {
                Error::ConsentExpired(message)
            } else {
                Error::InvalidGrant(message)
            }
        }
        _ => Error::Http {
            status: status.as_u16(),
            summary: message,
            messages,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn answers_map_to_errors_that_say_what_to_do() {
        let h = HeaderMap::new();
        assert!(matches!(
            classify(
                StatusCode::UNAUTHORIZED,
                &h,
                b"Signature could not be successfully verified"
            ),
            Error::SignatureRejected
        ));
        let expired = br#"{"tppMessages":[{"category":"ERROR","code":"TOKEN_EXPIRED","text":"access token has expired"}]}"#;
        assert!(
            matches!(classify(StatusCode::UNAUTHORIZED, &h, expired), Error::Unauthorized { code, .. } if code == "TOKEN_EXPIRED")
        );
        let revoked = br#"{"tppMessages":[{"category":"ERROR","code":"CONSENT_INVALID","text":"the consent was revoked"}]}"#;
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, &h, revoked),
            Error::ConsentExpired(_)
        ));
        let mut h429 = HeaderMap::new();
        h429.insert(http::header::RETRY_AFTER, HeaderValue::from_static("7"));
        let e = classify(StatusCode::TOO_MANY_REQUESTS, &h429, br#"{"tppMessages":[{"category":"ERROR","code":"ACCESS_EXCEEDED","text":"access exceeded"}]}"#);
        assert!(
            matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7))
        );
        let grant = br#"{"message":"invalid_grant: authorization code has expired"}"#;
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &h, grant),
            Error::InvalidGrant(_)
        ));
        assert!(classify(StatusCode::SERVICE_UNAVAILABLE, &h, b"").is_transient());
        assert!(!classify(StatusCode::BAD_REQUEST, &h, b"{}").is_transient());
    }

    /// The daily allowance (ING's sandbox text, and a 429 without `Retry-After`) must not look
    /// worth retrying to a caller, or it would storm ING with requests that each spend the
    /// allowance again; a short burst limit with `Retry-After` and a 5xx stay transient.
    #[test]
    fn the_daily_limit_is_not_transient_but_a_burst_limit_is() {
        let exceeded = br#"{"tppMessages":[{"category":"ERROR","code":"ACCESS_EXCEEDED","text":"The access on this account has been exceeded"}]}"#;
        let burst = br#"{"tppMessages":[{"category":"ERROR","code":"ACCESS_EXCEEDED","text":"Too many requests"}]}"#;
        let none = HeaderMap::new();
        let mut retry_after = HeaderMap::new();
        retry_after.insert(http::header::RETRY_AFTER, HeaderValue::from_static("2"));

        let daily = classify(StatusCode::TOO_MANY_REQUESTS, &none, exceeded);
        assert!(daily.is_daily_limit(), "{daily:?}");
        assert!(!daily.is_transient(), "{daily:?}");
        // "exceeded" wins even when a Retry-After comes along.
        let daily = classify(StatusCode::TOO_MANY_REQUESTS, &retry_after, exceeded);
        assert!(!daily.is_transient(), "{daily:?}");
        // No Retry-After: nothing says when to come back, so it is the allowance.
        let daily = classify(StatusCode::TOO_MANY_REQUESTS, &none, burst);
        assert!(!daily.is_transient(), "{daily:?}");

        let short = classify(StatusCode::TOO_MANY_REQUESTS, &retry_after, burst);
        assert!(!short.is_daily_limit(), "{short:?}");
        assert!(short.is_transient(), "{short:?}");
        for status in [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::BAD_GATEWAY] {
            let e = classify(status, &none, b"");
            assert!(e.is_transient() && !e.is_daily_limit(), "{e:?}");
        }
    }
}
