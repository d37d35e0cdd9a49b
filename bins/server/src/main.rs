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
        // Colours only on a terminal: a log file or journal gets plain text, not escape codes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let config = Config::parse();
    let local = config.bank.environment == Environment::Local;
    let started = psd2_server::run::start(config).await?;
    tracing::info!(addr = %started.addr, "listening");
    if local {
        println!("{}", psd2_server::banner::local_banner(&started).await);
    }
    let shutdown = started.shutdown.clone();
    tokio::select! {
        () = bank_sync::shutdown::termination_signal() => {}
        () = shutdown.cancelled() => {}
    }
    started.stop().await
}
