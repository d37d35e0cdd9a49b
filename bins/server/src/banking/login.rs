//! Signing in with the API token, and out.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::i18n::{Key, Lang};
use super::layout::page;
use super::{BankingState, back, posted};

/// Why the browser was sent to sign in (`?why=restarted|ended`), when it had a session the
/// server no longer knows; anything else shows no message.
#[derive(Debug, Deserialize)]
pub struct SignedOut {
    why: Option<String>,
}

/// The sign-in page, saying why the browser was signed out when it was.
pub async fn form(headers: HeaderMap, Query(q): Query<SignedOut>) -> Response {
    let lang = Lang::from_headers(&headers);
    let why = match q.why.as_deref() {
        // Sessions live in the server's memory: a restart ends them all.
        Some("restarted") => Some(lang.t(Key::SignedOutRestart)),
        Some("ended") => Some(lang.t(Key::SignedOutEnded)),
        _ => None,
    };
    login_page(lang, why).into_response()
}

fn login_page(lang: Lang, error: Option<&str>) -> maud::Markup {
    page(
        lang,
        lang.t(Key::Login),
        None,
        error.map(|e| super::session::Flash {
            ok: false,
            text: e.to_owned(),
        }),
        html! {
            div.card {
                h2 { (lang.t(Key::Login)) }
                p.muted { (lang.t(Key::LoginHelp)) }
                // Each label stands right above its field, at any width.
                form method="post" action="/banking/login" {
                    div.field {
                        label for="user" { (lang.t(Key::YourName)) }
                        input #user type="text" name="user" autocomplete="name" required autofocus;
                    }
                    div.field {
                        label for="token" { (lang.t(Key::ApiToken)) }
                        input #token type="password" name="token" autocomplete="current-password" required;
                    }
                    button type="submit" { (lang.t(Key::Login)) }
                }
            }
        },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    user: String,
    token: String,
}

/// Checks the token and starts a session; an address with too many failed sign-ins waits.
pub async fn submit(
    State(state): State<BankingState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Some(wait) = state.throttle.blocked(peer.ip()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.as_secs().to_string())],
            login_page(lang, Some(lang.t(Key::TooManySignIns))),
        )
            .into_response();
    }
    if !state.api_token.matches(f.token.trim()) {
        state.throttle.failed(peer.ip());
        return (
            StatusCode::UNAUTHORIZED,
            login_page(lang, Some(lang.t(Key::WrongToken))),
        )
            .into_response();
    }
    let user = f.user.trim();
    if user.is_empty() || user.len() > 80 {
        return (
            StatusCode::BAD_REQUEST,
            login_page(lang, Some(lang.t(Key::YourName))),
        )
            .into_response();
    }
    let Some(id) = state.sessions.create(user) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no randomness").into_response();
    };
    let mut r = back("/banking");
    r.headers_mut()
        .insert(header::SET_COOKIE, state.cookies.session(Some(&id)));
    r
}

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The session's token.
    pub csrf: String,
}

/// Ends the session.
pub async fn logout(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let current = match posted(&state, &headers, &f.csrf) {
        Ok((current, _)) => current,
        Err(r) => return r,
    };
    state.sessions.remove(&current.id);
    let mut r = back("/banking/login");
    r.headers_mut()
        .insert(header::SET_COOKIE, state.cookies.session(None));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn sign_in_page(accept_language: &str, why: &str) -> String {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, accept_language.parse().unwrap());
        let response = form(
            headers,
            Query(SignedOut {
                why: Some(why.to_owned()),
            }),
        )
        .await;
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn the_sign_in_page_says_why_in_the_browsers_language() {
        let de = sign_in_page("de-DE,de;q=0.9", "restarted").await;
        assert!(de.contains("Der Server wurde neu gestartet"), "{de}");
        let en = sign_in_page("en", "ended").await;
        assert!(en.contains("Your session has ended"), "{en}");
        let other = sign_in_page("en", "anything").await;
        assert!(!other.contains("restarted") && !other.contains("session has ended"));
    }
}
