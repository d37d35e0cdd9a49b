//! The service both binaries hold: database, data key, ING client and the rules they share.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use storage::{Database, Keyring};

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
        }
    }

    /// The database (for read endpoints).
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The ING client.
    pub fn client(&self) -> &ing_psd2::Client {
        &self.client
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
