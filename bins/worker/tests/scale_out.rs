//! Scale-out measured (issue 20): three worker processes start together over one PostgreSQL
//! and a bank that answers each call after a fixed latency. Every account must be synced
//! exactly once in the cycle; the test prints how the accounts spread over the workers (max/min),
//! how often a worker met an account another one held (lease conflicts) and the total time.
//! PostgreSQL is the only coordinator: each account's lease is one conditional `UPDATE`.
//!
//! Short form in every test run with PostgreSQL (3 workers × 60 accounts, 20 ms); the figures
//! of `docs/PERFORMANCE.md` are `PSD2_SCALE_OUT_BENCH=full` (1,000 accounts, 150 ms, 16
//! accounts at a time per worker), with `PSD2_WORKER_BIN` naming a release build.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod common;

use std::time::{Duration, Instant};

use ing_sandbox::{DataConfig, Latency};

struct Size {
    accounts: usize,
    latency_ms: u64,
    concurrency: usize,
}

fn size() -> Size {
    if std::env::var("PSD2_SCALE_OUT_BENCH").as_deref() == Ok("full") {
        Size {
            accounts: 1_000,
            latency_ms: 150,
            concurrency: 16,
        }
    } else {
        Size {
            accounts: 60,
            latency_ms: 20,
            concurrency: 4,
        }
    }
}

/// The number after `key=` in the pass line (the test fails without it).
fn field(line: &str, key: &str) -> u64 {
    common::log_field(line, key).unwrap_or_else(|| panic!("no {key} in {line}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_sync_every_account_once_and_share_the_work() {
    let Some(url) = common::fresh_postgres("scale_out").await else {
        eprintln!("DATABASE_URL is not PostgreSQL: several workers need it");
        return;
    };
    let s = size();
    let data = DataConfig {
        profiles: s.accounts / 4,
        accounts_per_profile: 4,
        transactions_per_account: 50,
        ..DataConfig::default()
    };
    let w = common::world_tuned(data, None, 1_000_000, Some(url), |c| {
        c.latency = Latency::from_millis(s.latency_ms, 0);
    })
    .await;
    common::consent_and_sync_every_profile(&w.sync, &w.sandbox).await;
    let db = w.sync.db();
    let accounts = db.all_accounts().await.unwrap();
    assert_eq!(accounts.len(), s.accounts);

    let started = Instant::now();
    let mut children = Vec::new();
    for name in ["w1", "w2", "w3"] {
        let mut child = common::bench_worker(&w.settings, name, 60, s.concurrency, 2)
            .spawn()
            .unwrap();
        let lines = tokio::spawn(common::pass_line(child.stderr.take().unwrap()));
        children.push((name, child, lines));
    }
    let mut per_worker = Vec::new();
    for (name, mut child, lines) in children {
        assert!(child.wait().await.unwrap().success(), "{name} failed");
        let line = lines.await.unwrap().expect("the worker logs its pass");
        per_worker.push((
            name,
            field(&line, "synced"),
            field(&line, "leased_elsewhere"),
            field(&line, "fresh"),
            Duration::from_millis(field(&line, "elapsed_ms")),
        ));
    }
    let total = started.elapsed();

    // Every account exactly once in the cycle.
    for a in &accounts {
        let runs = db.sync_runs(a.id, 100).await.unwrap();
        let succeeded = runs
            .iter()
            .filter(|r| r.outcome == storage::SyncOutcome::Succeeded)
            .count();
        assert_eq!(succeeded, 1, "account {} synced {succeeded} times", a.id);
    }
    let synced: Vec<u64> = per_worker.iter().map(|w| w.1).collect();
    assert_eq!(synced.iter().sum::<u64>(), s.accounts as u64);
    let (most, least) = (*synced.iter().max().unwrap(), *synced.iter().min().unwrap());
    let conflicts: u64 = per_worker.iter().map(|w| w.2).sum();
    println!(
        "3 workers × {} accounts at {} ms per call, {} accounts at a time each",
        s.accounts, s.latency_ms, s.concurrency
    );
    println!("worker  synced  leased elsewhere  fresh  pass (s)");
    for (name, synced, leased, fresh, took) in &per_worker {
        println!(
            "{name:>6}  {synced:>6}  {leased:>16}  {fresh:>5}  {:>8.2}",
            took.as_secs_f64()
        );
    }
    println!(
        "spread max/min {:.2}; lease conflicts {conflicts}; total {:.2} s (from start to the \
         last worker's exit)",
        most as f64 / least.max(1) as f64,
        total.as_secs_f64()
    );
    assert!(least > 0, "a worker synced nothing: {synced:?}");
}
