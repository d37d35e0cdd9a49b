//! `accounts`: one row per bank account, of a connection or fed by statement files.

use sea_orm::entity::prelude::*;

/// A stored account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The bank connection (PSD2 consent) that feeds it; `None` for an account fed only by
    /// statement files.
    pub connection_id: Option<String>,
    /// ING's `resourceId`.
    pub resource_id: String,
    /// IBAN.
    pub iban: Option<String>,
    /// Account name.
    pub name: String,
    /// Bank name.
    pub bank_name: String,
    /// ISO 4217.
    pub currency: String,
    /// Product.
    pub product: Option<String>,
    /// When it was first stored.
    pub created_at: TimeDateTimeWithTimeZone,
    /// ING's `_links.transactions.href` from the latest account list (a path on the API host,
    /// with ING's own parameters such as `currency=`); `None` until an account sync stored one.
    pub transactions_link: Option<String>,
}

/// No navigable relations are declared; joins are written in the repositories.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
