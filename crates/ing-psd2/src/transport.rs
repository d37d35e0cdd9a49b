//! What one call to ING is and what it returns: the types the client core sends and the OAuth and
//! AIS modules build. Kept apart from both so that each depends on these, not on the other.

use bytes::Bytes;
use http::Method;
use http::header::{HeaderName, HeaderValue};

/// How a request authenticates.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth<'a> {
    /// The application-token request: `Authorization: Signature keyId="SN=…"` plus
    /// `TPP-Signature-Certificate`.
    Certificate,
    /// Every later request: `Authorization: Bearer <token>` plus `Signature: keyId="<client_id>"`.
    Bearer { token: &'a str, client_id: &'a str },
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) body: Bytes,
}

/// One request to make.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    /// Path and query relative to the API base, starting with `/`.
    pub(crate) path: &'a str,
    pub(crate) body: Bytes,
    pub(crate) form: bool,
    pub(crate) auth: Auth<'a>,
    pub(crate) extra: Vec<(HeaderName, HeaderValue)>,
    /// Whether errors that may pass are retried (idempotent calls only).
    pub(crate) retry: bool,
    /// Counts (and may cap) every attempt sent.
    pub(crate) counter: Option<&'a crate::RequestCounter>,
}
