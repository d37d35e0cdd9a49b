//! The service both binaries hold: database, data key, ING client and the rules they share.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use storage::{Database, Keyring};

use crate::clock::{Clock, SystemClock};

/// Rules a deployment chooses.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `local`, `sandbox` or `production`: stored with each connection.
    pub environment: String,
    /// Redirect URIs a consent may return to, matched exactly.
    pub redirect_uris: Vec<String>,
    /// ING login page country (`NL`, `DE`, …).
    pub country_code: String,
    /// How long an OAuth state is accepted.
    pub state_ttl: time::Duration,
    /// Consent lifetime assumed when ING does not say (90 days in the sandbox).
    pub default_consent_days: i64,
    /// Unattended ING calls per account per 24 hours (PSD2: 4).
    pub daily_budget: u32,
    /// Entries per transactions page asked of ING.
    pub page_size: u32,
    /// Shortest time between two user-started syncs of one account; a sync asked for sooner is
    /// refused with the time it may run (ING's own rate limits and the bank's load).
    pub user_sync_min_interval: time::Duration,
    /// Days of history fetched right after a consent, while the person is present (ING serves
    /// at most this much without a fresh strong authentication).
    pub history_days: i64,
    /// Days per window of an unattended backfill: each window is committed with its watermark
    /// before the next (older first), so a budget running out keeps what was fetched.
    pub backfill_window_days: i64,
    /// The tax adviser's DATEV numbers for [`BankSync::export_datev`].
    pub datev: crate::datev_settings::DatevConfig,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            environment: "local".into(),
            redirect_uris: Vec::new(),
            country_code: "NL".into(),
            state_ttl: time::Duration::minutes(15),
            default_consent_days: 90,
            daily_budget: 4,
            page_size: 100,
            user_sync_min_interval: time::Duration::seconds(60),
            history_days: 730,
            backfill_window_days: 14,
            datev: crate::datev_settings::DatevConfig::default(),
        }
    }
}

/// Consent, sync and reconciliation, over one database and one ING client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct BankSync {
    pub(crate) db: Database,
    pub(crate) keys: Arc<Keyring>,
    pub(crate) client: ing_psd2::Client,
    pub(crate) policy: Arc<Policy>,
    /// One refresh at a time per connection: a second caller waits and reuses the new token.
    pub(crate) refreshing: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    pub(crate) matcher: Arc<reconcile::Matcher>,
    /// "Now" for every decision (budget, leases, watermark, expiry); the system clock unless a
    /// simulation sets another.
    pub(crate) clock: Arc<dyn Clock>,
    /// One user-started sync per account at a time within this process (the database lease
    /// keeps other processes out).
    pub(crate) user_syncs: Arc<Mutex<std::collections::HashSet<i64>>>,
    /// Matcher runs so far (each loads every open invoice and builds the index once).
    pub(crate) matcher_runs: Arc<AtomicU64>,
    /// How long banking-page sessions last.
    pub(crate) session_timeouts: crate::session_timeouts::SessionTimeouts,
}

impl BankSync {
    /// Assembles the service.
    pub fn new(
        db: Database,
        keys: Keyring,
        client: ing_psd2::Client,
        policy: Policy,
        matcher: reconcile::Matcher,
    ) -> Self {
        Self {
            db,
            keys: Arc::new(keys),
            client,
            policy: Arc::new(policy),
            refreshing: Arc::default(),
            matcher: Arc::new(matcher),
            clock: Arc::new(SystemClock),
            user_syncs: Arc::default(),
            matcher_runs: Arc::default(),
            session_timeouts: crate::session_timeouts::SessionTimeouts::default(),
        }
    }

    /// The same service reading time from `clock` (simulations and tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same service with these session timeouts (the server's settings).
    #[must_use]
    pub fn with_session_timeouts(
        mut self,
        timeouts: crate::session_timeouts::SessionTimeouts,
    ) -> Self {
        self.session_timeouts = timeouts;
        self
    }

    /// Now, as this service sees it.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The database (for read endpoints).
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The ING client.
    pub fn client(&self) -> &ing_psd2::Client {
        &self.client
    }

    /// How many times this service (and its clones) ran the matcher: each run loads every open
    /// invoice and builds the matcher's index, the costly part of reconciling. A worker's pass
    /// runs it once however many accounts it synced; the worker exports it as a metric.
    pub fn matcher_runs(&self) -> u64 {
        self.matcher_runs.load(Ordering::Relaxed)
    }

    /// The rules in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl BankSync {
    /// The data keys (tests open stored secrets with them).
    pub fn keyring(&self) -> &storage::Keyring {
        &self.keys
    }
}
