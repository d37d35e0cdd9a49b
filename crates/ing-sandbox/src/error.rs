//! The sandbox's own errors (starting, certificates, the consent helper) — not the errors it
//! answers to clients, which live with the endpoints that answer them.

use std::path::{Path, PathBuf};

/// What can go wrong running the sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A certificate or key could not be made or read.
    #[error("certificate: {0}")]
    Certificate(String),
    /// The TLS configuration could not be built.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The simulated clock could not be set up.
    #[error("clock: {0}")]
    Clock(String),
    /// The state directory's file could not be read, understood or written, or it was made
    /// with other data settings; the reason says what to do.
    #[error("sandbox state {path}: {reason}")]
    State {
        /// The state file.
        path: PathBuf,
        /// Why, and what to do.
        reason: String,
    },
    /// The consent helper could not grant a consent.
    #[error("consent: {0}")]
    Consent(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
