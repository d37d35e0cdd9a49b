//! The consent flow: an authorization URL with a single-use `state`, then the callback that
//! checks the state, exchanges the code and creates the connection.
//!
//! ING's tokens stay here: the caller gets an opaque connection token of ours, valid for the
//! consent's life, whose hash finds the connection and whose value is never stored.

use ing_psd2::{AuthorizationCode, AuthorizationRequest};
use storage::NewConnection;

use crate::error::SyncError;
use crate::ing_tokens::{ACCESS, REFRESH};
use crate::service::BankSync;
use crate::token::random_token;

/// The start of a consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentStart {
    /// Where to send the person.
    pub authorization_url: String,
    /// The state that must come back with the code.
    pub state: String,
}

/// A finished consent.
#[derive(Clone)]
pub struct ConsentGrant {
    /// Our connection token (show once; only its hash is kept).
    pub connection_token: String,
    /// Seconds until the consent ends.
    pub expires_in: i64,
    /// Granted scopes.
    pub scope: String,
    /// The stored connection.
    pub connection: storage::entity::connection::Model,
}

const ALLOWED_SCOPES: [&str; 2] = [ing_psd2::SCOPE_BALANCES, ing_psd2::SCOPE_TRANSACTIONS];

impl BankSync {
    /// Checks the client id a request names against the one we act for.
    pub async fn check_client_id(&self, client_id: &str) -> Result<(), SyncError> {
        let ours = self.client_id().await?;
        if client_id != ours {
            return Err(SyncError::BadRequest(format!(
                "client_id {client_id:?} is not the ING client id this server is configured for"
            )));
        }
        Ok(())
    }

    /// The ING client id this server acts for: configured, or learned from ING's
    /// application-token answer (which may need the bank the first time).
    pub async fn client_id(&self) -> Result<String, SyncError> {
        Ok(self.client.client_id().await?)
    }

    fn check_redirect(&self, redirect_uri: &str) -> Result<(), SyncError> {
        if !self.policy.redirect_uris.iter().any(|u| u == redirect_uri) {
            return Err(SyncError::BadRequest(format!(
                "redirect_uri {redirect_uri:?} is not on the allow-list (PSD2_REDIRECT_URIS); \
                 it must match one entry exactly"
            )));
        }
        Ok(())
    }

    /// Starts a consent for `scope` (space separated; empty means balances and transactions).
    pub async fn initiate_consent(
        &self,
        client_id: &str,
        redirect_uri: &str,
        scope: &str,
    ) -> Result<ConsentStart, SyncError> {
        self.check_client_id(client_id).await?;
        self.check_redirect(redirect_uri)?;
        let mut scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        if scopes.is_empty() {
            scopes = ALLOWED_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        }
        if let Some(bad) = scopes
            .iter()
            .find(|s| !ALLOWED_SCOPES.contains(&s.as_str()))
        {
            return Err(SyncError::BadRequest(format!(
                "scope {bad:?} is not an account-information scope; use {}",
                ALLOWED_SCOPES.join(" ")
            )));
        }
        let state = random_token("st_")?;
        let url = self
            .client
            .authorization_url(&AuthorizationRequest {
                scopes: scopes.clone(),
                redirect_uri: redirect_uri.to_owned(),
                state: state.clone(),
                country_code: self.policy.country_code.clone(),
            })
            .await?;
        self.db
            .issue_oauth_state(
                &state,
                client_id,
                redirect_uri,
                &scopes.join(" "),
                self.policy.state_ttl,
            )
            .await?;
        Ok(ConsentStart {
            authorization_url: url.to_string(),
            state,
        })
    }

    /// Spends the state (so a refused state exchanges nothing), then exchanges the code.
    async fn exchange_for_state(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        state: &str,
    ) -> Result<ing_psd2::CustomerTokens, SyncError> {
        if state.trim().is_empty() {
            return Err(SyncError::BadRequest(
                "state is missing: send the state that consent/initiate returned".into(),
            ));
        }
        self.check_redirect(redirect_uri)?;
        let issued = self.db.consume_oauth_state(state, redirect_uri).await??;
        if issued.client_id != client_id {
            return Err(SyncError::BadRequest(
                "client_id differs from the one the consent was started for".into(),
            ));
        }
        if code.trim().is_empty() {
            return Err(SyncError::BadRequest("authorization_code is empty".into()));
        }
        Ok(self
            .client
            .exchange_code(&AuthorizationCode::new(code), Some(redirect_uri))
            .await?)
    }

    /// Completes a consent: the state is spent first (so a refused state exchanges nothing),
    /// then the code is exchanged and the connection stored with ING's tokens sealed.
    pub async fn complete_consent(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        state: &str,
    ) -> Result<ConsentGrant, SyncError> {
        let tokens = self
            .exchange_for_state(client_id, code, redirect_uri, state)
            .await?;
        let now = self.now();
        // The consent lasts 90 days (180 in production after the 2023 RTS amendment) from the
        // strong authentication; ING's refresh token is shorter-lived (30 days in its sandbox)
        // but is renewed with every refresh, so it does not bound the connection.
        let valid_until = now + time::Duration::days(self.policy.default_consent_days);
        let connection_token = random_token("psd2c_")?;
        let connection = self
            .db
            .create_connection(
                &NewConnection {
                    environment: self.policy.environment.clone(),
                    client_id: client_id.to_owned(),
                    scopes: tokens.scope.clone(),
                    granted_at: now,
                    valid_until: Some(valid_until),
                },
                &connection_token,
            )
            .await?;
        self.db
            .put_secret(
                &self.keys,
                &connection.id,
                ACCESS,
                tokens.access_token.secret(),
                Some(self.on_our_clock(tokens.expires_at)),
            )
            .await?;
        if let Some(refresh) = &tokens.refresh_token {
            self.db
                .put_secret(
                    &self.keys,
                    &connection.id,
                    REFRESH,
                    refresh.secret(),
                    tokens
                        .refresh_expires_at
                        .map(|t| self.on_our_clock(t))
                        .or(Some(valid_until)),
                )
                .await?;
        }
        tracing::info!(connection = %connection.id, "consent completed");
        Ok(ConsentGrant {
            connection_token,
            expires_in: (valid_until - now).whole_seconds(),
            scope: tokens.scope,
            connection,
        })
    }

    /// Completes a consent that renews `connection_id` ("Reconnect"): the same connection
    /// becomes active again with the new tokens and dates, keeping its id, accounts, history and
    /// bearer token, instead of a second connection taking the accounts over. The refresh token
    /// it replaces is revoked at ING afterwards (a failure there is logged: the new consent
    /// stands, and the old token is forgotten here either way).
    pub async fn renew_consent(
        &self,
        connection_id: &str,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        state: &str,
    ) -> Result<storage::entity::connection::Model, SyncError> {
        let existing = self
            .db
            .find_connection(connection_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("connection {connection_id}")))?;
        if existing.status == storage::ConnectionStatus::Replaced {
            return Err(SyncError::BadRequest(
                "this connection was replaced by a newer one for the same accounts; reconnect \
                 that one instead"
                    .into(),
            ));
        }
        let tokens = self
            .exchange_for_state(client_id, code, redirect_uri, state)
            .await?;
        let old_refresh = match self.db.get_secret(&self.keys, connection_id, REFRESH).await {
            Ok(r) => r.map(|(value, _)| value),
            // A token this key cannot open cannot be revoked either; it is overwritten below.
            Err(storage::Error::Decrypt { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let now = self.now();
        let valid_until = now + time::Duration::days(self.policy.default_consent_days);
        // The new refresh token first: from here on the connection works with it.
        match &tokens.refresh_token {
            Some(refresh) => {
                self.db
                    .put_secret(
                        &self.keys,
                        connection_id,
                        REFRESH,
                        refresh.secret(),
                        tokens
                            .refresh_expires_at
                            .map(|t| self.on_our_clock(t))
                            .or(Some(valid_until)),
                    )
                    .await?
            }
            None => {
                self.db.delete_secrets(connection_id).await?;
            }
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
        let connection = self
            .db
            .renew_connection(connection_id, &tokens.scope, now, Some(valid_until))
            .await?;
        if let Some(old) = old_refresh
            && tokens
                .refresh_token
                .as_ref()
                .is_none_or(|new| new.secret() != old)
        {
            match self.client.revoke(&ing_psd2::RefreshToken::new(old)).await {
                Ok(()) => {
                    tracing::info!(connection = %connection_id, "replaced refresh token revoked at ING");
                }
                Err(e) => {
                    tracing::warn!(connection = %connection_id, error = %e, "the replaced refresh token could not be revoked at ING");
                }
            }
        }
        tracing::info!(connection = %connection_id, "consent renewed");
        Ok(connection)
    }

    /// The connection a bearer connection token names, if it may still be used.
    pub async fn connection_for_token(
        &self,
        token: &str,
    ) -> Result<storage::entity::connection::Model, SyncError> {
        let conn = self
            .db
            .connection_by_token(token)
            .await?
            .ok_or(SyncError::UnknownConnection)?;
        if conn.status == storage::ConnectionStatus::Replaced {
            // Nothing expired: a newer consent took its accounts, and that one's token is valid.
            return Err(SyncError::ConsentExpired(
                "this connection was replaced by a newer consent for the same accounts; \
                 use the connection token that consent returned"
                    .into(),
            ));
        }
        if !conn.status.may_sync() {
            return Err(SyncError::ConsentExpired(format!(
                "the connection is {}{}; reconnect the bank",
                conn.status,
                conn.status_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )));
        }
        Ok(conn)
    }
}

/// The connection token is shown once to its owner, never in a `Debug` print.
impl std::fmt::Debug for ConsentGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentGrant")
            .field("connection_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("connection", &self.connection)
            .finish()
    }
}
