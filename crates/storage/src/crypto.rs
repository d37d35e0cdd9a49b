//! Encryption at rest for ING's tokens: AES-256-GCM (ring), a fresh random nonce per value, the
//! owner and kind bound in as associated data (a ciphertext copied to another row fails), and
//! the key's id stored beside each value so keys can be rotated.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::Error;

/// One 32-byte data key.
pub struct DataKey {
    id: String,
    key: LessSafeKey,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataKey")
            .field("id", &self.id)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl DataKey {
    /// From base64 of 32 bytes (`PSD2_DATA_KEY`; `openssl rand -base64 32` makes one).
    pub fn from_base64(text: &str) -> Result<Self, Error> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| Error::DataKey("PSD2_DATA_KEY is not base64".into()))?;
        Self::from_bytes(&bytes)
    }

    /// From 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != 32 {
            return Err(Error::DataKey(format!(
                "a data key has 32 bytes, this one {}",
                bytes.len()
            )));
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        let id = hex::encode(&digest.as_ref()[..4]);
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| Error::DataKey("unusable key".into()))?;
        Ok(Self {
            id,
            key: LessSafeKey::new(key),
        })
    }

    /// A fresh random key, base64 (for `local` mode and tests).
    pub fn generate_base64() -> Result<String, Error> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| Error::DataKey("no system randomness".into()))?;
        Ok(STANDARD.encode(bytes))
    }

    /// The key's id: the first 4 bytes of its SHA-256, hex. Stored beside each value.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The current key (seals new values) and older ones (still open old values).
#[derive(Debug)]
pub struct Keyring {
    current: DataKey,
    old: HashMap<String, DataKey>,
}

impl Keyring {
    /// A keyring with one key.
    pub fn new(current: DataKey) -> Self {
        Self {
            current,
            old: HashMap::new(),
        }
    }

    /// Adds a retired key that can still decrypt values sealed with it.
    pub fn with_retired(mut self, key: DataKey) -> Self {
        self.old.insert(key.id.clone(), key);
        self
    }

    /// Seals `plaintext` for `(owner, kind)`: returns the key id and base64 of nonce ‖ ciphertext.
    pub fn seal(
        &self,
        owner: &str,
        kind: &str,
        plaintext: &[u8],
    ) -> Result<(String, String), Error> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| Error::DataKey("no system randomness".into()))?;
        let mut data = plaintext.to_vec();
        let aad = format!("{owner}\u{0}{kind}");
        self.current
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad.as_bytes()),
                &mut data,
            )
            .map_err(|_| Error::DataKey("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok((self.current.id.clone(), STANDARD.encode(out)))
    }

    /// Opens a value sealed by [`Keyring::seal`].
    pub fn open(
        &self,
        owner: &str,
        kind: &str,
        key_id: &str,
        sealed: &str,
    ) -> Result<Vec<u8>, Error> {
        let fail = |reason: String| Error::Decrypt {
            owner: owner.to_owned(),
            kind: kind.to_owned(),
            reason,
        };
        let key = if key_id == self.current.id {
            &self.current
        } else {
            self.old.get(key_id).ok_or_else(|| {
                fail(format!("it was sealed with data key {key_id}, but the configured key is {}: set the PSD2_DATA_KEY it was written with", self.current.id))
            })?
        };
        let bytes = STANDARD
            .decode(sealed)
            .map_err(|_| fail("stored value is not base64".into()))?;
        if bytes.len() < NONCE_LEN {
            return Err(fail("stored value is too short".into()));
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| fail("bad nonce".into()))?;
        let mut data = rest.to_vec();
        let aad = format!("{owner}\u{0}{kind}");
        let plain = key
            .key
            .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut data)
            .map_err(|_| fail("authentication failed: wrong key or altered data".into()))?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_with(b64: &str) -> Keyring {
        Keyring::new(DataKey::from_base64(b64).unwrap())
    }

    #[test]
    fn seal_and_open_round_trip_with_fresh_nonces() {
        let k = ring_with(&DataKey::generate_base64().unwrap());
        let (id, a) = k.seal("conn-1", "refresh_token", b"secret-token").unwrap();
        let (_, b) = k.seal("conn-1", "refresh_token", b"secret-token").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("secret-token"));
        assert_eq!(
            k.open("conn-1", "refresh_token", &id, &a).unwrap(),
            b"secret-token"
        );
    }

    #[test]
    fn wrong_key_moved_value_or_altered_value_fail_clearly() {
        let k1 = ring_with(&DataKey::generate_base64().unwrap());
        let k2 = ring_with(&DataKey::generate_base64().unwrap());
        let (id, sealed) = k1.seal("conn-1", "access_token", b"t").unwrap();
        let err = k2
            .open("conn-1", "access_token", &id, &sealed)
            .unwrap_err()
            .to_string();
        assert!(err.contains("PSD2_DATA_KEY"), "{err}");
        assert!(
            k1.open("conn-2", "access_token", &id, &sealed).is_err(),
            "bound to its owner"
        );
        let mut altered = STANDARD.decode(&sealed).unwrap();
        *altered.last_mut().unwrap() ^= 1;
        assert!(
            k1.open("conn-1", "access_token", &id, &STANDARD.encode(altered))
                .is_err()
        );
    }

    #[test]
    fn retired_keys_still_open_old_values() {
        let old_b64 = DataKey::generate_base64().unwrap();
        let old = ring_with(&old_b64);
        let (id, sealed) = old.seal("c", "k", b"v").unwrap();
        let rotated = ring_with(&DataKey::generate_base64().unwrap())
            .with_retired(DataKey::from_base64(&old_b64).unwrap());
        assert_eq!(rotated.open("c", "k", &id, &sealed).unwrap(), b"v");
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert!(DataKey::from_base64("not base64!").is_err());
        assert!(DataKey::from_bytes(&[0u8; 16]).is_err());
        assert!(format!("{:?}", DataKey::from_bytes(&[7u8; 32]).unwrap()).contains("[redacted]"));
    }
}
