//! Building the service from [`Settings`]: database (migrated), data key, ING client. Both
//! binaries start here, so they read configuration the same way.

use std::path::{Path, PathBuf};

use ing_psd2::{Client, Config, Environment as IngEnvironment};
use storage::{DataKey, Database, DbOptions, Keyring};

use crate::service::{BankSync, Policy};
use crate::settings::{Environment, Settings};

/// Where `local` mode keeps its generated data key, inside the data directory.
pub const LOCAL_DATA_KEY_FILE: &str = "local-data.key";

/// Why the service could not be built; each names what to fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// Settings are wrong.
    #[error("configuration: {0}")]
    Config(String),
    /// Certificates or the ING client.
    #[error(transparent)]
    Client(#[from] ing_psd2::Error),
    /// Database or data key.
    #[error(transparent)]
    Storage(#[from] storage::Error),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// Which file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Settings {
    /// The environment's name as stored with connections.
    pub fn environment_name(&self) -> &'static str {
        match self.environment {
            Environment::Local => "local",
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }

    /// The local sandbox's API URL (`local` mode without an override).
    pub fn local_api_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.sandbox_port)
    }

    /// The ING client these settings describe.
    pub fn ing_config(&self) -> Result<Config, SetupError> {
        let mut b = Config::builder().certificate_dir(&self.cert_path);
        let base = match (&self.api_base_url, self.environment) {
            (Some(url), _) => Some(url.clone()),
            (None, Environment::Local) => Some(self.local_api_url()),
            (None, _) => None,
        };
        b = match (base, self.environment) {
            (Some(url), _) => b
                .environment(IngEnvironment::Custom(url.parse().map_err(|e| {
                    SetupError::Config(format!("PSD2_API_BASE_URL {url:?}: {e}"))
                })?)),
            (None, Environment::Production) => b.environment(IngEnvironment::Production),
            (None, _) => b.environment(IngEnvironment::Sandbox),
        };
        let ca = match (&self.ca_cert, self.environment) {
            (Some(ca), _) => Some(ca.clone()),
            (None, Environment::Local) => Some(self.cert_path.join("ca.cer")),
            (None, _) => None,
        };
        if let Some(ca) = ca {
            b = b.extra_root_file(ca);
        }
        if let Some(id) = &self.client_id {
            b = b.client_id(id.clone());
        }
        b = b.key_id_format(self.key_id_format);
        Ok(b.build()?)
    }

    /// The keyring: `PSD2_DATA_KEY` (plus retired keys), or in `local` mode a key kept in
    /// [`LOCAL_DATA_KEY_FILE`] in the data directory and created on first start.
    pub fn keyring(&self) -> Result<Keyring, SetupError> {
        let current = match (&self.data_key, self.environment) {
            (Some(k), _) => DataKey::from_base64(k)?,
            (None, Environment::Local) => {
                DataKey::from_base64(&local_key(&self.data_dir.join(LOCAL_DATA_KEY_FILE))?)?
            }
            (None, _) => {
                return Err(SetupError::Config(
                    "PSD2_DATA_KEY must be set outside local mode".into(),
                ));
            }
        };
        let mut ring = Keyring::new(current);
        for old in self
            .retired_data_keys
            .iter()
            .filter(|k| !k.trim().is_empty())
        {
            ring = ring.with_retired(DataKey::from_base64(old)?);
        }
        Ok(ring)
    }

    /// Opens (and migrates) the database; a SQLite file and its folder are created when
    /// missing, readable by the owner only.
    pub async fn database(&self) -> Result<Database, SetupError> {
        if let Some(path) = sqlite_path(&self.database_url) {
            create_private_file(&path)?;
        }
        Ok(Database::connect(
            &self.database_url,
            &DbOptions {
                max_connections: self.db_pool,
            },
        )
        .await?)
    }

    /// Everything: database, keys, client, matcher.
    pub async fn build(&self, redirect_uris: Vec<String>) -> Result<BankSync, SetupError> {
        let client = Client::new(self.ing_config()?)?;
        let keys = self.keyring()?;
        let db = self.database().await?;
        let matcher = reconcile::Matcher::new(reconcile::Config {
            invoice_patterns: self.invoice_patterns.clone(),
            ..reconcile::Config::default()
        })
        .map_err(|e| SetupError::Config(format!("PSD2_INVOICE_PATTERNS: {e}")))?;
        let policy = Policy {
            environment: self.environment_name().to_owned(),
            redirect_uris,
            daily_budget: self.daily_budget,
            user_sync_min_interval: time::Duration::seconds(i64::from(self.user_sync_min_seconds)),
            history_days: i64::from(self.history_days.max(1)),
            datev: self.datev.clone(),
            default_consent_days: if self.environment == Environment::Production {
                180
            } else {
                90
            },
            ..Policy::default()
        };
        Ok(BankSync::new(db, keys, client, policy, matcher))
    }
}

/// The file of a `sqlite://` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Creates `path` empty (and its folder) for the owner only, unless it exists: the database
/// holds bank data, so neither the file nor the folder is readable by other users of the machine
/// (SQLite gives its `-wal` and `-shm` files the database file's mode).
fn create_private_file(path: &Path) -> Result<(), SetupError> {
    let io = |source| SetupError::Io {
        path: path.to_owned(),
        source,
    };
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(io)?;
    }
    write_private(path, "").map_err(io)
}

/// Creates `dir` and missing parents, for the owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
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

fn local_key(path: &Path) -> Result<String, SetupError> {
    let io = |source| SetupError::Io {
        path: path.to_owned(),
        source,
    };
    if path.exists() {
        return Ok(std::fs::read_to_string(path).map_err(io)?.trim().to_owned());
    }
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(io)?;
    }
    let key = DataKey::generate_base64()?;
    write_private(path, &key).map_err(io)?;
    tracing::info!(file = %path.display(), "created the local data key");
    Ok(key)
}

/// Creates `path` with `text`, readable and writable by the owner only; an existing file is an
/// error (never overwritten).
#[cfg(unix)]
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// Creates `path` with `text` (no owner-only mode on this platform).
#[cfg(not(unix))]
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/psd2.db?mode=rwc").unwrap(),
            std::path::Path::new("data/psd2.db")
        );
        assert!(sqlite_path("sqlite::memory:").is_none());
        assert!(sqlite_path("postgres://x@y/z").is_none());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_sqlite_database_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("data/psd2.db");
        super::create_private_file(&file).unwrap();
        storage::Database::connect(
            &format!("sqlite://{}?mode=rwc", file.display()),
            &storage::DbOptions { max_connections: 1 },
        )
        .await
        .unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("data")), 0o700);
        assert_eq!(mode(&file), 0o600);
    }
}
