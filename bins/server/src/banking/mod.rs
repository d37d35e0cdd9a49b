//! The banking page: connect ING, watch the sync, review matches, upload invoices, see customers
//! and the payers learned for them, import and export statement files — in the
//! browser, server-rendered (maud) with plain forms, so it needs no front-end build, works with
//! the keyboard and without JavaScript. It uses only what the API's library functions offer.
#![allow(
    clippy::result_large_err,
    reason = "handlers return early with the ready page (a Response) as the error"
)]

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::auth::ApiTokenDigest;
use crate::state::AppState;

pub mod consent_binding;
pub mod i18n;
pub mod layout;
pub mod session;
pub mod uploads;

mod customers;
mod disconnect;
mod file_form;
mod invoices;
mod login;
mod manual;
mod overview;
mod reasons;
mod review;
mod statements;
mod states;
mod transactions;

use consent_binding::ConsentBindings;
use i18n::{Key, Lang};
use session::{CookiePolicy, Current, Lookup, Sessions};

/// What the banking pages share.
#[derive(Debug, Clone)]
pub struct BankingState {
    /// The use cases.
    pub app: AppState,
    /// Signed-in browsers.
    pub sessions: Arc<Sessions>,
    /// The API token, which also signs people in.
    pub api_token: Arc<ApiTokenDigest>,
    /// Where ING sends people back (must be on the redirect allow-list).
    pub callback_url: Arc<String>,
    /// How cookies are set (`Secure` over HTTPS).
    pub cookies: CookiePolicy,
    /// Consents started here, each bound to the browser that started it.
    pub consents: Arc<ConsentBindings>,
    /// Failed sign-ins per address (shared with the API's token check).
    pub throttle: Arc<crate::throttle::FailureThrottle>,
    /// Invoice files waiting for the person to confirm their preview.
    pub uploads: Arc<uploads::Uploads>,
}

/// `/banking/…`.
pub fn router(state: BankingState) -> Router {
    Router::new()
        .route("/banking", get(overview::page))
        .route("/banking/login", get(login::form).post(login::submit))
        .route("/banking/logout", post(login::logout))
        .route("/banking/connect", post(overview::connect))
        .route("/banking/callback", get(overview::callback))
        .route("/banking/accounts/{id}/sync", post(overview::sync))
        .route("/banking/transactions", get(transactions::page))
        .route("/banking/review", get(review::page))
        .route("/banking/matches/{id}/{action}", post(review::decide))
        .route("/banking/transactions/{id}/assign", post(review::assign))
        .route(
            "/banking/transactions/{id}/match",
            get(manual::form).post(manual::submit),
        )
        .route(
            "/banking/connections/{id}/disconnect",
            get(disconnect::form).post(disconnect::submit),
        )
        .route(
            "/banking/invoices",
            get(invoices::page).post(invoices::upload),
        )
        .route("/banking/customers", get(customers::page))
        .route(
            "/banking/customers/{number}/payers/{id}/remove",
            post(customers::remove),
        )
        .route("/banking/invoices/confirm", post(invoices::confirm))
        .route("/banking/statements", get(statements::page))
        .route(
            "/banking/statements/accounts",
            post(statements::create_account),
        )
        .route("/banking/statements/{id}/import", post(statements::import))
        .route("/banking/statements/{id}/export", get(statements::export))
        .route("/banking/statements/datev", get(statements::datev))
        .with_state(state)
}

/// The signed-in session and the language, or the answer that sends the browser to sign in.
fn signed_in(state: &BankingState, headers: &HeaderMap) -> Result<(Current, Lang), Response> {
    let lang = Lang::from_headers(headers);
    let why = match state.sessions.lookup(headers, state.cookies) {
        Lookup::Live(c) => return Ok((c, lang)),
        Lookup::None => return Err(Redirect::to("/banking/login").into_response()),
        Lookup::Restarted => "restarted",
        Lookup::Ended => "ended",
    };
    // The sign-in page says why; the stale cookie goes.
    let mut r = Redirect::to(&format!("/banking/login?why={why}")).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, state.cookies.session(None));
    Err(r)
}

/// The session behind a posted form, whose CSRF token must match it: no session sends the
/// browser to sign in, a mismatch is a 403 page.
fn posted(
    state: &BankingState,
    headers: &HeaderMap,
    presented: &str,
) -> Result<(Current, Lang), Response> {
    let (current, lang) = signed_in(state, headers)?;
    check_csrf(&current, lang, presented)?;
    Ok((current, lang))
}

/// A form's CSRF token checked against the session; a mismatch is a 403 page. (The invoice
/// upload checks it after reading its multipart body, the other forms through [`posted`].)
fn check_csrf(current: &Current, lang: Lang, presented: &str) -> Result<(), Response> {
    if session::csrf_ok(current, presented) {
        Ok(())
    } else {
        Err((StatusCode::FORBIDDEN, lang.t(Key::SessionExpired)).into_response())
    }
}

/// Post/redirect/get: after a form, back to a page (303, so a reload does not post again).
fn back(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// The words people see for a failed bank action.
fn explain(lang: Lang, e: &bank_sync::SyncError) -> String {
    use bank_sync::SyncError as S;
    match e {
        S::RateLimited { .. } | S::BudgetExhausted { .. } | S::TooSoon { .. } => {
            lang.t(Key::RateLimited).to_owned()
        }
        S::ConsentExpired(_) | S::UnknownConnection => lang.t(Key::ConsentGone).to_owned(),
        S::State(_) => lang.t(Key::ConsentStale).to_owned(),
        S::CodeRefused(_) => lang.t(Key::ConsentCode).to_owned(),
        S::Bank(_) => lang.t(Key::BankError).to_owned(),
        S::Conflict(_) => lang.t(Key::ChangedMeanwhile).to_owned(),
        S::NotFound(_) => lang.t(Key::NotThereAnyMore).to_owned(),
        S::Storage(_) | S::Internal(_) => logged(lang, e),
        other => other.to_string(),
    }
}

/// Logs a failure that is ours, not the person's (a database error, a key that cannot open a
/// stored token), and returns the words to show instead: its details name tables, columns and
/// key ids, which help an attacker and not the person. The reference ties the two together.
fn logged(lang: Lang, e: &dyn std::fmt::Display) -> String {
    let reference = format!(
        "{:08x}",
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u32
    );
    tracing::error!(reference = %reference, error = %e, "banking page failed");
    lang.t(Key::InternalError).replace("{ref}", &reference)
}

/// A page that could not be built because of a failure of ours: 500 with [`logged`]'s words.
fn internal(lang: Lang, e: &dyn std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, logged(lang, e)).into_response()
}
