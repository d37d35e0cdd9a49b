//! The worker as a long-running service exposes `/metrics`: after its first pass, the counts a
//! Prometheus scrape reads agree with what the pass stored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use ing_sandbox::DataConfig;
use tokio::io::{AsyncBufReadExt as _, BufReader};

async fn scrape(addr: &str) -> String {
    let out = tokio::process::Command::new("curl")
        .args(["-s", "--max-time", "5", &format!("http://{addr}/metrics")])
        .output()
        .await
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_the_finished_pass() {
    let data = DataConfig {
        profiles: 2,
        accounts_per_profile: 1,
        transactions_per_account: 20,
        ..DataConfig::default()
    };
    let w = common::world(data, None, 1_000, None).await;
    for p in w.sandbox.ground_truth().profiles.clone() {
        w.connect(&p.id).await;
    }
    let mut child = common::scheduled_worker_command(&w.settings, "metrics", 60)
        .env("RUST_LOG", "info")
        .env("PSD2_WORKER_METRICS_LISTEN", "127.0.0.1:0")
        .env("PSD2_WORKER_INTERVAL_MINUTES", "600")
        .env("PSD2_INITIAL_DAYS", "3650")
        .env("PSD2_DAILY_BUDGET", "1000000")
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the worker names its metrics address")
            .unwrap()
            .expect("the worker ended early");
        if let Some(rest) = line.split("metrics at http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let mut text = String::new();
    for _ in 0..100 {
        text = scrape(&addr).await;
        if value(&text, "psd2_worker_passes_total") == Some(1.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        value(&text, "psd2_worker_passes_total"),
        Some(1.0),
        "{text}"
    );
    let accounts = w.sync.db().all_accounts().await.unwrap();
    assert_eq!(
        value(&text, "psd2_worker_accounts_total{result=\"synced\"}"),
        Some(accounts.len() as f64),
        "{text}"
    );
    let mut stored = 0;
    for a in &accounts {
        stored += w.sync.db().transactions(a.id).await.unwrap().len();
    }
    assert!(stored > 0);
    assert_eq!(
        value(&text, "psd2_worker_transactions_imported_total"),
        Some(stored as f64),
        "{text}"
    );
    assert!(value(&text, "psd2_worker_last_pass_timestamp_seconds").unwrap() > 1.7e9);
    child.start_kill().unwrap();
    let _ = child.wait().await;
}
