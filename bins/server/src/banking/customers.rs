//! Customers: number, name, open items and known payers — uploaded with invoices, learned from
//! people's confirmations (removable here), and those people said are not the customer.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use storage::PayerOrigin;
use storage::entity::customer_payer;

use super::i18n::{Key, Lang};
use super::layout::page as shell;
use super::login::CsrfForm;
use super::{BankingState, back, posted, signed_in};

/// Customers per page.
const PAGE: u64 = 100;

/// `?offset=` of the customer list.
#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    offset: u64,
}

fn payer_text(lang: Lang, p: &customer_payer::Model) -> String {
    let who = match (&p.iban, &p.name) {
        (Some(i), Some(n)) => format!("{i} ({n})"),
        (Some(i), None) => i.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    };
    let date = p.created_at.date().to_string();
    let origin = match p.origin {
        PayerOrigin::Uploaded => lang.t(Key::PayerUploaded).to_owned(),
        PayerOrigin::Learned => lang.t(Key::PayerLearned).replace("{date}", &date),
        PayerOrigin::Rejected => lang.t(Key::PayerRejected).replace("{date}", &date),
    };
    format!("{who} — {origin}")
}

/// `GET /banking/customers`.
pub async fn page(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let db = state.app.sync.db();
    let offset = q.offset.min(i64::MAX as u64);
    let (customers, total, payers) = match async {
        let (rows, total) = db.customers_page(PAGE, offset).await?;
        let ids: Vec<i64> = rows.iter().map(|c| c.customer.id).collect();
        let payers = db.payers_of_customers(&ids).await?;
        Ok::<_, storage::Error>((rows, total, payers))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return super::internal(lang, &e),
    };
    let csrf = current.csrf.clone();
    let body = html! {
        section.card aria-label=(lang.t(Key::Customers)) {
            h2 { (lang.t(Key::Customers)) " (" (total) ")" }
            @if customers.is_empty() { p { (lang.t(Key::NoCustomers)) } } @else {
                div.scroll { table.stack #customers {
                    thead { tr {
                        th { (lang.t(Key::CustomerNumber)) } th { (lang.t(Key::Customer)) }
                        th.num { (lang.t(Key::OpenItems)) } th { (lang.t(Key::KnownPayers)) }
                    } }
                    tbody { @for c in &customers { tr {
                        td data-label=(lang.t(Key::CustomerNumber)) { (c.customer.number) }
                        td data-label=(lang.t(Key::Customer)) { (c.customer.name) }
                        td.num data-label=(lang.t(Key::OpenItems)) { (c.open_items) }
                        td data-label=(lang.t(Key::KnownPayers)) { ul { @for p in payers.get(&c.customer.id).map(Vec::as_slice).unwrap_or(&[]) {
                            li class={"payer " (p.origin)} {
                                (payer_text(lang, p))
                                @if p.origin == PayerOrigin::Learned {
                                    " "
                                    form.inline method="post"
                                        action={"/banking/customers/" (urlencoding(&c.customer.number)) "/payers/" (p.id) "/remove"} {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" class="secondary remove" { (lang.t(Key::Remove)) }
                                    }
                                }
                            }
                        } } }
                    } } }
                } }
                p {
                    @if offset > 0 { a href={"/banking/customers?offset=" (offset.saturating_sub(PAGE))} { (lang.t(Key::Previous)) } " " }
                    @if offset + PAGE < total { a href={"/banking/customers?offset=" (offset + PAGE)} { (lang.t(Key::Next)) } }
                }
            }
        }
    };
    shell(
        lang,
        lang.t(Key::Customers),
        Some(&csrf),
        state.sessions.take_flash(&current.id),
        body,
    )
    .into_response()
}

/// A customer number as one path segment.
fn urlencoding(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `POST /banking/customers/{number}/payers/{id}/remove`: forgets a learned payer.
pub async fn remove(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path((number, id)): Path<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match state.app.sync.remove_learned_payer(&number, id).await {
        Ok(_) => state
            .sessions
            .flash(&current.id, true, lang.t(Key::PayerRemoved)),
        Err(e) => state
            .sessions
            .flash(&current.id, false, super::explain(lang, &e)),
    }
    back("/banking/customers")
}
