//! OAuth `state` values: issued by consent initiation, consumed once by the callback.
//!
//! Only a hash is stored. Consuming is one conditional `UPDATE … WHERE used_at IS NULL`, so two
//! callbacks racing with the same state cannot both win, on SQLite or PostgreSQL.

use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use time::{Duration, OffsetDateTime};

use crate::db::Database;
use crate::digest::token_digest;
use crate::entity::oauth_state::{self, Column, Entity};
use crate::error::Error;

/// Why a state was refused. Each is a client error: no code may be exchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateRejection {
    /// Never issued (or already purged).
    #[error("unknown state")]
    Unknown,
    /// Already used by an earlier callback.
    #[error("state already used")]
    Reused,
    /// Issued too long ago.
    #[error("state expired")]
    Expired,
    /// Issued for another redirect URI.
    #[error("redirect_uri differs from the one the state was issued for")]
    RedirectMismatch,
}

/// A state that the callback consumed successfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumedState {
    /// The client id it was issued for.
    pub client_id: String,
    /// The redirect URI it was issued for.
    pub redirect_uri: String,
    /// Requested scope.
    pub scope: String,
}

impl Database {
    /// Records a freshly issued `state` for `redirect_uri`, valid for `ttl`.
    pub async fn issue_oauth_state(
        &self,
        state: &str,
        client_id: &str,
        redirect_uri: &str,
        scope: &str,
        ttl: Duration,
    ) -> Result<(), Error> {
        let now = OffsetDateTime::now_utc();
        let row = oauth_state::ActiveModel {
            state_hash: Set(token_digest(state)),
            client_id: Set(client_id.to_owned()),
            redirect_uri: Set(redirect_uri.to_owned()),
            scope: Set(scope.to_owned()),
            created_at: Set(now),
            expires_at: Set(now + ttl),
            used_at: Set(None),
        };
        Entity::insert(row)
            .exec_without_returning(&self.conn)
            .await?;
        // States are short-lived: drop those expired a day ago so the table stays small.
        Entity::delete_many()
            .filter(Column::ExpiresAt.lt(now - Duration::days(1)))
            .exec(&self.conn)
            .await?;
        Ok(())
    }

    /// Consumes `state` for a callback naming `redirect_uri`. The state is spent even when the
    /// redirect URI does not match, so a leaked state cannot be tried twice.
    pub async fn consume_oauth_state(
        &self,
        state: &str,
        redirect_uri: &str,
    ) -> Result<Result<ConsumedState, StateRejection>, Error> {
        let hash = token_digest(state);
        let now = OffsetDateTime::now_utc();
        let won = Entity::update_many()
            .col_expr(Column::UsedAt, Some(now).into())
            .filter(Column::StateHash.eq(hash.clone()))
            .filter(Column::UsedAt.is_null())
            .exec(&self.conn)
            .await?
            .rows_affected
            == 1;
        let Some(row) = Entity::find_by_id(hash).one(&self.conn).await? else {
            return Ok(Err(StateRejection::Unknown));
        };
        if !won {
            return Ok(Err(StateRejection::Reused));
        }
        if row.expires_at <= now {
            return Ok(Err(StateRejection::Expired));
        }
        if row.redirect_uri != redirect_uri {
            return Ok(Err(StateRejection::RedirectMismatch));
        }
        Ok(Ok(ConsumedState {
            client_id: row.client_id,
            redirect_uri: row.redirect_uri,
            scope: row.scope,
        }))
    }
}
