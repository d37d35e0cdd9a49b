//! API tokens with a role: created (only the digest is stored), found by digest, listed,
//! revoked. Creating and revoking are written with their audit entry in one transaction.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use time::{Duration, OffsetDateTime};

use crate::audit_log::{NewAuditEntry, append_in};
use crate::db::Database;
use crate::entity::api_token::{self, Column, Entity};
use crate::error::Error;
use crate::state::Role;

/// How stale `last_used_at` may get before a request writes it again: one write a minute per
/// busy token, not one per request.
const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

/// A token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// What it is for.
    pub name: String,
    /// Whose it is, when a person's.
    pub user_id: Option<i64>,
    /// What it may do.
    pub role: Role,
    /// SHA-256 (hex) of its value ([`crate::token_digest`]).
    pub token_digest: String,
}

impl Database {
    /// Stores a token, with `audit`.
    pub async fn create_api_token(
        &self,
        new: &NewApiToken,
        now: OffsetDateTime,
        audit: &NewAuditEntry,
    ) -> Result<api_token::Model, Error> {
        let txn = self.begin_write().await?;
        let row = api_token::ActiveModel {
            name: Set(new.name.clone()),
            user_id: Set(new.user_id),
            role: Set(new.role),
            token_digest: Set(new.token_digest.clone()),
            created_at: Set(now),
            last_used_at: Set(None),
            revoked_at: Set(None),
            ..Default::default()
        };
        let created = Entity::insert(row).exec_with_returning(&txn).await?;
        append_in(&txn, audit).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The token whose digest is `digest` (revoked or not), if any.
    pub async fn api_token_by_digest(
        &self,
        digest: &str,
    ) -> Result<Option<api_token::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::TokenDigest.eq(digest))
            .one(&self.conn)
            .await?)
    }

    /// Every token, newest first.
    pub async fn api_tokens(&self) -> Result<Vec<api_token::Model>, Error> {
        Ok(Entity::find()
            .order_by_desc(Column::Id)
            .all(&self.conn)
            .await?)
    }

    /// Notes that the token was used at `now` (when its last use is older than a minute).
    pub async fn touch_api_token(&self, id: i64, now: OffsetDateTime) -> Result<(), Error> {
        let stale = now - LAST_USED_RESOLUTION;
        let _turn = self.write_turn().await;
        Entity::update_many()
            .col_expr(Column::LastUsedAt, Some(now).into())
            .filter(Column::Id.eq(id))
            .filter(
                sea_orm::Condition::any()
                    .add(Column::LastUsedAt.is_null())
                    .add(Column::LastUsedAt.lt(stale)),
            )
            .exec(&self.conn)
            .await?;
        Ok(())
    }

    /// Revokes a token at `now`, with `audit`. Revoking a revoked token keeps its first time.
    pub async fn revoke_api_token(
        &self,
        id: i64,
        now: OffsetDateTime,
        audit: &NewAuditEntry,
    ) -> Result<api_token::Model, Error> {
        let txn = self.begin_write().await?;
        let Some(found) = Entity::find_by_id(id).one(&txn).await? else {
            return Err(Error::NotFound(format!("API token {id}")));
        };
        if found.revoked_at.is_some() {
            return Ok(found);
        }
        let mut am: api_token::ActiveModel = found.into();
        am.revoked_at = Set(Some(now));
        let updated = Entity::update(am).exec(&txn).await?;
        append_in(&txn, audit).await?;
        txn.commit().await?;
        Ok(updated)
    }
}
