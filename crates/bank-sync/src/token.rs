//! Opaque bearer values we issue (connection tokens, OAuth states): random, URL-safe, and only
//! ever stored as hashes.

use base64::Engine as _;
use ring::rand::{SecureRandom as _, SystemRandom};

use crate::error::SyncError;

/// 32 random bytes, base64url without padding, behind a prefix that says what it is (so a
/// leaked value is recognisable in a secret scanner).
pub fn random_token(prefix: &str) -> Result<String, SyncError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| SyncError::Internal("the system's random source failed".into()))?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_distinct_and_url_safe() {
        let a = super::random_token("c_").unwrap();
        let b = super::random_token("c_").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 2 + 43);
        assert!(
            a[2..]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }
}
