//! The review queue: suggestions best first with their reasons — confirm or reject — and the
//! latest confirmed matches, which can be undone. Every decision is stored with who made it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::i18n::{Key, Lang};
use super::layout::{money, page as shell};
use super::reasons::{self, Payment, Weight};
use super::{BankingState, back, posted, signed_in};

/// The lines of a stored match's reasons in the page's language, each marked as speaking for
/// or against, and why it was held back (see `reasons`).
fn reason_lines(
    lang: Lang,
    m: &storage::entity::allocation::Model,
    pay: Payment<'_>,
) -> (Vec<(Weight, String)>, Option<String>) {
    let reasons = m.match_reasons();
    let lines = reasons
        .reasons
        .iter()
        .map(|r| reasons::line(lang, r, pay))
        .collect();
    (
        lines,
        reasons.held_back.map(|h| reasons::held_back(lang, &h)),
    )
}

async fn row(state: &BankingState, lang: Lang, m: &storage::entity::allocation::Model) -> Markup {
    let db = state.app.sync.db();
    let tx = db.transaction(m.transaction_id).await.ok().flatten();
    let inv = db.invoice(m.invoice_id).await.ok().flatten();
    let pay = Payment {
        paid: tx.as_ref().map(|t| t.amount.decimal().abs()),
        currency: tx.as_ref().map_or("EUR", |t| t.currency.as_str()),
    };
    let (lines, held) = reason_lines(lang, m, pay);
    html! {
        td data-label=(lang.t(Key::Transactions)) {
            @if let Some(t) = &tx {
                (t.booking_date.map(|d| d.to_string()).unwrap_or_default()) br;
                (t.counterparty_name.as_deref().unwrap_or("")) br;
                span.muted { (t.remittance_unstructured.as_deref().unwrap_or("")) }
            }
        }
        td.num data-label=(lang.t(Key::Amount)) { @if let Some(t) = &tx { (money(lang, t.amount, &t.currency)) } }
        td data-label=(lang.t(Key::Invoice)) {
            @if let Some(i) = &inv {
                (i.number) br; span.muted { (i.customer_name) } br;
                span.muted { (lang.t(Key::Open)) ": " (money(lang, i.open_amount, &i.currency)) }
            }
        }
        td.num.confidence data-label=(lang.t(Key::Confidence)) { (reasons::confidence(lang, m.confidence.decimal())) }
        td data-label=(lang.t(Key::Reasons)) {
            ul.reasons { @for (w, l) in &lines {
                @match w {
                    Weight::For => { li.pro { span.sign title=(lang.t(Key::ReasonFor)) { "+ " } (l) } }
                    Weight::Against => { li.con { span.sign title=(lang.t(Key::ReasonAgainst)) { "− " } (l) } }
                    Weight::Neutral => { li { (l) } }
                }
            } }
            @if let Some(h) = held { p.muted.held { (h) } }
        }
    }
}

/// The id a transaction's first row carries, so a decision can send the browser back to it.
pub fn row_anchor(transaction_id: i64) -> String {
    format!("tx-{transaction_id}")
}

/// `GET /banking/review`.
pub async fn page(State(state): State<BankingState>, headers: HeaderMap) -> Response {
    let (current, lang) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let db = state.app.sync.db();
    let (suggestions, recent) = match async {
        Ok::<_, storage::Error>((db.open_suggestions().await?, db.recent_matches(20).await?))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return super::internal(lang, &e),
    };
    let csrf = current.csrf.clone();
    // The first row of each payment carries its anchor (a payment may have several).
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for m in suggestions.iter().take(100) {
        let anchor = seen
            .insert(m.transaction_id)
            .then(|| row_anchor(m.transaction_id));
        rows.push((m.id, m.transaction_id, anchor, row(&state, lang, m).await));
    }
    let mut done = Vec::new();
    for m in &recent {
        let anchor = seen
            .insert(m.transaction_id)
            .then(|| row_anchor(m.transaction_id));
        done.push((
            m.id,
            m.transaction_id,
            anchor,
            m.decided_by.clone(),
            row(&state, lang, m).await,
        ));
    }
    let head = html! { thead { tr {
        th { (lang.t(Key::Transactions)) } th.num { (lang.t(Key::Amount)) } th { (lang.t(Key::Invoice)) }
        th.num { (lang.t(Key::Confidence)) } th { (lang.t(Key::Reasons)) } th {}
    } } };
    let body = html! {
        section.card aria-label=(lang.t(Key::Review)) {
            h2 { (lang.t(Key::Review)) " (" (suggestions.len()) ")" }
            @if rows.is_empty() { p { (lang.t(Key::NothingToReview)) } } @else {
                div.scroll { table.stack #suggestions {
                    (head)
                    tbody { @for (id, tx, anchor, cells) in &rows { tr id=[anchor] tabindex=[anchor.as_ref().map(|_| "-1")] {
                        (cells)
                        td.actions {
                            form.inline method="post" action={"/banking/matches/" (id) "/confirm"} {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="tx" value=(tx);
                                button type="submit" class="confirm" { (lang.t(Key::Confirm)) }
                            } " "
                            form.inline method="post" action={"/banking/matches/" (id) "/reject"} {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="tx" value=(tx);
                                button type="submit" class="secondary reject" { (lang.t(Key::Reject)) }
                            }
                            details {
                                summary { (lang.t(Key::OtherInvoice)) }
                                form method="post" action={"/banking/transactions/" (tx) "/assign"} {
                                    input type="hidden" name="csrf" value=(csrf);
                                    label { (lang.t(Key::InvoiceNumber)) " " input type="text" name="number" required size="14"; }
                                    " " button type="submit" class="assign" { (lang.t(Key::Assign)) }
                                }
                            }
                        }
                    } } }
                } }
            }
        }
        section.card aria-label=(lang.t(Key::Matched)) {
            h2 { (lang.t(Key::Matched)) }
            div.scroll { table.stack #matched {
                (head)
                tbody { @for (id, tx, anchor, by, cells) in &done { tr id=[anchor] tabindex=[anchor.as_ref().map(|_| "-1")] {
                    (cells)
                    td.actions {
                        span.muted { (by.as_deref().unwrap_or("")) } br;
                        form.inline method="post" action={"/banking/matches/" (id) "/undo"} {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="tx" value=(tx);
                            button type="submit" class="secondary undo" { (lang.t(Key::Undo)) }
                        }
                    }
                } } }
            } }
        }
    };
    shell(
        lang,
        lang.t(Key::Review),
        Some(&csrf),
        state.sessions.take_flash(&current.id),
        body,
    )
    .into_response()
}

/// `POST /banking/matches/{id}/{confirm|reject|undo}`, recorded with the name the person signed
/// in with (everyone shares the one API token; the name says who decided).
pub async fn decide(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<DecideForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sync = &state.app.sync;
    let who = current.user.as_str();
    let result = match action.as_str() {
        "confirm" => sync.confirm_match(id, who).await.map(|_| Key::Confirmed),
        "reject" => sync.reject_match(id, who).await.map(|()| Key::Rejected),
        "undo" => sync.undo_match(id, who).await.map(|_| Key::Undone),
        _ => return (StatusCode::NOT_FOUND, "unknown action").into_response(),
    };
    let text = match (&result, action.as_str()) {
        (Ok(k), _) => lang.t(*k).to_owned(),
        // A suggestion that left the queue (its invoice was settled) or was decided by someone
        // else: say so, never the store's technical conflict.
        (
            Err(bank_sync::SyncError::NotFound(_) | bank_sync::SyncError::Conflict(_)),
            "confirm" | "reject",
        ) => lang.t(Key::SuggestionGone).to_owned(),
        (Err(e), _) => super::explain(lang, e),
    };
    state.sessions.flash(&current.id, result.is_ok(), text);
    back(&review_at(f.tx))
}

/// The review page, scrolled to (and, with the page's script, focused on) a payment's row.
fn review_at(tx: Option<i64>) -> String {
    match tx {
        Some(t) => format!("/banking/review#{}", row_anchor(t)),
        None => "/banking/review".to_owned(),
    }
}

/// A decision's form: the CSRF token and the payment, whose row the page returns to.
#[derive(Debug, serde::Deserialize)]
pub struct DecideForm {
    csrf: String,
    #[serde(default)]
    tx: Option<i64>,
}

/// Picking another invoice for a transaction.
#[derive(Debug, serde::Deserialize)]
pub struct AssignForm {
    csrf: String,
    number: String,
}

/// `POST /banking/transactions/{id}/assign`: the person's own choice of invoice; the payment
/// settles as much of it as is open (what is left of the payment stays unallocated).
pub async fn assign(
    State(state): State<BankingState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    let (current, lang) = match posted(&state, &headers, &f.csrf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = state
        .app
        .sync
        .match_to_invoice_number(id, &f.number, &current.user)
        .await;
    match result {
        Ok(_) => state
            .sessions
            .flash(&current.id, true, lang.t(Key::Assigned)),
        Err(bank_sync::SyncError::NotFound(_)) => {
            state
                .sessions
                .flash(&current.id, false, lang.t(Key::NoSuchInvoice));
        }
        Err(bank_sync::SyncError::Conflict(_)) => {
            state
                .sessions
                .flash(&current.id, false, lang.t(Key::NothingOpenToSettle));
        }
        Err(e) => state
            .sessions
            .flash(&current.id, false, super::explain(lang, &e)),
    }
    back(&review_at(Some(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payer_learned_from_a_decision_says_so_in_the_page_language() {
        let reasons = serde_json::json!({"reasons": [
            {"points": 40, "text": "known payer (learned from decision on 2026-12-02)",
             "learned_from": {"match_id": 7, "on": "2026-12-02"}},
            {"points": 30, "text": "amount equals the open amount"},
        ]});
        let m = storage::entity::allocation::Model {
            id: 1,
            transaction_id: 1,
            invoice_id: 1,
            amount: "100.00".parse().unwrap(),
            confidence: "0.95".parse().unwrap(),
            method: storage::MatchMethod::Auto,
            reasons: reasons.to_string(),
            status: storage::MatchStatus::Confirmed,
            decided_by: Some("auto".into()),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            decided_at: None,
        };
        let pay = Payment {
            paid: None,
            currency: "EUR",
        };
        let (de, _) = reason_lines(Lang::De, &m, pay);
        assert_eq!(
            de[0],
            (
                Weight::For,
                "bekannter Zahler (gelernt aus Entscheidung vom 2026-12-02)".to_owned()
            )
        );
        // A line without a typed signal is shown as stored.
        assert_eq!(de[1].1, "amount equals the open amount");
        let (en, _) = reason_lines(Lang::En, &m, pay);
        assert_eq!(en[0].1, "known payer (learned from decision on 2026-12-02)");
    }
}
