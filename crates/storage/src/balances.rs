//! Balances: each fetch stored beside the earlier ones, the latest read back.

use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use time::{Date, OffsetDateTime};

use crate::db::Database;
use crate::entity::balance::{self, Column, Entity};
use crate::error::Error;

/// A balance to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBalance {
    /// ING's `balanceType`.
    pub balance_type: String,
    /// Exact amount.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// The bank's reference date.
    pub reference_date: Option<Date>,
}

impl Database {
    /// Stores one fetch of an account's balances (all or none).
    pub async fn record_balances(
        &self,
        account_id: i64,
        balances: &[NewBalance],
        fetched_at: OffsetDateTime,
    ) -> Result<(), Error> {
        if balances.is_empty() {
            return Ok(());
        }
        let txn = self.begin_write().await?;
        Entity::insert_many(balances.iter().map(|b| balance::ActiveModel {
            account_id: Set(account_id),
            balance_type: Set(b.balance_type.clone()),
            amount: Set(b.amount.into()),
            currency: Set(b.currency.clone()),
            reference_date: Set(b.reference_date),
            fetched_at: Set(fetched_at),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The balances of the latest fetch, empty if none.
    pub async fn latest_balances(&self, account_id: i64) -> Result<Vec<balance::Model>, Error> {
        let Some(last) = Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .order_by_desc(Column::FetchedAt)
            .one(&self.conn)
            .await?
        else {
            return Ok(Vec::new());
        };
        Ok(Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::FetchedAt.eq(last.fetched_at))
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }
}
