//! The consent step: the page a person sees at ING (pick a test profile, allow or deny), which
//! redirects back with `code` and `state`; and `grantssupport`, the machine path ING's sandbox
//! offers for scripts (ING's `psd2_03` script), answered with ING's anti-XSSI prefix.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::respond::{XSSI_PREFIX, oauth_error};
use crate::state::{AuthCode, SCOPE_BALANCES, SCOPE_TRANSACTIONS, Shared, expiry};
use crate::verify::bearer;

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", serializer.finish())
}

/// Query of the consent page, as the client appends it to ING's `location`.
#[derive(Debug, Deserialize)]
pub(crate) struct ConsentQuery {
    client_id: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title><style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}\
         button{{font-size:1rem;padding:.5rem 1rem;margin:.25rem}}li{{margin:.75rem 0}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    ))
}

/// `GET /granting/{reference}/{country}`: the consent page.
pub(crate) async fn consent_page(
    State(shared): State<Arc<Shared>>,
    Path((reference, country)): Path<(String, String)>,
    Query(q): Query<ConsentQuery>,
) -> Response {
    let grant = shared.lock_tokens().grants.get(&reference).cloned();
    let Some(grant) = grant else {
        return (
            StatusCode::NOT_FOUND,
            page(
                "Unknown request",
                "<p>This authorization request is unknown or was already used.</p>",
            ),
        )
            .into_response();
    };
    let (Some(client_id), Some(redirect_uri)) = (q.client_id.as_deref(), q.redirect_uri.as_deref())
    else {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "Bad request",
                "<p>client_id and redirect_uri are required.</p>",
            ),
        )
            .into_response();
    };
    if client_id != grant.client_id || q.response_type.as_deref() != Some("code") {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "Bad request",
                "<p>client_id or response_type do not match the request.</p>",
            ),
        )
            .into_response();
    }
    if grant
        .redirect_uri
        .as_deref()
        .is_some_and(|r| r != redirect_uri)
    {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "Bad request",
                "<p>redirect_uri differs from the one the request was made for.</p>",
            ),
        )
            .into_response();
    }
    let scope = q.scope.clone().unwrap_or_else(|| grant.scopes.join(" "));
    let state = q.state.clone().unwrap_or_default();
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            html_escape(value)
        )
    };
    let common = [
        hidden("client_id", client_id),
        hidden("scope", &scope),
        hidden("state", &state),
        hidden("redirect_uri", redirect_uri),
    ]
    .concat();
    let action = format!(
        "/granting/{}/{}",
        html_escape(&reference),
        html_escape(&country)
    );
    let mut items = String::new();
    for p in &shared.truth.profiles {
        let accounts: Vec<String> = p.accounts.iter().map(|a| html_escape(&a.iban)).collect();
        items.push_str(&format!(
            "<li><form method=\"post\" action=\"{action}\">{common}{}{}<button type=\"submit\" id=\"allow-{}\">Allow access for {}</button> <small>({}; {})</small></form></li>",
            hidden("profile_id", &p.id),
            hidden("decision", "allow"),
            html_escape(&p.id),
            html_escape(&p.name),
            html_escape(&p.country),
            accounts.join(", ")
        ));
    }
    let deny = format!(
        "<form method=\"post\" action=\"{action}\">{common}{}<button type=\"submit\" id=\"deny\">Deny</button></form>",
        hidden("decision", "deny")
    );
    let body = format!(
        "<p>An application asks to read: <strong>{}</strong>.</p><p>Choose the test profile that grants it:</p><ul>{items}</ul>{deny}",
        html_escape(&scope)
    );
    page("Local ING sandbox: give consent", &body).into_response()
}

/// The consent form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct Decision {
    profile_id: Option<String>,
    client_id: String,
    scope: String,
    state: Option<String>,
    redirect_uri: String,
    decision: String,
}

/// `POST /granting/{reference}/{country}`: allow or deny, then back to the client.
pub(crate) async fn decide(
    State(shared): State<Arc<Shared>>,
    Path((reference, _country)): Path<(String, String)>,
    Form(d): Form<Decision>,
) -> Response {
    let state = d.state.clone().unwrap_or_default();
    let grant = shared.lock_tokens().grants.remove(&reference);
    let Some(grant) = grant else {
        return (
            StatusCode::NOT_FOUND,
            page(
                "Unknown request",
                "<p>This authorization request is unknown or was already used.</p>",
            ),
        )
            .into_response();
    };
    if d.client_id != grant.client_id
        || grant
            .redirect_uri
            .as_deref()
            .is_some_and(|r| r != d.redirect_uri)
    {
        return (
            StatusCode::BAD_REQUEST,
            page("Bad request", "<p>The form does not match the request.</p>"),
        )
            .into_response();
    }
    let location = if d.decision == "allow" {
        let Some(profile) = d
            .profile_id
            .as_deref()
            .and_then(|id| shared.truth.profile(id))
        else {
            return (
                StatusCode::BAD_REQUEST,
                page("Bad request", "<p>Unknown profile.</p>"),
            )
                .into_response();
        };
        let scopes = granted_scopes(&d.scope, &grant.scopes);
        let code = issue_code(
            &shared,
            &grant.client_id,
            &profile.id,
            scopes,
            &d.redirect_uri,
        );
        with_query(&d.redirect_uri, &[("code", &code), ("state", &state)])
    } else {
        with_query(
            &d.redirect_uri,
            &[("error", "access_denied"), ("state", &state)],
        )
    };
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn granted_scopes(asked: &str, allowed: &[String]) -> Vec<String> {
    asked
        .split_whitespace()
        .filter(|s| allowed.iter().any(|a| a == s))
        .map(str::to_owned)
        .collect()
}

fn issue_code(
    shared: &Shared,
    client_id: &str,
    profile_id: &str,
    scopes: Vec<String>,
    redirect_uri: &str,
) -> String {
    let code = uuid::Uuid::new_v4().to_string();
    let expires_at = expiry(shared.now(), shared.config.code_ttl);
    shared.lock_tokens().codes.insert(
        code.clone(),
        AuthCode {
            client_id: client_id.to_owned(),
            profile_id: profile_id.to_owned(),
            scopes,
            redirect_uri: redirect_uri.to_owned(),
            expires_at,
        },
    );
    code
}

fn xssi(status: StatusCode, value: &serde_json::Value) -> Response {
    let body = format!("{XSSI_PREFIX}{value}");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn app_token_ok(shared: &Shared, headers: &HeaderMap) -> bool {
    let tokens = shared.lock_tokens();
    bearer(headers)
        .and_then(|t| tokens.app.get(t))
        .is_some_and(|a| a.expires_at > shared.now())
}

/// `GET /grantssupport/accounts`: the test profiles.
pub(crate) async fn grantssupport_accounts(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Response {
    if !app_token_ok(&shared, &headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "application access token is missing, unknown or expired",
        );
    }
    let accounts: Vec<_> = shared
        .truth
        .profiles
        .iter()
        .map(|p| serde_json::json!({ "id": p.id, "name": p.name, "scopes": [SCOPE_BALANCES, SCOPE_TRANSACTIONS], "country_code": p.country }))
        .collect();
    xssi(StatusCode::OK, &serde_json::json!({ "accounts": accounts }))
}

/// Body of `POST /grantssupport/{reference}/auth-code`.
#[derive(Debug, Deserialize)]
pub(crate) struct AuthCodeRequest {
    id: String,
    client_id: String,
    scopes: String,
    state: Option<String>,
    #[serde(rename = "redirectURL")]
    redirect_url: String,
}

/// `POST /grantssupport/{reference}/auth-code`: grants for a profile without a browser.
pub(crate) async fn grantssupport_auth_code(
    State(shared): State<Arc<Shared>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Json(body): Json<AuthCodeRequest>,
) -> Response {
    if !app_token_ok(&shared, &headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "application access token is missing, unknown or expired",
        );
    }
    let xsrf_header = headers.get("x-xsrf-token").and_then(|v| v.to_str().ok());
    let cookies: HashMap<&str, &str> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .collect();
    if xsrf_header.is_none() || xsrf_header != cookies.get("XSRF-TOKEN").copied() {
        return xssi(
            StatusCode::FORBIDDEN,
            &serde_json::json!({ "message": "X-XSRF-Token must equal the XSRF-TOKEN cookie" }),
        );
    }
    let grant = shared.lock_tokens().grants.remove(&reference);
    let Some(grant) = grant else {
        return xssi(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "message": "unknown authorization reference" }),
        );
    };
    if body.client_id != grant.client_id {
        return xssi(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ "message": "client_id does not match the request" }),
        );
    }
    let Some(profile) = shared.truth.profile(&body.id) else {
        return xssi(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ "message": "unknown profile id" }),
        );
    };
    let scopes = granted_scopes(&body.scopes, &grant.scopes);
    let code = issue_code(
        &shared,
        &grant.client_id,
        &profile.id,
        scopes,
        &body.redirect_url,
    );
    // The code comes last: ING's script takes what follows the last '='.
    let location = with_query(
        &body.redirect_url,
        &[
            ("state", body.state.as_deref().unwrap_or("")),
            ("code", &code),
        ],
    );
    xssi(StatusCode::OK, &serde_json::json!({ "location": location }))
}
