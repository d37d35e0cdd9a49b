//! `psd2-server`: the HTTP API of the ING PSD2 back office.
#![allow(
    clippy::print_stdout,
    reason = "the server prints its start-up banner for the person who started it"
)]

use clap::Parser;
use psd2_server::config::{Config, Environment};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; a broken one is reported.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        anyhow::bail!("cannot read .env: {e}");
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    let local = config.bank.environment == Environment::Local;
    let generated_token = config.api_token.is_none();
    let started = psd2_server::run::start(config).await?;
    tracing::info!(addr = %started.addr, "listening");
    if local {
        print_local_banner(&started, generated_token).await;
    }
    let shutdown = started.shutdown.clone();
    tokio::select! {
        () = bank_sync::shutdown::termination_signal() => {}
        () = shutdown.cancelled() => {}
    }
    started.stop().await
}

async fn print_local_banner(s: &psd2_server::run::Started, generated_token: bool) {
    let base = format!("http://{}", s.addr);
    let token = if generated_token {
        s.api_token.as_str()
    } else {
        "$PSD2_API_TOKEN"
    };
    let client_id = s.sync.client().client_id().await.unwrap_or_default();
    let redirect = s
        .sync
        .policy()
        .redirect_uris
        .first()
        .cloned()
        .unwrap_or_default();
    let consent = s
        .sandbox
        .as_ref()
        .map(|x| x.consent_url())
        .unwrap_or_default();
    println!(
        r#"
psd2-server is running in local mode: the bundled ING sandbox answers at {api}
(consent pages at {consent}). Nothing here talks to ING.

API token (this run only): {token}

The whole flow with curl:

  export API={base}/api/backoffice/finance/psd2 TOKEN={token} CLIENT_ID={client_id}

  # 1. start a consent
  curl -s -X POST $API/consent/initiate -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d '{{"client_id":"'$CLIENT_ID'","redirect_uri":"{redirect}","scope":"payment-accounts:balances:view payment-accounts:transactions:view"}}'

  # 2. open authorization_url in a browser and click "Allow"; the redirect URL carries code and state
  #    (without a browser: docs/api.md shows the same click with curl)

  # 3. finish it (state from step 1, code from the redirect)
  curl -s -X POST $API/consent/callback -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d '{{"client_id":"'$CLIENT_ID'","authorization_code":"CODE","redirect_uri":"{redirect}","state":"STATE"}}'

  # 4. accounts (access_token from step 3)
  curl -s -X POST "$API/accounts/sync?create_missing=true" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{{"client_id":"'$CLIENT_ID'","access_token":"ACCESS_TOKEN"}}'

  # 5. transactions, reconciled against open invoices (account_id from step 4)
  curl -s -X POST $API/transactions/sync -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d '{{"client_id":"'$CLIENT_ID'","access_token":"ACCESS_TOKEN","account_id":"1","date_from":"2025-01-01","skip_duplicates":true,"auto_reconcile":true}}'

Stop with Ctrl-C.
"#,
        api = s.sandbox.as_ref().map(|x| x.api_url()).unwrap_or_default(),
    );
}
