//! Hashes of bearer values (connection tokens, OAuth states): we store the hash, never the value,
//! so a copy of the database cannot be replayed against the API.

/// SHA-256 of `value`, hex.
pub fn token_digest(value: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, value.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_sha256_hex() {
        assert_eq!(
            super::token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
