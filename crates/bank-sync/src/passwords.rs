//! Password hashes: Argon2id with the `argon2` crate's default parameters (OWASP's minimum:
//! 19 MiB, 2 passes, 1 lane), stored as PHC strings so parameters can be raised later without
//! breaking stored hashes. Hashing is slow on purpose, so it runs on tokio's blocking pool.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use ring::rand::{SecureRandom as _, SystemRandom};

use crate::error::SyncError;

/// Fewer characters than this is refused: a password guessed offline from a copied database
/// costs an Argon2 evaluation per guess, but a short one is still found.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The PHC string of `password`, with a fresh random salt.
pub(crate) async fn hash_password(password: &str) -> Result<String, SyncError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(SyncError::BadRequest(format!(
            "the password is too short: use at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let password = password.to_owned();
    blocking(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, SyncError> {
    let mut salt = [0u8; 16];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| SyncError::Internal("the system's random source failed".into()))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| SyncError::Internal(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| SyncError::Internal(format!("password hash: {e}")))
}

/// Whether `password` is the one `phc` was made from. With `phc` `None` (an unknown user) a
/// hash of the same cost is checked anyway, so the answer takes as long either way and does
/// not tell which usernames exist.
pub(crate) async fn verify_password(
    phc: Option<String>,
    password: &str,
) -> Result<bool, SyncError> {
    let password = password.to_owned();
    blocking(move || {
        let known = phc.is_some();
        let phc = match phc {
            Some(phc) => phc,
            None => dummy_hash()?.to_owned(),
        };
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| SyncError::Internal(format!("a stored password hash is corrupt: {e}")))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await?
}

/// A hash of nothing anyone knows, made once: what unknown usernames are checked against.
fn dummy_hash() -> Result<&'static str, SyncError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let made = hash_now(&crate::token::random_token("dummy_")?)?;
    Ok(DUMMY.get_or_init(|| made))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Internal(format!("the password hashing task failed: {e}")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = super::hash_password("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            super::verify_password(Some(h.clone()), "correct horse battery")
                .await
                .unwrap()
        );
        assert!(
            !super::verify_password(Some(h), "correct horse batterx")
                .await
                .unwrap()
        );
        assert!(
            !super::verify_password(None, "correct horse battery")
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(super::hash_password("short").await.is_err());
    }
}
