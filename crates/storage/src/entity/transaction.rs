//! `transactions`: every bank transaction once per account (unique `dedupe_key`).

use sea_orm::entity::prelude::*;

use crate::money::Money;
use crate::state::{BookingStatus, ReconciliationState};

/// A stored transaction.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transactions")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// Unique per account: `id:<bank transactionId>` or `fp:<fingerprint>:<ordinal>`.
    pub dedupe_key: String,
    /// The bank's `transactionId`.
    pub bank_transaction_id: Option<String>,
    /// `entryReference`.
    pub entry_reference: Option<String>,
    /// `endToEndId` (absent when the bank sent none or `NOTPROVIDED`).
    pub end_to_end_id: Option<String>,
    /// Booking date (plain date, no time zone).
    pub booking_date: Option<TimeDate>,
    /// Value date.
    pub value_date: Option<TimeDate>,
    /// Signed amount (incoming > 0).
    pub amount: Money,
    /// ISO 4217.
    pub currency: String,
    /// Debtor of incoming, creditor of outgoing money.
    pub counterparty_name: Option<String>,
    /// The counterparty's IBAN.
    pub counterparty_iban: Option<String>,
    /// Unstructured remittance information.
    pub remittance_unstructured: Option<String>,
    /// Structured remittance reference.
    pub remittance_structured: Option<String>,
    /// Bank transaction code.
    pub bank_transaction_code: Option<String>,
    /// Booked or pending as the bank lists it; superseded (a pending entry replaced by its
    /// booking) or expired (a pending entry the bank stopped listing) as the store marks it.
    pub status: BookingStatus,
    /// The booked row that replaced this pending one.
    pub superseded_by: Option<i64>,
    /// The bank's JSON as received.
    pub raw_json: String,
    /// Unmatched, suggested or matched.
    pub reconciliation_state: ReconciliationState,
    /// When it was stored.
    pub imported_at: TimeDateTimeWithTimeZone,
}

/// No navigable relations are declared; joins are written in the repositories.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
