//! ING's OAuth 2.0 API: application token (`client_credentials`, signed with the QSealC and
//! `keyId="SN=<serial>"`), the authorization URL, code exchange, refresh and revoke (signed with
//! `keyId="<client_id>"` and an application token as Bearer).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::respond::{json, oauth_error};
use crate::signed::{AppClient, SignedRequest, TokenCaller};
use crate::state::{
    AppToken, CustomerToken, Grant, RefreshToken, SCOPE_BALANCES, SCOPE_TRANSACTIONS, Shared,
    Tokens, expiry, random_token,
};

/// `POST /oauth2/token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    request: SignedRequest<TokenCaller>,
) -> Response {
    // Kept, though no body is refused here: pairs are decoded leniently (bad UTF-8 replaced).
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&request.body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "body must be application/x-www-form-urlencoded",
        );
    };
    let grant = form.get("grant_type").map(String::as_str);
    // The signature was checked (by the extractor) before the body's meaning, as ING does: a
    // tampered body is a signature failure, whatever it now says.
    let client_id = match request.signer {
        TokenCaller::Certificate { public_key } => {
            // The token is issued (and the key registered) before the grant type is looked at;
            // a token refused for the wrong grant type stays unused until it expires.
            let response = application_token(&shared, public_key);
            return if grant == Some("client_credentials") {
                response
            } else {
                oauth_error(
                    StatusCode::BAD_REQUEST,
                    "grant_type must be client_credentials for a certificate-signed request",
                )
            };
        }
        TokenCaller::App(AppClient { client_id }) => client_id,
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

/// Issues the application token for a request the QSealC with `public_key` signed, and registers
/// that key for the client's later calls.
fn application_token(shared: &Shared, public_key: Vec<u8>) -> Response {
    let client_id = shared.config.client_id.clone();
    let token = random_token();
    let now = shared.now();
    {
        let mut tokens = shared.lock_tokens();
        tokens.signing_keys.insert(client_id.clone(), public_key);
        tokens.app.insert(
            token.clone(),
            AppToken {
                client_id: client_id.clone(),
                expires_at: expiry(now, shared.config.app_token_ttl),
            },
        );
    }
    json(
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
    )
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
    tokens: &mut Tokens,
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
    request: SignedRequest<AppClient>,
) -> Response {
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&request.body) else {
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
    Query(query): Query<HashMap<String, String>>,
    request: SignedRequest<AppClient>,
) -> Response {
    let AppClient { client_id } = request.signer;
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
