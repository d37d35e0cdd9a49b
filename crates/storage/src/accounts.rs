//! Accounts of a connection.

use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use crate::db::Database;
use crate::entity::account::{self, Column, Entity};
use crate::error::Error;

/// An account to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The connection it belongs to.
    pub connection_id: String,
    /// ING's `resourceId`.
    pub resource_id: String,
    /// IBAN.
    pub iban: Option<String>,
    /// Name.
    pub name: String,
    /// Bank name.
    pub bank_name: String,
    /// ISO 4217.
    pub currency: String,
    /// Product.
    pub product: Option<String>,
}

impl Database {
    /// Stores the account unless the connection already has it; returns it and whether it was
    /// created.
    pub async fn upsert_account(&self, a: &NewAccount) -> Result<(account::Model, bool), Error> {
        let find = || {
            Entity::find()
                .filter(Column::ConnectionId.eq(a.connection_id.clone()))
                .filter(Column::ResourceId.eq(a.resource_id.clone()))
        };
        if let Some(found) = find().one(&self.conn).await? {
            return Ok((found, false));
        }
        let row = account::ActiveModel {
            connection_id: Set(a.connection_id.clone()),
            resource_id: Set(a.resource_id.clone()),
            iban: Set(a.iban.clone()),
            name: Set(a.name.clone()),
            bank_name: Set(a.bank_name.clone()),
            currency: Set(a.currency.clone()),
            product: Set(a.product.clone()),
            created_at: Set(time::OffsetDateTime::now_utc()),
            ..Default::default()
        };
        let inserted = Entity::insert(row)
            .on_conflict_do_nothing_on([Column::ConnectionId, Column::ResourceId])
            .exec_without_returning(&self.conn)
            .await?;
        let created = matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0);
        let stored = find()
            .one(&self.conn)
            .await?
            .ok_or_else(|| Error::Corrupt("account vanished after insert".into()))?;
        Ok((stored, created))
    }
}

impl Database {
    /// One account.
    pub async fn account(&self, id: i64) -> Result<Option<account::Model>, Error> {
        Ok(Entity::find_by_id(id).one(&self.conn).await?)
    }

    /// The accounts of a connection, by id.
    pub async fn accounts_of(&self, connection_id: &str) -> Result<Vec<account::Model>, Error> {
        use sea_orm::QueryOrder as _;
        Ok(Entity::find()
            .filter(Column::ConnectionId.eq(connection_id))
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }

    /// Every account, by id.
    pub async fn all_accounts(&self) -> Result<Vec<account::Model>, Error> {
        use sea_orm::QueryOrder as _;
        Ok(Entity::find()
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }
}
