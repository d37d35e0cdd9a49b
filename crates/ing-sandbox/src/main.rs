//! `ing-sandbox`: write development certificates (`certs`) or run the local ING (`serve`).
#![allow(
    clippy::print_stdout,
    reason = "prints the chosen ports for scripts to read"
)]

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use ing_sandbox::{DataConfig, DevCertificates, FaultConfig, Sandbox, SandboxConfig};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "ing-sandbox",
    version,
    about = "A local stand-in for ING's PSD2 API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a local CA, a QWAC, a QSealC and the server certificate into a folder.
    Certs {
        /// Folder to write into (created if missing).
        #[arg(long, default_value = "certificates/psd2")]
        out: PathBuf,
        /// Overwrite an existing set.
        #[arg(long)]
        force: bool,
    },
    /// Serve the API (mTLS) and the consent pages (HTTP) until Ctrl-C or SIGTERM.
    Serve(Box<Serve>),
}

#[derive(Debug, clap::Args)]
struct Serve {
    /// Certificates folder written by `certs` (generated there when missing).
    #[arg(long, default_value = "certificates/psd2")]
    certs: PathBuf,
    /// API port (mutual TLS); 0 picks a free one.
    #[arg(long, default_value_t = 8443)]
    port: u16,
    /// Consent port (plain HTTP, for browsers); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    consent_port: u16,
    /// Client id the application token answers.
    #[arg(long, default_value = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75")]
    client_id: String,
    /// Data seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Test profiles.
    #[arg(long, default_value_t = 3)]
    profiles: usize,
    /// Accounts per profile.
    #[arg(long, default_value_t = 2)]
    accounts_per_profile: usize,
    /// Transactions per account.
    #[arg(long, default_value_t = 200)]
    transactions_per_account: usize,
    /// Years of history.
    #[arg(long, default_value_t = 2)]
    years: u32,
    /// Unattended AIS calls allowed per account per day (PSD2: 4); unlimited when absent.
    #[arg(long)]
    daily_budget: Option<u32>,
    /// Share of AIS answers that are 429 (0.0–1.0).
    #[arg(long, default_value_t = 0.0)]
    fault_rate_limited: f64,
    /// `Retry-After` seconds of injected 429s.
    #[arg(long, default_value_t = 1)]
    fault_retry_after: u64,
    /// Share of AIS answers that are 500.
    #[arg(long, default_value_t = 0.0)]
    fault_server_error: f64,
    /// Share of AIS answers that are 503.
    #[arg(long, default_value_t = 0.0)]
    fault_unavailable: f64,
    /// Share of AIS answers delayed by --fault-slow-ms.
    #[arg(long, default_value_t = 0.0)]
    fault_slow: f64,
    /// Delay of slow answers in milliseconds.
    #[arg(long, default_value_t = 2000)]
    fault_slow_ms: u64,
    /// Share of connections dropped mid-answer.
    #[arg(long, default_value_t = 0.0)]
    fault_dropped: f64,
    /// Share of answers with truncated JSON.
    #[arg(long, default_value_t = 0.0)]
    fault_truncated: f64,
    /// Seed of the fault sequence.
    #[arg(long, default_value_t = 1)]
    fault_seed: u64,
    /// Simulated start day (YYYY-MM-DD): the clock starts at 12:00 UTC that day and runs on;
    /// the generated history ends that day. Default: now.
    #[arg(long, value_parser = parse_day)]
    start_date: Option<time::Date>,
    /// Serve POST/GET /__sandbox/clock, GET /__sandbox/ledger and GET /__sandbox/allowance on
    /// the consent port.
    #[arg(long)]
    clock_control: bool,
    /// Let the ledger evolve with each simulated day (new, pending, vanishing, back-dated and
    /// enriched entries), deterministically from --seed.
    #[arg(long)]
    evolve: bool,
    /// Days a consent lasts (refresh tokens live as long); 0 = consents never end.
    #[arg(long, default_value_t = 90)]
    consent_days: u32,
    /// Keep issued tokens, consents, the clock and the data's day in `sandbox-state.json` in
    /// this folder (created owner-only), so a restarted sandbox still knows its clients'
    /// tokens. Without it everything is forgotten on exit.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Milliseconds every API answer is held back, as a real bank's network time (ING answers
    /// in roughly 100–300 ms); 0 = at once.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Up to this many milliseconds more, drawn anew for every answer.
    #[arg(long, default_value_t = 0)]
    latency_jitter_ms: u64,
}

fn parse_day(s: &str) -> Result<time::Date, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Certs { out, force } => {
            if DevCertificates::exist_in(&out) && !force {
                println!(
                    "certificates already in {} (use --force to replace them)",
                    out.display()
                );
                return Ok(());
            }
            DevCertificates::generate()?.write_to(&out)?;
            println!("wrote development certificates to {}", out.display());
            Ok(())
        }
        Command::Serve(args) => serve(*args).await,
    }
}

async fn serve(a: Serve) -> anyhow::Result<()> {
    if !DevCertificates::exist_in(&a.certs) {
        DevCertificates::generate()?.write_to(&a.certs)?;
        tracing::info!(dir = %a.certs.display(), "generated development certificates");
    }
    let certs = DevCertificates::load_from(&a.certs).context("loading certificates")?;
    let mut config = SandboxConfig::new(certs);
    config.api_port = a.port;
    config.consent_port = a.consent_port;
    config.client_id = a.client_id;
    config.data = DataConfig {
        seed: a.seed,
        profiles: a.profiles,
        accounts_per_profile: a.accounts_per_profile,
        transactions_per_account: a.transactions_per_account,
        years: a.years,
    };
    config.unattended_daily_budget = a.daily_budget;
    // Noon, so that the simulated day is the named day whatever the run's first hours do.
    config.start = a
        .start_date
        .map(|d| d.with_time(time::macros::time!(12:00)).assume_utc());
    config.clock_control = a.clock_control;
    config.evolve = a.evolve;
    config.consent_days = a.consent_days;
    config.state_dir = a.state_dir;
    config.latency = ing_sandbox::Latency::from_millis(a.latency_ms, a.latency_jitter_ms);
    config.faults = FaultConfig {
        seed: a.fault_seed,
        rate_limited: a.fault_rate_limited,
        retry_after_secs: a.fault_retry_after,
        server_error: a.fault_server_error,
        unavailable: a.fault_unavailable,
        slow: a.fault_slow,
        slow_delay: Duration::from_millis(a.fault_slow_ms),
        dropped: a.fault_dropped,
        truncated: a.fault_truncated,
    };
    let sandbox = Sandbox::start(config).await?;
    // One line scripts can parse.
    println!(
        "ing-sandbox api={} consent={} client_id={}",
        sandbox.api_url(),
        sandbox.consent_url(),
        sandbox.client_id()
    );
    shutdown_signal().await;
    sandbox.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
