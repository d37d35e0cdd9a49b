//! `sync_runs`: one fetch of one account, its window, counts and outcome.

use sea_orm::entity::prelude::*;

use crate::state::{SyncOutcome, SyncTrigger};

/// A stored sync run.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_runs")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// User or worker.
    pub trigger: SyncTrigger,
    /// First day asked for.
    pub window_from: Option<TimeDate>,
    /// Last day asked for.
    pub window_to: Option<TimeDate>,
    /// Started.
    pub started_at: TimeDateTimeWithTimeZone,
    /// Finished, if it did.
    pub finished_at: Option<TimeDateTimeWithTimeZone>,
    /// Entries the bank returned.
    pub fetched: i64,
    /// New rows.
    pub imported: i64,
    /// Known rows.
    pub skipped: i64,
    /// Rows the bank changed.
    pub updated: i64,
    /// Calls made to ING.
    pub ing_calls: i64,
    /// Running until it ends, then how it ended.
    pub outcome: SyncOutcome,
    /// What went wrong, for people (no secrets).
    pub error: Option<String>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
