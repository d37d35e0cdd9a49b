//! `account_sync`: per account, the watermark, back-off and the worker lease.

use sea_orm::entity::prelude::*;

/// Sync state of one account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_sync")]
pub struct Model {
    /// Account.
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// Last day known complete; advances only after a successful commit.
    pub watermark: Option<TimeDate>,
    /// Last successful sync.
    pub last_success_at: Option<TimeDateTimeWithTimeZone>,
    /// Not before this (rate limit, budget).
    pub next_attempt_at: Option<TimeDateTimeWithTimeZone>,
    /// Worker holding the lease.
    pub lease_owner: Option<String>,
    /// Lease expiry: after it another worker may take the account.
    pub lease_until: Option<TimeDateTimeWithTimeZone>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
