//! The transactions list with filters and paging.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use storage::{BookingStatus, MatchStatus, ReconciliationState, TransactionFilter};

use super::i18n::Key;
use super::layout::{money, page as shell};
use super::review::row_anchor;
use super::states;
use super::{BankingState, signed_in};

const PAGE: u64 = 50;

/// Filters (all optional; empty strings mean "any").
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
    status: Option<String>,
    reconciliation: Option<String>,
    page: Option<u64>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The "Match" action's address, carrying the list as it is shown so the browser comes back to
/// it.
fn match_link(id: i64, list: &str) -> String {
    let back = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("back", list)
        .finish();
    format!("/banking/transactions/{id}/match?{back}")
}

/// `GET /banking/transactions`.
pub async fn page(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let date = |s: Option<&str>| {
        s.and_then(|d| {
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
        })
    };
    // A page number from the address bar may be anything: beyond the last possible page it shows
    // the last possible page (empty), instead of overflowing the offset.
    let page_no = f.page.unwrap_or(0).min(i64::MAX as u64 / PAGE - 1);
    let filter = TransactionFilter {
        account_id: nonempty(&f.account).and_then(|a| a.parse().ok()),
        from: date(nonempty(&f.from)),
        to: date(nonempty(&f.to)),
        status: nonempty(&f.status)
            .and_then(|s| s.parse::<BookingStatus>().ok())
            .filter(|s| s.from_bank()),
        reconciliation_state: nonempty(&f.reconciliation).and_then(|s| s.parse().ok()),
        limit: PAGE,
        offset: page_no * PAGE,
    };
    let db = state.app.sync.db();
    let (rows, total, accounts) = match async {
        let (rows, total) = db.list_transactions(&filter).await?;
        let accounts = db.all_accounts().await?;
        Ok::<_, storage::Error>((rows, total, accounts))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return super::internal(lang, &e),
    };
    let mut matches = std::collections::HashMap::new();
    for t in rows
        .iter()
        .filter(|t| t.reconciliation_state == ReconciliationState::Matched)
    {
        if let Ok(ms) = db.matches_for_transaction(t.id).await {
            let mut numbers = Vec::new();
            for m in ms.iter().filter(|m| m.status == MatchStatus::Confirmed) {
                if let Ok(Some(inv)) = db.invoice(m.invoice_id).await {
                    numbers.push(inv.number);
                }
            }
            matches.insert(t.id, numbers.join(", "));
        }
    }
    let q = |p: u64| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("account", &f.account),
            ("from", &f.from),
            ("to", &f.to),
            ("status", &f.status),
            ("reconciliation", &f.reconciliation),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &p.to_string());
        format!("/banking/transactions?{}", s.finish())
    };
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let body = html! {
        form.card method="get" action="/banking/transactions" aria-label=(lang.t(Key::Filter)) {
            label { (lang.t(Key::Account)) " "
                select name="account" {
                    option value="" { (lang.t(Key::All)) }
                    @for a in &accounts {
                        option value=(a.id) selected[sel(&f.account, &a.id.to_string())] { (a.iban.as_deref().unwrap_or(&a.name)) }
                    }
                }
            }
            label { (lang.t(Key::From)) " " input type="date" name="from" value=(f.from.as_deref().unwrap_or("")); }
            label { (lang.t(Key::To)) " " input type="date" name="to" value=(f.to.as_deref().unwrap_or("")); }
            label { (lang.t(Key::Status)) " "
                select name="status" {
                    option value="" { (lang.t(Key::All)) }
                    @for (s, key) in [(BookingStatus::Booked, Key::Booked), (BookingStatus::Pending, Key::Pending)] {
                        option value=(s.as_str()) selected[filter.status == Some(s)] { (lang.t(key)) }
                    }
                }
            }
            label { (lang.t(Key::Match)) " "
                select name="reconciliation" {
                    option value="" { (lang.t(Key::All)) }
                    @for s in [ReconciliationState::Matched, ReconciliationState::Suggested, ReconciliationState::Unmatched] {
                        option value=(s.as_str()) selected[filter.reconciliation_state == Some(s)] { (states::reconciliation(lang, s)) }
                    }
                }
            }
            button type="submit" { (lang.t(Key::Filter)) }
        }
        div.card {
            p.muted #total { (total) " " (lang.t(Key::Transactions)) }
            @if rows.is_empty() {
                p { (lang.t(Key::NoTransactions)) }
            } @else {
                div.scroll { table.stack #transactions {
                    thead { tr {
                        th { (lang.t(Key::Date)) }
                        th { (lang.t(Key::Counterparty)) }
                        th { (lang.t(Key::Text)) }
                        th.num { (lang.t(Key::Amount)) }
                        th { (lang.t(Key::Match)) }
                        th {}
                    } }
                    tbody {
                        @for t in &rows {
                            tr id=(row_anchor(t.id)) tabindex="-1" {
                                td data-label=(lang.t(Key::Date)) { (t.booking_date.or(t.value_date).map(|d| d.to_string()).unwrap_or_default())
                                    @if t.status != BookingStatus::Booked { br; span.muted { (states::booking(lang, t.status)) } } }
                                td data-label=(lang.t(Key::Counterparty)) { (t.counterparty_name.as_deref().unwrap_or("")) }
                                td.text data-label=(lang.t(Key::Text)) { (t.remittance_unstructured.as_deref().unwrap_or("")) }
                                td.num.amount data-label=(lang.t(Key::Amount)) class=[t.amount.decimal().is_sign_negative().then_some("neg")] { (money(lang, t.amount, &t.currency)) }
                                td data-label=(lang.t(Key::Match)) { (states::reconciliation(lang, t.reconciliation_state))
                                    @if let Some(n) = matches.get(&t.id) { br; span.muted { (n) } } }
                                td.actions {
                                    @if t.amount.decimal() > rust_decimal::Decimal::ZERO && t.reconciliation_state != ReconciliationState::Matched && t.status == BookingStatus::Booked {
                                        a.button.match-by-hand href=(match_link(t.id, &q(page_no))) { (lang.t(Key::MatchByHand)) }
                                    }
                                }
                            }
                        }
                    }
                } }
                nav aria-label="pages" {
                    @if page_no > 0 { a href=(q(page_no - 1)) { (lang.t(Key::Previous)) } " " }
                    @if (page_no + 1) * PAGE < total { a #next href=(q(page_no + 1)) { (lang.t(Key::Next)) } }
                }
            }
        }
    };
    shell(
        lang,
        lang.t(Key::Transactions),
        Some(&current.csrf),
        state.sessions.take_flash(&current.id),
        body,
    )
    .into_response()
}
