//! Matching a payment by hand from the transactions list: an incoming payment the matcher left
//! open gets a "Match" action leading here, where the person ticks the open invoice(s) it pays.
//! The payment settles them in the order ticked, each as far as it reaches (`bank-sync`'s
//! `match_by_hand`, the same call as `POST /api/transactions/{id}/match`); then the browser goes
//! back to the list, to the payment's row.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use rust_decimal::Decimal;
use serde::Deserialize;
use storage::{InvoiceKind, ReconciliationState};

use super::i18n::Key;
use super::layout::{money, page as shell};
use super::review::row_anchor;
use super::{BankingState, back, posted, signed_in};

/// Most invoices listed to choose from (those of the same amount first).
const MAX_LISTED: usize = 300;

/// Where to go back: the list as the person left it (its filters and page).
#[derive(Debug, Default, Deserialize)]
pub struct BackTo {
    back: Option<String>,
}

/// Only a transactions-list address of this server, never another site.
fn list_address(back: Option<&str>) -> &str {
    match back {
        Some(b)
            if b.starts_with("/banking/transactions")
                && !b.contains("//")
                && !b.contains(['\\', '\r', '\n', '#']) =>
        {
            b
        }
        _ => "/banking/transactions",
    }
}

/// A payment a person may match by hand: incoming and not matched yet.
fn matchable(t: &storage::entity::transaction::Model) -> bool {
    t.amount.decimal() > Decimal::ZERO && t.reconciliation_state != ReconciliationState::Matched
}

/// `GET /banking/transactions/{id}/match`: the payment and the open invoices to choose from.
pub async fn form(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<BackTo>,
) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let list = list_address(q.back.as_deref()).to_owned();
    let db = state.app.sync.db();
    let (tx, open) = match async {
        Ok::<_, storage::Error>((db.transaction(id).await?, db.open_invoices().await?))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return super::internal(lang, &e),
    };
    let Some(tx) = tx.filter(matchable) else {
        state
            .sessions
            .flash(&current.id, false, lang.t(Key::NotMatchable));
        return back(&list);
    };
    let paid = tx.amount.decimal();
    let mut invoices: Vec<_> = open
        .into_iter()
        .filter(|i| i.kind == InvoiceKind::Invoice && i.currency == tx.currency)
        .collect();
    // The same amount first, then by due date: what a person looks for first.
    invoices.sort_by_key(|i| (i.open_amount.decimal() != paid, i.due_date, i.id));
    invoices.truncate(MAX_LISTED);
    let body = html! {
        section.card aria-labelledby="match-title" {
            h2 #match-title { (lang.t(Key::MatchTitle)) }
            dl.payment {
                dt { (lang.t(Key::Date)) } dd { (tx.booking_date.or(tx.value_date).map(|d| d.to_string()).unwrap_or_default()) }
                dt { (lang.t(Key::Counterparty)) } dd { (tx.counterparty_name.as_deref().unwrap_or("")) }
                dt { (lang.t(Key::Text)) } dd { (tx.remittance_unstructured.as_deref().unwrap_or("")) }
                dt { (lang.t(Key::Amount)) } dd #paid { (money(lang, tx.amount, &tx.currency)) }
            }
            @if invoices.is_empty() {
                p { (lang.t(Key::NoOpenInvoices)) }
            } @else {
                p.muted { (lang.t(Key::MatchHelp)) }
                form method="post" action={"/banking/transactions/" (id) "/match"} {
                    input type="hidden" name="csrf" value=(current.csrf);
                    input type="hidden" name="back" value=(list);
                    fieldset {
                        legend { (lang.t(Key::Invoices)) }
                        ul.choices {
                            @for i in &invoices {
                                li {
                                    label.choice {
                                        input type="checkbox" name="invoice" value=(i.id);
                                        " " strong { (i.number) } " · " (i.customer_name) " · "
                                        (lang.t(Key::Open)) ": " (money(lang, i.open_amount, &i.currency))
                                        @if i.open_amount.decimal() == paid { " · " span.muted { (lang.t(Key::SameAmount)) } }
                                    }
                                }
                            }
                        }
                    }
                    button #match-chosen type="submit" { (lang.t(Key::MatchChosen)) }
                    " " a href=(list) { (lang.t(Key::Cancel)) }
                }
            }
        }
    };
    shell(
        lang,
        lang.t(Key::MatchTitle),
        Some(&current.csrf),
        state.sessions.take_flash(&current.id),
        body,
    )
    .into_response()
}

/// The chosen invoices: `invoice` may repeat, which a plain struct form cannot hold.
struct Chosen {
    csrf: String,
    back: Option<String>,
    invoices: Vec<i64>,
}

fn parse(body: &[u8]) -> Chosen {
    let mut chosen = Chosen {
        csrf: String::new(),
        back: None,
        invoices: Vec::new(),
    };
    for (k, v) in url::form_urlencoded::parse(body) {
        match k.as_ref() {
            "csrf" => chosen.csrf = v.into_owned(),
            "back" => chosen.back = Some(v.into_owned()),
            "invoice" => {
                if let Ok(id) = v.parse::<i64>()
                    && !chosen.invoices.contains(&id)
                {
                    chosen.invoices.push(id);
                }
            }
            _ => {}
        }
    }
    chosen
}

/// `POST /banking/transactions/{id}/match`: the payment settles the ticked invoices in order,
/// each as far as it reaches.
pub async fn submit(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let chosen = parse(&body);
    let (current, lang) = match posted(&state, &headers, &chosen.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let list = list_address(chosen.back.as_deref()).to_owned();
    let to_row = format!("{list}#{}", row_anchor(id));
    if chosen.invoices.is_empty() {
        state
            .sessions
            .flash(&current.id, false, lang.t(Key::ChooseInvoice));
        let again = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("back", &list)
            .finish();
        return back(&format!("/banking/transactions/{id}/match?{again}"));
    }
    let sync = &state.app.sync;
    let db = sync.db();
    let plan = async {
        let Some(tx) = db.transaction(id).await?.filter(matchable) else {
            return Ok::<_, storage::Error>(None);
        };
        let mut left = tx.amount.decimal();
        let mut allocations = Vec::new();
        let mut numbers = Vec::new();
        for invoice_id in &chosen.invoices {
            let Some(inv) = db.invoice(*invoice_id).await? else {
                continue;
            };
            let amount = left.min(inv.open_amount.decimal());
            if amount <= Decimal::ZERO {
                continue;
            }
            left -= amount;
            numbers.push(inv.number);
            allocations.push(bank_sync::HandAllocation {
                invoice_id: inv.id,
                amount,
            });
        }
        Ok(Some((allocations, numbers)))
    }
    .await;
    let (allocations, numbers) = match plan {
        Ok(Some(p)) => p,
        Ok(None) => {
            state
                .sessions
                .flash(&current.id, false, lang.t(Key::NotMatchable));
            return back(&to_row);
        }
        Err(e) => return super::internal(lang, &e),
    };
    if allocations.is_empty() {
        state
            .sessions
            .flash(&current.id, false, lang.t(Key::NothingOpenToSettle));
        return back(&to_row);
    }
    match sync.match_by_hand(id, &allocations, &current.user).await {
        Ok(_) => state.sessions.flash(
            &current.id,
            true,
            lang.t(Key::MatchedByHand)
                .replace("{numbers}", &numbers.join(", ")),
        ),
        Err(e) => state
            .sessions
            .flash(&current.id, false, super::explain(lang, &e)),
    }
    back(&to_row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_list_address_of_this_server_is_followed_back() {
        assert_eq!(
            list_address(Some(
                "/banking/transactions?page=2&reconciliation=unmatched"
            )),
            "/banking/transactions?page=2&reconciliation=unmatched"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/banking/transactions",
            "/banking/transactions\r\nSet-Cookie: x",
            "/banking/review",
        ] {
            assert_eq!(list_address(Some(bad)), "/banking/transactions", "{bad}");
        }
    }

    #[test]
    fn ticked_invoices_are_read_in_order_once_each() {
        let c = parse(
            b"csrf=abc&back=%2Fbanking%2Ftransactions&invoice=7&invoice=3&invoice=7&invoice=x",
        );
        assert_eq!(c.csrf, "abc");
        assert_eq!(c.invoices, [7, 3]);
        assert_eq!(c.back.as_deref(), Some("/banking/transactions"));
    }
}
