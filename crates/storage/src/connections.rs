//! Bank connections: one consent, its status and the token we issued for it.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use time::OffsetDateTime;

use crate::db::Database;
use crate::digest::token_digest;
use crate::entity::connection::{self, Column, Entity};
use crate::error::Error;
use crate::state::ConnectionStatus;

/// A connection to create after a successful consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    /// `local`, `sandbox` or `production`.
    pub environment: String,
    /// The ING client id.
    pub client_id: String,
    /// Granted scopes, space separated.
    pub scopes: String,
    /// When the user authenticated.
    pub granted_at: OffsetDateTime,
    /// When the consent ends.
    pub valid_until: Option<OffsetDateTime>,
}

/// Marks `id` replaced by `by`: its accounts now belong to `by`. Kept apart from
/// [`Database::set_connection_status`] so callers can run it inside their own transaction.
pub(crate) async fn mark_replaced<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: &str,
    by: &str,
) -> Result<(), sea_orm::DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, ConnectionStatus::Replaced.into())
        .col_expr(
            Column::StatusReason,
            Some(format!(
                "replaced by connection {by}, a newer consent for the same accounts; \
                 they moved there with their history"
            ))
            .into(),
        )
        .col_expr(Column::UpdatedAt, OffsetDateTime::now_utc().into())
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

impl Database {
    /// Creates an active connection whose bearer token is `token` (only its hash is kept).
    pub async fn create_connection(
        &self,
        new: &NewConnection,
        token: &str,
    ) -> Result<connection::Model, Error> {
        let now = OffsetDateTime::now_utc();
        let row = connection::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            provider: Set("ing".to_owned()),
            environment: Set(new.environment.clone()),
            client_id: Set(new.client_id.clone()),
            status: Set(ConnectionStatus::Active),
            status_reason: Set(None),
            scopes: Set(new.scopes.clone()),
            consent_granted_at: Set(Some(new.granted_at)),
            consent_valid_until: Set(new.valid_until),
            last_sca_at: Set(Some(new.granted_at)),
            token_hash: Set(Some(token_digest(token))),
            created_at: Set(now),
            updated_at: Set(now),
        };
        Ok(Entity::insert(row).exec_with_returning(&self.conn).await?)
    }

    /// The connection whose bearer token is `token`, if any.
    pub async fn connection_by_token(
        &self,
        token: &str,
    ) -> Result<Option<connection::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::TokenHash.eq(token_digest(token)))
            .one(&self.conn)
            .await?)
    }

    /// One connection.
    pub async fn find_connection(&self, id: &str) -> Result<Option<connection::Model>, Error> {
        Ok(Entity::find_by_id(id.to_owned()).one(&self.conn).await?)
    }

    /// Every connection, newest first.
    pub async fn connections(&self) -> Result<Vec<connection::Model>, Error> {
        Ok(Entity::find()
            .order_by_desc(Column::CreatedAt)
            .all(&self.conn)
            .await?)
    }

    /// A connection re-consented by the same person: active again with the new consent's
    /// scopes and dates; its id, accounts and bearer token stay.
    pub async fn renew_connection(
        &self,
        id: &str,
        scopes: &str,
        granted_at: OffsetDateTime,
        valid_until: Option<OffsetDateTime>,
    ) -> Result<connection::Model, Error> {
        let res = Entity::update_many()
            .col_expr(Column::Status, ConnectionStatus::Active.into())
            .col_expr(Column::StatusReason, Option::<String>::None.into())
            .col_expr(Column::Scopes, scopes.to_owned().into())
            .col_expr(Column::ConsentGrantedAt, Some(granted_at).into())
            .col_expr(Column::ConsentValidUntil, valid_until.into())
            .col_expr(Column::LastScaAt, Some(granted_at).into())
            .col_expr(Column::UpdatedAt, OffsetDateTime::now_utc().into())
            .filter(Column::Id.eq(id))
            .exec(&self.conn)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("connection {id}")));
        }
        self.find_connection(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("connection {id}")))
    }

    /// Sets the status and the reason people see.
    pub async fn set_connection_status(
        &self,
        id: &str,
        status: ConnectionStatus,
        reason: Option<&str>,
    ) -> Result<(), Error> {
        let res = Entity::update_many()
            .col_expr(Column::Status, status.into())
            .col_expr(Column::StatusReason, reason.map(str::to_owned).into())
            .col_expr(Column::UpdatedAt, OffsetDateTime::now_utc().into())
            .filter(Column::Id.eq(id))
            .exec(&self.conn)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("connection {id}")));
        }
        Ok(())
    }

    /// Moves active connections whose consent ends within `warn_before` to expiring, and those
    /// whose consent has ended to expired. Returns how many changed.
    pub async fn refresh_consent_statuses(
        &self,
        now: OffsetDateTime,
        warn_before: time::Duration,
    ) -> Result<u64, Error> {
        let expired = Entity::update_many()
            .col_expr(Column::Status, ConnectionStatus::Expired.into())
            .col_expr(
                Column::StatusReason,
                Some("the consent's validity ended; reconnect to renew it".to_owned()).into(),
            )
            .col_expr(Column::UpdatedAt, now.into())
            .filter(Column::Status.is_in([ConnectionStatus::Active, ConnectionStatus::Expiring]))
            .filter(Column::ConsentValidUntil.lte(now))
            .exec(&self.conn)
            .await?
            .rows_affected;
        let expiring = Entity::update_many()
            .col_expr(Column::Status, ConnectionStatus::Expiring.into())
            .col_expr(Column::UpdatedAt, now.into())
            .filter(Column::Status.eq(ConnectionStatus::Active))
            .filter(Column::ConsentValidUntil.lte(now + warn_before))
            .exec(&self.conn)
            .await?
            .rows_affected;
        Ok(expired + expiring)
    }
}
