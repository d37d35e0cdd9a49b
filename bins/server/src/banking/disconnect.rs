//! Disconnecting a bank connection from the overview: a confirmation page first (what happens,
//! what stays), then the form post (with the session's CSRF token) that asks ING to withdraw
//! the access and forgets the bank tokens (`bank-sync`'s `revoke_connection`). The accounts and
//! their history stay; the connection shows as removed.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use storage::ConnectionStatus;

use super::i18n::Key;
use super::layout::page as shell;
use super::login::CsrfForm;
use super::{BankingState, back, explain, posted, signed_in};

/// Whether a connection can still be disconnected (a removed or replaced one holds no access).
pub fn disconnectable(status: ConnectionStatus) -> bool {
    !matches!(
        status,
        ConnectionStatus::Revoked | ConnectionStatus::Replaced
    )
}

/// `GET /banking/connections/{id}/disconnect`: asks before anything happens.
pub async fn form(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let db = state.app.sync.db();
    let (connection, accounts) = match async {
        let c = db.find_connection(&id).await?;
        let a = match &c {
            Some(c) => db.accounts_of(&c.id).await?,
            None => Vec::new(),
        };
        Ok::<_, storage::Error>((c, a))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return super::internal(lang, &e),
    };
    let Some(connection) = connection.filter(|c| disconnectable(c.status)) else {
        state
            .sessions
            .flash(&current.id, false, lang.t(Key::NotThereAnyMore));
        return back("/banking");
    };
    let body = html! {
        section.card aria-labelledby="disconnect-title" {
            h2 #disconnect-title { (lang.t(Key::DisconnectTitle)) }
            p { (lang.t(Key::DisconnectHelp)) }
            ul { @for a in &accounts {
                li { (a.name) " " span.muted { (a.iban.as_deref().map(bank_sync::mask_iban).unwrap_or_default()) } }
            } }
            form method="post" action={"/banking/connections/" (connection.id) "/disconnect"} {
                input type="hidden" name="csrf" value=(current.csrf);
                button #disconnect-yes type="submit" { (lang.t(Key::DisconnectYes)) }
                " " a href="/banking" { (lang.t(Key::Cancel)) }
            }
        }
    };
    shell(
        lang,
        lang.t(Key::DisconnectTitle),
        Some(&current.csrf),
        state.sessions.take_flash(&current.id),
        body,
    )
    .into_response()
}

/// `POST /banking/connections/{id}/disconnect`: revokes at ING, forgets the tokens, and says
/// what the bank was told.
pub async fn submit(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let reason = format!("disconnected on the banking page by {}", current.user);
    let (ok, text) = match state.app.sync.revoke_connection(&id, &reason).await {
        Ok(bank_sync::RevokedAtBank::Revoked) => (true, lang.t(Key::Disconnected)),
        Ok(bank_sync::RevokedAtBank::NothingToRevoke) => (true, lang.t(Key::DisconnectedNothing)),
        Ok(bank_sync::RevokedAtBank::NotReached(why)) => {
            tracing::warn!(connection = %id, %why, "disconnected, but ING was not told");
            (true, lang.t(Key::DisconnectedNotReached))
        }
        Err(e) => {
            state.sessions.flash(&current.id, false, explain(lang, &e));
            return back("/banking");
        }
    };
    state.sessions.flash(&current.id, ok, text);
    back(&format!("/banking#connection-{id}"))
}
