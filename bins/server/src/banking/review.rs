//! The review queue: suggestions best first with their reasons — confirm or reject — and the
//! latest confirmed matches, which can be undone. Every decision is stored with who made it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::i18n::{Key, Lang};
use super::layout::{money, page as shell};
use super::login::CsrfForm;
use super::{BankingState, back, posted, signed_in};

/// The sentences of a stored match's reasons, and why it was held back. A payer known from a
/// person's earlier decision says so in the page's language.
fn reason_lines(
    lang: Lang,
    m: &storage::entity::allocation::Model,
) -> (Vec<String>, Option<String>) {
    let reasons = m.match_reasons();
    let lines = reasons
        .reasons
        .iter()
        .map(|r| match &r.learned_from {
            Some(l) => format!(
                "{:+} {}",
                r.points,
                lang.t(Key::KnownPayerLearned).replace("{date}", &l.on)
            ),
            None => format!("{:+} {}", r.points, r.text),
        })
        .collect();
    (lines, reasons.held_back)
}

async fn row(state: &BankingState, lang: Lang, m: &storage::entity::allocation::Model) -> Markup {
    let db = state.app.sync.db();
    let tx = db.transaction(m.transaction_id).await.ok().flatten();
    let inv = db.invoice(m.invoice_id).await.ok().flatten();
    let (lines, held) = reason_lines(lang, m);
    html! {
        td {
            @if let Some(t) = &tx {
                (t.booking_date.map(|d| d.to_string()).unwrap_or_default()) br;
                (t.counterparty_name.as_deref().unwrap_or("")) br;
                span.muted { (t.remittance_unstructured.as_deref().unwrap_or("")) }
            }
        }
        td.num { @if let Some(t) = &tx { (money(lang, t.amount, &t.currency)) } }
        td {
            @if let Some(i) = &inv {
                (i.number) br; span.muted { (i.customer_name) } br;
                span.muted { (lang.t(Key::Open)) ": " (money(lang, i.open_amount, &i.currency)) }
            }
        }
        td.num { (m.confidence) }
        td {
            ul { @for l in &lines { li { (l) } } }
            @if let Some(h) = held { p.muted { (h) } }
        }
    }
}

fn tx_of(rows: &[storage::entity::allocation::Model], match_id: i64) -> i64 {
    rows.iter()
        .find(|m| m.id == match_id)
        .map_or(0, |m| m.transaction_id)
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
    let mut rows = Vec::new();
    for m in suggestions.iter().take(100) {
        rows.push((m.id, row(&state, lang, m).await));
    }
    let mut done = Vec::new();
    for m in &recent {
        done.push((m.id, m.decided_by.clone(), row(&state, lang, m).await));
    }
    let head = html! { thead { tr {
        th { (lang.t(Key::Transactions)) } th.num { (lang.t(Key::Amount)) } th { (lang.t(Key::Invoice)) }
        th.num { (lang.t(Key::Confidence)) } th { (lang.t(Key::Reasons)) } th {}
    } } };
    let body = html! {
        section.card aria-label=(lang.t(Key::Review)) {
            h2 { (lang.t(Key::Review)) " (" (suggestions.len()) ")" }
            @if rows.is_empty() { p { (lang.t(Key::NothingToReview)) } } @else {
                div.scroll { table #suggestions {
                    (head)
                    tbody { @for (id, cells) in &rows { tr {
                        (cells)
                        td {
                            form.inline method="post" action={"/banking/matches/" (id) "/confirm"} {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" class="confirm" { (lang.t(Key::Confirm)) }
                            } " "
                            form.inline method="post" action={"/banking/matches/" (id) "/reject"} {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" class="secondary reject" { (lang.t(Key::Reject)) }
                            }
                            details {
                                summary { (lang.t(Key::OtherInvoice)) }
                                form method="post" action={"/banking/transactions/" (tx_of(&suggestions, *id)) "/assign"} {
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
            div.scroll { table #matched {
                (head)
                tbody { @for (id, by, cells) in &done { tr {
                    (cells)
                    td {
                        span.muted { (by.as_deref().unwrap_or("")) } br;
                        form.inline method="post" action={"/banking/matches/" (id) "/undo"} {
                            input type="hidden" name="csrf" value=(csrf);
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
    Form(f): Form<CsrfForm>,
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
    match result {
        Ok(k) => state.sessions.flash(&current.id, true, lang.t(k)),
        Err(e) => state
            .sessions
            .flash(&current.id, false, super::explain(lang, &e)),
    }
    back("/banking/review")
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
        Err(e) => state
            .sessions
            .flash(&current.id, false, super::explain(lang, &e)),
    }
    back("/banking/review")
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
        let (de, _) = reason_lines(Lang::De, &m);
        assert_eq!(
            de[0],
            "+40 bekannter Zahler (gelernt aus Entscheidung vom 2026-12-02)"
        );
        assert_eq!(de[1], "+30 amount equals the open amount");
        let (en, _) = reason_lines(Lang::En, &m);
        assert_eq!(
            en[0],
            "+40 known payer (learned from decision on 2026-12-02)"
        );
    }
}
