//! ING's access and refresh tokens of a connection: read sealed from the database, refreshed
//! before they expire, one refresh at a time per connection.
//!
//! The new tokens are stored before they are used, and a failed refresh leaves the stored ones
//! untouched. A refused refresh (the consent ended) marks the
//! connection expired with the reason, so nothing keeps calling ING for it.

use std::sync::Arc;

use ing_psd2::{AccessToken, RefreshToken};
use storage::ConnectionStatus;
use time::{Duration, OffsetDateTime};

use crate::error::SyncError;
use crate::service::BankSync;

/// Secret kind of ING's access token.
pub(crate) const ACCESS: &str = "ing_access_token";
/// Secret kind of ING's refresh token.
pub(crate) const REFRESH: &str = "ing_refresh_token";

/// Refresh this long before the access token's end, so a page in flight does not meet it.
const MARGIN: Duration = Duration::seconds(60);

impl BankSync {
    /// The client dates token expiry by the machine's clock; stored expiry is compared with
    /// ours, so translate (the same instant under a simulated clock).
    pub(crate) fn on_our_clock(&self, wall: OffsetDateTime) -> OffsetDateTime {
        wall + (self.now() - OffsetDateTime::now_utc())
    }

    async fn stored_access(&self, connection_id: &str) -> Result<Option<AccessToken>, SyncError> {
        let now = self.now();
        Ok(self
            .db
            .get_secret(&self.keys, connection_id, ACCESS)
            .await?
            .filter(|(_, expires)| expires.is_some_and(|e| e > now + MARGIN))
            .map(|(value, _)| AccessToken::new(value)))
    }

    /// A valid ING access token for the connection, refreshed when needed.
    pub async fn access_token(&self, connection_id: &str) -> Result<AccessToken, SyncError> {
        if let Some(token) = self.stored_access(connection_id).await? {
            return Ok(token);
        }
        self.refresh_tokens(connection_id, None).await
    }

    /// Refreshes the connection's ING tokens (single-flight) and returns the new access token.
    /// `rejected` is an access token ING just refused: if another caller already replaced it,
    /// that replacement is used instead of refreshing again.
    pub async fn refresh_tokens(
        &self,
        connection_id: &str,
        rejected: Option<&AccessToken>,
    ) -> Result<AccessToken, SyncError> {
        let lock = {
            let mut map = self
                .refreshing
                .lock()
                .map_err(|_| SyncError::Internal("the token refresh lock is poisoned".into()))?;
            Arc::clone(map.entry(connection_id.to_owned()).or_default())
        };
        let _turn = lock.lock().await;
        // Someone may have refreshed while we waited.
        if let Some(token) = self.stored_access(connection_id).await?
            && rejected.is_none_or(|r| r.secret() != token.secret())
        {
            return Ok(token);
        }
        let Some((refresh, refresh_expires)) = self
            .db
            .get_secret(&self.keys, connection_id, REFRESH)
            .await?
        else {
            self.expire(connection_id, "no refresh token is stored")
                .await?;
            return Err(SyncError::ConsentExpired(
                "the connection has no refresh token; reconnect the bank".into(),
            ));
        };
        let tokens = match self
            .client
            .refresh(&RefreshToken::new(refresh.clone()))
            .await
        {
            Ok(t) => t,
            Err(e @ (ing_psd2::Error::InvalidGrant(_) | ing_psd2::Error::ConsentExpired(_))) => {
                // Another process (a second worker, the server) may have refreshed first: ING
                // rotates refresh tokens, so ours was spent. Its new tokens are in the database.
                // It may still be storing them: look a few times before calling the consent gone.
                for attempt in 0..4u32 {
                    let now_stored = self
                        .db
                        .get_secret(&self.keys, connection_id, REFRESH)
                        .await?;
                    if now_stored.is_some_and(|(r, _)| r != refresh)
                        && let Some(token) = self.stored_access(connection_id).await?
                    {
                        tracing::info!(connection = %connection_id, "tokens were refreshed by another process");
                        return Ok(token);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(
                        250 * u64::from(attempt + 1),
                    ))
                    .await;
                }
                let reason = format!("ING refused the refresh token: {e}");
                self.expire(connection_id, &reason).await?;
                return Err(SyncError::ConsentExpired(format!(
                    "{reason}; reconnect the bank"
                )));
            }
            Err(e) => return Err(e.into()),
        };
        // Store the new refresh token first: if storing the access token fails, the next
        // attempt still has a working refresh token.
        if let Some(new_refresh) = &tokens.refresh_token {
            self.db
                .put_secret(
                    &self.keys,
                    connection_id,
                    REFRESH,
                    new_refresh.secret(),
                    tokens
                        .refresh_expires_at
                        .map(|t| self.on_our_clock(t))
                        .or(refresh_expires),
                )
                .await?;
        }
        self.db
            .put_secret(
                &self.keys,
                connection_id,
                ACCESS,
                tokens.access_token.secret(),
                Some(self.on_our_clock(tokens.expires_at)),
            )
            .await?;
        tracing::info!(connection = %connection_id, "ING tokens refreshed");
        Ok(tokens.access_token)
    }

    async fn expire(&self, connection_id: &str, reason: &str) -> Result<(), SyncError> {
        tracing::warn!(connection = %connection_id, %reason, "connection expired");
        self.db
            .set_connection_status(connection_id, ConnectionStatus::Expired, Some(reason))
            .await?;
        Ok(())
    }

    /// Runs `call` with a valid access token; when ING says the token expired, refreshes once
    /// and tries again. A revoked consent marks the connection expired.
    pub(crate) async fn with_access<T, F, Fut>(
        &self,
        connection_id: &str,
        call: F,
    ) -> Result<T, SyncError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: std::future::Future<Output = Result<T, ing_psd2::Error>>,
    {
        let token = self.access_token(connection_id).await?;
        match call(token.clone()).await {
            Ok(v) => Ok(v),
            Err(ing_psd2::Error::Unauthorized { .. }) => {
                let fresh = self.refresh_tokens(connection_id, Some(&token)).await?;
                self.map_consent(connection_id, call(fresh).await).await
            }
            other => self.map_consent(connection_id, other).await,
        }
    }

    async fn map_consent<T>(
        &self,
        connection_id: &str,
        result: Result<T, ing_psd2::Error>,
    ) -> Result<T, SyncError> {
        match result {
            Ok(v) => Ok(v),
            Err(
                e @ (ing_psd2::Error::ConsentExpired(_) | ing_psd2::Error::Unauthorized { .. }),
            ) => {
                let reason = format!("ING refused the consent: {e}");
                self.expire(connection_id, &reason).await?;
                Err(SyncError::ConsentExpired(format!(
                    "{reason}; reconnect the bank"
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}
