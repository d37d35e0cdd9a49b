//! A request on the API port whose signature the sandbox has verified, as an axum extractor.
//!
//! A handler that takes a [`SignedRequest<S>`] runs only for a request whose `Date`, `Digest` and
//! `Signature` checked out for the signer `S` names: the QSealC itself or the application on the
//! token call ([`TokenCaller`]), the application on the other OAuth calls ([`AppClient`]), a
//! customer's token on the AIS calls ([`Customer`]). Any other request is answered here, in ING's
//! words and in ING's order (`Date` and `Digest` first, see [`crate::verify`]), before the handler
//! runs — so every handler checks the signature, and none can forget to.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::respond::{oauth_error, request_id, signature_not_verified, tpp_error};
use crate::signature::{
    SignatureParams, certificate_from_header, issued_by, issuer_matches, key_id_issuer,
    key_id_serial, parse_signing_cert,
};
use crate::state::{CustomerToken, Shared};
use crate::verify::{self, Dialect, Incoming, bearer};

/// A request whose `Date`, `Digest` and `Signature` verified for the signer `S`.
#[derive(Debug)]
pub(crate) struct SignedRequest<S> {
    /// Who signed it.
    pub(crate) signer: S,
    /// The URI as sent (before any routing).
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// A kind of signer: which error dialect its requests are answered in, and how its signature is
/// verified once `Date` and `Digest` have checked out.
pub(crate) trait Signer: Sized {
    /// The dialect of the API its requests go to.
    const DIALECT: Dialect;

    /// The signer of `req`, or the answer refusing it.
    fn verify(shared: &Shared, req: &Incoming<'_>) -> Result<Self, Response>;
}

impl<S: Signer + Send> FromRequest<Arc<Shared>> for SignedRequest<S> {
    type Rejection = Response;

    async fn from_request(req: Request, shared: &Arc<Shared>) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(OriginalUri(uri)) = OriginalUri::from_request_parts(&mut parts, shared).await;
        let method = parts.method.clone();
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), shared)
            .await
            .map_err(IntoResponse::into_response)?;
        let incoming = Incoming {
            method: &method,
            target: target(&uri),
            headers: &headers,
            body: &body,
        };
        verify::date_and_digest(shared, &incoming, S::DIALECT)?;
        let signer = S::verify(shared, &incoming)?;
        Ok(Self {
            signer,
            uri,
            headers,
            body,
        })
    }
}

/// Path and query exactly as sent: the `(request-target)` that was signed.
fn target(uri: &Uri) -> &str {
    uri.path_and_query()
        .map_or_else(|| uri.path(), |pq| pq.as_str())
}

/// The application, on an OAuth call after the application token: Bearer application token,
/// `Signature` with `keyId="<client_id>"`, verified with the QSealC registered by the token call
/// (or sent again in `TPP-Signature-Certificate`).
#[derive(Debug)]
pub(crate) struct AppClient {
    pub(crate) client_id: String,
}

impl Signer for AppClient {
    const DIALECT: Dialect = Dialect::OAuth;

    fn verify(shared: &Shared, req: &Incoming<'_>) -> Result<Self, Response> {
        let params = verify::params(req, false)?;
        let (client_id, key) = {
            let tokens = shared.lock_tokens();
            let Some(app) = bearer(req.headers).and_then(|t| tokens.app.get(t)) else {
                return Err(oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "application access token is missing or unknown",
                ));
            };
            if app.expires_at <= shared.now() {
                return Err(oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "application access token has expired",
                ));
            }
            (
                app.client_id.clone(),
                tokens.signing_keys.get(&app.client_id).cloned(),
            )
        };
        signed_by_client(shared, req, &params, &client_id, key)?;
        Ok(Self { client_id })
    }
}

/// Who signed a request to `POST /oauth2/token`.
#[derive(Debug)]
pub(crate) enum TokenCaller {
    /// The QSealC itself (`Authorization: Signature keyId="SN=<serial>"` with the certificate in
    /// `TPP-Signature-Certificate`): an application-token request. Holds the certificate's public
    /// key.
    Certificate { public_key: Vec<u8> },
    /// The application: a code exchange or a refresh.
    App(AppClient),
}

impl Signer for TokenCaller {
    const DIALECT: Dialect = Dialect::OAuth;

    fn verify(shared: &Shared, req: &Incoming<'_>) -> Result<Self, Response> {
        let signed_with_serial = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Signature "));
        if !signed_with_serial {
            return AppClient::verify(shared, req).map(Self::App);
        }
        let params = verify::params(req, true)?;
        let Some(serial) = key_id_serial(&params.key_id) else {
            return Err(signature_not_verified());
        };
        let Some(cert_der) = req
            .headers
            .get("tpp-signature-certificate")
            .and_then(|v| v.to_str().ok())
            .and_then(certificate_from_header)
        else {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "TPP-Signature-Certificate header is missing or not a certificate",
            ));
        };
        let Some(cert) = parse_signing_cert(&cert_der) else {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "TPP-Signature-Certificate is not a certificate",
            ));
        };
        if !issued_by(&cert.der, &shared.ca_der) {
            return Err(oauth_error(
                StatusCode::UNAUTHORIZED,
                "the signing certificate is not issued by a trusted CA or has expired",
            ));
        }
        if cert.serial != serial {
            return Err(signature_not_verified());
        }
        // `SN=…,CA=<issuer>`: the issuer must be the certificate's, as Berlin Group gateways check.
        if let Some(issuer) = key_id_issuer(&params.key_id)
            && !issuer_matches(&cert.der, issuer)
        {
            return Err(signature_not_verified());
        }
        verify::signature(&params, req, &cert.public_key)?;
        Ok(Self::Certificate {
            public_key: cert.public_key,
        })
    }
}

/// A customer, on an AIS call: an `X-Request-ID`, a customer token whose consent is neither
/// revoked nor ended, `Signature` with `keyId="<client_id>"` of the client the token was issued
/// to, and a token that has not expired. Whether the consent covers the call is the handler's
/// question ([`Customer::may`]).
#[derive(Debug)]
pub(crate) struct Customer {
    pub(crate) token: CustomerToken,
}

impl Signer for Customer {
    const DIALECT: Dialect = Dialect::Ais;

    fn verify(shared: &Shared, req: &Incoming<'_>) -> Result<Self, Response> {
        let rid = request_id(req.headers);
        // Required, but not checked for UUID syntax: ING's own psd2_05 script sends
        // `00000000-0000-0000-0000-0000000000` (one digit group short) and ING's sandbox accepts it.
        let present = rid
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty());
        if !present {
            return Err(tpp_error(
                StatusCode::BAD_REQUEST,
                "INVALID_HEADER",
                "X-Request-ID header is missing",
                rid,
            ));
        }
        let params = verify::params(req, false)?;
        let (token, key) = {
            let tokens = shared.lock_tokens();
            let Some(token) = bearer(req.headers)
                .and_then(|t| tokens.customer.get(t))
                .cloned()
            else {
                return Err(tpp_error(
                    StatusCode::UNAUTHORIZED,
                    "TOKEN_INVALID",
                    "access token is missing or unknown",
                    rid,
                ));
            };
            if tokens.revoked.contains(&token.consent) {
                return Err(tpp_error(
                    StatusCode::UNAUTHORIZED,
                    "CONSENT_INVALID",
                    "the consent was revoked",
                    rid,
                ));
            }
            if tokens.consent_ended(&token.consent, shared.now()) {
                return Err(tpp_error(
                    StatusCode::UNAUTHORIZED,
                    "CONSENT_EXPIRED",
                    "the consent has expired",
                    rid,
                ));
            }
            let key = tokens.signing_keys.get(&token.client_id).cloned();
            (token, key)
        };
        signed_by_client(shared, req, &params, &token.client_id, key)?;
        if token.expires_at <= shared.now() {
            return Err(tpp_error(
                StatusCode::UNAUTHORIZED,
                "TOKEN_EXPIRED",
                "access token has expired",
                rid,
            ));
        }
        Ok(Self { token })
    }
}

impl Customer {
    /// Whether the consent covers `scope`; a 403 `SERVICE_BLOCKED` otherwise.
    pub(crate) fn may(&self, scope: &str, headers: &HeaderMap) -> Result<(), Response> {
        if self.token.scopes.iter().any(|s| s == scope) {
            return Ok(());
        }
        Err(tpp_error(
            StatusCode::FORBIDDEN,
            "SERVICE_BLOCKED",
            &format!("the consent does not cover {scope}"),
            request_id(headers),
        ))
    }
}

/// Checks `keyId` is the client id and the signature verifies with the client's QSealC.
fn signed_by_client(
    shared: &Shared,
    req: &Incoming<'_>,
    params: &SignatureParams,
    client_id: &str,
    registered_key: Option<Vec<u8>>,
) -> Result<(), Response> {
    if params.key_id != client_id {
        return Err(signature_not_verified());
    }
    let sent = req
        .headers
        .get("tpp-signature-certificate")
        .and_then(|v| v.to_str().ok())
        .and_then(certificate_from_header)
        .and_then(|der| parse_signing_cert(&der))
        .filter(|c| issued_by(&c.der, &shared.ca_der))
        .map(|c| c.public_key);
    let key = sent.or(registered_key).ok_or_else(signature_not_verified)?;
    verify::signature(params, req, &key)
}
