//! Transaction sync against the local ING: every page of two years, booked and pending, taken
//! page by page from a stream (so each page can be stored before the next is fetched).
//!
//! Run with `cargo run -p psd2-examples --example transaction_sync`.
#![allow(clippy::print_stdout, reason = "an example shows what it does")]

use futures::TryStreamExt as _;
use ing_psd2::{RequestOptions, TransactionQuery};
use ing_sandbox::DataConfig;
use psd2_examples::{consent, local};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = DataConfig {
        profiles: 1,
        accounts_per_profile: 1,
        transactions_per_account: 2_000,
        ..DataConfig::default()
    };
    let local = local(data).await?;
    let tokens = consent(&local, "profile-1").await?;
    let accounts = local
        .client
        .accounts(&tokens.access_token, RequestOptions::default())
        .await?;
    let account = accounts
        .first()
        .ok_or_else(|| anyhow::anyhow!("no account"))?;
    let today = time::OffsetDateTime::now_utc().date();
    let query = TransactionQuery {
        date_from: today - time::Duration::days(730),
        date_to: today,
        limit: 200,
    };
    let pages = local.client.transaction_pages(
        &tokens.access_token,
        &account.resource_id,
        &query,
        RequestOptions::default(),
    );
    futures::pin_mut!(pages);
    let (mut booked, mut pending, mut n) = (0usize, 0usize, 0usize);
    let mut incoming = ing_psd2::ais_model::Decimal::ZERO;
    while let Some(page) = pages.try_next().await? {
        n += 1;
        booked += page.transactions.booked.len();
        pending += page.transactions.pending.len();
        incoming += page
            .transactions
            .booked
            .iter()
            .filter_map(|t| t.amount())
            .filter(|a| a.is_sign_positive())
            .sum::<ing_psd2::ais_model::Decimal>();
        if let Some(t) = page.transactions.booked.first() {
            let who = t.counterparty().name.unwrap_or("?");
            println!(
                "page {n:>3}: {:>3} booked, first {} {:>10} {who}",
                page.transactions.booked.len(),
                t.booking_date.map(|d| d.to_string()).unwrap_or_default(),
                t.amount().unwrap_or_default()
            );
        }
    }
    println!(
        "{booked} booked and {pending} pending transactions in {n} pages; incoming total {incoming} EUR"
    );
    println!(
        "TLS handshakes for the whole sync: {}",
        local.sandbox.stats().tls_handshakes
    );
    anyhow::ensure!(
        booked + pending == 2_000,
        "expected 2000 transactions, got {}",
        booked + pending
    );
    local.sandbox.shutdown().await;
    Ok(())
}
