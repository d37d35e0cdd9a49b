//! The consent flow against the local ING: application token, authorization URL, consent,
//! code exchange, refresh.
//!
//! Run with `cargo run -p psd2-examples --example consent_flow`.
#![allow(clippy::print_stdout, reason = "an example shows what it does")]

use ing_psd2::{AuthorizationRequest, SCOPE_BALANCES, SCOPE_TRANSACTIONS};
use psd2_examples::{REDIRECT_URI, consent, local};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let local = local(Default::default()).await?;
    println!(
        "local ING: API {} (mTLS), consent pages {}",
        local.sandbox.api_url(),
        local.sandbox.consent_url()
    );
    println!(
        "client id learned from the application token: {}",
        local.client.client_id().await?
    );
    let url = local
        .client
        .authorization_url(&AuthorizationRequest {
            scopes: vec![SCOPE_BALANCES.into(), SCOPE_TRANSACTIONS.into()],
            redirect_uri: REDIRECT_URI.into(),
            state: "shown-only".into(),
            country_code: "NL".into(),
        })
        .await?;
    println!(
        "a person would open: {}",
        url.as_str().split('?').next().unwrap_or_default()
    );
    let tokens = consent(&local, "profile-1").await?;
    println!(
        "consent granted: scope {:?}, access token {} expires at {}",
        tokens.scope, tokens.access_token, tokens.expires_at
    );
    let refresh = tokens
        .refresh_token
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no refresh token"))?;
    let renewed = local.client.refresh(refresh).await?;
    println!(
        "refreshed: new access token {} until {}",
        renewed.access_token, renewed.expires_at
    );
    local.sandbox.shutdown().await;
    Ok(())
}
