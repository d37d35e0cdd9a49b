//! The worker at the bank's pace (issue 20): the real worker binary runs one pass over many
//! accounts against the local sandbox answering each API call after a fixed latency, with many
//! open invoices to reconcile, once with the accounts side by side and once one at a time on
//! the same bank in the same run. It prints both pass times beside the floor
//! `ceil(calls / concurrency) × latency` and the worker's peak resident memory (its `VmHWM`,
//! logged with "pass finished").
//!
//! Short form in every test run with PostgreSQL (16 accounts, 40 ms, 2,000 open invoices); the
//! figures of `docs/PERFORMANCE.md` are `PSD2_LATENCY_BENCH=full` (200 accounts × 3 calls at
//! 150 ms, 100,000 open invoices, concurrency 16), with `PSD2_WORKER_BIN` naming a release
//! build of the worker. Side by side needs PostgreSQL (SQLite syncs one account at a time).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod common;

use std::time::Duration;

use ing_sandbox::{DataConfig, DevCertificates, Latency, Sandbox, SandboxConfig, SandboxHandle};

struct Size {
    accounts: usize,
    invoices: usize,
    latency_ms: u64,
    concurrency: usize,
}

fn size() -> Size {
    if std::env::var("PSD2_LATENCY_BENCH").as_deref() == Ok("full") {
        Size {
            accounts: 200,
            invoices: 100_000,
            latency_ms: 150,
            concurrency: 16,
        }
    } else {
        Size {
            accounts: 16,
            invoices: 2_000,
            latency_ms: 40,
            concurrency: 8,
        }
    }
}

/// What one worker run measured.
struct Run {
    concurrency: usize,
    calls: u64,
    pass: Duration,
    peak_rss_kib: u64,
    auto_matched: u64,
}

/// Open items: the sandbox's invoices (payments in its data pay them) and more of other
/// customers up to `total`, as a back office with many open items has.
fn invoices(sandbox: &SandboxHandle, total: usize) -> Vec<storage::NewInvoice> {
    let truth = sandbox.ground_truth();
    let mut out: Vec<storage::NewInvoice> = truth.invoices.iter().map(common::invoice).collect();
    let template = out[0].clone();
    let mut k = 0;
    while out.len() < total {
        k += 1;
        out.push(storage::NewInvoice {
            number: format!("AR-{k:07}"),
            customer_name: format!("Kunde {} GmbH", k % 7_919),
            customer_ibans: Vec::new(),
            total: rust_decimal::Decimal::new(10_000 + (k as i64 * 37) % 900_000, 2),
            creditor_reference: None,
            ..template.clone()
        });
    }
    out
}

async fn run(
    sandbox: &SandboxHandle,
    dir: &std::path::Path,
    key: &str,
    open: &[storage::NewInvoice],
    concurrency: usize,
) -> Run {
    let url = common::fresh_postgres("latency").await.unwrap();
    let settings = common::settings(dir, &url, &sandbox.api_url(), key, 1_000_000);
    let sync = settings.build(vec![common::REDIRECT.into()]).await.unwrap();
    common::consent_and_sync_every_profile(&sync, sandbox).await;
    for chunk in open.chunks(5_000) {
        sync.upsert_invoices(chunk).await.unwrap();
    }
    let accounts = sync.db().all_accounts().await.unwrap();
    let before = sandbox.stats().requests;
    let mut child = common::bench_worker(&settings, "latency", 600, concurrency, 4)
        .spawn()
        .unwrap();
    let finished = common::pass_line(child.stderr.take().unwrap()).await;
    let status = child.wait().await.unwrap();
    assert!(status.success(), "the worker failed: {status}");
    let calls = sandbox.stats().requests - before;
    let line = finished.expect("the worker logs its pass");
    assert_eq!(
        common::log_field(&line, "synced"),
        Some(accounts.len() as u64),
        "every account synced: {line}"
    );
    let run = Run {
        concurrency,
        calls,
        pass: Duration::from_millis(common::log_field(&line, "elapsed_ms").unwrap()),
        peak_rss_kib: common::log_field(&line, "peak_rss_kib").unwrap(),
        auto_matched: common::log_field(&line, "auto_matched").unwrap(),
    };
    drop(sync);
    run
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_at_the_bank_s_pace_beside_one_account_at_a_time() {
    if common::fresh_postgres("probe").await.is_none() {
        eprintln!("DATABASE_URL is not PostgreSQL: accounts side by side need it");
        return;
    }
    let s = size();
    let dir = tempfile::tempdir().unwrap();
    let certs = DevCertificates::generate().unwrap();
    certs.write_to(dir.path()).unwrap();
    let mut config = SandboxConfig::new(certs);
    config.data = DataConfig {
        profiles: s.accounts / 4,
        accounts_per_profile: 4,
        // Two pages of 100 and the balances: three calls per account.
        transactions_per_account: 150,
        ..DataConfig::default()
    };
    config.latency = Latency::from_millis(s.latency_ms, 0);
    let sandbox = Sandbox::start(config).await.unwrap();
    let key = storage::DataKey::generate_base64().unwrap();
    let open = invoices(&sandbox, s.invoices);

    let sequential = run(&sandbox, dir.path(), &key, &open, 1).await;
    let side_by_side = run(&sandbox, dir.path(), &key, &open, s.concurrency).await;

    let latency = Duration::from_millis(s.latency_ms);
    println!(
        "worker pass at {} ms per call: {} accounts, {} open invoices",
        s.latency_ms,
        s.accounts,
        open.len()
    );
    println!("concurrency  calls  pass (s)  floor (s)  pass/floor  peak RSS (MiB)  matched");
    for r in [&sequential, &side_by_side] {
        let floor = latency * u32::try_from(r.calls.div_ceil(r.concurrency as u64)).unwrap();
        println!(
            "{:>11}  {:>5}  {:>8.2}  {:>9.2}  {:>10.2}  {:>14.1}  {:>7}",
            r.concurrency,
            r.calls,
            r.pass.as_secs_f64(),
            floor.as_secs_f64(),
            r.pass.as_secs_f64() / floor.as_secs_f64(),
            r.peak_rss_kib as f64 / 1024.0,
            r.auto_matched,
        );
    }
    println!(
        "side by side: {:.1}x faster than one account at a time",
        sequential.pass.as_secs_f64() / side_by_side.pass.as_secs_f64()
    );
    // The same bank, the same books: the same work either way.
    assert_eq!(sequential.calls, side_by_side.calls);
    assert_eq!(sequential.auto_matched, side_by_side.auto_matched);
    assert!(side_by_side.auto_matched > 0);
    sandbox.shutdown().await;
}
