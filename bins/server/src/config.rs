//! The server's configuration: flags, environment variables (the original guide's names kept),
//! and an optional `.env` file read by `main`.

use std::net::SocketAddr;
use std::time::Duration;

use bank_sync::settings::Settings;
use clap::Parser;

pub use bank_sync::settings::Environment;

/// Command-line flags; every flag can also be set by the environment variable named beside it.
#[derive(Clone, Parser)]
#[command(
    name = "psd2-server",
    version,
    about = "HTTP API of the ING PSD2 back office"
)]
pub struct Config {
    /// Address to listen on (the original's port is 8000).
    #[arg(long, env = "PSD2_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,

    /// Bank, certificates, database.
    #[command(flatten)]
    pub bank: Settings,

    /// The token every `/api` call must present as `Authorization: Bearer …`. Required outside
    /// `local` mode; in `local` mode, when not set, one is generated on the first start, printed
    /// once and kept (as its digest) in the data directory for later starts.
    #[arg(long, env = "PSD2_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,

    /// `local` mode without `PSD2_API_TOKEN`: replace the stored API token with a new one,
    /// printed once (the old one stops working). For a lost token.
    #[arg(long, env = "PSD2_ROTATE_API_TOKEN")]
    pub rotate_api_token: bool,

    /// Redirect URIs a consent may return to (comma separated, matched exactly).
    #[arg(
        long,
        env = "PSD2_REDIRECT_URIS",
        value_delimiter = ',',
        default_value = "http://localhost:5173/banking/callback,http://127.0.0.1:8000/banking/callback"
    )]
    pub redirect_uris: Vec<String>,

    /// Where ING sends people back after consenting on the banking page (`/banking/callback` of
    /// this server as the browser reaches it); must be on the redirect allow-list.
    #[arg(
        long,
        env = "PSD2_BANKING_CALLBACK",
        default_value = "http://127.0.0.1:8000/banking/callback"
    )]
    pub banking_callback: String,

    /// The server's address as browsers reach it (e.g. `https://bank.example.com`). When it
    /// starts with `https://`, the banking page's cookies are `Secure` and prefixed (`__Host-`).
    #[arg(long, env = "PSD2_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PSD2_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,

    /// Longest time one request may take, in seconds (a sync of many pages included).
    #[arg(long, env = "PSD2_REQUEST_TIMEOUT_SECS", default_value_t = 300)]
    pub request_timeout_secs: u64,

    /// Longest wait for a request's head (the request line and headers), in seconds; also how
    /// long an idle keep-alive connection stays open. Slow or silent clients are cut off after it.
    #[arg(long, env = "PSD2_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Most client connections open at once; more wait until one closes.
    #[arg(long, env = "PSD2_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Wrong API tokens or sign-ins one address may present per minute before it gets 429 for
    /// the rest of the minute. Raise it only where a test or a proxy needs it.
    #[arg(long, env = "PSD2_AUTH_FAILURES_PER_MINUTE", default_value_t = 10)]
    pub auth_failures_per_minute: u32,
}

impl Config {
    /// The request timeout as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// Whether browsers reach the server over HTTPS (so its cookies can be `Secure`).
    pub fn served_over_https(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
    }

    /// The limits every client connection is held to.
    pub fn connection_limits(&self) -> crate::serve::ConnectionLimits {
        crate::serve::ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            max_connections: self.max_connections,
        }
    }

    /// Rules that clap cannot express: outside `local` mode, secrets must be configured.
    pub fn validate(&self) -> Result<(), String> {
        if self.bank.environment != Environment::Local && self.api_token.is_none() {
            return Err("PSD2_API_TOKEN must be set outside local mode".into());
        }
        self.bank.validate()?;
        if self.rotate_api_token && self.api_token.is_some() {
            return Err(
                "PSD2_ROTATE_API_TOKEN replaces local mode's generated token; with PSD2_API_TOKEN \
                 set, change that value instead"
                    .into(),
            );
        }
        if let Some(token) = &self.api_token
            && token.len() < 16
        {
            return Err("PSD2_API_TOKEN must be at least 16 characters".into());
        }
        if !self.redirect_uris.contains(&self.banking_callback) {
            return Err(format!(
                "PSD2_BANKING_CALLBACK {} must be one of PSD2_REDIRECT_URIS",
                self.banking_callback
            ));
        }
        if let Some(u) = &self.public_url
            && !matches!(u.scheme(), "http" | "https")
        {
            return Err(format!(
                "PSD2_PUBLIC_URL {u} must start with https:// (or http:// on a private network)"
            ));
        }
        if self.header_read_timeout_secs == 0 || self.max_connections == 0 {
            return Err(
                "PSD2_HEADER_READ_TIMEOUT_SECS and PSD2_MAX_CONNECTIONS must be at least 1".into(),
            );
        }
        if self.redirect_uris.iter().any(|u| u.trim().is_empty()) {
            return Err("PSD2_REDIRECT_URIS contains an empty entry".into());
        }
        Ok(())
    }
}

/// The API token never reaches a `Debug` print.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("bank", &self.bank)
            .field("api_token", &self.api_token.as_ref().map(|_| "[redacted]"))
            .field("rotate_api_token", &self.rotate_api_token)
            .field("redirect_uris", &self.redirect_uris)
            .field("banking_callback", &self.banking_callback)
            .field(
                "public_url",
                &self.public_url.as_ref().map(url::Url::as_str),
            )
            .field("body_limit", &self.body_limit)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("header_read_timeout_secs", &self.header_read_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("auth_failures_per_minute", &self.auth_failures_per_minute)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Config {
        Config::try_parse_from(std::iter::once("psd2-server").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn flags_set_environment_and_address() {
        let c = parse(&["--environment", "sandbox", "--listen", "127.0.0.1:8001"]);
        assert_eq!(c.listen.port(), 8001);
        assert_eq!(c.bank.environment, Environment::Sandbox);
    }

    #[test]
    fn production_needs_token_and_key() {
        let c = parse(&["--environment", "production"]);
        let err = c.validate().unwrap_err();
        assert!(err.contains("PSD2_API_TOKEN"), "{err}");
        let c = parse(&[
            "--environment",
            "production",
            "--api-token",
            "0123456789abcdef",
        ]);
        assert!(c.validate().unwrap_err().contains("PSD2_DATA_KEY"));
    }

    #[test]
    fn short_api_tokens_are_refused() {
        let c = parse(&["--api-token", "short"]);
        assert!(c.validate().unwrap_err().contains("16"));
    }

    #[test]
    fn redirect_uris_split_on_commas() {
        let c = parse(&[
            "--redirect-uris",
            "https://a.example/cb,https://b.example/cb",
        ]);
        assert_eq!(
            c.redirect_uris,
            ["https://a.example/cb", "https://b.example/cb"]
        );
    }
}
