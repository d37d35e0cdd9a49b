//! `invoices`: open items that incoming payments settle.

use sea_orm::entity::prelude::*;

/// A stored invoice or credit note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The invoice number, unique.
    pub number: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    /// Customer name.
    pub customer_name: String,
    /// JSON array of the customer's known IBANs.
    pub customer_ibans: String,
    /// Exact decimal text.
    pub total: String,
    /// What is still open, exact decimal text; reduced by confirmed matches.
    pub open_amount: String,
    /// ISO 4217.
    pub currency: String,
    /// Issue date.
    pub issue_date: TimeDate,
    /// Due date.
    pub due_date: Option<TimeDate>,
    /// ISO 11649 creditor reference (`RF…`).
    pub creditor_reference: Option<String>,
    /// `open`, `partially_paid`, `paid` or `cancelled`.
    pub status: String,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
    /// Last change.
    pub updated_at: TimeDateTimeWithTimeZone,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
