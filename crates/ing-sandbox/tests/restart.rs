//! A sandbox started with a state directory remembers, after a restart, the tokens and consents
//! it issued, its clock and its data; a state file it cannot read stops the start with a reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::Client;
use ing_sandbox::{DevCertificates, Sandbox, SandboxConfig, SandboxHandle};
use time::macros::datetime;

const START: time::OffsetDateTime = datetime!(2026-03-02 12:00 UTC);

fn config(certs: &DevCertificates, dir: &std::path::Path) -> SandboxConfig {
    let mut config = SandboxConfig::new(certs.clone());
    config.data.transactions_per_account = 60;
    config.start = Some(START);
    config.evolve = true;
    config.state_dir = Some(dir.to_path_buf());
    config
}

async fn started(certs: &DevCertificates, dir: &std::path::Path) -> (SandboxHandle, Client) {
    let sandbox = Sandbox::start(config(certs, dir)).await.unwrap();
    let client = Client::new(&sandbox, certs);
    (sandbox, client)
}

#[tokio::test]
async fn after_a_restart_the_tokens_the_clock_and_the_data_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox");
    let certs = DevCertificates::generate().unwrap();
    let (sandbox, client) = started(&certs, &state).await;
    let app = client.app_token().await;
    let tokens = client.consent(&sandbox, &app, "profile-1").await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let accounts = client.ais(&access, "/v3/accounts").await;
    assert_eq!(accounts.status, 200);
    let account = accounts.json()["accounts"][0]["resourceId"]
        .as_str()
        .unwrap()
        .to_owned();
    // Three simulated days on (the ledger has evolved past the generated history), the
    // client renews its tokens.
    sandbox.advance_clock(Duration::from_secs(3 * 86_400));
    let app = client.app_token().await;
    let renewed = client
        .refresh(&app, tokens["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(renewed.status, 200);
    let access = renewed.json()["access_token"].as_str().unwrap().to_owned();
    let refresh = renewed.json()["refresh_token"].as_str().unwrap().to_owned();
    let before_now = sandbox.now();
    let before = sandbox.ledger(&account).unwrap();
    let truth = sandbox.ground_truth().clone();
    sandbox.shutdown().await;

    let (sandbox, client) = started(&certs, &state).await;
    let now = sandbox.now();
    assert!(
        now >= before_now && now - before_now < time::Duration::minutes(1),
        "the clock goes on where it was: {before_now} then {now}"
    );
    assert_eq!(
        sandbox.ground_truth().invoices,
        truth.invoices,
        "the same generated data"
    );
    assert_eq!(sandbox.ledger(&account).unwrap(), before, "the same ledger");
    // The access token a client still holds is honoured, and its refresh token renews it.
    assert_eq!(client.ais(&access, "/v3/accounts").await.status, 200);
    let app = client.app_token().await;
    let renewed = client.refresh(&app, &refresh).await;
    assert_eq!(
        renewed.status,
        200,
        "{}",
        String::from_utf8_lossy(&renewed.body)
    );
    let rotated = renewed.json()["refresh_token"].as_str().unwrap().to_owned();
    sandbox.shutdown().await;

    // The rotation itself was kept: the old refresh token is spent, the new one works.
    let (sandbox, client) = started(&certs, &state).await;
    let app = client.app_token().await;
    assert_eq!(client.refresh(&app, &refresh).await.status, 400);
    assert_eq!(client.refresh(&app, &rotated).await.status, 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unreadable_state_file_or_other_data_settings_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let certs = DevCertificates::generate().unwrap();
    let (sandbox, _) = started(&certs, dir.path()).await;
    let file = sandbox.state_file().unwrap().to_path_buf();
    assert_eq!(file, dir.path().join(ing_sandbox::STATE_FILE));
    sandbox.shutdown().await;

    let mut other = config(&certs, dir.path());
    other.data.seed = 7;
    let err = Sandbox::start(other).await.unwrap_err().to_string();
    assert!(err.contains("other data settings"), "{err}");

    std::fs::write(&file, "{ not json").unwrap();
    let err = Sandbox::start(config(&certs, dir.path()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(ing_sandbox::STATE_FILE) && err.contains("move it away"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{ not json",
        "the file is left for the person to inspect"
    );
}
