//! `matches`: a transaction allocated (or proposed) to an invoice, with the reasons.

use sea_orm::entity::prelude::*;

use crate::money::{Confidence, Money};
use crate::state::{MatchMethod, MatchStatus};

/// A stored match.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matches")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The bank transaction.
    pub transaction_id: i64,
    /// The invoice.
    pub invoice_id: i64,
    /// Allocated amount (positive).
    pub amount: Money,
    /// Score between 0 and 1.
    pub confidence: Confidence,
    /// Auto or manual.
    pub method: MatchMethod,
    /// JSON array of the matcher's reasons.
    pub reasons: String,
    /// Suggested, confirmed, rejected or undone.
    pub status: MatchStatus,
    /// Who or what decided (`auto`, a user name).
    pub decided_by: Option<String>,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
    /// When it was confirmed, rejected or undone.
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The reasons, read from whichever shape the row was written in.
    pub fn match_reasons(&self) -> crate::MatchReasons {
        crate::MatchReasons::from_stored(&self.reasons)
    }
}
