//! `customer_payers`: the payers (IBAN, name) known to be a customer — uploaded with its
//! invoices or learned from a person's confirmation — and those a person said are not.

use sea_orm::entity::prelude::*;

use crate::state::PayerOrigin;

/// A payer of (or, when rejected, not of) a customer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_payers")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// The payer's IBAN, upper case without spaces.
    pub iban: Option<String>,
    /// The payer's name as the bank printed it.
    pub name: Option<String>,
    /// Uploaded, learned or rejected.
    pub origin: PayerOrigin,
    /// The match whose confirmation or rejection taught it (learned and rejected only).
    pub match_id: Option<i64>,
    /// Who decided (learned and rejected only).
    pub decided_by: Option<String>,
    /// When it was stored.
    pub created_at: TimeDateTimeWithTimeZone,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
