//! Binding a consent to the browser that started it.
//!
//! The bank sends the person back to `/banking/callback` with the `state` we made and a code.
//! Knowing a `state` must not be enough to complete it: otherwise a link crafted from someone
//! else's consent, or a code from one consent replayed under another's `state`, attaches bank
//! accounts to the wrong connection (RFC 9700 §4.7, the OAuth security BCP). `POST
//! /banking/connect` therefore gives the browser a random token in a cookie and keeps its SHA-256
//! beside the `state`; the callback completes only when the browser presents the token made for
//! that very `state`, once. ING documents no PKCE for its authorization endpoint (see
//! `docs/ing-protocol.md`), so this binding is what ties code, state and browser together.
//!
//! The session cookie is `SameSite=Strict` and is not sent on the bank's cross-site redirect;
//! the binding cookie is `SameSite=Lax` and sent only to the callback path.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::ApiTokenDigest;

/// How long a started consent may take at the bank.
pub const BINDING_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Most consents waiting at once (each needs a signed-in person's form post to start).
const MAX_PENDING: usize = 10_000;

/// What a callback's `state` and cookie amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// Started here, in this browser, and not used yet: used up now. `renews` names the
    /// connection a "Reconnect" started it for (`None`: a new connection).
    Matched {
        /// The connection to renew.
        renews: Option<String>,
    },
    /// Started here, but this browser does not hold its token.
    OtherBrowser,
    /// Not started here, expired, or used already.
    Unknown,
}

/// One started consent.
struct Pending {
    /// Digest of the browser's token (kept and compared as the API token is).
    token: ApiTokenDigest,
    /// When it started.
    at: Instant,
    /// The connection a "Reconnect" renews.
    renews: Option<String>,
}

/// Consents started on this server and not yet completed, by `state`.
#[derive(Default)]
pub struct ConsentBindings(Mutex<HashMap<String, Pending>>);

impl ConsentBindings {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records that `state` was started by a browser (to renew the connection `renews`, or
    /// for a new one), and returns the token that browser must present at the callback
    /// (`None`: no randomness, or too many consents waiting).
    pub fn bind(&self, state: &str, renews: Option<String>) -> Option<String> {
        let token = bank_sync::random_token("b_").ok()?;
        let mut map = self.lock();
        map.retain(|_, p| p.at.elapsed() < BINDING_LIFETIME);
        if map.len() >= MAX_PENDING {
            return None;
        }
        map.insert(
            state.to_owned(),
            Pending {
                token: ApiTokenDigest::of(&token),
                at: Instant::now(),
                renews,
            },
        );
        Some(token)
    }

    /// Whether `presented` is the token made for `state`; a match is used up.
    pub fn take(&self, state: &str, presented: Option<&str>) -> Binding {
        let mut map = self.lock();
        let Some(pending) = map.get(state) else {
            return Binding::Unknown;
        };
        if pending.at.elapsed() >= BINDING_LIFETIME {
            map.remove(state);
            return Binding::Unknown;
        }
        let Some(presented) = presented else {
            return Binding::OtherBrowser;
        };
        if pending.token.matches(presented) {
            let renews = map.remove(state).and_then(|p| p.renews);
            Binding::Matched { renews }
        } else {
            Binding::OtherBrowser
        }
    }
}

/// Tokens are credentials: `Debug` shows how many consents wait, never them.
impl std::fmt::Debug for ConsentBindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentBindings")
            .field("pending", &self.lock().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_starting_browser_completes_its_state_and_only_once() {
        let b = ConsentBindings::default();
        let mine = b.bind("state-a", None).unwrap();
        let other = b.bind("state-b", Some("conn-1".into())).unwrap();
        assert_eq!(b.take("state-a", None), Binding::OtherBrowser, "no cookie");
        assert_eq!(
            b.take("state-a", Some(&other)),
            Binding::OtherBrowser,
            "another consent's token"
        );
        assert_eq!(b.take("state-unknown", Some(&mine)), Binding::Unknown);
        assert_eq!(
            b.take("state-a", Some(&mine)),
            Binding::Matched { renews: None }
        );
        assert_eq!(b.take("state-a", Some(&mine)), Binding::Unknown, "used up");
        assert_eq!(
            b.take("state-b", Some(&other)),
            Binding::Matched {
                renews: Some("conn-1".into())
            }
        );
    }
}
