//! `invoices`: open items that incoming payments settle.

use sea_orm::entity::prelude::*;

use crate::money::Money;
use crate::state::{InvoiceKind, InvoiceStatus};

/// A stored invoice or credit note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The invoice number, unique.
    pub number: String,
    /// Invoice or credit note.
    pub kind: InvoiceKind,
    /// Customer name.
    pub customer_name: String,
    /// The customer (`customers.id`) when the invoice came with a customer number; without
    /// one the matcher groups the invoice with others of the same name, as before customers
    /// were stored.
    pub customer_id: Option<i64>,
    /// JSON array of the customer's known IBANs.
    pub customer_ibans: String,
    /// Gross total, positive.
    pub total: Money,
    /// What is still open; reduced by confirmed matches.
    pub open_amount: Money,
    /// ISO 4217.
    pub currency: String,
    /// Issue date.
    pub issue_date: TimeDate,
    /// Due date.
    pub due_date: Option<TimeDate>,
    /// ISO 11649 creditor reference (`RF…`).
    pub creditor_reference: Option<String>,
    /// Follows the open amount (or cancelled).
    pub status: InvoiceStatus,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
    /// Last change.
    pub updated_at: TimeDateTimeWithTimeZone,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
