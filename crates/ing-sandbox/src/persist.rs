//! The sandbox's memory across restarts: with a state directory, everything a client of the
//! sandbox holds on to — issued tokens and codes with their expiry on the simulated clock,
//! consents (revoked, ending), registered signing keys, the unattended calls counted — is kept in
//! one small JSON file, together with what makes the generated data the same after a restart
//! (the data settings and the day the history ends) and the simulated clock's offset.
//!
//! The generated accounts and the living ledger are not stored: they follow from the seed and
//! the start day (`data.rs`, `evolve.rs`), so storing those two is enough for the same data.
//!
//! Every change is written before the answer that hands it out leaves (temporary file, `fsync`,
//! rename), so a killed process never forgets a token a client received. A state file that
//! cannot be read is a start-up error, never a silent fresh start: a fresh sandbox would refuse
//! every token the clients still hold.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::data::DataConfig;
use crate::error::Error;
use crate::tokens::{Allowance, AppToken, AuthCode, CustomerToken, Grant, RefreshToken, Tokens};

/// The state file's name inside the state directory.
pub const STATE_FILE: &str = "sandbox-state.json";

/// The format written; a file of another version is refused with the reason.
const VERSION: u32 = 1;

/// The data settings a state was made with: the generated data is the same only with the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DataSettings {
    seed: u64,
    profiles: usize,
    accounts_per_profile: usize,
    transactions_per_account: usize,
    years: u32,
    evolve: bool,
}

impl DataSettings {
    pub(crate) fn of(data: &DataConfig, evolve: bool) -> Self {
        Self {
            seed: data.seed,
            profiles: data.profiles,
            accounts_per_profile: data.accounts_per_profile,
            transactions_per_account: data.transactions_per_account,
            years: data.years,
            evolve,
        }
    }
}

/// One day's unattended calls of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct DayCount {
    account: String,
    day: Date,
    counted: u32,
    refused: u32,
}

/// Everything the file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Saved {
    version: u32,
    pub(crate) data: DataSettings,
    /// The day the generated history ends (the first start's simulated day).
    pub(crate) generated_until: Date,
    /// Simulated clock minus the wall clock, in nanoseconds.
    pub(crate) clock_offset_nanos: i64,
    #[serde(default)]
    app: HashMap<String, AppToken>,
    #[serde(default)]
    customer: HashMap<String, CustomerToken>,
    #[serde(default)]
    refresh: HashMap<String, RefreshToken>,
    #[serde(default)]
    codes: HashMap<String, AuthCode>,
    #[serde(default)]
    grants: HashMap<String, Grant>,
    /// Registered QSealC public keys (DER), per client id.
    #[serde(default)]
    signing_keys: HashMap<String, Vec<u8>>,
    #[serde(default)]
    revoked: HashSet<String>,
    #[serde(default)]
    consent_ends: HashMap<String, Option<TimeStamp>>,
    #[serde(default)]
    allowance: Vec<DayCount>,
}

/// An instant as RFC 3339 text inside a map value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct TimeStamp(#[serde(with = "time::serde::rfc3339")] OffsetDateTime);

impl Saved {
    /// The state to write: `tokens` and `allowance` as of `now`, without what has already
    /// expired (a restarted sandbox would refuse it anyway) and without days of counted calls
    /// older than yesterday (the allowance is per day).
    pub(crate) fn capture(
        data: DataSettings,
        generated_until: Date,
        clock_offset_nanos: i64,
        tokens: &Tokens,
        allowance: &Allowance,
        now: OffsetDateTime,
    ) -> Self {
        let yesterday = now.date().previous_day().unwrap_or(now.date());
        let mut days: HashMap<(String, Date), DayCount> = HashMap::new();
        for ((account, day), n) in &allowance.counted {
            if *day >= yesterday {
                days.entry((account.clone(), *day))
                    .or_insert_with(|| DayCount {
                        account: account.clone(),
                        day: *day,
                        counted: 0,
                        refused: 0,
                    })
                    .counted = *n;
            }
        }
        for ((account, day), n) in &allowance.refused {
            if *day >= yesterday {
                days.entry((account.clone(), *day))
                    .or_insert_with(|| DayCount {
                        account: account.clone(),
                        day: *day,
                        counted: 0,
                        refused: 0,
                    })
                    .refused = *n;
            }
        }
        let mut allowance: Vec<DayCount> = days.into_values().collect();
        allowance.sort_by(|a, b| (a.day, &a.account).cmp(&(b.day, &b.account)));
        Self {
            version: VERSION,
            data,
            generated_until,
            clock_offset_nanos,
            app: keep_live(&tokens.app, now, |t| t.expires_at),
            customer: keep_live(&tokens.customer, now, |t| t.expires_at),
            refresh: tokens.refresh.clone(),
            codes: keep_live(&tokens.codes, now, |t| t.expires_at),
            grants: tokens.grants.clone(),
            signing_keys: tokens.signing_keys.clone(),
            revoked: tokens.revoked.clone(),
            consent_ends: tokens
                .consent_ends
                .iter()
                .map(|(k, v)| (k.clone(), v.map(TimeStamp)))
                .collect(),
            allowance,
        }
    }

    /// The tokens to start with.
    pub(crate) fn tokens(&self) -> Tokens {
        Tokens {
            app: self.app.clone(),
            customer: self.customer.clone(),
            refresh: self.refresh.clone(),
            codes: self.codes.clone(),
            grants: self.grants.clone(),
            signing_keys: self.signing_keys.clone(),
            revoked: self.revoked.clone(),
            consent_ends: self
                .consent_ends
                .iter()
                .map(|(k, v)| (k.clone(), v.map(|t| t.0)))
                .collect(),
        }
    }

    /// The unattended calls to start with.
    pub(crate) fn allowance(&self) -> Allowance {
        let mut out = Allowance::default();
        for d in &self.allowance {
            if d.counted > 0 {
                out.counted.insert((d.account.clone(), d.day), d.counted);
            }
            if d.refused > 0 {
                out.refused.insert((d.account.clone(), d.day), d.refused);
            }
        }
        out
    }
}

fn keep_live<T: Clone>(
    map: &HashMap<String, T>,
    now: OffsetDateTime,
    expires: impl Fn(&T) -> OffsetDateTime,
) -> HashMap<String, T> {
    map.iter()
        .filter(|(_, v)| expires(v) > now)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Where the state lives.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    file: PathBuf,
}

impl Store {
    /// The store in `dir`, created (owner only) when missing.
    pub(crate) fn open(dir: &Path) -> Result<Self, Error> {
        create_private_dir(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Self {
            file: dir.join(STATE_FILE),
        })
    }

    /// The file's path.
    pub(crate) fn file(&self) -> &Path {
        &self.file
    }

    /// The saved state, `None` when there is none yet. A file that is there but cannot be read
    /// or understood is an error that says what to do.
    pub(crate) fn load(&self) -> Result<Option<Saved>, Error> {
        let bytes = match std::fs::read(&self.file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.unreadable(&e.to_string())),
        };
        let saved: Saved =
            serde_json::from_slice(&bytes).map_err(|e| self.unreadable(&e.to_string()))?;
        if saved.version != VERSION {
            return Err(self.unreadable(&format!(
                "it is of format version {}, this sandbox reads version {VERSION}",
                saved.version
            )));
        }
        Ok(Some(saved))
    }

    fn unreadable(&self, why: &str) -> Error {
        Error::State {
            path: self.file.clone(),
            reason: format!(
                "cannot be read ({why}). It holds the tokens the sandbox issued, so starting \
                 without it would break every existing connection: restore it from a backup, or \
                 move it away to start a fresh sandbox (existing connections must then be \
                 reconnected)"
            ),
        }
    }

    /// Writes `saved` atomically: a temporary file next to it (owner only), flushed to disk,
    /// then renamed over the old one, so a crash leaves the old state or the new, never half.
    pub(crate) fn save(&self, saved: &Saved) -> Result<(), Error> {
        let bytes = serde_json::to_vec(saved).map_err(|e| Error::State {
            path: self.file.clone(),
            reason: format!("cannot be encoded: {e}"),
        })?;
        let tmp = self.file.with_extension("json.tmp");
        let io = |e| Error::io(&tmp, e);
        let mut f = private_file(&tmp).map_err(io)?;
        f.write_all(&bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        std::fs::rename(&tmp, &self.file).map_err(|e| Error::io(&self.file, e))?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        let now = time::macros::datetime!(2026-12-01 12:00 UTC);
        let mut t = Tokens::default();
        t.refresh.insert(
            "rt".into(),
            RefreshToken {
                client_id: "c".into(),
                profile_id: "profile-1".into(),
                scopes: vec!["payment-accounts:balances:view".into()],
                consent: "k".into(),
                expires_at: now + time::Duration::days(89),
            },
        );
        t.customer.insert(
            "old".into(),
            CustomerToken {
                client_id: "c".into(),
                profile_id: "profile-1".into(),
                scopes: vec![],
                consent: "k".into(),
                expires_at: now - time::Duration::minutes(1),
            },
        );
        t.consent_ends
            .insert("k".into(), Some(now + time::Duration::days(89)));
        t.revoked.insert("gone".into());
        t.signing_keys.insert("c".into(), vec![1, 2, 3]);
        t
    }

    #[test]
    fn a_state_survives_the_round_trip_without_what_expired() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sandbox")).unwrap();
        assert!(store.load().unwrap().is_none());
        let now = time::macros::datetime!(2026-12-01 12:00 UTC);
        let mut allowance = Allowance::default();
        allowance.counted.insert(("acc".into(), now.date()), 3);
        allowance
            .counted
            .insert(("acc".into(), now.date() - time::Duration::days(5)), 4);
        let key = DataSettings::of(&DataConfig::default(), false);
        let saved = Saved::capture(key.clone(), now.date(), 42, &tokens(), &allowance, now);
        store.save(&saved).unwrap();
        let back = store.load().unwrap().unwrap();
        assert_eq!(back.data, key);
        assert_eq!(back.generated_until, now.date());
        assert_eq!(back.clock_offset_nanos, 42);
        let t = back.tokens();
        assert_eq!(t.refresh["rt"].consent, "k");
        assert!(t.customer.is_empty(), "the expired access token is dropped");
        assert!(t.revoked.contains("gone"));
        assert_eq!(t.signing_keys["c"], [1, 2, 3]);
        assert_eq!(t.consent_ends["k"], Some(now + time::Duration::days(89)));
        let a = back.allowance();
        assert_eq!(a.counted.get(&("acc".to_owned(), now.date())), Some(&3));
        assert_eq!(a.counted.len(), 1, "old days are not kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(store.file()), 0o600);
            assert_eq!(mode(&dir.path().join("sandbox")), 0o700);
        }
    }

    #[test]
    fn a_corrupt_state_file_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        std::fs::write(store.file(), b"{\"version\": 1, \"data\": tru").unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains(STATE_FILE), "{err}");
        assert!(err.contains("move it away"), "{err}");
        std::fs::write(store.file(), b"{\"version\": 9}").unwrap();
        assert!(store.load().is_err());
    }
}
