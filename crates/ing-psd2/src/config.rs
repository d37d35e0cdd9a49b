//! Client configuration: which ING, which certificates, timeouts and retries. A builder whose
//! `build()` refuses incomplete or contradictory settings, and `from_env()` with the variable
//! names of the original guide.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use url::Url;

use crate::credentials::{CertificatePaths, Credentials, read_certificates};
use crate::error::Error;
use crate::key_id::KeyIdFormat;
use crate::retry::RetryPolicy;

/// Which ING.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// ING's public sandbox (`https://api.sandbox.ing.com`).
    Sandbox,
    /// ING's production API (`https://api.ing.com`).
    Production,
    /// Any other base URL — the local sandbox or a private gateway — usually with extra roots.
    Custom(Url),
}

impl Environment {
    /// The API base URL.
    pub fn base_url(&self) -> Result<Url, Error> {
        match self {
            Environment::Sandbox => {
                Url::parse("https://api.sandbox.ing.com").map_err(|e| Error::Config(e.to_string()))
            }
            Environment::Production => {
                Url::parse("https://api.ing.com").map_err(|e| Error::Config(e.to_string()))
            }
            Environment::Custom(u) => Ok(u.clone()),
        }
    }
}

/// A built configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) base_url: Url,
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
    pub(crate) public_roots: bool,
    pub(crate) client_id: Option<String>,
    pub(crate) credentials: Credentials,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: http::HeaderValue,
    pub(crate) key_id_format: KeyIdFormat,
}

/// The `User-Agent` sent when the embedding application names none: this crate and its version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

impl Config {
    /// A builder.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// From the environment: `PSD2_ENVIRONMENT` (`sandbox`, `production`, `local`),
    /// `PSD2_CLIENT_ID`, `PSD2_CERT_PATH` (folder of the four files, default
    /// `certificates/psd2`), `PSD2_API_BASE_URL` (required for `local`), `PSD2_CA_CERT`,
    /// `PSD2_KEY_ID_FORMAT` (`serial` or `serial-and-issuer`).
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut b = Config::builder();
        let env = var("PSD2_ENVIRONMENT").unwrap_or_else(|| "sandbox".to_owned());
        b = match env.as_str() {
            "sandbox" => b.environment(Environment::Sandbox),
            "production" => b.environment(Environment::Production),
            "local" => b,
            other => {
                return Err(Error::Config(format!(
                    "PSD2_ENVIRONMENT must be sandbox, production or local, not {other:?}"
                )));
            }
        };
        if let Some(url) = var("PSD2_API_BASE_URL") {
            let url =
                Url::parse(&url).map_err(|e| Error::Config(format!("PSD2_API_BASE_URL: {e}")))?;
            b = b.environment(Environment::Custom(url));
        } else if env == "local" {
            return Err(Error::Config(
                "PSD2_ENVIRONMENT=local needs PSD2_API_BASE_URL (the local sandbox's address)"
                    .into(),
            ));
        }
        if let Some(id) = var("PSD2_CLIENT_ID") {
            b = b.client_id(id);
        }
        b = b.certificate_dir(
            var("PSD2_CERT_PATH").unwrap_or_else(|| "certificates/psd2".to_owned()),
        );
        if let Some(ca) = var("PSD2_CA_CERT") {
            b = b.extra_root_file(ca);
        }
        if let Some(format) = var("PSD2_KEY_ID_FORMAT") {
            b = b.key_id_format(
                format
                    .parse()
                    .map_err(|e| Error::Config(format!("PSD2_KEY_ID_FORMAT: {e}")))?,
            );
        }
        b.build()
    }

    /// The API base URL.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The loaded credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The `keyId` form of the application-token request.
    pub fn key_id_format(&self) -> KeyIdFormat {
        self.key_id_format
    }

    /// The `User-Agent` every request carries.
    pub fn user_agent(&self) -> &str {
        // Built from a `&str` in `build`, so always visible ASCII.
        self.user_agent.to_str().unwrap_or(DEFAULT_USER_AGENT)
    }
}

/// Builds a [`Config`].
#[derive(Debug, Default)]
pub struct ConfigBuilder {
    environment: Option<Environment>,
    client_id: Option<String>,
    paths: Option<CertificatePaths>,
    credentials: Option<Credentials>,
    extra_root_files: Vec<PathBuf>,
    extra_root_pems: Vec<String>,
    public_roots: Option<bool>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    key_id_format: KeyIdFormat,
}

impl ConfigBuilder {
    /// Which ING. Required.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = Some(env);
        self
    }

    /// The client id. By default it is learned from the application-token answer (ING's
    /// sandbox returns `5ca1ab1e-c0ca-c01a-cafe-154deadbea75` for its example certificates).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The four files under their standard names in `dir`.
    pub fn certificate_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.paths = Some(CertificatePaths::in_dir(dir));
        self
    }

    /// The four files, each named.
    pub fn certificate_paths(mut self, paths: CertificatePaths) -> Self {
        self.paths = Some(paths);
        self
    }

    /// Credentials already loaded.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Trust this PEM root as well (e.g. the local sandbox's CA).
    pub fn extra_root_pem(mut self, pem: impl Into<String>) -> Self {
        self.extra_root_pems.push(pem.into());
        self
    }

    /// Trust the root(s) in this PEM or DER file as well.
    pub fn extra_root_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.extra_root_files.push(path.into());
        self
    }

    /// Whether the public web roots (Mozilla's) are trusted. Default: yes for ING's hosts, no
    /// for a custom base URL that has extra roots.
    pub fn public_roots(mut self, on: bool) -> Self {
        self.public_roots = Some(on);
        self
    }

    /// Longest wait for one HTTP answer. Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy for idempotent calls. Default: [`RetryPolicy::default`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The `User-Agent` of every request. Default [`DEFAULT_USER_AGENT`] (`ing-psd2/<version>`);
    /// an application embedding the client names itself here (e.g. `acme-books/2.1
    /// ing-psd2/0.1.0`) so that ING's operators can tell whose requests they see.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The `keyId` form of the application-token request. Default [`KeyIdFormat::Serial`]
    /// (`SN=<serial>`, what ING's sandbox and scripts use); [`KeyIdFormat::SerialAndIssuer`] for
    /// gateways that want the QSealC's issuer too.
    pub fn key_id_format(mut self, format: KeyIdFormat) -> Self {
        self.key_id_format = format;
        self
    }

    /// Validates and loads everything.
    pub fn build(self) -> Result<Config, Error> {
        let environment = self.environment.ok_or_else(|| {
            Error::Config("environment is required (sandbox, production or a base URL)".into())
        })?;
        let base_url = environment.base_url()?;
        if base_url.scheme() != "https" {
            return Err(Error::Config(format!(
                "the API base URL must be https, not {base_url}"
            )));
        }
        let credentials = match (self.credentials, self.paths) {
            (Some(c), None) => c,
            (None, Some(p)) => Credentials::load(&p)?,
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "give either credentials or certificate paths, not both".into(),
                ));
            }
            (None, None) => {
                return Err(Error::Config(
                    "certificates are required (PSD2_CERT_PATH or certificate paths)".into(),
                ));
            }
        };
        let mut extra_roots = Vec::new();
        for path in &self.extra_root_files {
            extra_roots.extend(read_certificates(path)?);
        }
        for pem in &self.extra_root_pems {
            use rustls::pki_types::pem::PemObject as _;
            let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem.as_bytes()).collect();
            let certs = certs.map_err(|e| Error::Config(format!("extra root: {e}")))?;
            if certs.is_empty() {
                return Err(Error::Config("extra root PEM holds no certificate".into()));
            }
            extra_roots.extend(certs);
        }
        let custom = matches!(environment, Environment::Custom(_));
        let public_roots = self
            .public_roots
            .unwrap_or(!custom || extra_roots.is_empty());
        if !public_roots && extra_roots.is_empty() {
            return Err(Error::Config(
                "no trusted roots: enable public roots or add the server's CA".into(),
            ));
        }
        let timeout = self.timeout.unwrap_or(Duration::from_secs(30));
        if timeout.is_zero() {
            return Err(Error::Config("timeout must be positive".into()));
        }
        credentials.signing().key_id_in(self.key_id_format)?;
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = http::HeaderValue::from_str(user_agent)
            .ok()
            .filter(|_| !user_agent.trim().is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "the user agent {user_agent:?} cannot be sent as a header: use printable \
                     ASCII on one line, such as `my-app/1.0`"
                ))
            })?;
        Ok(Config {
            base_url,
            extra_roots,
            public_roots,
            client_id: self.client_id,
            credentials,
            timeout,
            retry: self.retry.unwrap_or_default(),
            user_agent,
            key_id_format: self.key_id_format,
        })
    }
}
