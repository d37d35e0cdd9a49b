//! The sandbox's shared state: configuration, generated data, issued tokens and codes, counters.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use time::OffsetDateTime;

use crate::account_index::AccountIndex;
use crate::certs::DevCertificates;
use crate::data::{DataConfig, GroundTruth};
use crate::faults::{FaultConfig, Faults};
use crate::ledger::View;
pub(crate) use crate::tokens::{
    Allowance, AppToken, AuthCode, CustomerToken, Grant, RefreshToken, Tokens,
};

/// The AIS scope for balances.
pub const SCOPE_BALANCES: &str = "payment-accounts:balances:view";
/// The AIS scope for transactions.
pub const SCOPE_TRANSACTIONS: &str = "payment-accounts:transactions:view";

/// Everything a sandbox is started with.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Certificates: the CA clients must chain to, and the server's own certificate.
    pub certs: DevCertificates,
    /// Address to listen on.
    pub bind: IpAddr,
    /// API port (mTLS); 0 picks a free one.
    pub api_port: u16,
    /// Consent port (plain HTTP, for browsers); 0 picks a free one.
    pub consent_port: u16,
    /// The client id every application token is issued for (ING's sandbox answers this one).
    pub client_id: String,
    /// Generated data.
    pub data: DataConfig,
    /// Fault injection (all off by default).
    pub faults: FaultConfig,
    /// PSD2's limit of unattended AIS calls per account per day; `None` = no limit.
    pub unattended_daily_budget: Option<u32>,
    /// Life of application tokens.
    pub app_token_ttl: Duration,
    /// Life of customer access tokens.
    pub access_token_ttl: Duration,
    /// Life of refresh tokens (the consent).
    pub refresh_token_ttl: Duration,
    /// Life of authorization codes.
    pub code_ttl: Duration,
    /// Largest accepted difference between the `Date` header and the sandbox's clock.
    pub max_clock_skew: Duration,
    /// Whether a refresh answer carries a new refresh token (ING's does; some stubs do not).
    pub rotate_refresh_tokens: bool,
    /// Where the simulated clock starts; it then runs with the wall clock. `None` = the wall
    /// clock. The generated history ends on this day.
    pub start: Option<OffsetDateTime>,
    /// Serve the `/__sandbox/…` control routes (clock, ledger, allowance) on the consent port.
    /// Off by default: nothing a client of ING could reach should move time.
    pub clock_control: bool,
    /// Let the ledger evolve day by day after the start (new bookings, pending entries that book
    /// or vanish, back-dated bookings, enriched texts). Off by default: the static history
    /// stays exactly what the generator made.
    pub evolve: bool,
    /// Days a consent lasts from the (simulated) moment it is granted; refresh tokens live as
    /// long as their consent. 0 = consents never end and refresh tokens live
    /// `refresh_token_ttl`.
    pub consent_days: u32,
    /// Where the sandbox keeps what it must not forget across restarts (issued tokens,
    /// consents, the clock, the day its data was generated for): `sandbox-state.json` in this
    /// folder, written on every change. `None` = everything lives in memory only.
    pub state_dir: Option<std::path::PathBuf>,
    /// How long each API answer is held back (none by default): a real bank's network time.
    pub latency: crate::latency::Latency,
}

impl SandboxConfig {
    /// Defaults as ING's sandbox behaves, with the given certificates.
    pub fn new(certs: DevCertificates) -> Self {
        Self {
            certs,
            bind: IpAddr::from([127, 0, 0, 1]),
            api_port: 0,
            consent_port: 0,
            client_id: "5ca1ab1e-c0ca-c01a-cafe-154deadbea75".to_owned(),
            data: DataConfig::default(),
            faults: FaultConfig::default(),
            unattended_daily_budget: None,
            app_token_ttl: Duration::from_secs(900),
            access_token_ttl: Duration::from_secs(900),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            code_ttl: Duration::from_secs(600),
            max_clock_skew: Duration::from_secs(300),
            rotate_refresh_tokens: true,
            start: None,
            clock_control: false,
            evolve: false,
            consent_days: 90,
            state_dir: None,
            latency: crate::latency::Latency::default(),
        }
    }
}

/// One request the API port received, as a test reads it back: what a client sent that ING
/// would see but not necessarily refuse (its `User-Agent`, the exact request target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// Path and query exactly as sent.
    pub target: String,
    /// The `User-Agent` header, when sent.
    pub user_agent: Option<String>,
    /// The signature's `keyId` (from `Authorization: Signature …` or `Signature`), when one
    /// could be read: `SN=…[,CA=…]` or the client id. Never a secret.
    pub key_id: Option<String>,
}

/// How many of the latest requests [`crate::SandboxHandle::requests_seen`] keeps: enough for any
/// test, bounded so a long-running sandbox does not grow.
pub(crate) const SEEN_REQUESTS_KEPT: usize = 10_000;

/// Counters a test or benchmark reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// TLS handshakes completed on the API port.
    pub tls_handshakes: u64,
    /// TLS handshakes refused (no or a foreign client certificate).
    pub tls_refused: u64,
    /// The most API requests that were being answered at the same moment: how much of its
    /// waiting on the bank a client overlapped.
    pub most_in_flight: u64,
    /// Requests answered on the API port.
    pub requests: u64,
    /// Faults injected.
    pub faults_injected: u64,
    /// Unattended AIS calls answered per account resource id on the simulated day (all days:
    /// [`crate::SandboxHandle::allowance`]).
    pub unattended_calls: HashMap<String, u32>,
}

/// State shared by every connection.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    pub(crate) ca_der: Vec<u8>,
    pub(crate) truth: GroundTruth,
    /// The living ledger when `config.evolve` is on.
    pub(crate) ledger: Option<crate::ledger::Ledger>,
    pub(crate) index: HashMap<String, AccountIndex>,
    pub(crate) tokens: Mutex<Tokens>,
    pub(crate) faults: Faults,
    /// Unattended calls per account and simulated day.
    pub(crate) budget: Mutex<Allowance>,
    /// The simulated clock (tests and soak runs move it forward to expire tokens, consents and
    /// budgets and to let the ledger evolve).
    pub(crate) clock: crate::clock::Clock,
    pub(crate) tls_handshakes: AtomicU64,
    pub(crate) tls_refused: AtomicU64,
    pub(crate) in_flight: crate::latency::InFlight,
    pub(crate) requests: AtomicU64,
    /// The latest requests on the API port, oldest first (at most [`SEEN_REQUESTS_KEPT`]).
    pub(crate) seen: Mutex<std::collections::VecDeque<SeenRequest>>,
    pub(crate) consent_url: String,
    /// Where every change is written, with the state directory.
    pub(crate) store: Option<crate::persist::Store>,
    /// The data settings the state was made with.
    pub(crate) data_key: crate::persist::DataSettings,
    /// The day the generated history ends.
    pub(crate) generated_until: time::Date,
}

impl Shared {
    /// The sandbox's notion of now: the simulated clock.
    pub(crate) fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// What the account shows on `day`: the living ledger's view, or the static data.
    pub(crate) fn view(&self, resource_id: &str, day: time::Date) -> Option<std::sync::Arc<View>> {
        match &self.ledger {
            Some(ledger) => ledger.view(resource_id, day),
            None => self
                .truth
                .account(resource_id)
                .map(|a| std::sync::Arc::new(View::of_account(a))),
        }
    }

    pub(crate) fn lock_budget(&self) -> std::sync::MutexGuard<'_, Allowance> {
        self.budget
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `request` among the latest ones seen.
    pub(crate) fn saw(&self, request: SeenRequest) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= SEEN_REQUESTS_KEPT {
            seen.pop_front();
        }
        seen.push_back(request);
    }

    /// The issued tokens. A change made through the guard is written to the state file (when
    /// there is one) before the lock is released, so what a client is handed is on disk first.
    pub(crate) fn lock_tokens(&self) -> TokensGuard<'_> {
        // A poisoned lock only means another request panicked mid-update; the maps stay usable.
        TokensGuard {
            guard: self
                .tokens
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            shared: self,
            changed: false,
        }
    }

    /// Writes the state file after a change outside the tokens (the clock, the allowance).
    pub(crate) fn persist(&self) {
        let mut tokens = self.lock_tokens();
        tokens.changed = self.store.is_some();
    }

    /// Writes the state file now; `Ok` without a state directory.
    pub(crate) fn save(&self, tokens: &Tokens) -> Result<(), crate::Error> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let saved = crate::persist::Saved::capture(
            self.data_key.clone(),
            self.generated_until,
            self.clock.offset_nanos(),
            tokens,
            &self.lock_budget(),
            self.now(),
        );
        store.save(&saved)
    }
}

/// The tokens, locked; written to the state file on release when changed.
pub(crate) struct TokensGuard<'a> {
    guard: std::sync::MutexGuard<'a, Tokens>,
    shared: &'a Shared,
    changed: bool,
}

impl std::ops::Deref for TokensGuard<'_> {
    type Target = Tokens;
    fn deref(&self) -> &Tokens {
        &self.guard
    }
}

impl std::ops::DerefMut for TokensGuard<'_> {
    fn deref_mut(&mut self) -> &mut Tokens {
        self.changed = true;
        &mut self.guard
    }
}

impl Drop for TokensGuard<'_> {
    fn drop(&mut self) {
        if self.changed
            && let Err(e) = self.shared.save(&self.guard)
        {
            // The answer is already made; a restart would forget this change, so say so loudly.
            tracing::error!(error = %e, "the sandbox could not save its state; a restart will forget the latest tokens");
        }
    }
}

/// A random opaque token (32 bytes, URL-safe base64).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // SystemRandom only fails when the OS has no randomness at all; fall back to a UUID then.
    if SystemRandom::new().fill(&mut bytes).is_err() {
        return uuid::Uuid::new_v4().simple().to_string();
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn expiry(now: OffsetDateTime, ttl: Duration) -> OffsetDateTime {
    now + time::Duration::try_from(ttl).unwrap_or(time::Duration::MAX)
}
