//! What production ING and its gateways expect beyond the sandbox's minimum, checked against the
//! local ING over real mutual TLS: a `User-Agent` on every request, the `keyId` with the QSealC's
//! issuer for gateways that want it, transaction pages reached through the account's own link.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use ing_psd2::{Client, Config, Environment, KeyIdFormat, RequestOptions, TransactionQuery};

/// A client for `env`'s sandbox built by `tweak` from the usual settings.
fn client_with(
    env: &common::Env,
    tweak: impl FnOnce(ing_psd2::ConfigBuilder) -> ing_psd2::ConfigBuilder,
) -> Client {
    let builder = Config::builder()
        .environment(Environment::Custom(env.sandbox.api_url().parse().unwrap()))
        .certificate_dir(env.dir.path())
        .extra_root_pem(env.sandbox.ca_cert_pem())
        .retry(common::fast_retries())
        .timeout(Duration::from_secs(10));
    Client::new(tweak(builder).build().unwrap()).unwrap()
}

/// Every request names the software that sent it, `ing-psd2/<version>` unless the embedding
/// application names itself: ING's operators can then tell which client misbehaves.
#[tokio::test]
async fn every_request_carries_the_user_agent() {
    let env = common::start(|_| {}).await;
    let tokens = common::consent(&env, "profile-1").await;
    env.client
        .accounts(&tokens.access_token, RequestOptions::default())
        .await
        .unwrap();
    let seen = env.sandbox.requests_seen();
    assert!(seen.len() >= 4, "token, URL, code, accounts: {seen:?}");
    let expected = format!("ing-psd2/{}", env!("CARGO_PKG_VERSION"));
    for r in &seen {
        assert_eq!(r.user_agent.as_deref(), Some(expected.as_str()), "{r:?}");
    }

    let embedder = client_with(&env, |b| b.user_agent("acme-books/2.1 (ops@acme.example)"));
    embedder.client_id().await.unwrap();
    let last = env.sandbox.requests_seen().pop().unwrap();
    assert_eq!(last.target, "/oauth2/token");
    assert_eq!(
        last.user_agent.as_deref(),
        Some("acme-books/2.1 (ops@acme.example)")
    );

    // A value that cannot be a header is refused when the configuration is built.
    let err = Config::builder()
        .environment(Environment::Custom(env.sandbox.api_url().parse().unwrap()))
        .certificate_dir(env.dir.path())
        .extra_root_pem(env.sandbox.ca_cert_pem())
        .user_agent("two\nlines")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("user agent"), "{err}");
    env.sandbox.shutdown().await;
}

/// The application-token request is signed with `keyId="SN=<serial>"` by default, and with
/// `SN=<serial>,CA=<issuer, RFC 2253>` when configured; the sandbox checks the issuer against the
/// certificate and issues the token either way.
#[tokio::test]
async fn the_key_id_names_the_issuer_when_asked_to() {
    let env = common::start(|_| {}).await;
    let serial = env
        .client
        .config()
        .credentials()
        .signing()
        .serial_hex()
        .to_owned();
    env.client.client_id().await.unwrap();
    let plain = env.sandbox.requests_seen().pop().unwrap();
    assert_eq!(plain.target, "/oauth2/token");
    assert_eq!(plain.key_id, Some(format!("SN={serial}")));

    let with_issuer = client_with(&env, |b| b.key_id_format(KeyIdFormat::SerialAndIssuer));
    assert_eq!(
        with_issuer.config().key_id_format(),
        KeyIdFormat::SerialAndIssuer
    );
    with_issuer.client_id().await.unwrap();
    let seen = env.sandbox.requests_seen().pop().unwrap();
    assert_eq!(seen.target, "/oauth2/token");
    // The local CA is C=NL, O=Local ING Sandbox, CN=Local ING Sandbox CA, in that order.
    assert_eq!(
        seen.key_id,
        Some(format!(
            "SN={serial},CA=CN=Local ING Sandbox CA,O=Local ING Sandbox,C=NL"
        ))
    );
    // The token works for the rest of the flow.
    let tokens = common::consent(
        &common::Env {
            sandbox: env.sandbox,
            client: with_issuer,
            certs: env.certs,
            dir: env.dir,
        },
        "profile-1",
    )
    .await;
    assert!(tokens.refresh_token.is_some());
}

/// The account list names where an account's transactions are (`_links.transactions.href`, with
/// `currency=` in ING's recordings); the client starts there with the dates added, and every
/// booked entry arrives once.
#[tokio::test]
async fn transactions_start_at_the_accounts_own_link() {
    let env = common::start(|_| {}).await;
    let tokens = common::consent(&env, "profile-1").await;
    let accounts = env
        .client
        .accounts(&tokens.access_token, RequestOptions::default())
        .await
        .unwrap();
    let account = &accounts[0];
    let href = account.links.transactions.as_ref().unwrap().href.clone();
    assert!(href.contains("currency="), "{href}");
    let today = env.sandbox.now().date();
    let query = TransactionQuery {
        date_from: today - time::Duration::days(365),
        date_to: today,
        limit: 25,
    };
    let pages = env.client.transaction_pages_via_link(
        &tokens.access_token,
        &href,
        &query,
        RequestOptions::default(),
    );
    futures::pin_mut!(pages);
    let mut booked = 0;
    while let Some(page) = futures::TryStreamExt::try_next(&mut pages).await.unwrap() {
        booked += page.transactions.booked.len();
    }
    let first = env
        .sandbox
        .requests_seen()
        .into_iter()
        .find(|r| r.target.contains("/transactions?") && !r.target.contains("next="))
        .unwrap();
    assert_eq!(
        first.target,
        format!(
            "{href}&dateFrom={}&dateTo={today}&limit=25",
            query.date_from
        )
    );
    let truth = env.sandbox.ledger(&account.resource_id).unwrap();
    let expected = truth
        .booked
        .iter()
        .filter(|t| t.date() >= query.date_from && t.date() <= query.date_to)
        .count();
    assert_eq!(booked, expected);

    // A link to another host is not followed: the access token would go with it.
    let err = env
        .client
        .transactions_path_from_link(
            "https://elsewhere.example/v3/accounts/a/transactions",
            &query,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            ing_psd2::Error::Protocol {
                answer: "account list",
                ..
            }
        ),
        "{err:?}"
    );
    env.sandbox.shutdown().await;
}
