//! Account sync against the local ING: the accounts a consent covers, with their balances.
//!
//! Run with `cargo run -p psd2-examples --example account_sync`.
#![allow(clippy::print_stdout, reason = "an example shows what it does")]

use ing_psd2::RequestOptions;
use psd2_examples::{consent, local};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let local = local(Default::default()).await?;
    let tokens = consent(&local, "profile-2").await?;
    // The person is present (they just consented): send their IP so the call is not counted
    // against the 4 unattended calls per day.
    let present = RequestOptions::for_psu(Some("127.0.0.1".parse()?));
    let accounts = local
        .client
        .accounts(&tokens.access_token, present.clone())
        .await?;
    for account in &accounts {
        println!(
            "{} {} {} ({})",
            account.resource_id,
            account.iban.as_deref().unwrap_or("-"),
            account.name,
            account.product.as_deref().unwrap_or("-")
        );
        let report = local
            .client
            .balances(&tokens.access_token, &account.resource_id, present.clone())
            .await?;
        for b in &report.balances {
            println!(
                "    {:<16} {:>14} {}",
                b.balance_type.as_str(),
                b.balance_amount.amount,
                b.balance_amount.currency
            );
        }
    }
    anyhow::ensure!(!accounts.is_empty(), "no accounts");
    local.sandbox.shutdown().await;
    Ok(())
}
