//! Ending a connection: its ING refresh token revoked at the bank, its tokens forgotten here.
//!
//! A person who removes a connection means "this software may no longer read my account". The
//! refresh token is the lasting credential (the access token lives 15 minutes), so it is revoked
//! at ING (`POST /oauth2/token/revoke`, see `docs/ing-protocol.md`) and every stored token of
//! the connection is deleted. When ING cannot be reached the tokens are deleted all the same —
//! nothing here can use them again — and the outcome says the bank was not told, so the person
//! can also withdraw the consent in their banking app. A connection replaced by a newer consent
//! for the same accounts gets the same treatment: its refresh token would otherwise stay alive
//! at the bank until it expires.

use ing_psd2::RefreshToken;
use storage::ConnectionStatus;

use crate::error::SyncError;
use crate::ing_tokens::REFRESH;
use crate::service::BankSync;

/// What happened at the bank when a connection's tokens were forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokedAtBank {
    /// ING revoked the refresh token.
    Revoked,
    /// No refresh token was stored (already revoked, or never completed).
    NothingToRevoke,
    /// ING could not be told (the reason, without secrets); the tokens are forgotten here anyway.
    NotReached(String),
}

impl BankSync {
    /// Revokes the connection at ING, forgets its tokens and marks it revoked with `reason`.
    /// Revoking a revoked connection again is harmless.
    pub async fn revoke_connection(
        &self,
        connection_id: &str,
        reason: &str,
    ) -> Result<RevokedAtBank, SyncError> {
        let connection = self
            .db
            .find_connection(connection_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("connection {connection_id}")))?;
        let at_bank = self.forget_tokens(&connection.id).await?;
        if connection.status != ConnectionStatus::Revoked {
            self.db
                .set_connection_status(&connection.id, ConnectionStatus::Revoked, Some(reason))
                .await?;
        }
        tracing::info!(connection = %connection.id, ?at_bank, "connection revoked");
        Ok(at_bank)
    }

    /// Revokes the stored refresh token at ING (if any) and deletes every stored token.
    pub(crate) async fn forget_tokens(
        &self,
        connection_id: &str,
    ) -> Result<RevokedAtBank, SyncError> {
        let refresh = match self.db.get_secret(&self.keys, connection_id, REFRESH).await {
            Ok(r) => r.map(|(value, _)| RefreshToken::new(value)),
            // A token this key cannot open cannot be sent to ING either; still forget it.
            Err(storage::Error::Decrypt { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let at_bank = match refresh {
            None => RevokedAtBank::NothingToRevoke,
            Some(token) => match self.client.revoke(&token).await {
                Ok(()) => RevokedAtBank::Revoked,
                Err(e) => RevokedAtBank::NotReached(e.to_string()),
            },
        };
        self.db.delete_secrets(connection_id).await?;
        Ok(at_bank)
    }
}
