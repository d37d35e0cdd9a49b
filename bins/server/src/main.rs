//! `psd2-server`: the HTTP API of the ING PSD2 back office.
#![allow(
    clippy::print_stdout,
    reason = "the server prints its start-up banner for the person who started it"
)]

use clap::Parser;
use psd2_server::config::Config;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
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
    config.validate().map_err(anyhow::Error::msg)?;
    println!(
        "psd2-server: configuration ok ({:?} mode); the sync endpoints land with the server issue",
        config.bank.environment
    );
    Ok(())
}
