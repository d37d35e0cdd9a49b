//! The simulated clock, the evolving ledger, consents that end and the daily allowance, through
//! real requests: mutual TLS and signatures on the API port, plain HTTP on the control routes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{control, start};
use serde_json::{Value, json};
use time::macros::datetime;

const START: time::OffsetDateTime = datetime!(2026-03-02 12:00 UTC);

fn now_of(answer: &common::Answer) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        answer.json()["now"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

#[tokio::test]
async fn control_routes_are_404_without_clock_control() {
    let env = start(|_| {}).await;
    let account = env.sandbox.ground_truth().profiles[0].accounts[0]
        .resource_id
        .clone();
    for (method, path, body) in [
        ("GET", "/__sandbox/clock".to_owned(), ""),
        (
            "POST",
            "/__sandbox/clock".to_owned(),
            r#"{"advance_days": 1}"#,
        ),
        ("GET", format!("/__sandbox/ledger?account={account}"), ""),
        ("GET", "/__sandbox/allowance".to_owned(), ""),
    ] {
        let a = control(&env.sandbox, method, &path, body).await;
        assert_eq!(a.status, 404, "{method} {path}");
    }
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn the_clock_starts_at_the_start_date_and_only_moves_forward() {
    let env = start(|c| {
        c.start = Some(START);
        c.clock_control = true;
    })
    .await;
    let a = control(&env.sandbox, "GET", "/__sandbox/clock", "").await;
    assert_eq!(a.status, 200);
    let now = now_of(&a);
    assert!(
        now >= START && now - START < time::Duration::minutes(1),
        "{now}"
    );
    assert_eq!(env.sandbox.now().date(), START.date());

    let a = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"advance_days": 3}"#,
    )
    .await;
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(now_of(&a).date(), datetime!(2026-03-05 0:00 UTC).date());
    assert_eq!(env.sandbox.now().date(), now_of(&a).date());

    let back = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"now": "2026-03-04T12:00:00Z"}"#,
    )
    .await;
    assert_eq!(back.status, 400);
    assert!(
        back.json()["message"]
            .as_str()
            .unwrap()
            .contains("backwards"),
        "{}",
        back.json()
    );
    let negative = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"advance_days": -1}"#,
    )
    .await;
    assert_eq!(negative.status, 400);
    assert_eq!(
        env.sandbox.now().date(),
        datetime!(2026-03-05 0:00 UTC).date()
    );

    let set = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"now": "2026-04-01T08:30:00Z"}"#,
    )
    .await;
    assert_eq!(set.status, 200);
    assert!(now_of(&set) >= datetime!(2026-04-01 08:30 UTC));
    let seconds = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"advance_seconds": 86400}"#,
    )
    .await;
    assert_eq!(
        now_of(&seconds).date(),
        datetime!(2026-04-02 0:00 UTC).date()
    );
    assert!(env.sandbox.set_now(START).is_err());
    env.sandbox.shutdown().await;
}

/// Every booked entry of the window over all pages, and the first page's pending entries.
async fn fetch_all(
    env: &common::Env,
    access: &str,
    account: &str,
    from: &str,
    to: &str,
) -> (Vec<Value>, Vec<Value>) {
    let mut booked = Vec::new();
    let mut pending = Vec::new();
    let mut target =
        format!("/v3/accounts/{account}/transactions?dateFrom={from}&dateTo={to}&limit=7");
    let mut pages = 0;
    loop {
        let a = env.client.ais(access, &target).await;
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        let v = a.json();
        booked.extend(
            v["transactions"]["booked"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        pending.extend(
            v["transactions"]["pending"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        pages += 1;
        match v["transactions"]["_links"]["next"]["href"].as_str() {
            Some(next) => target = next.to_owned(),
            None => break,
        }
    }
    assert!(pages > 1, "the window should need several pages");
    (booked, pending)
}

#[tokio::test]
async fn the_transactions_endpoint_serves_exactly_the_ledger_of_the_simulated_day() {
    let env = start(|c| {
        c.start = Some(START);
        c.clock_control = true;
        c.evolve = true;
    })
    .await;
    let account = env.sandbox.ground_truth().profiles[0].accounts[0]
        .resource_id
        .clone();
    let before = env.sandbox.ledger(&account).unwrap();
    let a = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"advance_days": 30}"#,
    )
    .await;
    assert_eq!(a.status, 200);
    let app = env.client.app_token().await;
    let tokens = env.client.consent(&env.sandbox, &app, "profile-1").await;
    let access = tokens["access_token"].as_str().unwrap();

    let truth = control(
        &env.sandbox,
        "GET",
        &format!("/__sandbox/ledger?account={account}"),
        "",
    )
    .await;
    assert_eq!(truth.status, 200);
    let truth = truth.json();
    let ledger = env.sandbox.ledger(&account).unwrap();
    assert_eq!(ledger.day, datetime!(2026-04-01 0:00 UTC).date());
    assert!(
        ledger.booked.len() > before.booked.len() + 60,
        "30 days add 2–6 bookings a day"
    );
    assert_eq!(
        truth["booked"].as_array().unwrap().len(),
        ledger.booked.len()
    );
    assert_eq!(
        truth["pending"].as_array().unwrap().len(),
        ledger.pending.len()
    );

    let (from, to) = ("2026-03-10", "2026-04-01");
    let (booked, pending) = fetch_all(&env, access, &account, from, to).await;
    let in_window = |t: &&Value| {
        let d = t["bookingDate"].as_str().unwrap();
        d >= from && d <= to
    };
    let expected: Vec<Value> = truth["booked"]
        .as_array()
        .unwrap()
        .iter()
        .filter(in_window)
        .cloned()
        .collect();
    assert!(expected.len() > 40, "{}", expected.len());
    assert_eq!(booked, expected);
    let expected_pending: Vec<Value> = truth["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            let d = t["valueDate"].as_str().unwrap();
            d >= from && d <= to
        })
        .cloned()
        .collect();
    assert_eq!(pending, expected_pending);
    assert!(pending.iter().all(|t| t.get("transactionId").is_none()));

    let balances = env
        .client
        .ais(access, &format!("/v3/accounts/{account}/balances"))
        .await
        .json();
    let closing = &balances["balances"][0];
    assert_eq!(closing["balanceType"], "closingBooked");
    assert_eq!(
        closing["balanceAmount"]["amount"].as_str().unwrap(),
        ledger.booked_balance.round_dp(2).to_string()
    );
    assert_eq!(
        balances["balances"][1]["balanceAmount"]["amount"]
            .as_str()
            .unwrap(),
        ledger.expected_balance.round_dp(2).to_string()
    );
    // A cursor whose window is turned around (only a hand-made one can be) gives an empty page.
    let first = env
        .client
        .ais(
            access,
            &format!("/v3/accounts/{account}/transactions?dateFrom={from}&dateTo={to}&limit=7"),
        )
        .await
        .json();
    let href = first["transactions"]["_links"]["next"]["href"]
        .as_str()
        .unwrap();
    let encoded = href.split("next=").nth(1).unwrap();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut cursor: Value = serde_json::from_slice(&b64.decode(encoded).unwrap()).unwrap();
    let (f, t) = (cursor["f"].clone(), cursor["t"].clone());
    cursor["f"] = t;
    cursor["t"] = f;
    let turned = format!(
        "/v3/accounts/{account}/transactions?next={}",
        b64.encode(serde_json::to_vec(&cursor).unwrap())
    );
    let a = env.client.ais(access, &turned).await;
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["transactions"]["booked"], json!([]));

    // Nor can a cursor dated in the future show what has not happened yet.
    let fetch = |c: &Value| {
        format!(
            "/v3/accounts/{account}/transactions?next={}",
            b64.encode(serde_json::to_vec(c).unwrap())
        )
    };
    let mut cursor: Value = serde_json::from_slice(&b64.decode(encoded).unwrap()).unwrap();
    cursor["o"] = json!(0);
    cursor["l"] = json!(1000);
    cursor["t"] = cursor["d"].clone();
    let as_of_today = env.client.ais(access, &fetch(&cursor)).await.json();
    assert!(
        !as_of_today["transactions"]["booked"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let mut future = cursor.clone();
    future["d"] = serde_json::to_value(datetime!(2027-01-01 0:00 UTC).date()).unwrap();
    future["t"] = future["d"].clone();
    let future = env.client.ais(access, &fetch(&future)).await;
    assert_eq!(
        future.status,
        200,
        "{}",
        String::from_utf8_lossy(&future.body)
    );
    assert_eq!(
        future.json()["transactions"]["booked"],
        as_of_today["transactions"]["booked"]
    );

    let unknown = control(&env.sandbox, "GET", "/__sandbox/ledger?account=nope", "").await;
    assert_eq!(unknown.status, 404);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_consent_ends_after_consent_days_and_a_new_one_lists_the_same_accounts() {
    let env = start(|c| {
        c.start = Some(START);
        c.consent_days = 5;
    })
    .await;
    let app = env.client.app_token().await;
    let tokens = env.client.consent(&env.sandbox, &app, "profile-2").await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let life = tokens["refresh_token_expires_in"].as_i64().unwrap();
    assert!((5 * 86_400 - 60..=5 * 86_400).contains(&life), "{life}");
    let listed = |v: &Value| -> Vec<String> {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["resourceId"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = env.client.ais(&access, "/v3/accounts").await;
    assert_eq!(first.status, 200);
    let first = listed(&first.json());
    assert_eq!(first.len(), 2);

    // Four days on, the consent still holds: the refresh works (and rotates).
    env.sandbox.advance_clock(Duration::from_secs(4 * 86_400));
    let app = env.client.app_token().await;
    let refreshed = env.client.refresh(&app, &refresh).await;
    assert_eq!(
        refreshed.status,
        200,
        "{}",
        String::from_utf8_lossy(&refreshed.body)
    );
    let refreshed = refreshed.json();
    let access = refreshed["access_token"].as_str().unwrap().to_owned();
    let refresh = refreshed["refresh_token"].as_str().unwrap().to_owned();
    let left = refreshed["refresh_token_expires_in"].as_i64().unwrap();
    assert!(
        left <= 86_400 && left > 86_000,
        "refresh lives as long as the consent: {left}"
    );
    assert_eq!(env.client.ais(&access, "/v3/accounts").await.status, 200);

    // A day and a bit later it has ended.
    env.sandbox.advance_clock(Duration::from_secs(86_400 + 60));
    let app = env.client.app_token().await;
    let failed = env.client.refresh(&app, &refresh).await;
    assert_eq!(failed.status, 400);
    assert!(
        failed.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid_grant"),
        "{}",
        failed.json()
    );
    let refused = env.client.ais(&access, "/v3/accounts").await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.code(), "CONSENT_EXPIRED");

    // A new consent for the same profile: the same accounts.
    let tokens = env.client.consent(&env.sandbox, &app, "profile-2").await;
    let again = env
        .client
        .ais(tokens["access_token"].as_str().unwrap(), "/v3/accounts")
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(listed(&again.json()), first);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn the_fifth_unattended_call_of_a_simulated_day_is_refused_and_the_next_day_is_fresh() {
    let env = start(|c| {
        c.start = Some(START);
        c.clock_control = true;
        c.evolve = true;
        c.unattended_daily_budget = Some(4);
    })
    .await;
    let account = env.sandbox.ground_truth().profiles[0].accounts[0]
        .resource_id
        .clone();
    let other = env.sandbox.ground_truth().profiles[0].accounts[1]
        .resource_id
        .clone();
    let app = env.client.app_token().await;
    let tokens = env.client.consent(&env.sandbox, &app, "profile-1").await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

    // The list of accounts is per consent, not per account: it does not count.
    for _ in 0..3 {
        assert_eq!(env.client.ais(&access, "/v3/accounts").await.status, 200);
    }
    // Two transaction pages and two balances: four calls.
    let first = env
        .client
        .ais(
            &access,
            &format!("/v3/accounts/{account}/transactions?dateFrom=2025-01-01&limit=5"),
        )
        .await;
    assert_eq!(first.status, 200);
    let next = first.json()["transactions"]["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.client.ais(&access, &next).await.status, 200);
    for _ in 0..2 {
        let a = env
            .client
            .ais(&access, &format!("/v3/accounts/{account}/balances"))
            .await;
        assert_eq!(a.status, 200);
    }
    let fifth = env
        .client
        .ais(&access, &format!("/v3/accounts/{account}/balances"))
        .await;
    assert_eq!(fifth.status, 429);
    assert_eq!(fifth.code(), "ACCESS_EXCEEDED");
    // A page is a call too.
    let page = env.client.ais(&access, &next).await;
    assert_eq!(page.status, 429);
    // The customer present, or another account: not limited.
    assert_eq!(
        env.client
            .ais_attended(&access, &format!("/v3/accounts/{account}/balances"))
            .await
            .status,
        200
    );
    assert_eq!(
        env.client
            .ais(&access, &format!("/v3/accounts/{other}/balances"))
            .await
            .status,
        200
    );

    // The next simulated day has a fresh allowance.
    let a = control(
        &env.sandbox,
        "POST",
        "/__sandbox/clock",
        r#"{"advance_days": 1}"#,
    )
    .await;
    assert_eq!(a.status, 200);
    let app = env.client.app_token().await;
    let refreshed = env.client.refresh(&app, &refresh).await;
    assert_eq!(
        refreshed.status,
        200,
        "{}",
        String::from_utf8_lossy(&refreshed.body)
    );
    let refreshed = refreshed.json();
    let access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(
        env.client
            .ais(access, &format!("/v3/accounts/{account}/balances"))
            .await
            .status,
        200
    );

    let counted = control(&env.sandbox, "GET", "/__sandbox/allowance", "").await;
    assert_eq!(counted.status, 200);
    assert_eq!(
        counted.json(),
        json!({
            account.clone(): { "2026-03-02": 4, "2026-03-03": 1 },
            other.clone(): { "2026-03-02": 1 },
        })
    );
    let refused = control(&env.sandbox, "GET", "/__sandbox/allowance?refused=true", "").await;
    assert_eq!(
        refused.json(),
        json!({ account.clone(): { "2026-03-02": 2 } })
    );
    assert_eq!(
        env.sandbox.allowance()[&account][&datetime!(2026-03-02 0:00 UTC).date()],
        4
    );
    env.sandbox.shutdown().await;
}
