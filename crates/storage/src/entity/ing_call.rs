//! `ing_calls`: every AIS call made for an account, so the daily budget can be counted.

use sea_orm::entity::prelude::*;

/// One recorded call.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ing_calls")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// When.
    pub at: TimeDateTimeWithTimeZone,
    /// A user started it (PSD2 does not limit those to 4 a day).
    pub user_initiated: bool,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
