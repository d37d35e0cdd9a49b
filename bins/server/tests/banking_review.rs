//! The banking page's review hygiene and language (issue 17, points 4 and 5), through HTTP as a
//! browser sends it (curl with a cookie jar, German `Accept-Language`), on a real server in
//! `local` mode with its SQLite file:
//!
//! - a suggestion whose invoice another decision settled leaves the queue, and confirming it from
//!   a stale page says so in words (never the store's `conflict:` text);
//! - one confidence scale (a percentage; no matcher points or "score 45 … 80");
//! - a difference within the tolerance is named (Skonto, 240,00 €), never "rounding";
//! - an unmatched incoming payment is matched by hand from the transactions list;
//! - a connection is disconnected after a confirmation page, with the CSRF check;
//! - balance types, run outcomes and states read in German, none of the raw words.
//!
//! The rows are written straight into storage (a test may; the server may not), so every case
//! is exact rather than whatever the sandbox's generated data happens to hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use storage::{
    BookingStatus, ConnectionStatus, InvoiceKind, MatchMethod, MatchReasons, MatchStatus,
    NewAccount, NewBalance, NewConnection, NewInvoice, NewSuggestion, NewTransaction, ReasonLine,
    SyncFinish, SyncOutcome, SyncTrigger,
};
use time::OffsetDateTime;
use time::macros::date;

const TOKEN: &str = "banking-review-api-token-0123";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
const DE: &str = "de-DE,de;q=0.9";

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

fn invoice(number: &str, total: &str) -> NewInvoice {
    NewInvoice {
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_name: "Schmidt Bau GmbH".into(),
        customer_number: None,
        customer_ibans: vec![],
        total: dec(total),
        currency: "EUR".into(),
        issue_date: date!(2026 - 11 - 01),
        due_date: Some(date!(2026 - 11 - 30)),
        creditor_reference: None,
    }
}

fn payment(id: &str, amount: &str, text: &str) -> NewTransaction {
    NewTransaction {
        bank_transaction_id: Some(id.into()),
        entry_reference: None,
        end_to_end_id: None,
        booking_date: Some(date!(2026 - 11 - 20)),
        value_date: Some(date!(2026 - 11 - 20)),
        amount: dec(amount),
        currency: "EUR".into(),
        counterparty_name: Some("Schmidt Bau GmbH".into()),
        counterparty_iban: None,
        remittance_unstructured: Some(text.into()),
        remittance_structured: None,
        bank_transaction_code: None,
        status: BookingStatus::Booked,
        raw_json: serde_json::json!({}),
    }
}

/// A suggestion as the matcher stores it: a typed reason beside its English sentence, and the
/// held-back sentence with the matcher's points.
fn suggestion(invoice_id: i64, amount: &str, reason: reconcile::Reason) -> NewSuggestion {
    NewSuggestion {
        invoice_id,
        amount: dec(amount),
        confidence: dec("0.51"),
        reasons: MatchReasons {
            reasons: vec![ReasonLine {
                points: 25,
                text: reason.to_string(),
                signal: serde_json::to_value(&reason).ok(),
                ..ReasonLine::default()
            }],
            held_back: Some(
                reconcile::HeldBack::BelowThreshold {
                    score: 45,
                    threshold: 80,
                }
                .to_string(),
            ),
            ..MatchReasons::default()
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_hygiene_match_by_hand_disconnect_and_german_words() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let db = started.sync.db();

    // A connection with one account, its balances and a finished sync run.
    let connection = db
        .create_connection(
            &NewConnection {
                environment: "local".into(),
                client_id: "5ca1ab1e-c0ca-c01a-cafe-154deadbea75".into(),
                scopes: "payment-accounts:balances:view payment-accounts:transactions:view".into(),
                granted_at: OffsetDateTime::now_utc(),
                valid_until: Some(OffsetDateTime::now_utc() + time::Duration::days(90)),
            },
            "access-token-not-used",
        )
        .await
        .unwrap();
    let (account, _) = db
        .upsert_account(&NewAccount {
            connection_id: connection.id.clone(),
            resource_id: "acc-review".into(),
            iban: Some("DE89370400440532013000".into()),
            name: "Geschäftskonto".into(),
            bank_name: "ING".into(),
            currency: "EUR".into(),
            product: None,
        })
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    db.record_balances(
        account.id,
        &[
            NewBalance {
                balance_type: "closingBooked".into(),
                amount: dec("12000.00"),
                currency: "EUR".into(),
                reference_date: None,
            },
            NewBalance {
                balance_type: "interimAvailable".into(),
                amount: dec("11500.00"),
                currency: "EUR".into(),
                reference_date: None,
            },
        ],
        now,
    )
    .await
    .unwrap();
    let run = db
        .start_sync_run(account.id, SyncTrigger::User, None, None, now)
        .await
        .unwrap();
    db.finish_sync_run(
        run,
        &SyncFinish {
            outcome: SyncOutcome::Succeeded,
            fetched: 4,
            imported: 4,
            skipped: 0,
            updated: 0,
            ing_calls: 1,
            error: None,
            watermark: None,
            next_attempt_at: None,
        },
        now,
    )
    .await
    .unwrap();
    db.import_page(
        account.id,
        &[
            payment("P1", "100.00", "RV-77-7001"),
            payment("P2", "100.00", "Rechnung"),
            payment("P3", "7760.00", "RV-77-7002"),
            payment("P4", "55.00", "ohne Angabe"),
        ],
    )
    .await
    .unwrap();
    db.upsert_invoices(&[
        invoice("RV-77-7001", "100.00"),
        invoice("RV-77-7002", "8000.00"),
        invoice("RV-77-7003", "55.00"),
    ])
    .await
    .unwrap();
    let stored = db.transactions(account.id).await.unwrap();
    let tx = |bank_id: &str| {
        stored
            .iter()
            .find(|t| t.bank_transaction_id.as_deref() == Some(bank_id))
            .unwrap()
            .id
    };
    let (p1, p2, p3, p4) = (tx("P1"), tx("P2"), tx("P3"), tx("P4"));
    let mut ids = Vec::new();
    for n in ["RV-77-7001", "RV-77-7002", "RV-77-7003"] {
        ids.push(db.invoice_by_number(n).await.unwrap().unwrap().id);
    }
    let (i1, i2, i3) = (ids[0], ids[1], ids[2]);
    let exact = reconcile::Reason::AmountExact {
        amount: dec("100.00"),
    };
    // Two payments of 100.00 suggested for the same invoice of 100.00.
    db.record_suggestions(p1, &[suggestion(i1, "100.00", exact.clone())])
        .await
        .unwrap();
    db.record_suggestions(p2, &[suggestion(i1, "100.00", exact)])
        .await
        .unwrap();
    // 7,760.00 paid on 8,000.00: 240.00 (3 %) short, within the matcher's 3 % tolerance.
    db.record_suggestions(
        p3,
        &[suggestion(
            i2,
            "7760.00",
            reconcile::Reason::AmountWithinTolerance {
                difference: dec("-240.00"),
            },
        )],
    )
    .await
    .unwrap();

    let jar = common::sign_in(dir.path(), &base, "Anna", TOKEN).await;
    let get = |path: &str| {
        let (jar, url) = (jar.clone(), format!("{base}{path}"));
        async move {
            let (code, page) = common::browser_in(&jar, DE, "GET", &url, &[]).await;
            assert_eq!(code, 200, "{url}: {page}");
            page
        }
    };
    let post = |path: &str, form: Vec<(&'static str, String)>| {
        let (jar, url) = (jar.clone(), format!("{base}{path}"));
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            common::browser_in(&jar, DE, "POST", &url, &pairs).await.0
        }
    };

    // One scale, named differences, German words.
    let review = get("/banking/review").await;
    let csrf = csrf_of(&review);
    assert!(review.contains("51 %"), "confidence as a percentage");
    assert!(
        !review.contains("0.51") && !review.contains("0,51"),
        "{review}"
    );
    assert!(
        review.contains("Sicherheit 51 % liegt unter den nötigen 90 %"),
        "held back on the same scale: {review}"
    );
    assert!(
        !review.contains("score") && !review.contains("+25"),
        "no points"
    );
    assert!(
        review.contains("240,00 € (3 %) weniger als offen: sieht nach abgezogenem Skonto aus"),
        "the difference is named with its amount: {review}"
    );
    assert!(!review.contains("rounding") && !review.contains("Rundung"));
    assert!(review.contains("Betrag 100,00 € stimmt genau"), "{review}");

    // Confirm P1's suggestion: invoice 7001 is paid, P2's suggestion for it leaves the queue.
    let queue = db.open_suggestions().await.unwrap();
    let of = |t: i64| queue.iter().find(|m| m.transaction_id == t).unwrap().id;
    let (s1, s2) = (of(p1), of(p2));
    let code = post(
        &format!("/banking/matches/{s1}/confirm"),
        vec![("csrf", csrf.clone()), ("tx", p1.to_string())],
    )
    .await;
    assert_eq!(code, 303);
    let left: Vec<i64> = db
        .open_suggestions()
        .await
        .unwrap()
        .iter()
        .map(|m| m.transaction_id)
        .collect();
    assert_eq!(
        left,
        [p3],
        "only the suggestion whose invoice is still open stays"
    );
    let review = get("/banking/review").await;
    assert!(review.contains("Bestätigt."), "{review}");
    // Confirming the stale one from a page loaded before: words, not `conflict:`.
    let code = post(
        &format!("/banking/matches/{s2}/confirm"),
        vec![("csrf", csrf.clone()), ("tx", p2.to_string())],
    )
    .await;
    assert_eq!(code, 303);
    let review = get("/banking/review").await;
    assert!(
        review.contains("Dieser Vorschlag ist nicht mehr offen"),
        "a worded answer: {review}"
    );
    assert!(!review.to_lowercase().contains("conflict"), "{review}");

    // Match by hand from the transactions list: P2 (left unmatched) and P4 have the action.
    let list = get("/banking/transactions").await;
    assert!(
        list.contains(&format!("/banking/transactions/{p4}/match?")),
        "a Match action on an unmatched incoming payment"
    );
    assert!(!list.contains(&format!("/banking/transactions/{p1}/match?")));
    let form = get(&format!("/banking/transactions/{p4}/match")).await;
    assert!(form.contains("RV-77-7003") && form.contains("gleicher Betrag"));
    assert!(
        !form.contains("RV-77-7001"),
        "a paid invoice is not offered"
    );
    let code = post(
        &format!("/banking/transactions/{p4}/match"),
        vec![
            ("csrf", csrf.clone()),
            ("back", "/banking/transactions".into()),
            ("invoice", i3.to_string()),
        ],
    )
    .await;
    assert_eq!(code, 303);
    let made = db.matches_for_transaction(p4).await.unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(
        (made[0].invoice_id, made[0].status, made[0].method),
        (i3, MatchStatus::Confirmed, MatchMethod::Manual)
    );
    assert_eq!(made[0].amount.to_string(), "55.00");
    assert_eq!(made[0].decided_by.as_deref(), Some("Anna"));
    let list = get("/banking/transactions").await;
    assert!(list.contains("Zugeordnet: die Zahlung ist RV-77-7003 zugeordnet."));
    assert!(list.contains(&format!("id=\"tx-{p4}\" tabindex=\"-1\"")));

    // The overview in German: balance types, the run's outcome, the connection's state.
    let overview = get("/banking").await;
    for raw in [
        "closingBooked",
        "interimAvailable",
        "succeeded",
        ">active<",
        "4 / 4 / 0",
    ] {
        assert!(!overview.contains(raw), "raw {raw:?} on the German page");
    }
    assert!(overview.contains("gebucht (Vortagesende)") && overview.contains("jetzt verfügbar"));
    assert!(overview.contains("erfolgreich") && overview.contains(">aktiv<"));

    // Disconnect: a confirmation page first; the form needs the session's CSRF token.
    assert!(overview.contains(&format!(
        "/banking/connections/{}/disconnect",
        connection.id
    )));
    let confirm = get(&format!(
        "/banking/connections/{}/disconnect",
        connection.id
    ))
    .await;
    assert!(confirm.contains("Diese Verbindung trennen?"));
    let path = format!("/banking/connections/{}/disconnect", connection.id);
    let code = post(&path, vec![("csrf", "forged".into())]).await;
    assert_eq!(code, 403);
    assert_eq!(
        db.find_connection(&connection.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        ConnectionStatus::Active
    );
    let code = post(&path, vec![("csrf", csrf.clone())]).await;
    assert_eq!(code, 303);
    assert_eq!(
        db.find_connection(&connection.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        ConnectionStatus::Revoked
    );
    let overview = get("/banking").await;
    assert!(overview.to_lowercase().contains("getrennt"), "{overview}");
    assert!(overview.contains(">widerrufen<"));
    assert!(!overview.contains(&format!("id=\"disconnect-{}\"", connection.id)));
    started.stop().await.unwrap();
}
