//! ING's OAuth 2.0 API: application token (`client_credentials`, signed with the QSealC and
//! `keyId="SN=<serial>"`), the authorization URL, code exchange, refresh and revoke (signed with
//! `keyId="<client_id>"` and an application token as Bearer).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::respond::{json, oauth_error, signature_not_verified};
use crate::signature::{certificate_from_header, issued_by, key_id_serial, parse_signing_cert};
use crate::state::{
    AppToken, CustomerToken, Grant, RefreshToken, SCOPE_BALANCES, SCOPE_TRANSACTIONS, Shared,
    expiry, random_token,
};
use crate::verify::{self, Dialect, Incoming, bearer};

pub(crate) fn target(uri: &axum::http::Uri) -> &str {
    uri.path_and_query()
        .map_or_else(|| uri.path(), |pq| pq.as_str())
}

/// `POST /oauth2/token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = Incoming {
        method: &method,
        target: target(&uri),
        headers: &headers,
        body: &body,
    };
    if let Err(r) = verify::date_and_digest(&shared, &req, Dialect::OAuth) {
        return r;
    }
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "body must be application/x-www-form-urlencoded",
        );
    };
    let grant = form.get("grant_type").map(String::as_str);
    // The signature is checked before the body's meaning, as ING does: a tampered body is a
    // signature failure, whatever it now says.
    let signed_with_serial = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Signature "));
    if signed_with_serial {
        return match client_credentials(&shared, &req) {
            Ok(response) if grant == Some("client_credentials") => response,
            Ok(_) => oauth_error(
                StatusCode::BAD_REQUEST,
                "grant_type must be client_credentials for a certificate-signed request",
            ),
            Err(r) => r,
        };
    }
    let client_id = match app_call(&shared, &req) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match grant {
        Some("authorization_code") => authorization_code(&shared, &client_id, &form),
        Some("refresh_token") => match shared.faults.next_refresh_fault() {
            None => refresh(&shared, &client_id, &form),
            Some(crate::faults::Fault::Slow(delay)) => {
                tokio::time::sleep(delay).await;
                refresh(&shared, &client_id, &form)
            }
            Some(_) => oauth_error(StatusCode::GATEWAY_TIMEOUT, "upstream timed out"),
        },
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            &format!("unsupported grant_type {other}"),
        ),
        None => oauth_error(StatusCode::BAD_REQUEST, "grant_type is required"),
    }
}

/// Verifies a certificate-signed token request and, when it verifies, issues the application
/// token (the caller refuses the answer if the grant type is not `client_credentials`; the token
/// then stays unused until it expires).
fn client_credentials(shared: &Shared, req: &Incoming<'_>) -> Result<Response, Response> {
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
    verify::signature(&params, req, &cert.public_key)?;
    let client_id = shared.config.client_id.clone();
    let token = random_token();
    let now = shared.now();
    {
        let mut tokens = shared.lock_tokens();
        tokens
            .signing_keys
            .insert(client_id.clone(), cert.public_key);
        tokens.app.insert(
            token.clone(),
            AppToken {
                client_id: client_id.clone(),
                expires_at: expiry(now, shared.config.app_token_ttl),
            },
        );
    }
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({
            "access_token": token,
            "expires_in": shared.config.app_token_ttl.as_secs(),
            "scope": format!("{SCOPE_BALANCES} {SCOPE_TRANSACTIONS} granting"),
            "token_type": "Bearer",
            "keys": [],
            "client_id": client_id,
        }),
        None,
    ))
}

/// A call after the application token: Bearer application token, `Signature` with
/// `keyId="<client_id>"`, verified with the QSealC registered by the token call (or sent again in
/// `TPP-Signature-Certificate`). Returns the client id.
pub(crate) fn app_call(shared: &Shared, req: &Incoming<'_>) -> Result<String, Response> {
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
    Ok(client_id)
}

/// Checks `keyId` is the client id and the signature verifies with the client's QSealC.
pub(crate) fn signed_by_client(
    shared: &Shared,
    req: &Incoming<'_>,
    params: &crate::signature::SignatureParams,
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

fn authorization_code(
    shared: &Shared,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Response {
    let Some(code) = form.get("code") else {
        return oauth_error(StatusCode::BAD_REQUEST, "code is required");
    };
    let now = shared.now();
    let mut tokens = shared.lock_tokens();
    // Single use: removed whether or not the rest checks out.
    let Some(grant) = tokens.codes.remove(code) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: authorization code is unknown or was already used",
        );
    };
    if grant.expires_at <= now {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: authorization code has expired",
        );
    }
    if grant.client_id != client_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: authorization code was issued to another client",
        );
    }
    if let Some(uri) = form.get("redirect_uri")
        && *uri != grant.redirect_uri
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: redirect_uri differs from the authorization request",
        );
    }
    let consent = uuid::Uuid::new_v4().to_string();
    let ends = (shared.config.consent_days > 0)
        .then(|| now + time::Duration::days(i64::from(shared.config.consent_days)));
    tokens.consent_ends.insert(consent.clone(), ends);
    issue_customer_tokens(
        shared,
        &mut tokens,
        client_id,
        &grant.profile_id,
        &grant.scopes,
        &consent,
        None,
    )
}

fn refresh(shared: &Shared, client_id: &str, form: &HashMap<String, String>) -> Response {
    let Some(presented) = form.get("refresh_token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "refresh_token is required");
    };
    let now = shared.now();
    let mut tokens = shared.lock_tokens();
    let Some(rt) = tokens.refresh.get(presented).cloned() else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: refresh token is unknown, rotated or revoked",
        );
    };
    if rt.client_id != client_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: refresh token was issued to another client",
        );
    }
    if rt.expires_at <= now
        || tokens.revoked.contains(&rt.consent)
        || tokens.consent_ended(&rt.consent, now)
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: the consent has expired or was revoked",
        );
    }
    let keep = if shared.config.rotate_refresh_tokens {
        tokens.refresh.remove(presented);
        None
    } else {
        Some(presented.clone())
    };
    issue_customer_tokens(
        shared,
        &mut tokens,
        client_id,
        &rt.profile_id,
        &rt.scopes,
        &rt.consent,
        keep.map(|k| (k, rt.expires_at)),
    )
}

fn issue_customer_tokens(
    shared: &Shared,
    tokens: &mut crate::state::Tokens,
    client_id: &str,
    profile_id: &str,
    scopes: &[String],
    consent: &str,
    kept_refresh: Option<(String, time::OffsetDateTime)>,
) -> Response {
    let now = shared.now();
    let access = random_token();
    tokens.customer.insert(
        access.clone(),
        CustomerToken {
            client_id: client_id.to_owned(),
            profile_id: profile_id.to_owned(),
            scopes: scopes.to_vec(),
            consent: consent.to_owned(),
            expires_at: expiry(now, shared.config.access_token_ttl),
        },
    );
    let mut body = serde_json::json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": shared.config.access_token_ttl.as_secs(),
        "scope": scopes.join(" "),
    });
    match kept_refresh {
        Some((_, expires_at)) => {
            body["refresh_token_expires_in"] =
                serde_json::json!((expires_at - now).whole_seconds().max(0));
        }
        None => {
            let refresh = random_token();
            // A refresh token lives as long as its consent when consents end; otherwise its
            // own configured life.
            let expires_at = tokens
                .consent_ends
                .get(consent)
                .copied()
                .flatten()
                .unwrap_or_else(|| expiry(now, shared.config.refresh_token_ttl));
            tokens.refresh.insert(
                refresh.clone(),
                RefreshToken {
                    client_id: client_id.to_owned(),
                    profile_id: profile_id.to_owned(),
                    scopes: scopes.to_vec(),
                    consent: consent.to_owned(),
                    expires_at,
                },
            );
            body["refresh_token"] = serde_json::json!(refresh);
            body["refresh_token_expires_in"] =
                serde_json::json!((expires_at - now).whole_seconds().max(0));
        }
    }
    json(StatusCode::OK, &body, None)
}

/// `POST /oauth2/token/revoke`: the refresh token (and with it the consent) ends.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = Incoming {
        method: &method,
        target: target(&uri),
        headers: &headers,
        body: &body,
    };
    if let Err(r) = verify::date_and_digest(&shared, &req, Dialect::OAuth) {
        return r;
    }
    if let Err(r) = app_call(&shared, &req) {
        return r;
    }
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "body must be application/x-www-form-urlencoded",
        );
    };
    let Some(token) = form.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "token is required");
    };
    let mut tokens = shared.lock_tokens();
    if let Some(rt) = tokens.refresh.remove(token) {
        tokens.revoked.insert(rt.consent);
    }
    StatusCode::OK.into_response()
}

/// `GET /oauth2/authorization-server-url?scope=…&redirect_uri=…&country_code=…`.
pub(crate) async fn authorization_server_url(
    State(shared): State<Arc<Shared>>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = Incoming {
        method: &method,
        target: target(&uri),
        headers: &headers,
        body: &body,
    };
    if let Err(r) = verify::date_and_digest(&shared, &req, Dialect::OAuth) {
        return r;
    }
    let client_id = match app_call(&shared, &req) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let scopes: Vec<String> = query
        .get("scope")
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if scopes.is_empty() {
        return oauth_error(StatusCode::BAD_REQUEST, "scope is required");
    }
    if let Some(unknown) = scopes
        .iter()
        .find(|s| *s != SCOPE_BALANCES && *s != SCOPE_TRANSACTIONS)
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            &format!("scope {unknown} is not available to this application"),
        );
    }
    let country = query
        .get("country_code")
        .map_or("NL", String::as_str)
        .to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "country_code must be an ISO 3166-1 alpha-2 code",
        );
    }
    let reference = uuid::Uuid::new_v4().to_string();
    shared.lock_tokens().grants.insert(
        reference.clone(),
        Grant {
            client_id,
            scopes,
            redirect_uri: query.get("redirect_uri").cloned(),
        },
    );
    let location = format!("{}/granting/{reference}/{country}", shared.consent_url);
    json(
        StatusCode::OK,
        &serde_json::json!({ "location": location }),
        None,
    )
}
