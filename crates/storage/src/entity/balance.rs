//! `balances`: what the bank reported, one row per balance type and fetch.

use sea_orm::entity::prelude::*;

use crate::money::Money;

/// A stored balance.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "balances")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// ING's `balanceType` (`closingBooked`, `expected`, `interimBooked`, …).
    pub balance_type: String,
    /// The amount.
    pub amount: Money,
    /// ISO 4217.
    pub currency: String,
    /// The bank's reference date.
    pub reference_date: Option<TimeDate>,
    /// When we fetched it.
    pub fetched_at: TimeDateTimeWithTimeZone,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
