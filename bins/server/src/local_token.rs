//! `local` mode's API token when `PSD2_API_TOKEN` is not set: generated on the first start and
//! shown once, then kept across restarts as its SHA-256 digest in the data directory (the server
//! only needs to check it), so the token a person noted keeps working. `--rotate-api-token`
//! replaces it with a new one, shown once again.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::auth::ApiTokenDigest;

/// The file inside the data directory that holds the token's digest (hex).
pub const API_TOKEN_FILE: &str = "local-api-token.sha256";

/// The API token of a `local` mode start.
pub enum LocalApiToken {
    /// Made on this start (the first, or a rotation): the only time it can be shown.
    New {
        /// The token, to print once.
        token: String,
        /// Where its digest was stored.
        file: PathBuf,
    },
    /// The token of an earlier start, known here only by its digest.
    Stored {
        /// Its digest.
        digest: ApiTokenDigest,
        /// The file it was read from.
        file: PathBuf,
    },
}

/// The token never reaches a `Debug` print.
impl std::fmt::Debug for LocalApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalApiToken::New { file, .. } => f
                .debug_struct("New")
                .field("token", &"[redacted]")
                .field("file", file)
                .finish(),
            LocalApiToken::Stored { file, .. } => f
                .debug_struct("Stored")
                .field("digest", &"[redacted]")
                .field("file", file)
                .finish(),
        }
    }
}

impl LocalApiToken {
    /// What requests are checked against.
    pub fn digest(&self) -> ApiTokenDigest {
        match self {
            LocalApiToken::New { token, .. } => ApiTokenDigest::of(token),
            LocalApiToken::Stored { digest, .. } => digest.clone(),
        }
    }
}

/// The stored token of `data_dir`, or a new one when there is none or `rotate` asks for one.
/// A digest file that cannot be read is an error naming the file and the way out.
pub fn load_or_create(data_dir: &Path, rotate: bool) -> anyhow::Result<LocalApiToken> {
    let file = data_dir.join(API_TOKEN_FILE);
    if !rotate {
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let digest = ApiTokenDigest::from_hex(text.trim()).ok_or_else(|| {
                    anyhow::anyhow!(
                        "{} does not hold an API token digest (64 hex digits); start with \
                         --rotate-api-token (PSD2_ROTATE_API_TOKEN=true) to make a new token",
                        file.display()
                    )
                })?;
                return Ok(LocalApiToken::Stored { digest, file });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => anyhow::bail!("cannot read {}: {e}", file.display()),
        }
    }
    let token = bank_sync::random_token("psd2a_")?;
    bank_sync::create_private_dir(data_dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", data_dir.display()))?;
    replace_private(&file, &ApiTokenDigest::of(&token).to_hex())?;
    tracing::info!(file = %file.display(), "stored the digest of a new local API token");
    Ok(LocalApiToken::New { token, file })
}

/// Writes `text` to `path` for the owner only, through a temporary file and a rename, so a
/// crash leaves the old token or the new, never an empty file.
fn replace_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let write = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_made_once_kept_as_a_digest_and_rotated_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let LocalApiToken::New { token, file } = load_or_create(&data, false).unwrap() else {
            panic!("the first start makes a token");
        };
        let stored = std::fs::read_to_string(&file).unwrap();
        assert!(!stored.contains(&token), "only the digest is stored");
        let again = load_or_create(&data, false).unwrap();
        assert!(matches!(again, LocalApiToken::Stored { .. }));
        assert!(again.digest().matches(&token));
        let LocalApiToken::New { token: rotated, .. } = load_or_create(&data, true).unwrap() else {
            panic!("rotation makes a token");
        };
        let after = load_or_create(&data, false).unwrap();
        assert!(after.digest().matches(&rotated) && !after.digest().matches(&token));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::write(&file, "not a digest").unwrap();
        let err = load_or_create(&data, false).err().unwrap().to_string();
        assert!(err.contains("--rotate-api-token"), "{err}");
    }
}
