//! Uploaded invoice files waiting for the person to confirm their preview. The bytes stay here,
//! keyed by a random id and tied to the session that uploaded them, and are parsed again on
//! confirm: the browser only sends the id back, so a client-edited copy of the parsed rows can
//! never be what gets written. Bounded: one file per session (a new upload replaces it), at most
//! [`MAX_PENDING`] in all (the oldest goes first), each for [`TTL`]; a file's size is already
//! capped by the server's body limit (`PSD2_BODY_LIMIT`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an uploaded file waits for its confirmation.
pub const TTL: Duration = Duration::from_secs(30 * 60);
/// How many files wait at most, across all sessions.
pub const MAX_PENDING: usize = 32;

struct Pending {
    session: String,
    name: Option<String>,
    bytes: Vec<u8>,
    at: Instant,
}

/// The files waiting for confirmation.
#[derive(Default)]
pub struct Uploads(Mutex<HashMap<String, Pending>>);

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploads")
            .field("pending", &self.lock().len())
            .finish()
    }
}

impl Uploads {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `bytes` for `session`; returns the id the confirm form carries (`None` only if no
    /// random id could be made).
    pub fn keep(&self, session: &str, name: Option<String>, bytes: Vec<u8>) -> Option<String> {
        let id = bank_sync::random_token("u_").ok()?;
        let now = Instant::now();
        let mut map = self.lock();
        map.retain(|_, p| p.session != session && now.duration_since(p.at) < TTL);
        while map.len() >= MAX_PENDING {
            let oldest = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(
            id.clone(),
            Pending {
                session: session.to_owned(),
                name,
                bytes,
                at: now,
            },
        );
        Some(id)
    }

    /// The file `id` if `session` uploaded it and it has not expired: its name and bytes.
    pub fn get(&self, session: &str, id: &str) -> Option<(Option<String>, Vec<u8>)> {
        let map = self.lock();
        map.get(id)
            .filter(|p| p.session == session && p.at.elapsed() < TTL)
            .map(|p| (p.name.clone(), p.bytes.clone()))
    }

    /// Forgets the file `id` (after it was written).
    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_belongs_to_its_session_and_one_per_session_is_kept() {
        let u = Uploads::default();
        let a = u.keep("s1", Some("a.csv".into()), b"a".to_vec()).unwrap();
        assert_eq!(u.get("s1", &a), Some((Some("a.csv".into()), b"a".to_vec())));
        assert_eq!(u.get("s2", &a), None, "another session cannot confirm it");
        let b = u.keep("s1", None, b"b".to_vec()).unwrap();
        assert_eq!(u.get("s1", &a), None, "a new upload replaces the old");
        assert!(u.get("s1", &b).is_some());
        for i in 0..MAX_PENDING + 5 {
            u.keep(&format!("x{i}"), None, Vec::new()).unwrap();
        }
        assert_eq!(u.lock().len(), MAX_PENDING);
        u.remove(&b);
        assert_eq!(u.get("s1", &b), None);
    }
}
