//! `customers`: the back office's customers, keyed by its own customer number.

use sea_orm::entity::prelude::*;

/// A stored customer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The back office's customer number (`Kundennummer`), unique: two customers of the same
    /// name stay two customers.
    pub number: String,
    /// The name as the latest invoice gave it.
    pub name: String,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
    /// Last change (name, payers).
    pub updated_at: TimeDateTimeWithTimeZone,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
