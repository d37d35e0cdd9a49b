//! Connections and accounts: status, consent validity, balances, last sync; connect, reconnect
//! and "sync now".

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use storage::ConnectionStatus;
use time::OffsetDateTime;

use super::consent_binding::{BINDING_LIFETIME, Binding};
use super::disconnect::disconnectable;
use super::i18n::{Key, Lang};
use super::layout::{money, page as shell};
use super::login::CsrfForm;
use super::session::cookie;
use super::states;
use super::{BankingState, back, explain, posted, signed_in};

/// A connection "Reconnect" renews: one the bank stopped (or is about to stop) accepting. A
/// replaced one's accounts live on in its successor, and a removed one stays removed.
fn reconnectable(status: ConnectionStatus) -> bool {
    matches!(
        status,
        ConnectionStatus::Expiring | ConnectionStatus::Expired | ConnectionStatus::Error
    )
}

/// Why a connection is in its state, in words people read (the stored reason keeps the bank's
/// technical answer for the log and support; an error's reason is ours and shown as it is).
fn status_explained(
    lang: Lang,
    c: &storage::entity::connection::Model,
    now: OffsetDateTime,
) -> Option<String> {
    let text = match c.status {
        ConnectionStatus::Active => return None,
        ConnectionStatus::Expiring => lang.t(Key::ExpiringSoon),
        ConnectionStatus::Expired => {
            if c.consent_valid_until.is_some_and(|until| until > now) {
                lang.t(Key::ExpiredRefused)
            } else {
                lang.t(Key::ExpiredEnded)
            }
        }
        ConnectionStatus::Revoked => lang.t(Key::RevokedExplained),
        ConnectionStatus::Replaced => lang.t(Key::ReplacedExplained),
        ConnectionStatus::Error => return c.status_reason.clone(),
    };
    Some(text.to_owned())
}

/// `GET /banking`.
pub async fn page_handler(state: &BankingState, headers: &HeaderMap) -> Result<Response, Response> {
    let (current, lang) = signed_in(state, headers)?;
    let db = state.app.sync.db();
    let internal = |e: storage::Error| super::internal(lang, &e);
    let now = OffsetDateTime::now_utc();
    let mut sections = Vec::new();
    for c in db.connections().await.map_err(internal)? {
        let mut accounts = Vec::new();
        for a in db.accounts_of(&c.id).await.map_err(internal)? {
            let balances = db.latest_balances(a.id).await.map_err(internal)?;
            let run = db
                .sync_runs(a.id, 1)
                .await
                .map_err(internal)?
                .into_iter()
                .next();
            accounts.push((a, balances, run));
        }
        sections.push((c, accounts));
    }
    let flash = state.sessions.take_flash(&current.id);
    let csrf = current.csrf.as_str();
    let body = html! {
        div.card {
            form method="post" action="/banking/connect" {
                input type="hidden" name="csrf" value=(csrf);
                button #connect type="submit" { (lang.t(Key::ConnectIng)) }
            }
        }
        @if sections.is_empty() {
            p.card { (lang.t(Key::NoConnections)) }
        }
        @for (c, accounts) in &sections {
            section.card id={"connection-" (c.id)} tabindex="-1" aria-label=(lang.t(Key::Connection)) {
                h2 {
                    (lang.t(Key::Connection)) " "
                    span class={"badge b-" (c.status)} { (states::connection(lang, c.status)) }
                }
                // Days left only mean something while the bank accepts the consent.
                @if c.status.may_sync() {
                    @if let Some(until) = c.consent_valid_until {
                        p {
                            (lang.t(Key::ValidUntil)) ": " (until.date())
                            " (" ((until - now).whole_days().max(0)) " " (lang.t(Key::DaysLeft)) ")"
                        }
                    }
                }
                @if let Some(text) = status_explained(lang, c, now) { p.muted.status-why { (text) } }
                @if reconnectable(c.status) {
                    form.inline method="post" action="/banking/connect" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="connection" value=(c.id);
                        button type="submit" id={"reconnect-" (c.id)} { (lang.t(Key::Reconnect)) }
                    } " "
                }
                @if disconnectable(c.status) {
                    a.button.secondary id={"disconnect-" (c.id)} href={"/banking/connections/" (c.id) "/disconnect"} { (lang.t(Key::Disconnect)) }
                }
                div.scroll { table.stack {
                    thead { tr {
                        th { (lang.t(Key::Account)) }
                        th.num { (lang.t(Key::Balance)) }
                        th { (lang.t(Key::LastSync)) }
                        th {}
                    } }
                    tbody {
                        @for (a, balances, run) in accounts {
                            tr {
                                td data-label=(lang.t(Key::Account)) { (a.name) br; span.muted { (a.iban.as_deref().unwrap_or("")) } }
                                td.num.balances data-label=(lang.t(Key::Balance)) {
                                    @for b in balances {
                                        span.balance class=[b.amount.decimal().is_sign_negative().then_some("neg")] { (money(lang, b.amount, &b.currency)) }
                                        " " span.muted { (states::balance(lang, &b.balance_type)) } br;
                                    }
                                }
                                td data-label=(lang.t(Key::LastSync)) {
                                    @match run {
                                        Some(r) => {
                                            (r.started_at.date()) " · " (states::run(lang, r.outcome))
                                            br; span.muted {
                                                (lang.t(Key::RunCounts)
                                                    .replace("{fetched}", &r.fetched.to_string())
                                                    .replace("{imported}", &r.imported.to_string())
                                                    .replace("{skipped}", &r.skipped.to_string()))
                                            }
                                            @if let Some(e) = &r.error {
                                                details.muted { summary { (lang.t(Key::TechnicalDetail)) } (e) }
                                            }
                                        }
                                        None => { (lang.t(Key::Never)) }
                                    }
                                }
                                td.actions {
                                    @if c.status.may_sync() {
                                        form method="post" action={"/banking/accounts/" (a.id) "/sync"} data-busy=(lang.t(Key::Syncing)) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button type="submit" id={"sync-" (a.id)} { (lang.t(Key::SyncNow)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(shell(lang, lang.t(Key::Overview), Some(csrf), flash, body).into_response())
}

/// `GET /banking`.
pub async fn page(State(state): State<BankingState>, headers: HeaderMap) -> Response {
    page_handler(&state, &headers).await.unwrap_or_else(|r| r)
}

/// The connect form: "Connect ING" (a new connection) or "Reconnect" (names the connection).
#[derive(Debug, Deserialize)]
pub struct ConnectForm {
    csrf: String,
    /// The connection to renew; absent for a new one.
    #[serde(default)]
    connection: Option<String>,
}

/// `POST /banking/connect`: starts a consent and sends the browser to the bank. A "Reconnect"
/// renews the connection it names when the consent completes.
pub async fn connect(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Form(f): Form<ConnectForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sync = &state.app.sync;
    let started = async {
        let client_id = sync.client().client_id().await?;
        sync.initiate_consent(&client_id, &state.callback_url, "")
            .await
    }
    .await;
    match started {
        Ok(s) => {
            let renews = f.connection.filter(|c| !c.trim().is_empty());
            let Some(token) = state.consents.bind(&s.state, renews) else {
                state
                    .sessions
                    .flash(&current.id, false, lang.t(Key::ConsentStale));
                return back("/banking");
            };
            let mut r = Redirect::to(&s.authorization_url).into_response();
            r.headers_mut().insert(
                header::SET_COOKIE,
                state
                    .cookies
                    .consent(Some(&token), BINDING_LIFETIME.as_secs()),
            );
            r
        }
        Err(e) => {
            state.sessions.flash(&current.id, false, explain(lang, &e));
            back("/banking")
        }
    }
}

/// What the bank puts on the redirect.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /banking/callback`: completes the consent and stores the accounts. The bank's redirect
/// is a cross-site navigation, which carries no `SameSite=Strict` cookie: the single-use `state`
/// together with the browser's binding cookie made for it (see `consent_binding`) is what
/// authorises it, and the page links back into the signed-in part.
pub async fn callback(
    State(state): State<BankingState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let outcome: Result<Completed, String> = match (&q.error, &q.code, &q.state) {
        (Some(_), _, _) => Err(lang.t(Key::ConsentDenied).to_owned()),
        (None, Some(code), Some(st)) => {
            let presented = cookie(&headers, state.cookies.consent_name());
            match state.consents.take(st, presented.as_deref()) {
                Binding::OtherBrowser => Err(lang.t(Key::ConsentOtherBrowser).to_owned()),
                Binding::Unknown => Err(lang.t(Key::ConsentStale).to_owned()),
                Binding::Matched { renews } => complete(&state, peer, code, st, renews)
                    .await
                    .map_err(|e| explain(lang, &e)),
            }
        }
        _ => Err(lang.t(Key::ConsentStale).to_owned()),
    };
    let (ok, text) = match outcome {
        Ok(Completed::New(n)) => (true, lang.t(Key::Connected).replace("{n}", &n.to_string())),
        Ok(Completed::Renewed) => (true, lang.t(Key::Reconnected).to_owned()),
        Err(t) => (false, t),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = html! {
        div.card {
            p.msg.ok[ok].err[!ok] role="status" { (text) }
            a.button #continue href="/banking" { (lang.t(Key::Continue)) }
        }
    };
    (
        status,
        [(header::SET_COOKIE, state.cookies.consent(None, 0))],
        shell(lang, lang.t(Key::ConnectIng), None, None, body),
    )
        .into_response()
}

/// What a completed consent did.
enum Completed {
    /// A new connection, with this many accounts newly attached.
    New(usize),
    /// An existing connection renewed ("Reconnect").
    Renewed,
}

/// Completes a consent the binding allowed: tokens (a new connection, or the renewed one
/// `renews` names), accounts, then the history while the person is present.
async fn complete(
    state: &BankingState,
    peer: SocketAddr,
    code: &str,
    st: &str,
    renews: Option<String>,
) -> Result<Completed, bank_sync::SyncError> {
    let sync = &state.app.sync;
    let client_id = sync.client().client_id().await?;
    let connection = match &renews {
        Some(id) => {
            sync.renew_consent(id, &client_id, code, &state.callback_url, st)
                .await?
        }
        None => {
            sync.complete_consent(&client_id, code, &state.callback_url, st)
                .await?
                .connection
        }
    };
    let accounts = sync
        .sync_accounts(&connection, true, Some(peer.ip()))
        .await?;
    // The person is here now: fetch the history while no allowance limits it.
    for a in &accounts {
        sync.sync_for_person(a.account.id, peer.ip(), true).await?;
    }
    if renews.is_some() {
        return Ok(Completed::Renewed);
    }
    Ok(Completed::New(
        accounts
            .iter()
            .filter(|a| a.link != storage::AccountLink::AlreadyAttached)
            .count(),
    ))
}

/// `POST /banking/accounts/{id}/sync`: a sync the person started (so `PSU-IP-Address` is sent
/// and PSD2's daily budget does not apply), from the watermark minus a week, or the whole
/// history for a first sync.
pub async fn sync(
    State(state): State<BankingState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = state.app.sync.sync_for_person(id, peer.ip(), true).await;
    let sync = &state.app.sync;
    match result {
        Ok(r) => {
            let text = lang
                .t(Key::Synced)
                .replace("{imported}", &r.imported.to_string())
                .replace("{skipped}", &r.skipped.to_string())
                .replace("{auto}", &r.auto_reconciled.to_string())
                .replace("{suggested}", &r.suggested.to_string());
            state.sessions.flash(&current.id, true, text);
        }
        Err(e) => {
            let mut text = explain(lang, &e);
            if matches!(
                e,
                bank_sync::SyncError::RateLimited { .. }
                    | bank_sync::SyncError::BudgetExhausted { .. }
            ) && let Ok(Some(next)) = sync
                .db()
                .sync_state(id)
                .await
                .map(|s| s.and_then(|s| s.next_attempt_at))
            {
                let time = format!("{} {:02}:{:02}", next.date(), next.hour(), next.minute());
                text = format!(
                    "{text} {}",
                    lang.t(Key::NextAttempt).replace("{time}", &time)
                );
            }
            state.sessions.flash(&current.id, false, text);
        }
    }
    back("/banking")
}
