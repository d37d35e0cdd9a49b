//! The Account Information API: accounts, balances, and transactions with `limit` and an opaque
//! `next` cursor, in ING's shapes (amounts as strings, booked/pending/info lists, `_links`).
//! Every call is signed, carries an `X-Request-ID`, and needs a customer token whose consent
//! covers the call.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use crate::data::{Account, Status, Transaction};
use crate::faults::Fault;
use crate::respond::{dropped, request_id, tpp_error, with_ids};
use crate::signed::{Customer, SignedRequest};
use crate::state::{CustomerToken, SCOPE_BALANCES, SCOPE_TRANSACTIONS, Shared};

fn account_of<'a>(
    shared: &'a Shared,
    token: &CustomerToken,
    id: &str,
    rid: Option<&HeaderValue>,
) -> Result<&'a Account, Response> {
    shared
        .truth
        .profile(&token.profile_id)
        .and_then(|p| p.accounts.iter().find(|a| a.resource_id == id))
        .ok_or_else(|| {
            tpp_error(
                StatusCode::NOT_FOUND,
                "RESOURCE_UNKNOWN",
                "account is unknown or not covered by the consent",
                rid,
            )
        })
}

/// Counts an unattended call (no `PSU-IP-Address`) for the account on the simulated day, and
/// refuses it once the day's budget is used up. Every such call is counted, with or without a
/// budget, so `/__sandbox/allowance` can show what a client did; refused calls are tallied
/// apart, since they returned no account data and ING answers them without access.
fn spend_budget(shared: &Shared, headers: &HeaderMap, account: &str) -> Result<(), Response> {
    if headers.contains_key("psu-ip-address") {
        return Ok(());
    }
    let spent = count_call(shared, headers, account);
    // Written after the allowance's lock is released (saving takes the tokens' lock first).
    shared.persist();
    spent
}

fn count_call(shared: &Shared, headers: &HeaderMap, account: &str) -> Result<(), Response> {
    let key = (account.to_owned(), shared.now().date());
    let mut allowance = shared.lock_budget();
    let used = allowance.counted.get(&key).copied().unwrap_or(0);
    if let Some(budget) = shared.config.unattended_daily_budget
        && used >= budget
    {
        *allowance.refused.entry(key).or_insert(0) += 1;
        return Err(tpp_error(
            StatusCode::TOO_MANY_REQUESTS,
            "ACCESS_EXCEEDED",
            "The access on this account has been exceeded: at most 4 unattended requests per day",
            request_id(headers),
        ));
    }
    allowance.counted.insert(key, used + 1);
    Ok(())
}

/// Applies an injected fault, if one is drawn, to a finished answer.
async fn answer(shared: &Shared, headers: &HeaderMap, value: serde_json::Value) -> Response {
    let body = serde_json::to_vec(&value).unwrap_or_default();
    let rid = request_id(headers);
    match shared.faults.draw() {
        None => with_ids(StatusCode::OK, "application/json", body, rid),
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            with_ids(StatusCode::OK, "application/json", body, rid)
        }
        Some(Fault::RateLimited(secs)) => {
            let mut r = tpp_error(
                StatusCode::TOO_MANY_REQUESTS,
                "ACCESS_EXCEEDED",
                "Too many requests",
                rid,
            );
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert("retry-after", v);
            }
            r
        }
        Some(Fault::AccessExceeded) => tpp_error(
            StatusCode::TOO_MANY_REQUESTS,
            "ACCESS_EXCEEDED",
            "The access on this account has been exceeded",
            rid,
        ),
        Some(Fault::ServerError) => tpp_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ING_ERROR",
            "Internal error",
            rid,
        ),
        Some(Fault::Unavailable) => tpp_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "Service unavailable",
            rid,
        ),
        Some(Fault::Dropped) => dropped(),
        Some(Fault::Truncated) => {
            let half = body.len() / 2;
            with_ids(
                StatusCode::OK,
                "application/json",
                body[..half].to_vec(),
                rid,
            )
        }
    }
}

/// `GET /v3/accounts`.
pub(crate) async fn accounts(
    State(shared): State<Arc<Shared>>,
    request: SignedRequest<Customer>,
) -> Response {
    let (token, headers) = (request.signer.token, request.headers);
    let Some(profile) = shared.truth.profile(&token.profile_id) else {
        return tpp_error(
            StatusCode::NOT_FOUND,
            "RESOURCE_UNKNOWN",
            "no accounts are granted",
            request_id(&headers),
        );
    };
    let accounts: Vec<_> = profile
        .accounts
        .iter()
        .map(|a| {
            serde_json::json!({
                "resourceId": a.resource_id,
                "iban": a.iban,
                "name": a.name,
                "currency": a.currency,
                "product": a.product,
                "_links": {
                    "balances": { "href": format!("/v3/accounts/{}/balances?currency={}", a.resource_id, a.currency) },
                    "transactions": { "href": format!("/v3/accounts/{}/transactions?currency={}", a.resource_id, a.currency) },
                },
            })
        })
        .collect();
    answer(
        &shared,
        &headers,
        serde_json::json!({ "accounts": accounts }),
    )
    .await
}

fn money(amount: Decimal) -> String {
    let mut a = amount;
    a.rescale(2);
    a.to_string()
}

/// `GET /v3/accounts/{id}/balances`.
pub(crate) async fn balances(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    request: SignedRequest<Customer>,
) -> Response {
    if let Err(r) = request.signer.may(SCOPE_BALANCES, &request.headers) {
        return r;
    }
    let (token, headers) = (request.signer.token, request.headers);
    let account = match account_of(&shared, &token, &id, request_id(&headers)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(r) = spend_budget(&shared, &headers, &id) {
        return r;
    }
    let today = shared.now().date();
    let (booked, expected) = match shared.ledger.as_ref().and_then(|l| l.view(&id, today)) {
        Some(view) => (view.booked_balance, view.expected_balance),
        None => (account.booked_balance(), account.expected_balance()),
    };
    let amount =
        |a: Decimal| serde_json::json!({ "currency": account.currency, "amount": money(a) });
    let value = serde_json::json!({
        "account": { "iban": account.iban, "currency": account.currency },
        "balances": [
            { "balanceType": "closingBooked", "balanceAmount": amount(booked), "referenceDate": today.to_string() },
            { "balanceType": "expected", "balanceAmount": amount(expected), "referenceDate": today.to_string(),
              "lastChangeDateTime": format!("{today}T00:00:00.000Z") },
            { "balanceType": "interimBooked", "balanceAmount": amount(booked), "referenceDate": today.to_string() },
        ],
    });
    answer(&shared, &headers, value).await
}

/// Where a page starts, encoded into the opaque `next` cursor.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    a: String,
    f: Date,
    t: Date,
    o: usize,
    l: usize,
    /// The simulated day of the first page: later pages show the ledger as of that day, so a
    /// clock moved mid-pagination cannot shift entries between pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<Date>,
}

fn parse_date(s: &str) -> Option<Date> {
    let date_part = s.get(..10)?;
    Date::parse(date_part, format_description!("[year]-[month]-[day]")).ok()
}

/// `GET /v3/accounts/{id}/transactions` (and `/v2/…`).
pub(crate) async fn transactions(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    request: SignedRequest<Customer>,
) -> Response {
    if let Err(r) = request.signer.may(SCOPE_TRANSACTIONS, &request.headers) {
        return r;
    }
    let (token, headers, uri) = (request.signer.token, request.headers, request.uri);
    let rid = request_id(&headers);
    let account = match account_of(&shared, &token, &id, rid) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let cursor = if let Some(next) = query.get("next") {
        let decoded = URL_SAFE_NO_PAD
            .decode(next)
            .ok()
            .and_then(|b| serde_json::from_slice::<Cursor>(&b).ok());
        match decoded {
            Some(c) if c.a == id => c,
            _ => {
                return tpp_error(
                    StatusCode::BAD_REQUEST,
                    "FORMAT_ERROR",
                    "next is not a cursor of this account",
                    rid,
                );
            }
        }
    } else {
        let today = shared.now().date();
        let from = match query.get("dateFrom").map(|s| parse_date(s)) {
            None => today,
            Some(Some(d)) => d,
            Some(None) => {
                return tpp_error(
                    StatusCode::BAD_REQUEST,
                    "FORMAT_ERROR",
                    "dateFrom must be an ISO 8601 date",
                    rid,
                );
            }
        };
        let to = match query.get("dateTo").map(|s| parse_date(s)) {
            None => today,
            Some(Some(d)) => d,
            Some(None) => {
                return tpp_error(
                    StatusCode::BAD_REQUEST,
                    "FORMAT_ERROR",
                    "dateTo must be an ISO 8601 date",
                    rid,
                );
            }
        };
        if from > today || from > to {
            return tpp_error(
                StatusCode::BAD_REQUEST,
                "PERIOD_INVALID",
                "dateFrom must not be in the future or after dateTo",
                rid,
            );
        }
        let limit = match query.get("limit").map(|s| s.parse::<usize>()) {
            None => 100,
            Some(Ok(l)) if l > 0 => l.min(1000),
            Some(_) => {
                return tpp_error(
                    StatusCode::BAD_REQUEST,
                    "FORMAT_ERROR",
                    "limit must be a positive integer",
                    rid,
                );
            }
        };
        Cursor {
            a: id.clone(),
            f: from,
            t: to,
            o: 0,
            l: limit,
            d: shared.ledger.is_some().then_some(today),
        }
    };
    // Every page is a request to the bank, and ING counts requests.
    if let Err(r) = spend_budget(&shared, &headers, &id) {
        return r;
    }
    if let Some(ledger) = &shared.ledger {
        // Never after today: a hand-made cursor must not show (or make the sandbox compute)
        // the future.
        let today = shared.now().date();
        let day = cursor.d.map_or(today, |d| d.min(today));
        let Some(view) = ledger.view(&id, day) else {
            return tpp_error(
                StatusCode::NOT_FOUND,
                "RESOURCE_UNKNOWN",
                "account is unknown",
                rid,
            );
        };
        let lo = view.booked.partition_point(|t| t.date() < cursor.f);
        let hi = view.booked.partition_point(|t| t.date() <= cursor.t);
        let in_range = view.booked.get(lo..hi).unwrap_or(&[]);
        let pending = view.pending.iter().collect::<Vec<_>>();
        return page(
            &shared,
            &headers,
            &uri,
            account,
            cursor,
            |k| in_range.get(k),
            in_range.len(),
            &pending,
        )
        .await;
    }
    let Some(idx) = shared.index.get(&id) else {
        return tpp_error(
            StatusCode::NOT_FOUND,
            "RESOURCE_UNKNOWN",
            "account is unknown",
            rid,
        );
    };
    let txs = &account.transactions;
    // Booked entries within [from, to] (oldest first in the index).
    let lo = idx.booked.partition_point(|&i| txs[i].date() < cursor.f);
    let hi = idx.booked.partition_point(|&i| txs[i].date() <= cursor.t);
    let in_range = idx.booked.get(lo..hi).unwrap_or(&[]);
    let pending: Vec<&Transaction> = idx.pending.iter().map(|&i| &txs[i]).collect();
    page(
        &shared,
        &headers,
        &uri,
        account,
        cursor,
        |k| in_range.get(k).and_then(|&i| txs.get(i)),
        in_range.len(),
        &pending,
    )
    .await
}

/// One page: `booked_at(k)` is the k-th booked entry of the window, oldest first, of `total`;
/// served newest first from the cursor's offset; pending entries of the window on the first page.
#[allow(clippy::too_many_arguments)]
async fn page<'a>(
    shared: &Shared,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    account: &Account,
    cursor: Cursor,
    booked_at: impl Fn(usize) -> Option<&'a Transaction>,
    total: usize,
    pending: &[&Transaction],
) -> Response {
    let start = cursor.o.min(total);
    let end = cursor.o.saturating_add(cursor.l).min(total);
    let booked: Vec<_> = (start..end)
        .filter_map(|k| booked_at(total - 1 - k))
        .map(|t| render(t, account))
        .collect();
    let pending: Vec<_> = if cursor.o == 0 {
        pending
            .iter()
            .filter(|t| t.date() >= cursor.f && t.date() <= cursor.t)
            .map(|t| render(t, account))
            .collect()
    } else {
        Vec::new()
    };
    let mut links = serde_json::Map::new();
    if end < total {
        let id = cursor.a.clone();
        let next = Cursor { o: end, ..cursor };
        let encoded = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&next).unwrap_or_default());
        let version = if uri.path().starts_with("/v2/") {
            "v2"
        } else {
            "v3"
        };
        links.insert("next".into(), serde_json::json!({ "href": format!("/{version}/accounts/{id}/transactions?next={encoded}") }));
    }
    let value = serde_json::json!({
        "account": { "iban": account.iban, "currency": account.currency },
        "transactions": { "booked": booked, "pending": pending, "info": [], "_links": links },
    });
    answer(shared, headers, value).await
}

pub(crate) fn render(t: &Transaction, account: &Account) -> serde_json::Value {
    let mut v = serde_json::json!({
        "endToEndId": t.end_to_end_id,
        "valueDate": t.value_date.to_string(),
        "transactionAmount": { "currency": t.currency, "amount": money(t.amount) },
        "transactionType": t.transaction_type,
    });
    let obj = v.as_object_mut();
    let Some(obj) = obj else { return v };
    if let Some(id) = &t.transaction_id {
        obj.insert("transactionId".into(), id.clone().into());
    }
    if let Some(d) = t.booking_date {
        obj.insert("bookingDate".into(), d.to_string().into());
        obj.insert(
            "executionDateTime".into(),
            format!("{d}T09:00:00.000Z").into(),
        );
    }
    let (party_name, party_account, own_name, own_account) = if t.amount >= Decimal::ZERO {
        (
            "debtorName",
            "debtorAccount",
            "creditorName",
            "creditorAccount",
        )
    } else {
        (
            "creditorName",
            "creditorAccount",
            "debtorName",
            "debtorAccount",
        )
    };
    obj.insert(party_name.into(), t.counterparty_name.clone().into());
    obj.insert(
        party_account.into(),
        serde_json::json!({ "iban": t.counterparty_iban }),
    );
    if t.status == Status::Booked {
        obj.insert(own_name.into(), account.name.clone().into());
        obj.insert(
            own_account.into(),
            serde_json::json!({ "iban": account.iban }),
        );
    } else {
        // ING sends empty objects on pending entries.
        obj.insert(own_account.into(), serde_json::json!({}));
        obj.insert(
            "remittanceInformationStructured".into(),
            serde_json::json!({}),
        );
    }
    if let Some(text) = &t.remittance_unstructured {
        obj.insert(
            "remittanceInformationUnstructured".into(),
            text.clone().into(),
        );
    }
    if let Some(rf) = &t.remittance_structured {
        obj.insert("remittanceInformationStructured".into(), serde_json::json!({ "reference": rf, "referenceType": "SCOR", "referenceIssuer": "ISO" }));
    }
    v
}
