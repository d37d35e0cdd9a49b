//! `psd2-worker`: keeps every connected account up to date, unattended, within PSD2's budget.
//! All logic is `bank_sync::BankSync::run_pass`; this binary adds flags, logs, the progress bar,
//! the schedule and shutdown.
#![allow(
    clippy::print_stdout,
    reason = "`--once` prints its summary for the person who ran it"
)]

mod memory;
mod metrics;

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::sync::Arc;

use bank_sync::settings::Settings;
use bank_sync::{AccountResult, PassOptions, PassReconciliation, PassReport};
use clap::Parser;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// Command-line flags (each also an environment variable).
#[derive(Debug, Parser)]
#[command(
    name = "psd2-worker",
    version,
    about = "Sync worker of the ING PSD2 back office"
)]
struct Flags {
    /// Bank, certificates, database.
    #[command(flatten)]
    bank: Settings,

    /// Serve Prometheus metrics at `http://<this address>/metrics` (e.g. `127.0.0.1:9187`);
    /// off when unset.
    #[arg(long, env = "PSD2_WORKER_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,

    /// Run one pass, print a summary and exit (non-zero if an account failed).
    #[arg(long)]
    once: bool,

    /// Minutes between passes. With PSD2's 4 unattended calls a day, 360 (every 6 hours) keeps
    /// one call per account per pass in reserve for balances.
    #[arg(long, env = "PSD2_WORKER_INTERVAL_MINUTES", default_value_t = 360)]
    interval_minutes: u64,

    /// Accounts synced at the same time on PostgreSQL (each account by one task only, within its
    /// own daily allowance); SQLite syncs one at a time. The bank's answer time, not the CPU, is
    /// what this hides.
    #[arg(long, env = "PSD2_WORKER_CONCURRENCY", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,

    /// This worker's name in account leases (default: host name and process id).
    #[arg(long, env = "PSD2_WORKER_NAME")]
    name: Option<String>,

    /// Seconds an account lease lasts; a dead worker's accounts are taken over after it.
    #[arg(long, env = "PSD2_LEASE_SECONDS", default_value_t = 600)]
    lease_seconds: i64,

    /// Days before the watermark fetched again (late, back-dated and changed bookings; pending
    /// entries that booked or vanished).
    #[arg(long, env = "PSD2_OVERLAP_DAYS", default_value_t = 10)]
    overlap_days: i64,

    /// Days of history for an account never synced.
    #[arg(long, env = "PSD2_INITIAL_DAYS", default_value_t = 90)]
    initial_days: i64,

    /// For tests and simulations only: run as if the time were this RFC 3339 instant (the
    /// clock starts there and runs). Budgets, leases, watermarks and consent expiry all follow
    /// it; it must agree with the bank's clock (e.g. a local sandbox's simulated clock).
    #[arg(long, requires = "once", value_parser = parse_now)]
    now: Option<time::OffsetDateTime>,
}

fn parse_now(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{s:?} is not an RFC 3339 time like 2027-03-01T06:00:00Z: {e}"))
}

fn worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".into());
    format!("{host}-{}", std::process::id())
}

/// In `local` mode the bank is the sandbox that runs inside `psd2-server`. Without a server every
/// account would fail with a bare "connection refused", so the worker says what to do instead.
async fn require_local_sandbox(settings: &Settings) -> anyhow::Result<()> {
    if settings.environment != bank_sync::settings::Environment::Local
        || settings.api_base_url.is_some()
    {
        return Ok(());
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], settings.sandbox_port));
    let wait = std::time::Duration::from_secs(3);
    match tokio::time::timeout(wait, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(_)) => Ok(()),
        _ => anyhow::bail!(
            "local mode: the bundled ING sandbox does not answer at {addr}. It runs inside \
             psd2-server: start the server first (`cargo run -p psd2-server`) from the same \
             folder, then the worker (they share data/ and certificates/)"
        ),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
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
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let flags = Flags::parse();
    flags.bank.validate().map_err(anyhow::Error::msg)?;
    require_local_sandbox(&flags.bank).await?;
    let mut sync = flags.bank.build(Vec::new()).await?;
    if let Some(now) = flags.now {
        tracing::warn!(%now, "simulated clock: running as of a given time (tests only)");
        sync = sync.with_clock(std::sync::Arc::new(
            bank_sync::clock::ShiftedClock::starting_at(now),
        ));
    }
    let stop = CancellationToken::new();
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            bank_sync::shutdown::termination_signal().await;
            tracing::info!("shutting down: finishing the page in flight");
            stop.cancel();
        });
    }
    let opts = PassOptions {
        owner: flags.name.clone().unwrap_or_else(worker_name),
        lease_ttl: time::Duration::seconds(flags.lease_seconds.max(1)),
        // Leave a tenth of the interval for clock drift between workers.
        fresh_for: time::Duration::minutes(
            i64::try_from(flags.interval_minutes.max(1) * 9 / 10).unwrap_or(i64::MAX / 120),
        ),
        overlap_days: flags.overlap_days.max(0),
        initial_days: flags.initial_days.max(1),
        stop: stop.clone(),
        concurrency: usize::from(flags.concurrency),
        ..PassOptions::default()
    };
    let metrics = Arc::new(metrics::WorkerMetrics::new());
    if let Some(addr) = flags.metrics_listen {
        let bound = metrics::start(addr, metrics.clone(), stop.clone()).await?;
        tracing::info!(address = %bound, "metrics at http://{bound}/metrics");
    }
    tracing::info!(worker = %opts.owner, once = flags.once, "worker started");
    loop {
        let started = std::time::Instant::now();
        let report = pass(&sync, &opts).await?;
        metrics.record(&report, sync.now());
        log_report(&report, started.elapsed());
        if flags.once {
            print_summary(&report);
            let failed = report.count(|r| matches!(r, AccountResult::Failed(_)));
            if failed > 0 {
                std::process::exit(1);
            }
            return Ok(());
        }
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(flags.interval_minutes.max(1) * 60)) => {}
        }
    }
    tracing::info!("worker stopped");
    Ok(())
}

async fn pass(sync: &bank_sync::BankSync, opts: &PassOptions) -> anyhow::Result<PassReport> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} accounts  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let report = sync
        .run_pass(opts, |i, total, account| {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
                bar.set_position(i as u64);
                let name = account
                    .iban
                    .as_deref()
                    .map_or_else(|| account.name.clone(), bank_sync::mask_iban);
                bar.set_message(format!(
                    "{name} started (up to {} at once)",
                    opts.concurrency
                ));
            }
        })
        .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(report)
}

fn log_report(r: &PassReport, took: std::time::Duration) {
    let synced = r.count(|x| matches!(x, AccountResult::Synced { .. }));
    let imported: u64 = r
        .accounts
        .iter()
        .map(|a| match a.result {
            AccountResult::Synced { imported, .. } => imported,
            _ => 0,
        })
        .sum();
    let (auto_matched, reconcile_ms) = match &r.reconciliation {
        PassReconciliation::Done(s) => (
            s.auto_matched,
            (s.took.load + s.took.matching + s.took.store).as_millis(),
        ),
        _ => (0, 0),
    };
    tracing::info!(
        accounts = r.accounts.len(),
        synced,
        imported,
        auto_matched,
        reconcile_ms = u64::try_from(reconcile_ms).unwrap_or(u64::MAX),
        leased_elsewhere = r.count(|x| matches!(x, AccountResult::Leased)),
        fresh = r.count(|x| matches!(x, AccountResult::Fresh)),
        rate_limited = r.count(|x| matches!(x, AccountResult::RateLimited)),
        budget_exhausted = r.count(|x| matches!(x, AccountResult::BudgetExhausted)),
        consent_expired = r.count(|x| matches!(x, AccountResult::ConsentExpired)),
        failed = r.count(|x| matches!(x, AccountResult::Failed(_))),
        expiring_connections = r.expiring.len(),
        elapsed_ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        peak_rss_kib = memory::peak_resident_kib().unwrap_or(0),
        "pass finished"
    );
}

fn print_summary(r: &PassReport) {
    println!("{:<10} {:<24} result", "account", "iban");
    for a in &r.accounts {
        let result = match &a.result {
            AccountResult::Synced { imported, fetched } => {
                format!("synced: {fetched} fetched, {imported} new")
            }
            AccountResult::Leased => "skipped: another worker holds it".into(),
            AccountResult::Fresh => "skipped: synced earlier this cycle".into(),
            AccountResult::BackingOff => "skipped: backing off after a rate limit".into(),
            AccountResult::BudgetExhausted => "skipped: daily budget used up".into(),
            AccountResult::RateLimited => "rate limited by ING; will retry the same window".into(),
            AccountResult::ConsentExpired => "consent expired: reconnect the bank".into(),
            AccountResult::Stopped => "stopped by shutdown".into(),
            AccountResult::Failed(e) => format!("FAILED: {e}"),
        };
        println!(
            "{:<10} {:<24} {result}",
            a.account_id,
            a.iban
                .as_deref()
                .map_or_else(|| "-".into(), bank_sync::mask_iban)
        );
    }
    match &r.reconciliation {
        PassReconciliation::NotNeeded => {}
        PassReconciliation::Done(s) => println!(
            "reconciled once for the pass: {} matched, {} suggested, {} unmatched, {} refused by a conflict",
            s.auto_matched, s.suggested, s.unmatched, s.conflicts
        ),
        PassReconciliation::Failed(e) => println!("reconciliation FAILED (next pass retries): {e}"),
    }
    if !r.expiring.is_empty() {
        println!(
            "{} connection(s) expire within 14 days: reconnect them",
            r.expiring.len()
        );
    }
}
