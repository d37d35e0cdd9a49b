//! The cached application token (client credentials) of a `Client`: shared by its
//! clones, renewed a minute before it expires, and renewed by one caller at a time — the others
//! wait for that renewal instead of asking ING as well.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::secret::ApplicationToken;

/// Renew the application token this long before it expires.
const EARLY: Duration = Duration::from_secs(60);

/// The life ING gives an application token when its answer names none.
const DEFAULT_LIFE: Duration = Duration::from_secs(900);

#[derive(Debug, Clone)]
struct CachedApp {
    token: ApplicationToken,
    client_id: String,
    renew_at: Instant,
}

/// What ING's application-token answer gave.
#[derive(Debug)]
pub(crate) struct Issued {
    pub(crate) token: ApplicationToken,
    /// The client id ING names in the answer, if it does.
    pub(crate) client_id: Option<String>,
    /// `expires_in`, in seconds.
    pub(crate) expires_in: Option<u64>,
}

/// The cached application token; a tokio mutex so that concurrent callers wait for one renewal.
#[derive(Debug)]
pub(crate) struct AppTokenCache {
    slot: tokio::sync::Mutex<Option<CachedApp>>,
    configured_client_id: Option<String>,
}

impl AppTokenCache {
    /// An empty cache; `configured_client_id` wins over the one ING's answer names.
    pub(crate) fn new(configured_client_id: Option<String>) -> Self {
        Self {
            slot: tokio::sync::Mutex::new(None),
            configured_client_id,
        }
    }

    /// The token and the client id: the cached ones while they are fresh, otherwise those of
    /// `renew` (which runs while other callers wait), then cached.
    pub(crate) async fn get_or_renew<F, Fut>(
        &self,
        renew: F,
    ) -> Result<(ApplicationToken, String), Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Issued, Error>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(c) = slot.as_ref()
            && Instant::now() < c.renew_at
        {
            return Ok((c.token.clone(), c.client_id.clone()));
        }
        let issued = renew().await?;
        let client_id = self
            .configured_client_id
            .clone()
            .or(issued.client_id)
            .ok_or_else(|| {
                Error::Config("ING's token answer has no client_id; set PSD2_CLIENT_ID".into())
            })?;
        let life = issued.expires_in.map_or(DEFAULT_LIFE, Duration::from_secs);
        let cached = CachedApp {
            token: issued.token,
            client_id,
            renew_at: Instant::now() + life.saturating_sub(EARLY),
        };
        let out = (cached.token.clone(), cached.client_id.clone());
        *slot = Some(cached);
        Ok(out)
    }

    /// Forgets the cached token (ING refused it: expired early, or clocks differ).
    pub(crate) async fn forget(&self) {
        *self.slot.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(token: &str, client_id: Option<&str>, expires_in: Option<u64>) -> Issued {
        Issued {
            token: ApplicationToken::new(token),
            client_id: client_id.map(str::to_owned),
            expires_in,
        }
    }

    #[tokio::test]
    async fn a_fresh_token_is_reused_and_a_forgotten_one_renewed() {
        let cache = AppTokenCache::new(None);
        let first = cache
            .get_or_renew(|| async { Ok(issued("t1", Some("client"), Some(900))) })
            .await
            .unwrap();
        assert_eq!((first.0.secret(), first.1.as_str()), ("t1", "client"));
        let again = cache
            .get_or_renew(|| async { Ok(issued("t2", Some("client"), Some(900))) })
            .await
            .unwrap();
        assert_eq!(again.0.secret(), "t1", "still fresh: not renewed");
        cache.forget().await;
        let renewed = cache
            .get_or_renew(|| async { Ok(issued("t3", Some("client"), Some(900))) })
            .await
            .unwrap();
        assert_eq!(renewed.0.secret(), "t3");
    }

    #[tokio::test]
    async fn a_token_within_a_minute_of_its_end_is_renewed_at_once() {
        let cache = AppTokenCache::new(None);
        cache
            .get_or_renew(|| async { Ok(issued("short", Some("client"), Some(30))) })
            .await
            .unwrap();
        let next = cache
            .get_or_renew(|| async { Ok(issued("next", Some("client"), Some(900))) })
            .await
            .unwrap();
        assert_eq!(next.0.secret(), "next");
    }

    #[tokio::test]
    async fn the_configured_client_id_wins_and_one_is_required() {
        let cache = AppTokenCache::new(Some("configured".into()));
        let (_, id) = cache
            .get_or_renew(|| async { Ok(issued("t", Some("from-ing"), None)) })
            .await
            .unwrap();
        assert_eq!(id, "configured");
        let err = AppTokenCache::new(None)
            .get_or_renew(|| async { Ok(issued("t", None, None)) })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config(m) if m.contains("PSD2_CLIENT_ID")));
    }
}
