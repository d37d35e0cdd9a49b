//! Settings both binaries share: which ING, which certificates, which database, which data key.
//! One definition, flattened into the server's and the worker's flags, so the two cannot read the
//! same environment variable differently. The flags exist with the `cli` feature (the binaries turn
//! it on); a service embedding `bank-sync` fills the struct itself and does not link clap.

use std::path::PathBuf;

/// Which ING to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Environment {
    /// The bundled ING sandbox (no account, no real certificates).
    Local,
    /// ING's public sandbox, api.sandbox.ing.com.
    Sandbox,
    /// ING's production API, api.ing.com.
    Production,
}

/// Bank, certificate and database settings (flags or the environment variables named).
#[derive(Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Settings {
    /// Database: a SQLite file (`sqlite://path?mode=rwc`) or PostgreSQL (`postgres://…`).
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            env = "DATABASE_URL",
            default_value = "sqlite://data/psd2.db?mode=rwc"
        )
    )]
    pub database_url: String,

    /// `local` (bundled sandbox), `sandbox` or `production`.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_ENVIRONMENT", value_enum, default_value = "local")
    )]
    pub environment: Environment,

    /// ING client id; learned from the application-token answer when not set.
    #[cfg_attr(feature = "cli", arg(long, env = "PSD2_CLIENT_ID"))]
    pub client_id: Option<String>,

    /// Folder holding example_client_tls.cer/.key and example_client_signing.cer/.key.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_CERT_PATH", default_value = "certificates/psd2")
    )]
    pub cert_path: PathBuf,

    /// Override ING's API base URL (private gateways, a separately run local sandbox).
    #[cfg_attr(feature = "cli", arg(long, env = "PSD2_API_BASE_URL"))]
    pub api_base_url: Option<String>,

    /// An extra trusted root certificate (PEM) for the bank's TLS server.
    #[cfg_attr(feature = "cli", arg(long, env = "PSD2_CA_CERT"))]
    pub ca_cert: Option<PathBuf>,

    /// The `keyId` of the application-token request: `serial` (`SN=<serial>`, what ING's own
    /// tools send) or `serial-and-issuer` (`SN=<serial>,CA=<issuer>`, for gateways that want the
    /// QSealC's issuer).
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_KEY_ID_FORMAT", default_value = "serial")
    )]
    pub key_id_format: ing_psd2::KeyIdFormat,

    /// Base64 of 32 random bytes: the key that encrypts ING's tokens at rest. Required outside
    /// `local` mode; in `local` mode kept in `local-data.key` in the data directory (created on
    /// first start).
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_DATA_KEY", hide_env_values = true)
    )]
    pub data_key: Option<String>,

    /// `local` mode's own files: the generated data key (`local-data.key`), the API token's
    /// digest and the bundled sandbox's state (`sandbox/`). Created owner-only on first start.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_DATA_DIR", default_value = "data")
    )]
    pub data_dir: PathBuf,

    /// Earlier data keys still able to decrypt (comma separated), for key rotation.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            env = "PSD2_RETIRED_DATA_KEYS",
            value_delimiter = ',',
            hide_env_values = true
        )
    )]
    pub retired_data_keys: Vec<String>,

    /// In `local` mode: the port of the bundled sandbox's API (mTLS); the consent page listens
    /// on the next port. The server starts it; the worker connects to it.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_SANDBOX_PORT", default_value_t = 8443)
    )]
    pub sandbox_port: u16,

    /// Shapes of your invoice numbers (`#` digit, `@` letter), comma separated.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            env = "PSD2_INVOICE_PATTERNS",
            value_delimiter = ',',
            default_value = "RE-####-####,GS-####-####,INV-#######"
        )
    )]
    pub invoice_patterns: Vec<String>,

    /// Database pool size (PostgreSQL).
    #[cfg_attr(feature = "cli", arg(long, env = "PSD2_DB_POOL", default_value_t = 10))]
    pub db_pool: u32,

    /// Unattended ING calls per account per 24 hours (PSD2 allows 4).
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_DAILY_BUDGET", default_value_t = 4)
    )]
    pub daily_budget: u32,

    /// Seconds between two syncs of one account that people start (the banking page, the API);
    /// one such sync per account runs at a time.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_USER_SYNC_MIN_SECONDS", default_value_t = 60)
    )]
    pub user_sync_min_seconds: u32,

    /// Days of history fetched for a person who is present and syncs an account for the first
    /// time (right after the consent); ING serves at most about two years.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "PSD2_HISTORY_DAYS", default_value_t = 730)
    )]
    pub history_days: u32,

    /// The tax adviser's DATEV numbers (`PSD2_DATEV_*`), for the DATEV export.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub datev: crate::datev_settings::DatevConfig,
}

impl Settings {
    /// Rules flags cannot express. Outside `local` mode the data key must be configured.
    pub fn validate(&self) -> Result<(), String> {
        if self.environment != Environment::Local && self.data_key.is_none() {
            return Err(
                "PSD2_DATA_KEY must be set outside local mode (base64 of 32 random bytes, \
                        e.g. `openssl rand -base64 32`)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// A database URL with its user and password replaced.
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) if rest.contains('@') => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://[redacted]@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Data keys never reach a `Debug` print, nor a password in the database URL.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &without_credentials(&self.database_url))
            .field("environment", &self.environment)
            .field("client_id", &self.client_id)
            .field("cert_path", &self.cert_path)
            .field("api_base_url", &self.api_base_url)
            .field("ca_cert", &self.ca_cert)
            .field("key_id_format", &self.key_id_format)
            .field("data_key", &self.data_key.as_ref().map(|_| "[redacted]"))
            .field("data_dir", &self.data_dir)
            .field("retired_data_keys", &self.retired_data_keys.len())
            .field("sandbox_port", &self.sandbox_port)
            .field("invoice_patterns", &self.invoice_patterns)
            .field("db_pool", &self.db_pool)
            .field("daily_budget", &self.daily_budget)
            .field("user_sync_min_seconds", &self.user_sync_min_seconds)
            .field("history_days", &self.history_days)
            .field("datev", &self.datev)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn database_passwords_are_cut_from_debug_urls() {
        assert_eq!(
            without_credentials("postgres://psd2:s3cret@db:5432/psd2"),
            "postgres://[redacted]@db:5432/psd2"
        );
        assert_eq!(
            without_credentials("sqlite://data/psd2.db?mode=rwc"),
            "sqlite://data/psd2.db?mode=rwc"
        );
    }
}
