//! Everything a call to ING can end in, each variant naming what to fix. No variant carries a
//! token, code, key or signature: bodies are kept only as short excerpts of error answers.

use std::path::PathBuf;
use std::time::Duration;

use ais_model::{ModelError, TppMessage};

/// The client's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is incomplete or contradictory.
    #[error("configuration: {0}")]
    Config(String),
    /// A certificate or key file is missing, unreadable, expired, or does not belong to its
    /// certificate.
    #[error("certificate {}: {reason}", path.display())]
    Certificate {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS configuration could not be built.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// The connection failed: unreachable host, refused or broken TLS handshake (e.g. the bank's
    /// certificate is not trusted, or it refused ours), connection dropped.
    #[error("connection to {host} failed: {reason}")]
    Connection {
        /// The host.
        host: String,
        /// Why, as the TLS/HTTP stack reports it.
        reason: String,
    },
    /// No answer within the configured timeout.
    #[error("ING did not answer within {0:?}")]
    Timeout(Duration),
    /// ING could not verify our request signature (wrong key for the certificate, or a
    /// signing-string mismatch).
    #[error("ING rejected the request signature: Signature could not be successfully verified")]
    SignatureRejected,
    /// The access token is unknown or has expired: refresh it or ask for consent again.
    #[error("access token rejected ({code}): {message}")]
    Unauthorized {
        /// ING's code, e.g. `TOKEN_EXPIRED`.
        code: String,
        /// ING's text.
        message: String,
    },
    /// The consent behind the tokens has expired or was revoked: the customer must consent again.
    #[error("consent expired or revoked: {0}")]
    ConsentExpired(String),
    /// The consent does not cover this call (a missing scope).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The account (or resource) is unknown or not covered.
    #[error("not found: {0}")]
    NotFound(String),
    /// Too many requests (rate limit or PSD2's daily allowance); retry after the given time.
    #[error("rate limited by ING ({message}){}", retry_after.map(|d| format!("; retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
        /// ING's text (e.g. "access exceeded").
        message: String,
    },
    /// The authorization code or refresh token was refused (`invalid_grant`: expired, reused,
    /// or issued for another redirect URI).
    #[error("ING refused the grant: {0}")]
    InvalidGrant(String),
    /// Any other error answer (a status that is not 2xx).
    #[error("ING answered {status}: {summary}")]
    Http {
        /// HTTP status.
        status: u16,
        /// Berlin Group messages, when sent.
        messages: Vec<TppMessage>,
        /// A short excerpt of the body (error answers carry no secrets).
        summary: String,
    },
    /// The caller's cap on requests ([`crate::RequestCounter`], e.g. the unattended allowance
    /// left today) was reached before anything was sent.
    #[error(
        "the request was not sent: the allowance of requests for it is used up; try again when the daily allowance renews"
    )]
    RequestLimit,
    /// A 2xx answer whose body cannot be read as what ING documents (often a transfer broken
    /// off: it is retried).
    #[error("unexpected answer from ING: {source}; body starts with {excerpt:?}")]
    Decode {
        /// What failed, naming the field.
        source: ModelError,
        /// The first bytes of the body.
        excerpt: String,
    },
    /// A 2xx answer that reads fine but breaks ING's protocol: an authorization `location` that
    /// is not a URL, or a pagination link (`_links.next.href`) that is malformed, leads to another
    /// host or never ends. Asking again gets the same answer, so it is not retried.
    #[error(
        "ING's {answer} answer breaks its protocol: {problem}; retrying will not help, report it \
         to ING with the time of the call"
    )]
    Protocol {
        /// Which answer, e.g. `"authorization URL"`, `"transaction page"`.
        answer: &'static str,
        /// What ING sent wrong, with links and IBANs masked ([`crate::mask`]).
        problem: String,
    },
}

impl Error {
    /// Whether trying the same idempotent request again may succeed. PSD2's daily allowance
    /// ([`is_daily_limit`](Self::is_daily_limit)) is not: it renews the next day, and every
    /// attempt before then spends another unattended request, so a caller retrying on it would
    /// storm ING.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::RateLimited { .. } => !self.is_daily_limit(),
            Error::Connection { .. } | Error::Timeout(_) => true,
            Error::Http { status, .. } => *status >= 500,
            // A truncated answer is a broken transfer more often than a broken bank.
            Error::Decode { .. } => true,
            // The same answer comes again.
            Error::Protocol { .. } => false,
            _ => false,
        }
    }

    /// Whether this is PSD2's daily allowance of unattended access used up (`docs/ing-protocol.md`,
    /// "Rate limits and Retry-After"): a 429 that says the access is "exceeded" (Berlin Group's
    /// `ACCESS_EXCEEDED` text) or names no `Retry-After`. A short burst limit names a
    /// `Retry-After` and says nothing of the access being exceeded. Back off until the allowance
    /// renews, or ask again with the customer present (`PSU-IP-Address`).
    pub fn is_daily_limit(&self) -> bool {
        match self {
            Error::RateLimited {
                retry_after,
                message,
            } => retry_after.is_none() || message.to_ascii_lowercase().contains("exceeded"),
            _ => false,
        }
    }
}

/// Short printable excerpt of a body, with names and IBANs masked (it ends up in logs).
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        out.push('…');
    }
    crate::mask::mask_json_text(&out)
}
