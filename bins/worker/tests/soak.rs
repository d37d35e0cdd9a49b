//! Months of bank activity in minutes: the living sandbox (new transactions every simulated day,
//! card holds that book at another amount or vanish, back-dated bookings, enriched texts,
//! consents that end and are renewed, the 4-a-day allowance) against the real worker binary,
//! run once undisturbed on SQLite and once with three workers on PostgreSQL, random SIGKILLs and
//! injected faults. At the end each store must equal the sandbox's ledger, and the two runs must
//! have made the same matches.
//!
//! Run by `scripts/checks/soak.sh` (`SOAK_DAYS`, default 30; `SOAK_DAYS=400` for the long run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use bank_sync::BankSync;
use bank_sync::clock::ManualClock;
use ing_sandbox::{DataConfig, DevCertificates, Fault, Sandbox, SandboxConfig, SandboxHandle};
use rand::{RngExt as _, SeedableRng as _};
use sea_orm::{ConnectionTrait as _, Database as Sea};
use time::macros::datetime;
use tokio::process::Child;

const PROFILES: usize = 2;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Sim {
    sandbox: SandboxHandle,
    sync: BankSync,
    clock: Arc<ManualClock>,
    settings: bank_sync::settings::Settings,
    _dir: tempfile::TempDir,
}

/// What a run did, printed for the record (docs/operations.md keeps the long run's figures).
#[derive(Debug, Default)]
#[allow(dead_code, reason = "read through Debug in the printed figures")]
struct Figures {
    days: u64,
    kills: u64,
    faults: u64,
    reconnects: u64,
    worker_runs: u64,
    booked: usize,
    pending: usize,
    matches: usize,
    seconds: f64,
}

async fn start(database_url: Option<String>, consent_days: u32) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let certs = DevCertificates::generate().unwrap();
    certs.write_to(dir.path()).unwrap();
    let mut config = SandboxConfig::new(certs);
    config.data = DataConfig {
        seed: env_u64("SOAK_SEED", 2027),
        profiles: PROFILES,
        accounts_per_profile: 2,
        transactions_per_account: 200,
        years: 1,
    };
    config.evolve = true;
    config.start = Some(datetime!(2027-01-04 06:00 UTC));
    config.consent_days = consent_days;
    config.unattended_daily_budget = Some(4);
    let sandbox = Sandbox::start(config).await.unwrap();
    let url = database_url
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("soak.db").display()));
    let key = storage::DataKey::generate_base64().unwrap();
    let settings = common::settings(dir.path(), &url, &sandbox.api_url(), &key, 4);
    let clock = Arc::new(ManualClock::new(sandbox.now()));
    let sync = settings
        .build(vec![common::REDIRECT.into()])
        .await
        .unwrap()
        .with_clock(clock.clone());
    Sim {
        sandbox,
        sync,
        clock,
        settings,
        _dir: dir,
    }
}

impl Sim {
    /// A consent for `profile` given by a present person, then the whole history fetched while
    /// they are there — as the banking page does.
    async fn connect(&self, profile: &str) {
        let grant = common::consent(&self.sync, &self.sandbox, profile).await;
        let person = "192.0.2.55".parse().unwrap();
        let accounts = self
            .sync
            .sync_accounts(&grant.connection, true, Some(person))
            .await
            .unwrap();
        for a in accounts {
            self.sync
                .sync_for_person(a.account.id, person, true)
                .await
                .unwrap();
        }
    }

    /// The invoices the back office knows by the start of the day: the history's and those the
    /// ledger's new payments settle.
    async fn load_invoices(&self) {
        let mut all: Vec<ing_sandbox::data::Invoice> = self.sandbox.ground_truth().invoices.clone();
        for p in &self.sandbox.ground_truth().profiles {
            for a in &p.accounts {
                all.extend(self.sandbox.ledger(&a.resource_id).unwrap().invoices);
            }
        }
        let known: BTreeSet<String> = self
            .sync
            .db()
            .invoices(None)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.number)
            .collect();
        let new: Vec<storage::NewInvoice> = all
            .iter()
            .filter(|i| !known.contains(&i.number))
            .map(common::invoice)
            .collect();
        if !new.is_empty() {
            self.sync.db().upsert_invoices(&new).await.unwrap();
        }
    }

    fn worker(&self, name: &str) -> Child {
        let now = self
            .sandbox
            .now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        common::worker_command(&self.settings, name, 30)
            .args(["--now", &now])
            .env("PSD2_DAILY_BUDGET", "4")
            .spawn()
            .unwrap()
    }

    /// Reconnects every profile whose connection the product found ended.
    async fn renew_consents(&self, figures: &mut Figures) {
        let db = self.sync.db();
        let mut live = BTreeSet::new();
        for c in db.connections().await.unwrap() {
            if c.status.may_sync() {
                for a in db.accounts_of(&c.id).await.unwrap() {
                    live.insert(a.resource_id);
                }
            }
        }
        for p in &self.sandbox.ground_truth().profiles {
            if p.accounts.iter().any(|a| !live.contains(&a.resource_id)) {
                self.connect(&p.id).await;
                figures.reconnects += 1;
            }
        }
    }
}

/// Runs `days` simulated days. With `chaos`, three workers per pass, random SIGKILLs and faults.
async fn simulate(sim: &Sim, days: u64, chaos: bool) -> Figures {
    let started = Instant::now();
    let mut figures = Figures {
        days,
        ..Figures::default()
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(env_u64("SOAK_SEED", 2027) ^ 0x50a6);
    sim.load_invoices().await;
    for p in &sim.sandbox.ground_truth().profiles {
        sim.connect(&p.id).await;
    }
    let max_kills = days / 3 + 1;
    for day in 0..days {
        // A day and a quarter of an hour: the allowance is a rolling 24 hours, so yesterday's
        // requests must lie a full day behind today's pass however long yesterday's took.
        sim.sandbox
            .advance_clock(std::time::Duration::from_secs(86_400 + 900));
        sim.clock.set(sim.sandbox.now());
        sim.renew_consents(&mut figures).await;
        sim.load_invoices().await;
        let last_day = day + 1 == days;
        if chaos && !last_day {
            if rng.random_bool(0.3) {
                let fault = match rng.random_range(0..4) {
                    0 => Fault::ServerError,
                    1 => Fault::Unavailable,
                    2 => Fault::Truncated,
                    _ => Fault::Dropped,
                };
                sim.sandbox.inject([fault]);
                figures.faults += 1;
            }
            let mut children: Vec<Child> =
                (0..3).map(|i| sim.worker(&format!("soak-{i}"))).collect();
            if figures.kills < max_kills && rng.random_bool(0.4) {
                let victim = rng.random_range(0..children.len());
                tokio::time::sleep(std::time::Duration::from_millis(rng.random_range(5..400)))
                    .await;
                if children[victim].try_wait().unwrap().is_none() {
                    children[victim].start_kill().unwrap();
                    figures.kills += 1;
                }
            }
            for child in children {
                let _ = child.wait_with_output().await.unwrap();
                figures.worker_runs += 1;
            }
            // A killed worker's leases lapse (30 s) before the day's last pass, so that pass
            // takes its accounts over (and marks its runs aborted) the same day.
            sim.sandbox
                .advance_clock(std::time::Duration::from_secs(60));
        }
        // An undisturbed pass: the whole day's work in the quiet run, whatever the killed
        // workers left in the chaotic one (accounts they synced are fresh and skipped).
        let out = sim.worker("soak-main").wait_with_output().await.unwrap();
        figures.worker_runs += 1;
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || !last_day,
            "day {day}: the last pass failed: {err}"
        );
    }
    // A consent the last pass found ended is renewed, and its accounts brought up to date.
    sim.renew_consents(&mut figures).await;
    figures.seconds = started.elapsed().as_secs_f64();
    figures
}

/// The store against the sandbox's ledger, account by account.
async fn assert_store_equals_ledger(sim: &Sim, figures: &mut Figures) {
    let db = sim.sync.db();
    let accounts = db.all_accounts().await.unwrap();
    let truth_accounts: usize = sim
        .sandbox
        .ground_truth()
        .profiles
        .iter()
        .map(|p| p.accounts.len())
        .sum();
    assert_eq!(
        accounts.len(),
        truth_accounts,
        "account rows: duplicates or missing"
    );
    for a in &accounts {
        let ledger = sim.sandbox.ledger(&a.resource_id).unwrap();
        let rows = db.transactions(a.id).await.unwrap();
        let mut booked: HashMap<String, &storage::entity::transaction::Model> = HashMap::new();
        for r in rows
            .iter()
            .filter(|r| r.status == storage::BookingStatus::Booked)
        {
            let id = r.bank_transaction_id.clone().expect("booked without id");
            assert!(booked.insert(id.clone(), r).is_none(), "{id} stored twice");
        }
        let mut missing = Vec::new();
        for t in &ledger.booked {
            let id = t.transaction_id.as_deref().unwrap();
            match booked.remove(id) {
                None => missing.push(id.to_owned()),
                Some(r) => {
                    assert_eq!(r.amount.decimal(), t.amount, "{id}");
                    assert_eq!(r.booking_date, t.booking_date, "{id}");
                    // ING separates lines with `<br>`; the product stores line breaks.
                    assert_eq!(
                        r.remittance_unstructured,
                        t.remittance_unstructured
                            .as_ref()
                            .map(|x| x.replace("<br>", "\n")),
                        "{id}: an enriched text did not arrive"
                    );
                    assert_eq!(
                        r.counterparty_name.as_deref(),
                        Some(t.counterparty_name.as_str()),
                        "{id}"
                    );
                }
            }
        }
        assert!(missing.is_empty(), "account {}: missing {missing:?}", a.id);
        assert!(
            booked.is_empty(),
            "account {}: not in the ledger {:?}",
            a.id,
            booked.keys()
        );
        let sum_store: rust_decimal::Decimal = rows
            .iter()
            .filter(|r| r.status == storage::BookingStatus::Booked)
            .map(|r| r.amount.decimal())
            .sum();
        let sum_ledger: rust_decimal::Decimal = ledger.booked.iter().map(|t| t.amount).sum();
        assert_eq!(sum_store, sum_ledger, "account {}: sums", a.id);
        let pending_key =
            |date: Option<time::Date>, amount: rust_decimal::Decimal, name: Option<&str>| {
                (
                    date,
                    amount.normalize().to_string(),
                    name.unwrap_or("").to_owned(),
                )
            };
        let mut store_pending: Vec<_> = rows
            .iter()
            .filter(|r| r.status == storage::BookingStatus::Pending)
            .map(|r| {
                pending_key(
                    r.value_date,
                    r.amount.decimal(),
                    r.counterparty_name.as_deref(),
                )
            })
            .collect();
        let mut ledger_pending: Vec<_> = ledger
            .pending
            .iter()
            .map(|t| {
                pending_key(
                    Some(t.value_date),
                    t.amount,
                    Some(t.counterparty_name.as_str()),
                )
            })
            .collect();
        store_pending.sort();
        ledger_pending.sort();
        assert_eq!(
            store_pending, ledger_pending,
            "account {}: pending entries (stale or missing)",
            a.id
        );
        figures.booked += ledger.booked.len();
        figures.pending += ledger.pending.len();
        let runs = db.sync_runs(a.id, 100_000).await.unwrap();
        assert!(
            runs.iter()
                .all(|r| r.outcome != storage::SyncOutcome::Running),
            "account {}: a run was left running",
            a.id
        );
    }
    // The bank's own count: never more than four unattended requests an account a day.
    for (account, days) in sim.sandbox.allowance() {
        for (day, n) in days {
            assert!(n <= 4, "{account} on {day}: {n} unattended requests");
        }
    }
}

/// Confirmed matches by the bank's transaction id, invoice number and amount.
async fn matches(sim: &Sim) -> BTreeMap<String, Vec<(String, String)>> {
    let db = sim.sync.db();
    let numbers: HashMap<i64, String> = db
        .invoices(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.number))
        .collect();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for a in db.all_accounts().await.unwrap() {
        for t in db.transactions(a.id).await.unwrap() {
            for m in db.matches_for_transaction(t.id).await.unwrap() {
                if m.status == storage::MatchStatus::Confirmed {
                    out.entry(t.bank_transaction_id.clone().unwrap_or_default())
                        .or_default()
                        .push((numbers[&m.invoice_id].clone(), m.amount.to_string()));
                }
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long; run by scripts/checks/soak.sh"]
async fn months_of_bank_activity_end_with_the_store_equal_to_the_ledger() {
    let days = env_u64("SOAK_DAYS", 30);
    // Short runs end consents every ten days so that two renewals happen; long runs use ING's
    // ninety.
    let consent_days = u32::try_from(env_u64(
        "SOAK_CONSENT_DAYS",
        if days >= 200 { 90 } else { 10 },
    ))
    .unwrap();

    let quiet = start(None, consent_days).await;
    let mut quiet_figures = simulate(&quiet, days, false).await;
    assert_store_equals_ledger(&quiet, &mut quiet_figures).await;
    let reference = matches(&quiet).await;
    quiet_figures.matches = reference.len();
    eprintln!("soak quiet (SQLite, one worker): {quiet_figures:?}");
    assert!(
        quiet_figures.reconnects >= 2 || days < 25,
        "consents were not renewed: {quiet_figures:?}"
    );
    assert!(!reference.is_empty(), "nothing was matched");

    let postgres = match std::env::var("DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!("soak_{}", uuid::Uuid::new_v4().simple());
            let conn = Sea::connect(admin.clone()).await.unwrap();
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
        }
        _ => {
            eprintln!("DATABASE_URL is not PostgreSQL: the chaotic run uses SQLite");
            None
        }
    };
    let chaotic = start(postgres, consent_days).await;
    let mut chaos_figures = simulate(&chaotic, days, true).await;
    assert_store_equals_ledger(&chaotic, &mut chaos_figures).await;
    let chaotic_matches = matches(&chaotic).await;
    chaos_figures.matches = chaotic_matches.len();
    eprintln!("soak chaotic (three workers, kills, faults): {chaos_figures:?}");
    assert!(
        chaos_figures.kills >= 1,
        "no worker was killed: {chaos_figures:?}"
    );
    let differ: Vec<_> = reference
        .iter()
        .filter(|(k, v)| chaotic_matches.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(
            chaotic_matches
                .keys()
                .filter(|k| !reference.contains_key(*k))
                .cloned(),
        )
        .collect();
    assert!(
        differ.is_empty(),
        "matches differ from the undisturbed run for {differ:?}"
    );
}
