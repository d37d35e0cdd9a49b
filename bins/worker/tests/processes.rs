//! The worker binary as operators run it: killed with SIGKILL at random moments during a large
//! sync, and three processes sharing one PostgreSQL (scale-out with leases).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use ing_sandbox::{DataConfig, Status};
use rand::{RngExt as _, SeedableRng as _};
use sea_orm::{ConnectionTrait as _, Database as Sea};
use tokio::process::Child;

fn worker(w: &common::World, name: &str, lease_seconds: u32) -> Child {
    common::worker_command(&w.settings, name, lease_seconds)
        .env("PSD2_DAILY_BUDGET", "1000000")
        .env("PSD2_INITIAL_DAYS", "3650")
        .spawn()
        .unwrap()
}

async fn finish(child: Child) -> String {
    let out = child.wait_with_output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "worker failed: {err}");
    err
}

/// Every ground-truth transaction of the world's accounts is stored exactly once.
async fn assert_matches_ground_truth(w: &common::World) {
    let db = w.sync.db();
    let truth = w.sandbox.ground_truth();
    let accounts = db.all_accounts().await.unwrap();
    assert!(!accounts.is_empty());
    for a in accounts {
        let t = truth.account(&a.resource_id).unwrap();
        let stored = db.transactions(a.id).await.unwrap();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for row in &stored {
            if let Some(id) = &row.bank_transaction_id {
                *seen.entry(id.as_str()).or_default() += 1;
            }
        }
        for tx in t.transactions.iter().filter(|x| x.status == Status::Booked) {
            let id = tx.transaction_id.as_deref().unwrap();
            assert_eq!(
                seen.get(id),
                Some(&1),
                "{id} stored {:?} times",
                seen.get(id)
            );
        }
        assert_eq!(stored.len(), t.transactions.len(), "account {}", a.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_the_worker_still_stores_everything_once() {
    let data = DataConfig {
        profiles: 1,
        accounts_per_profile: 3,
        transactions_per_account: 4_000,
        ..DataConfig::default()
    };
    let w = common::world(data, None, 1_000_000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    let mut kills = 0;
    for _ in 0..12 {
        let mut child = worker(&w, "crash-test", 600);
        tokio::time::sleep(Duration::from_millis(rng.random_range(30..700))).await;
        if child.try_wait().unwrap().is_none() {
            child.start_kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let _ = child.wait().await;
    }
    assert!(kills >= 6, "only {kills} of 12 runs were killed mid-way");
    // One more run, to the end.
    finish(worker(&w, "crash-test", 600)).await;
    assert_matches_ground_truth(&w).await;
    let db = w.sync.db();
    for a in db.all_accounts().await.unwrap() {
        let runs = db.sync_runs(a.id, 100).await.unwrap();
        assert!(
            runs.iter()
                .any(|r| r.outcome == storage::SyncOutcome::Succeeded),
            "account {}",
            a.id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_share_one_postgres_and_take_over_a_dead_workers_accounts() {
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        eprintln!("DATABASE_URL not set: scale-out test needs PostgreSQL");
        return;
    };
    if !admin.starts_with("postgres") {
        return;
    }
    let name = format!("scaleout_{}", uuid::Uuid::new_v4().simple());
    let conn = Sea::connect(admin.clone()).await.unwrap();
    conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let data = DataConfig {
        profiles: 50,
        accounts_per_profile: 1,
        transactions_per_account: 150,
        ..DataConfig::default()
    };
    let w = common::world(data, None, 1_000_000, Some(url)).await;
    let profiles: Vec<String> = w
        .sandbox
        .ground_truth()
        .profiles
        .iter()
        .map(|p| p.id.clone())
        .collect();
    for p in &profiles {
        w.connect(p).await;
    }
    let db = w.sync.db();
    assert_eq!(db.connections().await.unwrap().len(), 50);

    // A worker dies holding a lease (2 s).
    let mut doomed = worker(&w, "doomed", 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    doomed.start_kill().unwrap();
    let _ = doomed.wait().await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Three workers, one cycle.
    let children: Vec<Child> = ["w1", "w2", "w3"]
        .iter()
        .map(|n| worker(&w, n, 60))
        .collect();
    for c in children {
        finish(c).await;
    }
    assert_matches_ground_truth(&w).await;
    for a in db.all_accounts().await.unwrap() {
        let runs = db.sync_runs(a.id, 100).await.unwrap();
        let succeeded = runs
            .iter()
            .filter(|r| r.outcome == storage::SyncOutcome::Succeeded)
            .count();
        assert_eq!(
            succeeded, 1,
            "account {} synced {succeeded} times in one cycle",
            a.id
        );
        let state = db.sync_state(a.id).await.unwrap().unwrap();
        assert!(
            state.lease_owner.is_none(),
            "lease of {} not released",
            a.id
        );
    }
    drop(w);
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
}
