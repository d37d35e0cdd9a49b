//! The whole flow against the local ING over real mutual TLS: application token, authorization
//! URL, consent, code exchange, refresh, accounts, balances, and thousands of transactions over
//! many pages — each exactly once — also under injected faults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use ing_psd2::{Error, RequestOptions, TransactionQuery};
use ing_sandbox::data::Status;
use ing_sandbox::{DataConfig, FaultConfig};

fn window(years: i64) -> TransactionQuery {
    let today = time::OffsetDateTime::now_utc().date();
    TransactionQuery {
        date_from: today - time::Duration::days(365 * years),
        date_to: today,
        limit: 250,
    }
}

#[tokio::test]
async fn consent_accounts_balances_and_ten_thousand_transactions_each_once() {
    let env = common::start(|c| {
        c.data = DataConfig {
            profiles: 1,
            accounts_per_profile: 1,
            transactions_per_account: 10_000,
            years: 2,
            ..DataConfig::default()
        };
    })
    .await;
    let tokens = common::consent(&env, "profile-1").await;
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.scope.contains("payment-accounts:transactions:view"));

    // Refresh gives a working new access token.
    let refreshed = env
        .client
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    assert_ne!(
        refreshed.access_token.secret(),
        tokens.access_token.secret()
    );

    let accounts = env
        .client
        .accounts(&refreshed.access_token, RequestOptions::default())
        .await
        .unwrap();
    let truth = &env.sandbox.ground_truth().profiles[0].accounts[0];
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].resource_id, truth.resource_id);
    assert_eq!(accounts[0].iban.as_deref(), Some(truth.iban.as_str()));

    let balances = env
        .client
        .balances(
            &refreshed.access_token,
            &truth.resource_id,
            RequestOptions::default(),
        )
        .await
        .unwrap();
    let booked_balance = balances
        .balances
        .iter()
        .find(|b| b.balance_type == ais_model::BalanceType::ClosingBooked)
        .unwrap();
    assert_eq!(booked_balance.balance_amount.amount, truth.booked_balance());

    let handshakes_before = env.sandbox.stats().tls_handshakes;
    let set = env
        .client
        .all_transactions(
            &refreshed.access_token,
            &truth.resource_id,
            &window(3),
            RequestOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        set.pages, 40,
        "10,000 entries less 2 pending in pages of 250"
    );
    let expected: HashSet<&str> = truth
        .transactions
        .iter()
        .filter(|t| t.status == Status::Booked)
        .filter_map(|t| t.transaction_id.as_deref())
        .collect();
    let got: Vec<&str> = set
        .booked
        .iter()
        .filter_map(|t| t.transaction_id.as_deref())
        .collect();
    assert_eq!(got.len(), expected.len(), "every booked entry once");
    assert_eq!(got.iter().copied().collect::<HashSet<_>>(), expected);
    assert_eq!(
        set.pending.len(),
        truth
            .transactions
            .iter()
            .filter(|t| t.status == Status::Pending)
            .count()
    );
    let sum: ais_model::Decimal = set.booked.iter().filter_map(|t| t.amount()).sum();
    let truth_sum: ais_model::Decimal = truth
        .transactions
        .iter()
        .filter(|t| t.status == Status::Booked)
        .map(|t| t.amount)
        .sum();
    assert_eq!(sum, truth_sum, "amounts are exact");
    // Counterparties come from the right side.
    for (t, g) in set.booked.iter().zip(set.booked.iter().map(|t| {
        truth
            .transactions
            .iter()
            .find(|x| x.transaction_id == t.transaction_id)
            .unwrap()
    })) {
        assert_eq!(t.counterparty().name, Some(g.counterparty_name.as_str()));
    }
    assert_eq!(
        env.sandbox.stats().tls_handshakes,
        handshakes_before,
        "the pooled connection is reused for all 40 pages"
    );
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn the_same_sync_completes_under_rate_limits_outages_and_dropped_connections() {
    let faults = FaultConfig {
        seed: 9,
        rate_limited: 0.1,
        retry_after_secs: 0,
        unavailable: 0.1,
        server_error: 0.05,
        dropped: 0.1,
        truncated: 0.05,
        ..FaultConfig::default()
    };
    let env = common::start(|c| {
        c.data = DataConfig {
            profiles: 1,
            accounts_per_profile: 1,
            transactions_per_account: 1_500,
            ..DataConfig::default()
        };
        c.faults = faults;
    })
    .await;
    let tokens = common::consent(&env, "profile-1").await;
    let truth = &env.sandbox.ground_truth().profiles[0].accounts[0];
    let mut q = window(3);
    q.limit = 50;
    let set = env
        .client
        .all_transactions(
            &tokens.access_token,
            &truth.resource_id,
            &q,
            RequestOptions::default(),
        )
        .await
        .unwrap();
    let ids: Vec<_> = set
        .booked
        .iter()
        .filter_map(|t| t.transaction_id.clone())
        .collect();
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len());
    assert_eq!(
        ids.len(),
        truth
            .transactions
            .iter()
            .filter(|t| t.status == Status::Booked)
            .count()
    );
    assert!(
        env.sandbox.stats().faults_injected >= 5,
        "faults were injected: {:?}",
        env.sandbox.stats()
    );
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn expired_access_token_then_refresh() {
    let env = common::start(|_| {}).await;
    let tokens = common::consent(&env, "profile-1").await;
    env.sandbox.advance_clock(Duration::from_secs(16 * 60));
    let err = env
        .client
        .accounts(&tokens.access_token, RequestOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { code, .. } if code == "TOKEN_EXPIRED"),
        "{err:?}"
    );
    // The application token expired at the bank too, while the client's clock says it is
    // fresh: the client drops it when ING refuses it and renews it by itself.
    let fresh = env
        .client
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    assert_eq!(
        env.client
            .accounts(&fresh.access_token, RequestOptions::default())
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn revoked_consent_is_its_own_error() {
    let env = common::start(|_| {}).await;
    let tokens = common::consent(&env, "profile-2").await;
    env.sandbox.revoke_all_consents();
    let err = env
        .client
        .accounts(&tokens.access_token, RequestOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConsentExpired(_)), "{err:?}");
    let err = env
        .client
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConsentExpired(_)), "{err:?}");
}

#[tokio::test]
async fn authorization_codes_are_single_use() {
    let env = common::start(|_| {}).await;
    let url = env
        .client
        .authorization_url(&ing_psd2::AuthorizationRequest {
            scopes: vec![ing_psd2::SCOPE_BALANCES.into()],
            redirect_uri: common::REDIRECT.into(),
            state: "s".into(),
            country_code: "DE".into(),
        })
        .await
        .unwrap();
    assert!(
        url.as_str().contains("/granting/") && url.as_str().contains("/DE?"),
        "{url}"
    );
    let redirect = url::Url::parse(
        &env.sandbox
            .grant_consent(url.as_str(), "profile-1")
            .await
            .unwrap(),
    )
    .unwrap();
    let code = ing_psd2::AuthorizationCode::new(
        redirect
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned(),
    );
    let tokens = env
        .client
        .exchange_code(&code, Some(common::REDIRECT))
        .await
        .unwrap();
    let err = env
        .client
        .exchange_code(&code, Some(common::REDIRECT))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidGrant(_)), "{err:?}");
    // Only the balances scope was granted: transactions are forbidden.
    let account = env.sandbox.ground_truth().profiles[0].accounts[0]
        .resource_id
        .clone();
    let err = env
        .client
        .all_transactions(
            &tokens.access_token,
            &account,
            &window(1),
            RequestOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    // An account of another profile is unknown to this consent.
    let other = env.sandbox.ground_truth().profiles[1].accounts[0]
        .resource_id
        .clone();
    let err = env
        .client
        .balances(&tokens.access_token, &other, RequestOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn the_daily_budget_answers_rate_limited_unless_the_customer_is_present() {
    let env = common::start(|c| c.unattended_daily_budget = Some(4)).await;
    let tokens = common::consent(&env, "profile-1").await;
    let account = env.sandbox.ground_truth().profiles[0].accounts[0]
        .resource_id
        .clone();
    for _ in 0..4 {
        env.client
            .balances(&tokens.access_token, &account, RequestOptions::default())
            .await
            .unwrap();
    }
    let no_retry = {
        let c = ing_psd2::Config::builder()
            .environment(ing_psd2::Environment::Custom(
                env.sandbox.api_url().parse().unwrap(),
            ))
            .certificate_dir(env.dir.path())
            .extra_root_pem(env.sandbox.ca_cert_pem())
            .retry(ing_psd2::RetryPolicy::none())
            .build()
            .unwrap();
        ing_psd2::Client::new(c).unwrap()
    };
    let err = no_retry
        .balances(&tokens.access_token, &account, RequestOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::RateLimited { message, .. } if message.contains("exceeded")),
        "{err:?}"
    );
    let present = RequestOptions::for_psu(Some("192.0.2.10".parse().unwrap()));
    no_retry
        .balances(&tokens.access_token, &account, present)
        .await
        .unwrap();
    assert_eq!(env.sandbox.stats().unattended_calls.get(&account), Some(&4));
}
